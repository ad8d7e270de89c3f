"""Every text has a bound (the class of the 240 MB import): every text column of the project's
models and every text field of its forms, enforced on every save with a clear message that
names the field, and texts are stored without control characters."""

import importlib
import inspect

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models

from common.models import LONG_TEXT_MAX_LENGTH
from petitions.models import Petition
from petitions.services import petition_record, supervision_note_add
from sessions.services import participant_add, session_record
from tests import factories as f

PROJECT_APPS = ["units", "regulations", "dialogue_sessions", "petitions", "notifications"]
FORM_MODULES = [
    "common.forms",
    "units.forms",
    "sessions.forms",
    "petitions.forms",
    "reports.forms",
    "dialogue_portal.forms",
]


def _history_of_a_file(model, field) -> bool:
    """django-simple-history keeps a file's stored name in a text column: written by it, not typed."""
    original = getattr(model, "instance_type", None)
    if original is None:
        return False
    try:
        return isinstance(original._meta.get_field(field.name), models.FileField)
    except FieldDoesNotExist:
        return False


def test_every_text_column_of_every_project_model_is_bounded_and_validated():
    unbounded = []
    for label in PROJECT_APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if not isinstance(field, (models.CharField, models.TextField)) or _history_of_a_file(model, field):
                    continue
                validated = any(isinstance(v, MaxLengthValidator) for v in field.validators)
                if not field.max_length or not validated:
                    unbounded.append(f"{model._meta.label}.{field.name}")
    assert not unbounded


def _project_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def test_every_text_field_of_every_project_form_is_bounded():
    checked, unbounded = 0, []
    for cls in _project_forms():
        try:
            fields = cls().fields  # some forms add or bound fields when built
        except TypeError:
            fields = cls.base_fields
        for name, field in fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, forms.ChoiceField):
                checked += 1
                if not field.max_length:
                    unbounded.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert checked > 20
    assert not unbounded


def test_every_date_field_of_every_project_form_keeps_to_the_sane_years():
    from common.forms import VnDateField

    dates = {
        f"{cls.__name__}.{name}": field
        for cls in _project_forms()
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField)
    }
    assert len(dates) >= 8
    assert [name for name, field in dates.items() if not isinstance(field, VnDateField)] == []


@pytest.mark.django_db
def test_an_overlong_text_from_any_code_path_is_refused_with_its_field_and_nothing_is_written(province, staff_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd)
    before = Petition.objects.count()
    with pytest.raises(ValidationError) as refusal:
        petition_record(session=session, actor=staff_user, petitioner_name="Ông A", content="Đ" * 5001)
    assert refusal.value.message_dict == {
        "content": ["Nội dung kiến nghị dài 5.001 ký tự, vượt quá giới hạn 5.000 ký tự."]
    }
    assert Petition.objects.count() == before
    with pytest.raises(ValidationError) as refusal:
        participant_add(session=session, name="Đ" * 256)
    assert "dài 256 ký tự, vượt quá giới hạn 255 ký tự" in refusal.value.message_dict["name"][0]
    with pytest.raises(ValidationError):
        session_record(
            organising_unit=province.ubnd, kind="periodic", held_on=session.held_on, topic="Đ" * 501,
            place="Hội trường", actor=staff_user,
        )  # fmt: skip
    petition = petition_record(session=session, actor=staff_user, petitioner_name="Ông A", content="Sửa đường")
    with pytest.raises(ValidationError):
        supervision_note_add(petition=petition, author=staff_user, text="x" * (LONG_TEXT_MAX_LENGTH + 1))
    assert not petition.supervision_notes.exists()


@pytest.mark.django_db
def test_texts_are_stored_without_control_characters(province, staff_user):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd)
    petition = petition_record(
        session=session, actor=staff_user, petitioner_name="Ông\x00 A\x07", content="Dòng 1\x0bDòng 2\r\nDòng 3\x1b"
    )
    petition.refresh_from_db()
    assert petition.petitioner_name == "Ông A"
    assert petition.content == "Dòng 1\nDòng 2\nDòng 3"
