"""Reads of the periodic-report chain: which reports a user may see or write, the calendar that
applies to a unit, who a report goes to and who acts for a recipient, how the units of a round
stand (on time, late, missing), the compilation at the upper level, and the content (figures
and tables) a report shows, frozen or live.

Access comes from ``units.access`` only: a report is seen by the dashboard roles over its scope
(drafts by its writers and heads only) and by the people of the units it was sent to; a
unit's report is written by the staff over the unit, a compiled report by the staff or the
Mass Mobilisation Board over the locality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from regulations.states import DeadlineState, deadline_state_conditions, state_case
from units.access import DASHBOARD_ROLES, scope_of
from units.models import Leader, Role, Unit
from units.selectors import leaders_in_office_q, units_visible_to

from . import selectors
from .models import (
    PeriodicReport,
    RecipientRole,
    ReportDue,
    ReportingCalendar,
    ReportingRound,
    ReportKind,
    ReportRecipient,
    ReportStatus,
)
from .periods import Period

UNIT_WRITERS = frozenset({Role.STAFF})
COMPILED_WRITERS = frozenset({Role.STAFF, Role.BOARD})
# Who opens the compilation of a locality: its Standing Committee office, heads and Board.
COMPILERS = frozenset({Role.STAFF, Role.LEADER, Role.BOARD})
COMMITTEE_ROLES = (RecipientRole.UPPER_COMMITTEE, RecipientRole.COMMITTEE)
# Which memberships act for which kind of recipient.
ACTS_FOR = {
    Role.STAFF: COMMITTEE_ROLES,
    Role.LEADER: COMMITTEE_ROLES,
    Role.BOARD: (RecipientRole.BOARD,),
    Role.FRONT: (RecipientRole.FRONT,),
}


def ancestor_ids(unit: Unit) -> list[int]:
    """The unit and its ancestors, read from its materialised path (top first)."""
    return [int(part) for part in unit.path.split(".") if part]


# ---------------------------------------------------------------------------------------------
# Scope
# ---------------------------------------------------------------------------------------------


def recipients_acted_for_q(user, prefix: str = "") -> Q:
    """``ReportRecipient`` rows the user acts for (``prefix`` to reach them from another model):
    a membership acts for its own unit, its organisation, or (area roles) a unit directly under
    the area it holds; committee recipients are also the heads' of that committee. Nothing for
    an administrator who holds no membership (the administrator sees everything anyway)."""
    scope = scope_of(user)
    q = Q(pk__in=[]) if not prefix else Q(**{f"{prefix}pk__in": []})
    if not scope.is_authenticated:
        return q
    for m in scope.memberships:
        roles = ACTS_FOR.get(m.role)
        if not roles:
            continue
        units = Q(**{f"{prefix}unit_id": m.unit_id}) | Q(**{f"{prefix}unit__parent_id": m.unit_id})
        if m.organisation_id:
            units |= Q(**{f"{prefix}unit_id": m.organisation_id})
        q |= Q(**{f"{prefix}role__in": roles}) & units
    headed = list(
        Leader.objects.filter(leaders_in_office_q(timezone.localdate()), user=user).values_list("unit_id", flat=True)
    )
    if headed:
        q |= Q(**{f"{prefix}role__in": COMMITTEE_ROLES, f"{prefix}unit_id__in": headed})
    return q


def _reports() -> QuerySet[PeriodicReport]:
    return PeriodicReport.objects.select_related("unit__kind", "scope_unit")


def reports_visible_to(user) -> QuerySet[PeriodicReport]:
    """Issued reports over the user's dashboard scope or sent to a unit the user acts for;
    drafts of a unit's report to its staff and heads, of a compiled report also to the Board."""
    scope = scope_of(user)
    if scope.is_admin:
        return _reports()
    issued = Q(status=ReportStatus.ISSUED)
    sent_to_me = Exists(ReportRecipient.objects.filter(recipients_acted_for_q(user), report=OuterRef("pk")))
    q = issued & (scope.q("scope_unit__path", DASHBOARD_ROLES) | Q(sent_to_me))
    q |= Q(status=ReportStatus.DRAFT, kind=ReportKind.UNIT) & scope.q("scope_unit__path", {Role.STAFF, Role.LEADER})
    q |= Q(status=ReportStatus.DRAFT, kind=ReportKind.COMPILED) & scope.q("scope_unit__path", COMPILERS)
    return _reports().filter(q)


