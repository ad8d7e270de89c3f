"""The legal clock (DESIGN.md "Counting days"): Civil Code 2015 Art. 147–148 with the VN calendar."""

import datetime as dt

import pytest

from regulations.deadlines import (
    CALENDAR,
    WORKING,
    WorkCalendar,
    explain_due_date,
    is_rest_day,
    notice_due_date,
    reply_due_date,
    rule_days,
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


def test_documents_print_the_number_of_days_of_each_rule(settings):
    assert (rule_days("notice"), rule_days("reply")) == (10, 30)
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "reply": {"days": 15, "day_type": WORKING}}
    assert rule_days("reply", day=D(2026, 1, 1)) == 15


def test_invalid_day_type_setting_is_refused_with_a_message_naming_it(settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "reply": {"days": 30, "day_type": "lunar"}}
    with pytest.raises(ValueError) as refused:
        reply_due_date(D(2026, 1, 1))
    assert str(refused.value) == "DEADLINE_RULES['reply']['day_type'] must be 'calendar' or 'working', not 'lunar'"


def test_a_rule_configured_without_a_day_type_counts_calendar_days(settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "notice": {"days": 10}}
    # Wed 11/03/2026 + 10 calendar days = Sat 21/03/2026 -> Mon 23/03/2026.
    explanation = explain_due_date("notice", D(2026, 3, 11))
    assert (explanation.day_type, explanation.due) == (CALENDAR, D(2026, 3, 23))


def test_petitions_deadlines_is_the_contract_entry_point_to_the_same_clock():
    """DESIGN.md fixes ``petitions.deadlines.notice_due_date`` / ``reply_due_date``: they are the
    clock of ``regulations.deadlines`` itself, not a copy."""
    import petitions.deadlines as contract
    import regulations.deadlines as clock

    assert contract.notice_due_date is clock.notice_due_date
    assert contract.reply_due_date is clock.reply_due_date
    CalendarDay.objects.create(day=D(2026, 3, 12), kind=CalendarDayKind.DAY_OFF, note="Nghỉ bù")
    assert contract.notice_due_date(D(2026, 3, 2)) == D(2026, 3, 13)


# --- the explanation users read ("why this date?"): whole sentences, as the legal reasoning ---


def test_explanation_of_a_calendar_limit_ending_on_a_working_day_says_so():
    explanation = explain_due_date("reply", D(2026, 4, 20))
    assert explanation.rule_label == "Trả lời bằng văn bản"
    assert explanation.start_label == "ngày ban hành thông báo kết luận"
    assert explanation.as_text() == (
        "Bắt đầu từ ngày ban hành thông báo kết luận 20/04/2026 (không tính ngày này), cộng 30 ngày: 20/05/2026. "
        "Ngày cuối là ngày làm việc nên đó là hạn."
    )


def test_explanation_of_a_limit_rolled_past_holidays_names_each_rest_day():
    explanation = explain_due_date("notice", D(2026, 4, 20))
    assert explanation.rule_label == "Gửi thông báo kết luận"
    assert explanation.start_label == "ngày tổ chức hội nghị"
    assert explanation.as_text() == (
        "Bắt đầu từ ngày tổ chức hội nghị 20/04/2026 (không tính ngày này), cộng 10 ngày: 30/04/2026. "
        "Ngày cuối rơi vào ngày nghỉ nên hạn lùi sang ngày làm việc kế tiếp 04/05/2026, qua các ngày: "
        "30/04/2026 (Ngày Chiến thắng); 01/05/2026 (Ngày Quốc tế Lao động); 02/05/2026 (thứ Bảy); "
        "03/05/2026 (Chủ nhật)."
    )


def test_explanation_of_a_working_day_limit_counts_working_days_and_lists_the_days_skipped(settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "notice": {"days": 10, "day_type": WORKING}}
    explanation = explain_due_date("notice", D(2026, 3, 2))
    assert (explanation.nominal_due, explanation.due) == (D(2026, 3, 16), D(2026, 3, 16))
    assert explanation.as_text() == (
        "Bắt đầu từ ngày tổ chức hội nghị 02/03/2026 (không tính ngày này), đếm 10 ngày làm việc: hạn là 16/03/2026. "
        "Không tính các ngày nghỉ: 07/03/2026 (thứ Bảy); 08/03/2026 (Chủ nhật); 14/03/2026 (thứ Bảy); "
        "15/03/2026 (Chủ nhật)."
    )


