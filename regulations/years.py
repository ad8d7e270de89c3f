"""The dialogue year and the annual plan's due date (R1: "định kỳ hàng năm ... xây dựng kế
hoạch ... ít nhất 1 lần/năm").

R1 is counted per dialogue year: the calendar year by default, or a year starting on another day
(``settings.DIALOGUE_YEAR_START_DAY`` / ``_MONTH``: with 15/12, year 2026 runs 15/12/2025 –
14/12/2026). The annual plan of year ``Y`` is due on the configured day (default 31 January),
the first such day on or after the year's start; like every legal limit, a due date falling on a
rest day moves on to the next working day (Civil Code 2015, Art. 148; the same calendar as the
other clocks).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings

from .deadlines import WorkCalendar

_ONE_DAY = dt.timedelta(days=1)


def _start_day_month() -> tuple[int, int]:
    return int(settings.DIALOGUE_YEAR_START_DAY), int(settings.DIALOGUE_YEAR_START_MONTH)


def dialogue_year_start(year: int) -> dt.date:
    """The first day of dialogue year ``year`` (which ends in calendar year ``year``)."""
    day, month = _start_day_month()
    if (day, month) == (1, 1):
        return dt.date(year, 1, 1)
    return dt.date(year - 1, month, day)


def dialogue_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last day of dialogue year ``year``."""
    return dialogue_year_start(year), dialogue_year_start(year + 1) - _ONE_DAY


def dialogue_year_of(day: dt.date) -> int:
    """The dialogue year containing ``day``."""
    return day.year + 1 if day >= dialogue_year_start(day.year + 1) else day.year


def _on(year: int, month: int, day: int) -> dt.date:
    """``day``/``month``/``year``, or the month's last day when it has fewer days (31/02 → 28/02)."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def plan_nominal_due_date(year: int, *, rules=None) -> dt.date:
    """The configured due day of the plan of ``year`` (the regulation's ``rules`` if given, else
    the settings): its first occurrence on or after the start of the dialogue year."""
    start = dialogue_year_start(year)
    if rules is not None:
        month, day = int(rules.plan_due_month), int(rules.plan_due_day)
    else:
        month, day = int(settings.PLAN_DUE_MONTH), int(settings.PLAN_DUE_DAY)
    due = _on(start.year, month, day)
    return due if due >= start else _on(start.year + 1, month, day)


def plan_due_date(
    year: int, *, work_calendar: WorkCalendar | None = None, rules=None, begins_on: dt.date | None = None
) -> dt.date:
    """The last day to issue the annual dialogue plan of ``year``: the configured day (of the
    regulation's ``rules`` if given), moved on past rest days. A unit that begins during the year
    (``begins_on``: a successor of a reorganisation, a new commune) has as long from its first
    day as the others had from the year's start: with 31 January and a unit begun on 1/7, 31/7."""
    work_calendar = work_calendar or WorkCalendar()
    due = plan_nominal_due_date(year, rules=rules)
    start = dialogue_year_start(year)
    if begins_on is not None and begins_on > start:
        due = max(due, begins_on + (due - start))
    while work_calendar.is_rest_day(due):
        due += _ONE_DAY
    return due


def month_end(year: int, month: int) -> dt.date:
    return _on(year, month, 31)


def quarter_end(year: int, quarter: int) -> dt.date:
    return month_end(year, quarter * 3)
