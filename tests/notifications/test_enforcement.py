"""The daily deadline jobs (R2–R5), with the clock frozen at 07:00 in Hanoi."""

import datetime as dt

import pytest
from django.test import override_settings

from notifications.engine import deadlines_enforce, stages_for
from notifications.models import Notification
from petitions import services as petition_services
from petitions.models import EventKind, PetitionEvent
from petitions.selectors import filter_reply_state
from regulations.states import DeadlineState
from tests.deadline_world import NOTICE_ON, at, keys, notice_deadlines_enforce, reply_deadlines_enforce

pytestmark = pytest.mark.django_db

NOTICE_DUE = dt.date(2026, 3, 12)
REPLY_DUE = dt.date(2026, 4, 6)


def day(base: dt.date, offset: int) -> dt.date:
    return base + dt.timedelta(days=offset)


# --- stages -----------------------------------------------------------------------------------


def test_each_reminder_stage_lasts_until_the_next_more_urgent_one():
    stages = stages_for([1, 5])
    assert [(s.name, s.min_left, s.max_left) for s in stages] == [
        ("remind_5", 2, 5),
        ("remind_1", 0, 1),
        ("overdue", None, -1),
    ]


# --- R2: conclusion notices -------------------------------------------------------------------


def test_notice_due_date_of_the_fixture_session_is_ten_days_after_it_was_held(session):
    assert session.notice_due_on == NOTICE_DUE


def test_nothing_is_sent_while_the_notice_is_more_than_three_days_away(session):
    with at(day(NOTICE_DUE, -4)):
        report = notice_deadlines_enforce()
    assert report.total_created == 0
    assert not Notification.objects.exists()


def test_notice_reminder_three_days_before_goes_to_the_organising_units_staff_only(session, people):
    with at(day(NOTICE_DUE, -3)):
        report = notice_deadlines_enforce()
    assert keys() == [("notice", "remind_3", "staff")]
    assert report.total_created == 1
    n = Notification.objects.get()
    assert n.session_id == session.pk and n.object_id == session.pk and n.due_on == NOTICE_DUE
    assert "còn 3 ngày" in n.title and "12/03/2026" in n.body
    assert n.email_status == "pending"


def test_notice_reminder_one_day_before_is_a_second_stage(session, people):
    with at(day(NOTICE_DUE, -3)):
        notice_deadlines_enforce()
    with at(day(NOTICE_DUE, -1)):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_1", "staff"), ("notice", "remind_3", "staff")]


def test_notice_overdue_notifies_chair_head_board_and_staff_not_other_provinces(session, people):
    with at(day(NOTICE_DUE, 1)):
        notice_deadlines_enforce()
    assert keys() == [
        ("notice", "overdue", "board"),
        ("notice", "overdue", "chair"),
        ("notice", "overdue", "head"),
        ("notice", "overdue", "staff"),
    ]
    chair = Notification.objects.get(recipient=people.chair)
    assert "Quá hạn" in chair.title and "quá hạn 1 ngày" in chair.body and "người chủ trì" in chair.body


def test_notice_issued_before_the_reminder_stops_every_notice(session, people, province):
    with at(day(NOTICE_DUE, -5), 9):
        petition_services.notice_issue(
            session=session, number=1, symbol="TB-UBND", issued_on=day(NOTICE_DUE, -5), actor=people.staff,
            assignments={p.pk: province.agency for p in session.petitions.all()},
        )  # fmt: skip
    for offset in (-3, -1, 0, 1, 30):
        with at(day(NOTICE_DUE, offset)):
            notice_deadlines_enforce()
    assert not Notification.objects.filter(obligation="notice").exists()


def test_notice_of_a_withdrawn_session_is_not_chased(session, people):
    petition_services.session_withdraw(session=session, reason="Nhập nhầm", actor=people.staff)
    with at(day(NOTICE_DUE, 2)):
        notice_deadlines_enforce()
    assert not Notification.objects.exists()


def test_notice_catch_up_after_missed_days_sends_the_stage_reached(session, people):
    # The scheduler was down from T-3 to T-2: the next run (T-1) sends the one-day reminder.
    with at(day(NOTICE_DUE, -1)):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_1", "staff")]
    # Down again for a week: the next run escalates.
    with at(day(NOTICE_DUE, 7)):
        report = notice_deadlines_enforce()
    assert report.created[("notice", "overdue")] == 4
    assert ("notice", "overdue", "chair") in keys()
    assert "quá hạn 7 ngày" in Notification.objects.get(stage="overdue", recipient=people.chair).body


def test_running_the_notice_job_twice_on_a_day_creates_nothing_new(session, people):
    with at(day(NOTICE_DUE, 1)):
        first = notice_deadlines_enforce()
        second = notice_deadlines_enforce()
    assert first.total_created == 4 and second.total_created == 0
    assert Notification.objects.count() == 4


