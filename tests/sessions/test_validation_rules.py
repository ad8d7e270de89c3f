"""Validation an office expects (issue 12, point 5): a session is recorded once held; a notice dated
well before the day it is recorded keeps the reason why; a session with nothing outstanding records
"không phát sinh nội dung phải thông báo" with its reason, which meets the 10-day obligation."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from notifications.obligations import notices_pending
from petitions.models import PetitionStatus
from petitions.services import (
    notice_issue,
    petition_clarify,
    session_no_notice_record,
    session_record_with_petitions,
)
from regulations.states import DeadlineState
from sessions.models import ConclusionNotice, DialogueSession, SessionEventKind
from sessions.selectors import with_notice_state
from sessions.services import session_record, session_update

D = dt.date
pytestmark = pytest.mark.django_db
TODAY = D(2026, 3, 20)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


HELD_ON = D(2026, 3, 10)


def _session(province, staff_user, held_on=HELD_ON, petitions=()):
    return session_record_with_petitions(
        organising_unit=province.ubnd, kind="periodic", held_on=held_on, topic="Đối thoại", place="Hội trường",
        actor=staff_user, chair_name="Đồng chí Chủ tịch", petitions=list(petitions),
    )  # fmt: skip


# --- held date ---------------------------------------------------------------------------------


def test_a_session_held_in_the_future_is_refused(province, staff_user):
    with pytest.raises(ValidationError) as error:
        session_record(
            organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 3, 21), topic="Đối thoại",
            place="Hội trường", actor=staff_user, chair_name="A",
        )  # fmt: skip
    assert "kế hoạch" in error.value.message_dict["held_on"][0]
    assert not DialogueSession.objects.exists()


def test_a_session_held_today_is_accepted(province, staff_user):
    session = _session(province, staff_user, held_on=TODAY)
    assert session.held_on == TODAY and session.notice_due_on > TODAY


def test_moving_a_session_into_the_future_is_refused(province, staff_user):
    session = _session(province, staff_user)
    with pytest.raises(ValidationError, match="không được sau ngày hôm nay"):
        session_update(session=session, actor=staff_user, held_on=D(2026, 4, 1))
    session.refresh_from_db()
    assert session.held_on == D(2026, 3, 10)


# --- back-dated notices ------------------------------------------------------------------------


def _issue(session, staff_user, province, issued_on, **kw):
    return notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=issued_on, actor=staff_user,
        assignments={p.pk: province.agency for p in session.petitions.filter(status="recorded")}, **kw,
    )  # fmt: skip


def test_a_notice_dated_more_than_the_allowed_days_back_needs_a_reason(province, staff_user, settings):
    settings.NOTICE_BACKDATE_DAYS = 3
    session = _session(province, staff_user, petitions=[{"petitioner_name": "A", "content": "Nội dung"}])
    with pytest.raises(ValidationError) as error:
        _issue(session, staff_user, province, D(2026, 3, 16))
    assert "quá 3 ngày" in error.value.message_dict["backdate_reason"][0]
    assert not ConclusionNotice.objects.exists()
    assert session.petitions.get().status == PetitionStatus.RECORDED


def test_a_back_dated_notice_keeps_its_reason_on_the_record_and_the_timeline(province, staff_user):
    session = _session(province, staff_user, petitions=[{"petitioner_name": "A", "content": "Nội dung"}])
    notice = _issue(session, staff_user, province, D(2026, 3, 12), backdate_reason="Văn thư chuyển bản ký muộn")
    assert notice.backdate_reason == "Văn thư chuyển bản ký muộn"
    event = session.events.get(kind=SessionEventKind.NOTICE_ISSUED)
    assert "Văn thư chuyển bản ký muộn" in event.message and event.actor == staff_user


def test_a_notice_dated_within_the_allowed_days_needs_no_reason(province, staff_user):
    session = _session(province, staff_user, petitions=[{"petitioner_name": "A", "content": "Nội dung"}])
    notice = _issue(session, staff_user, province, D(2026, 3, 17))
    assert notice.backdate_reason == ""


# --- nothing to notify -------------------------------------------------------------------------


def test_a_session_with_every_petition_clarified_records_no_notice_which_meets_r2(province, staff_user):
    session = _session(
        province,
        staff_user,
        petitions=[
            {"petitioner_name": "A", "content": "X", "clarified_at_conference": True, "conference_answer": "Đã rõ"}
        ],
    )
    session_no_notice_record(session=session, reason="Mọi ý kiến đã được làm rõ tại hội nghị", actor=staff_user)
    session.refresh_from_db()
    assert session.notice_issued_on == TODAY and session.no_notice_reason.startswith("Mọi ý kiến")
    assert with_notice_state(DialogueSession.objects.filter(pk=session.pk)).get().notice_state == DeadlineState.MET
    assert not notices_pending(TODAY).filter(pk=session.pk).exists()
    assert session.events.get(kind=SessionEventKind.NO_NOTICE).message.startswith("Mọi ý kiến")
    # Nothing more may be added, and no notice follows.
    with pytest.raises(ValidationError):
        _issue(session, staff_user, province, TODAY)


def test_a_session_with_no_petition_may_record_no_notice(province, staff_user):
    session = _session(province, staff_user)
    session_no_notice_record(session=session, reason="Không có kiến nghị", actor=staff_user)
    session.refresh_from_db()
    assert session.no_notice_reason == "Không có kiến nghị"


def test_no_notice_is_refused_while_a_petition_awaits_a_responsible_unit(province, staff_user):
    session = _session(province, staff_user, petitions=[{"petitioner_name": "A", "content": "X"}])
    with pytest.raises(ValidationError, match="Còn 1 kiến nghị"):
        session_no_notice_record(session=session, reason="Không cần", actor=staff_user)
    session.refresh_from_db()
    assert session.notice_issued_on is None and session.no_notice_reason == ""
    petition_clarify(petition=session.petitions.get(), answer="Đã trả lời tại hội nghị", actor=staff_user)
    session_no_notice_record(session=session, reason="Đã làm rõ hết", actor=staff_user)


@pytest.mark.parametrize("reason", ["", "   "])
def test_no_notice_needs_a_reason(province, staff_user, reason):
    session = _session(province, staff_user)
    with pytest.raises(ValidationError):
        session_no_notice_record(session=session, reason=reason, actor=staff_user)
    session.refresh_from_db()
    assert session.notice_issued_on is None


def test_no_notice_by_someone_outside_the_organising_area_is_refused(province, agency_user, staff_user):
    session = _session(province, staff_user)
    with pytest.raises(ValidationError, match="văn phòng"):
        session_no_notice_record(session=session, reason="Không cần", actor=agency_user)