def reports_writable_by(user) -> QuerySet[PeriodicReport]:
    """Reports the user may edit, issue and attach the signed scan to: a unit's report by the
    staff over the unit, a compiled report by the staff or the Board over the locality."""
    scope = scope_of(user)
    q = Q(kind=ReportKind.UNIT) & scope.q("unit__path", UNIT_WRITERS)
    q |= Q(kind=ReportKind.COMPILED) & scope.q("scope_unit__path", COMPILED_WRITERS)
    return _reports().filter(q)


def can_write_report(user, report: PeriodicReport) -> bool:
    scope = scope_of(user)
    if report.kind == ReportKind.UNIT:
        return scope.covers(report.unit, UNIT_WRITERS)
    return scope.covers(report.scope_unit, COMPILED_WRITERS)


def reporting_units_for(user, day: dt.date | None = None) -> QuerySet[Unit]:
    """Units whose report the user may draft: party committees and People's Committees under
    the user's staff scope, active on ``day``."""
    day = day or timezone.localdate()
    return (
        units_visible_to(user, UNIT_WRITERS)
        .filter(selectors.reporting_units_q())
        .filter(
            Q(active_from__isnull=True) | Q(active_from__lte=day), Q(active_to__isnull=True) | Q(active_to__gte=day)
        )
        .order_by("path")
    )


def compilation_areas_for(user) -> QuerySet[Unit]:
    """Localities whose compilation the user may open."""
    return units_visible_to(user, COMPILERS).order_by("depth", "path")


def can_compile(user, area: Unit) -> bool:
    return scope_of(user).covers(area, COMPILED_WRITERS)


def recipients_of_user(user) -> QuerySet[ReportRecipient]:
    """The recipients (of issued reports) the user acts for: the user's inbox of reports."""
    return ReportRecipient.objects.filter(recipients_acted_for_q(user), report__status=ReportStatus.ISSUED)


# ---------------------------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------------------------


def calendar_for(unit: Unit) -> ReportingCalendar | None:
    """The active calendar that applies to ``unit``: its own or its nearest ancestor's."""
    return (
        ReportingCalendar.objects.filter(unit_id__in=ancestor_ids(unit), is_active=True)
        .select_related("unit")
        .order_by("-unit__depth")
        .first()
    )


def calendars_visible_to(user) -> QuerySet[ReportingCalendar]:
    """Calendars over or above the user's dashboard scope (a commune reads its province's)."""
    scope = scope_of(user)
    base = ReportingCalendar.objects.select_related("unit").prefetch_related("entries")
    if scope.is_admin:
        return base.order_by("unit__path")
    paths = scope.dashboard_paths or []
    above = {int(part) for path in paths for part in path.split(".") if part}
    return base.filter(Q(unit_id__in=above) | scope.q("unit__path", DASHBOARD_ROLES)).order_by("unit__path")


def due_days_for(calendar: ReportingCalendar, period_kind: str) -> dict[str, int]:
    """Days after the cut-off within which each level's reports are due (the calendar's entries)."""
    return {e.level: e.due_days for e in calendar.entries.all() if e.period_kind == period_kind}


def round_for(calendar: ReportingCalendar | None, period: Period) -> ReportingRound | None:
    if calendar is None:
        return None
    return ReportingRound.objects.filter(
        calendar=calendar, period_kind=period.kind, period_start=period.start, period_end=period.end
    ).first()


def rounds_standing(user, calendars: list[ReportingCalendar], today: dt.date) -> dict[int, list[dict]]:
    """For each calendar, its rounds (latest first) with how many units in the user's scope owe
    a report, have issued it, and are overdue: one grouped query."""
    if not calendars:
        return {}
    issued = Q(issued_report_exists())
    counts = {
        row["round_id"]: row
        for row in ReportDue.objects.filter(round__calendar__in=calendars, merged_into__isnull=True)
        .filter(scope_of(user).q("unit__path", DASHBOARD_ROLES))
        .values("round_id")
        .annotate(
            required=Count("pk"),
            submitted=Count("pk", filter=issued),
            overdue=Count("pk", filter=Q(due_on__lt=today) & ~issued),
        )
    }
    result: dict[int, list[dict]] = {}
    for round_ in ReportingRound.objects.filter(calendar__in=calendars).order_by("-period_end", "period_kind"):
        row = counts.get(round_.pk, {})
        result.setdefault(round_.calendar_id, []).append(
            {
                "round": round_,
                "required": row.get("required", 0),
                "submitted": row.get("submitted", 0),
                "overdue": row.get("overdue", 0),
            }
        )
    return result