def test_overdue_is_notified_once_not_every_day(session, people):
    for offset in range(1, 6):
        with at(day(NOTICE_DUE, offset)):
            notice_deadlines_enforce()
    assert Notification.objects.filter(stage="overdue").count() == 4


def test_legal_date_is_the_hanoi_date_not_utc(session, people):
    # 06:30 in Hanoi on T-3 is still T-4 in UTC: the reminder is due by Hanoi's calendar.
    with at(day(NOTICE_DUE, -3), 6):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_3", "staff")]


@override_settings(NOTICE_REMINDER_DAYS=[7, 2, 0])
def test_notice_reminder_stages_are_a_setting(session, people):
    with at(day(NOTICE_DUE, -7)):
        notice_deadlines_enforce()
    with at(NOTICE_DUE):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_0", "staff"), ("notice", "remind_7", "staff")]
    assert "hôm nay là hạn cuối" in Notification.objects.get(stage="remind_0").title


# --- R3–R5: written replies -------------------------------------------------------------------


def test_reply_due_date_of_the_fixture_petitions(assigned):
    assert {p.reply_due_on for p in assigned} == {REPLY_DUE}


def test_reply_reminder_five_days_before_goes_to_the_agency_officers(assigned, people):
    with at(day(REPLY_DUE, -5)):
        report = reply_deadlines_enforce()
    # Three petitions, two agency officers each (one without e-mail still gets the in-app notice).
    assert report.created[("reply", "remind_5")] == 6
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"agency", "agency_no_email"}
    assert set(
        Notification.objects.filter(recipient=people.agency_no_email).values_list("email_status", flat=True)
    ) == {"none"}
    n = Notification.objects.filter(recipient=people.agency).first()
    assert n.petition_id in {p.pk for p in assigned} and "còn 5 ngày" in n.title and "06/04/2026" in n.body


def test_reply_reminder_one_day_before(assigned, people):
    with at(day(REPLY_DUE, -1)):
        reply_deadlines_enforce()
    assert set(keys()) == {("reply", "remind_1", "agency"), ("reply", "remind_1", "agency_no_email")}


def test_reply_overdue_escalates_to_both_heads_and_copies_the_front(assigned, people):
    with at(day(REPLY_DUE, 1)):
        reply_deadlines_enforce()
    recipients = set(Notification.objects.filter(stage="overdue").values_list("recipient__username", flat=True))
    assert recipients == {"agency_head", "chair", "front", "agency", "agency_no_email"}
    assert Notification.objects.filter(stage="overdue").count() == 5 * 3
    front = Notification.objects.filter(recipient=people.front).first()
    assert "giám sát" in front.body and front.obligation == "reply"


def test_reply_overdue_goes_to_the_organisers_head_when_the_session_had_no_chair_account(assigned, people, session):
    type(session).objects.filter(pk=session.pk).update(chair=None)
    with at(day(REPLY_DUE, 1)):
        reply_deadlines_enforce()
    assert Notification.objects.filter(stage="overdue", recipient=people.head).count() == 3
    assert not Notification.objects.filter(recipient=people.chair).exists()


def test_reply_escalation_is_recorded_on_the_petition_timeline(assigned, people):
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    with at(day(REPLY_DUE, 2)):
        reply_deadlines_enforce()
        reply_deadlines_enforce()
    events = PetitionEvent.objects.filter(petition=assigned[0], kind__in=[EventKind.REMINDED, EventKind.ESCALATED])
    assert [e.kind for e in events] == [EventKind.REMINDED, EventKind.ESCALATED]
    assert events[1].data["stage"] == "overdue"


def test_nothing_is_sent_for_a_petition_clarified_replied_forwarded_or_under_a_complex_notice(
    province, people, session
):
    clarified, replied, forwarded = list(session.petitions.order_by("id"))
    with at(NOTICE_ON, 9):
        petition_services.petition_clarify(petition=clarified, answer="Đã giải thích tại hội nghị", actor=people.staff)
        petition_services.petition_record(
            session=session, actor=people.staff, petitioner_name="Bà Lò Thị D", content="Đề nghị sửa đường liên xóm"
        )
        complex_ = session.petitions.order_by("-id").first()
        petition_services.notice_issue(
            session=session, number=1, symbol="TB-UBND", issued_on=NOTICE_ON, actor=people.staff,
            assignments={p.pk: province.agency for p in (replied, forwarded, complex_)},
        )  # fmt: skip
    with at(day(REPLY_DUE, -10), 10):
        petition_services.reply_record(
            petition=replied,
            replied_on=day(REPLY_DUE, -10),
            number="12/SNNMT",
            summary="Đã trả lời",
            actor=people.agency,
        )
        petition_services.petition_forward(
            petition=forwarded, to_unit=province.commune, reason="Thuộc thẩm quyền cấp xã",
            forwarded_on=day(REPLY_DUE, -10), actor=people.agency,
        )  # fmt: skip
        petition_services.complex_notice_send(
            petition=complex_, notified_on=day(REPLY_DUE, -10), new_target_on=day(REPLY_DUE, 60),
            reason="Cần đo đạc lại", actor=people.agency,
        )  # fmt: skip
    for offset in (-5, -1, 1, 20):
        with at(day(REPLY_DUE, offset)):
            reply_deadlines_enforce()
    assert not Notification.objects.filter(obligation="reply").exists()


