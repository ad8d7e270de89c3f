"""Statistics for dashboards and periodic reports, computed in the database.

Every figure is a *key* in ``FIGURES``: a model (session, petition or unit) and a condition.
``figure_queryset`` builds the rows behind a figure (the drill-down list); the dashboard counts
are ``Count(filter=condition)`` aggregates over the very same base querysets, so a figure and
its list cannot drift apart. Base querysets always start from the scoping selectors
(``sessions_visible_to`` / ``petitions_visible_to`` / ``units_visible_to``), then restrict to
the chosen subtree and period. Deadline states come from ``petitions.selectors`` only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.web import parse_id
from petitions.models import Assessment, Direction, Forwarding, Petition, PetitionStatus
from petitions.selectors import (
    complex_state_conditions,
    directions_visible_to,
    forward_state_conditions,
    petitions_visible_to,
    reply_state_conditions,
    supplementary_state_conditions,
)
from regulations.states import DeadlineState
from regulations.years import dialogue_year_bounds
from sessions.models import (
    ConclusionItem,
    DialoguePlan,
    DialogueSession,
    ItemAssessmentResult,
    PlannedDialogue,
    PlanStatus,
    SessionKind,
)
from sessions.selectors import (
    PlannedState,
    conclusion_items_visible_to,
    item_state_conditions,
    notice_state_conditions,
    plan_state_conditions,
    planned_state_conditions,
    plans_visible_to,
    sessions_visible_to,
    with_item_state,
    with_planned_state,
)
from units.access import scope_of
from units.models import Leader, Unit, UnitLevel
from units.selectors import (
    Predecessors,
    active_during_q,
    bound_heads,
    bound_unit_q,
    dashboard_units,
    predecessors_of,
    unit_ids_of_subtree,
)

from .periods import Period

SESSION = "session"
PETITION = "petition"
UNIT = "unit"
PLANNED = "planned"  # a planned dialogue of an annual plan
HEAD = "head"  # a head bound by the rule (a Leader term)
ITEM = "item"  # a conclusion or commitment of the chair
DIRECTION = "direction"  # a head's direction on a petition


@dataclass(frozen=True)
class Figure:
    key: str
    model: str
    label: str
    # (today, period) -> Q over the model's base queryset
    condition: Callable[[dt.date, Period], Q]
    group: str = ""


def _r1_required_q() -> Q:
    """Units that must hold a dialogue each year (R1): those of a kind bound by the rule (data,
    edited in the admin; by default party committees and People's Committees)."""
    return bound_unit_q()


def _r1_bounds(period: Period) -> tuple[dt.date, dt.date]:
    """The dialogue year R1 counts for the period (calendar by default, see ``regulations.years``)."""
    return dialogue_year_bounds(period.r1_year)


def _r1_active_q(period: Period) -> Q:
    return active_during_q(*_r1_bounds(period))


def _r1_held_exists(today: dt.date, period: Period) -> Exists:
    """A dialogue held this dialogue year, up to the end of the period (and not after today)."""
    until = min(period.end, today)
    return Exists(
        DialogueSession.objects.filter(
            organising_unit=OuterRef("pk"),
            withdrawn_at__isnull=True,
            held_on__gte=_r1_bounds(period)[0],
            held_on__lte=until,
        )
    )


def _chaired_exists(today: dt.date, period: Period) -> Exists:
    """The head chaired a dialogue this dialogue year, up to the end of the period and today."""
    return Exists(
        DialogueSession.objects.filter(
            chair=OuterRef("pk"),
            withdrawn_at__isnull=True,
            held_on__gte=_r1_bounds(period)[0],
            held_on__lte=min(period.end, today),
        )
    )


def _plan(state):
    return lambda today, period: plan_state_conditions(period.r1_year, today)[state]


def _planned(state):
    return lambda today, period: planned_state_conditions(today)[state]


def _item(state):
    return lambda today, period: item_state_conditions(today)[state]


def _forwarded_exists() -> Exists:
    return Exists(Forwarding.objects.filter(petition=OuterRef("pk")))


def _reply(state):
    return lambda today, period: reply_state_conditions(today)[state]


def _notice(state):
    return lambda today, period: notice_state_conditions(today)[state]


_ALL = lambda today, period: Q()  # noqa: E731


def _build_figures() -> dict[str, Figure]:
    figures = [
        Figure("sessions_held", SESSION, _("Hội nghị đã tổ chức"), _ALL, "sessions"),
        Figure("sessions_periodic", SESSION, _("Định kỳ"), lambda t, p: Q(kind=SessionKind.PERIODIC), "sessions"),
        Figure("sessions_ad_hoc", SESSION, _("Đột xuất"), lambda t, p: Q(kind=SessionKind.AD_HOC), "sessions"),
        Figure(
            "sessions_planned", SESSION, _("Theo kế hoạch năm"), lambda t, p: Q(planned_item__isnull=False), "sessions"
        ),
        Figure(
            "sessions_unplanned",
            SESSION,
            _("Ngoài kế hoạch năm"),
            lambda t, p: Q(planned_item__isnull=True),
            "sessions",
        ),
    ]
    for level, label in UnitLevel.choices:
        figures.append(
            Figure(
                f"sessions_level_{level}", SESSION, label, lambda t, p, lv=level: Q(organising_unit__level=lv), "levels"
            )
        )
    figures += [
        Figure("notices_on_time", SESSION, _("Thông báo kết luận đúng hạn"), _notice(DeadlineState.MET), "notices"),
        Figure("notices_late", SESSION, _("Thông báo kết luận trễ hạn"), _notice(DeadlineState.MET_LATE), "notices"),
        Figure("notices_overdue", SESSION, _("Chưa ban hành, quá hạn"), _notice(DeadlineState.OVERDUE), "notices"),
        Figure(
            "notices_pending",
            SESSION,
            _("Chưa ban hành, còn hạn"),
            lambda t, p: (
                notice_state_conditions(t)[DeadlineState.OPEN] | notice_state_conditions(t)[DeadlineState.DUE_SOON]
            ),
            "notices",
        ),
        Figure("petitions_received", PETITION, _("Kiến nghị tiếp nhận"), _ALL, "petitions"),
        Figure(
            "petitions_clarified",
            PETITION,
            _("Đã làm rõ tại hội nghị"),
            lambda t, p: Q(status=PetitionStatus.CLARIFIED),
            "petitions",
        ),
        Figure(
            "petitions_assigned",
            PETITION,
            _("Đã giao giải quyết"),
            lambda t, p: Q(assigned_on__isnull=False),
            "petitions",
        ),
        Figure("petitions_on_time", PETITION, _("Đã xử lý đúng hạn"), _reply(DeadlineState.MET), "replies"),
        Figure("petitions_late", PETITION, _("Đã xử lý trễ hạn"), _reply(DeadlineState.MET_LATE), "replies"),
        Figure("petitions_overdue", PETITION, _("Chưa xử lý, quá hạn"), _reply(DeadlineState.OVERDUE), "replies"),
        Figure(
            "petitions_pending",
            PETITION,
            _("Chưa xử lý, còn hạn"),
            lambda t, p: (
                reply_state_conditions(t)[DeadlineState.OPEN] | reply_state_conditions(t)[DeadlineState.DUE_SOON]
            ),
            "replies",
        ),
        Figure(
            "petitions_replied",
            PETITION,
            _("Đã trả lời bằng văn bản"),
            lambda t, p: Q(final_replied_on__isnull=False),
            "replies",
        ),
        Figure(
            "petitions_forwarded",
            PETITION,
            _("Chuyển cấp có thẩm quyền"),
            lambda t, p: Q(_forwarded_exists()),
            "replies",
        ),
        Figure(
            "petitions_complex",
            PETITION,
            _("Có thông báo vụ việc phức tạp"),
            lambda t, p: Q(complex_target_on__isnull=False),
            "replies",
        ),
        Figure(
            "petitions_complex_overdue",
            PETITION,
            _("Vụ việc phức tạp quá hạn giải quyết"),
            lambda t, p: complex_state_conditions(t)[DeadlineState.OVERDUE],
            "replies",
        ),
        Figure(
            "petitions_forward_overdue",
            PETITION,
            _("Cấp được chuyển đến quá hạn giải quyết"),
            lambda t, p: forward_state_conditions(t)[DeadlineState.OVERDUE] & Q(complex_target_on__isnull=True),
            "replies",
        ),
        Figure(
            "petitions_satisfied",
            PETITION,
            _("Trả lời được đánh giá hài lòng"),
            lambda t, p: Q(assessment=Assessment.SATISFIED),
            "assessments",
        ),
        Figure(
            "petitions_unsatisfied",
            PETITION,
            _("Trả lời bị đánh giá không hài lòng"),
            lambda t, p: Q(assessment=Assessment.UNSATISFIED),
            "assessments",
        ),
        Figure(
            "petitions_reopened",
            PETITION,
            _("Mở lại do MTTQ không hài lòng"),
            lambda t, p: Q(reopened_on__isnull=False),
            "assessments",
        ),
        Figure(
            "petitions_supplementary_overdue",
            PETITION,
            _("Trả lời bổ sung quá hạn"),
            lambda t, p: supplementary_state_conditions(t)[DeadlineState.OVERDUE],
            "assessments",
        ),
        Figure(
            "petitions_closed",
            PETITION,
            _("Đã kết thúc"),
            lambda t, p: Q(status=PetitionStatus.CLOSED),
            "assessments",
        ),
        Figure(
            "petitions_closed_by_staff",
            PETITION,
            _("Kết thúc do cơ quan tổ chức quyết định (có lý do)"),
            lambda t, p: Q(status=PetitionStatus.CLOSED) & ~Q(close_reason=""),
            "assessments",
        ),
        Figure("r1_required", UNIT, _("Đơn vị phải tổ chức đối thoại trong năm"), _ALL, "r1"),
        Figure("r1_held", UNIT, _("Đã tổ chức đối thoại trong năm"), lambda t, p: Q(_r1_held_exists(t, p)), "r1"),
        Figure("r1_missing", UNIT, _("Chưa tổ chức đối thoại trong năm"), lambda t, p: ~Q(_r1_held_exists(t, p)), "r1"),
        # The annual plan (the Board's own measure: units with a plan), its dialogues, the heads.
        Figure("plans_issued", UNIT, _("Đơn vị đã ban hành kế hoạch năm"), _plan("issued"), "plans"),
        Figure("plans_issued_late", UNIT, _("trong đó: ban hành sau hạn"), _plan("issued_late"), "plans"),
        Figure("plans_missing", UNIT, _("Đơn vị chưa ban hành kế hoạch năm"), _plan("missing"), "plans"),
        Figure("planned_items", PLANNED, _("Cuộc đối thoại dự kiến trong kế hoạch"), _ALL, "plans"),
        Figure("planned_held", PLANNED, _("Đã tổ chức theo kế hoạch"), _planned(PlannedState.HELD), "plans"),
        Figure(
            "planned_missed", PLANNED, _("Quá thời gian dự kiến, chưa tổ chức"), _planned(PlannedState.MISSED), "plans"
        ),
        Figure("planned_pending", PLANNED, _("Chưa đến thời gian dự kiến"), _planned(PlannedState.PLANNED), "plans"),
        Figure("heads_bound", HEAD, _("Người đứng đầu phải đối thoại trong năm"), _ALL, "heads"),
        Figure("heads_held", HEAD, _("Đã chủ trì đối thoại trong năm"), lambda t, p: Q(_chaired_exists(t, p)), "heads"),
        Figure(
            "heads_not_held",
            HEAD,
            _("Chưa chủ trì đối thoại trong năm"),
            lambda t, p: ~Q(_chaired_exists(t, p)),
            "heads",
        ),
        Figure("directions_given", DIRECTION, _("Ý kiến chỉ đạo của người đứng đầu"), _ALL, "heads"),
        # The chair's conclusions and commitments.
        Figure("items_total", ITEM, _("Kết luận, cam kết của người chủ trì"), _ALL, "items"),
        Figure("items_done", ITEM, _("Đã hoàn thành"), lambda t, p: Q(done_on__isnull=False), "items"),
        Figure("items_done_late", ITEM, _("trong đó: hoàn thành sau thời hạn"), _item(DeadlineState.MET_LATE), "items"),
        Figure(
            "items_open",
            ITEM,
            _("Đang thực hiện, chưa quá hạn"),
            lambda t, p: Q(done_on__isnull=True) & ~item_state_conditions(t)[DeadlineState.OVERDUE],
            "items",
        ),
        Figure("items_overdue", ITEM, _("Quá hạn, chưa hoàn thành"), _item(DeadlineState.OVERDUE), "items"),
        Figure(
            "items_unsatisfied",
            ITEM,
            _("MTTQ đánh giá không hài lòng"),
            lambda t, p: Q(assessment=ItemAssessmentResult.UNSATISFIED),
            "items",
        ),
    ]
    return {f.key: f for f in figures}


FIGURES = _build_figures()
SESSION_KEYS = [k for k, f in FIGURES.items() if f.model == SESSION]
PETITION_KEYS = [k for k, f in FIGURES.items() if f.model == PETITION]
UNIT_KEYS = [k for k, f in FIGURES.items() if f.model == UNIT]
# Figures over the other bases, each counted by one aggregate query.
OTHER_MODELS = (PLANNED, HEAD, ITEM, DIRECTION)
KEYS_OF = {model: [k for k, f in FIGURES.items() if f.model == model] for model in OTHER_MODELS}
# Columns of the per-unit table (by responsible unit) and the breakdown by field.
UNIT_TABLE_KEYS = [
    "petitions_assigned",
    "petitions_on_time",
    "petitions_late",
    "petitions_overdue",
    "petitions_pending",
    "petitions_forwarded",
    "petitions_complex",
    "petitions_unsatisfied",
]
FIELD_TABLE_KEYS = ["petitions_received", "petitions_clarified", *UNIT_TABLE_KEYS]
TREND_SESSION_KEYS = ["sessions_held"]
TREND_PETITION_KEYS = [
    "petitions_received",
    "petitions_on_time",
    "petitions_late",
    "petitions_overdue",
    "petitions_unsatisfied",
]


# ---------------------------------------------------------------------------------------------
# Scope: which units a user may open a dashboard for
# ---------------------------------------------------------------------------------------------


def dashboard_unit_or_404(user, unit_id) -> Unit:
    """The unit whose subtree the dashboard shows: inside the user's dashboard scope or 404.
    Without ``unit_id``, the top of the user's scope."""
    units = dashboard_units(user)
    if unit_id in (None, ""):
        unit = units.order_by("depth", "path").first()
    else:
        try:
            unit = units.filter(pk=parse_id(unit_id)).first()
        except ValueError:
            unit = None
    if unit is None:
        raise Http404
    return unit


def head_in_scope_or_404(user, head_id) -> Leader | None:
    """The head (a ``Leader`` term) whose own figures are asked for: one of a unit inside the
    user's dashboard scope, else 404. ``None`` when not asked."""
    if head_id in (None, ""):
        return None
    try:
        pk = parse_id(head_id)
    except ValueError:
        raise Http404 from None
    head = (
        Leader.objects.select_related("unit", "unit__kind", "user")
        .filter(pk=pk, unit__in=dashboard_units(user).values("pk"))
        .first()
    )
    if head is None:
        raise Http404
    return head


def can_see_dashboards(user) -> bool:
    return scope_of(user).can_see_dashboards


# ---------------------------------------------------------------------------------------------
# Base querysets (scope ∩ subtree ∩ period) and the one function behind every figure
# ---------------------------------------------------------------------------------------------


def _held_until(period: Period, today: dt.date) -> dt.date:
    return min(period.end, today)


# With the predecessors' view ("tính cả đơn vị tiền thân", ``predecessors=True``) each base
# counts the rows of the unit's subtree (within the user's scope, as always) OR those of its
# predecessors' subtrees (``units.selectors.predecessors_of``; granted by
# ``Scope.sees_predecessors_of``): the two sides are OR-ed in one query, so a row of both (a
# petition raised at an old district's session and moved to the new commune) counts once.
# Without it the bases are exactly what they were.


def predecessors_for(user, unit: Unit) -> Predecessors | None:
    """The predecessors whose rows the user's view of ``unit`` may include; ``None`` when the
    unit has none (or the user may not see them). Read once per unit object."""
    if not scope_of(user).sees_predecessors_of(unit):
        return None
    preds = getattr(unit, "_dp_predecessors", None)
    if preds is None:
        preds = unit._dp_predecessors = predecessors_of(unit)
    return preds or None


def _preds(user, unit: Unit, wanted: bool) -> Predecessors | None:
    return predecessors_for(user, unit) if wanted else None


def _held_q(period: Period, today: dt.date, prefix: str = "") -> Q:
    return Q(
        **{
            f"{prefix}withdrawn_at__isnull": True,
            f"{prefix}held_on__gte": period.start,
            f"{prefix}held_on__lte": _held_until(period, today),
        }
    )


def sessions_base(
    user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False
) -> QuerySet[DialogueSession]:
    """Sessions held in the period (not in the future, not withdrawn) by units of the subtree
    (or of the predecessors' subtrees)."""
    qs = _sessions_in(sessions_visible_to(user), unit, period, today)
    preds = _preds(user, unit, predecessors)
    if preds:
        qs = qs | DialogueSession.objects.filter(_held_q(period, today), organising_unit_id__in=preds.unit_ids)
    return qs


def _sessions_in(qs, unit: Unit, period: Period, today: dt.date) -> QuerySet[DialogueSession]:
    return qs.filter(
        organising_unit__path__startswith=unit.path,
        withdrawn_at__isnull=True,
        held_on__gte=period.start,
        held_on__lte=_held_until(period, today),
    )


def petitions_base(
    user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False
) -> QuerySet[Petition]:
    """Petitions raised at sessions held in the period, organised in the subtree or assigned to
    a unit of it; withdrawn petitions and sessions are left out.

    The subtree's units and its sessions of the period are resolved first (two small indexed
    queries) and the petitions filtered on those literal id lists: both sides of the OR are then
    petition columns with an index, which PostgreSQL combines (``BitmapOr``). Filtering on the
    two joined units' paths instead made it read every session of the period in the country
    and all their petitions, whatever the size of the subtree (~200 ms at 1,000,000 petitions).
    With the predecessors' view, the same for their subtrees, OR-ed (one more small query).
    """
    qs = _petitions_in(petitions_visible_to(user), unit, period, today)
    preds = _preds(user, unit, predecessors)
    if preds:
        unit_ids = list(preds.unit_ids)
        session_ids = list(
            DialogueSession.objects.filter(_held_q(period, today), organising_unit_id__in=unit_ids).values_list(
                "pk", flat=True
            )
        )
        theirs = Petition.objects.filter(
            Q(session_id__in=session_ids) | Q(assigned_unit_id__in=unit_ids), _held_q(period, today, "session__")
        ).exclude(status=PetitionStatus.WITHDRAWN)
        qs = qs | theirs
    return qs


def _petitions_in(qs, unit: Unit, period: Period, today: dt.date) -> QuerySet[Petition]:
    until = _held_until(period, today)
    unit_ids = _subtree_ids(unit)
    session_ids = list(
        DialogueSession.objects.filter(
            organising_unit_id__in=unit_ids, withdrawn_at__isnull=True, held_on__gte=period.start, held_on__lte=until
        ).values_list("pk", flat=True)
    )
    return qs.filter(
        Q(session_id__in=session_ids) | Q(assigned_unit_id__in=unit_ids),
        session__withdrawn_at__isnull=True,
        session__held_on__gte=period.start,
        session__held_on__lte=until,
    ).exclude(status=PetitionStatus.WITHDRAWN)


def _subtree_ids(unit: Unit) -> list[int]:
    """The ids of ``unit``'s subtree, read once per unit object (a page asks for them for
    several figures)."""
    ids = getattr(unit, "_dp_subtree_ids", None)
    if ids is None:
        ids = unit._dp_subtree_ids = unit_ids_of_subtree(unit)
    return ids


def _units_in(user, unit: Unit, predecessors: bool) -> QuerySet[Unit]:
    """The units of the subtree in the user's dashboard scope, or of the predecessors' subtrees."""
    qs = dashboard_units(user).filter(path__startswith=unit.path)
    preds = _preds(user, unit, predecessors)
    if preds:
        qs = qs | Unit.objects.filter(pk__in=preds.unit_ids)
    return qs


def units_base(user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False) -> QuerySet[Unit]:
    """Units of the subtree that must hold a dialogue (R1) and were active in the year."""
    return _units_in(user, unit, predecessors).filter(_r1_required_q(), _r1_active_q(period))


def planned_base(
    user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False
) -> QuerySet[PlannedDialogue]:
    """Planned dialogues (not cancelled) of the issued plans of the period's dialogue year, of
    units of the subtree."""
    plans = plans_visible_to(user).filter(
        unit__path__startswith=unit.path, year=period.r1_year, status=PlanStatus.ISSUED
    )
    preds = _preds(user, unit, predecessors)
    if preds:
        plans = plans | DialoguePlan.objects.filter(
            unit_id__in=preds.unit_ids, year=period.r1_year, status=PlanStatus.ISSUED
        )
    return PlannedDialogue.objects.filter(plan__in=plans.values("pk"), withdrawn_at__isnull=True)


def heads_base(user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False) -> QuerySet[Leader]:
    """The heads bound by the rule in the period's dialogue year (until today), of units of the
    subtree: each term its own row, so a head who left mid-year and the successor both count."""
    start, end = _r1_bounds(period)
    return bound_heads(start, min(end, today)).filter(unit__in=_units_in(user, unit, predecessors).values("pk"))


def items_base(
    user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False
) -> QuerySet[ConclusionItem]:
    """Conclusions and commitments (not withdrawn) of sessions held in the period, organised in
    the subtree or given to a unit of it (the subtree resolved to an id list first, as for
    petitions; items are few beside petitions, so the period's sessions stay a subquery)."""
    until = _held_until(period, today)
    unit_ids = _subtree_ids(unit)
    sessions = DialogueSession.objects.filter(
        organising_unit_id__in=unit_ids, withdrawn_at__isnull=True, held_on__gte=period.start, held_on__lte=until
    )
    qs = conclusion_items_visible_to(user).filter(
        Q(session_id__in=sessions.values("pk")) | Q(responsible_unit_id__in=unit_ids),
        withdrawn_at__isnull=True,
        session__withdrawn_at__isnull=True,
        session__held_on__gte=period.start,
        session__held_on__lte=until,
    )
    preds = _preds(user, unit, predecessors)
    if preds:
        theirs = DialogueSession.objects.filter(_held_q(period, today), organising_unit_id__in=preds.unit_ids)
        qs = qs | ConclusionItem.objects.filter(
            Q(session_id__in=theirs.values("pk")) | Q(responsible_unit_id__in=preds.unit_ids),
            _held_q(period, today, "session__"),
            withdrawn_at__isnull=True,
        )
    return qs


def directions_base(
    user, unit: Unit, period: Period, today: dt.date, *, predecessors: bool = False
) -> QuerySet[Direction]:
    """Directions given in the period (until today) by heads of units of the subtree."""
    given = Q(given_on__gte=period.start, given_on__lte=_held_until(period, today))
    qs = directions_visible_to(user).filter(given, leader__unit__path__startswith=unit.path)
    preds = _preds(user, unit, predecessors)
    if preds:
        qs = qs | Direction.objects.filter(given, leader__unit_id__in=preds.unit_ids)
    return qs


_BASES = {
    SESSION: sessions_base,
    PETITION: petitions_base,
    UNIT: units_base,
    PLANNED: planned_base,
    HEAD: heads_base,
    ITEM: items_base,
    DIRECTION: directions_base,
}
# One head's own rows of each base: the sessions they chaired and the petitions and commitments
# of those sessions, their unit and its plan, their own term, the directions they gave.
_HEAD_Q = {
    SESSION: lambda head: Q(chair_id=head.pk),
    PETITION: lambda head: Q(session__chair_id=head.pk),
    UNIT: lambda head: Q(pk=head.unit_id),
    PLANNED: lambda head: Q(plan__unit_id=head.unit_id),
    HEAD: lambda head: Q(pk=head.pk),
    ITEM: lambda head: Q(session__chair_id=head.pk),
    DIRECTION: lambda head: Q(leader_id=head.pk),
}

# The figures a province may publish per unit and year (``public`` app, behind a setting).
PUBLIC_FIGURE_KEYS = ["sessions_held", "petitions_received", "petitions_on_time", "petitions_late", "petitions_overdue"]


def public_unit_figures(unit: Unit, period: Period, today: dt.date | None = None) -> dict[str, int]:
    """``PUBLIC_FIGURE_KEYS`` for the subtree of ``unit`` and ``period``, for everyone (no
    scope: the same bases and conditions as the dashboards, over every row). Two queries."""
    today = today or timezone.localdate()
    keys = {SESSION: [], PETITION: []}
    for key in PUBLIC_FIGURE_KEYS:
        keys[FIGURES[key].model].append(key)
    figures = (
        _sessions_in(DialogueSession.objects.all(), unit, period, today)
        .order_by()
        .aggregate(**_counts(keys[SESSION], today, period))
    )
    figures.update(
        _petitions_in(Petition.objects.all(), unit, period, today)
        .order_by()
        .aggregate(**_counts(keys[PETITION], today, period))
    )
    return {key: figures.get(key) or 0 for key in PUBLIC_FIGURE_KEYS}


def figure_queryset(
    user,
    key: str,
    unit: Unit,
    period: Period,
    *,
    today: dt.date | None = None,
    by_unit: int | None = None,
    field: int | str | None = None,
    head: Leader | None = None,
    predecessors: bool = False,
) -> QuerySet:
    """The rows behind figure ``key``: the drill-down list. ``by_unit`` narrows to one row of
    the per-unit table (responsible unit for petitions, organising unit for sessions);
    ``field`` to one row of the field breakdown (``"none"`` for petitions without a field);
    ``head`` to one head's own rows (their scorecard, see ``_HEAD_Q``); ``predecessors`` adds
    the rows of the unit's predecessors (see ``predecessors_for``).
    Raises ``KeyError`` for an unknown key."""
    figure = FIGURES[key]
    today = today or timezone.localdate()
    qs = _BASES[figure.model](user, unit, period, today, predecessors=predecessors).filter(
        figure.condition(today, period)
    )
    if by_unit is not None:
        qs = qs.filter(**{_GROUP_FIELD[figure.model]: by_unit})
    if field is not None and figure.model == PETITION:
        qs = qs.filter(field__isnull=True) if field == "none" else qs.filter(field_id=field)
    if head is not None:
        qs = qs.filter(_HEAD_Q[figure.model](head))
    return qs


# The page each row of a drill-down list links to, as (the scoping selector that page opens
# its object from, the row's attribute holding that object's id).
_ROW_PAGE_ACCESS = {
    SESSION: (sessions_visible_to, "pk"),
    PETITION: (petitions_visible_to, "pk"),
    UNIT: (dashboard_units, "pk"),
    PLANNED: (plans_visible_to, "plan_id"),
    HEAD: (dashboard_units, "unit_id"),
    ITEM: (conclusion_items_visible_to, "pk"),
    DIRECTION: (petitions_visible_to, "petition_id"),
}


def mark_rows_outside_scope(user, model: str, rows) -> None:
    """Mark the rows of a page of a drill-down list (with the predecessors' view) whose page the
    user may not open (``row.outside_scope``): they are listed without a link, so no link of
    the list answers 404. One query."""
    rows = list(rows)
    if not rows:
        return
    selector, attr = _ROW_PAGE_ACCESS[model]
    ids = {getattr(row, attr) for row in rows}
    openable = set(selector(user).filter(pk__in=ids).values_list("pk", flat=True))
    for row in rows:
        row.outside_scope = getattr(row, attr) not in openable


_GROUP_FIELD = {
    SESSION: "organising_unit_id",
    PETITION: "assigned_unit_id",
    UNIT: "pk",
    PLANNED: "plan__unit_id",
    HEAD: "unit_id",
    ITEM: "responsible_unit_id",
    DIRECTION: "leader__unit_id",
}

# How each kind of drill-down list is ordered and what it reads (sessions and petitions are
# annotated with their deadline states by the view).
LIST_ROWS = {
    UNIT: lambda qs, today, period: qs.order_by("path"),
    PLANNED: lambda qs, today, period: (
        with_planned_state(qs, today)
        .select_related("plan__unit", "chair")
        .annotate(
            held_session_id=Subquery(
                DialogueSession.objects.filter(planned_item=OuterRef("pk"), withdrawn_at__isnull=True).values("pk")[:1]
            )
        )
        .order_by("plan__unit__path", "expected_by", "id")
    ),
    HEAD: lambda qs, today, period: qs.annotate(
        chaired=_chaired_count(today, period),
        chaired_planned=_chaired_count(today, period, planned=True),
    ).order_by("unit__path", "term_start", "id"),
    ITEM: lambda qs, today, period: with_item_state(qs, today).order_by(
        F("target_on").asc(nulls_last=True), "session__held_on", "id"
    ),
    DIRECTION: lambda qs, today, period: qs.select_related("petition__session").order_by("-given_on", "-id"),
}


def _chaired_count(today: dt.date, period: Period, *, planned: bool = False) -> Subquery:
    """How many dialogues the head chaired in the dialogue year up to the period's end and today
    (only those of the annual plan when ``planned``)."""
    sessions = DialogueSession.objects.filter(
        chair=OuterRef("pk"),
        withdrawn_at__isnull=True,
        held_on__gte=_r1_bounds(period)[0],
        held_on__lte=min(period.end, today),
    )
    if planned:
        sessions = sessions.filter(planned_item__isnull=False)
    counted = sessions.order_by().values("chair").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def figure_counts(
    user,
    keys,
    unit: Unit,
    period: Period,
    *,
    today: dt.date | None = None,
    head: Leader | None = None,
    predecessors: bool = False,
) -> dict[str, int]:
    """The figures ``keys``, one aggregate query per base they are over: the same base
    querysets and conditions as their lists (``figure_queryset``)."""
    today = today or timezone.localdate()
    result: dict[str, int] = {}
    by_model: dict[str, list[str]] = {}
    for key in keys:
        by_model.setdefault(FIGURES[key].model, []).append(key)
    for model, model_keys in by_model.items():
        qs = _BASES[model](user, unit, period, today, predecessors=predecessors)
        if head is not None:
            qs = qs.filter(_HEAD_Q[model](head))
        result.update(qs.order_by().aggregate(**_counts(model_keys, today, period)))
    return result


def _counts(figure_keys, today, period) -> dict:
    return {key: Count("pk", filter=FIGURES[key].condition(today, period)) for key in figure_keys}


# ---------------------------------------------------------------------------------------------
# Dashboard aggregates: a fixed handful of queries whatever the data size
# ---------------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything the dashboard page and the periodic report show, from one pass."""

    figures: dict[str, int]
    units: list[dict]
    fields: list[dict]
    trend: list[dict]


UNIT_TABLE_SESSION_KEYS = ["sessions_held", "notices_on_time", "notices_late", "notices_overdue"]


def dashboard_data(
    user, unit: Unit, period: Period, today: dt.date | None = None, *, predecessors: bool = False
) -> Dashboard:
    """Key figures, per-unit table, field table and monthly trend in a fixed handful of queries.

    Sessions and petitions are each counted by *one* grouped query (by organising unit and
    month for sessions; by responsible unit, field and month for petitions) with every figure's
    ``Count(filter=condition)``; the totals, tables and trend are sums of those groups. The
    conditions and base querysets are the drill-down lists' own (``figure_queryset``), so a
    figure always equals the count of its list.

    With ``predecessors`` every figure also counts the predecessors' rows (once), and the table
    by unit lists the predecessors' units as rows of their own (``row["predecessor"]``), after
    the subtree's: a predecessor's figures are never added into a successor's row.
    """
    today = today or timezone.localdate()
    months = period.months()
    preds = _preds(user, unit, predecessors)
    with_preds = preds is not None
    # Tuples (group columns..., counts in key order) rather than dicts: a province has a few
    # thousand groups, summed below.
    session_groups = (
        sessions_base(user, unit, period, today, predecessors=with_preds)
        .order_by()
        .annotate(bucket=_month_bucket("held_on", months))
        .values("organising_unit_id", "bucket")
        .annotate(**_counts(SESSION_KEYS, today, period))
        .values_list("organising_unit_id", "bucket", *SESSION_KEYS)
    )
    petition_groups = (
        petitions_base(user, unit, period, today, predecessors=with_preds)
        .annotate(bucket=_month_bucket("session__held_on", months))
        .values("assigned_unit_id", "field_id", "field__name", "bucket")
        .annotate(**_counts(PETITION_KEYS, today, period))
        .order_by("field__name", "field_id")
        .values_list("assigned_unit_id", "field_id", "field__name", "bucket", *PETITION_KEYS)
    )
    units_row = (
        units_base(user, unit, period, today, predecessors=with_preds)
        .order_by()
        .aggregate(**_counts(UNIT_KEYS, today, period))
    )
    others = figure_counts(
        user,
        [k for model in OTHER_MODELS for k in KEYS_OF[model]],
        unit,
        period,
        today=today,
        predecessors=with_preds,
    )

    n_months = len(months)
    session_total = [0] * len(SESSION_KEYS)
    session_by_unit: dict[int, list[int]] = {}
    session_trend = [[0] * len(SESSION_KEYS) for _ in months]
    for unit_id, bucket, *counts in session_groups:
        _add(session_total, counts)
        _add(session_by_unit.setdefault(unit_id, [0] * len(SESSION_KEYS)), counts)
        if 0 <= bucket < n_months:
            _add(session_trend[bucket], counts)
    petition_total = [0] * len(PETITION_KEYS)
    petition_by_unit: dict[int, list[int]] = {}
    petition_by_field: dict[int | None, list] = {}
    petition_trend = [[0] * len(PETITION_KEYS) for _ in months]
    for unit_id, field_id, field_name, bucket, *counts in petition_groups:
        _add(petition_total, counts)
        if unit_id is not None:
            _add(petition_by_unit.setdefault(unit_id, [0] * len(PETITION_KEYS)), counts)
        _add(petition_by_field.setdefault(field_id, [field_name, [0] * len(PETITION_KEYS)])[1], counts)
        if 0 <= bucket < n_months:
            _add(petition_trend[bucket], counts)

    figures = {
        **dict(zip(SESSION_KEYS, session_total)),
        **dict(zip(PETITION_KEYS, petition_total)),
        **units_row,
        **others,
    }
    figures = {key: figures.get(key, 0) for key in FIGURES}
    trend = [
        {"period": m, **_pick(SESSION_KEYS, s, TREND_SESSION_KEYS), **_pick(PETITION_KEYS, p, TREND_PETITION_KEYS)}
        for m, s, p in zip(months, session_trend, petition_trend)
    ]
    by_unit: dict[int, dict] = {}
    for unit_id, counts in session_by_unit.items():
        by_unit[unit_id] = _pick(SESSION_KEYS, counts, UNIT_TABLE_SESSION_KEYS)
    for unit_id, counts in petition_by_unit.items():
        by_unit.setdefault(unit_id, {}).update(_pick(PETITION_KEYS, counts, UNIT_TABLE_KEYS))
    units = Unit.objects.filter(pk__in=list(by_unit)).select_related("kind").only("name", "path", "level", "kind__name")
    unit_rows = []
    for u in units:
        row = dict.fromkeys(UNIT_TABLE_SESSION_KEYS + UNIT_TABLE_KEYS, 0)
        row.update(by_unit[u.pk])
        row.update(unit=u, on_time_rate=on_time_rate(row))
        if with_preds:
            row["predecessor"] = u.pk in preds.unit_ids
        unit_rows.append(row)
    unit_rows.sort(key=unit_row_order)
    field_rows = []
    for field_id, (field_name, counts) in petition_by_field.items():
        row = {"field_id": field_id, "field__name": field_name, **_pick(PETITION_KEYS, counts, FIELD_TABLE_KEYS)}
        row["field_param"] = field_id if field_id is not None else "none"
        row["on_time_rate"] = on_time_rate(row)
        field_rows.append(row)
    return Dashboard(figures=figures, units=unit_rows, fields=field_rows, trend=trend)


def unit_row_order(row: dict) -> tuple[bool, str]:
    """The table by unit in tree order, the predecessors' units after the subtree's."""
    return row.get("predecessor", False), row["unit"].path


def _add(total: list[int], counts) -> None:
    for i, n in enumerate(counts):
        total[i] += n


def _pick(keys: list[str], counts: list[int], wanted: list[str]) -> dict[str, int]:
    return {key: n for key, n in zip(keys, counts) if key in wanted}


def on_time_rate(row: dict) -> float | None:
    """Share of answered-or-due petitions handled on time: met / (met + late + overdue)."""
    judged = row.get("petitions_on_time", 0) + row.get("petitions_late", 0) + row.get("petitions_overdue", 0)
    return round(100 * row.get("petitions_on_time", 0) / judged, 1) if judged else None


def _month_bucket(field: str, months: list[Period]) -> Case:
    return Case(
        *[When(**{f"{field}__gte": m.start, f"{field}__lte": m.end}, then=Value(i)) for i, m in enumerate(months)],
        default=Value(-1),
        output_field=IntegerField(),
    )


def overdue_by_unit(
    user, unit: Unit, period: Period, today: dt.date | None = None, *, predecessors: bool = False
) -> list[tuple[Unit | None, list[Petition]]]:
    """Overdue petitions (reply or complex-case target) grouped by responsible unit, for the
    periodic report. One query."""
    today = today or timezone.localdate()
    qs = (
        petitions_base(user, unit, period, today, predecessors=predecessors)
        .filter(
            reply_state_conditions(today)[DeadlineState.OVERDUE]
            | complex_state_conditions(today)[DeadlineState.OVERDUE]
        )
        .order_by("assigned_unit__path", "reply_due_on", "id")
    )
    groups: list[tuple[Unit | None, list[Petition]]] = []
    for petition in qs:
        if not groups or groups[-1][0] != petition.assigned_unit:
            groups.append((petition.assigned_unit, []))
        groups[-1][1].append(petition)
    return groups


# ---------------------------------------------------------------------------------------------
# Periodic reports: the figures each unit reports, for many units at once
# ---------------------------------------------------------------------------------------------

# The figures a periodic report states and a compiled report sums, in the order of its tables.
REPORT_KEYS = [
    "sessions_held",
    "sessions_periodic",
    "sessions_ad_hoc",
    "notices_on_time",
    "notices_late",
    "notices_overdue",
    "notices_pending",
    "petitions_received",
    "petitions_clarified",
    "petitions_assigned",
    "petitions_on_time",
    "petitions_late",
    "petitions_overdue",
    "petitions_pending",
    "petitions_replied",
    "petitions_forwarded",
    "petitions_complex",
    "petitions_complex_overdue",
    "petitions_satisfied",
    "petitions_unsatisfied",
    "r1_required",
    "r1_held",
    "r1_missing",
]


def reporting_units_q() -> Q:
    """Units whose heads report periodically: the party committees and People's Committees
    (the same units that must hold a dialogue each year)."""
    return _r1_required_q()


def _ancestor_ids(path: str) -> list[int]:
    """Ids of a unit and its ancestors, read from its materialised path."""
    return [int(part) for part in path.split(".") if part]


def figures_by_unit(
    user, area: Unit, units: list[Unit], period: Period, today: dt.date | None = None
) -> dict[int, dict[str, int]]:
    """``REPORT_KEYS`` for each of ``units`` (units of ``area``'s subtree), each counted over its
    own subtree exactly as its dashboard and its report count them, in four queries whatever the
    number of units.

    The area's sessions, petitions and units are grouped once (by organising unit; by organising
    and responsible unit; per unit) with every figure's ``Count(filter=condition)`` over the same
    base querysets as ``dashboard_data``; each group is then added to every unit of ``units``
    among the ancestors of its unit(s) (read from the materialised paths). A petition counts once
    for a unit even when it was both raised and assigned in its subtree."""
    today = today or timezone.localdate()
    wanted = {u.pk for u in units}
    result = {pk: dict.fromkeys(REPORT_KEYS, 0) for pk in wanted}
    session_keys = [k for k in REPORT_KEYS if FIGURES[k].model == SESSION]
    petition_keys = [k for k in REPORT_KEYS if FIGURES[k].model == PETITION]
    unit_keys = [k for k in REPORT_KEYS if FIGURES[k].model == UNIT]
    session_groups = list(
        sessions_base(user, area, period, today)
        .order_by()
        .values("organising_unit_id")
        .annotate(**_counts(session_keys, today, period))
        .values_list("organising_unit_id", *session_keys)
    )
    petition_groups = list(
        petitions_base(user, area, period, today)
        .order_by()
        .values("session__organising_unit_id", "assigned_unit_id")
        .annotate(**_counts(petition_keys, today, period))
        .values_list("session__organising_unit_id", "assigned_unit_id", *petition_keys)
    )
    unit_rows = list(
        units_base(user, area, period, today)
        .order_by()
        .values("pk", "path")
        .annotate(**_counts(unit_keys, today, period))
        .values_list("path", *unit_keys)
    )
    ids = {row[0] for row in session_groups} | {i for row in petition_groups for i in row[:2] if i}
    paths = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "path")) if ids else {}

    def owners(*unit_ids) -> set[int]:
        found: set[int] = set()
        for unit_id in unit_ids:
            if unit_id in paths:
                found.update(i for i in _ancestor_ids(paths[unit_id]) if i in wanted)
        return found

    for unit_id, *counts in session_groups:
        for owner in owners(unit_id):
            _add_keys(result[owner], session_keys, counts)
    for organiser_id, assigned_id, *counts in petition_groups:
        for owner in owners(organiser_id, assigned_id):
            _add_keys(result[owner], petition_keys, counts)
    for path, *counts in unit_rows:
        for owner in (i for i in _ancestor_ids(path) if i in wanted):
            _add_keys(result[owner], unit_keys, counts)
    return result


def _add_keys(row: dict[str, int], keys: list[str], counts) -> None:
    for key, n in zip(keys, counts):
        row[key] += n
