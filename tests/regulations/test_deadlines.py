"""The legal clock (DESIGN.md "Counting days"): Civil Code 2015 Art. 147–148 with the VN calendar."""

import datetime as dt

import pytest

from regulations.deadlines import (
    CALENDAR,
    WORKING,
    explain_due_date,
    is_rest_day,
    notice_due_date,
    reply_due_date,
)
from regulations.models import CalendarDay, CalendarDayKind

D = dt.date
pytestmark = pytest.mark.django_db


def test_start_day_is_not_counted_and_a_working_last_day_is_the_due_date():
    # Mon 02/03/2026 + 10 days = Thu 12/03/2026.
    assert notice_due_date(D(2026, 3, 2)) == D(2026, 3, 12)
    # 30 days after Mon 20/04/2026 is Wed 20/05/2026.
    assert reply_due_date(D(2026, 4, 20)) == D(2026, 5, 20)


def test_notice_due_on_a_saturday_rolls_to_monday():
    # Wed 11/03/2026 + 10 = Sat 21/03/2026 -> Mon 23/03/2026.
    assert notice_due_date(D(2026, 3, 11)) == D(2026, 3, 23)


def test_notice_due_on_a_sunday_rolls_to_monday():
    assert notice_due_date(D(2026, 3, 12)) == D(2026, 3, 23)


def test_reply_due_rolls_past_tet():
    # 17/01/2026 + 30 = 16/02/2026, Lunar New Year's Eve; Tết runs to Fri 20/02, then a weekend.
    assert reply_due_date(D(2026, 1, 17)) == D(2026, 2, 23)


def test_notice_due_rolls_past_tet_2027():
    # 27/01/2027 + 10 = 06/02/2027 (Tết Đinh Mùi, 04–10/02/2027 off) -> Thu 11/02/2027.
    assert notice_due_date(D(2027, 1, 27)) == D(2027, 2, 11)


def test_notice_due_rolls_past_30_april_and_1_may():
    # 20/04/2026 + 10 = Thu 30/04; 01/05 is a holiday, then Sat/Sun -> Mon 04/05/2026.
    assert notice_due_date(D(2026, 4, 20)) == D(2026, 5, 4)


def test_reply_due_rolls_past_national_day():
    # 03/08/2026 + 30 = Wed 02/09/2026 (National Day) -> Thu 03/09/2026.
    assert reply_due_date(D(2026, 8, 3)) == D(2026, 9, 3)


def test_reply_due_across_a_year_end():
    # 15/12/2026 + 30 = Thu 14/01/2027.
    assert reply_due_date(D(2026, 12, 15)) == D(2027, 1, 14)


def test_reply_due_on_new_year_rolls_past_the_weekend():
    # 02/12/2026 + 30 = Fri 01/01/2027 (New Year) -> Sat, Sun -> Mon 04/01/2027.
    assert reply_due_date(D(2026, 12, 2)) == D(2027, 1, 4)


def test_working_saturday_from_the_seeded_swaps_is_a_working_day():
    # 12/08/2026 + 10 = Sat 22/08/2026, a compensatory working day (seeded migration).
    assert CalendarDay.objects.filter(day=D(2026, 8, 22), kind=CalendarDayKind.WORKING_DAY).exists()
    assert notice_due_date(D(2026, 8, 12)) == D(2026, 8, 22)


def test_working_saturday_added_in_the_admin_table_ends_the_limit():
    # 03/03/2027 + 10 = Sat 13/03/2027: a rest day, unless the admin marks it a working day.
    assert notice_due_date(D(2027, 3, 3)) == D(2027, 3, 15)
    CalendarDay.objects.create(day=D(2027, 3, 13), kind=CalendarDayKind.WORKING_DAY, note="Làm bù")
    assert notice_due_date(D(2027, 3, 3)) == D(2027, 3, 13)


def test_extra_day_off_in_the_admin_table_extends_the_limit():
    # 06/03/2026 + 10 = Mon 16/03/2026; an extra local day off pushes it to Tue 17/03.
    assert notice_due_date(D(2026, 3, 6)) == D(2026, 3, 16)
    CalendarDay.objects.create(day=D(2026, 3, 16), kind=CalendarDayKind.DAY_OFF, note="Nghỉ lễ địa phương")
    assert notice_due_date(D(2026, 3, 6)) == D(2026, 3, 17)


def test_admin_table_overrides_a_package_holiday():
    # A province that works on 24/11 (Vietnam Culture Day) marks it a working day.
    assert is_rest_day(D(2026, 11, 24))
    CalendarDay.objects.create(day=D(2026, 11, 24), kind=CalendarDayKind.WORKING_DAY)
    assert not is_rest_day(D(2026, 11, 24))


def test_explanation_lists_the_rest_days_rolled_past():
    explanation = explain_due_date("notice", D(2026, 4, 20))
    assert explanation.start == D(2026, 4, 20)
    assert explanation.days == 10
    assert explanation.day_type == CALENDAR
    assert explanation.nominal_due == D(2026, 4, 30)
    assert explanation.due == D(2026, 5, 4)
    assert [r.day for r in explanation.rest_days] == [D(2026, 4, 30), D(2026, 5, 1), D(2026, 5, 2), D(2026, 5, 3)]
    text = explanation.as_text()
    assert "20/04/2026" in text and "04/05/2026" in text and "30/04/2026" in text


def test_explanation_of_a_plain_due_date_has_no_rest_days():
    explanation = explain_due_date("reply", D(2026, 4, 20))
    assert explanation.rest_days == ()
    assert "20/05/2026" in explanation.as_text()


def test_day_count_is_a_setting(settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "notice": {"days": 15, "day_type": CALENDAR}}
    # Mon 02/03/2026 + 15 = Tue 17/03/2026.
    assert notice_due_date(D(2026, 3, 2)) == D(2026, 3, 17)


def test_working_day_type_counts_only_working_days(settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "notice": {"days": 10, "day_type": WORKING}}
    # From Fri 24/04/2026: 27 (Hùng Kings observed), 30/04, 01/05 and weekends are skipped.
    # Working days: 28, 29, 04/05, 05, 06, 07, 08, 11, 12, 13 -> 13/05/2026.
    explanation = explain_due_date("notice", D(2026, 4, 24))
    assert explanation.due == D(2026, 5, 13)
    assert D(2026, 4, 27) in [r.day for r in explanation.rest_days]


def test_invalid_day_type_setting_is_refused(settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "reply": {"days": 30, "day_type": "lunar"}}
    with pytest.raises(ValueError):
        reply_due_date(D(2026, 1, 1))


def test_petitions_deadlines_is_the_contract_entry_point_to_the_same_clock():
    """DESIGN.md fixes ``petitions.deadlines.notice_due_date`` / ``reply_due_date``: they are the
    clock of ``regulations.deadlines`` itself, not a copy."""
    import petitions.deadlines as contract
    import regulations.deadlines as clock

    assert contract.notice_due_date is clock.notice_due_date
    assert contract.reply_due_date is clock.reply_due_date
    CalendarDay.objects.create(day=D(2026, 3, 12), kind=CalendarDayKind.DAY_OFF, note="Nghỉ bù")
    assert contract.notice_due_date(D(2026, 3, 2)) == D(2026, 3, 13)
