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

from django.conf import settings
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.web import parse_id
from petitions.models import Assessment, Forwarding, Petition, PetitionStatus
from petitions.selectors import (
    complex_state_conditions,
    forward_state_conditions,
    petitions_visible_to,
    reply_state_conditions,
    supplementary_state_conditions,
)
from regulations.states import DeadlineState
from sessions.models import DialogueSession, SessionKind
from sessions.selectors import notice_state_conditions, sessions_visible_to
from units.access import scope_of
from units.models import Unit, UnitLevel
from units.selectors import dashboard_units, unit_ids_of_subtree

from .periods import Period

SESSION = "session"
PETITION = "petition"
UNIT = "unit"


@dataclass(frozen=True)
class Figure:
    key: str
    model: str
    label: str
    # (today, period) -> Q over the model's base queryset
    condition: Callable[[dt.date, Period], Q]
    group: str = ""


def _r1_required_q() -> Q:
    """Units that must hold a dialogue each year (R1): party committees and People's Committees."""
    codes = getattr(settings, "R1_UNIT_KIND_CODES", ("peoples_committee",))
    return Q(kind__is_party_committee=True) | Q(kind__code__in=codes)


def _r1_active_q(period: Period) -> Q:
    year_start, year_end = dt.date(period.r1_year, 1, 1), dt.date(period.r1_year, 12, 31)
    return (Q(active_from__isnull=True) | Q(active_from__lte=year_end)) & (
        Q(active_to__isnull=True) | Q(active_to__gte=year_start)
    )


def _r1_held_exists(today: dt.date, period: Period) -> Exists:
    """A dialogue held this calendar year, up to the end of the period (and not after today)."""
    until = min(period.end, today)
    return Exists(
        DialogueSession.objects.filter(
            organising_unit=OuterRef("pk"),
            withdrawn_at__isnull=True,
            held_on__gte=dt.date(period.r1_year, 1, 1),
            held_on__lte=until,
        )
    )


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
    ]
    return {f.key: f for f in figures}


FIGURES = _build_figures()
SESSION_KEYS = [k for k, f in FIGURES.items() if f.model == SESSION]
PETITION_KEYS = [k for k, f in FIGURES.items() if f.model == PETITION]
UNIT_KEYS = [k for k, f in FIGURES.items() if f.model == UNIT]
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


def can_see_dashboards(user) -> bool:
    return scope_of(user).can_see_dashboards


# ---------------------------------------------------------------------------------------------
# Base querysets (scope ∩ subtree ∩ period) and the one function behind every figure
# ---------------------------------------------------------------------------------------------


def _held_until(period: Period, today: dt.date) -> dt.date:
    return min(period.end, today)


def sessions_base(user, unit: Unit, period: Period, today: dt.date) -> QuerySet[DialogueSession]:
    """Sessions held in the period (not in the future, not withdrawn) by units of the subtree."""
    return sessions_visible_to(user).filter(
        organising_unit__path__startswith=unit.path,
        withdrawn_at__isnull=True,
        held_on__gte=period.start,
        held_on__lte=_held_until(period, today),
    )


def petitions_base(user, unit: Unit, period: Period, today: dt.date) -> QuerySet[Petition]:
    """Petitions raised at sessions held in the period, organised in the subtree or assigned to
    a unit of it; withdrawn petitions and sessions are left out.

    The subtree's units and its sessions of the period are resolved first (two small indexed
    queries) and the petitions filtered on those literal id lists: both sides of the OR are then
    petition columns with an index, which PostgreSQL combines (``BitmapOr``). Filtering on the
    two joined units' paths instead made it read every session of the period in the country
    and all their petitions, whatever the size of the subtree (~200 ms at 1,000,000 petitions).
    """
    until = _held_until(period, today)
    unit_ids = unit_ids_of_subtree(unit)
    session_ids = list(
        DialogueSession.objects.filter(
            organising_unit_id__in=unit_ids, withdrawn_at__isnull=True, held_on__gte=period.start, held_on__lte=until
        ).values_list("pk", flat=True)
    )
    return (
        petitions_visible_to(user)
        .filter(
            Q(session_id__in=session_ids) | Q(assigned_unit_id__in=unit_ids),
            session__withdrawn_at__isnull=True,
            session__held_on__gte=period.start,
            session__held_on__lte=until,
        )
        .exclude(status=PetitionStatus.WITHDRAWN)
    )


