"""The daily deadline jobs (R2–R5), with the clock frozen at 07:00 in Hanoi."""

import datetime as dt
from functools import partial

import pytest
from django.test import override_settings
from django.urls import reverse

from notifications.engine import deadlines_enforce, stages_for
from notifications.models import Notification
from petitions import services as petition_services
from petitions.models import EventKind, PetitionEvent
from petitions.selectors import filter_reply_state
from regulations.states import DeadlineState
from tests import factories as f
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


# --- the words of every message, whole: recipients read them as the legal reminder ------------

NOTICE_BODY = (
    "Hội nghị đối thoại “Đối thoại về bồi thường, giải phóng mặt bằng” do UBND tỉnh Hòa Bình tổ chức ngày "
    "02/03/2026 chưa có thông báo kết luận. Theo Quy định 07-QC/TU, hạn gửi thông báo kết luận là ngày 12/03/2026."
)
AS = "\n\nAnh/chị nhận thông báo này với tư cách: "


def _reply_lead(petition) -> str:
    return (
        f"Kiến nghị #{petition.pk} của {petition.petitioner_name} tại hội nghị “Đối thoại về bồi thường, giải phóng "
        f"mặt bằng” ngày 02/03/2026: “{petition.content}”. "
    )


def test_notice_reminder_words_in_full(session, people):
    with at(day(NOTICE_DUE, -3)):
        notice_deadlines_enforce()
    n = Notification.objects.get()
    assert n.title == "Nhắc hạn gửi thông báo kết luận (còn 3 ngày): Đối thoại về bồi thường, giải phóng mặt bằng"
    assert n.body == (
        NOTICE_BODY + " Đề nghị ban hành và gửi thông báo kết luận trước hoặc trong ngày 12/03/2026."
        + AS + "cán bộ văn phòng của cơ quan tổ chức hội nghị."
    )  # fmt: skip
    assert n.url == reverse("sessions:detail", args=[session.pk])
    assert (n.obligation, n.stage, n.object_id, n.session_id, n.petition_id) == (
        "notice", "remind_3", session.pk, session.pk, None,
    )  # fmt: skip


def test_notice_overdue_words_in_full_give_each_recipient_their_reason(session, people):
    with at(day(NOTICE_DUE, 2)):
        notice_deadlines_enforce()
    reasons = {
        "chair": "người chủ trì hội nghị",
        "head": "người đứng đầu cơ quan tổ chức hội nghị",
        "board": "Ban Dân vận cùng cấp (để theo dõi, tổng hợp)",
        "staff": "cán bộ văn phòng của cơ quan tổ chức hội nghị",
    }
    rows = {n.recipient.username: n for n in Notification.objects.select_related("recipient")}
    assert set(rows) == set(reasons)
    for username, reason in reasons.items():
        assert rows[username].title == "Quá hạn gửi thông báo kết luận: Đối thoại về bồi thường, giải phóng mặt bằng"
        assert rows[username].body == NOTICE_BODY + " Đã quá hạn 2 ngày." + AS + reason + "."


def test_a_reminder_the_day_before_says_one_day_left_and_on_the_day_says_it_is_the_last_day(session, people):
    with at(day(NOTICE_DUE, -1)):
        notice_deadlines_enforce()
    assert "(còn 1 ngày)" in Notification.objects.get().title
    Notification.objects.all().delete()
    with at(NOTICE_DUE):
        notice_deadlines_enforce()
    assert Notification.objects.get().title.startswith("Nhắc hạn gửi thông báo kết luận (hôm nay là hạn cuối): ")


def test_reply_reminder_words_in_full(assigned, people):
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    petition = assigned[0]
    n = Notification.objects.get(petition=petition, recipient=people.agency)
    assert n.title == f"Nhắc hạn trả lời kiến nghị #{petition.pk} (còn 5 ngày)"
    assert n.body == (
        _reply_lead(petition)
        + "Đơn vị chịu trách nhiệm: Sở Nông nghiệp và Môi trường, giao theo thông báo kết luận ngày 05/03/2026; "
        "hạn trả lời bằng văn bản: 06/04/2026. "
        "Đề nghị trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày 06/04/2026."
        + AS + "cán bộ của đơn vị chịu trách nhiệm giải quyết."
    )  # fmt: skip
    assert n.url == reverse("petitions:detail", args=[petition.pk])
    assert (n.object_id, n.session_id, n.due_on) == (petition.pk, petition.session_id, REPLY_DUE)


