"""reply_assess: the Front monitor's assessment of a written reply."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from notifications.events import events_dispatch
from notifications.models import Notification, ObligationKind
from petitions.models import EventKind, PetitionEvent, ReplyAssessment
from petitions.services import reply_assess
from tests import factories as f

from .conftest import make_user


@pytest.fixture
def heads(world):
    """The agency's officer, its leader-role user and its head (Leader with an account)."""
    leader_user = make_user("agency_leader", world.agency, "leader")
    head = f.UserFactory(username="giam_doc")
    f.LeaderFactory(unit=world.agency, user=head, position="Giám đốc Sở")
    f.LeaderFactory(unit=world.agency, user=f.UserFactory(username="former_head"), term_end=dt.date(2025, 12, 31))
    return world.agency_officer, leader_user, head


def _assess(world, **overrides):
    values = dict(
        reply=world.r_late,
        assessor=world.front,
        result="unsatisfied",
        reason="Chưa giải quyết dứt điểm việc bồi thường.",
        assessed_on=dt.date(2026, 3, 20),
        unit=world.province,
    )
    values.update(overrides)
    return reply_assess(**values)


def test_unsatisfied_assessment_reopens_adds_events_and_notifies_unit_and_head(world, heads):
    assessment = _assess(world)
    world.p_late.refresh_from_db()
    assert world.p_late.assessment == "unsatisfied" and world.p_late.status == "reopened"
    assert ReplyAssessment.objects.get() == assessment
    event = PetitionEvent.objects.get(petition=world.p_late, kind=EventKind.ASSESSED)
    assert event.actor == world.front and "Không hài lòng" in event.message
    reopened = PetitionEvent.objects.get(petition=world.p_late, kind=EventKind.REOPENED)
    # No staff account and no chair with an account in this world: the unit and its heads hear it.
    assert events_dispatch() == 3
    notes = Notification.objects.filter(
        obligation=ObligationKind.EVENT, object_id=reopened.pk, stage=EventKind.REOPENED
    )
    assert {n.recipient.username for n in notes} == {"agency_officer", "agency_leader", "giam_doc"}
    assert all(n.petition_id == world.p_late.pk for n in notes)
    assert events_dispatch() == 0  # once per event, however often the dispatcher runs


def test_satisfied_assessment_tells_only_the_units_officers(world, heads):
    _assess(world, reply=world.r_met, result="satisfied", reason="")
    world.p_met.refresh_from_db()
    assert world.p_met.assessment == "satisfied" and world.p_met.status == "closed"
    assert events_dispatch() == 1
    note = Notification.objects.get()
    assert note.recipient.username == "agency_officer" and "hài lòng" in note.title


def test_after_not_satisfied_a_second_assessment_waits_for_the_staffs_decision(world, heads):
    _assess(world)
    with pytest.raises(ValidationError, match="chờ cơ quan tổ chức quyết định"):
        _assess(world, result="satisfied", reason="")
    world.p_late.refresh_from_db()
    assert world.p_late.assessment == "unsatisfied"
    assert ReplyAssessment.objects.filter(petition=world.p_late).count() == 1


def test_commune_front_may_assess_a_reply_of_a_unit_in_its_area(world, heads):
    _assess(world, reply=world.r_satisfied, assessor=world.commune_front, unit=None)
    world.p_satisfied.refresh_from_db()
    assert world.p_satisfied.assessment == "unsatisfied"


def _refused(world, message, **overrides):
    before = ReplyAssessment.objects.count()
    with pytest.raises(ValidationError) as exc:
        _assess(world, **overrides)
    assert message in " ".join(exc.value.messages)
    assert ReplyAssessment.objects.count() == before
    assert not Notification.objects.exists()
    world.p_late.refresh_from_db()
    assert world.p_late.assessment == ""
    assert not PetitionEvent.objects.filter(kind=EventKind.ASSESSED).exists()


def test_not_satisfied_without_reason_is_refused(world, heads):
    _refused(world, "cần ghi rõ lý do", reason="   ")


def test_unknown_result_is_refused(world, heads):
    _refused(world, "Vui lòng chọn kết quả đánh giá", result="maybe")


def test_a_petition_not_yet_replied_cannot_be_assessed(world, heads):
    from petitions.models import WrittenReply

    # a reply row on a petition whose status is still "complex" (target date pending)
    reply = WrittenReply.objects.create(
        petition=world.p_complex,
        unit=world.commune,
        replied_on=dt.date(2026, 1, 30),
        number="TB-01",
        summary="Thông báo",
    )
    _refused(world, "đã có văn bản trả lời", reply=reply)


def test_a_staff_user_is_not_a_front_monitor(world, heads, staff_user):
    _refused(world, "MTTQ", assessor=staff_user)


def test_an_administrator_is_not_a_front_monitor(world, heads):
    admin = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    _refused(world, "MTTQ", assessor=admin)


def test_a_front_monitor_of_another_area_is_refused(world, heads):
    _refused(world, "MTTQ", assessor=world.commune_front)  # p_late belongs to the provincial agency
    foreign = make_user("foreign_front", world.other_province, "front")
    _refused(world, "MTTQ", assessor=foreign)


def test_assessment_dated_in_the_future_is_refused(world, heads):
    _refused(world, "không được sau ngày hôm nay", assessed_on=dt.date(2026, 3, 21))


def test_assessment_before_the_reply_is_refused(world, heads):
    _refused(world, "không được trước ngày trả lời", assessed_on=dt.date(2026, 2, 28))


def test_the_assessment_form_takes_dd_mm_yyyy_and_shows_the_petition_and_the_reply(client, world, heads):
    """Issue 15: the form used the browser's date input (11/26/2026 in an English browser), its
    radio labels were glued to the buttons, and it showed neither the petition nor the reply."""
    from django.urls import reverse

    client.force_login(world.front)
    url = reverse("reports:monitor_assess", args=[world.r_late.pk])
    page = client.get(url).content.decode()
    assert 'type="date"' not in page and 'placeholder="dd/mm/yyyy"' in page
    assert 'id="assess-petition"' in page and world.r_late.number in page
    assert 'class="form-check-label"' in page
    response = client.post(url, {"result": "satisfied", "reason": "", "assessed_on": "20/03/2026"})
    assert response.status_code == 302
    assert ReplyAssessment.objects.get().assessed_on == dt.date(2026, 3, 20)
