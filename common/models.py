"""Shared model pieces: no hard deletes, private uploads."""

import uuid
from pathlib import PurePath

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoDeleteQuerySet(models.QuerySet):
    def delete(self):
        raise models.ProtectedError(_("Dữ liệu không được xóa cứng; hãy dùng chức năng thu hồi."), set(self))


class NoDeleteModel(models.Model):
    """Records of the dialogue process are evidence: they are never hard-deleted."""

    objects = NoDeleteQuerySet.as_manager()

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Dữ liệu không được xóa cứng; hãy dùng chức năng thu hồi."), {self})


def private_upload_to(instance, filename: str) -> str:
    """Store uploads under an unguessable name; the original name is kept only as metadata."""
    suffix = PurePath(filename).suffix.lower()[:10]
    label = instance._meta.label_lower.replace(".", "/")
    return f"private/{label}/{uuid.uuid4().hex}{suffix}"
