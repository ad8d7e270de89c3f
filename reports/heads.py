"""The head's own page: their scorecard for a dialogue year (plan and its dialogues, dialogues
chaired, notices, replies to their sessions' petitions, commitments, directions), every figure a
link to its list. Thin: the figures are ``reports.selectors`` figures narrowed to the head, counted
by the same function as the dashboards (``figure_counts``) and listed by the same drill-down."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from regulations.years import dialogue_year_bounds, dialogue_year_of
from sessions.selectors import plans_visible_to
from units.models import Leader
from units.selectors import dashboard_units

from . import selectors
from .periods import Cutoff, Period, PeriodKind

SECTIONS = [
    (
        gettext_lazy("Kế hoạch tiếp xúc, đối thoại của đơn vị"),
        ["planned_items", "planned_held", "planned_missed", "planned_pending"],
    ),
    (
        gettext_lazy("Đối thoại đã chủ trì"),
        ["sessions_held", "sessions_planned", "sessions_unplanned", "sessions_ad_hoc"],
    ),
    (
        gettext_lazy("Thông báo kết luận trong 10 ngày sau hội nghị"),
        ["notices_on_time", "notices_late", "notices_overdue", "notices_pending"],
    ),
    (
        gettext_lazy("Trả lời kiến nghị tại các hội nghị đã chủ trì"),
        [
            "petitions_received",
            "petitions_assigned",
            "petitions_on_time",
            "petitions_late",
            "petitions_overdue",
            "petitions_pending",
            "petitions_satisfied",
            "petitions_unsatisfied",
        ],
    ),
    (
        gettext_lazy("Kết luận, cam kết của người chủ trì"),
        ["items_total", "items_done", "items_done_late", "items_open", "items_overdue", "items_unsatisfied"],
    ),
    (gettext_lazy("Chỉ đạo giải quyết kiến nghị"), ["directions_given"]),
]
# Figures over the head's own row and unit: whether they met R1 and whether the unit has its plan.
STATUS_KEYS = ["heads_held", "plans_issued", "plans_issued_late"]


def dialogue_year_period(year: int) -> Period:
    """The dialogue year ``year`` as a reporting period (calendar unless set otherwise)."""
    cutoff = Cutoff(day=settings.DIALOGUE_YEAR_START_DAY, month=settings.DIALOGUE_YEAR_START_MONTH)
    return Period(kind=PeriodKind.YEAR, year=year, cutoff=cutoff)


def _year(request, today) -> int:
    value = request.GET.get("year") or ""
    if value:
        try:
            year = int(value)
            dialogue_year_period(year)
            return year
        except ValueError:
            messages.error(request, gettext_lazy("Năm không hợp lệ."))
    return dialogue_year_of(today)


@login_required
@require_GET
def head_scorecard(request, pk: int):
    """A head's scorecard for a dialogue year, for the head and those whose dashboards cover
    their unit (the Board, the Standing Committee's staff)."""
    if not selectors.can_see_dashboards(request.user):
        raise Http404
    head = selectors.head_in_scope_or_404(request.user, pk)
    today = timezone.localdate()
    year = _year(request, today)
    period = dialogue_year_period(year)
    keys = [k for _title, section in SECTIONS for k in section] + STATUS_KEYS
    counts = selectors.figure_counts(request.user, keys, head.unit, period, today=today, head=head)
    query = urlencode({"unit": head.unit_id, "head": head.pk, **period.as_params()})
    sections = [
        (
            title,
            [
                (key, selectors.FIGURES[key].label, counts[key], f"{reverse('reports:figure', args=[key])}?{query}")
                for key in section
            ],
        )
        for title, section in SECTIONS
    ]
    start, end = dialogue_year_bounds(year)
    # The unit's other heads of the year (a predecessor or a successor), each with a page.
    others = list(
        Leader.objects.filter(unit_id=head.unit_id, term_start__lte=end)
        .exclude(term_end__lt=start)
        .exclude(pk=head.pk)
        .order_by("term_start")
    )
    return render(
        request,
        "reports/head_scorecard.html",
        {
            "head": head,
            "year": year,
            "years": range(today.year + 1, today.year - 6, -1),
            "period": period,
            "start": start,
            "end": end,
            "sections": sections,
            "counts": counts,
            "plan": plans_visible_to(request.user).filter(unit_id=head.unit_id, year=year).first(),
            "others": others,
            "heads_list_url": f"{reverse('reports:figure', args=['heads_bound'])}?"
            + urlencode({"unit": head.unit_id, **period.as_params()}),
            "query": query,
        },
    )


@login_required
@require_GET
def my_scorecard(request):
    """The signed-in head's own scorecard (their latest term in scope); for anyone else with
    dashboards, the register of heads bound by the rule."""
    user = request.user
    if not selectors.can_see_dashboards(user):
        raise Http404
    terms = list(
        Leader.objects.filter(user=user, unit__in=dashboard_units(user).values("pk"))
        .select_related("unit")
        .order_by("-term_start", "-id")
    )
    if terms:
        return redirect("reports:head_scorecard", pk=terms[0].pk)
    unit = selectors.dashboard_unit_or_404(user, None)
    period = dialogue_year_period(dialogue_year_of(timezone.localdate()))
    return redirect(
        f"{reverse('reports:figure', args=['heads_bound'])}?" + urlencode({"unit": unit.pk, **period.as_params()})
    )
