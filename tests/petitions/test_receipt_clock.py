"""Where R3's clock starts (issue 12, point 6): the notice's issue date by default; with
``REPLY_CLOCK_START=receipt`` each unit's clock restarts from the receipt date recorded for it."""

import datetime as dt

import pytest
import time_machine

from petitions.deadlines import reply_due_date
from petitions.models import ClockStart, EventKind, Petition
from petitions.selectors import explain_reply_due, petition_due_lines
from petitions.services import notice_issue, notice_receipt_record, reply_record, session_record_with_petitions
from regulations.deadlines import reply_clock_starts_on_receipt

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def notice(province, staff_user):
    """Notice of 20/03/2026: petitions A and B to the agency, C to the commune."""
    session = session_record_with_petitions(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 3, 16), topic="Đối thoại",
        place="Hội trường", actor=staff_user, chair_name="Đồng chí Chủ tịch",
        petitions=[{"petitioner_name": n, "content": f"Kiến nghị {n}"} for n in "ABC"],
    )  # fmt: skip
    a, b, c = session.petitions.order_by("id")
    return notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=D(2026, 3, 20), actor=staff_user,
        assignments={a.pk: province.agency, b.pk: province.agency, c.pk: province.commune}, backdate_reason="Nhập muộn",
    )  # fmt: skip


def _recipient(notice, unit):
    return notice.recipients.get(unit=unit)


def _petitions(notice):
    return list(Petition.objects.filter(session=notice.session).order_by("id"))


def test_by_default_the_clock_starts_on_the_issue_date_and_a_receipt_changes_nothing(notice, province, staff_user):
    assert not reply_clock_starts_on_receipt()
    notice_receipt_record(recipient=_recipient(notice, province.agency), received_on=D(2026, 3, 23), actor=staff_user)
    for petition in _petitions(notice):
        assert petition.reply_starts_on == D(2026, 3, 20) and petition.reply_start_basis == ClockStart.ISSUE
        assert petition.reply_due_on == reply_due_date(D(2026, 3, 20))
    assert not Petition.objects.filter(events__kind=EventKind.CLOCK_RESTARTED).exists()


def test_with_receipt_the_units_clock_restarts_from_its_receipt(notice, province, staff_user, agency_user, settings):
    settings.REPLY_CLOCK_START = "receipt"
    a, b, c = _petitions(notice)
    # Until a receipt is recorded the due date counts from the issue date, and the page says so.
    (line,) = petition_due_lines(a, [], [], [])
    assert "tạm tính" in line.note
    reply_record(petition=b, replied_on=D(2026, 3, 22), number="1/SNN", summary="Đã trả lời", actor=agency_user)
    notice_receipt_record(recipient=_recipient(notice, province.agency), received_on=D(2026, 3, 23), actor=staff_user)
    a, b, c = _petitions(notice)
    assert a.reply_starts_on == D(2026, 3, 23) and a.reply_start_basis == ClockStart.RECEIPT
    assert a.reply_due_on == reply_due_date(D(2026, 3, 23))
    event = a.events.get(kind=EventKind.CLOCK_RESTARTED)
    assert event.data["new"] == a.reply_due_on.isoformat() and event.data["unit_id"] == province.agency.pk
    # Answered already: its date is kept. Another unit's petition waits for its own receipt.
    assert b.reply_due_on == reply_due_date(D(2026, 3, 20)) and b.reply_start_basis == ClockStart.ISSUE
    assert c.reply_due_on == reply_due_date(D(2026, 3, 20)) and c.reply_start_basis == ClockStart.ISSUE
    explanation = explain_reply_due(a)
    assert explanation.due == a.reply_due_on
    assert "ngày nhận thông báo kết luận 23/03/2026" in explanation.as_text()
    (line,) = petition_due_lines(a, [], [], [])
    assert line.note == "" and not line.stale


def test_an_unknown_clock_start_setting_is_refused(settings):
    settings.REPLY_CLOCK_START = "sometime"
    with pytest.raises(ValueError, match="REPLY_CLOCK_START"):
        reply_clock_starts_on_receipt()
