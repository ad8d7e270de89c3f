"""Reads of petitions: the scoping selectors every petition view, export, dashboard and document
goes through, the deadline states of the reply, and the actions a user may take on a petition.

Who may see or do what is decided by ``units.access``; these turn it into querysets. The
deadline states are derived, never stored: each is a ``Q`` over the stored legal dates
(``regulations.states``), so they annotate lists and filter them in the database.
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Iterable

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from regulations.deadlines import REPLY, explain_due_date
from regulations.states import DeadlineState, deadline_state_conditions, state_case
from sessions.selectors import sessions_editable_by
from units.access import scope_of, subtree_q
from units.models import Leader, Role, Unit
from units.selectors import leaders_in_office_q, levels_headed_by, same_level_bound_units, units_at_levels

from . import workflow
from .codes import LOOKUP_PREFIX, normalise_code
from .models import Direction, EventKind, Forwarding, Petition, PetitionEvent, PetitionStatus, WrittenReply
from .workflow import Action

__all__ = ["DeadlineState"]

_PETITION_LIVE = ~Q(status=PetitionStatus.WITHDRAWN)


# ---------------------------------------------------------------------------------------------
# Deadline states of the reply (thirty days from the notice) and of a complex-case target
# ---------------------------------------------------------------------------------------------


def reply_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """Met by the first written reply, forwarding or complex-case notice."""
    return deadline_state_conditions(due="reply_due_on", done="responded_on", today=today, live=_PETITION_LIVE)


def complex_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """After a complex-case notice: the agency's own target date, met by the final written reply."""
    return deadline_state_conditions(due="complex_target_on", done="final_replied_on", today=today, live=_PETITION_LIVE)


def current_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """The clock running now: a complex-case target once one was set, else the reply's."""
    reply, complex_ = reply_state_conditions(today), complex_state_conditions(today)
    has_target = Q(complex_target_on__isnull=False)
    return {state: (has_target & complex_[state]) | (~has_target & reply[state]) for state in reply}


