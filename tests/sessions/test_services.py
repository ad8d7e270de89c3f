"""Recording sessions and issuing the conclusion notice (R2, starting R3's clock)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from petitions.models import EventKind, Petition, PetitionStatus
from petitions.services import notice_issue, petition_assign, petition_clarify, petition_record, session_withdraw
from petitions.services import session_record_with_petitions as session_record
from sessions.models import ConclusionNotice, DialogueSession, NoticeRecipient
from sessions.services import notice_next_number, numbering_period, session_update
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _record(province, staff_user, **kw):
    data = dict(
        organising_unit=province.ubnd,
        kind="periodic",
        held_on=D(2026, 3, 10),
        topic="Đối thoại về bồi thường, giải phóng mặt bằng",
        place="Hội trường UBND tỉnh",
        actor=staff_user,
        participants=[{"name": "Ủy ban MTTQ tỉnh", "role": "front"}],
        petitions=[
            {"petitioner_name": "Ông Bùi Văn A", "content": "Đề nghị sửa đường liên xóm"},
            {
                "petitioner_name": "Bà Đinh Thị B",
                "content": "Hỏi về chính sách hỗ trợ",
                "clarified_at_conference": True,
                "conference_answer": "Đã giải thích",
            },
        ],
    )
    data.update(kw)
    return session_record(**data)


# --- session_record ---------------------------------------------------------------------------


def test_session_record_works_out_the_notice_due_date_and_records_petitions(province, staff_user):
    session = _record(province, staff_user)
    assert session.notice_due_on == D(2026, 3, 20)
    assert session.participants.count() == 1
    statuses = dict(session.petitions.values_list("petitioner_name", "status"))
    assert statuses == {"Ông Bùi Văn A": PetitionStatus.RECORDED, "Bà Đinh Thị B": PetitionStatus.CLARIFIED}
    clarified = session.petitions.get(status=PetitionStatus.CLARIFIED)
    assert list(clarified.events.values_list("kind", flat=True)) == [EventKind.RECORDED, EventKind.CLARIFIED]


def test_session_record_refuses_an_inactive_unit_and_changes_nothing(province, staff_user):
    province.commune.active_to = D(2025, 6, 30)
    province.commune.save()
    with pytest.raises(ValidationError) as excinfo:
        _record(province, staff_user, organising_unit=province.commune)
    assert "organising_unit" in excinfo.value.message_dict
    assert not DialogueSession.objects.exists() and not Petition.objects.exists()


def test_session_record_refuses_empty_topic(province, staff_user):
    with pytest.raises(ValidationError) as excinfo:
        _record(province, staff_user, topic="  ")
    assert "topic" in excinfo.value.message_dict
    assert not DialogueSession.objects.exists()


def test_session_record_with_a_bad_petition_row_records_nothing(province, staff_user):
    with pytest.raises(ValidationError):
        _record(
            province,
            staff_user,
            petitions=[{"petitioner_name": "A", "content": "ok"}, {"petitioner_name": "B", "content": ""}],
        )
    assert not DialogueSession.objects.exists() and not Petition.objects.exists()


def test_clarified_petition_requires_the_answer_given(province, staff_user):
    session = _record(province, staff_user, petitions=[])
    with pytest.raises(ValidationError):
        petition_record(
            session=session, actor=staff_user, petitioner_name="A", content="x", clarified_at_conference=True
        )
    assert not session.petitions.exists()


def test_session_update_recomputes_the_due_date(province, staff_user):
    session = _record(province, staff_user)
    # Held on 10/03, due 20/03 (today): not yet overdue, so the due date follows the new day.
    session_update(session=session, actor=staff_user, held_on=D(2026, 3, 11), date_change_reason="Nhập nhầm ngày")
    session.refresh_from_db()
    assert session.notice_due_on == D(2026, 3, 23)


def test_session_day_cannot_change_after_the_notice(province, staff_user):
    session = _record(province, staff_user)
    _issue(session, staff_user, province)
    with pytest.raises(ValidationError):
        session_update(session=session, actor=staff_user, held_on=D(2026, 3, 9))
    session.refresh_from_db()
    assert session.held_on == D(2026, 3, 10)


# --- clarify / assign -------------------------------------------------------------------------


def test_petition_clarify_closes_it_without_a_clock(province, staff_user):
    session = _record(province, staff_user)
    petition = session.petitions.get(status=PetitionStatus.RECORDED)
    petition_clarify(petition=petition, answer="Đã trả lời trực tiếp", actor=staff_user)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.CLARIFIED and petition.reply_due_on is None


def test_petition_clarify_refuses_an_empty_answer(province, staff_user):
    petition = _record(province, staff_user).petitions.get(status=PetitionStatus.RECORDED)
    with pytest.raises(ValidationError):
        petition_clarify(petition=petition, answer="", actor=staff_user)
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.RECORDED


def test_petition_assign_before_the_notice(province, staff_user):
    petition = _record(province, staff_user).petitions.get(status=PetitionStatus.RECORDED)
    petition_assign(petition=petition, unit=province.agency, actor=staff_user)
    petition.refresh_from_db()
    assert petition.assigned_unit == province.agency and petition.reply_due_on is None


# --- notice_issue -----------------------------------------------------------------------------


def _issue(session, staff_user, province, **kw):
    pending = session.petitions.filter(status=PetitionStatus.RECORDED)
    data = dict(
        session=session,
        number=12,
        symbol="TB-UBND",
        issued_on=D(2026, 3, 18),
        actor=staff_user,
        assignments={p.pk: province.agency for p in pending},
    )
    data.update(kw)
    return notice_issue(**data)


def test_notice_issue_assigns_remaining_petitions_and_starts_the_30_day_clock(province, staff_user):
    session = _record(province, staff_user)
    notice = _issue(session, staff_user, province)
    assert notice.reference == "Số: 12/TB-UBND"
    assert notice.numbering_period == "2026"
    petition = session.petitions.get(petitioner_name="Ông Bùi Văn A")
    assert petition.status == PetitionStatus.ASSIGNED
    assert petition.assigned_unit == province.agency
    assert petition.assigned_on == D(2026, 3, 18)
    assert petition.reply_due_on == D(2026, 4, 17)
    clarified = session.petitions.get(petitioner_name="Bà Đinh Thị B")
    assert clarified.status == PetitionStatus.CLARIFIED and clarified.reply_due_on is None
    assert list(NoticeRecipient.objects.filter(notice=notice).values_list("unit", flat=True)) == [province.agency.pk]
    assert petition.events.filter(kind=EventKind.NOTICE_ISSUED).count() == 1
    session.refresh_from_db()
    assert session.notice_issued_on == D(2026, 3, 18)


def test_party_notice_is_numbered_per_committee_term(province, staff_user):
    session = _record(province, staff_user, organising_unit=province.party, petitions=[])
    notice = _issue(session, staff_user, province, symbol="TB/TU")
    assert notice.reference == "Số 12-TB/TU"
    assert notice.numbering_period == "NK2025"
    assert numbering_period(document_format="party", issued_on=D(2025, 9, 30)) == "NK2020"


def test_notice_refused_for_a_session_not_yet_held(province, staff_user):
    # Such a session can no longer be recorded; one from before that rule still cannot get a notice.
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 3, 25))
    f.PetitionFactory(session=session)
    with pytest.raises(ValidationError, match="chưa diễn ra"):
        _issue(session, staff_user, province, issued_on=D(2026, 3, 20))
    assert not ConclusionNotice.objects.exists()
    assert not session.petitions.filter(status=PetitionStatus.ASSIGNED).exists()


def test_notice_refused_when_dated_before_the_session(province, staff_user):
    session = _record(province, staff_user)
    with pytest.raises(ValidationError) as excinfo:
        _issue(session, staff_user, province, issued_on=D(2026, 3, 9))
    assert "issued_on" in excinfo.value.message_dict
    assert not ConclusionNotice.objects.exists()


def test_notice_refused_when_dated_in_the_future(province, staff_user):
    session = _record(province, staff_user)
    with pytest.raises(ValidationError):
        _issue(session, staff_user, province, issued_on=D(2026, 3, 21))
    assert not ConclusionNotice.objects.exists()


def test_notice_refused_when_a_petition_has_no_responsible_unit(province, staff_user):
    session = _record(province, staff_user)
    with pytest.raises(ValidationError, match="Chưa chọn đơn vị"):
        _issue(session, staff_user, province, assignments={})
    assert not ConclusionNotice.objects.exists()
    assert session.petitions.get(petitioner_name="Ông Bùi Văn A").status == PetitionStatus.RECORDED


def test_notice_refused_twice_for_the_same_session(province, staff_user):
    session = _record(province, staff_user)
    _issue(session, staff_user, province)
    with pytest.raises(ValidationError, match="đã có thông báo"):
        _issue(session, staff_user, province, number=13)
    assert ConclusionNotice.objects.count() == 1


def test_notice_number_already_used_in_the_period_is_refused(province, staff_user):
    first = _record(province, staff_user)
    _issue(first, staff_user, province)
    second = _record(province, staff_user, topic="Đối thoại lần 2")
    with pytest.raises(ValidationError) as excinfo:
        _issue(second, staff_user, province)
    assert "number" in excinfo.value.message_dict
    assert ConclusionNotice.objects.count() == 1
    assert not second.petitions.filter(status=PetitionStatus.ASSIGNED).exists()
    assert notice_next_number(session=second, symbol="TB-UBND", issued_on=D(2026, 3, 18)) == 13


def test_notice_refuses_a_petition_of_another_session(province, staff_user):
    session = _record(province, staff_user)
    other = _record(province, staff_user, topic="Khác").petitions.get(status=PetitionStatus.RECORDED)
    with pytest.raises(ValidationError):
        _issue(session, staff_user, province, assignments={other.pk: province.agency})
    assert not ConclusionNotice.objects.exists()


def test_petitions_cannot_be_added_after_the_notice(province, staff_user):
    session = _record(province, staff_user)
    _issue(session, staff_user, province)
    with pytest.raises(ValidationError, match="thông báo kết luận"):
        petition_record(session=session, actor=staff_user, petitioner_name="C", content="Muộn")
    assert session.petitions.count() == 2


def test_session_withdraw_keeps_everything_and_withdraws_petitions(province, staff_user):
    session = _record(province, staff_user)
    with pytest.raises(ValidationError):
        session_withdraw(session=session, reason=" ", actor=staff_user)
    session_withdraw(session=session, reason="Nhập trùng", actor=staff_user)
    assert DialogueSession.objects.filter(pk=session.pk, withdrawn_at__isnull=False).exists()
    assert set(session.petitions.values_list("status", flat=True)) == {PetitionStatus.WITHDRAWN}


def test_models_refuse_hard_delete(province, staff_user):
    from django.db.models import ProtectedError

    session = _record(province, staff_user)
    with pytest.raises(ProtectedError):
        session.delete()
    with pytest.raises(ProtectedError):
        Petition.objects.all().delete()
    event = session.petitions.first().events.first()
    with pytest.raises(ProtectedError):
        event.delete()
    with pytest.raises(ProtectedError):
        event.save()


# --- recipients, signed file, participants ----------------------------------------------------


def test_recipient_received_day_is_recorded_and_checked(province, staff_user):
    from sessions.services import notice_recipient_mark_received

    notice = _issue(_record(province, staff_user), staff_user, province)
    recipient = notice.recipients.get()
    with pytest.raises(ValidationError):
        notice_recipient_mark_received(recipient=recipient, received_on=D(2026, 3, 17), actor=staff_user)
    with pytest.raises(ValidationError):
        notice_recipient_mark_received(recipient=recipient, received_on=D(2026, 3, 21), actor=staff_user)
    recipient.refresh_from_db()
    assert recipient.received_on is None
    notice_recipient_mark_received(recipient=recipient, received_on=D(2026, 3, 19), actor=staff_user)
    recipient.refresh_from_db()
    assert recipient.received_on == D(2026, 3, 19)


def test_signed_scan_is_validated_and_stored_under_a_random_name(province, staff_user, pdf_upload):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from sessions.services import notice_attach_signed

    notice = _issue(_record(province, staff_user), staff_user, province)
    with pytest.raises(ValidationError):
        notice_attach_signed(notice=notice, signed_file=SimpleUploadedFile("x.pdf", b"<html>"), actor=staff_user)
    notice.refresh_from_db()
    assert not notice.signed_file
    notice_attach_signed(notice=notice, signed_file=pdf_upload("thong-bao-ky.pdf"), actor=staff_user)
    notice.refresh_from_db()
    assert notice.signed_file_name == "thong-bao-ky.pdf" and "thong-bao" not in notice.signed_file.name


def test_participant_needs_a_name(province, staff_user):
    from sessions.services import participant_add

    session = _record(province, staff_user, participants=[])
    with pytest.raises(ValidationError):
        participant_add(session=session, name=" ")
    assert not session.participants.exists()
