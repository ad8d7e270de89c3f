"""Hand-written SQL baselines: for every list the benchmark measures, the rows of the page (and
its count) in the fewest, fastest statements found, with no ORM, no template, no middleware.

Subtrees are resolved inside the statement (``= ANY(ARRAY(SELECT ...))``): PostgreSQL runs such
a subquery once and combines two index scans for "organised in the subtree OR assigned to it".
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

from common.text import normalise_search
from reports.periods import current_period
from units.models import Unit

LIST_PAGE = 25  # common.web.PAGE_SIZE
REPORT_PAGE = 50  # reports.views.PAGE_SIZE


def sql(query: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return cursor.fetchall()


UNITS = "ARRAY(SELECT id FROM dialogue_sessions_unit WHERE path LIKE %(prefix)s)"
AREA_PETITIONS = f"""(p.session_id = ANY(ARRAY(
        SELECT s2.id FROM dialogue_sessions_dialoguesession s2 WHERE s2.organising_unit_id = ANY({UNITS})))
     OR p.assigned_unit_id = ANY({UNITS}) OR p.responsible_unit_id = ANY({UNITS}))"""
AGENCY_PETITIONS = f"""(p.assigned_unit_id = ANY({UNITS}) OR p.responsible_unit_id = ANY({UNITS})
     OR p.id = ANY(ARRAY(SELECT fw.petition_id FROM petitions_forwarding fw WHERE fw.to_unit_id = ANY({UNITS})))
     OR p.id = ANY(ARRAY(SELECT c.petition_id FROM petitions_coordination c WHERE c.unit_id = ANY({UNITS}))))"""
AREA_SESSIONS = f"s.organising_unit_id = ANY({UNITS})"
AGENCY_SESSIONS = (
    f"s.id = ANY(ARRAY(SELECT su.session_id FROM dialogue_sessions_sessionunit su WHERE su.unit_id = ANY({UNITS})))"
)

PETITION_COLUMNS = """p.id, p.content, p.petitioner_name, p.status, p.assigned_on, p.reply_due_on,
    p.complex_target_on, p.assessment, s.held_on, s.topic, ou.name, au.name, f.name"""
PETITION_JOINS = """JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id
    JOIN dialogue_sessions_unit ou ON ou.id = s.organising_unit_id
    LEFT JOIN dialogue_sessions_unit au ON au.id = p.assigned_unit_id
    LEFT JOIN petitions_field f ON f.id = p.field_id"""


def _words(q: str, params: dict, columns: tuple[str, ...]) -> str:
    """Each word of the search in one of ``columns`` (the trigram-indexed search columns)."""
    clauses = []
    for i, word in enumerate(normalise_search(q).split()[:8]):
        params[f"w{i}"] = f"%{word}%"
        clauses.append("(" + " OR ".join(f"{c} LIKE %(w{i})s" for c in columns) + ")")
    return "".join(f" AND {c}" for c in clauses)


def _paged(count_sql: str, page_sql: str, params: dict) -> tuple[int, list]:
    return sql(count_sql, params)[0][0], sql(page_sql, params)


# --- petitions ----------------------------------------------------------------------------------


def petition_list(unit: Unit, *, agency: bool, today: dt.date, q="", status="", state="") -> tuple[int, list]:
    """``/kien-nghi/``: the petitions the user may see, not withdrawn, filtered, most urgent first."""
    params = {"prefix": unit.path + "%", "today": today, "limit": LIST_PAGE, "status": status}
    where = f"{AGENCY_PETITIONS if agency else AREA_PETITIONS} AND p.status <> 'withdrawn'"
    if status:
        where += " AND p.status = %(status)s"
    if state == "overdue":
        where += " AND p.responded_on IS NULL AND p.reply_due_on < %(today)s"
    where += _words(q, params, ("p.search_text", "p.petitioner_search"))
    return _paged(
        f"SELECT count(*) FROM petitions_petition p WHERE {where}",
        f"SELECT {PETITION_COLUMNS} FROM petitions_petition p {PETITION_JOINS} WHERE {where} "
        "ORDER BY p.reply_due_on, p.id DESC LIMIT %(limit)s",
        params,
    )


def inbox(unit: Unit) -> tuple[int, list]:
    """``/kien-nghi/can-xu-ly/``: waiting on the agency's units, most urgent first."""
    params = {"prefix": unit.path + "%", "limit": LIST_PAGE}
    owes = "('assigned', 'complex', 'forwarded', 'supplementary')"
    where = f"""(p.responsible_unit_id = ANY({UNITS}) AND p.status IN {owes})
        OR p.id = ANY(ARRAY(SELECT c.petition_id FROM petitions_coordination c
            JOIN petitions_petition cp ON cp.id = c.petition_id
            WHERE c.unit_id = ANY({UNITS}) AND c.contributed_on IS NULL AND cp.status IN {owes}))"""
    return _paged(
        f"SELECT count(*) FROM petitions_petition p WHERE {where}",
        f"SELECT {PETITION_COLUMNS} FROM petitions_petition p {PETITION_JOINS} WHERE {where} "
        "ORDER BY COALESCE(p.supplementary_due_on, p.complex_target_on, p.forward_due_on, p.reply_due_on) "
        "NULLS LAST, p.id LIMIT %(limit)s",
        params,
    )


