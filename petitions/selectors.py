"""Reads of petitions: the scoping selectors every petition view, export, dashboard and document
goes through, the deadline states of the reply, and the actions a user may take on a petition.

Who may see or do what is decided by ``units.access``; these turn it into querysets. The
deadline states are derived, never stored: each is a ``Q`` over the stored legal dates
(``regulations.states``), so they annotate lists and filter them in the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from regulations.deadlines import (
    FORWARDED,
    RECEIPT_START_LABEL,
    REPLY,
    SUPPLEMENTARY,
    DueDateExplanation,
    explain_due_date,
    reply_clock_starts_on_receipt,
)
from regulations.states import DeadlineState, deadline_state_conditions, state_case
from sessions.selectors import sessions_editable_by
from units.access import scope_of, subtree_q
from units.models import Role, Unit

from . import workflow
from .models import ClockStart, Coordination, Forwarding, Petition, PetitionStatus, WrittenReply
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


def forward_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """After a forwarding: the competent unit's own target, met by its written reply (a
    complex-case notice it sends starts the complex-case clock instead)."""
    return deadline_state_conditions(due="forward_due_on", done="final_replied_on", today=today, live=_PETITION_LIVE)


def supplementary_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """The latest supplementary reply asked for after an unsatisfactory assessment."""
    return deadline_state_conditions(
        due="supplementary_due_on", done="supplementary_replied_on", today=today, live=_PETITION_LIVE
    )


def current_state_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """The clock running now (the latest obligation): a supplementary reply once one was asked
    for, else a complex-case target once one was set, else the forwarded unit's target after a
    forwarding, else the reply's (R3)."""
    reply, complex_ = reply_state_conditions(today), complex_state_conditions(today)
    forward, supplementary = forward_state_conditions(today), supplementary_state_conditions(today)
    has_supplementary = Q(supplementary_due_on__isnull=False)
    has_target = Q(complex_target_on__isnull=False)
    has_forward = Q(forward_due_on__isnull=False)
    return {
        state: (has_supplementary & supplementary[state])
        | (~has_supplementary & has_target & complex_[state])
        | (~has_supplementary & ~has_target & has_forward & forward[state])
        | (~has_supplementary & ~has_target & ~has_forward & reply[state])
        for state in reply
    }


def with_reply_states(qs: QuerySet[Petition], today: dt.date | None = None) -> QuerySet[Petition]:
    """Annotate the reply's state, the complex-case target's state, and the clock running now
    (``current_due_on`` / ``current_state``) that lists show."""
    return qs.annotate(
        reply_state=state_case(reply_state_conditions(today)),
        complex_state=state_case(complex_state_conditions(today)),
        current_state=state_case(current_state_conditions(today)),
        current_due_on=Coalesce("supplementary_due_on", "complex_target_on", "forward_due_on", "reply_due_on"),
    )


def filter_reply_state(qs: QuerySet[Petition], state: str, today: dt.date | None = None) -> QuerySet[Petition]:
    return qs.filter(reply_state_conditions(today)[state])


def explain_reply_due(petition: Petition) -> DueDateExplanation | None:
    """How the petition's reply due date was worked out (``None`` before the notice): from the
    stored start of its clock (the notice's issue date, or the unit's receipt of it)."""
    if petition.assigned_on is None:
        return None
    start = petition.reply_starts_on or petition.assigned_on
    label = RECEIPT_START_LABEL if petition.reply_start_basis == ClockStart.RECEIPT else ""
    return explain_due_date(REPLY, start, start_label=label)


@dataclass(frozen=True)
class DueLine:
    """One obligation of a petition as its page shows it: what, whose, the stored due date, when
    it was met, and how the date was worked out (``explanation`` is ``None`` for a date the unit
    set itself, a complex-case target)."""

    label: str
    unit: object
    due: dt.date
    done: dt.date | None
    explanation: DueDateExplanation | None
    note: str = ""

    @property
    def stale(self) -> bool:
        """An open obligation whose stored date differs from the calendar's today (the calendar
        changed and ``recompute_due_dates`` has not run yet)."""
        return self.done is None and self.explanation is not None and self.explanation.due != self.due