def test_reply_overdue_words_in_full_give_each_recipient_their_reason(assigned, people):
    with at(day(REPLY_DUE, 1)):
        reply_deadlines_enforce()
    petition = assigned[1]
    reasons = {
        "agency_head": "người đứng đầu đơn vị chịu trách nhiệm giải quyết",
        "chair": "người chủ trì hội nghị",
        "agency": "cán bộ của đơn vị chịu trách nhiệm giải quyết",
        "agency_no_email": "cán bộ của đơn vị chịu trách nhiệm giải quyết",
        "front": "Mặt trận Tổ quốc, tổ chức chính trị - xã hội tại địa bàn (đồng gửi để giám sát)",
    }
    rows = {n.recipient.username: n for n in Notification.objects.filter(petition=petition).select_related("recipient")}
    assert set(rows) == set(reasons)
    for username, reason in reasons.items():
        assert rows[username].title == f"Quá hạn trả lời kiến nghị #{petition.pk} (Sở Nông nghiệp và Môi trường)"
        assert rows[username].body == (
            _reply_lead(petition)
            + "Đơn vị chịu trách nhiệm: Sở Nông nghiệp và Môi trường, giao theo thông báo kết luận ngày 05/03/2026; "
            "hạn trả lời bằng văn bản: 06/04/2026. Đã quá hạn 1 ngày mà chưa có văn bản trả lời, chuyển cấp có "
            "thẩm quyền hay thông báo vụ việc phức tạp."
            + AS + reason + "."
        )  # fmt: skip


def test_complex_target_words_in_full(complex_case, people):
    petition = complex_case.petition
    petition.refresh_from_db()
    with at(dt.date(2026, 6, 25)):
        reply_deadlines_enforce()
    reminder = Notification.objects.get(obligation="complex", recipient=people.agency)
    lead = (
        _reply_lead(petition) + "Sở Nông nghiệp và Môi trường đã thông báo vụ việc phức tạp, cần thêm thời gian; "
        "thời hạn giải quyết mới: 30/06/2026. "
    )
    assert reminder.title == f"Nhắc hạn giải quyết vụ việc phức tạp, kiến nghị #{petition.pk} (còn 5 ngày)"
    assert reminder.body == (
        lead + "Đề nghị trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày 30/06/2026."
        + AS + "cán bộ của đơn vị chịu trách nhiệm giải quyết."
    )  # fmt: skip
    assert (reminder.url, reminder.session_id, reminder.due_on) == (
        reverse("petitions:detail", args=[petition.pk]), petition.session_id, dt.date(2026, 6, 30),
    )  # fmt: skip
    with at(dt.date(2026, 7, 3)):
        reply_deadlines_enforce()
    overdue = Notification.objects.get(obligation="complex", stage="overdue", recipient=people.front)
    assert overdue.title == (
        f"Quá hạn giải quyết vụ việc phức tạp, kiến nghị #{petition.pk} (Sở Nông nghiệp và Môi trường)"
    )
    assert overdue.body == (
        lead + "Đã quá thời hạn đơn vị tự đặt 3 ngày mà chưa có văn bản trả lời cuối cùng."
        + AS + "Mặt trận Tổ quốc, tổ chức chính trị - xã hội tại địa bàn (đồng gửi để giám sát)."
    )  # fmt: skip


def test_petition_content_is_quoted_whole_up_to_160_characters_and_cut_beyond(assigned, people):
    exact, long_ = assigned[0], assigned[1]
    type(exact).objects.filter(pk=exact.pk).update(content="a" * 160)
    type(long_).objects.filter(pk=long_.pk).update(content="b" * 157 + "cdef")
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    assert f"“{'a' * 160}”." in Notification.objects.filter(petition=exact).first().body
    assert f"“{'b' * 157}...”." in Notification.objects.filter(petition=long_).first().body


def test_a_petition_without_its_notice_date_says_so_with_a_dash(assigned, people):
    type(assigned[0]).objects.filter(pk=assigned[0].pk).update(assigned_on=None)
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    body = Notification.objects.filter(petition=assigned[0]).first().body
    assert "giao theo thông báo kết luận ngày —; hạn trả lời bằng văn bản: 06/04/2026." in body


def test_a_very_long_topic_is_cut_to_the_title_column(session, people):
    type(session).objects.filter(pk=session.pk).update(topic="Đối thoại " * 40)
    with at(day(NOTICE_DUE, 1)):
        notice_deadlines_enforce()
    titles = set(Notification.objects.values_list("title", flat=True))
    assert len(titles) == 1 and len(titles.pop()) == 300


# --- stages, counts and recipients --------------------------------------------------------------


