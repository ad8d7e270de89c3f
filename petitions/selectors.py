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
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.sql import AnyOf
from regulations.deadlines import (
    FORWARDED,
    RECEIPT_START_LABEL,
    REPLY,
    SUPPLEMENTARY,
    DueDateExplanation,
    explain_due_date,
    reply_clock_starts_on_receipt,
)
from regulations.selectors import rules_of
from regulations.states import DeadlineState, deadline_state_conditions, state_case
from sessions.selectors import session_ids_organised_in, sessions_editable_by
from units.access import scope_of, subtree_q
from units.models import Leader, Role, Unit
from units.selectors import leaders_in_office_q, levels_headed_by, same_level_bound_units, unit_ids_in, units_at_levels

from . import workflow
from .codes import LOOKUP_PREFIX, normalise_code
from .models import (
    ClockStart,
    Coordination,
    Direction,
    EventKind,
    Forwarding,
    Petition,
    PetitionEvent,
    PetitionOpening,
    PetitionStatus,
    WrittenReply,
)
from .search import search_q
from .workflow import Action

__all__ = ["DeadlineState", "QueueTab"]

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
    return explain_due_date(REPLY, start, start_label=label, regulation=petition.reply_regulation)


def complex_target_max_days(petition: Petition) -> int:
    """The longest complex-case target (days after the notice) allowed without a reason, under
    the regulation that governs the petition's reply (the settings' default when none is
    recorded). The form's help text and the service's check both read it here."""
    return rules_of(petition.reply_regulation).complex_max_days


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
            reply_clock_starts_on_receipt(regulation=petition.reply_regulation)
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
                    explain_due_date(FORWARDED, forwarding.forwarded_on, regulation=forwarding.regulation),
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
                explain_due_date(SUPPLEMENTARY, request.requested_on, regulation=request.regulation),
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
    of the subtrees (the whole forwarding chain keeps seeing the petition).

    The subtree's unit ids and the petitions forwarded to or coordinated by them are resolved
    inside the statement (``common.sql.AnyOf``), so PostgreSQL combines index scans; the same
    rule written over joined units' paths ORed with EXISTS read every petition of the country."""
    units = unit_ids_in(paths)
    forwarded = Forwarding.objects.filter(AnyOf("to_unit_id", units)).values("petition_id")
    coordinated = Coordination.objects.filter(AnyOf("unit_id", units)).values("petition_id")
    return (
        Q(AnyOf("assigned_unit_id", units))
        | Q(AnyOf("responsible_unit_id", units))
        | Q(AnyOf("pk", forwarded))
        | Q(AnyOf("pk", coordinated))
    )