def monitor_petitions(unit: Unit, *, q="") -> tuple[int, list]:
    """``/giam-sat/kien-nghi/``: the Front's area, not withdrawn, newest session first."""
    params = {"prefix": unit.path + "%", "limit": REPORT_PAGE}
    where = f"{AREA_PETITIONS} AND p.status <> 'withdrawn'" + _words(
        q, params, ("p.search_text", "p.petitioner_search")
    )
    # The area's rows are materialised before the ORDER BY ... LIMIT: otherwise PostgreSQL walks
    # the whole country's sessions backwards by date looking for them.
    return _paged(
        f"SELECT count(*) FROM petitions_petition p WHERE {where}",
        f"WITH found AS MATERIALIZED (SELECT p.id, s.held_on FROM petitions_petition p "
        f"JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id WHERE {where}) "
        f"SELECT {PETITION_COLUMNS} FROM (SELECT id FROM found ORDER BY held_on DESC, id DESC LIMIT %(limit)s) page "
        f"JOIN petitions_petition p ON p.id = page.id {PETITION_JOINS} ORDER BY s.held_on DESC, p.id DESC",
        params,
    )


def monitor_replies(unit: Unit, *, q="") -> tuple[int, list]:
    """``/giam-sat/tra-loi/``: written replies to the Front's area's petitions, newest first."""
    params = {"prefix": unit.path + "%", "limit": REPORT_PAGE}
    # The area's petitions by index, then their replies (a list of the area's petition ids
    # matched against every reply is a linear search per reply).
    where = f"{AREA_PETITIONS} AND p.status <> 'withdrawn'" + _words(
        q, params, ("p.search_text", "p.petitioner_search")
    )
    joined = "petitions_writtenreply r JOIN petitions_petition p ON p.id = r.petition_id"
    return _paged(
        f"SELECT count(*) FROM {joined} WHERE {where}",
        "SELECT r.id, r.petition_id, r.number, r.replied_on, r.summary, u.name, p.assessment "
        f"FROM {joined} JOIN dialogue_sessions_unit u ON u.id = r.unit_id WHERE {where} "
        "ORDER BY r.replied_on DESC, r.id DESC LIMIT %(limit)s",
        params,
    )


# --- sessions -----------------------------------------------------------------------------------

SESSION_COLUMNS = """s.id, s.held_on, s.topic, s.place, s.kind, s.notice_due_on, s.notice_issued_on,
    ou.name, n.number, n.symbol"""
SESSION_JOINS = """JOIN dialogue_sessions_unit ou ON ou.id = s.organising_unit_id
    LEFT JOIN dialogue_sessions_conclusionnotice n ON n.session_id = s.id"""


def session_list(unit: Unit, *, agency: bool, today: dt.date, q="", notice_state="", limit=LIST_PAGE):
    """``/hoi-nghi/`` (and the Front's sessions list): not withdrawn, newest first."""
    params = {"prefix": unit.path + "%", "today": today, "limit": limit}
    where = f"{AGENCY_SESSIONS if agency else AREA_SESSIONS} AND s.withdrawn_at IS NULL"
    if notice_state == "overdue":
        where += " AND s.notice_issued_on IS NULL AND s.notice_due_on < %(today)s"
    where += _words(q, params, ("s.search_text",))
    return _paged(
        f"SELECT count(*) FROM dialogue_sessions_dialoguesession s WHERE {where}",
        f"SELECT {SESSION_COLUMNS} FROM dialogue_sessions_dialoguesession s {SESSION_JOINS} WHERE {where} "
        "ORDER BY s.held_on DESC, s.id DESC LIMIT %(limit)s",
        params,
    )


# --- notifications --------------------------------------------------------------------------------


