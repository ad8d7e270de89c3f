"""The follow-through after the first answer (issue 12): the Front's assessment closes or reopens
the case, staff ask for a supplementary reply or close with a reason, forwarding keeps the clock
and the chain, lead and coordinating units, complex-case targets that are bounded, and the guard
that only the unit responsible now answers (issue 17, point 7)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from petitions import workflow
from petitions.deadlines import forwarded_due_date, supplementary_due_date
from petitions.models import (
    Assessment,
    ComplexCaseNotice,
    Coordination,
    EventKind,
    Forwarding,
    Petition,
    PetitionStatus,
    ReplyKind,
    SupplementaryRequest,
    WrittenReply,
)
from petitions.selectors import agency_inbox, petition_actions, petitions_visible_to, with_reply_states
from petitions.services import (
    complex_notice_send,
    coordination_contribute,
    forwarding_petitioner_told,
    notice_issue,
    petition_close,
    petition_forward,
    reply_assess,
    reply_record,
    supplementary_reply_record,
    supplementary_request,
)
from petitions.workflow import Action
from regulations.states import DeadlineState
from sessions.models import SessionUnit
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 5, 25, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def _user(name, unit, role):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def people(province, staff_user, agency_user):
    class People:
        staff = staff_user
        agency = agency_user
        front = _user("front", province.province, "front")
        party_officer = _user("party_officer", province.party, "agency")
        commune_officer = _user("commune_officer", province.commune, "agency")
        ubnd_officer = _user("ubnd_officer", province.ubnd, "agency")
        foreign_staff = _user("foreign_staff", province.other_province, "staff")

    return People


@pytest.fixture
def assigned(province):
    """A petition assigned to the agency by a notice of 20/04/2026 (reply due 20/05/2026)."""
    session = f.DialogueSessionFactory(
        organising_unit=province.ubnd, held_on=D(2026, 4, 10), notice_issued_on=D(2026, 4, 20)
    )
    return f.PetitionFactory(
        session=session,
        status=PetitionStatus.ASSIGNED,
        assigned_unit=province.agency,
        responsible_unit=province.agency,
        assigned_on=D(2026, 4, 20),
        reply_starts_on=D(2026, 4, 20),
        reply_due_on=D(2026, 5, 20),
    )


def _fresh(petition):
    return Petition.objects.select_related("session__organising_unit", "assigned_unit", "responsible_unit").get(
        pk=petition.pk
    )


REPLIED_ON, ASSESSED_ON = D(2026, 5, 2), D(2026, 5, 5)


def _replied(assigned, people, day=REPLIED_ON):
    return reply_record(petition=assigned, replied_on=day, number="45/SNNMT", summary="Đã trả lời", actor=people.agency)


def _unsatisfied(reply, people, day=ASSESSED_ON):
    return reply_assess(
        reply=reply, assessor=people.front, result=Assessment.UNSATISFIED, reason="Chưa nêu thời hạn", assessed_on=day
    )


def _kinds(petition):
    return list(petition.events.order_by("id").values_list("kind", flat=True))


# --- the assessment loop ----------------------------------------------------------------------


def test_front_satisfied_closes_the_petition(assigned, people):
    reply = _replied(assigned, people)
    reply_assess(reply=reply, assessor=people.front, result=Assessment.SATISFIED, reason="", assessed_on=D(2026, 5, 6))
    petition = _fresh(assigned)
    assert petition.status == PetitionStatus.CLOSED
    assert petition.closed_on == D(2026, 5, 6) and petition.close_reason == ""
    assert _kinds(petition)[-2:] == [EventKind.ASSESSED, EventKind.CLOSED]


def test_front_not_satisfied_reopens_the_petition_for_staff_to_decide(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    petition = _fresh(assigned)
    assert petition.status == PetitionStatus.REOPENED
    assert petition.reopened_on == D(2026, 5, 5) and petition.reopen_count == 1
    event = petition.events.get(kind=EventKind.REOPENED)
    assert event.data["unit_id"] == assigned.assigned_unit_id and "Chưa nêu thời hạn" in event.message
    # Nobody may reply as if nothing happened, nor assess again, until staff decide.
    assert not workflow.allows(petition.status, Action.REPLY)
    assert not workflow.allows(petition.status, Action.ASSESS)
    with pytest.raises(ValidationError, match="chờ cơ quan tổ chức"):
        _replied(petition, people, D(2026, 5, 10))


def test_staff_ask_for_a_supplementary_reply_with_its_own_due_date(assigned, people, settings):
    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "supplementary": {"days": 15, "day_type": "calendar"}}
    _unsatisfied(_replied(assigned, people), people)
    request = supplementary_request(
        petition=_fresh(assigned), reason="Nêu phương án bồi thường", actor=people.staff, requested_on=D(2026, 5, 8)
    )
    petition = _fresh(assigned)
    assert request.due_on == supplementary_due_date(D(2026, 5, 8)) == D(2026, 5, 25)
    assert request.unit == petition.responsible_unit and request.assessment.result == Assessment.UNSATISFIED
    assert petition.status == PetitionStatus.SUPPLEMENTARY and petition.supplementary_due_on == request.due_on
    assert _kinds(petition)[-1] == EventKind.SUPPLEMENTARY_REQUESTED
    row = with_reply_states(Petition.objects.filter(pk=petition.pk)).get()
    assert row.current_due_on == request.due_on and row.current_state == DeadlineState.DUE_SOON


def test_supplementary_reply_goes_back_to_the_front_and_satisfied_closes(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.staff, requested_on=D(2026, 5, 8))
    supplement = supplementary_reply_record(
        petition=_fresh(assigned), replied_on=D(2026, 5, 20), number="60/SNNMT", summary="Bổ sung", actor=people.agency
    )
    petition = _fresh(assigned)
    assert supplement.kind == ReplyKind.SUPPLEMENTARY
    assert petition.status == PetitionStatus.REPLIED and petition.supplementary_replied_on == D(2026, 5, 20)
    assert SupplementaryRequest.objects.get().reply == supplement
    # R3 keeps its first answer; the supplementary obligation is met on time.
    assert petition.responded_on == D(2026, 5, 2) and petition.final_replied_on == D(2026, 5, 2)
    row = with_reply_states(Petition.objects.filter(pk=petition.pk)).get()
    assert row.current_state == DeadlineState.MET
    reply_assess(
        reply=supplement, assessor=people.front, result=Assessment.SATISFIED, reason="", assessed_on=D(2026, 5, 22)
    )
    assert _fresh(assigned).status == PetitionStatus.CLOSED
    assert _kinds(petition) == [
        EventKind.REPLIED,
        EventKind.ASSESSED,
        EventKind.REOPENED,
        EventKind.SUPPLEMENTARY_REQUESTED,
        EventKind.SUPPLEMENTARY_REPLIED,
        EventKind.ASSESSED,
        EventKind.CLOSED,
    ]


def test_the_front_assesses_only_the_latest_reply(assigned, people):
    first = _replied(assigned, people)
    _unsatisfied(first, people)
    supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.staff, requested_on=D(2026, 5, 8))
    supplementary_reply_record(
        petition=_fresh(assigned), replied_on=D(2026, 5, 20), number="60/SNNMT", summary="Bổ sung", actor=people.agency
    )
    with pytest.raises(ValidationError, match="mới nhất"):
        reply_assess(
            reply=first, assessor=people.front, result=Assessment.SATISFIED, reason="", assessed_on=D(2026, 5, 22)
        )
    assert _fresh(assigned).status == PetitionStatus.REPLIED


def test_staff_close_a_reopened_petition_with_a_reason(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    petition_close(petition=_fresh(assigned), reason="Đã giải thích, người dân đồng ý", actor=people.staff)
    petition = _fresh(assigned)
    assert petition.status == PetitionStatus.CLOSED
    assert petition.close_reason == "Đã giải thích, người dân đồng ý" and petition.closed_on == D(2026, 5, 25)


@pytest.mark.parametrize(
    ("reason", "actor", "message"),
    [
        ("  ", "staff", "lý do kết thúc"),
        ("Đã xong", "agency", "cán bộ văn phòng"),
        ("Đã xong", "foreign_staff", "văn phòng"),
    ],
)
def test_closing_is_refused_without_a_reason_or_by_someone_else(assigned, people, reason, actor, message):
    _unsatisfied(_replied(assigned, people), people)
    with pytest.raises(ValidationError, match=message):
        petition_close(petition=_fresh(assigned), reason=reason, actor=getattr(people, actor))
    assert _fresh(assigned).status == PetitionStatus.REOPENED


def test_closing_is_refused_while_a_supplementary_reply_is_awaited(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.staff)
    with pytest.raises(ValidationError, match="chờ trả lời bổ sung"):
        petition_close(petition=_fresh(assigned), reason="x", actor=people.staff)


def test_supplementary_request_is_refused_unless_the_front_was_not_satisfied(assigned, people):
    _replied(assigned, people)
    with pytest.raises(ValidationError, match="không hài lòng"):
        supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.staff)
    assert not SupplementaryRequest.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"reason": " "}, "nội dung cần trả lời bổ sung"),
        ({"reason": "x", "requested_on": D(2026, 5, 26)}, "sau ngày hôm nay"),
        ({"reason": "x", "requested_on": D(2026, 5, 4)}, "ngày MTTQ đánh giá"),
    ],
)
def test_supplementary_request_refuses_bad_input_and_changes_nothing(assigned, people, kwargs, message):
    _unsatisfied(_replied(assigned, people), people)
    with pytest.raises(ValidationError, match=message):
        supplementary_request(petition=_fresh(assigned), actor=people.staff, **kwargs)
    assert _fresh(assigned).status == PetitionStatus.REOPENED and not SupplementaryRequest.objects.exists()


def test_supplementary_request_by_an_agency_officer_is_refused(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    with pytest.raises(ValidationError, match="văn phòng"):
        supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.agency)


def test_supplementary_reply_is_refused_from_another_unit_and_before_the_request(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.staff, requested_on=D(2026, 5, 8))
    with pytest.raises(ValidationError, match="Sở Nông nghiệp"):
        supplementary_reply_record(
            petition=_fresh(assigned), replied_on=D(2026, 5, 20), number="1", summary="x", actor=people.party_officer
        )
    with pytest.raises(ValidationError, match="ngày yêu cầu"):
        supplementary_reply_record(
            petition=_fresh(assigned), replied_on=D(2026, 5, 7), number="1", summary="x", actor=people.agency
        )
    assert WrittenReply.objects.count() == 1 and _fresh(assigned).status == PetitionStatus.SUPPLEMENTARY


def test_a_second_not_satisfied_reopens_again(assigned, people):
    _unsatisfied(_replied(assigned, people), people)
    supplementary_request(petition=_fresh(assigned), reason="Bổ sung", actor=people.staff, requested_on=D(2026, 5, 8))
    supplement = supplementary_reply_record(
        petition=_fresh(assigned), replied_on=D(2026, 5, 20), number="60/SNNMT", summary="Bổ sung", actor=people.agency
    )
    _unsatisfied(supplement, people, D(2026, 5, 21))
    petition = _fresh(assigned)
    assert petition.status == PetitionStatus.REOPENED and petition.reopen_count == 2


# --- forwarding keeps the clock ---------------------------------------------------------------


def test_forwarding_makes_the_competent_unit_responsible_with_its_own_target(assigned, people, province):
    forwarding = petition_forward(
        petition=assigned, to_unit=province.party, reason="Thẩm quyền cấp tỉnh", forwarded_on=D(2026, 5, 5),
        actor=people.agency,
    )  # fmt: skip
    petition = _fresh(assigned)
    assert petition.responsible_unit == province.party and petition.assigned_unit == province.agency
    assert forwarding.from_unit == province.agency and forwarding.due_on == forwarded_due_date(D(2026, 5, 5))
    assert petition.forward_due_on == forwarding.due_on == D(2026, 6, 4)
    row = with_reply_states(Petition.objects.filter(pk=petition.pk)).get()
    assert row.reply_state == DeadlineState.MET  # the first forwarding meets R3
    assert row.current_due_on == D(2026, 6, 4) and row.current_state == DeadlineState.OPEN
    # The competent unit's officers have it in their inbox; the first unit's no longer do.
    assert petition.pk in agency_inbox(people.party_officer).values_list("pk", flat=True)
    assert petition.pk not in agency_inbox(people.agency).values_list("pk", flat=True)
    # Both still see it, and the session.
    assert petitions_visible_to(people.agency).filter(pk=petition.pk).exists()
    assert set(SessionUnit.objects.filter(session=petition.session).values_list("unit_id", flat=True)) >= {
        province.agency.pk,
        province.party.pk,
    }


def test_the_unit_that_forwarded_is_offered_no_reply_and_cannot_reply(assigned, people, province):
    petition_forward(
        petition=assigned, to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 5), actor=people.agency
    )
    petition = _fresh(assigned)
    first = petition_actions(people.agency, petition)
    assert not first[Action.REPLY] and not first[Action.FORWARD] and not first[Action.COMPLEX]
    competent = petition_actions(people.party_officer, petition)
    assert competent[Action.REPLY] and competent[Action.FORWARD] and competent[Action.COMPLEX]
    for act in (
        lambda: reply_record(petition=petition, replied_on=D(2026, 5, 9), number="1", summary="x", actor=people.agency),
        lambda: petition_forward(
            petition=petition, to_unit=province.commune, reason="x", forwarded_on=D(2026, 5, 9), actor=people.agency
        ),
        lambda: complex_notice_send(
            petition=petition, notified_on=D(2026, 5, 9), new_target_on=D(2026, 6, 30), reason="x", actor=people.agency
        ),
    ):
        with pytest.raises(ValidationError, match="Tỉnh ủy Hòa Bình"):
            act()
    assert not WrittenReply.objects.exists() and Forwarding.objects.count() == 1
    assert not ComplexCaseNotice.objects.exists()


def test_forwarding_again_keeps_the_chain_and_the_last_unit_replies(assigned, people, province):
    petition_forward(
        petition=assigned, to_unit=province.party, reason="Cấp tỉnh", forwarded_on=D(2026, 5, 5), actor=people.agency
    )
    second = petition_forward(
        petition=_fresh(assigned), to_unit=province.commune, reason="Cấp xã", forwarded_on=D(2026, 5, 12),
        actor=people.party_officer,
    )  # fmt: skip
    first = Forwarding.objects.order_by("id").first()
    assert first.answered_on == D(2026, 5, 12)  # forwarding again meets the first target
    assert second.from_unit == province.party and second.due_on == forwarded_due_date(D(2026, 5, 12))
    petition = _fresh(assigned)
    assert petition.responsible_unit == province.commune and petition.forward_due_on == second.due_on
    assert petition.responded_on == D(2026, 5, 5)
    with pytest.raises(ValidationError):
        reply_record(petition=petition, replied_on=D(2026, 5, 20), number="1", summary="x", actor=people.party_officer)
    reply = reply_record(
        petition=petition,
        replied_on=D(2026, 5, 20),
        number="5/UBND",
        summary="Đã giải quyết",
        actor=people.commune_officer,
    )
    assert reply.unit == province.commune
    assert Forwarding.objects.get(pk=second.pk).answered_on == D(2026, 5, 20)
    assert list(Forwarding.objects.order_by("id").values_list("from_unit", "to_unit")) == [
        (province.agency.pk, province.party.pk),
        (province.party.pk, province.commune.pk),
    ]
    row = with_reply_states(Petition.objects.filter(pk=petition.pk)).get()
    assert row.current_state == DeadlineState.MET


def test_forwarding_to_the_unit_responsible_now_or_before_the_last_forwarding_is_refused(assigned, people, province):
    petition_forward(
        petition=assigned, to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 5), actor=people.agency
    )
    with pytest.raises(ValidationError, match="khác đơn vị"):
        petition_forward(
            petition=_fresh(assigned), to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 6),
            actor=people.party_officer,
        )  # fmt: skip
    with pytest.raises(ValidationError, match="ngày chuyển cấp có thẩm quyền"):
        petition_forward(
            petition=_fresh(assigned), to_unit=province.commune, reason="x", forwarded_on=D(2026, 5, 4),
            actor=people.party_officer,
        )  # fmt: skip
    assert Forwarding.objects.count() == 1


def test_the_forwarding_unit_tells_the_petitioner_once(assigned, people, province):
    forwarding = petition_forward(
        petition=assigned, to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 5), actor=people.agency
    )
    with pytest.raises(ValidationError, match="Sở Nông nghiệp"):
        forwarding_petitioner_told(
            forwarding=forwarding, told_on=D(2026, 5, 6), number="7/SNN", actor=people.party_officer
        )
    with pytest.raises(ValidationError, match="ngày chuyển"):
        forwarding_petitioner_told(forwarding=forwarding, told_on=D(2026, 5, 4), number="7/SNN", actor=people.agency)
    forwarding_petitioner_told(forwarding=forwarding, told_on=D(2026, 5, 6), number="7/SNN", actor=people.agency)
    forwarding.refresh_from_db()
    assert forwarding.petitioner_told_on == D(2026, 5, 6) and forwarding.petitioner_letter_number == "7/SNN"
    assert _kinds(assigned)[-1] == EventKind.PETITIONER_TOLD
    with pytest.raises(ValidationError, match="Đã ghi nhận"):
        forwarding_petitioner_told(forwarding=forwarding, told_on=D(2026, 5, 7), number="8/SNN", actor=people.agency)


def test_complex_notice_by_the_competent_unit_meets_its_forwarded_target(assigned, people, province):
    forwarding = petition_forward(
        petition=assigned, to_unit=province.party, reason="x", forwarded_on=D(2026, 5, 5), actor=people.agency
    )
    notice = complex_notice_send(
        petition=_fresh(assigned), notified_on=D(2026, 5, 10), new_target_on=D(2026, 7, 10), reason="Phức tạp",
        actor=people.party_officer,
    )  # fmt: skip
    assert notice.unit == province.party
    forwarding.refresh_from_db()
    assert forwarding.answered_on == D(2026, 5, 10)
    assert _fresh(assigned).status == PetitionStatus.COMPLEX


# --- complex-case targets (point 5) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "reason", "message"),
    [
        (D(2030, 6, 30), "Rất phức tạp", "không được quá 730 ngày"),
        (D(2026, 9, 1), "", "dài hơn 90 ngày"),
        (D(2026, 5, 25), "", "không sau ngày hôm nay"),
        (D(2026, 5, 15), "Ghi nhận muộn", "phải sau ngày thông báo"),
    ],
)
def test_complex_target_is_bounded(assigned, people, target, reason, message):
    with pytest.raises(ValidationError, match=message):
        complex_notice_send(
            petition=assigned, notified_on=D(2026, 5, 15), new_target_on=target, reason="Phức tạp",
            target_reason=reason, actor=people.agency,
        )  # fmt: skip
    assert not ComplexCaseNotice.objects.exists() and _fresh(assigned).status == PetitionStatus.ASSIGNED


def test_complex_target_beyond_the_maximum_is_accepted_with_a_reason_kept_on_record(assigned, people, settings):
    settings.COMPLEX_TARGET_MAX_DAYS = 60
    notice = complex_notice_send(
        petition=assigned, notified_on=D(2026, 5, 15), new_target_on=D(2026, 8, 15), reason="Phức tạp",
        target_reason="Chờ kết luận thanh tra", actor=people.agency,
    )  # fmt: skip
    assert notice.target_reason == "Chờ kết luận thanh tra"
    assert "Chờ kết luận thanh tra" in assigned.events.get(kind=EventKind.COMPLEX_NOTICE).message


def test_complex_target_within_the_maximum_needs_no_reason(assigned, people):
    notice = complex_notice_send(
        petition=assigned, notified_on=D(2026, 5, 15), new_target_on=D(2026, 8, 13), reason="Phức tạp",
        actor=people.agency,
    )  # fmt: skip
    assert notice.target_reason == "" and (notice.new_target_on - notice.notified_on).days == 90


# --- lead and coordinating units --------------------------------------------------------------


@pytest.fixture
def coordinated(province, people):
    """A session of 10/05 whose notice of 20/05 gives a petition to the agency, with the commune's
    People's Committee and the party committee coordinating."""
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 5, 10))
    petition = f.PetitionFactory(session=session)
    notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=D(2026, 5, 20), actor=people.staff,
        assignments={petition.pk: province.agency}, coordinating={petition.pk: [province.commune, province.party]},
        backdate_reason="Nhập muộn",
    )  # fmt: skip
    return _fresh(petition)