def petitions_of_area_q(paths: Iterable[str], prefix: str = "") -> Q:
    """Petitions raised at sessions organised in one of the subtrees, or assigned to (or now with)
    a unit of one.

    Every side is an indexed petition column compared with the subtree's ids, resolved inside
    the statement (``common.sql.AnyOf``), so PostgreSQL combines index scans; the same rule
    written over the joined units' paths read every petition of the country (~1 s at 1,000,000
    petitions, see docs/PERFORMANCE.md)."""
    paths = list(paths)
    units = unit_ids_in(paths)
    return (
        Q(AnyOf(f"{prefix}session_id", session_ids_organised_in(paths)))
        | Q(AnyOf(f"{prefix}assigned_unit_id", units))
        | Q(AnyOf(f"{prefix}responsible_unit_id", units))
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
        q |= petitions_of_area_q(scope.area_paths)
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
    if not scope.agency_paths:
        return _petitions().none()
    return _petitions().filter(AnyOf("responsible_unit_id", unit_ids_in(scope.agency_paths)))


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
    """Petitions of a Front monitor's area (not withdrawn): organised, assigned or now with a unit
    in it.

    A Front monitor's area is one of their area subtrees, so these are all petitions they may
    see (``petitions_visible_to``): the area condition alone is the scope."""
    scope = scope_of(user)
    live = _petitions().exclude(status=PetitionStatus.WITHDRAWN)
    if scope.is_admin:
        return live
    if not scope.front_paths:
        return live.none()
    return live.filter(petitions_of_area_q(scope.front_paths))


def _replies() -> QuerySet[WrittenReply]:
    """Written replies with what their rows show (the unit, the petition and its session's unit)."""
    return WrittenReply.objects.select_related("unit", "petition", "petition__session__organising_unit")


def replies_of_area_q(paths: Iterable[str]) -> Q:
    """Written replies to the petitions of ``petitions_of_area_q(paths)``, tested on the copies
    the reply keeps of its petition's session and units (``WrittenReply``): three indexed columns
    of the reply's own table, so PostgreSQL combines their index scans with the date walk or the
    search index, without reading a petition per reply."""
    paths = list(paths)
    units = unit_ids_in(paths)
    return (
        Q(AnyOf("petition_session_id", session_ids_organised_in(paths)))
        | Q(AnyOf("petition_assigned_unit_id", units))
        | Q(AnyOf("petition_responsible_unit_id", units))
    )


def replies_monitored_by(user) -> QuerySet[WrittenReply]:
    """Written replies to the petitions of a Front monitor's area (as ``petitions_monitored_by``).

    The area is tested on the reply's own row (``replies_of_area_q``): matching each reply's
    petition cost a read of the petition table per reply walked (~20 µs each at 1,000,000
    petitions). Monitors see no withdrawn petition; a petition with a written reply is never
    withdrawn (``petitions.workflow``: an answered petition cannot be), so no test is needed."""
    scope = scope_of(user)
    replies = _replies()
    if scope.is_admin:
        return replies
    if not scope.front_paths:
        return replies.none()
    return replies.filter(replies_of_area_q(scope.front_paths))


def replies_awaiting_assessment(user) -> QuerySet[WrittenReply]:
    """The replies of ``replies_monitored_by`` the Front has not assessed yet, their petition
    still waiting for it (replied). Found from the petition side: the area's replied petitions
    (an index scan each way) resolved inside the statement, then their replies by index; the
    join the other way read every reply of the country (~3 s at 1,000,000 petitions)."""
    scope = scope_of(user)
    if not (scope.is_admin or scope.front_paths):
        return WrittenReply.objects.none()
    waiting = Petition.objects.filter(status=PetitionStatus.REPLIED)
    if not scope.is_admin:
        waiting = waiting.filter(petitions_of_area_q(scope.front_paths))
    return _replies().filter(AnyOf("petition_id", waiting.values("pk")), assessments__isnull=True)


# ---------------------------------------------------------------------------------------------
# The agency's work queue
# ---------------------------------------------------------------------------------------------


class QueueTab:
    """The tabs of the work queue (Zammad's and GitHub's lists: a count on each)."""

    OPEN = "can-xu-ly"
    NEW = "moi"
    DUE_SOON = "sap-den-han"
    OVERDUE = "qua-han"
    WAITING_FRONT = "cho-mttq"
    ALL = "tat-ca"

    CHOICES = [
        (OPEN, gettext_lazy("Cần xử lý")),
        (NEW, gettext_lazy("Mới")),
        (DUE_SOON, gettext_lazy("Sắp đến hạn")),
        (OVERDUE, gettext_lazy("Quá hạn")),
        (WAITING_FRONT, gettext_lazy("Chờ MTTQ đánh giá")),
        (ALL, gettext_lazy("Tất cả")),
    ]
    VALUES = [value for value, _label in CHOICES]


# A reply the Front has still to assess: a first reply not yet assessed, or a supplementary reply.
WAITING_FRONT_Q = Q(status=PetitionStatus.REPLIED) & (Q(assessment="") | Q(supplementary_replied_on__isnull=False))


@dataclass
class AgencyQueue:
    """The petitions given to a user's units (they lead it: assigned by a notice or forwarded to
    them; or they coordinate it), with one ``Q`` per tab. ``rows`` carries the deadline states,
    ``coordinating`` (the units only coordinate it) and ``is_new``: nobody of the user's units
    has opened it yet while it waits on them (``PetitionOpening``)."""

    rows: QuerySet[Petition]
    tabs: dict[str, Q]

    def counts(self) -> dict[str, int]:
        """The number of petitions in each tab of ``rows`` (one aggregate query)."""
        return self.rows.aggregate(**{tab: Count("pk", filter=q) for tab, q in self.tabs.items()})

    def tab(self, name: str) -> QuerySet[Petition]:
        return self.rows.filter(self.tabs.get(name, self.tabs[QueueTab.OPEN]))


def agency_unit_ids(user) -> list[int] | None:
    """Ids of the units of the user's agency subtrees (``None``: every unit, for an administrator)."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    return list(Unit.objects.filter(subtree_q(scope.agency_paths or [], "path")).values_list("pk", flat=True))


def agency_queue(user, today: dt.date | None = None) -> AgencyQueue:
    """The user's work queue as an agency officer. The waiting ones (tab "Cần xử lý") are those
    their units lead and still owe an answer (first answer, after a forwarding to them, under a
    complex-case notice, or a supplementary reply), and those they coordinate and have not
    contributed to yet."""
    scope = scope_of(user)
    units = agency_unit_ids(user)
    owes = list(workflow.OWES_ANSWER)
    if units is None:
        given = Q(responsible_unit__isnull=False) | Q(assigned_unit__isnull=False)
        lead = Q(status__in=owes)
        waiting = lead
        coordinating = Q(pk__in=[])
        replied_by_us = Q(Exists(WrittenReply.objects.filter(petition=OuterRef("pk"))))
        opened = PetitionOpening.objects.filter(petition=OuterRef("pk"))
    else:
        # The subtree's units and the petitions forwarded to them or they coordinate are resolved
        # first (small indexed queries): literal id lists let PostgreSQL combine index scans
        # (see docs/PERFORMANCE.md).
        forwarded = list(
            Forwarding.objects.filter(to_unit_id__in=units).order_by().values_list("petition_id", flat=True).distinct()
        )
        coordinations = Coordination.objects.filter(unit_id__in=units).order_by()
        coordinated = list(coordinations.values_list("petition_id", flat=True).distinct())
        to_contribute = list(
            coordinations.filter(contributed_on__isnull=True, petition__status__in=owes)
            .values_list("petition_id", flat=True)
            .distinct()
        )
        given = (
            Q(assigned_unit_id__in=units)
            | Q(responsible_unit_id__in=units)
            | Q(pk__in=forwarded)
            | Q(pk__in=coordinated)
        )
        lead = Q(responsible_unit_id__in=units, status__in=owes)
        coordinating = Q(pk__in=to_contribute) & ~lead
        waiting = lead | Q(pk__in=to_contribute)
        replied_by_us = Q(Exists(WrittenReply.objects.filter(petition=OuterRef("pk"), unit_id__in=units)))
        roots = [m.unit_id for m in scope.memberships if m.role == Role.AGENCY]
        opened = PetitionOpening.objects.filter(petition=OuterRef("pk"), unit_id__in=roots)
    rows = with_reply_states(_petitions().filter(given).exclude(status=PetitionStatus.WITHDRAWN), today).annotate(
        is_new=Case(
            When(waiting & ~Q(Exists(opened)), then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        coordinating=Case(When(coordinating, then=Value(True)), default=Value(False), output_field=BooleanField()),
    )
    states = current_state_conditions(today)
    tabs = {
        QueueTab.OPEN: waiting,
        QueueTab.NEW: Q(is_new=True),
        QueueTab.DUE_SOON: waiting & states[DeadlineState.DUE_SOON],
        QueueTab.OVERDUE: waiting & states[DeadlineState.OVERDUE],
        QueueTab.WAITING_FRONT: WAITING_FRONT_Q & replied_by_us,
        QueueTab.ALL: Q(),
    }
    return AgencyQueue(rows=rows, tabs=tabs)


def agency_inbox(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """Petitions waiting on the user's units, most urgent first (the queue's "Cần xử lý" tab);
    ``coordinating`` is true on those they only coordinate."""
    return agency_queue(user, today).tab(QueueTab.OPEN).order_by(F("current_due_on").asc(nulls_last=True), "id")


def petition_opened_by_units(user, petition: Petition) -> list[Unit]:
    """The user's agency units (their memberships' units) to which ``petition`` is given:
    assigned to their subtree, forwarded into it or coordinated by it. Opening the petition
    marks it seen for them."""
    scope = scope_of(user)
    roots = [m.unit for m in scope.memberships if m.role == Role.AGENCY]
    if not roots:
        return []
    paths = [u.path for u in (petition.assigned_unit, petition.responsible_unit) if u is not None]
    paths += list(Forwarding.objects.filter(petition=petition).values_list("to_unit__path", flat=True))
    paths += list(Coordination.objects.filter(petition=petition).values_list("unit__path", flat=True))
    return [unit for unit in roots if any(path.startswith(unit.path) for path in paths)]


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------

# A search is a few words; a 100,000-character one is only work for the database.
SEARCH_MAX_LENGTH = 200


def search_petitions(qs: QuerySet[Petition], text: str | None, user=None) -> QuerySet[Petition]:
    """Petitions where every word of ``text`` occurs, without diacritics, in the content, field,
    unit or petitioner's name (the normalised search columns, ``petitions.search``); a receipt
    code typed whole finds its petition for staff. A protected petitioner's name is not in the
    search column: typed as stored, it finds the petition only for those who may see it
    (``petitioner_visible_q``).

    Every list searches through here (the petition list, the agency's queue, the Front's lists)."""
    # PostgreSQL refuses NUL in a string literal: a forged search must not become a 500.
    text = (text or "").replace("\x00", "").strip()[:SEARCH_MAX_LENGTH]
    if not text:
        return qs
    match = search_q(text)
    if match is None:
        return qs
    if user is not None and may_see_some_petitioner(user):
        # Only for those who may see some protected petitioner: for the others the branch is
        # empty, and an OR with a branch no index serves keeps PostgreSQL off the search index.
        match |= Q(identity_protected=True, petitioner_name__icontains=text) & petitioner_visible_q(user)
    code = normalise_code(text)
    if code and user is not None and scope_of(user).has(Role.STAFF):
        match |= Q(receipt_code=code)
    return qs.filter(match)


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


def may_see_some_petitioner(user) -> bool:
    """May ``user`` see any protected petitioner at all (``petitioner_visible_q``)?"""
    scope = scope_of(user)
    return scope.is_admin or bool(scope.staff_paths)


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
    may_direct = workflow.allows(status, Action.DIRECT) and bool(direction_leaders_for(user, petition))
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
        # The organising unit's staff: receipt, protection and publication of the result.
        "receipt": editable,
        Action.PROTECT: editable and workflow.allows(status, Action.PROTECT),
        Action.PUBLISH: editable and workflow.allows(status, Action.PUBLISH),
        Action.REPLY: acts and workflow.allows(status, Action.REPLY),
        Action.SUPPLEMENT: acts and workflow.allows(status, Action.SUPPLEMENT),
        Action.FORWARD: acts and workflow.allows(status, Action.FORWARD),
        Action.COMPLEX: acts and workflow.allows(status, Action.COMPLEX),
        Action.CONTRIBUTE: bool(contribute_ids),
        Action.WITHDRAW: editable and workflow.allows(status, Action.WITHDRAW),
        Action.REQUEST_SUPPLEMENTARY: editable and workflow.allows(status, Action.REQUEST_SUPPLEMENTARY),
        Action.CLOSE: editable and workflow.allows(status, Action.CLOSE),
        Action.ASSESS: monitors and workflow.allows(status, Action.ASSESS),
        Action.DIRECT: may_direct,
        "contribute_ids": contribute_ids,
        "tell_ids": tell_ids,
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
