"""Stored due dates follow the calendar (issue 12, point 4): adding, changing or removing a day off
or a working-day override, in the admin or by the services, recomputes every stored due date of
an *open* obligation through the legal clock; met obligations keep theirs; each change is on the
timeline and notified to the obligation's owners; the explanation shown matches the stored date."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from notifications.events import events_dispatch
from notifications.models import Notification, ObligationKind
from petitions.deadlines import explain_due_date, forwarded_due_date, notice_due_date, reply_due_date
from petitions.models import EventKind, Petition, PetitionStatus
from petitions.selectors import explain_reply_due, petition_due_lines
from petitions.services import (
    notice_issue,
    petition_forward,
    reply_assess,
    reply_record,
    session_record_with_petitions,
    supplementary_request,
)
from regulations import deadlines
from regulations.models import CalendarDay, CalendarDayKind
from regulations.services import calendar_day_remove, calendar_day_save
from sessions.models import DialogueSession, SessionEventKind
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _user(name, unit, role):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def world(province, staff_user, agency_user):
    """An open session (notice not issued), and a session whose notice of 19/03 gave three
    petitions to the agency: one still waiting, one replied (met), one forwarded to the party
    committee (its target open)."""

    class World:
        staff = staff_user
        agency = agency_user
        party_officer = _user("party_officer", province.party, "agency")
        front = _user("front", province.province, "front")

    w = World()
    w.open_session = session_record_with_petitions(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 3, 18), topic="Đối thoại mở",
        place="Hội trường", actor=staff_user, chair_name="Đồng chí Chủ tịch",
    )  # fmt: skip
    issued = session_record_with_petitions(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 3, 16), topic="Đối thoại đã có thông báo",
        place="Hội trường", actor=staff_user, chair_name="Đồng chí Chủ tịch",
        petitions=[{"petitioner_name": f"Ông {n}", "content": f"Kiến nghị {n}"} for n in "ABC"],
    )  # fmt: skip
    w.waiting, w.replied, w.forwarded = list(issued.petitions.order_by("id"))
    notice_issue(
        session=issued, number=1, symbol="TB-UBND", issued_on=D(2026, 3, 19), actor=staff_user,
        assignments={p.pk: province.agency for p in (w.waiting, w.replied, w.forwarded)},
    )  # fmt: skip
    reply_record(petition=w.replied, replied_on=D(2026, 3, 20), number="1/SNN", summary="Đã trả lời", actor=agency_user)
    w.forwarding = petition_forward(
        petition=w.forwarded, to_unit=province.party, reason="Thẩm quyền", forwarded_on=D(2026, 3, 20),
        actor=agency_user,
    )  # fmt: skip
    return w


def _p(petition):
    return Petition.objects.get(pk=petition.pk)


def _next_working_day(day):
    day += dt.timedelta(days=1)
    while deadlines.is_rest_day(day):
        day += dt.timedelta(days=1)
    return day


def test_a_day_off_on_the_due_date_moves_open_obligations_and_keeps_met_ones(world):
    due = _p(world.waiting).reply_due_on
    assert due == reply_due_date(D(2026, 3, 19)) and not deadlines.is_rest_day(due)
    met_due = _p(world.replied).reply_due_on
    moved = calendar_day_save(
        calendar_day=CalendarDay(day=due, kind=CalendarDayKind.DAY_OFF, note="Nghỉ bù"), actor=world.staff
    )
    waiting = _p(world.waiting)
    assert waiting.reply_due_on == _next_working_day(due) == reply_due_date(D(2026, 3, 19))
    assert _p(world.replied).reply_due_on == met_due == due  # met on 20/03: it keeps its date
    event = waiting.events.get(kind=EventKind.DUE_RECOMPUTED)
    assert event.get_kind_display() == "Hạn thay đổi do điều chỉnh lịch nghỉ"
    assert "thay đổi do điều chỉnh lịch nghỉ" in event.message and event.actor == world.staff
    assert event.data == {
        "obligation": "reply",
        "old": due.isoformat(),
        "new": waiting.reply_due_on.isoformat(),
        "unit_id": waiting.assigned_unit_id,
    }
    assert not _p(world.replied).events.filter(kind=EventKind.DUE_RECOMPUTED).exists()
    # The explanation shown on the page is the stored date, with the day off in it.
    explanation = explain_reply_due(waiting)
    assert explanation.due == waiting.reply_due_on and "Nghỉ bù" in explanation.as_text()
    assert moved >= 1


def test_removing_the_day_off_moves_the_date_back(world):
    due = _p(world.waiting).reply_due_on
    override = CalendarDay(day=due, kind=CalendarDayKind.DAY_OFF, note="Nghỉ bù")
    calendar_day_save(calendar_day=override, actor=world.staff)
    calendar_day_remove(calendar_day=override, actor=world.staff)
    waiting = _p(world.waiting)
    assert waiting.reply_due_on == due
    assert waiting.events.filter(kind=EventKind.DUE_RECOMPUTED).count() == 2


def test_changing_the_day_of_an_override_recomputes_both_days(world):
    due = _p(world.waiting).reply_due_on
    override = CalendarDay(day=due, kind=CalendarDayKind.DAY_OFF, note="Nghỉ bù")
    calendar_day_save(calendar_day=override, actor=world.staff)
    override.day = D(2026, 12, 1)
    calendar_day_save(calendar_day=override, actor=world.staff)
    assert _p(world.waiting).reply_due_on == due


def test_a_working_saturday_shortens_a_due_date_that_rolled_past_the_weekend(world):
    # The notice of an open session held 18/03 is due 28/03 (a Saturday), rolled to Monday 30/03.
    session = DialogueSession.objects.get(pk=world.open_session.pk)
    assert session.notice_due_on == D(2026, 3, 30)
    calendar_day_save(
        calendar_day=CalendarDay(day=D(2026, 3, 28), kind=CalendarDayKind.WORKING_DAY, note="Làm bù"), actor=None
    )
    session.refresh_from_db()
    assert session.notice_due_on == D(2026, 3, 28) == notice_due_date(D(2026, 3, 18))
    event = session.events.get(kind=SessionEventKind.DUE_RECOMPUTED)
    assert "30/03/2026 → 28/03/2026" in event.message


def test_a_change_outside_an_obligations_window_touches_nothing(world):
    before = {p.pk: p.reply_due_on for p in Petition.objects.all()}
    calendar_day_save(calendar_day=CalendarDay(day=D(2026, 3, 19), kind=CalendarDayKind.DAY_OFF), actor=None)
    assert {p.pk: p.reply_due_on for p in Petition.objects.all()} == before
    assert not Petition.objects.filter(events__kind=EventKind.DUE_RECOMPUTED).exists()
    assert not world.open_session.events.filter(kind=SessionEventKind.DUE_RECOMPUTED).exists()


def test_the_forwarded_target_and_a_supplementary_reply_follow_the_calendar(world, province):
    due = world.forwarding.due_on
    assert due == forwarded_due_date(D(2026, 3, 20))
    calendar_day_save(calendar_day=CalendarDay(day=due, kind=CalendarDayKind.DAY_OFF), actor=None)
    world.forwarding.refresh_from_db()
    assert world.forwarding.due_on == _next_working_day(due) == _p(world.forwarded).forward_due_on
    event = _p(world.forwarded).events.get(kind=EventKind.DUE_RECOMPUTED)
    assert event.data["obligation"] == "forwarded" and event.data["unit_id"] == province.party.pk

    reply = world.replied.replies.get()
    reply_assess(reply=reply, assessor=world.front, result="unsatisfied", reason="Chưa rõ", assessed_on=TODAY)
    request = supplementary_request(petition=_p(world.replied), reason="Bổ sung", actor=world.staff)
    old = request.due_on
    assert not deadlines.is_rest_day(old)
    calendar_day_save(calendar_day=CalendarDay(day=old, kind=CalendarDayKind.DAY_OFF), actor=None)
    request.refresh_from_db()
    assert request.due_on == _next_working_day(old) == deadlines.supplementary_due_date(TODAY)
    assert _p(world.replied).supplementary_due_on == request.due_on
    event = _p(world.replied).events.get(kind=EventKind.DUE_RECOMPUTED)
    assert event.data["obligation"] == "supplementary"


def test_owners_are_notified_of_the_change(world, province):
    session_staff = world.staff
    calendar_day_save(
        calendar_day=CalendarDay(day=_p(world.waiting).reply_due_on, kind=CalendarDayKind.DAY_OFF), actor=None
    )
    calendar_day_save(calendar_day=CalendarDay(day=D(2026, 3, 30), kind=CalendarDayKind.DAY_OFF), actor=None)
    events_dispatch()
    notes = Notification.objects.filter(obligation=ObligationKind.EVENT, stage=EventKind.DUE_RECOMPUTED)
    # The reply's owner (the agency) and the forwarded target's owner (the party committee).
    assert {(n.petition_id, n.recipient.username) for n in notes} == {
        (world.waiting.pk, "agency"),
        (world.forwarded.pk, "party_officer"),
    }
    session_note = Notification.objects.get(obligation=ObligationKind.SESSION_EVENT)
    assert session_note.recipient == session_staff and session_note.session_id == world.open_session.pk
    assert "hạn gửi thông báo kết luận thay đổi" in session_note.title
    assert events_dispatch() == 0


def test_the_admin_calendar_recomputes_on_save_and_on_delete(world, client):
    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    due = _p(world.waiting).reply_due_on
    response = client.post(
        reverse("admin:regulations_calendarday_add"),
        {"day": due.strftime("%d/%m/%Y"), "kind": CalendarDayKind.DAY_OFF, "note": "Nghỉ Tết (lịch chính thức)"},
        follow=True,
    )
    assert response.status_code == 200
    assert CalendarDay.objects.filter(day=due).exists(), response.content.decode()[:2000]
    assert _p(world.waiting).reply_due_on == _next_working_day(due)
    assert "Đã tính lại" in response.content.decode()
    override = CalendarDay.objects.get(day=due)
    response = client.post(reverse("admin:regulations_calendarday_delete", args=[override.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert _p(world.waiting).reply_due_on == due


def test_the_command_recomputes_after_a_holidays_upgrade(world, monkeypatch):
    due = _p(world.waiting).reply_due_on
    upgraded = deadlines._public_holidays

    def with_new_holiday(country, year):
        days = dict(upgraded(country, year))
        if year == due.year:
            days[due] = "Ngày lễ mới"
        return days

    monkeypatch.setattr(deadlines, "_public_holidays", with_new_holiday)
    call_command("recompute_due_dates")
    waiting = _p(world.waiting)
    assert waiting.reply_due_on == _next_working_day(due)
    assert explain_due_date("reply", D(2026, 3, 19)).due == waiting.reply_due_on
    assert waiting.events.filter(kind=EventKind.DUE_RECOMPUTED).exists()


def test_the_page_flags_a_stored_date_that_no_longer_matches_the_calendar(world):
    waiting = _p(world.waiting)
    # A calendar change made behind the services' back (e.g. a holidays upgrade not yet recomputed).
    CalendarDay.objects.create(day=waiting.reply_due_on, kind=CalendarDayKind.DAY_OFF)
    (line,) = petition_due_lines(waiting, [], [], [])
    assert line.stale
    call_command("recompute_due_dates")
    (line,) = petition_due_lines(_p(world.waiting), [], [], [])
    assert not line.stale and line.due == line.explanation.due


def test_withdrawn_and_answered_obligations_are_left_alone(world, province):
    assert _p(world.forwarded).status == PetitionStatus.FORWARDED
    r3 = _p(world.forwarded).reply_due_on  # R3 met by the forwarding
    calendar_day_save(calendar_day=CalendarDay(day=r3, kind=CalendarDayKind.DAY_OFF), actor=None)
    assert _p(world.forwarded).reply_due_on == r3
