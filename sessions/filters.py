"""Filters of the sessions list. The queryset handed in is already scoped to the user."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import VnDateField
from common.text import normalise_search
from regulations.states import DeadlineState
from units.selectors import units_visible_to

from .models import DialogueSession, SessionKind
from .selectors import filter_notice_state


class VnDateFilter(django_filters.DateFilter):
    field_class = VnDateField


class SessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Chủ đề, địa điểm, người chủ trì… (gõ có dấu hoặc không dấu)")}),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Đơn vị (gồm cấp dưới)"),
        queryset=None,
        method="filter_unit",
        empty_label=_("Tất cả đơn vị"),
        widget=forms.Select(attrs={"class": "unit-picker"}),
    )
    year = django_filters.ChoiceFilter(label=_("Năm"), method="filter_year", empty_label=_("Mọi năm"))
    held_from = VnDateFilter(label=_("Từ ngày"), field_name="held_on", lookup_expr="gte")
    held_to = VnDateFilter(label=_("Đến ngày"), field_name="held_on", lookup_expr="lte")
    kind = django_filters.ChoiceFilter(
        label=_("Hình thức"), choices=SessionKind.choices, empty_label=_("Định kỳ và đột xuất")
    )
    notice_state = django_filters.ChoiceFilter(
        label=_("Hạn thông báo kết luận"),
        choices=DeadlineState.choices,
        method="filter_notice_state",
        empty_label=_("Mọi tình trạng"),
    )

    class Meta:
        model = DialogueSession
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["unit"].queryset = units_visible_to(user).select_related(None).only("id", "name", "path")
        this_year = timezone.localdate().year
        self.filters["year"].extra["choices"] = [(str(y), str(y)) for y in range(this_year + 1, this_year - 8, -1)]

    def filter_search(self, queryset, name, value):
        words = normalise_search(value).split()
        for word in words[:8]:
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def filter_unit(self, queryset, name, unit):
        return queryset.filter(organising_unit__path__startswith=unit.path)

    def filter_year(self, queryset, name, value):
        return queryset.filter(held_on__year=int(value))

    def filter_notice_state(self, queryset, name, value):
        return filter_notice_state(queryset, value)