def petition_due_lines(petition: Petition, forwardings, requests, complex_notices) -> list[DueLine]:
    """Every obligation of the petition in the order they arose, each with its stored date."""
    lines: list[DueLine] = []
    if petition.reply_due_on:
        note = ""
        if (
            reply_clock_starts_on_receipt()
            and petition.reply_start_basis == ClockStart.ISSUE
            and petition.responded_on is None
        ):
            note = _("Chưa ghi ngày đơn vị nhận thông báo: hạn tạm tính từ ngày ban hành.")
        lines.append(
            DueLine(
                _("Trả lời bằng văn bản (R3)"),
                petition.assigned_unit,
                petition.reply_due_on,
                petition.responded_on,
                explain_reply_due(petition),
                note,
            )
        )
    for forwarding in forwardings:
        if forwarding.due_on:
            lines.append(
                DueLine(
                    _("Giải quyết sau khi được chuyển đến"),
                    forwarding.to_unit,
                    forwarding.due_on,
                    forwarding.answered_on,
                    explain_due_date(FORWARDED, forwarding.forwarded_on),
                )
            )
    notices = list(complex_notices)
    for index, notice in enumerate(notices):
        # A later notice with a new target supersedes the earlier one; the last is met by the reply.
        done = notices[index + 1].notified_on if index + 1 < len(notices) else petition.final_replied_on
        lines.append(DueLine(_("Thời hạn giải quyết vụ việc phức tạp"), notice.unit, notice.new_target_on, done, None))
    for request in requests:
        lines.append(
            DueLine(
                _("Trả lời bổ sung"),
                request.unit,
                request.due_on,
                request.replied_on,
                explain_due_date(SUPPLEMENTARY, request.requested_on),
            )
        )
    return lines


# ---------------------------------------------------------------------------------------------
# Scoping
# ---------------------------------------------------------------------------------------------


def _petitions() -> QuerySet[Petition]:
    return Petition.objects.select_related(
        "session", "session__organising_unit", "assigned_unit", "responsible_unit", "field"
    )


def petitions_of_agency_q(paths: Iterable[str]) -> Q:
    """Petitions assigned to, responsible with, forwarded along or coordinated by a unit in one
    of the subtrees (the whole forwarding chain keeps seeing the petition)."""
    paths = list(paths)
    forwarded = Forwarding.objects.filter(subtree_q(paths, "to_unit__path"), petition=OuterRef("pk"))
    coordinated = Coordination.objects.filter(subtree_q(paths, "unit__path"), petition=OuterRef("pk"))
    return (
        subtree_q(paths, "assigned_unit__path")
        | subtree_q(paths, "responsible_unit__path")
        | Q(Exists(forwarded))
        | Q(Exists(coordinated))
    )


def petitions_visible_to(user) -> QuerySet[Petition]:
    """Petitions the user may see.

    Area roles (staff, leader, Front monitor, board) see the petitions of sessions organised in
    their subtree and those assigned to, or now with, units in it; agency officers see the
    petitions their unit's subtree was assigned, is responsible for, was forwarded or coordinates;
    administrators see everything.
    """
    scope = scope_of(user)
    if scope.is_admin:
        return _petitions()
    q = Q(pk__in=[])
    if scope.area_paths:
        q |= (
            subtree_q(scope.area_paths, "session__organising_unit__path")
            | subtree_q(scope.area_paths, "assigned_unit__path")
            | subtree_q(scope.area_paths, "responsible_unit__path")
        )
    if scope.agency_paths:
        q |= petitions_of_agency_q(scope.agency_paths)
    return _petitions().filter(q)


def petitions_actionable_by(user) -> QuerySet[Petition]:
    """Petitions on which the user may act as the lead unit (reply, supplementary reply, forward,
    complex-case notice): those whose responsible unit *now* is in their unit's subtree. A unit
    that forwarded a petition no longer answers it."""
    scope = scope_of(user)
    if scope.is_admin:
        return _petitions()
    return _petitions().filter(subtree_q(scope.agency_paths or [], "responsible_unit__path"))


def coordinations_of(user) -> QuerySet[Coordination]:
    """The coordinating roles (phối hợp) of the user's units' subtree."""
    scope = scope_of(user)
    qs = Coordination.objects.select_related("unit", "petition")
    if scope.is_admin:
        return qs
    return qs.filter(subtree_q(scope.agency_paths or [], "unit__path"))


def forwardings_sent_by(user) -> QuerySet[Forwarding]:
    """Forwardings made by the user's units' subtree (the forwarding unit tells the petitioner)."""
    scope = scope_of(user)
    qs = Forwarding.objects.select_related("from_unit", "to_unit", "petition")
    if scope.is_admin:
        return qs
    return qs.filter(subtree_q(scope.agency_paths or [], "from_unit__path"))


