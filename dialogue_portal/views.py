"""The signed-in home page: what this person must do today, one section per role they hold.

Staff see the conclusion notices to issue and their due dates and the sessions still waiting for
their petitions (typed in or imported from Excel); an agency officer its work queue; a Front
monitor the replies waiting for an assessment; the Board the key figures and red flags of its
area; a head the accountability scorecard (or, until that page exists, the sessions they chaired
and the overdue petitions of their area). Every section reads through the scoping selectors and
costs a fixed number of queries."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from common.web import page_by_ids
from petitions.models import Petition, PetitionStatus
from petitions.selectors import (
    DeadlineState,
    QueueTab,
    agency_queue,
    current_state_conditions,
    petitions_visible_to,
    replies_awaiting_assessment,
)
from reports import selectors as report_selectors
from reports.periods import current_period
from sessions.selectors import sessions_editable_by, sessions_visible_to, with_notice_state
from units.access import scope_of
from units.models import Role
from units.selectors import dashboard_units
from units.versions import AreaCache

HOME_LIMIT = 8
# Figures the Board sees first; the red flags among them link to their lists.
BOARD_FIGURES = ["sessions_held", "notices_overdue", "petitions_overdue", "petitions_unsatisfied", "r1_missing"]
RED_FLAGS = {"notices_overdue", "petitions_overdue", "petitions_unsatisfied", "r1_missing"}
# The heads' accountability page, when the heads' cycle provides it.
SCORECARD_URL_NAMES = ("reports:scorecard", "reports:leader_scorecard")


def _staff_section(user, today):
    sessions = sessions_editable_by(user).filter(withdrawn_at__isnull=True, notice_issued_on__isnull=True)
    to_issue = (
        with_notice_state(sessions.filter(held_on__lte=today), today)
        .annotate(has_petitions=Exists(Petition.objects.filter(session=OuterRef("pk"))))
        .order_by("notice_due_on", "id")
    )
    with_petitions = to_issue.filter(has_petitions=True)
    return {
        "notices": with_petitions[:HOME_LIMIT],
        "notices_count": with_petitions.count(),
        "without_petitions": to_issue.filter(has_petitions=False)[:HOME_LIMIT],
        "planned": sessions.filter(held_on__gt=today).order_by("held_on")[:3],
    }


def _agency_section(user, today):
    queue = agency_queue(user, today)
    # The same cached counts as the queue's page (``petitions.views.inbox``).
    counts = AreaCache(user).get("queue-counts", queue.rows, queue.counts)
    rows = queue.tab(QueueTab.OPEN).order_by("-is_new", "current_due_on", "id")[:HOME_LIMIT]
    return {"rows": rows, "tabs": [(value, label, counts[value]) for value, label in QueueTab.CHOICES]}


def _front_section(user):
    # The waiting replies' ids in order give the count; only the first few rows are joined with
    # what they show (joining all of a province's 8,000 before the sort took ~90 ms).
    first = page_by_ids(replies_awaiting_assessment(user).order_by("replied_on", "id"), 1, HOME_LIMIT)
    return {"replies": first.object_list, "count": first.paginator.count}


def _board_section(user, today):
    unit = dashboard_units(user).order_by("depth", "path").first()
    if unit is None:
        return None
    period = current_period()
    query = f"unit={unit.pk}&" + "&".join(f"{k}={v}" for k, v in period.as_params().items())
    figures = []
    for key in BOARD_FIGURES:
        figure = report_selectors.FIGURES[key]
        count = report_selectors.figure_queryset(user, key, unit, period, today=today).count()
        url = reverse("reports:figure", args=[key]) + "?" + query
        figures.append({"key": key, "label": figure.label, "count": count, "url": url, "flag": key in RED_FLAGS})
    return {"unit": unit, "period": period, "figures": figures, "dashboard_query": query}


def _scorecard_url() -> str | None:
    for name in SCORECARD_URL_NAMES:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def _leader_section(user, today):
    chaired = (
        with_notice_state(sessions_visible_to(user).filter(chair__user=user, withdrawn_at__isnull=True), today)
        .select_related("notice__issuing_unit__kind")
        .order_by("-held_on", "-id")[:HOME_LIMIT]
    )
    overdue = (
        petitions_visible_to(user)
        .exclude(status=PetitionStatus.WITHDRAWN)
        .filter(current_state_conditions(today)[DeadlineState.OVERDUE])
        .count()
    )
    return {"scorecard_url": _scorecard_url(), "chaired": chaired, "overdue": overdue}


@login_required
def home(request):
    today = timezone.localdate()
    scope = scope_of(request.user)
    roles = set() if scope.is_admin else scope.roles
    context = {"today": today, "memberships": scope.memberships, "is_admin": scope.is_admin}
    if Role.STAFF in roles:
        context["staff"] = _staff_section(request.user, today)
    if Role.AGENCY in roles:
        context["agency"] = _agency_section(request.user, today)
    if Role.FRONT in roles:
        context["front"] = _front_section(request.user)
    if Role.BOARD in roles or scope.is_admin:
        context["board"] = _board_section(request.user, today)
    if Role.LEADER in roles:
        context["leader"] = _leader_section(request.user, today)
    return render(request, "home.html", context)
