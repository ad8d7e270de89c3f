"""The deadline engine chases the heads' cycle like every other obligation: the annual plan
(default due 31 January, reminded before, escalated after) and the target dates of the chair's
conclusions and commitments; the same unique keys make a second run insert nothing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from notifications.engine import deadlines_enforce
from notifications.events import events_dispatch
from notifications.heads import PLAN_KEY_FACTOR
from notifications.models import Notification, ObligationKind
from sessions import services as session_services
from tests import factories as f
from tests.deadline_world import at, keys

pytestmark = pytest.mark.django_db
D = dt.date
PLAN_DUE = D(2026, 2, 2)  # 31/01/2026 is a Saturday


def plans_enforce(today):
    return deadlines_enforce(today=today, kinds=[ObligationKind.PLAN])


def items_enforce(today):
    return deadlines_enforce(today=today, kinds=[ObligationKind.COMMITMENT])


@pytest.fixture
def heads(province, people):
    """The province's party secretary (a head with an account) beside the people of the
    deadline world (the People's Committee's head is ``people.head``)."""
    secretary = f.UserFactory(username="secretary")
    f.LeaderFactory(unit=province.party, user=secretary, position="Bí thư Tỉnh ủy", term_start=D(2020, 10, 1))
    return people


def _plan_with_item(province, people, unit):
    chair = f.LeaderFactory(unit=unit, term_start=D(2020, 1, 1))
    plan = session_services.plan_create(unit=unit, year=2026, actor=people.staff)
    session_services.planned_item_add(
        plan=plan, topic="Đối thoại", chair=chair, expected_month=5, invited=["people"], actor=people.staff
    )
    return plan


def test_plan_reminders_go_to_the_staff_of_every_bound_unit_without_an_issued_plan(province, heads):
    with at(D(2026, 1, 16)):  # 17 days before the due date: nothing yet
        assert plans_enforce(D(2026, 1, 16)).total_created == 0
    with at(D(2026, 1, 20)):
        plans_enforce(D(2026, 1, 20))
    # The People's Committee and the party committee of the province, the commune's People's
    # Committee (its staff hold the role on the commune) and the other province's People's
    # Committee: the agency is not bound.
    assert keys() == [
        ("plan", "remind_14", "commune_staff"),
        ("plan", "remind_14", "foreign_staff"),
        ("plan", "remind_14", "staff"),
        ("plan", "remind_14", "staff"),
    ]
    note = Notification.objects.filter(recipient__username="commune_staff").get()
    assert note.object_id == 2026 * PLAN_KEY_FACTOR + province.commune.pk
    assert "năm 2026 (còn 13 ngày)" in note.title and "02/02/2026" in note.body


def test_an_issued_plan_stops_the_chase_a_draft_does_not_and_the_overdue_stage_escalates(province, heads):
    issued = _plan_with_item(province, heads, province.ubnd)
    session_services.plan_issue(plan=issued, number="1-KH/UBND", issued_on=D(2026, 1, 10), actor=heads.staff)
    _plan_with_item(province, heads, province.party)  # a draft only
    with at(D(2026, 2, 3)):
        report = plans_enforce(D(2026, 2, 3))
    overdue = {(o, s, u) for o, s, u in keys() if s == "overdue"}
    # The party committee: its staff, its head and the Board; the commune's People's Committee too.
    assert ("plan", "overdue", "secretary") in overdue
    assert ("plan", "overdue", "board") in overdue
    assert ("plan", "overdue", "commune_staff") in overdue
    assert not Notification.objects.filter(object_id=2026 * PLAN_KEY_FACTOR + province.ubnd.pk).exists()
    assert "Quá hạn ban hành kế hoạch" in Notification.objects.filter(recipient__username="secretary").get().title
    with at(D(2026, 2, 3)):
        again = plans_enforce(D(2026, 2, 3))
    assert report.total_created > 0 and again.total_created == 0


def test_next_years_plan_is_a_new_obligation_with_its_own_keys(province, heads):
    with at(D(2026, 2, 3)):
        plans_enforce(D(2026, 2, 3))
    with at(D(2027, 2, 2)):
        report = plans_enforce(D(2027, 2, 2))
    assert report.total_created > 0
    years = {n.object_id // PLAN_KEY_FACTOR for n in Notification.objects.filter(obligation=ObligationKind.PLAN)}
    assert years == {2026, 2027}


def test_a_unit_begun_during_the_year_is_chased_from_its_own_due_date_and_cannot_issue_before_it_began(province, heads):
    """A People's Committee that began on 1/7/2026 (a successor of a reorganisation) has 30 days
    from its first day, as the others had from 1 January: due 31/07/2026, not 02/02/2026."""
    new = f.UnitFactory(
        name="UBND xã Hợp Nhất", parent=province.commune_area, level="commune", kind=province.commune.kind,
        active_from=D(2026, 7, 1),
    )  # fmt: skip
    key = 2026 * PLAN_KEY_FACTOR + new.pk
    with at(D(2026, 7, 20)):
        plans_enforce(D(2026, 7, 20))
    reminded = Notification.objects.filter(object_id=key, obligation=ObligationKind.PLAN)
    assert reminded.exists() and all("31/07/2026" in n.body for n in reminded)
    assert not reminded.filter(title__startswith="Quá hạn").exists()
    with at(D(2026, 8, 1)):
        plans_enforce(D(2026, 8, 1))
    assert reminded.filter(title__startswith="Quá hạn").exists()

    with at(D(2026, 8, 3)):
        plan = _plan_with_item(province, heads, new)
        assert plan.due_on == D(2026, 7, 31)
        with pytest.raises(ValidationError, match="trước ngày UBND xã Hợp Nhất bắt đầu hoạt động"):
            session_services.plan_issue(plan=plan, number="1-KH/UBND", issued_on=D(2026, 6, 30), actor=heads.staff)
        plan.refresh_from_db()
        assert plan.status == "draft" and plan.issued_on is None
        session_services.plan_issue(plan=plan, number="1-KH/UBND", issued_on=D(2026, 7, 1), actor=heads.staff)


@pytest.fixture
def item(province, heads, session):
    with at(D(2026, 3, 5)):
        return session_services.conclusion_item_add(
            session=session,
            kind="commitment",
            text="Sửa đường liên xã",
            responsible_unit=province.agency,
            target_on=D(2026, 3, 27),
            actor=heads.staff,
        )


def test_a_commitment_is_reminded_before_its_target_and_escalated_after(province, heads, item):
    with at(D(2026, 3, 19)):
        assert items_enforce(D(2026, 3, 19)).total_created == 0  # 8 days left
    with at(D(2026, 3, 20)):
        items_enforce(D(2026, 3, 20))
    assert keys() == [("commitment", "remind_7", "agency"), ("commitment", "remind_7", "agency_no_email")]
    with at(D(2026, 3, 28)):
        items_enforce(D(2026, 3, 28))
    overdue = {u for _o, s, u in keys() if s == "overdue"}
    # The unit's officers and head, the session's chair, the Front of the area.
    assert overdue == {"agency", "agency_no_email", "agency_head", "chair", "front"}
    note = Notification.objects.filter(stage="overdue", recipient__username="chair").get()
    assert note.object_id == item.pk and note.session_id == item.session_id
    assert "Quá hạn thực hiện cam kết" in note.title and "27/03/2026" in note.body
    with at(D(2026, 3, 28)):
        assert items_enforce(D(2026, 3, 28)).total_created == 0


def test_a_commitment_done_or_withdrawn_or_without_target_is_not_chased(province, heads, item, session):
    with at(D(2026, 3, 6)):
        session_services.conclusion_item_complete(item=item, done_on=D(2026, 3, 6), note="Xong", actor=heads.staff)
        open_ended = session_services.conclusion_item_add(
            session=session, kind="conclusion", text="Tiếp tục theo dõi", responsible_unit=province.agency,
            actor=heads.staff,
        )  # fmt: skip
        withdrawn = session_services.conclusion_item_add(
            session=session, kind="commitment", text="Nhầm", responsible_unit=province.agency,
            target_on=D(2026, 3, 27), actor=heads.staff,
        )  # fmt: skip
        session_services.conclusion_item_withdraw(item=withdrawn, reason="Nhầm", actor=heads.staff)
    with at(D(2026, 4, 1)):
        assert items_enforce(D(2026, 4, 1)).total_created == 0
    assert open_ended.target_on is None


def test_an_unsatisfied_assessment_of_a_commitment_is_notified_to_the_responsible_unit_once(province, heads, item):
    with at(D(2026, 3, 10)):
        session_services.conclusion_item_complete(item=item, done_on=D(2026, 3, 9), note="Xong", actor=heads.agency)
        session_services.conclusion_item_assess(
            item=item, assessor=heads.front, result="unsatisfied", reason="Đường vẫn hỏng", assessed_on=D(2026, 3, 10)
        )
        events_dispatch()
        assert events_dispatch() == 0
    notified = Notification.objects.filter(obligation=ObligationKind.ITEM_ASSESSMENT)
    assert set(notified.values_list("recipient__username", flat=True)) == {"agency", "agency_no_email", "agency_head"}
    assert "Đường vẫn hỏng" in notified.first().body
