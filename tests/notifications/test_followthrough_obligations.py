"""The follow-through's obligations and events (issue 12): the competent unit's target after a
forwarding, the supplementary reply and the coordinating units' contributions are reminded and
escalated by the same engine under their own unique keys; "not satisfied", a forwarding received,
a supplementary request or reply, a contribution and "petitioner told" are notified from the
timeline."""

import datetime as dt

import pytest

from notifications.engine import deadlines_enforce
from notifications.events import events_dispatch
from notifications.models import Notification, ObligationKind
from petitions import services as petition_services
from petitions.deadlines import forwarded_due_date, supplementary_due_date
from petitions.models import EventKind, Petition
from tests import factories as f
from tests.deadline_world import NOTICE_ON, at, keys

pytestmark = pytest.mark.django_db


def day(base: dt.date, offset: int) -> dt.date:
    return base + dt.timedelta(days=offset)


def enforce(*kinds):
    return deadlines_enforce(kinds=list(kinds))


def _officer(name, unit, role="agency"):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def commune(province):
    officer = _officer("commune_officer", province.commune)
    head = f.UserFactory(username="commune_head")
    f.LeaderFactory(unit=province.commune, user=head, position="Chủ tịch UBND xã", term_start=dt.date(2025, 7, 1))
    return officer, head


FORWARDED_ON = dt.date(2026, 3, 16)


@pytest.fixture
def forwarded(assigned, people, province, commune):
    petition = assigned[0]
    with at(FORWARDED_ON, 10):
        forwarding = petition_services.petition_forward(
            petition=petition, to_unit=province.commune, reason="Thuộc thẩm quyền cấp xã", forwarded_on=FORWARDED_ON,
            actor=people.agency,
        )  # fmt: skip
    return forwarding


# --- the forwarded unit's target --------------------------------------------------------------


def test_the_competent_unit_is_reminded_then_escalated_on_its_own_target(forwarded, people):
    due = forwarded_due_date(FORWARDED_ON)
    assert forwarded.due_on == due
    with at(day(due, -5)):
        enforce(ObligationKind.FORWARDED)
    assert keys(obligation="forwarded") == [("forwarded", "remind_5", "commune_officer")]
    note = Notification.objects.get(obligation="forwarded")
    assert note.object_id == forwarded.pk and note.petition_id == forwarded.petition_id
    assert "được chuyển đến" in note.title and due.strftime("%d/%m/%Y") in note.body
    with at(day(due, 1)):
        enforce(ObligationKind.FORWARDED)
        assert enforce(ObligationKind.FORWARDED).total_created == 0  # one per key
    overdue = {u for _o, stage, u in keys(obligation="forwarded") if stage == "overdue"}
    assert overdue == {"commune_officer", "commune_head", "chair", "front"}
    # The first unit, which forwarded it, hears nothing of the competent unit's target.
    assert not Notification.objects.filter(obligation="forwarded", recipient=people.agency).exists()
    # The reminders are on the timeline.
    kinds = set(Petition.objects.get(pk=forwarded.petition_id).events.values_list("kind", flat=True))
    assert {EventKind.REMINDED, EventKind.ESCALATED} <= kinds


def test_the_reply_of_the_competent_unit_stops_the_chase(forwarded, commune):
    officer, _head = commune
    with at(day(FORWARDED_ON, 5), 10):
        petition_services.reply_record(
            petition=forwarded.petition, replied_on=day(FORWARDED_ON, 5), number="3/UBND", summary="Đã trả lời",
            actor=officer,
        )  # fmt: skip
    with at(day(forwarded.due_on, 3)):
        assert enforce(ObligationKind.FORWARDED).total_created == 0


def test_forwarding_again_starts_a_new_obligation_and_ends_the_first(forwarded, commune, province):
    officer, _head = commune
    party_officer = _officer("party_officer", province.party)
    with at(day(FORWARDED_ON, 2), 10):
        second = petition_services.petition_forward(
            petition=forwarded.petition, to_unit=province.party, reason="Cấp tỉnh", forwarded_on=day(FORWARDED_ON, 2),
            actor=officer,
        )  # fmt: skip
    with at(day(second.due_on, 1)):
        enforce(ObligationKind.FORWARDED)
    assert set(Notification.objects.filter(obligation="forwarded").values_list("object_id", flat=True)) == {second.pk}
    assert Notification.objects.filter(obligation="forwarded", recipient=party_officer).exists()
    assert not Notification.objects.filter(obligation="forwarded", recipient=officer).exists()


# --- the supplementary reply ------------------------------------------------------------------


@pytest.fixture
def supplementary(assigned, people):
    petition = assigned[0]
    with at(dt.date(2026, 3, 20), 10):
        reply = petition_services.reply_record(
            petition=petition, replied_on=dt.date(2026, 3, 20), number="1/SNN", summary="Trả lời", actor=people.agency
        )
        petition_services.reply_assess(
            reply=reply, assessor=people.front, result="unsatisfied", reason="Chưa rõ", assessed_on=dt.date(2026, 3, 20)
        )
        return petition_services.supplementary_request(
            petition=Petition.objects.get(pk=petition.pk), reason="Nêu rõ phương án", actor=people.staff
        )