def with_reply_states(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    """Annotate the reply's state, the complex-case target's state, and the clock running now
    (``current_due_on`` / ``current_state``) that lists show."""
    return qs.annotate(
        reply_state=state_case(reply_state_conditions(today)),
        complex_state=state_case(complex_state_conditions(today)),
        current_state=state_case(current_state_conditions(today)),
        current_due_on=Coalesce("complex_target_on", "reply_due_on"),
    )


def filter_reply_state(qs: QuerySet[Petition], state: str, today: dt.date | None = None) -> QuerySet[Petition]:
    return qs.filter(reply_state_conditions(today)[state])


def explain_reply_due(petition: Petition):
    """How the petition's reply due date was worked out (``None`` before the notice)."""
    if petition.assigned_on is None:
        return None
    return explain_due_date(REPLY, petition.assigned_on)


# ---------------------------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------------------------


def _petitions() -> QuerySet[Petition]:
    return Petition.objects.select_related("session", "session__organising_unit", "assigned_unit", "field")


def petitions_of_agency_q(paths: Iterable[str]) -> Q:
    """Petitions assigned to, or forwarded to, a unit in one of the subtrees."""
    paths = list(paths)
    forwarded = Forwarding.objects.filter(subtree_q(paths, "to_unit__path"), petition=OuterRef("pk"))
    return subtree_q(paths, "assigned_unit__path") | Q(Exists(forwarded))


def petitions_visible_to(user) -> QuerySet[Petition]:
    """Petitions the user may see.

    Area roles (staff, leader, Front monitor, board) see the petitions of sessions organised in
    their subtree and those assigned to units in it; agency officers see the petitions assigned
    or forwarded to their unit's subtree; administrators see everything.
    """
    scope = scope_of(user)
    if scope.is_admin:
        return _petitions()
    q = Q(pk__in=[])
    if scope.area_paths:
        q |= subtree_q(scope.area_paths, "session__organising_unit__path") | subtree_q(
            scope.area_paths, "assigned_unit__path"
        )
    if scope.agency_paths:
        q |= petitions_of_agency_q(scope.agency_paths)
    return _petitions().filter(q)


def petitions_actionable_by(user) -> QuerySet[Petition]:
    """Petitions on which the user may act as an agency (reply, forward, complex-case notice):
    assigned to, or forwarded to, their unit's subtree."""
    scope = scope_of(user)
    if scope.is_admin:
        return _petitions()
    return _petitions().filter(petitions_of_agency_q(scope.agency_paths or []))


def petitions_monitored_by(user) -> QuerySet[Petition]:
    """Petitions of a Front monitor's area (not withdrawn): organised or assigned in it."""
    scope = scope_of(user)
    qs = petitions_visible_to(user).exclude(status=PetitionStatus.WITHDRAWN)
    if scope.is_admin:
        return qs
    paths = scope.front_paths or []
    return qs.filter(subtree_q(paths, "session__organising_unit__path") | subtree_q(paths, "assigned_unit__path"))


def replies_monitored_by(user) -> QuerySet[WrittenReply]:
    """Written replies to the petitions of a Front monitor's area."""
    return WrittenReply.objects.select_related("unit", "petition", "petition__session__organising_unit").filter(
        petition__in=petitions_monitored_by(user).values("pk")
    )


def agency_inbox(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """Petitions waiting on the user's units, most urgent first: assigned and not yet answered
    (or under a complex-case notice), and those forwarded to them by another level."""
    scope = scope_of(user)
    waiting = [PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX]
    if scope.is_admin:
        q = Q(status__in=[*waiting, PetitionStatus.FORWARDED])
    else:
        # The subtree's units and the petitions forwarded into it are resolved first (two small
        # indexed queries): literal id lists let PostgreSQL combine two index scans, where the
        # path join ORed with EXISTS scanned every open petition in the country (see
        # docs/PERFORMANCE.md).
        units = list(Unit.objects.filter(subtree_q(scope.agency_paths or [], "path")).values_list("pk", flat=True))
        forwarded = list(
            Forwarding.objects.filter(to_unit_id__in=units).values_list("petition_id", flat=True).distinct()
        )
        q = Q(assigned_unit_id__in=units, status__in=waiting) | Q(status=PetitionStatus.FORWARDED, pk__in=forwarded)
    qs = _petitions().filter(q)
    return with_reply_states(qs, today).order_by(F("current_due_on").asc(nulls_last=True), "id")


# ---------------------------------------------------------------------------------------------
# Protected identities: the one rule for who may see a petitioner's name and contact
# ---------------------------------------------------------------------------------------------
#
# A petition marked ``identity_protected`` shows its petitioner's name, address, phone and
# e-mail only to the staff of its organising subtree (those who may edit its session,
# ``sessions.selectors.sessions_editable_by``) and to administrators. Everyone else (agencies,
# leaders, the Front, the Board, the public) and every text that leaves the portal for other
# readers (the notice sent to agencies, notifications) gets ``petitions.identity.PROTECTED``.
# Pages, exports and documents never read ``petitioner_*`` directly: they go through
# ``petitions.identity.petitioner_of`` (or the ``{% petitioner %}`` tag), which asks these.


def petitioner_visible_q(user) -> Q:
    """Petitions whose petitioner ``user`` may see (for filters, e.g. a search by name)."""
    scope = scope_of(user)
    if scope.is_admin:
        return ~Q(pk__in=[])
    return Q(identity_protected=False) | subtree_q(scope.staff_paths or [], "session__organising_unit__path")


def may_see_petitioner(user, petition: Petition) -> bool:
    """May ``user`` (``None``: no particular reader) see ``petition``'s petitioner? An annotation
    from ``with_petitioner_visibility`` answers without a query."""
    if not petition.identity_protected:
        return True
    if user is None:
        return False
    annotated = getattr(petition, "petitioner_visible", None)
    if annotated is not None:
        return bool(annotated)
    scope = scope_of(user)
    return scope.is_admin or scope.covers(petition.session.organising_unit, {Role.STAFF})


def with_petitioner_visibility(qs: QuerySet[Petition], user) -> QuerySet[Petition]:
    """Annotate ``petitioner_visible`` on a list, so its rows need no query each."""
    if scope_of(user).is_admin:
        return qs.annotate(petitioner_visible=Value(True, output_field=BooleanField()))
    return qs.annotate(
        petitioner_visible=Case(
            When(petitioner_visible_q(user), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )


# ---------------------------------------------------------------------------------------------
# The public lookup by receipt code
# ---------------------------------------------------------------------------------------------


def petition_by_receipt_code(code: str | None, today: dt.date | None = None) -> Petition | None:
    """The petition whose receipt code is ``code`` (as typed), or ``None``.

    The first characters (not secret) select a handful of candidates through the index; the
    whole code is compared with ``hmac.compare_digest`` against each of them, so the answer
    time does not tell how much of a guess was right. A malformed code asks nothing."""
    code = normalise_code(code)
    if code is None:
        return None
    found = None
    wanted = code.encode()
    for pk, stored in Petition.objects.filter(receipt_code__startswith=code[:LOOKUP_PREFIX]).values_list(
        "pk", "receipt_code"
    ):
        if hmac.compare_digest(stored.encode(), wanted):
            found = pk
    if found is None:
        return None
    return with_reply_states(_petitions(), today).select_related("publication").get(pk=found)


# ---------------------------------------------------------------------------------------------
# What a user may do on one petition: the state machine and the scope, asked together
# ---------------------------------------------------------------------------------------------


def petition_actions(user, petition: Petition) -> dict[str, bool]:
    """The actions to offer ``user`` on ``petition`` (the services refuse the others)."""
    scope = scope_of(user)
    actionable = petitions_actionable_by(user).filter(pk=petition.pk).exists()
    editable = sessions_editable_by(user).filter(pk=petition.session_id).exists()
    monitors = scope.front_membership_for([petition.session.organising_unit, petition.assigned_unit]) is not None
    status = petition.status
    may_direct = workflow.allows(status, Action.DIRECT) and bool(direction_leaders_for(user, petition))
    return {
        # The organising unit's staff: receipt, protection and publication of the result.
        "receipt": editable,
        Action.PROTECT: editable and workflow.allows(status, Action.PROTECT),
        Action.PUBLISH: editable and workflow.allows(status, Action.PUBLISH),
        Action.REPLY: actionable and workflow.allows(status, Action.REPLY),
        Action.FORWARD: actionable and workflow.allows(status, Action.FORWARD),
        Action.COMPLEX: actionable and workflow.allows(status, Action.COMPLEX),
        Action.WITHDRAW: editable and workflow.allows(status, Action.WITHDRAW),
        Action.CLOSE: editable and workflow.allows(status, Action.CLOSE),
        Action.ASSESS: monitors and workflow.allows(status, Action.ASSESS),
        Action.DIRECT: may_direct,
        "note": monitors or scope.is_admin,
        "history": editable,
    }


# ---------------------------------------------------------------------------------------------
# Reports to the head and the head's directions
# ---------------------------------------------------------------------------------------------

# Every written reply, forwarding and complex-case notice is reported to the heads of the party
# committee and the government at the session's level ("đồng thời báo cáo người đứng đầu cấp ủy,
# chính quyền cùng cấp để theo dõi, chỉ đạo").
REPORTED_EVENT_KINDS = (EventKind.REPLIED, EventKind.FORWARDED, EventKind.COMPLEX_NOTICE)


def same_level_heads(petition: Petition, day: dt.date | None = None) -> QuerySet[Leader]:
    """The heads in office on ``day`` of the party committee and the government at the level of
    the petition's session: those its answers are reported to."""
    day = day or timezone.localdate()
    units = same_level_bound_units(petition.session.organising_unit, day)
    return (
        Leader.objects.filter(leaders_in_office_q(day), unit__in=[u.pk for u in units])
        .select_related("unit")
        .order_by("unit__path", "-term_start")
    )


def direction_leaders_for(user, petition: Petition, day: dt.date | None = None) -> list[Leader]:
    """The heads on whose behalf ``user`` may write a direction on ``petition``: the same-level
    heads that are the user themself, or whose unit is in the user's staff or leader scope. Only
    users holding the leader or staff role (or administrators) write directions."""
    scope = scope_of(user)
    if not scope.has(Role.STAFF, Role.LEADER):
        return []
    heads = list(same_level_heads(petition, day))
    if scope.is_admin:
        return heads
    return [h for h in heads if h.user_id == user.pk or scope.covers(h.unit, {Role.STAFF, Role.LEADER})]


def reports_to_follow(user, day: dt.date | None = None) -> QuerySet[PetitionEvent]:
    """The "to follow" list: the replies, forwardings and complex-case notices reported to the
    heads of the levels the user heads or works for (an administrator: all), newest first, with
    whether a direction was given on the petition since."""
    scope = scope_of(user)
    qs = PetitionEvent.objects.filter(
        kind__in=REPORTED_EVENT_KINDS,
        petition__in=petitions_visible_to(user).exclude(status=PetitionStatus.WITHDRAWN).values("pk"),
    )
    if not scope.is_admin:
        qs = qs.filter(petition__session__organising_unit_id__in=units_at_levels(levels_headed_by(user, day)))
    directed = Direction.objects.filter(petition=OuterRef("petition_id"), created_at__gte=OuterRef("at"))
    return (
        qs.select_related(
            "actor", "petition", "petition__session", "petition__session__organising_unit", "petition__assigned_unit"
        )
        .annotate(directed=Exists(directed))
        .order_by("-at", "-id")
    )


def directions_visible_to(user) -> QuerySet[Direction]:
    return Direction.objects.select_related("leader", "leader__unit", "petition", "unit", "author").filter(
        petition__in=petitions_visible_to(user).values("pk")
    )
