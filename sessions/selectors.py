"""Reads of dialogue sessions: the scoping selectors and the conclusion notice's deadline state.

Who may see what is decided by ``units.access``; these turn the user's subtrees into querysets.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regulations.deadlines import NOTICE, explain_due_date
from regulations.states import deadline_state_conditions, state_case
from units.access import AREA_ROLES, scope_of, subtree_q
from units.models import Role

from .models import ConclusionItem, DialoguePlan, DialogueSession, PlannedDialogue, PlanStatus, SessionUnit

_SESSION_LIVE = Q(withdrawn_at__isnull=True)


def _sessions() -> QuerySet[DialogueSession]:
    return DialogueSession.objects.select_related("organising_unit", "organising_unit__kind", "chair")


def sessions_visible_to(user) -> QuerySet[DialogueSession]:
    """Sessions the user may see: organised in an area role's subtree, or giving work (a petition
    assigned, coordinated or forwarded, a commitment) to a unit of an agency role's subtree.
    Withdrawn sessions are included; lists filter them out."""
    scope = scope_of(user)
    if scope.is_admin:
        return _sessions()
    q = subtree_q(scope.area_paths, "organising_unit__path")
    if scope.agency_paths:
        work = SessionUnit.objects.filter(subtree_q(scope.agency_paths, "unit__path"), session=OuterRef("pk"))
        q |= Q(Exists(work))
    return _sessions().filter(q)


def sessions_editable_by(user) -> QuerySet[DialogueSession]:
    """Sessions the user may record or change: staff (or admin) of the organising subtree."""
    return _sessions().filter(scope_of(user).q("organising_unit__path", {Role.STAFF}))


def sessions_in_area_of(user, roles=AREA_ROLES) -> QuerySet[DialogueSession]:
    """Sessions organised in the user's subtrees for ``roles`` (e.g. a Front monitor's area)."""
    return _sessions().filter(scope_of(user).q("organising_unit__path", roles))


# ---------------------------------------------------------------------------------------------
# The conclusion notice's deadline (ten days from the conference)
# ---------------------------------------------------------------------------------------------


def notice_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """One ``Q`` per state of the session's conclusion notice."""
    return deadline_state_conditions(due="notice_due_on", done="notice_issued_on", today=today, live=_SESSION_LIVE)


def with_notice_state(qs: QuerySet[DialogueSession], today: dt.date | None = None) -> QuerySet[DialogueSession]:
    return qs.annotate(notice_state=state_case(notice_state_conditions(today)))


def filter_notice_state(qs: QuerySet[DialogueSession], state: str, today: dt.date | None = None):
    return qs.filter(notice_state_conditions(today)[state])


def explain_notice_due(session: DialogueSession):
    """How the session's notice due date was worked out, under the regulation it recorded."""
    return explain_due_date(NOTICE, session.held_on, regulation=session.notice_regulation)


# ---------------------------------------------------------------------------------------------
# Annual plans and their planned dialogues
# ---------------------------------------------------------------------------------------------


def plans_visible_to(user) -> QuerySet[DialoguePlan]:
    """Plans of units in the user's area subtrees (staff, heads, Front, Board): a commune's staff
    sees its commune's plan, the upper level and the Board see those of their subtree."""
    return DialoguePlan.objects.select_related("unit", "unit__kind").filter(scope_of(user).q("unit__path", AREA_ROLES))


def plans_editable_by(user) -> QuerySet[DialoguePlan]:
    """Plans the user may write: staff (or administrators) of the unit's subtree."""
    return DialoguePlan.objects.select_related("unit", "unit__kind").filter(
        scope_of(user).q("unit__path", {Role.STAFF})
    )


class PlannedState(models.TextChoices):
    PLANNED = "planned", _("Chưa đến hạn")
    HELD = "held", _("Đã tổ chức")
    MISSED = "missed", _("Quá thời gian dự kiến, chưa tổ chức")
    CANCELLED = "cancelled", _("Đã hủy")


def _held_session_exists(today: dt.date) -> Exists:
    return Exists(
        DialogueSession.objects.filter(planned_item=OuterRef("pk"), withdrawn_at__isnull=True, held_on__lte=today)
    )