# ---------------------------------------------------------------------------------------------
# Recipients of a unit's report
# ---------------------------------------------------------------------------------------------


def active_on_q(day: dt.date) -> Q:
    """Units active on ``day``."""
    return (Q(active_from__isnull=True) | Q(active_from__lte=day)) & (Q(active_to__isnull=True) | Q(active_to__gte=day))


def report_recipients_for(unit: Unit, day: dt.date) -> list[tuple[Unit, str]]:
    """Where ``unit``'s report goes (the regulation): the Standing Committee of the party
    committee of the level above, the party committee of its own level (when the unit is not
    itself one), the Mass Mobilisation Board of its level for synthesis, and the Front and the
    socio-political organisations of its level for supervision. A unit's level is its parent
    (the locality: province, commune...), the level above its parent's parent."""
    if unit.parent_id is None:
        return []
    parent = Unit.objects.only("parent_id").get(pk=unit.parent_id)
    parents = [unit.parent_id] + ([parent.parent_id] if parent.parent_id else [])
    candidates = (
        Unit.objects.filter(active_on_q(day), parent_id__in=parents)
        .exclude(pk=unit.pk)
        .select_related("kind")
        .order_by("path")
    )
    result = []
    for candidate in candidates:
        kind = candidate.kind
        if candidate.parent_id != unit.parent_id:
            if kind.is_party_committee:
                result.append((candidate, RecipientRole.UPPER_COMMITTEE))
        elif kind.is_party_committee and not unit.kind.is_party_committee:
            result.append((candidate, RecipientRole.COMMITTEE))
        elif kind.receives_mass_mobilisation_reports:
            result.append((candidate, RecipientRole.BOARD))
        elif kind.is_front:
            result.append((candidate, RecipientRole.FRONT))
    order = list(RecipientRole.values)
    return sorted(result, key=lambda pair: order.index(pair[1]))


# ---------------------------------------------------------------------------------------------
# The units of a round and how they stand
# ---------------------------------------------------------------------------------------------


def _unit_reports_matching() -> QuerySet[PeriodicReport]:
    """A unit's report for the due's period (matched on unit, kind and bounds)."""
    return PeriodicReport.objects.filter(
        kind=ReportKind.UNIT,
        unit=OuterRef("unit"),
        period_kind=OuterRef("round__period_kind"),
        period_start=OuterRef("round__period_start"),
        period_end=OuterRef("round__period_end"),
    )


def issued_report_exists() -> Exists:
    """For a ``ReportDue`` row: its unit's report for the period has been issued."""
    return Exists(_unit_reports_matching().filter(status=ReportStatus.ISSUED))


def report_due_conditions(today: dt.date | None = None) -> dict[str, Q]:
    """The deadline states of a due report over ``with_submission``'s ``submitted_on``: met on
    time, met late, overdue (missing), due soon, open."""
    return deadline_state_conditions(due="due_on", done="submitted_on", today=today)


def with_submission(qs: QuerySet[ReportDue], today: dt.date | None = None) -> QuerySet[ReportDue]:
    """Annotate each due with its unit's report (``report_id``, ``report_status``), the day it
    was issued (``submitted_on``) and the state of the obligation (``state``)."""
    reports = _unit_reports_matching()
    return qs.annotate(
        report_id=Subquery(reports.values("pk")[:1]),
        report_status=Subquery(reports.values("status")[:1]),
        submitted_on=Subquery(reports.filter(status=ReportStatus.ISSUED).values("issued_on")[:1]),
    ).annotate(state=state_case(report_due_conditions(today)))


