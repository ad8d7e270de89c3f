"""Filters of the petition lists: the agency's work queue, the petition list of an area, the
Front's list and the lists that reuse them. The queryset handed in is already scoped to the
user; the choices offered come from it too, so nobody is shown another area's sessions."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from common.dates import vn_date
from common.sql import AnyOf
from common.web import MAX_ID
from sessions.filters import VnDateFilter
from sessions.models import DialogueSession
from sessions.selectors import sessions_visible_to
from units.access import AREA_ROLES, scope_of
from units.models import Unit
from units.selectors import units_visible_to
from units.versions import AreaCache

from .models import Field, PetitionStatus
from .selectors import DeadlineState, current_state_conditions, search_petitions

# The sessions offered in the filter: the most recent ones of the list (any other in scope can
# still be asked for, e.g. by the link on a session's page, and is then offered too).
SESSION_CHOICES = 100

# Sort options: key -> (label, ordering). "urgent" is the work queue's: what nobody of the unit
# has opened yet first, then the nearest due date, so a new assignment is never on page 2.
SORTS = {
    "urgent": (
        _("Mới giao trước, rồi hạn gần nhất"),
        [F("is_new").desc(), F("current_due_on").asc(nulls_last=True), "id"],
    ),
    "due": (_("Hạn gần nhất trước"), [F("current_due_on").asc(nulls_last=True), "id"]),
    "due_desc": (_("Hạn xa nhất trước"), [F("current_due_on").desc(nulls_last=True), "-id"]),
    "assigned_desc": (_("Giao gần đây nhất trước"), [F("assigned_on").desc(nulls_last=True), "-id"]),
    "assigned": (_("Giao sớm nhất trước"), [F("assigned_on").asc(nulls_last=True), "id"]),
    "held_desc": (_("Hội nghị gần đây nhất trước"), ["-session__held_on", "-id"]),
    "newest": (_("Ghi nhận gần đây nhất trước"), ["-id"]),
}


def _session_label(session: DialogueSession) -> str:
    return f"{vn_date(session.held_on)} – {session.topic[:70]} ({session.organising_unit.name})"


class PetitionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Tìm kiếm"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Nội dung, người kiến nghị, mã tra cứu…"), "type": "search"}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Trạng thái"),
        choices=[(v, label) for v, label in PetitionStatus.choices if v != PetitionStatus.WITHDRAWN],
        empty_label=_("Mọi trạng thái"),
    )
    state = django_filters.ChoiceFilter(
        label=_("Hạn xử lý"), choices=DeadlineState.choices, method="filter_state", empty_label=_("Mọi tình trạng")
    )
    field = django_filters.ModelChoiceFilter(
        label=_("Lĩnh vực"), queryset=Field.objects.all(), empty_label=_("Mọi lĩnh vực")
    )
    session = django_filters.ModelChoiceFilter(
        label=_("Hội nghị"), queryset=DialogueSession.objects.none(), empty_label=_("Mọi hội nghị")
    )
    organising_unit = django_filters.ModelChoiceFilter(
        label=_("Cơ quan tổ chức (gồm cấp dưới)"),
        queryset=Unit.objects.none(),
        method="filter_organising_unit",
        empty_label=_("Mọi cơ quan tổ chức"),
        widget=forms.Select(attrs={"class": "unit-picker"}),
    )
    assigned_from = VnDateFilter(label=_("Giao từ ngày"), field_name="assigned_on", lookup_expr="gte")
    assigned_to = VnDateFilter(label=_("Giao đến ngày"), field_name="assigned_on", lookup_expr="lte")
    sort = django_filters.ChoiceFilter(label=_("Sắp xếp"), method="filter_sort", empty_label=None)

    class Meta:
        fields = []

    def __init__(
        self,
        data=None,
        queryset=None,
        *,
        user,
        sorts=("due", "due_desc", "held_desc", "newest"),
        area: AreaCache | None = None,
        **kwargs,
    ):
        self.user = user
        self.area = area
        self.sorts = list(sorts)
        super().__init__(data, queryset=queryset, **kwargs)
        scope = scope_of(user)
        self.filters["sort"].extra["choices"] = [(key, SORTS[key][0]) for key in self.sorts]
        self.filters["session"].queryset = sessions_visible_to(user)
        if scope.is_admin or scope.area_paths:
            units = units_visible_to(user, AREA_ROLES)
        else:  # an agency officer: the units whose sessions gave petitions to this list
            # (~25 ms for a busy department at 1,000,000 petitions: cached with the list's count)
            organisers = queryset.order_by().values_list("session__organising_unit_id", flat=True).distinct()
            units = Unit.objects.filter(pk__in=area.values(organisers) if area is not None else organisers)
        self.filters["organising_unit"].queryset = (
            units.select_related(None).only("id", "name", "path").order_by("path")
        )
        self._offer_recent_sessions(queryset)

    def _offer_recent_sessions(self, queryset) -> None:
        """Offer the most recent sessions of the list (and the one asked for), not every session
        in scope: a province holds a thousand a year."""
        # The list's session ids are resolved once inside the statement (``AnyOf``); as
        # ``IN (subquery)`` PostgreSQL walked every session by date and tested each one's petitions
        # against the scope's id arrays (~380 ms for a province at 1,000,000 petitions; now ~28 ms).
        # They depend on the list before its filters, not on the words searched: cached under the
        # area's data versions when the view gives its ``AreaCache`` (~30–45 ms a request saved).
        sessions = (
            DialogueSession.objects.filter(AnyOf("pk", queryset.values("session_id").distinct()))
            .select_related("organising_unit")
            .only("id", "held_on", "topic", "organising_unit__name")
            .order_by("-held_on", "-id")[:SESSION_CHOICES]
        )

        def labelled():
            return [(s.pk, _session_label(s)) for s in sessions]

        recent = self.area.get("session-choices", sessions, labelled) if self.area is not None else labelled()
        chosen = str(self.form["session"].value() or "") if self.is_bound else ""
        if chosen.isdigit() and int(chosen) <= MAX_ID and all(str(pk) != chosen for pk, _label in recent):
            recent = recent + [(s.pk, _session_label(s)) for s in sessions_visible_to(self.user).filter(pk=int(chosen))]
        self.form.fields["session"].widget.choices = [("", _("Mọi hội nghị")), *recent]

    @property
    def sort_key(self) -> str:
        value = self.form.cleaned_data.get("sort") if self.is_bound and self.is_valid() else None
        return value if value in self.sorts else self.sorts[0]

    def ordered(self, queryset):
        return queryset.order_by(*SORTS[self.sort_key][1])

    def filter_search(self, queryset, name, value):
        return search_petitions(queryset, value, self.user)

    def filter_state(self, queryset, name, value):
        return queryset.filter(current_state_conditions()[value])

    def filter_organising_unit(self, queryset, name, unit):
        return queryset.filter(session__organising_unit__path__startswith=unit.path)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied last by ``ordered``, once every filter is in

    @property
    def active_count(self) -> int:
        """How many filters besides the search and the sort are in use (shown on the toggle)."""
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for key, value in self.form.cleaned_data.items() if key not in ("q", "sort") and value)
