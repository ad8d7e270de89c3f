"""The searchable unit picker of every form that chooses a unit."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.web import parse_id

from .models import Unit
from .selectors import units_active_on


def _is_id(value) -> bool:
    try:
        return parse_id(value) is not None
    except ValueError:
        return False


class UnitPicker(forms.Select):
    """A select that renders only its chosen option; the page's tom-select fills the rest from one
    JSON list of units (``includes/unit_options.html``) and searches it ignoring diacritics. This
    keeps a page with many pickers to one query however large the unit tree is."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "form-select unit-picker", "data-placeholder": _("Gõ tên đơn vị để tìm…"), **(attrs or {})}
        )
        self.labels: dict[str, str] = {}

    def use_required_attribute(self, initial):
        # Select's check peeks at the first choice, i.e. runs the unit query once per picker;
        # the server validates the choice anyway.
        return False

    def optgroups(self, name, value, attrs=None):
        chosen = [str(v) for v in value if v not in (None, "")]
        # Only ids a database column can hold: SQLite raises on a larger integer (forged input).
        missing = [v for v in chosen if v not in self.labels and _is_id(v)]
        if missing:
            self.labels.update({str(u.pk): u.name for u in Unit.objects.filter(pk__in=missing).only("id", "name")})
        options = [self.create_option(name, "", "---------", False, 0)]
        for index, pk in enumerate(chosen, start=1):
            if pk in self.labels:
                options.append(self.create_option(name, pk, self.labels[pk], True, index))
        return [(None, options, 0)]


class MultiUnitPicker(UnitPicker, forms.SelectMultiple):
    allow_multiple_selected = True

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        # No empty option in a multiple select.
        return [(None, [o for o in groups[0][1] if o["value"] != ""], 0)]


class UnitChoiceField(forms.ModelChoiceField):
    widget = UnitPicker
    default_error_messages = {"invalid_choice": _("Đơn vị đã chọn không hợp lệ hoặc không còn hoạt động.")}

    def __init__(self, queryset=None, **kwargs):
        super().__init__(queryset=queryset if queryset is not None else units_active_on(), **kwargs)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several units. An id too large for a database integer is an invalid choice, not a query
    (SQLite raises ``OverflowError`` on it: a forged form would be a 500)."""

    widget = MultiUnitPicker

    def _check_values(self, value):
        for pk in value:
            if not _is_id(pk):
                raise ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": pk}
                )
        return super()._check_values(value)