def units_base(user, unit: Unit, period: Period, today: dt.date) -> QuerySet[Unit]:
    """Units of the subtree that must hold a dialogue (R1) and were active in the year."""
    return dashboard_units(user).filter(path__startswith=unit.path).filter(_r1_required_q(), _r1_active_q(period))


_BASES = {SESSION: sessions_base, PETITION: petitions_base, UNIT: units_base}


def figure_queryset(
    user,
    key: str,
    unit: Unit,
    period: Period,
    *,
    today: dt.date | None = None,
    by_unit: int | None = None,
    field: int | str | None = None,
) -> QuerySet:
    """The rows behind figure ``key``: the drill-down list. ``by_unit`` narrows to one row of
    the per-unit table (responsible unit for petitions, organising unit for sessions);
    ``field`` to one row of the field breakdown (``"none"`` for petitions without a field).
    Raises ``KeyError`` for an unknown key."""
    figure = FIGURES[key]
    today = today or timezone.localdate()
    qs = _BASES[figure.model](user, unit, period, today).filter(figure.condition(today, period))
    if by_unit is not None:
        qs = qs.filter(**{_GROUP_FIELD[figure.model]: by_unit})
    if field is not None and figure.model == PETITION:
        qs = qs.filter(field__isnull=True) if field == "none" else qs.filter(field_id=field)
    return qs


_GROUP_FIELD = {SESSION: "organising_unit_id", PETITION: "assigned_unit_id", UNIT: "pk"}


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


def dashboard_data(user, unit: Unit, period: Period, today: dt.date | None = None) -> Dashboard:
    """Key figures, per-unit table, field table and monthly trend in a fixed handful of queries.

    Sessions and petitions are each counted by *one* grouped query (by organising unit and
    month for sessions; by responsible unit, field and month for petitions) with every figure's
    ``Count(filter=condition)``; the totals, tables and trend are sums of those groups. The
    conditions and base querysets are the drill-down lists' own (``figure_queryset``), so a
    figure always equals the count of its list.
    """
    today = today or timezone.localdate()
    months = period.months()
    # Tuples (group columns..., counts in key order) rather than dicts: a province has a few
    # thousand groups, summed below.
    session_groups = (
        sessions_base(user, unit, period, today)
        .order_by()
        .annotate(bucket=_month_bucket("held_on", months))
        .values("organising_unit_id", "bucket")
        .annotate(**_counts(SESSION_KEYS, today, period))
        .values_list("organising_unit_id", "bucket", *SESSION_KEYS)
    )
    petition_groups = (
        petitions_base(user, unit, period, today)
        .annotate(bucket=_month_bucket("session__held_on", months))
        .values("assigned_unit_id", "field_id", "field__name", "bucket")
        .annotate(**_counts(PETITION_KEYS, today, period))
        .order_by("field__name", "field_id")
        .values_list("assigned_unit_id", "field_id", "field__name", "bucket", *PETITION_KEYS)
    )
    units_row = units_base(user, unit, period, today).order_by().aggregate(**_counts(UNIT_KEYS, today, period))

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

    figures = {**dict(zip(SESSION_KEYS, session_total)), **dict(zip(PETITION_KEYS, petition_total)), **units_row}
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
        unit_rows.append(row)
    unit_rows.sort(key=lambda r: r["unit"].path)
    field_rows = []
    for field_id, (field_name, counts) in petition_by_field.items():
        row = {"field_id": field_id, "field__name": field_name, **_pick(PETITION_KEYS, counts, FIELD_TABLE_KEYS)}
        row["field_param"] = field_id if field_id is not None else "none"
        row["on_time_rate"] = on_time_rate(row)
        field_rows.append(row)
    return Dashboard(figures=figures, units=unit_rows, fields=field_rows, trend=trend)


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
    user, unit: Unit, period: Period, today: dt.date | None = None
) -> list[tuple[Unit | None, list[Petition]]]:
    """Overdue petitions (reply or complex-case target) grouped by responsible unit, for the
    periodic report. One query."""
    today = today or timezone.localdate()
    qs = (
        petitions_base(user, unit, period, today)
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
