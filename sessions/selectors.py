"""Reads of dialogue sessions: the scoping selectors and the conclusion notice's deadline state.

Who may see what is decided by ``units.access``; these turn the user's subtrees into querysets.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from common.sql import AnyOf
from regulations.deadlines import NOTICE, explain_due_date
from regulations.states import deadline_state_conditions, state_case
from units.access import AREA_ROLES, scope_of
from units.models import Role
from units.selectors import unit_ids_in

from .models import DialogueSession, SessionUnit

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
    q = Q(pk__in=[])
    if scope.area_paths:
        q |= organised_in_q(scope.area_paths)
    if scope.agency_paths:
        work = SessionUnit.objects.filter(AnyOf("unit_id", unit_ids_in(scope.agency_paths))).values("session_id")
        q |= Q(AnyOf("pk", work))
    return _sessions().filter(q)


def organised_in_q(paths, field: str = "organising_unit_id") -> Q:
    """Sessions organised by a unit of the subtrees, as an indexed condition on ``field``
    (``common.sql.AnyOf``: the subtree's unit ids are resolved inside the statement)."""
    return Q(AnyOf(field, unit_ids_in(paths)))


def session_ids_organised_in(paths) -> QuerySet[DialogueSession]:
    """The ids of the sessions organised in the subtrees, as a subquery."""
    return DialogueSession.objects.filter(organised_in_q(paths)).values("pk")


def sessions_editable_by(user) -> QuerySet[DialogueSession]:
    """Sessions the user may record or change: staff (or admin) of the organising subtree."""
    return _sessions().filter(scope_of(user).q("organising_unit__path", {Role.STAFF}))


def sessions_in_area_of(user, roles=AREA_ROLES) -> QuerySet[DialogueSession]:
    """Sessions organised in the user's subtrees for ``roles`` (e.g. a Front monitor's area)."""
    paths = scope_of(user).paths(roles)
    if paths is None:
        return _sessions()
    return _sessions().filter(organised_in_q(paths)) if paths else _sessions().none()


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
    """How the session's notice due date was worked out."""
    return explain_due_date(NOTICE, session.held_on)
