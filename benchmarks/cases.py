"""The measured cases: each page (server time through Django's test ``Client``, SQL queries
counted) or job, beside a minimal hand-written SQL query returning the same figures or rows.

The baselines are the database's own limit for the same answer: plain ``cursor.execute``, no
scoping redundancy, no ORM, no template. Where a subtree is "organised in it OR assigned to it",
the baseline resolves the subtree's units (and sessions) inside the statement
(``= ANY(ARRAY(SELECT ...))``) so that PostgreSQL combines two index scans, the fastest shape
found; ``LIKE 'prefix%'`` on both joined units instead reads the whole country's period.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from notifications.engine import deadlines_enforce, stages_for
from reports.periods import current_period
from units.models import Unit

from .dataset import Built


@dataclass
class Result:
    case: str
    runs_ms: list[float]
    queries: int
    baseline_runs_ms: list[float]
    note: str = ""
    detail: dict = field(default_factory=dict)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms)

    @property
    def baseline_ms(self) -> float:
        return statistics.median(self.baseline_runs_ms)

    @property
    def ratio(self) -> float:
        return self.median_ms / self.baseline_ms if self.baseline_ms else float("inf")


def _timed(fn: Callable, repeat: int) -> tuple[list[float], object]:
    fn()  # warm-up: connection, caches, plans
    runs, value = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        runs.append((time.perf_counter() - started) * 1000)
    return runs, value


def _timed_cpu(fn: Callable, repeat: int) -> tuple[list[float], list[float]]:
    """Wall and CPU time of this process (``time.process_time``: Python's own work, without
    PostgreSQL's and without the waits of a machine shared with other programs)."""
    fn()
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def _sql(query: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


# ---------------------------------------------------------------------------------------------
# Baselines
# ---------------------------------------------------------------------------------------------

_PETITION_COUNTS = """
    count(*) AS received,
    count(*) FILTER (WHERE p.status = 'clarified') AS clarified,
    count(*) FILTER (WHERE p.assigned_on IS NOT NULL) AS assigned,
    count(*) FILTER (WHERE p.responded_on <= p.reply_due_on) AS on_time,
    count(*) FILTER (WHERE p.responded_on > p.reply_due_on) AS late,
    count(*) FILTER (WHERE p.responded_on IS NULL AND p.reply_due_on < %(today)s) AS overdue,
    count(*) FILTER (WHERE p.responded_on IS NULL AND p.reply_due_on >= %(today)s) AS pending,
    count(*) FILTER (WHERE p.final_replied_on IS NOT NULL) AS replied,
    count(*) FILTER (WHERE EXISTS (SELECT 1 FROM petitions_forwarding fw WHERE fw.petition_id = p.id)) AS forwarded,
    count(*) FILTER (WHERE p.complex_target_on IS NOT NULL) AS complex,
    count(*) FILTER (WHERE p.final_replied_on IS NULL AND p.complex_target_on < %(today)s) AS complex_overdue,
    count(*) FILTER (WHERE p.final_replied_on IS NULL AND p.complex_target_on IS NULL
                     AND p.forward_due_on < %(today)s) AS forward_overdue,
    count(*) FILTER (WHERE p.assessment = 'satisfied') AS satisfied,
    count(*) FILTER (WHERE p.assessment = 'unsatisfied') AS unsatisfied,
    count(*) FILTER (WHERE p.reopened_on IS NOT NULL) AS reopened,
    count(*) FILTER (WHERE p.supplementary_replied_on IS NULL AND p.supplementary_due_on < %(today)s)
        AS supplementary_overdue,
    count(*) FILTER (WHERE p.status = 'closed') AS closed,
    count(*) FILTER (WHERE p.status = 'closed' AND p.close_reason <> '') AS closed_by_staff
"""
PETITION_COUNT_KEYS = [
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
    "petitions_forward_overdue",
    "petitions_satisfied",
    "petitions_unsatisfied",
    "petitions_reopened",
    "petitions_supplementary_overdue",
    "petitions_closed",
    "petitions_closed_by_staff",
]

_SUBTREE_UNITS = "ARRAY(SELECT id FROM dialogue_sessions_unit WHERE path LIKE %(prefix)s)"
# Petitions of sessions organised in the subtree during the period, or assigned to a unit of it.
_SUBTREE_PETITIONS = f"""(p.session_id = ANY(ARRAY(
        SELECT s2.id FROM dialogue_sessions_dialoguesession s2
        WHERE s2.organising_unit_id = ANY({_SUBTREE_UNITS}) AND s2.withdrawn_at IS NULL
          AND s2.held_on BETWEEN %(start)s AND %(until)s))
     OR p.assigned_unit_id = ANY({_SUBTREE_UNITS}))"""

_DASHBOARD_PETITIONS = f"""
SELECT p.assigned_unit_id, p.field_id,
       (extract(year FROM age(s.held_on, %(start)s)) * 12 + extract(month FROM age(s.held_on, %(start)s)))::int AS bucket,
       {_PETITION_COUNTS}
FROM petitions_petition p
JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
WHERE {_SUBTREE_PETITIONS}
  AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(start)s AND %(until)s
  AND p.status <> 'withdrawn'
GROUP BY 1, 2, 3
"""

_DASHBOARD_SESSIONS = """
SELECT s.organising_unit_id, ou.level, s.kind,
       (extract(year FROM age(s.held_on, %(start)s)) * 12 + extract(month FROM age(s.held_on, %(start)s)))::int AS bucket,
       count(*),
       count(*) FILTER (WHERE s.notice_issued_on <= s.notice_due_on),
       count(*) FILTER (WHERE s.notice_issued_on > s.notice_due_on),
       count(*) FILTER (WHERE s.notice_issued_on IS NULL AND s.notice_due_on < %(today)s),
       count(*) FILTER (WHERE s.notice_issued_on IS NULL AND s.notice_due_on >= %(today)s),
       count(*) FILTER (WHERE s.planned_item_id IS NULL)
FROM dialogue_sessions_dialoguesession s
JOIN dialogue_sessions_unit ou ON ou.id = s.organising_unit_id
WHERE ou.path LIKE %(prefix)s AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(start)s AND %(until)s
GROUP BY 1, 2, 3, 4
"""

_BOUND_ACTIVE = """k.bound_by_dialogue_rule
  AND (u.active_from IS NULL OR u.active_from <= %(bound_end)s) AND (u.active_to IS NULL OR u.active_to >= %(year_start)s)"""
# Units bound by R1 and active in the dialogue year: required, held, without an issued plan.
_DASHBOARD_UNITS = f"""
SELECT count(*),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM dialogue_sessions_dialoguesession s
           WHERE s.organising_unit_id = u.id AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(year_start)s AND %(until)s)),
       count(*) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM dialogue_sessions_dialogueplan pl
           WHERE pl.unit_id = u.id AND pl.year = %(r1_year)s AND pl.status = 'issued'))
FROM dialogue_sessions_unit u JOIN dialogue_sessions_unitkind k ON k.id = u.kind_id
WHERE u.path LIKE %(prefix)s AND {_BOUND_ACTIVE.replace("%(bound_end)s", "%(year_end)s")}
"""
# The heads bound by the rule (each term a row) in the dialogue year until today, and those who
# chaired a dialogue in it.
_DASHBOARD_HEADS = f"""
SELECT count(*),
       count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM dialogue_sessions_dialoguesession s
           WHERE s.chair_id = l.id AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(year_start)s AND %(until)s))
FROM dialogue_sessions_leader l
JOIN dialogue_sessions_unit u ON u.id = l.unit_id JOIN dialogue_sessions_unitkind k ON k.id = u.kind_id
WHERE u.path LIKE %(prefix)s AND {_BOUND_ACTIVE}
  AND l.term_start <= %(bound_end)s AND (l.term_end IS NULL OR l.term_end >= %(year_start)s)
"""

_UNIT_NAMES = "SELECT id, name, path FROM dialogue_sessions_unit WHERE id = ANY(%s)"
_FIELD_NAMES = "SELECT id, name FROM petitions_field"


def dashboard_baseline(unit: Unit, today: dt.date, period=None) -> dict[str, int]:
    """Every figure of the dashboard page (key figures, per-unit table, fields, monthly trend)
    from three grouped scans, summed in Python. Returns the key figures."""
    from regulations.years import dialogue_year_bounds

    period = period or current_period(today=today)
    year_start, year_end = dialogue_year_bounds(period.r1_year)
    params = {
        "prefix": unit.path + "%",
        "start": period.start,
        "until": min(period.end, today),
        "today": today,
        "year_start": year_start,
        "year_end": year_end,
        "bound_end": min(year_end, today),
        "r1_year": period.r1_year,
    }
    figures: dict[str, int] = defaultdict(int)
    by_unit: dict[int, list[int]] = defaultdict(lambda: [0] * len(PETITION_COUNT_KEYS))
    by_field: dict[int | None, list[int]] = defaultdict(lambda: [0] * len(PETITION_COUNT_KEYS))
    trend: dict[int, list[int]] = defaultdict(lambda: [0] * len(PETITION_COUNT_KEYS))
    for unit_id, field_id, bucket, *counts in _sql(_DASHBOARD_PETITIONS, params):
        for i, n in enumerate(counts):
            figures[PETITION_COUNT_KEYS[i]] += n
            if unit_id is not None:
                by_unit[unit_id][i] += n
            by_field[field_id][i] += n
            trend[bucket][i] += n
    sessions_by_unit: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for unit_id, level, kind, _bucket, *counts, unplanned in _sql(_DASHBOARD_SESSIONS, params):
        held, on_time, late, overdue, pending = counts
        figures["sessions_unplanned"] += unplanned
        figures["sessions_held"] += held
        figures[f"sessions_{kind}"] += held
        figures[f"sessions_level_{level}"] += held
        figures["notices_on_time"] += on_time
        figures["notices_late"] += late
        figures["notices_overdue"] += overdue
        figures["notices_pending"] += pending
        for i, n in enumerate(counts):
            sessions_by_unit[unit_id][i] += n
    ((required, held, plans_missing),) = _sql(_DASHBOARD_UNITS, params)
    figures.update(r1_required=required, r1_held=held, r1_missing=required - held, plans_missing=plans_missing)
    ((bound, chaired),) = _sql(_DASHBOARD_HEADS, params)
    figures.update(heads_bound=bound, heads_held=chaired, heads_not_held=bound - chaired)
    _sql(_UNIT_NAMES, [list(set(by_unit) | set(sessions_by_unit))])
    _sql(_FIELD_NAMES, [])
    return dict(figures)


_DEADLINE_SQL = {
    "notice": """
SELECT s.id, s.notice_due_on, ou.name, ou.parent_id, s.chair_id
FROM dialogue_sessions_dialoguesession s JOIN dialogue_sessions_unit ou ON ou.id = s.organising_unit_id
WHERE s.notice_issued_on IS NULL AND s.withdrawn_at IS NULL AND s.held_on <= %(today)s
  AND s.notice_due_on <= %(latest)s
  AND NOT EXISTS (SELECT 1 FROM petitions_notification n
                  WHERE n.obligation = 'notice' AND n.object_id = s.id AND n.stage = (%(stage)s))
""",
    "reply": """
SELECT p.id, p.reply_due_on, p.assigned_unit_id, s.organising_unit_id
FROM petitions_petition p JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
WHERE p.status = 'assigned' AND p.responded_on IS NULL AND p.assigned_unit_id IS NOT NULL AND s.withdrawn_at IS NULL
  AND p.reply_due_on <= %(latest)s
  AND NOT EXISTS (SELECT 1 FROM petitions_notification n
                  WHERE n.obligation = 'reply' AND n.object_id = p.id AND n.stage = (%(stage)s))
""",
    "complex": """
SELECT p.id, p.complex_target_on, p.responsible_unit_id, c.id
FROM petitions_petition p JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
JOIN LATERAL (SELECT id FROM petitions_complexcasenotice c WHERE c.petition_id = p.id
              ORDER BY notified_on DESC, id DESC LIMIT 1) c ON true
WHERE p.status = 'complex' AND p.final_replied_on IS NULL AND p.responsible_unit_id IS NOT NULL
  AND s.withdrawn_at IS NULL
  AND p.complex_target_on <= %(latest)s
  AND NOT EXISTS (SELECT 1 FROM petitions_notification n
                  WHERE n.obligation = 'complex' AND n.object_id = c.id AND n.stage = (%(stage)s))
""",
    "forwarded": """
SELECT fw.id, fw.due_on, fw.to_unit_id, s.organising_unit_id
FROM petitions_forwarding fw JOIN petitions_petition p ON p.id = fw.petition_id
JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
WHERE fw.answered_on IS NULL AND fw.due_on IS NOT NULL AND p.status = 'forwarded'
  AND p.responsible_unit_id = fw.to_unit_id AND s.withdrawn_at IS NULL AND fw.due_on <= %(latest)s
  AND NOT EXISTS (SELECT 1 FROM petitions_notification n
                  WHERE n.obligation = 'forwarded' AND n.object_id = fw.id AND n.stage = (%(stage)s))
""",
    "supplementary": """
SELECT r.id, r.due_on, r.unit_id, s.organising_unit_id
FROM petitions_supplementaryrequest r JOIN petitions_petition p ON p.id = r.petition_id
JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
WHERE r.replied_on IS NULL AND p.status = 'supplementary' AND s.withdrawn_at IS NULL AND r.due_on <= %(latest)s
  AND NOT EXISTS (SELECT 1 FROM petitions_notification n
                  WHERE n.obligation = 'supplementary' AND n.object_id = r.id AND n.stage = (%(stage)s))
""",
    "coordination": """
SELECT c.id, p.reply_due_on, c.unit_id
FROM petitions_coordination c JOIN petitions_petition p ON p.id = c.petition_id
JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
WHERE c.contributed_on IS NULL AND p.status IN ('assigned', 'complex', 'forwarded', 'supplementary')
  AND p.reply_due_on IS NOT NULL AND s.withdrawn_at IS NULL AND p.reply_due_on <= %(latest)s
  AND NOT EXISTS (SELECT 1 FROM petitions_notification n
                  WHERE n.obligation = 'coordination' AND n.object_id = c.id AND n.stage = (%(stage)s))
""",
}


def _stage_sql(due: str, today: dt.date, reminder_days) -> tuple[str, dt.date]:
    """A CASE giving the stage of an obligation due on ``due`` today (as the job defines it)."""
    whens = []
    for stage in stages_for(reminder_days):
        conds = []
        if stage.min_left is not None:
            conds.append(f"{due} >= DATE '{today + dt.timedelta(days=stage.min_left)}'")
        if stage.max_left is not None:
            conds.append(f"{due} <= DATE '{today + dt.timedelta(days=stage.max_left)}'")
        whens.append(f"WHEN {' AND '.join(conds)} THEN '{stage.name}'")
    latest = today + dt.timedelta(days=max(int(d) for d in reminder_days))
    return "CASE " + " ".join(whens) + " END", latest


def deadlines_baseline(today: dt.date) -> int:
    """The obligations that reach a stage today and have no notification for it: one query per
    obligation (the job also builds texts, finds recipients and inserts the rows)."""
    from django.conf import settings

    found = 0
    for obligation, due, days in (
        ("notice", "s.notice_due_on", settings.NOTICE_REMINDER_DAYS),
        ("reply", "p.reply_due_on", settings.REPLY_REMINDER_DAYS),
        ("complex", "p.complex_target_on", settings.REPLY_REMINDER_DAYS),
        ("forwarded", "fw.due_on", settings.REPLY_REMINDER_DAYS),
        ("supplementary", "r.due_on", settings.REPLY_REMINDER_DAYS),
        ("coordination", "p.reply_due_on", settings.REPLY_REMINDER_DAYS),
    ):
        stage, latest = _stage_sql(due, today, days)
        query = _DEADLINE_SQL[obligation].replace("%(stage)s", stage)
        found += len(_sql(query, {"today": today, "latest": latest}))
    return found


_ROUND_REPORTS = """
SELECT d.unit_id, d.due_on, r.id, r.issued_on, r.figures
FROM reports_reportdue d
JOIN reports_reportinground g ON g.id = d.round_id
JOIN dialogue_sessions_unit u ON u.id = d.unit_id
LEFT JOIN reports_periodicreport r ON r.unit_id = d.unit_id AND r.kind = 'unit' AND r.status = 'issued'
     AND r.period_kind = g.period_kind AND r.period_start = g.period_start AND r.period_end = g.period_end
WHERE d.round_id = %(round)s AND u.path LIKE %(prefix)s
"""


def compilation_baseline(unit: Unit, period, round_id: int, today: dt.date) -> int:
    """The province's figures of the period (the dashboard's three grouped scans) and its units'
    submitted reports in one join: what the compilation reads, without splitting the figures
    by reporting unit."""
    dashboard_baseline(unit, today, period)
    return len(_sql(_ROUND_REPORTS, {"round": round_id, "prefix": unit.path + "%"}))


# ---------------------------------------------------------------------------------------------
# Running the cases
# ---------------------------------------------------------------------------------------------


class PageRunner:
    """Django's test ``Client``, one logged-in client per user, ``DEBUG`` off."""

    def __init__(self):
        self.clients: dict[int | None, Client] = {}

    def client_for(self, user_id: int | None) -> Client:
        if user_id not in self.clients:
            client = Client()
            if user_id is not None:
                client.force_login(get_user_model().objects.get(pk=user_id))
            self.clients[user_id] = client
        return self.clients[user_id]

    def get(self, user_id: int | None, url: str, status: int | tuple[int, ...] = 200):
        response = self.client_for(user_id).get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)  # a file is served when it has been read
        if response.status_code not in (status if isinstance(status, tuple) else (status,)):
            raise RuntimeError(f"GET {url} answered {response.status_code}, expected {status}")
        return response


@dataclass
class PageResult:
    key: str
    role: str
    kind: str
    url: str
    runs_ms: list[float]
    queries: int
    baseline_runs_ms: list[float]
    target_ms: float
    error: str = ""
    cpu_runs_ms: list[float] = field(default_factory=list)
    user_id: int | None = None
    status: int | tuple[int, ...] = 200

    @property
    def cpu_ms(self) -> float:
        return statistics.median(self.cpu_runs_ms) if self.cpu_runs_ms else float("nan")

    @property
    def median_ms(self) -> float:
        return statistics.median(self.runs_ms) if self.runs_ms else float("nan")

    @property
    def baseline_ms(self) -> float | None:
        return statistics.median(self.baseline_runs_ms) if self.baseline_runs_ms else None

    @property
    def ratio(self) -> float | None:
        return self.median_ms / self.baseline_ms if self.baseline_ms else None

    @property
    def verdict(self) -> str:
        from .pages import TARGET_RATIO

        if self.error:
            return "ERROR"
        misses = []
        if self.median_ms > self.target_ms:
            misses.append(f">{self.target_ms:.0f}ms")
        if self.ratio is not None and self.ratio > TARGET_RATIO:
            misses.append(f">{TARGET_RATIO}x")
        return "ok" if not misses else "MISS " + " ".join(misses)


def lookup_baseline(code: str) -> list:
    """The lookup's answer: the petition by its code with its session, units and field, and its
    forwardings, complex-case notices, replies and publication."""
    rows = _sql(
        "SELECT p.id, p.content, p.status, p.reply_due_on, p.complex_target_on, s.topic, s.held_on, o.name, a.name,"
        " fl.name FROM petitions_petition p JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id"
        " JOIN dialogue_sessions_unit o ON o.id = s.organising_unit_id LEFT JOIN dialogue_sessions_unit a ON a.id = p.assigned_unit_id"
        " LEFT JOIN petitions_field fl ON fl.id = p.field_id WHERE p.receipt_code = %(code)s",
        {"code": code},
    )
    pk = rows[0][0]
    for table in ("petitions_forwarding", "petitions_complexcasenotice", "petitions_writtenreply"):
        rows += _sql(f"SELECT * FROM {table} WHERE petition_id = %(pk)s", {"pk": pk})
    return rows + _sql("SELECT * FROM petitions_publication WHERE petition_id = %(pk)s", {"pk": pk})


def run_pages(built: Built, *, repeat: int, only: list[str] | None = None, roles=None, log=print) -> list[PageResult]:
    """Every page of ``benchmarks.pages.PAGES`` for every role that opens it, with its baseline."""
    from django.conf import settings

    from .pages import PAGES, find_objects, url_of, users_for

    objects = find_objects(built)
    runner = PageRunner()
    results = []
    hosts = [*settings.ALLOWED_HOSTS, "testserver"]
    # The public lookup's one-minute cache and its rate limit are off: every run does the whole work.
    with override_settings(
        ALLOWED_HOSTS=hosts,
        SECURE_SSL_REDIRECT=False,
        DEBUG=False,
        PUBLIC_LOOKUP_CACHE_SECONDS=0,
        PUBLIC_LOOKUP_LIMIT=10**9,
    ):
        for key, page in PAGES.items():
            if only and not any(part in key for part in only):
                continue
            for role, user_id in users_for(page, objects):
                if roles and role not in roles:
                    continue
                url = url_of(key, objects, user_id)
                log(f"  {key} as {role} …")
                try:
                    runs, cpu = _timed_cpu(lambda u=user_id, url=url, st=page.status: runner.get(u, url, st), repeat)
                    with CaptureQueriesContext(connection) as ctx:
                        runner.get(user_id, url, page.status)
                except Exception as exc:  # one broken page must not hide the others
                    results.append(
                        PageResult(
                            key, role, page.kind, url, [], 0, [], page.target_ms, error=str(exc),
                            user_id=user_id, status=page.status,
                        )
                    )  # fmt: skip
                    continue
                base_runs = _timed(page.baseline(objects, role), repeat)[0] if page.baseline else []
                results.append(
                    PageResult(
                        key, role, page.kind, url, runs, len(ctx.captured_queries), base_runs, page.target_ms,
                        cpu_runs_ms=cpu, user_id=user_id, status=page.status,
                    )
                )  # fmt: skip
    return results


def as_json(results: list[PageResult]) -> list[dict]:
    """The cases as ``benchmarks/replay.py`` reads them (and measured, as it writes them)."""
    return [
        {
            "key": r.key,
            "role": r.role,
            "kind": r.kind,
            "url": r.url,
            "user_id": r.user_id,
            "status": r.status,
            "median_ms": None if r.error else r.median_ms,
            "queries": None if r.error else r.queries,
            "baseline_ms": r.baseline_ms,
            "target_ms": r.target_ms,
            "error": r.error,
        }
        for r in results
    ]


def format_pages(results: list[PageResult]) -> str:
    head = (
        f"{'page':<36} {'role':<13} {'kind':<9} {'median ms':>9} {'cpu ms':>6} {'queries':>7} {'baseline':>8} "
        f"{'ratio':>6} {'target':>7}  verdict"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        base = f"{r.baseline_ms:8.1f}" if r.baseline_ms is not None else f"{'':>8}"
        ratio = f"{r.ratio:6.2f}" if r.ratio is not None else f"{'':>6}"
        lines.append(
            f"{r.key:<36} {r.role:<13} {r.kind:<9} {r.median_ms:9.1f} {r.cpu_ms:6.1f} {r.queries:7d} {base} {ratio} "
            f"{r.target_ms:7.0f}  {r.verdict}" + (f" {r.error}" if r.error else "")
        )
    return "\n".join(lines)


def format_markdown(results: list[PageResult]) -> str:
    lines = [
        "| page | role | kind | median ms | CPU ms | SQL queries | baseline ms | ratio | target | |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        base = f"{r.baseline_ms:.1f}" if r.baseline_ms is not None else ""
        ratio = f"{r.ratio:.2f}" if r.ratio is not None else ""
        lines.append(
            f"| `{r.key}` | {r.role} | {r.kind} | {r.median_ms:.1f} | {r.cpu_ms:.1f} | {r.queries} | {base} | {ratio} | "
            f"{r.target_ms:.0f} ms{' / 1.5×' if r.baseline_ms is not None else ''} | {r.verdict} |"
        )
    return "\n".join(lines)


def deadline_case(today: dt.date, repeat: int) -> Result:
    """Both deadline jobs for ``today``, each run rolled back so the repeats do the same work."""
    created = []

    def once():
        with transaction.atomic():
            report = deadlines_enforce(today=today)
            created.append(report.total_created)
            transaction.set_rollback(True)

    runs, _ = _timed(once, repeat)
    with CaptureQueriesContext(connection) as ctx:
        once()
    base_runs, _ = _timed(lambda: deadlines_baseline(today), repeat)
    return Result(
        "deadline jobs, one day", runs, len(ctx.captured_queries), base_runs, note=f"{created[-1]} notifications"
    )


def compilation_cases(built: Built, today: dt.date, repeat: int) -> list[Result]:
    """The province's compilation page and the drafting of its compiled report, over the last
    ended year in which two units in three issued their report (one in four of them late). The
    calendar, round and reports are written in a transaction rolled back afterwards."""
    from reports import services
    from reports.models import PeriodicReport, ReportKind, ReportStatus
    from reports.periods import Cutoff
    from reports.selectors import figures_by_unit

    province = Unit.objects.get(pk=built.province_id)
    user = get_user_model().objects.get(pk=built.province_staff_id)
    cutoff = Cutoff.default()
    period = current_period("year", cutoff, today)
    period = period if period.end < today else period.previous()
    results = []
    with transaction.atomic():
        calendar = services.calendar_create_default(unit=province, starts_on=period.start)
        round_, _added = services.round_open(calendar=calendar, period=period)
        dues = list(round_.dues.select_related("unit__kind").order_by("unit__path"))
        figures = figures_by_unit(user, province, [d.unit for d in dues], period, today)
        PeriodicReport.objects.bulk_create(
            PeriodicReport(
                kind=ReportKind.UNIT, status=ReportStatus.ISSUED, unit=d.unit, scope_unit=d.unit, subject="Báo cáo",
                period_kind=period.kind, year=period.year, cutoff_day=cutoff.day, cutoff_month=cutoff.month,
                period_start=period.start, period_end=period.end, number=1, symbol="BC", numbering_period="x",
                issued_on=d.due_on + dt.timedelta(days=2 if i % 4 == 3 else 0), figures=figures[d.unit_id], tables={},
            )
            for i, d in enumerate(dues)
            if i % 3
        )  # fmt: skip
        client = Client()
        client.force_login(user)
        url = f"{reverse('reports:compilation')}?unit={province.pk}&kind={period.kind}&year={period.year}"

        def page():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} answered {response.status_code}")

        runs, _ = _timed(page, repeat)
        with CaptureQueriesContext(connection) as ctx:
            page()
        base_runs, units = _timed(lambda: compilation_baseline(province, period, round_.pk, today), repeat)
        results.append(
            Result("province compilation", runs, len(ctx.captured_queries), base_runs, note=f"{units} units")
        )
        issuer = services.compiled_issuers_for(province, today).first()

        def draft():
            with transaction.atomic():
                services.compiled_report_create(
                    area=province, issuing_unit=issuer, period=period, actor=user, today=today
                )
                transaction.set_rollback(True)

        runs, _ = _timed(draft, repeat)
        with CaptureQueriesContext(connection) as ctx:
            draft()
        results.append(Result("compiled report, drafted", runs, len(ctx.captured_queries), base_runs))
        transaction.set_rollback(True)
    return results


def check_dashboard(built: Built, province: Unit, today: dt.date) -> str:
    """The baseline must return the page's figures: compare the key figures."""
    from reports.selectors import dashboard_data

    user = get_user_model().objects.get(pk=built.province_staff_id)
    page = dashboard_data(user, province, current_period(today=today), today).figures
    base = dashboard_baseline(province, today)
    wrong = {k: (page[k], base.get(k, 0)) for k in page if page[k] != base.get(k, 0)}
    return "same figures" if not wrong else f"DIFFERENT figures (page, baseline): {wrong}"


def format_table(results: list[Result]) -> str:
    head = f"{'case':<26} {'median ms':>10} {'SQL queries':>12} {'baseline ms':>12} {'ratio':>7}  note"
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.case:<26} {r.median_ms:>10.1f} {r.queries:>12} {r.baseline_ms:>12.1f} {r.ratio:>7.2f}  {r.note}".rstrip()
        )
    return "\n".join(lines)
