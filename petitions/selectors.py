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
from django.utils.translation import gettext_lazy as _

from regulations.deadlines import REPLY, explain_due_date
from regulations.states import DeadlineState, deadline_state_conditions, state_case
from sessions.selectors import sessions_editable_by
from units.access import scope_of, subtree_q
from units.models import Role, Unit

from . import workflow
from .codes import LOOKUP_PREFIX, normalise_code
from .models import Forwarding, Petition, PetitionOpening, PetitionStatus, WrittenReply
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


# ---------------------------------------------------------------------------------------------
# The agency's work queue
# ---------------------------------------------------------------------------------------------

# Statuses in which the responsible unit still owes an answer, and those the Front may assess.
WAITING_STATUSES = tuple(sorted(workflow.AWAITING_ANSWER - {PetitionStatus.FORWARDED}))
ASSESSABLE_STATUSES = tuple(sorted(workflow.TRANSITIONS[Action.ASSESS].sources))


class QueueTab:
    """The tabs of the work queue (Zammad's and GitHub's lists: a count on each)."""

    OPEN = "can-xu-ly"
    NEW = "moi"
    DUE_SOON = "sap-den-han"
    OVERDUE = "qua-han"
    WAITING_FRONT = "cho-mttq"
    ALL = "tat-ca"

    CHOICES = [
        (OPEN, _("Cần xử lý")),
        (NEW, _("Mới")),
        (DUE_SOON, _("Sắp đến hạn")),
        (OVERDUE, _("Quá hạn")),
        (WAITING_FRONT, _("Chờ MTTQ đánh giá")),
        (ALL, _("Tất cả")),
    ]
    VALUES = [value for value, _label in CHOICES]


@dataclass
class AgencyQueue:
    """The petitions given to a user's units (assigned by a notice, or forwarded to them), with
    one ``Q`` per tab. ``rows`` carries the deadline states and ``is_new``: nobody of the
    user's units has opened the petition yet (``PetitionOpening``)."""

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
    """The user's work queue as an agency officer."""
    scope = scope_of(user)
    units = agency_unit_ids(user)
    if units is None:
        given = Q(assigned_unit__isnull=False)
        waiting = Q(status__in=[*WAITING_STATUSES, PetitionStatus.FORWARDED])
        replied_by_us = Q(Exists(WrittenReply.objects.filter(petition=OuterRef("pk"))))
        opened = PetitionOpening.objects.filter(petition=OuterRef("pk"))
    else:
        # The subtree's units and the petitions forwarded into it are resolved first (two small
        # indexed queries): literal id lists let PostgreSQL combine two index scans, where the
        # path join ORed with EXISTS scanned every open petition in the country (see
        # docs/PERFORMANCE.md).
        forwarded = list(
            Forwarding.objects.filter(to_unit_id__in=units).order_by().values_list("petition_id", flat=True).distinct()
        )
        given = Q(assigned_unit_id__in=units) | Q(pk__in=forwarded)
        waiting = Q(assigned_unit_id__in=units, status__in=WAITING_STATUSES) | Q(
            status=PetitionStatus.FORWARDED, pk__in=forwarded
        )
        replied_by_us = Q(Exists(WrittenReply.objects.filter(petition=OuterRef("pk"), unit_id__in=units)))
        roots = [m.unit_id for m in scope.memberships if m.role == Role.AGENCY]
        opened = PetitionOpening.objects.filter(petition=OuterRef("pk"), unit_id__in=roots)
    rows = with_reply_states(_petitions().filter(given).exclude(status=PetitionStatus.WITHDRAWN), today).annotate(
        is_new=Case(
            When(waiting & ~Q(Exists(opened)), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    states = current_state_conditions(today)
    tabs = {
        QueueTab.OPEN: waiting,
        QueueTab.NEW: Q(is_new=True),
        QueueTab.DUE_SOON: waiting & states[DeadlineState.DUE_SOON],
        QueueTab.OVERDUE: waiting & states[DeadlineState.OVERDUE],
        QueueTab.WAITING_FRONT: Q(status__in=ASSESSABLE_STATUSES, assessment="") & replied_by_us,
        QueueTab.ALL: Q(),
    }
    return AgencyQueue(rows=rows, tabs=tabs)


def agency_inbox(user, today: dt.date | None = None) -> QuerySet[Petition]:
    """Petitions waiting on the user's units, most urgent first: assigned and not yet answered
    (or under a complex-case notice), and those forwarded to them by another level."""
    return agency_queue(user, today).tab(QueueTab.OPEN).order_by(F("current_due_on").asc(nulls_last=True), "id")


def petition_opened_by_units(user, petition: Petition) -> list[Unit]:
    """The user's agency units (their memberships' units) to which ``petition`` is given:
    assigned to their subtree, or forwarded into it. Opening the petition marks it seen for them."""
    scope = scope_of(user)
    roots = [m.unit for m in scope.memberships if m.role == Role.AGENCY]
    if not roots:
        return []
    paths = [petition.assigned_unit.path] if petition.assigned_unit_id else []
    paths += list(Forwarding.objects.filter(petition=petition).values_list("to_unit__path", flat=True))
    return [unit for unit in roots if any(path.startswith(unit.path) for path in paths)]


# ---------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------


def search_petitions(qs: QuerySet[Petition], text: str | None, user=None) -> QuerySet[Petition]:
    """Petitions whose content or petitioner's name holds every word of ``text``; a receipt code
    typed whole finds its petition for staff. A protected petitioner's name finds the petition
    only for those who may see it (``petitioner_visible_q``).

    Every list searches through here (the petition list, the agency's queue, the Front's lists),
    so the diacritic-free search column replaces this one body: for now each word is compared
    as typed (``icontains``)."""
    # PostgreSQL refuses NUL in a string literal: a forged search must not become a 500.
    text = (text or "").replace("\x00", "").strip()
    if not text:
        return qs
    visible = petitioner_visible_q(user) if user is not None else Q(identity_protected=False)
    match = Q()
    for word in text.split()[:8]:
        match &= Q(content__icontains=word) | (Q(petitioner_name__icontains=word) & visible)
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
        "note": monitors or scope.is_admin,
        "history": editable,
    }