def petitions_monitored_by(user) -> QuerySet[Petition]:
    """Petitions of a Front monitor's area (not withdrawn): organised or assigned in it."""
    scope = scope_of(user)
    qs = petitions_visible_to(user).exclude(status=PetitionStatus.WITHDRAWN)
    if scope.is_admin:
        return qs
    paths = scope.front_paths or []
    return qs.filter(
        subtree_q(paths, "session__organising_unit__path")
        | subtree_q(paths, "assigned_unit__path")
        | subtree_q(paths, "responsible_unit__path")
    )


def replies_monitored_by(user) -> QuerySet[WrittenReply]:
    """Written replies to the petitions of a Front monitor's area."""
    return WrittenReply.objects.select_related("unit", "petition", "petition__session__organising_unit").filter(
        petition__in=petitions_monitored_by(user).values("pk")
    )


def agency_inbox(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """Petitions waiting on the user's units, most urgent first: those their units lead and still
    owe an answer (first answer, after a forwarding to them, under a complex-case notice, or a
    supplementary reply), and those they coordinate and have not contributed to yet
    (``coordinating`` is true on these rows)."""
    scope = scope_of(user)
    owes = list(workflow.OWES_ANSWER)
    if scope.is_admin:
        q = Q(status__in=owes)
        lead = Q(status__in=owes)
    else:
        # The subtree's units and the petitions they coordinate are resolved first (small
        # indexed queries): literal id lists let PostgreSQL combine index scans (see
        # docs/PERFORMANCE.md).
        units = list(Unit.objects.filter(subtree_q(scope.agency_paths or [], "path")).values_list("pk", flat=True))
        coordinated = list(
            Coordination.objects.filter(unit_id__in=units, contributed_on__isnull=True, petition__status__in=owes)
            .values_list("petition_id", flat=True)
            .distinct()
        )
        lead = Q(responsible_unit_id__in=units, status__in=owes)
        q = lead | Q(pk__in=coordinated)
    qs = (
        _petitions()
        .filter(q)
        .annotate(coordinating=Case(When(lead, then=Value(False)), default=Value(True), output_field=BooleanField()))
    )
    return with_reply_states(qs, today).order_by(F("current_due_on").asc(nulls_last=True), "id")


# ---------------------------------------------------------------------------------------------
# What a user may do on one petition: the state machine and the scope, asked together
# ---------------------------------------------------------------------------------------------


def petition_actions(user, petition: Petition, *, coordinations=(), forwardings=()) -> dict:
    """The actions to offer ``user`` on ``petition`` (the services refuse the others).

    Only the unit responsible *now* (the lead; after a forwarding, the competent unit) may reply,
    forward or notify a complex case. ``coordinations`` and ``forwardings`` are the petition's
    (already loaded by the page): the user's coordinating units may contribute
    (``contribute_ids``), the units that forwarded it record that the petitioner was told
    (``tell_ids``)."""
    scope = scope_of(user)
    responsible = petition.responsible_unit or petition.assigned_unit
    acts = scope.is_admin or scope.covers(responsible, {Role.AGENCY})
    editable = sessions_editable_by(user).filter(pk=petition.session_id).exists()
    units = [petition.session.organising_unit, petition.assigned_unit, petition.responsible_unit]
    monitors = scope.front_membership_for(units) is not None
    status = petition.status
    contribute_ids = (
        [
            c.pk
            for c in coordinations
            if c.contributed_on is None and (scope.is_admin or scope.covers(c.unit, {Role.AGENCY}))
        ]
        if workflow.allows(status, Action.CONTRIBUTE)
        else []
    )
    tell_ids = [
        f.pk
        for f in forwardings
        if f.petitioner_told_on is None
        and status != PetitionStatus.WITHDRAWN
        and (scope.is_admin or scope.covers(f.from_unit, {Role.AGENCY}))
    ]
    return {
        Action.REPLY: acts and workflow.allows(status, Action.REPLY),
        Action.SUPPLEMENT: acts and workflow.allows(status, Action.SUPPLEMENT),
        Action.FORWARD: acts and workflow.allows(status, Action.FORWARD),
        Action.COMPLEX: acts and workflow.allows(status, Action.COMPLEX),
        Action.CONTRIBUTE: bool(contribute_ids),
        Action.WITHDRAW: editable and workflow.allows(status, Action.WITHDRAW),
        Action.REQUEST_SUPPLEMENTARY: editable and workflow.allows(status, Action.REQUEST_SUPPLEMENTARY),
        Action.CLOSE: editable and workflow.allows(status, Action.CLOSE),
        Action.ASSESS: monitors and workflow.allows(status, Action.ASSESS),
        "contribute_ids": contribute_ids,
        "tell_ids": tell_ids,
        "note": monitors or scope.is_admin,
        "history": editable,
    }