def planned_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """One ``Q`` per state of a planned dialogue: held once a session recorded against it has
    taken place; missed when its month or quarter has passed without one; cancelled when
    withdrawn from the plan."""
    today = today or timezone.localdate()
    live = Q(withdrawn_at__isnull=True)
    held = Q(_held_session_exists(today))
    return {
        PlannedState.HELD: live & held,
        PlannedState.MISSED: live & ~held & Q(expected_by__lt=today),
        PlannedState.PLANNED: live & ~held & Q(expected_by__gte=today),
        PlannedState.CANCELLED: ~live,
    }


def with_planned_state(qs: QuerySet[PlannedDialogue], today: dt.date | None = None) -> QuerySet[PlannedDialogue]:
    conditions = planned_state_conditions(today)
    return qs.annotate(
        state=Case(
            *[When(condition, then=Value(state)) for state, condition in conditions.items()],
            default=Value(""),
            output_field=models.CharField(max_length=10),
        )
    )


def planned_items_open_for(user, today: dt.date | None = None) -> QuerySet[PlannedDialogue]:
    """Planned dialogues a session may be recorded against by ``user``: of issued plans of units
    in their staff scope, not cancelled, not yet held by a live session."""
    taken = DialogueSession.objects.filter(planned_item=OuterRef("pk"), withdrawn_at__isnull=True)
    return (
        PlannedDialogue.objects.filter(
            plan__in=plans_editable_by(user).filter(status=PlanStatus.ISSUED).values("pk"), withdrawn_at__isnull=True
        )
        .filter(~Exists(taken))
        .select_related("plan__unit", "chair")
        .order_by("plan__unit__path", "expected_by", "id")
    )


def plan_state_conditions(year: int, today: dt.date | None = None) -> dict[str, Q]:
    """Over units: whether their plan of ``year`` was issued on time, late, is still a draft or
    does not exist. "Issued" counts wherever the plan stands today."""
    plans = DialoguePlan.objects.filter(unit=OuterRef("pk"), year=year)
    issued = plans.filter(status=PlanStatus.ISSUED)
    return {
        "issued": Q(Exists(issued)),
        "issued_on_time": Q(Exists(issued.filter(issued_on__lte=F("due_on")))),
        "issued_late": Q(Exists(issued.filter(issued_on__gt=F("due_on")))),
        "draft": Q(Exists(plans.filter(status=PlanStatus.DRAFT))),
        "missing": ~Q(Exists(issued)),
    }


# ---------------------------------------------------------------------------------------------
# The chair's conclusions and commitments
# ---------------------------------------------------------------------------------------------

_ITEM_LIVE = Q(withdrawn_at__isnull=True)


def _items() -> QuerySet[ConclusionItem]:
    return ConclusionItem.objects.select_related(
        "session", "session__organising_unit", "session__chair", "responsible_unit"
    )


def conclusion_items_visible_to(user) -> QuerySet[ConclusionItem]:
    """Conclusion items and commitments the user may see: area roles those of sessions organised
    in their subtree or given to a unit of it; agency officers those given to their units."""
    scope = scope_of(user)
    if scope.is_admin:
        return _items()
    q = Q(pk__in=[])
    if scope.area_paths:
        q |= subtree_q(scope.area_paths, "session__organising_unit__path") | subtree_q(
            scope.area_paths, "responsible_unit__path"
        )
    if scope.agency_paths:
        q |= subtree_q(scope.agency_paths, "responsible_unit__path")
    return _items().filter(q)


def conclusion_items_actionable_by(user) -> QuerySet[ConclusionItem]:
    """Items the user may report done: the responsible unit's officers, or the organising
    unit's staff on their behalf."""
    scope = scope_of(user)
    if scope.is_admin:
        return _items()
    q = subtree_q(scope.agency_paths or [], "responsible_unit__path") | subtree_q(
        scope.staff_paths or [], "session__organising_unit__path"
    )
    return _items().filter(q)


def conclusion_items_monitored_by(user) -> QuerySet[ConclusionItem]:
    """Items of a Front monitor's area (organised or carried out in it)."""
    scope = scope_of(user)
    if scope.is_admin:
        return _items()
    paths = scope.front_paths or []
    return _items().filter(
        subtree_q(paths, "session__organising_unit__path") | subtree_q(paths, "responsible_unit__path")
    )


def item_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """The deadline states of an item with a target date (met by the day it was done)."""
    return deadline_state_conditions(due="target_on", done="done_on", today=today, live=_ITEM_LIVE)


def with_item_state(qs: QuerySet[ConclusionItem], today: dt.date | None = None) -> QuerySet[ConclusionItem]:
    return qs.annotate(item_state=state_case(item_state_conditions(today)))