def test_three_reminder_stages_each_cover_the_days_until_the_next():
    assert [(s.name, s.min_left, s.max_left) for s in stages_for([3, 7, 1, 3, -2])] == [
        ("remind_7", 4, 7),
        ("remind_3", 2, 3),
        ("remind_1", 0, 1),
        ("overdue", None, -1),
    ]


@override_settings(NOTICE_REMINDER_DAYS=[7, 3, 1])
def test_middle_reminder_stage_fires_two_days_before(session, people):
    with at(day(NOTICE_DUE, -2)):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_3", "staff")]
    assert "(còn 2 ngày)" in Notification.objects.get().title


def test_report_counts_the_obligations_and_notifications_of_every_stage(assigned, people, complex_case):
    # Two petitions wait for a reply (the third is under a complex-case notice), due in 5 days.
    with at(day(REPLY_DUE, -5)):
        report = reply_deadlines_enforce()
    assert report.obligations == {
        ("reply", "remind_5"): 2,
        ("reply", "remind_1"): 0,
        ("reply", "overdue"): 0,
        ("complex", "remind_5"): 0,
        ("complex", "remind_1"): 0,
        ("complex", "overdue"): 0,
    }
    assert report.created == {**report.obligations, ("reply", "remind_5"): 4}
    assert report.as_dict() == {
        "today": "2026-04-01",
        "created": {
            "reply:remind_5": 4, "reply:remind_1": 0, "reply:overdue": 0,
            "complex:remind_5": 0, "complex:remind_1": 0, "complex:overdue": 0,
        },
        "obligations": {
            "reply:remind_5": 2, "reply:remind_1": 0, "reply:overdue": 0,
            "complex:remind_5": 0, "complex:remind_1": 0, "complex:overdue": 0,
        },
        "total_created": 4,
    }  # fmt: skip
    with at(day(REPLY_DUE, -5)):
        again = reply_deadlines_enforce()
    assert again.obligations[("reply", "remind_5")] == 0 and again.total_created == 0


def test_a_user_reached_through_two_roles_is_notified_and_counted_once(assigned, people, province):
    # The head of the agency is also one of its officers: one notification each, not two.
    f.MembershipFactory(user=people.agency_head, unit=province.agency, role="agency")
    with at(day(REPLY_DUE, 1)):
        report = reply_deadlines_enforce()
    assert report.created[("reply", "overdue")] == 5 * 3
    assert Notification.objects.filter(recipient=people.agency_head).count() == 3
    event = PetitionEvent.objects.get(petition=assigned[0], kind=EventKind.ESCALATED)
    assert event.message == (
        f"Quá hạn trả lời kiến nghị #{assigned[0].pk} (Sở Nông nghiệp và Môi trường) – đã gửi thông báo tới 5 người."
    )
    assert sorted(event.data["recipients"]) == sorted(
        u.pk for u in (people.agency_head, people.chair, people.agency, people.agency_no_email, people.front)
    )
    assert (event.data["obligation"], event.data["stage"]) == ("reply", "overdue")


def test_reminder_on_the_timeline_names_the_stage(assigned, people):
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    event = PetitionEvent.objects.get(petition=assigned[0], kind=EventKind.REMINDED)
    assert event.message == f"Nhắc hạn trả lời kiến nghị #{assigned[0].pk} (còn 5 ngày) – đã gửi thông báo tới 2 người."
    assert (event.data["obligation"], event.data["stage"]) == ("reply", "remind_5")


def test_of_two_complex_notices_on_the_same_day_the_latest_is_chased(complex_case, people):
    with at(day(NOTICE_ON, 10), 11):
        latest = petition_services.complex_notice_send(
            petition=complex_case.petition, notified_on=day(NOTICE_ON, 10), new_target_on=dt.date(2026, 6, 30),
            target_reason="Chờ kết quả đo đạc", reason="Bổ sung: cần ý kiến của Sở Tài chính", actor=people.agency,
        )  # fmt: skip
    with at(dt.date(2026, 7, 1)):
        reply_deadlines_enforce()
    chased = set(Notification.objects.filter(obligation="complex").values_list("object_id", flat=True))
    assert chased == {latest.pk}


def test_an_obligation_a_layer_registers_is_chased_by_the_daily_job(monkeypatch, session, people):
    from notifications import engine, obligations

    monkeypatch.setattr(engine, "OBLIGATIONS", {})
    assert engine.register(obligations.NOTICE) is obligations.NOTICE
    assert engine.OBLIGATIONS == {"notice": obligations.NOTICE}
    with at(day(NOTICE_DUE, -3)):
        report = deadlines_enforce()
    assert report.total_created == 1 and keys() == [("notice", "remind_3", "staff")]