def test_the_notice_names_coordinating_units_who_see_the_petition_and_receive_the_notice(coordinated, people, province):
    assert set(coordinated.coordinations.values_list("unit", flat=True)) == {province.commune.pk, province.party.pk}
    assert coordinated.coordinations.get(unit=province.party).assigned_on == D(2026, 5, 20)
    notice = coordinated.session.notice
    assert set(notice.recipients.values_list("unit", flat=True)) >= {
        province.agency.pk,
        province.commune.pk,
        province.party.pk,
    }
    assert petitions_visible_to(people.commune_officer).filter(pk=coordinated.pk).exists()
    inbox = agency_inbox(people.commune_officer)
    assert inbox.get(pk=coordinated.pk).coordinating is True
    assert agency_inbox(people.agency).get(pk=coordinated.pk).coordinating is False
    assert "phối hợp với" in coordinated.events.get(kind=EventKind.NOTICE_ISSUED).message
    assert {province.commune.pk, province.party.pk} <= set(
        SessionUnit.objects.filter(session=coordinated.session).values_list("unit_id", flat=True)
    )


def test_a_coordinating_unit_records_its_contribution_once_and_it_does_not_meet_r3(coordinated, people, province):
    actions = petition_actions(
        people.commune_officer, coordinated, coordinations=list(coordinated.coordinations.select_related("unit"))
    )
    assert not actions[Action.REPLY] and actions["contribute_ids"]
    coordination = coordinated.coordinations.get(unit=province.commune)
    coordination_contribute(
        coordination=coordination,
        contributed_on=D(2026, 5, 22),
        contribution="Xã đã kiểm tra",
        actor=people.commune_officer,
    )
    coordination.refresh_from_db()
    assert coordination.contributed_on == D(2026, 5, 22) and coordination.contributed_by == people.commune_officer
    petition = _fresh(coordinated)
    assert petition.responded_on is None and petition.status == PetitionStatus.ASSIGNED
    assert _kinds(petition)[-1] == EventKind.CONTRIBUTED
    with pytest.raises(ValidationError, match="đã gửi ý kiến"):
        coordination_contribute(
            coordination=coordination,
            contributed_on=D(2026, 5, 23),
            contribution="Lần nữa",
            actor=people.commune_officer,
        )
    # The coordinating unit cannot answer for the lead.
    with pytest.raises(ValidationError, match="Sở Nông nghiệp"):
        reply_record(
            petition=petition, replied_on=D(2026, 5, 23), number="1", summary="x", actor=people.commune_officer
        )
    reply_record(
        petition=petition, replied_on=D(2026, 5, 23), number="9/SNN", summary="Đã trả lời", actor=people.agency
    )
    assert _fresh(coordinated).responded_on == D(2026, 5, 23)