def notification_list(user_id: int) -> tuple[int, list]:
    params = {"user": user_id, "limit": LIST_PAGE}
    return _paged(
        "SELECT count(*) FROM petitions_notification n WHERE n.recipient_id = %(user)s",
        "SELECT n.id, n.title, n.body, n.created_at, n.read_at, n.due_on, p.content, s.topic "
        "FROM petitions_notification n LEFT JOIN petitions_petition p ON p.id = n.petition_id "
        "LEFT JOIN dialogue_sessions_dialoguesession s ON s.id = n.session_id "
        "WHERE n.recipient_id = %(user)s ORDER BY n.created_at DESC, n.id DESC LIMIT %(limit)s",
        params,
    )


# --- the dashboards' drill-down lists ---------------------------------------------------------------


def _period_params(unit: Unit, today: dt.date) -> dict:
    period = current_period(today=today)
    return {
        "prefix": unit.path + "%",
        "start": period.start,
        "until": min(period.end, today),
        "today": today,
        "limit": REPORT_PAGE,
        "year_start": dt.date(period.r1_year, 1, 1),
        "year_end": dt.date(period.r1_year, 12, 31),
    }


PERIOD_PETITIONS = f"""(p.session_id = ANY(ARRAY(
        SELECT s2.id FROM dialogue_sessions_dialoguesession s2
        WHERE s2.organising_unit_id = ANY({UNITS}) AND s2.withdrawn_at IS NULL
          AND s2.held_on BETWEEN %(start)s AND %(until)s))
     OR p.assigned_unit_id = ANY({UNITS}))
  AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(start)s AND %(until)s AND p.status <> 'withdrawn'"""


def figure_petitions(unit: Unit, today: dt.date, *, condition: str = "TRUE", by_unit: int | None = None):
    """A petition figure's list: the period's petitions of the subtree meeting ``condition``,
    newest session first (its count is the figure)."""
    params = _period_params(unit, today)
    where = f"{PERIOD_PETITIONS} AND ({condition})"
    if by_unit is not None:
        params["by_unit"] = by_unit
        where += " AND p.assigned_unit_id = %(by_unit)s"
    return _paged(
        "SELECT count(*) FROM petitions_petition p JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id "
        f"WHERE {where}",
        f"WITH found AS MATERIALIZED (SELECT p.id, s.held_on FROM petitions_petition p "
        f"JOIN dialogue_sessions_dialoguesession s ON s.id = p.session_id WHERE {where}) "
        f"SELECT {PETITION_COLUMNS} FROM (SELECT id FROM found ORDER BY held_on DESC, id DESC LIMIT %(limit)s) page "
        f"JOIN petitions_petition p ON p.id = page.id {PETITION_JOINS} ORDER BY s.held_on DESC, p.id DESC",
        params,
    )


OVERDUE = "p.responded_on IS NULL AND p.reply_due_on < %(today)s"


def figure_sessions(unit: Unit, today: dt.date) -> tuple[int, list]:
    """``sessions_held``: the period's sessions of the subtree, newest first."""
    params = _period_params(unit, today)
    where = f"{AREA_SESSIONS} AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(start)s AND %(until)s"
    return _paged(
        f"SELECT count(*) FROM dialogue_sessions_dialoguesession s WHERE {where}",
        f"SELECT {SESSION_COLUMNS} FROM dialogue_sessions_dialoguesession s {SESSION_JOINS} WHERE {where} "
        "ORDER BY s.held_on DESC, s.id DESC LIMIT %(limit)s",
        params,
    )


def figure_units_missing(unit: Unit, today: dt.date) -> tuple[int, list]:
    """``r1_missing``: units that must hold a dialogue this year and have not."""
    params = _period_params(unit, today)
    where = """u.path LIKE %(prefix)s AND (k.is_party_committee OR k.code = 'peoples_committee')
      AND (u.active_from IS NULL OR u.active_from <= %(year_end)s) AND (u.active_to IS NULL OR u.active_to >= %(year_start)s)
      AND NOT EXISTS (SELECT 1 FROM dialogue_sessions_dialoguesession s WHERE s.organising_unit_id = u.id
          AND s.withdrawn_at IS NULL AND s.held_on BETWEEN %(year_start)s AND %(until)s)"""
    return _paged(
        f"SELECT count(*) FROM dialogue_sessions_unit u JOIN dialogue_sessions_unitkind k ON k.id = u.kind_id WHERE {where}",
        f"SELECT u.id, u.name, u.path, k.name FROM dialogue_sessions_unit u JOIN dialogue_sessions_unitkind k "
        f"ON k.id = u.kind_id WHERE {where} ORDER BY u.path LIMIT %(limit)s",
        params,
    )
