"""Shared model pieces: no hard deletes, bounded text, private uploads."""

import uuid
from collections.abc import Iterable
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .text import clean_text
from .uploads import KIND_OF_EXTENSION

# How much free text an office needs, in characters. Every text column has a bound: a petition
# of 8 MB is not one anybody typed, and 30 of them once took 1 GB of memory to import.
REASON_MAX_LENGTH = 2_000  # a withdrawal, forwarding, complex-case or assessment reason
LONG_TEXT_MAX_LENGTH = 5_000  # a petition, the answer given at the conference, a reply's summary, a note
DOCUMENT_MAX_LENGTH = 20_000  # the body of a conclusion notice
TIMELINE_MAX_LENGTH = 10_000  # a timeline event's message (built from the texts above)


class BoundedTextField(models.TextField):
    """A ``TextField`` whose ``max_length`` is enforced (Django's only sizes the form widget):
    model validation and the admin refuse a longer text; the column stays ``text``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(MaxLengthValidator(self.max_length))


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def text_too_long(label, length: int, limit: int) -> str:
    """The one message for a text over its bound: "Nội dung kiến nghị dài 8.000.000 ký tự, …"."""
    return gettext("%(label)s dài %(length)s ký tự, vượt quá giới hạn %(max)s ký tự.") % {
        "label": capfirst(label),
        "length": _number(length),
        "max": _number(limit),
    }


def clean_texts(instance) -> None:
    """Store every text of ``instance`` with ``\n`` line breaks and no control character
    (``common.text.clean_text``): a pasted vertical tab once made every DOCX and XLSX of its
    petition a server error."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, (models.CharField, models.TextField)):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_text(value))


def check_text_lengths(instance, fields: Iterable[str] | None = None) -> None:
    """Refuse, by field with a clear message, any text of ``instance`` longer than its column
    allows (``fields``: only these). Called on every save of the project's records, so no code
    path writes an unbounded text, and a CharField too long for PostgreSQL is a message, not a 500."""
    wanted = set(fields) if fields is not None else None
    errors = {}
    for field in instance._meta.concrete_fields:
        if wanted is not None and field.name not in wanted and field.attname not in wanted:
            continue
        if not isinstance(field, (models.CharField, models.TextField)) or not field.max_length:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str) and len(value) > field.max_length:
            errors[field.name] = text_too_long(field.verbose_name, len(value), field.max_length)
    if errors:
        raise ValidationError(errors)


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise models.ProtectedError(_("Dữ liệu không được xóa cứng; hãy dùng chức năng thu hồi."), set(self))


class NoDeleteModel(models.Model):
    """Records of the dialogue process are evidence: they are never hard-deleted."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        clean_texts(self)
        check_text_lengths(self, kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Dữ liệu không được xóa cứng; hãy dùng chức năng thu hồi."), {self})


def private_upload_to(instance, filename: str) -> str:
    """Store uploads under an unguessable name. ``filename`` is the one the services give
    (``common.uploads.attach_document``: the extension of the detected kind); any other
    extension is dropped, so no stored file ever carries an uploader's ``.html`` or ``.exe``."""
    suffix = PurePath(filename).suffix.lower()
    label = instance._meta.label_lower.replace(".", "/")
    return f"private/{label}/{uuid.uuid4().hex}{suffix if suffix in KIND_OF_EXTENSION else ''}"
