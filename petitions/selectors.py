"""Reads for petitions: the scoping selector and the derived deadline states.

The deadline states are derived, never stored: each is a ``Q`` over the stored legal dates,
so they can be annotated for display and filtered in the database (and use its indexes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.db.models import Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sessions.models import DialogueSession, Role, Unit
from sessions.selectors import AREA_ROLES, scope_paths, subtree_q

from .deadlines import explain_due_date, NOTICE, REPLY
from .models import Forwarding, Petition, PetitionStatus


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Trong hạn")
    DUE_SOON = "due_soon", _("Sắp đến hạn")
    OVERDUE = "overdue", _("Quá hạn")
    MET = "met", _("Hoàn thành đúng hạn")
    MET_LATE = "met_late", _("Hoàn thành trễ hạn")


# ---------------------------------------------------------------------------------------------
# Deadline states
# ---------------------------------------------------------------------------------------------


def deadline_state_conditions(
    *, due: str, done: str, today: dt.date | None = None, live: Q | None = None
) -> dict[str, Q]:
    """One ``Q`` per state for an obligation with due-date field ``due`` and completion-date
    field ``done``. ``live`` restricts the pending states (a withdrawn item is not overdue).
    A completion after the due date is ``met_late`` forever."""
    today = today or timezone.localdate()
    soon = today + dt.timedelta(days=settings.DEADLINE_WARNING_DAYS)
    pending = Q(**{f"{done}__isnull": True, f"{due}__isnull": False})
    if live is not None:
        pending &= live
    return {
        DeadlineState.MET: Q(**{f"{done}__isnull": False, f"{due}__isnull": False, f"{done}__lte": F(due)}),
        DeadlineState.MET_LATE: Q(**{f"{done}__isnull": False, f"{due}__isnull": False, f"{done}__gt": F(due)}),
        DeadlineState.OVERDUE: pending & Q(**{f"{due}__lt": today}),
        DeadlineState.DUE_SOON: pending & Q(**{f"{due}__gte": today, f"{due}__lte": soon}),
        DeadlineState.OPEN: pending & Q(**{f"{due}__gt": soon}),
    }


def _state_case(conditions: dict[str, Q]) -> Case:
    return Case(
        *[When(condition, then=Value(state)) for state, condition in conditions.items()],
        default=Value(None),
        output_field=models.CharField(max_length=10, null=True),
    )


_PETITION_LIVE = ~Q(status=PetitionStatus.WITHDRAWN)
_SESSION_LIVE = Q(withdrawn_at__isnull=True)


def reply_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """R3–R5: met by the first written reply, forwarding or complex-case notice."""
    return deadline_state_conditions(due="reply_due_on", done="responded_on", today=today, live=_PETITION_LIVE)


def complex_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """After an R5 notice: the agency's own target date, met by the final written reply."""
    return deadline_state_conditions(
        due="complex_target_on", done="final_replied_on", today=today, live=_PETITION_LIVE
    )


def notice_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """R2: the session's conclusion notice."""
    return deadline_state_conditions(due="notice_due_on", done="notice_issued_on", today=today, live=_SESSION_LIVE)


def with_reply_states(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    return qs.annotate(
        reply_state=_state_case(reply_state_conditions(today)),
        complex_state=_state_case(complex_state_conditions(today)),
    )


def with_notice_state(qs: QuerySet[DialogueSession], today: dt.date | None = None) -> QuerySet[DialogueSession]:
    return qs.annotate(notice_state=_state_case(notice_state_conditions(today)))


def filter_reply_state(qs: QuerySet[Petition], state: str, today: dt.date | None = None) -> QuerySet[Petition]:
    return qs.filter(reply_state_conditions(today)[state])


def filter_notice_state(qs: QuerySet[DialogueSession], state: str, today: dt.date | None = None):
    return qs.filter(notice_state_conditions(today)[state])


def explain_reply_due(petition: Petition):
    """How the petition's reply due date was worked out (``None`` before the notice)."""
    if petition.assigned_on is None:
        return None
    return explain_due_date(REPLY, petition.assigned_on)


def explain_notice_due(session: DialogueSession):
    return explain_due_date(NOTICE, session.held_on)


# ---------------------------------------------------------------------------------------------
# Scoping: the one selector every petition view, export and dashboard goes through
# ---------------------------------------------------------------------------------------------


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
    qs = Petition.objects.select_related("session", "session__organising_unit", "assigned_unit", "field")
    paths = scope_paths(user)
    if paths is None:
        return qs
    area = scope_paths(user, AREA_ROLES)
    agency = scope_paths(user, {Role.AGENCY})
    q = Q(pk__in=[])
    if area:
        q |= subtree_q(area, "session__organising_unit__path") | subtree_q(area, "assigned_unit__path")
    if agency:
        q |= petitions_of_agency_q(agency)
    return qs.filter(q)


def petitions_actionable_by(user) -> QuerySet[Petition]:
    """Petitions on which the user may act as an agency (reply, forward, R5): assigned to, or
    forwarded to, their unit's subtree."""
    qs = Petition.objects.select_related("session", "session__organising_unit", "assigned_unit", "field")
    paths = scope_paths(user, {Role.AGENCY})
    if paths is None:
        return qs
    return qs.filter(petitions_of_agency_q(paths))


def agency_inbox(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """Petitions waiting on the user's units, most urgent first: assigned and not yet answered
    (or under a complex-case notice), and those forwarded to them by another level."""
    paths = scope_paths(user, {Role.AGENCY})
    waiting = [PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX]
    if paths is None:
        q = Q(status__in=waiting + [PetitionStatus.FORWARDED])
    else:
        # The subtree's units and the petitions forwarded into it are resolved first (two small
        # indexed queries): literal id lists let PostgreSQL combine two index scans, where the
        # path join ORed with EXISTS scanned every open petition in the country (see
        # docs/PERFORMANCE.md).
        units = list(Unit.objects.filter(subtree_q(paths, "path")).values_list("pk", flat=True))
        forwarded = list(
            Forwarding.objects.filter(to_unit_id__in=units).values_list("petition_id", flat=True).distinct()
        )
        q = Q(assigned_unit_id__in=units, status__in=waiting) | Q(status=PetitionStatus.FORWARDED, pk__in=forwarded)
    qs = Petition.objects.select_related("session", "session__organising_unit", "assigned_unit", "field").filter(q)
    return (
        with_reply_states(qs, today)
        .annotate(effective_due_on=Coalesce("complex_target_on", "reply_due_on"))
        .order_by(F("effective_due_on").asc(nulls_last=True), "id")
    )