def test_late_reply_stops_the_chase_and_still_counts_as_met_late(assigned, people):
    with at(day(REPLY_DUE, 1)):
        reply_deadlines_enforce()
    late = assigned[0]
    with at(day(REPLY_DUE, 3), 10):
        petition_services.reply_record(
            petition=late, replied_on=day(REPLY_DUE, 3), number="15/SNNMT", summary="Trả lời muộn", actor=people.agency
        )
        assert filter_reply_state(type(late).objects.filter(pk=late.pk), DeadlineState.MET_LATE).exists()
    before = Notification.objects.filter(petition=late).count()
    with at(day(REPLY_DUE, 10)):
        report = reply_deadlines_enforce()
    assert report.total_created == 0
    assert Notification.objects.filter(petition=late).count() == before


def test_reply_catch_up_after_the_scheduler_was_down_for_the_whole_window(assigned, people):
    # No run from T-5 until T+3: the next run escalates every petition, without stale reminders.
    with at(day(REPLY_DUE, 3)):
        report = reply_deadlines_enforce()
    assert report.created[("reply", "overdue")] == 15
    assert not Notification.objects.filter(stage__startswith="remind").exists()


# --- R5: the complex-case target date ---------------------------------------------------------


@pytest.fixture
def complex_case(assigned, people):
    petition = assigned[0]
    with at(day(NOTICE_ON, 10), 10):
        notice = petition_services.complex_notice_send(
            petition=petition, notified_on=day(NOTICE_ON, 10), new_target_on=dt.date(2026, 6, 30),
            target_reason="Chờ kết quả đo đạc", reason="Cần xác minh nguồn gốc đất", actor=people.agency,
        )  # fmt: skip
    return notice


def test_complex_target_is_reminded_and_escalated_like_a_reply(complex_case, people):
    with at(dt.date(2026, 6, 25)):
        reply_deadlines_enforce()
    assert set(keys(obligation="complex")) == {
        ("complex", "remind_5", "agency"),
        ("complex", "remind_5", "agency_no_email"),
    }
    n = Notification.objects.filter(obligation="complex").first()
    assert n.object_id == complex_case.pk and n.petition_id == complex_case.petition_id
    assert "30/06/2026" in n.body
    with at(dt.date(2026, 7, 1)):
        reply_deadlines_enforce()
    overdue = set(
        Notification.objects.filter(obligation="complex", stage="overdue").values_list("recipient__username", flat=True)
    )
    assert overdue == {"agency_head", "chair", "front", "agency", "agency_no_email"}


def test_a_new_complex_notice_with_a_new_target_is_chased_afresh(complex_case, people):
    with at(dt.date(2026, 7, 1)):
        reply_deadlines_enforce()
    with at(dt.date(2026, 7, 2), 10):
        petition_services.complex_notice_send(
            petition=complex_case.petition, notified_on=dt.date(2026, 7, 2), new_target_on=dt.date(2026, 8, 31),
            reason="Chờ kết quả thanh tra", actor=people.agency,
        )  # fmt: skip
    with at(dt.date(2026, 9, 1)):
        reply_deadlines_enforce()
    assert (
        Notification.objects.filter(obligation="complex", stage="overdue").values("object_id").distinct().count() == 2
    )


def test_final_reply_after_a_complex_notice_stops_the_chase(complex_case, people):
    with at(dt.date(2026, 6, 20), 10):
        petition_services.reply_record(
            petition=complex_case.petition, replied_on=dt.date(2026, 6, 20), number="30/SNNMT", summary="Đã giải quyết",
            actor=people.agency,
        )  # fmt: skip
    with at(dt.date(2026, 7, 5)):
        reply_deadlines_enforce()
    assert not Notification.objects.filter(obligation="complex").exists()


# --- both jobs --------------------------------------------------------------------------------


def test_both_jobs_twice_on_the_same_day_find_exactly_one_notification_per_key(assigned, people, complex_case):
    with at(dt.date(2026, 7, 1)):
        first = deadlines_enforce()
        second = deadlines_enforce()
    assert first.total_created > 0 and second.total_created == 0
    total = Notification.objects.count()
    distinct = Notification.objects.values("obligation", "object_id", "stage", "recipient").distinct().count()
    assert total == distinct == first.total_created


def test_inactive_users_are_not_notified(assigned, people):
    people.agency.is_active = False
    people.agency.save()
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    assert not Notification.objects.filter(recipient=people.agency).exists()