def test_explanation_of_a_working_day_limit_without_rest_days_is_one_sentence(settings):
    # Mon 02/03/2026 + 3 working days = Thu 05/03/2026: nothing skipped, nothing to roll over.
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "notice": {"days": 3, "day_type": WORKING}}
    explanation = explain_due_date("notice", D(2026, 3, 2))
    assert explanation.rest_days == ()
    assert explanation.as_text() == (
        "Bắt đầu từ ngày tổ chức hội nghị 02/03/2026 (không tính ngày này), đếm 3 ngày làm việc: hạn là 05/03/2026."
    )


def test_explanation_shows_the_note_of_an_admin_day_off_never_its_kind_code():
    # 06/03/2026 + 10 = Mon 16/03/2026, made a day off by the admin table.
    CalendarDay.objects.create(day=D(2026, 3, 16), kind=CalendarDayKind.DAY_OFF, note="Nghỉ lễ địa phương")
    text = explain_due_date("notice", D(2026, 3, 6)).as_text()
    assert text.endswith("kế tiếp 17/03/2026, qua các ngày: 16/03/2026 (Nghỉ lễ địa phương).")
    assert "day_off" not in text


def test_an_admin_day_off_without_a_note_is_explained_as_the_agencys_day_off():
    CalendarDay.objects.create(day=D(2026, 3, 16), kind=CalendarDayKind.DAY_OFF, note="")
    text = explain_due_date("notice", D(2026, 3, 6)).as_text()
    assert text.endswith("qua các ngày: 16/03/2026 (ngày nghỉ theo lịch của cơ quan).")


def test_weekend_days_are_named_and_a_working_saturday_of_the_package_is_a_working_day():
    # Sat 26/04/2025 was worked to bridge 30/04–01/05: the holidays package knows it even
    # without the admin table's row (seeded, removed here).
    CalendarDay.objects.filter(day=D(2025, 4, 26)).delete()
    calendar = WorkCalendar()
    assert calendar.rest_reason(D(2025, 4, 26)) is None
    assert calendar.rest_reason(D(2025, 4, 19)) == "thứ Bảy"
    assert calendar.rest_reason(D(2025, 4, 20)) == "Chủ nhật"
    assert calendar.rest_reason(D(2025, 4, 21)) is None


# --- the calendar's windows of admin overrides ------------------------------------------------


def test_a_reused_calendar_reads_an_admin_day_off_between_two_windows_it_loaded():
    """The benchmark's dataset shares one calendar across all dates: after January and September
    were read, a day off in June must still be read, not taken for a working day."""
    CalendarDay.objects.create(day=D(2027, 6, 10), kind=CalendarDayKind.DAY_OFF, note="Nghỉ bầu cử")
    calendar = WorkCalendar()
    assert calendar.rest_reason(D(2027, 1, 12)) is None
    assert calendar.rest_reason(D(2027, 9, 14)) is None
    assert calendar.rest_reason(D(2027, 6, 10)) == "Nghỉ bầu cử"
    # The notice of a session held on 31/05/2027 is due on Thu 10/06, a day off: Fri 11/06.
    assert explain_due_date("notice", D(2027, 5, 31), calendar=calendar).due == D(2027, 6, 11)


def test_a_reused_calendar_reads_each_window_once_whatever_the_order(django_assert_num_queries):
    """Every day of two adjacent windows carries its own override; read backwards, then forwards,
    each window costs one query and every day reads its own note."""
    width = WorkCalendar.WINDOW_DAYS
    window = (D(2027, 3, 1).toordinal() - 1) // width
    first = D.fromordinal(window * width + 1)
    days = [first + dt.timedelta(days=i) for i in range(2 * width)]
    CalendarDay.objects.bulk_create(
        CalendarDay(day=d, kind=CalendarDayKind.DAY_OFF, note=f"Nghỉ {d:%d/%m/%Y}") for d in days
    )
    calendar = WorkCalendar()
    with django_assert_num_queries(2):
        assert [calendar.rest_reason(d) for d in reversed(days)] == [f"Nghỉ {d:%d/%m/%Y}" for d in reversed(days)]
        assert [calendar.rest_reason(d) for d in days] == [f"Nghỉ {d:%d/%m/%Y}" for d in days]
    # The days just outside are in other windows, read when asked for.
    with django_assert_num_queries(2):
        calendar.rest_reason(first - dt.timedelta(days=1))
        calendar.rest_reason(days[-1] + dt.timedelta(days=1))


def test_the_first_and_last_days_of_the_calendar_read_their_overrides():
    CalendarDay.objects.create(day=D.min, kind=CalendarDayKind.DAY_OFF, note="Ngày đầu")
    CalendarDay.objects.create(day=D.max, kind=CalendarDayKind.DAY_OFF, note="Ngày cuối")
    calendar = WorkCalendar()
    assert calendar.rest_reason(D.max) == "Ngày cuối"
    assert calendar.rest_reason(D.min) == "Ngày đầu"