def test_contribution_by_another_unit_or_after_the_answer_is_refused(coordinated, people, province):
    coordination = coordinated.coordinations.get(unit=province.commune)
    with pytest.raises(ValidationError, match="UBND xã Tân Lạc"):
        coordination_contribute(
            coordination=coordination, contributed_on=D(2026, 5, 22), contribution="x", actor=people.agency
        )
    reply_record(
        petition=coordinated, replied_on=D(2026, 5, 23), number="9/SNN", summary="Đã trả lời", actor=people.agency
    )
    with pytest.raises(ValidationError, match="không còn chờ ý kiến phối hợp"):
        coordination_contribute(
            coordination=coordination, contributed_on=D(2026, 5, 24), contribution="x", actor=people.commune_officer
        )
    assert not Coordination.objects.filter(contributed_on__isnull=False).exists()


def test_the_lead_cannot_also_coordinate(province, people):
    session = f.DialogueSessionFactory(organising_unit=province.ubnd, held_on=D(2026, 5, 10))
    petition = f.PetitionFactory(session=session)
    with pytest.raises(ValidationError, match="chủ trì"):
        notice_issue(
            session=session, number=1, symbol="TB-UBND", issued_on=D(2026, 5, 24), actor=people.staff,
            assignments={petition.pk: province.agency}, coordinating={petition.pk: [province.agency]},
        )  # fmt: skip
    assert not Coordination.objects.exists() and _fresh(petition).status == PetitionStatus.RECORDED