def test_the_supplementary_reply_is_reminded_and_escalated(supplementary, people):
    due = supplementary_due_date(dt.date(2026, 3, 20))
    assert supplementary.due_on == due
    with at(day(due, -1)):
        enforce(ObligationKind.SUPPLEMENTARY)
    assert keys(obligation="supplementary") == [
        ("supplementary", "remind_1", "agency"),
        ("supplementary", "remind_1", "agency_no_email"),
    ]
    with at(day(due, 2)):
        enforce(ObligationKind.SUPPLEMENTARY)
    overdue = {u for _o, stage, u in keys(obligation="supplementary") if stage == "overdue"}
    assert overdue == {"agency", "agency_no_email", "agency_head", "chair", "front"}
    assert "trả lời bổ sung" in Notification.objects.filter(obligation="supplementary").first().title


def test_the_supplementary_reply_stops_its_chase(supplementary, people):
    with at(dt.date(2026, 3, 25), 10):
        petition_services.supplementary_reply_record(
            petition=supplementary.petition, replied_on=dt.date(2026, 3, 25), number="2/SNN", summary="Bổ sung",
            actor=people.agency,
        )  # fmt: skip
    with at(day(supplementary.due_on, 1)):
        assert enforce(ObligationKind.SUPPLEMENTARY).total_created == 0


# --- coordinating units -----------------------------------------------------------------------


@pytest.fixture
def coordinated(session, people, province, commune):
    petitions = list(session.petitions.order_by("id"))
    with at(NOTICE_ON, 9):
        petition_services.notice_issue(
            session=session, number=1, symbol="TB-UBND", issued_on=NOTICE_ON, actor=people.staff,
            assignments={p.pk: province.agency for p in petitions}, coordinating={petitions[0].pk: [province.commune]},
        )  # fmt: skip
    return Petition.objects.get(pk=petitions[0].pk)


def test_a_coordinating_unit_is_reminded_before_the_leads_due_date(coordinated, commune):
    due = coordinated.reply_due_on
    with at(day(due, -5)):
        enforce(ObligationKind.COORDINATION)
    assert keys(obligation="coordination") == [("coordination", "remind_5", "commune_officer")]
    note = Notification.objects.get(obligation="coordination")
    assert "phối hợp" in note.title and "đơn vị phối hợp giải quyết" in note.body
    with at(day(due, 1)):
        enforce(ObligationKind.COORDINATION)
    overdue = {u for _o, stage, u in keys(obligation="coordination") if stage == "overdue"}
    assert overdue == {"commune_officer", "commune_head"}


def test_a_contribution_stops_the_coordinating_units_chase(coordinated, commune):
    officer, _head = commune
    with at(day(NOTICE_ON, 3), 10):
        petition_services.coordination_contribute(
            coordination=coordinated.coordinations.get(), contributed_on=day(NOTICE_ON, 3), contribution="Ý kiến",
            actor=officer,
        )  # fmt: skip
    with at(day(coordinated.reply_due_on, -1)):
        assert enforce(ObligationKind.COORDINATION).total_created == 0


# --- events -----------------------------------------------------------------------------------


def _event_recipients(kind):
    return sorted(
        Notification.objects.filter(obligation=ObligationKind.EVENT, stage=kind).values_list(
            "recipient__username", flat=True
        )
    )


def test_not_satisfied_tells_the_organising_staff_the_chair_and_the_responsible_head(supplementary, people):
    with at(dt.date(2026, 3, 20), 12):
        events_dispatch()
    assert _event_recipients(EventKind.REOPENED) == ["agency", "agency_head", "agency_no_email", "chair", "staff"]
    assert _event_recipients(EventKind.ASSESSED) == []
    note = Notification.objects.filter(stage=EventKind.REOPENED).first()
    assert "không hài lòng" in note.title and "Chưa rõ" in note.body
    # The supplementary request goes to the responsible unit and its head.
    assert _event_recipients(EventKind.SUPPLEMENTARY_REQUESTED) == ["agency", "agency_head", "agency_no_email"]
    with at(dt.date(2026, 3, 20), 13):
        assert events_dispatch() == 0


def test_a_supplementary_reply_asks_the_front_to_assess_again(supplementary, people):
    with at(dt.date(2026, 3, 25), 10):
        petition_services.supplementary_reply_record(
            petition=supplementary.petition, replied_on=dt.date(2026, 3, 25), number="2/SNN", summary="Bổ sung",
            actor=people.agency,
        )  # fmt: skip
        events_dispatch()
    assert _event_recipients(EventKind.SUPPLEMENTARY_REPLIED) == ["front", "staff"]


def test_a_forwarding_is_received_by_the_competent_unit_and_the_petitioner_told_reaches_staff(forwarded, people):
    with at(FORWARDED_ON, 11):
        events_dispatch()
    assert _event_recipients(EventKind.FORWARDED) == ["commune_head", "commune_officer"]
    with at(FORWARDED_ON, 12):
        petition_services.forwarding_petitioner_told(
            forwarding=forwarded, told_on=FORWARDED_ON, number="7/SNN", actor=people.agency
        )
        events_dispatch()
    assert _event_recipients(EventKind.PETITIONER_TOLD) == ["staff"]


def test_a_contribution_is_told_to_the_lead_unit(coordinated, commune, people):
    officer, _head = commune
    with at(day(NOTICE_ON, 3), 10):
        petition_services.coordination_contribute(
            coordination=coordinated.coordinations.get(), contributed_on=day(NOTICE_ON, 3), contribution="Ý kiến",
            actor=officer,
        )  # fmt: skip
        events_dispatch()
    assert _event_recipients(EventKind.CONTRIBUTED) == ["agency", "agency_no_email"]