def test_a_leader_member_of_the_responsible_unit_is_escalated_to_as_its_head(assigned, people, province):
    deputy = f.UserFactory(username="deputy")
    f.MembershipFactory(user=deputy, unit=province.agency, role="leader")
    with at(day(REPLY_DUE, 1)):
        reply_deadlines_enforce()
    assert Notification.objects.filter(recipient=deputy, stage="overdue").count() == 3
    assert (
        Notification.objects.filter(recipient=deputy)
        .first()
        .body.endswith("người đứng đầu đơn vị chịu trách nhiệm giải quyết.")
    )


@override_settings(NOTICE_REMINDER_DAYS=[14, 1])
def test_a_session_not_yet_held_is_not_reminded_even_by_a_long_reminder(province, people):
    from tests.deadline_world import HELD_ON

    held_on = day(HELD_ON, 2)
    f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=held_on)  # due 12 days from HELD_ON
    with at(HELD_ON):
        notice_deadlines_enforce()
    assert not Notification.objects.exists()
    with at(held_on):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_14", "staff")]


def test_a_withdrawn_petition_is_chased_neither_for_its_reply_nor_its_complex_target(complex_case, people, assigned):
    under_complex, waiting = complex_case.petition, assigned[1]
    for petition in (under_complex, waiting):
        petition_services.petition_withdraw(petition=petition, reason="Nhập trùng", actor=people.staff)
    for today in (day(REPLY_DUE, 1), dt.date(2026, 7, 1)):
        with at(today):
            reply_deadlines_enforce()
    assert not Notification.objects.filter(petition__in=[under_complex, waiting]).exists()
    assert Notification.objects.filter(petition=assigned[2], stage="overdue").exists()


# --- who answers for a unit (the engine's directory) -------------------------------------------


def _member(name, unit, role, **kw):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role, **kw)
    return user


def test_staff_of_the_organising_unit_itself_and_of_its_area_are_both_reminded(session, people, province):
    _member("ubnd_staff", province.ubnd, "staff")
    with at(day(NOTICE_DUE, -3)):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_3", "staff"), ("notice", "remind_3", "ubnd_staff")]


def test_a_member_whose_organisation_is_the_unit_answers_for_it_whatever_their_scope(session, people, province):
    _member("office_staff", province.commune_area, "staff", organisation=province.ubnd)
    with at(day(NOTICE_DUE, -3)):
        notice_deadlines_enforce()
    assert ("notice", "remind_3", "office_staff") in keys()


def test_an_ended_membership_is_not_reminded(session, people, province):
    _member("former_staff", province.ubnd, "staff", is_active=False)
    with at(day(NOTICE_DUE, -3)):
        notice_deadlines_enforce()
    assert keys() == [("notice", "remind_3", "staff")]


def test_agency_officers_of_the_parent_unit_are_not_reminded_of_the_agencys_petitions(assigned, people, province):
    # The Sở is under the People's Committee: its officers answer for the Sở, the UBND's do not.
    _member("ubnd_agency", province.ubnd, "agency")
    with at(day(REPLY_DUE, -5)):
        reply_deadlines_enforce()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"agency", "agency_no_email"}