def dues_pending_for(user, today: dt.date | None = None, limit: int = 20) -> list[ReportDue]:
    """Reports the user's units still owe (no issued report yet), most urgent first."""
    today = today or timezone.localdate()
    qs = ReportDue.objects.filter(
        scope_of(user).q("unit__path", UNIT_WRITERS), round__calendar__is_active=True, merged_into__isnull=True
    ).filter(~issued_report_exists())
    return list(with_submission(qs, today).select_related("unit", "round").order_by("due_on", "unit__path")[:limit])


# ---------------------------------------------------------------------------------------------
# The compilation at the upper level
# ---------------------------------------------------------------------------------------------


@dataclass
class Compilation:
    """How the units of a locality stand for a period, and the sums of what they reported.

    ``tables`` is the JSON-ready form a compiled report freezes when issued: one row per unit
    that must report (state, its report, the figures it submitted, its live figures), the totals
    (submitted; live for the same units; live for every unit) and the missing units' names."""

    area: Unit
    period: Period
    calendar: ReportingCalendar | None
    round: ReportingRound | None
    tables: dict = field(default_factory=dict)
    reports: dict[int, PeriodicReport] = field(default_factory=dict)

    @property
    def rows(self) -> list[dict]:
        return self.tables.get("rows", [])

    @property
    def counts(self) -> dict:
        return self.tables.get("counts", {})


SUBMITTED_STATES = (DeadlineState.MET, DeadlineState.MET_LATE)


def compilation(user, area: Unit, period: Period, today: dt.date | None = None) -> Compilation:
    """Every unit of ``area``'s subtree that owes a report for ``period`` with its state, the
    figures its issued report froze beside its live figures (``selectors.figures_by_unit``, the
    same counts as its dashboard), their differences, and the totals. A fixed number of queries
    whatever the number of units."""
    today = today or timezone.localdate()
    calendar = calendar_for(area)
    round_ = round_for(calendar, period)
    result = Compilation(area=area, period=period, calendar=calendar, round=round_)
    if round_ is None:
        result.tables = _tables([], {}, {}, today)
        return result
    dues = list(
        with_submission(
            ReportDue.objects.filter(
                round=round_, unit__path__startswith=area.path, merged_into__isnull=True
            ).select_related("unit__kind"),
            today,
        ).order_by("unit__path")
    )
    report_ids = [d.report_id for d in dues if d.report_id]
    reports = PeriodicReport.objects.select_related("unit__kind").in_bulk(report_ids) if report_ids else {}
    live = selectors.figures_by_unit(user, area, [d.unit for d in dues], period, today) if dues else {}
    result.reports = reports
    result.tables = _tables(dues, reports, live, today)
    return result


def _tables(dues: list[ReportDue], reports: dict, live: dict, today: dt.date) -> dict:
    keys = selectors.REPORT_KEYS
    rows = []
    totals = {name: dict.fromkeys(keys, 0) for name in ("submitted", "live_submitted", "live_all")}
    counts = dict.fromkeys(["required", "submitted", "on_time", "late", "missing", "not_due", "draft"], 0)
    for due in dues:
        report = reports.get(due.report_id)
        issued = report is not None and report.is_issued
        submitted = {k: (report.figures or {}).get(k) for k in keys} if issued else None
        live_row = live.get(due.unit_id, dict.fromkeys(keys, 0))
        differences = {}
        if submitted is not None:
            for k in keys:
                if submitted[k] is not None and submitted[k] != live_row[k]:
                    differences[k] = live_row[k] - submitted[k]
                totals["submitted"][k] += submitted[k] or 0
                totals["live_submitted"][k] += live_row[k]
        for k in keys:
            totals["live_all"][k] += live_row[k]
        counts["required"] += 1
        if due.state == DeadlineState.MET:
            counts["on_time"] += 1
        elif due.state == DeadlineState.MET_LATE:
            counts["late"] += 1
        elif due.state == DeadlineState.OVERDUE:
            counts["missing"] += 1
        else:
            counts["not_due"] += 1
        if report is not None and not issued:
            counts["draft"] += 1
        rows.append(
            {
                "unit_id": due.unit_id,
                "unit": due.unit.name,
                "level": due.unit.get_level_display(),
                "due_on": due.due_on.isoformat(),
                "state": due.state,
                "report_id": report.pk if issued else None,
                "draft": report is not None and not issued,
                "reference": report.reference if issued else "",
                "issued_on": report.issued_on.isoformat() if issued else None,
                "submitted": submitted,
                "live": live_row,
                "differences": differences,
            }
        )
    counts["submitted"] = counts["on_time"] + counts["late"]
    missing = [r["unit"] for r in rows if r["state"] == DeadlineState.OVERDUE]
    differences = {
        k: totals["live_submitted"][k] - totals["submitted"][k]
        for k in keys
        if totals["live_submitted"][k] != totals["submitted"][k]
    }
    return {
        "as_of": today.isoformat(),
        "rows": rows,
        "totals": totals,
        "differences": differences,
        "counts": counts,
        "missing": missing,
    }


