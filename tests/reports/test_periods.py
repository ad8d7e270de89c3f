"""Reporting periods with the configurable cut-off (many reports run from 15/12 to 14/12)."""

import datetime as dt

import pytest

from reports.periods import Cutoff, Period, current_period, period_from_params

D = dt.date
CUT_15_12 = Cutoff(day=15, month=12)
CALENDAR = Cutoff(day=1, month=1)


@pytest.mark.parametrize(
    "kind, month, start, end",
    [
        ("year", None, D(2025, 12, 15), D(2026, 12, 14)),
        ("q1", None, D(2025, 12, 15), D(2026, 3, 14)),
        ("6m", None, D(2025, 12, 15), D(2026, 6, 14)),
        ("9m", None, D(2025, 12, 15), D(2026, 9, 14)),
        ("month", 1, D(2025, 12, 15), D(2026, 1, 14)),
        ("month", 3, D(2026, 2, 15), D(2026, 3, 14)),
        ("month", 12, D(2026, 11, 15), D(2026, 12, 14)),
    ],
)
def test_report_year_2026_runs_from_15_12_2025_to_14_12_2026(kind, month, start, end):
    period = Period(kind=kind, year=2026, month=month, cutoff=CUT_15_12)
    assert (period.start, period.end) == (start, end)


def test_calendar_cutoff_gives_calendar_periods():
    assert (
        Period(kind="year", year=2026, cutoff=CALENDAR).start,
        Period(kind="year", year=2026, cutoff=CALENDAR).end,
    ) == (
        D(2026, 1, 1),
        D(2026, 12, 31),
    )
    feb = Period(kind="month", year=2028, month=2, cutoff=CALENDAR)
    assert (feb.start, feb.end) == (D(2028, 2, 1), D(2028, 2, 29))


def test_mid_year_cutoff_for_a_fiscal_style_year():
    period = Period(kind="year", year=2026, cutoff=Cutoff(day=1, month=7))
    assert (period.start, period.end) == (D(2025, 7, 1), D(2026, 6, 30))


def test_months_of_a_period_partition_it_without_gaps():
    for kind in ("q1", "6m", "9m", "year"):
        period = Period(kind=kind, year=2026, cutoff=CUT_15_12)
        months = period.months()
        assert len(months) == {"q1": 3, "6m": 6, "9m": 9, "year": 12}[kind]
        assert months[0].start == period.start and months[-1].end == period.end
        for a, b in zip(months, months[1:]):
            assert b.start == a.end + dt.timedelta(days=1)


def test_the_settings_cutoff_is_the_default(settings):
    settings.REPORT_CUTOFF_DAY, settings.REPORT_CUTOFF_MONTH = 1, 1
    assert Period(kind="year", year=2026).start == D(2026, 1, 1)


def test_a_day_after_the_cutoff_belongs_to_next_report_year():
    assert current_period("year", CUT_15_12, today=D(2025, 12, 20)).year == 2026
    assert current_period("year", CUT_15_12, today=D(2025, 12, 14)).year == 2025
    month = current_period("month", CUT_15_12, today=D(2025, 12, 20))
    assert (month.year, month.month, month.start) == (2026, 1, D(2025, 12, 15))


def test_period_from_params_reads_the_page_and_refuses_bad_values():
    period = period_from_params({"kind": "q1", "year": "2026", "cutoff_day": "1", "cutoff_month": "1"})
    assert (period.start, period.end) == (D(2026, 1, 1), D(2026, 3, 31))
    for bad in (
        {"kind": "week", "year": "2026"},
        {"kind": "month", "year": "2026", "month": "13"},
        {"year": "abc"},
        {"cutoff_day": "31"},
    ):
        with pytest.raises(ValueError):
            period_from_params(bad)


def test_r1_counts_the_calendar_year_in_which_the_period_ends():
    assert Period(kind="year", year=2026, cutoff=CUT_15_12).r1_year == 2026
    assert Period(kind="month", year=2026, month=1, cutoff=CUT_15_12).r1_year == 2026