def test_on_postgresql_each_stage_of_each_obligation_queues_behind_its_own_advisory_lock(monkeypatch):
    """Runs of the same stage wait for each other; the key is the same in every process (crc32,
    not Python's per-process string hash), and differs between stages and obligations."""
    import zlib

    from django.db import connection

    from notifications import engine

    executed = []

    class Cursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params):
            executed.append((sql, params))

    monkeypatch.setattr(connection, "vendor", "postgresql")
    monkeypatch.setattr(connection, "cursor", Cursor)
    engine._serialise("reply", "remind_5")
    engine._serialise("complex", "remind_5")
    assert executed == [
        ("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(b"deadline:reply:remind_5")]),
        ("SELECT pg_advisory_xact_lock(%s)", [zlib.crc32(b"deadline:complex:remind_5")]),
    ]


def _replace_notice_recipients(monkeypatch, recipients):
    import dataclasses

    from notifications import engine, obligations

    monkeypatch.setitem(engine.OBLIGATIONS, "notice", dataclasses.replace(obligations.NOTICE, recipients=recipients))


def test_a_row_whose_recipients_name_nobody_records_nothing(monkeypatch, session, people):
    _replace_notice_recipients(monkeypatch, lambda rows, stage, today: {})
    with at(day(NOTICE_DUE, 1)):
        report = notice_deadlines_enforce()
    assert report.obligations[("notice", "overdue")] == 1
    assert report.total_created == 0 and not Notification.objects.exists()


def test_a_notification_another_worker_recorded_meanwhile_is_neither_repeated_nor_counted(monkeypatch, session, people):
    """Between a stage's query and its insert another run may record some of the same keys
    (without PostgreSQL's advisory lock): they are left alone and not counted as this run's."""
    from notifications import obligations

    def racing(rows, stage, today):
        who = obligations._notice_recipients(rows, stage, today)
        first_user = who[rows[0]["pk"]][0][0]
        Notification.objects.create(
            recipient_id=first_user, obligation="notice", object_id=rows[0]["pk"], stage=stage.name,
            session_id=rows[0]["pk"], due_on=rows[0]["notice_due_on"], title="Ghi bởi lượt chạy khác",
        )  # fmt: skip
        return who

    _replace_notice_recipients(monkeypatch, racing)
    with at(day(NOTICE_DUE, 1)):
        report = notice_deadlines_enforce()
    assert report.created[("notice", "overdue")] == 3
    assert Notification.objects.filter(stage="overdue").count() == 4
    assert Notification.objects.get(recipient=people.chair).title == "Ghi bởi lượt chạy khác"


def test_a_petition_another_worker_fully_notified_meanwhile_gets_no_second_timeline_event(
    monkeypatch, assigned, people
):
    import dataclasses

    from notifications import engine, obligations

    raced = []

    def racing(rows, stage, today, *, key_field):
        who = obligations._petition_recipients(rows, stage, today, key_field=key_field)
        first = rows[0]["pk"]
        raced.append(first)
        for user_id, _reason in who[first]:
            Notification.objects.create(
                recipient_id=user_id, obligation="reply", object_id=first, stage=stage.name, petition_id=first,
                session_id=rows[0]["session_id"], title="Ghi bởi lượt chạy khác",
            )  # fmt: skip
        return who

    monkeypatch.setitem(
        engine.OBLIGATIONS, "reply", dataclasses.replace(obligations.REPLY, recipients=partial(racing, key_field="pk"))
    )
    with at(day(REPLY_DUE, -5)):
        report = reply_deadlines_enforce()
    assert report.created[("reply", "remind_5")] == 4
    reminded = set(PetitionEvent.objects.filter(kind=EventKind.REMINDED).values_list("petition_id", flat=True))
    assert reminded == {p.pk for p in assigned} - set(raced) and len(reminded) == 2


def test_each_stage_run_is_logged_with_its_counts(session, people, caplog):
    with caplog.at_level("INFO", logger="notifications.engine"), at(day(NOTICE_DUE, 1)):
        notice_deadlines_enforce()
    assert [r.getMessage() for r in caplog.records if r.name == "notifications.engine"] == [
        "Deadline notice/overdue on 2026-03-13: 1 obligations, 4 notifications",
    ]


def test_a_run_for_a_given_day_works_on_that_day_not_the_clocks(session, people):
    from notifications.engine import obligation_enforce

    with at(day(NOTICE_DUE, 30)):
        report = obligation_enforce("notice", today=day(NOTICE_DUE, -3))
    assert report.today == day(NOTICE_DUE, -3) and report.as_dict()["today"] == "2026-03-09"
    assert keys() == [("notice", "remind_3", "staff")]
    with at(day(NOTICE_DUE, 30)):
        report = deadlines_enforce(today=day(NOTICE_DUE, -1), kinds=["notice"])
    assert report.today == day(NOTICE_DUE, -1)
    assert keys() == [("notice", "remind_1", "staff"), ("notice", "remind_3", "staff")]


def test_the_directory_of_a_batch_reads_only_its_units_roles_and_users(assigned, people, province):
    """The recipients of a whole stage come from two queries: they must read the batch's units
    and roles only, not every membership and head of the country."""
    from notifications.engine import Directory, _active_emails, unit_parents

    _member("agency_deputy", province.agency, "leader")
    units = unit_parents([province.agency.pk])
    directory = Directory(units, {"agency", "head"}, day(REPLY_DUE, 1))
    assert {unit for unit, _role in directory.by_unit} <= {province.agency.pk, province.ubnd.pk}
    assert {role for _unit, role in directory.by_unit} == {"agency"}
    assert dict(directory.heads) == {province.agency.pk: [people.agency_head.pk]}
    assert _active_emails([people.agency.pk, people.agency_no_email.pk]) == {
        people.agency.pk: "agency@example.vn",
        people.agency_no_email.pk: "",
    }