# ---------------------------------------------------------------------------------------------
# What a report shows: its figures and tables, frozen when issued, live while a draft
# ---------------------------------------------------------------------------------------------


UNIT_ROW_KEYS = ["sessions_held", "notices_on_time", "notices_late", "notices_overdue", *selectors.UNIT_TABLE_KEYS]


def unit_report_tables(dashboard: selectors.Dashboard) -> dict:
    """The annex tables of a unit's report (by responsible unit, by field), JSON-ready."""
    units = [
        {"unit_id": row["unit"].pk, "unit": row["unit"].name, **{k: row[k] for k in UNIT_ROW_KEYS},
         "on_time_rate": row["on_time_rate"]}
        for row in dashboard.units
    ]  # fmt: skip
    fields = [
        {"field": row["field__name"] or "", **{k: row[k] for k in selectors.FIELD_TABLE_KEYS},
         "on_time_rate": row["on_time_rate"]}
        for row in sorted(dashboard.fields, key=lambda r: (r["field__name"] is None, r["field__name"] or ""))
    ]  # fmt: skip
    return {"units": units, "fields": fields}


@dataclass
class ReportContent:
    """The figures and tables a report states: frozen ones once issued, live ones for a draft;
    ``live`` holds the current figures of the same computation (to compare with frozen ones)."""

    figures: dict
    tables: dict
    live: dict
    frozen: bool
    r1_missing: list[str] = field(default_factory=list)

    def comparison(self) -> list[dict]:
        """One row per reported figure: what the report says, the live figure, the difference."""
        rows = []
        for key in selectors.REPORT_KEYS:
            stated, now = self.figures.get(key), self.live.get(key)
            rows.append(
                {
                    "key": key,
                    "label": selectors.FIGURES[key].label,
                    "stated": stated,
                    "live": now,
                    "difference": (now - stated) if self.frozen and stated is not None and now is not None else 0,
                }
            )
        return rows

    @property
    def has_differences(self) -> bool:
        return any(row["difference"] for row in self.comparison())


def live_content(user, report: PeriodicReport, today: dt.date | None = None) -> tuple[dict, dict, list[str]]:
    """The figures and tables ``report`` would state if issued now (the same computation as
    issuing), and the names of the units of its scope that held no dialogue this year."""
    today = today or timezone.localdate()
    period = report.period
    if report.kind == ReportKind.COMPILED:
        data = compilation(user, report.scope_unit, period, today)
        return dict(data.tables["totals"]["submitted"]), data.tables, []
    dashboard = selectors.dashboard_data(user, report.scope_unit, period, today)
    missing = list(
        selectors.figure_queryset(user, "r1_missing", report.scope_unit, period, today=today)
        .order_by("path")
        .values_list("name", flat=True)[:50]
    )
    return dict(dashboard.figures), unit_report_tables(dashboard), missing


def report_content(user, report: PeriodicReport, today: dt.date | None = None, *, live: bool = True) -> ReportContent:
    """What ``report`` states: an issued report's frozen figures and tables, with the live
    figures beside them when ``live``; a draft's live ones."""
    if report.is_issued:
        frozen_tables = report.tables or {}
        return ReportContent(
            figures=report.figures or {},
            tables=frozen_tables,
            live=live_content(user, report, today)[0] if live else {},
            frozen=True,
            r1_missing=frozen_tables.get("r1_missing", []),
        )
    figures, tables, missing = live_content(user, report, today)
    return ReportContent(figures=figures, tables=tables, live=figures, frozen=False, r1_missing=missing)
