"""Reads of petitions: the scoping selectors every petition view, export, dashboard and document
goes through, the deadline states of the reply, and the actions a user may take on a petition.

Who may see or do what is decided by ``units.access``; these turn it into querysets. The
deadline states are derived, never stored: each is a ``Q`` over the stored legal dates
(``regulations.states``), so they annotate lists and filter them in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from common.sql import AnyOf
from regulations.deadlines import REPLY, explain_due_date
from regulations.states import DeadlineState, deadline_state_conditions, state_case
from sessions.selectors import session_ids_organised_in, sessions_editable_by
from units.access import scope_of
from units.selectors import unit_ids_in

from . import workflow
from .models import Forwarding, Petition, PetitionStatus, WrittenReply
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
    units = unit_ids_in(paths)
    forwarded = Forwarding.objects.filter(AnyOf("to_unit_id", units)).values("petition_id")
    return Q(AnyOf("assigned_unit_id", units)) | Q(AnyOf("pk", forwarded))


def petitions_of_area_q(paths: Iterable[str], prefix: str = "") -> Q:
    """Petitions raised at sessions organised in one of the subtrees, or assigned to a unit of one.

    Both sides are indexed petition columns compared with the subtree's ids, resolved inside the
    statement (``common.sql.AnyOf``), so PostgreSQL combines two index scans; the same rule
    written over the two joined units' paths read every petition of the country (~1 s at
    1,000,000 petitions, see docs/PERFORMANCE.md)."""
    paths = list(paths)
    return Q(AnyOf(f"{prefix}session_id", session_ids_organised_in(paths))) | Q(
        AnyOf(f"{prefix}assigned_unit_id", unit_ids_in(paths))
    )


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
        q |= petitions_of_area_q(scope.area_paths)
    if scope.agency_paths:
        q |= petitions_of_agency_q(scope.agency_paths)
    return _petitions().filter(q)


def petitions_actionable_by(user) -> QuerySet[Petition]:
    """Petitions on which the user may act as an agency (reply, forward, complex-case notice):
    assigned to, or forwarded to, their unit's subtree."""
    scope = scope_of(user)
    if scope.is_admin:
        return _petitions()
    if not scope.agency_paths:
        return _petitions().none()
    return _petitions().filter(petitions_of_agency_q(scope.agency_paths))


def petitions_monitored_by(user) -> QuerySet[Petition]:
    """Petitions of a Front monitor's area (not withdrawn): organised or assigned in it.

    A Front monitor's area is one of their area subtrees, so these are all petitions they may
    see (``petitions_visible_to``): the area condition alone is the scope."""
    scope = scope_of(user)
    live = _petitions().exclude(status=PetitionStatus.WITHDRAWN)
    if scope.is_admin:
        return live
    if not scope.front_paths:
        return live.none()
    return live.filter(petitions_of_area_q(scope.front_paths))


def replies_monitored_by(user) -> QuerySet[WrittenReply]:
    """Written replies to the petitions of a Front monitor's area (as ``petitions_monitored_by``).

    The area's condition is put on the joined petition, so PostgreSQL finds the area's
    petitions by index and then their replies; matching every reply of the country against a
    list of the area's petition ids cost a linear search per reply (~0.7 s per page)."""
    scope = scope_of(user)
    replies = WrittenReply.objects.select_related("unit", "petition", "petition__session__organising_unit")
    live = replies.exclude(petition__status=PetitionStatus.WITHDRAWN)
    if scope.is_admin:
        return live
    if not scope.front_paths:
        return replies.none()
    return live.filter(petitions_of_area_q(scope.front_paths, prefix="petition__"))


def agency_inbox(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """Petitions waiting on the user's units, most urgent first: assigned and not yet answered
    (or under a complex-case notice), and those forwarded to them by another level."""
    scope = scope_of(user)
    waiting = [PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX]
    if scope.is_admin:
        q = Q(status__in=[*waiting, PetitionStatus.FORWARDED])
    elif not scope.agency_paths:
        return _petitions().none()
    else:
        # The subtree's units and the petitions forwarded into it are resolved inside the
        # statement (``AnyOf``), so PostgreSQL combines two index scans, where the path join ORed
        # with EXISTS scanned every open petition in the country (see docs/PERFORMANCE.md).
        units = unit_ids_in(scope.agency_paths)
        forwarded = Forwarding.objects.filter(AnyOf("to_unit_id", units)).values("petition_id")
        q = Q(AnyOf("assigned_unit_id", units), status__in=waiting) | Q(
            AnyOf("pk", forwarded), status=PetitionStatus.FORWARDED
        )
    qs = _petitions().filter(q)
    return with_reply_states(qs, today).order_by(F("current_due_on").asc(nulls_last=True), "id")


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
    return {
        Action.REPLY: actionable and workflow.allows(status, Action.REPLY),
        Action.FORWARD: actionable and workflow.allows(status, Action.FORWARD),
        Action.COMPLEX: actionable and workflow.allows(status, Action.COMPLEX),
        Action.WITHDRAW: editable and workflow.allows(status, Action.WITHDRAW),
        Action.CLOSE: editable and workflow.allows(status, Action.CLOSE),
        Action.ASSESS: monitors and workflow.allows(status, Action.ASSESS),
        "note": monitors or scope.is_admin,
        "history": editable,
    }
