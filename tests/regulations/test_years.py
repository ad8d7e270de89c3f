"""The dialogue year R1 counts by, and the annual plan's due date."""

import datetime as dt

import pytest

from regulations.models import CalendarDay, CalendarDayKind
from regulations.years import (
    dialogue_year_bounds,
    dialogue_year_of,
    plan_due_date,
    plan_nominal_due_date,
    quarter_end,
)

pytestmark = pytest.mark.django_db


def test_the_dialogue_year_is_the_calendar_year_by_default():
    assert dialogue_year_bounds(2026) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert dialogue_year_of(dt.date(2026, 12, 31)) == 2026
    assert dialogue_year_of(dt.date(2027, 1, 1)) == 2027


def test_a_province_counting_from_15_december_starts_the_year_in_the_previous_december(settings):
    settings.DIALOGUE_YEAR_START_DAY, settings.DIALOGUE_YEAR_START_MONTH = 15, 12
    assert dialogue_year_bounds(2026) == (dt.date(2025, 12, 15), dt.date(2026, 12, 14))
    assert dialogue_year_of(dt.date(2025, 12, 15)) == 2026
    assert dialogue_year_of(dt.date(2025, 12, 14)) == 2025
    # The plan of 2026 is still due on 31/01/2026, the first 31 January of that year.
    assert plan_nominal_due_date(2026) == dt.date(2026, 1, 31)


def test_the_plan_due_on_a_saturday_moves_to_the_next_working_day():
    # 31/01/2026 is a Saturday.
    assert plan_nominal_due_date(2026) == dt.date(2026, 1, 31)
    assert plan_due_date(2026) == dt.date(2026, 2, 2)


def test_the_plan_due_on_a_working_day_stays_and_an_admin_day_off_moves_it(settings):
    assert plan_due_date(2025) == dt.date(2025, 2, 3)  # 31/01/2025 is in the Tết holiday, then a weekend
    settings.PLAN_DUE_DAY, settings.PLAN_DUE_MONTH = 10, 3
    assert plan_due_date(2026) == dt.date(2026, 3, 10)
    CalendarDay.objects.create(day=dt.date(2026, 3, 10), kind=CalendarDayKind.DAY_OFF, note="Nghỉ bù")
    assert plan_due_date(2026) == dt.date(2026, 3, 11)


def test_a_due_day_past_the_months_end_is_the_months_last_day(settings):
    settings.PLAN_DUE_DAY, settings.PLAN_DUE_MONTH = 31, 2
    assert plan_nominal_due_date(2026) == dt.date(2026, 2, 28)
    assert quarter_end(2026, 1) == dt.date(2026, 3, 31)


def test_a_unit_begun_during_the_year_has_as_long_from_its_first_day_as_the_others_had_from_the_years_start():
    # 31/01 by default: 30 days after 1 January; a commune begun on 1/7/2025 has until 31/07/2025.
    assert plan_due_date(2025, begins_on=dt.date(2025, 7, 1)) == dt.date(2025, 7, 31)
    # Begun before the year, or on its first day: the common due date.
    assert plan_due_date(2025, begins_on=dt.date(2024, 3, 1)) == plan_due_date(2025)
    assert plan_due_date(2025, begins_on=dt.date(2025, 1, 1)) == plan_due_date(2025)
    # Begun a few days in: never earlier than the common due date (03/02/2025 after Tết), and
    # still moved past rest days (05/07/2025 + 30 days is Monday 04/08/2025).
    assert plan_due_date(2025, begins_on=dt.date(2025, 1, 2)) == dt.date(2025, 2, 3)
    assert plan_due_date(2025, begins_on=dt.date(2025, 7, 5)) == dt.date(2025, 8, 4)
