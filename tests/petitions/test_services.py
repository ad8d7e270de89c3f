"""Written replies (R3), forwardings (R4), complex-case notices (R5), notes and withdrawals."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from petitions.models import ComplexCaseNotice, EventKind, Forwarding, PetitionStatus, WrittenReply
from petitions.selectors import with_reply_states
from petitions.services import (
    complex_notice_send,
    petition_forward,
    petition_withdraw,
    reply_record,
    supervision_note_add,
)
from regulations.states import DeadlineState
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 5, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


@pytest.fixture
def assigned(province):
    """A petition assigned by a notice of 20/04/2026: due 20/05/2026."""
    session = f.DialogueSessionFactory(
        organising_unit=province.ubnd, held_on=D(2026, 4, 10), notice_issued_on=D(2026, 4, 20)
    )
    return f.PetitionFactory(
        session=session,
        status=PetitionStatus.ASSIGNED,
        assigned_unit=province.agency,
        assigned_on=D(2026, 4, 20),
        reply_due_on=D(2026, 5, 20),
    )


def _state(petition):
    return with_reply_states(type(petition).objects.filter(pk=petition.pk)).get()


# --- reply_record -----------------------------------------------------------------------------


def test_reply_on_time_closes_the_petition(assigned, agency_user, pdf_upload):
    reply = reply_record(
        petition=assigned,
        replied_on=D(2026, 5, 20),
        number="45/SNNMT",
        summary="Đã sửa đường",
        actor=agency_user,
        letter=pdf_upload(),
    )
    assigned.refresh_from_db()
    assert assigned.status == PetitionStatus.REPLIED
    assert assigned.responded_on == D(2026, 5, 20) == assigned.final_replied_on
    assert _state(assigned).reply_state == DeadlineState.MET
    assert reply.letter.name.startswith("private/petitions/writtenreply/") and "van-ban" not in reply.letter.name
    assert reply.letter_name == "van-ban.pdf"
    assert assigned.events.filter(kind=EventKind.REPLIED).count() == 1


def test_late_reply_is_met_late(assigned, agency_user):
    reply_record(petition=assigned, replied_on=D(2026, 5, 22), number="46/SNNMT", summary="Trả lời", actor=agency_user)
    assert _state(assigned).reply_state == DeadlineState.MET_LATE


def test_reply_dated_before_the_notice_is_refused(assigned, agency_user):
    with pytest.raises(ValidationError, match="trước ngày ban hành thông báo"):
        reply_record(petition=assigned, replied_on=D(2026, 4, 19), number="1", summary="x", actor=agency_user)
    assigned.refresh_from_db()
    assert assigned.status == PetitionStatus.ASSIGNED and not WrittenReply.objects.exists()


def test_reply_dated_in_the_future_is_refused(assigned, agency_user):
    with pytest.raises(ValidationError):
        reply_record(petition=assigned, replied_on=D(2026, 5, 26), number="1", summary="x", actor=agency_user)
    assert not WrittenReply.objects.exists()


def test_second_reply_to_a_replied_petition_is_refused(assigned, agency_user):
    reply_record(petition=assigned, replied_on=D(2026, 5, 2), number="1", summary="x", actor=agency_user)
    with pytest.raises(ValidationError, match="đã được trả lời"):
        reply_record(petition=assigned, replied_on=D(2026, 5, 3), number="2", summary="y", actor=agency_user)
    assert WrittenReply.objects.count() == 1


def test_reply_to_a_petition_not_yet_assigned_is_refused(province, agency_user):
    petition = f.PetitionFactory()
    with pytest.raises(ValidationError):
        reply_record(petition=petition, replied_on=D(2026, 5, 2), number="1", summary="x", actor=agency_user)
    assert not WrittenReply.objects.exists()


def test_reply_needs_a_number_and_a_summary(assigned, agency_user):
    with pytest.raises(ValidationError):
        reply_record(petition=assigned, replied_on=D(2026, 5, 2), number=" ", summary="x", actor=agency_user)
    with pytest.raises(ValidationError):
        reply_record(petition=assigned, replied_on=D(2026, 5, 2), number="1", summary="", actor=agency_user)
    assert not WrittenReply.objects.exists()


def test_reply_with_a_disguised_file_is_refused(assigned, agency_user):
    fake = SimpleUploadedFile("thu.pdf", b"MZ\x90\x00 this is an exe", content_type="application/pdf")
    with pytest.raises(ValidationError, match="định dạng"):
        reply_record(
            petition=assigned, replied_on=D(2026, 5, 2), number="1", summary="x", actor=agency_user, letter=fake
        )
    assigned.refresh_from_db()
    assert assigned.status == PetitionStatus.ASSIGNED and not WrittenReply.objects.exists()


# --- petition_forward -------------------------------------------------------------------------


def test_forward_meets_the_reply_obligation(assigned, agency_user, province):
    forwarding = petition_forward(
        petition=assigned,
        to_unit=province.party,
        reason="Thuộc thẩm quyền cấp tỉnh",
        forwarded_on=D(2026, 5, 5),
        actor=agency_user,
    )
    assigned.refresh_from_db()
    assert forwarding.from_unit == province.agency
    assert assigned.status == PetitionStatus.FORWARDED
    assert _state(assigned).reply_state == DeadlineState.MET
    assert assigned.events.filter(kind=EventKind.FORWARDED).exists()


def test_forward_to_the_same_unit_is_refused(assigned, agency_user, province):
    with pytest.raises(ValidationError):
        petition_forward(
            petition=assigned, to_unit=province.agency, reason="x", forwarded_on=D(2026, 5, 5), actor=agency_user
        )
    assert not Forwarding.objects.exists()


def test_forward_without_a_reason_is_refused(assigned, agency_user, province):
    with pytest.raises(ValidationError):
        petition_forward(
            petition=assigned, to_unit=province.party, reason="  ", forwarded_on=D(2026, 5, 5), actor=agency_user
        )
    assert not Forwarding.objects.exists()


def test_forward_of_a_replied_petition_is_refused(assigned, agency_user, province):
    reply_record(petition=assigned, replied_on=D(2026, 5, 2), number="1", summary="x", actor=agency_user)
    with pytest.raises(ValidationError):
        petition_forward(
            petition=assigned, to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 5), actor=agency_user
        )
    assert not Forwarding.objects.exists()


def test_only_the_competent_level_replies_after_a_forwarding(assigned, agency_user, province):
    petition_forward(
        petition=assigned, to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 5), actor=agency_user
    )
    # The unit that forwarded it no longer answers (issue 17, point 7): nothing is written.
    with pytest.raises(ValidationError, match="Tỉnh ủy Hòa Bình"):
        reply_record(petition=assigned, replied_on=D(2026, 5, 20), number="9", summary="x", actor=agency_user)
    assert not WrittenReply.objects.exists()
    party_officer = f.UserFactory(username="party_officer")
    f.MembershipFactory(user=party_officer, unit=province.party, role="agency")
    reply = reply_record(
        petition=assigned, replied_on=D(2026, 5, 20), number="9-CV/TU", summary="Đã giải quyết", actor=party_officer
    )
    assert reply.unit == province.party and reply.created_by == party_officer
    assigned.refresh_from_db()
    assert assigned.responded_on == D(2026, 5, 5) and assigned.final_replied_on == D(2026, 5, 20)


# --- complex_notice_send ----------------------------------------------------------------------


def test_complex_notice_meets_r3_and_tracks_its_own_target(assigned, agency_user):
    complex_notice_send(
        petition=assigned,
        notified_on=D(2026, 5, 15),
        new_target_on=D(2026, 5, 24),
        reason="Cần đo đạc lại",
        target_reason="Ghi nhận muộn thông báo đã gửi",
        actor=agency_user,
    )
    row = _state(assigned)
    assert row.status == PetitionStatus.COMPLEX
    assert row.reply_state == DeadlineState.MET
    assert row.complex_state == DeadlineState.OVERDUE  # today is 25/05
    reply_record(petition=assigned, replied_on=D(2026, 5, 25), number="2", summary="Đã giải quyết", actor=agency_user)
    row = _state(assigned)
    assert row.reply_state == DeadlineState.MET and row.complex_state == DeadlineState.MET_LATE


def test_complex_notice_target_must_follow_the_notice(assigned, agency_user):
    with pytest.raises(ValidationError):
        complex_notice_send(
            petition=assigned, notified_on=D(2026, 5, 15), new_target_on=D(2026, 5, 15), reason="x", actor=agency_user
        )
    assigned.refresh_from_db()
    assert assigned.status == PetitionStatus.ASSIGNED and not ComplexCaseNotice.objects.exists()


def test_complex_notice_can_extend_the_target(assigned, agency_user):
    complex_notice_send(
        petition=assigned, notified_on=D(2026, 5, 15), new_target_on=D(2026, 6, 15), reason="x", actor=agency_user
    )
    complex_notice_send(
        petition=assigned, notified_on=D(2026, 5, 20), new_target_on=D(2026, 7, 15), reason="y", actor=agency_user
    )
    assigned.refresh_from_db()
    assert assigned.complex_target_on == D(2026, 7, 15) and assigned.responded_on == D(2026, 5, 15)


def test_complex_notice_after_a_reply_is_refused(assigned, agency_user):
    reply_record(petition=assigned, replied_on=D(2026, 5, 2), number="1", summary="x", actor=agency_user)
    with pytest.raises(ValidationError):
        complex_notice_send(
            petition=assigned, notified_on=D(2026, 5, 15), new_target_on=D(2026, 6, 15), reason="x", actor=agency_user
        )
    assert not ComplexCaseNotice.objects.exists()


# --- notes and withdrawals --------------------------------------------------------------------


def test_supervision_note_goes_on_the_timeline(assigned, agency_user):
    supervision_note_add(petition=assigned, author=agency_user, text="Đề nghị trả lời sớm")
    assert assigned.events.filter(kind=EventKind.SUPERVISION_NOTE).count() == 1
    with pytest.raises(ValidationError):
        supervision_note_add(petition=assigned, author=agency_user, text="")


def test_withdrawal_needs_a_reason_and_keeps_the_record(assigned, agency_user):
    with pytest.raises(ValidationError):
        petition_withdraw(petition=assigned, reason="", actor=agency_user)
    petition_withdraw(petition=assigned, reason="Nhập trùng", actor=agency_user)
    assigned.refresh_from_db()
    assert assigned.status == PetitionStatus.WITHDRAWN and assigned.withdrawal_reason == "Nhập trùng"
    assert _state(assigned).reply_state is None
