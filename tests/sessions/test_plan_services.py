"""The annual dialogue plan: starting it, its planned dialogues, issuing it, holding a planned
dialogue by a session, and the derived states (planned → held, or missed)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from sessions import services
from sessions.models import DialoguePlan, DialogueSession, PlannedDialogue, PlanStatus
from sessions.selectors import PlannedState, plan_state_conditions, with_planned_state
from tests import factories as f
from units.models import Unit

D = dt.date
pytestmark = pytest.mark.django_db
HANOI = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def chair(province):
    return f.LeaderFactory(unit=province.ubnd, full_name="Bùi Đức Hinh", position="Chủ tịch UBND tỉnh")


def _plan(province, staff_user, year=2026):
    return services.plan_create(unit=province.ubnd, year=year, actor=staff_user)


def _item(plan, chair, staff_user, **kw):
    data = dict(
        plan=plan,
        topic="Đối thoại với doanh nghiệp về tháo gỡ khó khăn",
        chair=chair,
        expected_month=2,
        invited=["businesses", "front"],
        actor=staff_user,
    )
    data.update(kw)
    return services.planned_item_add(**data)


def _issued(province, staff_user, chair, year=2026, **item):
    plan = _plan(province, staff_user, year)
    planned = _item(plan, chair, staff_user, **item)
    services.plan_issue(plan=plan, number="12-KH/UBND", issued_on=D(2026, 1, 20), actor=staff_user)
    planned.refresh_from_db()
    return planned


def _refused(call, field=None):
    before = (
        DialoguePlan.objects.count(),
        PlannedDialogue.objects.count(),
        DialogueSession.objects.count(),
        list(DialoguePlan.objects.values_list("status", "issued_on", "number")),
    )
    with pytest.raises(ValidationError) as info:
        call()
    after = (
        DialoguePlan.objects.count(),
        PlannedDialogue.objects.count(),
        DialogueSession.objects.count(),
        list(DialoguePlan.objects.values_list("status", "issued_on", "number")),
    )
    assert after == before, "a refused write changed the database"
    if field:
        assert field in info.value.message_dict
    return " ".join(info.value.messages)


# --- starting a plan -------------------------------------------------------------------------------


def test_a_new_plan_is_a_draft_due_on_the_configured_day_moved_past_the_weekend(province, staff_user):
    plan = _plan(province, staff_user)
    assert plan.status == PlanStatus.DRAFT
    assert plan.due_on == D(2026, 2, 2)  # 31/01/2026 is a Saturday


def test_a_second_plan_for_a_year_already_planned_is_refused(province, staff_user):
    _plan(province, staff_user)
    message = _refused(lambda: _plan(province, staff_user), "year")
    assert "đã có kế hoạch tiếp xúc, đối thoại năm 2026" in message


def test_a_plan_for_a_year_out_of_range_or_an_inactive_unit_is_refused(province, staff_user):
    assert "Năm kế hoạch phải từ 2019 đến 2027" in _refused(
        lambda: services.plan_create(unit=province.ubnd, year=2030, actor=staff_user), "year"
    )
    ended = f.UnitFactory(name="UBND huyện Kỳ Sơn", parent=province.province, active_to=D(2025, 6, 30))
    assert "không hoạt động trong năm 2026" in _refused(
        lambda: services.plan_create(unit=ended, year=2026, actor=staff_user), "unit"
    )
    assert services.plan_create(unit=ended, year=2025, actor=staff_user).year == 2025


# --- planned dialogues -----------------------------------------------------------------------------


def test_a_planned_dialogue_by_month_or_quarter_is_expected_by_the_end_of_it(province, staff_user, chair):
    plan = _plan(province, staff_user)
    by_month = _item(plan, chair, staff_user, expected_month=2)
    by_quarter = _item(plan, chair, staff_user, expected_month=None, expected_quarter=3)
    assert by_month.expected_by == D(2026, 2, 28)
    assert by_quarter.expected_by == D(2026, 9, 30)
    assert by_quarter.expected_label == "Quý III/2026"


def test_a_planned_dialogue_needs_one_of_month_or_quarter_a_topic_and_invited_groups(province, staff_user, chair):
    plan = _plan(province, staff_user)
    assert "tháng hoặc quý" in _refused(lambda: _item(plan, chair, staff_user, expected_quarter=1), "expected_month")
    assert "tháng hoặc quý" in _refused(lambda: _item(plan, chair, staff_user, expected_month=None), "expected_month")
    assert "Tháng dự kiến phải từ 1 đến 12" in _refused(lambda: _item(plan, chair, staff_user, expected_month=13))
    _refused(lambda: _item(plan, chair, staff_user, topic="  "), "topic")
    _refused(lambda: _item(plan, chair, staff_user, invited=[]), "invited")
    _refused(lambda: _item(plan, chair, staff_user, invited=["aliens"]), "invited")


def test_a_head_outside_the_unit_cannot_chair_its_planned_dialogue(province, staff_user):
    plan = _plan(province, staff_user)
    commune_head = f.LeaderFactory(unit=province.commune, full_name="Chủ tịch UBND xã")
    foreign_head = f.LeaderFactory(unit=province.other_ubnd, full_name="Chủ tịch tỉnh bạn")
    assert "không phải người đứng đầu của UBND tỉnh Hòa Bình" in _refused(
        lambda: _item(plan, commune_head, staff_user), "chair"
    )
    _refused(lambda: _item(plan, foreign_head, staff_user), "chair")
    _refused(lambda: _item(plan, None, staff_user), "chair")
    # The head of a level above may chair (as for sessions).
    assert _item(plan, f.LeaderFactory(unit=province.province), staff_user).pk


def test_a_head_whose_term_is_outside_the_year_cannot_chair(province, staff_user):
    plan = _plan(province, staff_user)
    former = f.LeaderFactory(unit=province.ubnd, term_start=D(2016, 1, 1), term_end=D(2020, 12, 31))
    assert "Nhiệm kỳ" in _refused(lambda: _item(plan, former, staff_user), "chair")


def test_a_planned_dialogue_is_cancelled_with_a_reason_unless_held(province, staff_user, chair):
    planned = _issued(province, staff_user, chair)
    _refused(lambda: services.planned_item_withdraw(item=planned, reason=" ", actor=staff_user), "reason")
    services.session_record(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 2, 10), topic="Đối thoại", place="Hội trường",
        actor=staff_user, chair=chair, planned_item=planned,
    )  # fmt: skip
    assert "Đã có hội nghị" in _refused(
        lambda: services.planned_item_withdraw(item=planned, reason="Không cần", actor=staff_user)
    )
    other = _item(planned.plan, chair, staff_user, expected_month=11)
    services.planned_item_withdraw(item=other, reason="Gộp với cuộc khác", actor=staff_user)
    other.refresh_from_db()
    assert other.withdrawn_at and other.withdrawal_reason == "Gộp với cuộc khác"


# --- issuing ----------------------------------------------------------------------------------


def test_issuing_records_the_document_and_refuses_bad_dates_an_empty_plan_and_twice(
    province, staff_user, chair, pdf_upload
):
    plan = _plan(province, staff_user)
    assert "chưa có cuộc tiếp xúc" in _refused(
        lambda: services.plan_issue(plan=plan, number="1-KH", issued_on=D(2026, 1, 5), actor=staff_user)
    )
    _item(plan, chair, staff_user)
    _refused(lambda: services.plan_issue(plan=plan, number=" ", issued_on=D(2026, 1, 5), actor=staff_user), "number")
    _refused(
        lambda: services.plan_issue(plan=plan, number="1-KH", issued_on=D(2026, 3, 21), actor=staff_user), "issued_on"
    )
    _refused(
        lambda: services.plan_issue(plan=plan, number="1-KH", issued_on=D(2024, 12, 31), actor=staff_user), "issued_on"
    )
    services.plan_issue(
        plan=plan, number="15-KH/UBND", issued_on=D(2026, 1, 15), actor=staff_user, signed_file=pdf_upload()
    )
    plan.refresh_from_db()
    assert (plan.status, plan.number, plan.issued_on) == (PlanStatus.ISSUED, "15-KH/UBND", D(2026, 1, 15))
    assert plan.signed_file_name == "van-ban.pdf"
    assert "đã được ban hành" in _refused(
        lambda: services.plan_issue(plan=plan, number="16-KH", issued_on=D(2026, 1, 16), actor=staff_user)
    )


def test_a_plan_issued_after_its_due_date_counts_as_issued_late(province, staff_user, chair):
    plan = _plan(province, staff_user)
    _item(plan, chair, staff_user)
    services.plan_issue(plan=plan, number="1-KH", issued_on=D(2026, 2, 3), actor=staff_user)
    states = plan_state_conditions(2026)
    units = Unit.objects.filter(pk=province.ubnd.pk)
    assert units.filter(states["issued"]).exists() and units.filter(states["issued_late"]).exists()
    assert not units.filter(states["issued_on_time"]).exists()
    assert Unit.objects.filter(pk=province.party.pk).filter(states["missing"]).exists()


# --- holding a planned dialogue ------------------------------------------------------------------


def _hold(province, staff_user, chair, planned, **kw):
    data = dict(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 2, 10), topic="Đối thoại", place="Hội trường",
        actor=staff_user, chair=chair, planned_item=planned,
    )  # fmt: skip
    data.update(kw)
    return services.session_record(**data)


def test_a_session_recorded_against_a_planned_dialogue_makes_it_held(province, staff_user, chair):
    planned = _issued(province, staff_user, chair)
    session = _hold(province, staff_user, chair, planned)
    assert session.planned_item == planned
    state = with_planned_state(PlannedDialogue.objects.filter(pk=planned.pk)).get().state
    assert state == PlannedState.HELD


def test_a_planned_dialogue_whose_month_passed_without_a_session_is_missed_and_a_later_one_planned(
    province, staff_user, chair
):
    past = _issued(province, staff_user, chair, expected_month=2)
    future = _item(past.plan, chair, staff_user, expected_month=6)
    states = dict(with_planned_state(PlannedDialogue.objects.all()).values_list("pk", "state"))
    assert states == {past.pk: PlannedState.MISSED, future.pk: PlannedState.PLANNED}


def test_a_session_cannot_hold_another_units_planned_dialogue_or_a_draft_plans(province, staff_user, chair):
    planned = _issued(province, staff_user, chair)
    party_chair = f.LeaderFactory(unit=province.party)
    assert "không phải của đơn vị tổ chức" in _refused(
        lambda: _hold(province, staff_user, party_chair, planned, organising_unit=province.party), "planned_item"
    )
    draft = services.plan_create(unit=province.party, year=2026, actor=staff_user)
    draft_item = _item(draft, party_chair, staff_user)
    assert "chưa ban hành" in _refused(
        lambda: _hold(province, staff_user, party_chair, draft_item, organising_unit=province.party), "planned_item"
    )


def test_a_planned_dialogue_is_held_once_ad_hoc_and_out_of_year_sessions_are_refused(province, staff_user, chair):
    planned = _issued(province, staff_user, chair)
    assert "định kỳ" in _refused(lambda: _hold(province, staff_user, chair, planned, kind="ad_hoc"), "planned_item")
    assert "trong năm của kế hoạch" in _refused(
        lambda: _hold(province, staff_user, chair, planned, held_on=D(2025, 12, 20)), "planned_item"
    )
    first = _hold(province, staff_user, chair, planned)
    assert "đã được tổ chức tại một hội nghị khác" in _refused(
        lambda: _hold(province, staff_user, chair, planned, held_on=D(2026, 2, 12)), "planned_item"
    )
    # Editing the session that holds it keeps it; withdrawing that session frees it.
    services.session_update(session=first, topic="Đối thoại với doanh nghiệp", actor=staff_user)
    services.session_mark_withdrawn(session=first, reason="Nhập nhầm", actor=staff_user)
    assert _hold(province, staff_user, chair, planned, held_on=D(2026, 2, 12)).planned_item == planned


def test_a_cancelled_planned_dialogue_cannot_be_held(province, staff_user, chair):
    planned = _issued(province, staff_user, chair)
    services.planned_item_withdraw(item=planned, reason="Không tổ chức", actor=staff_user)
    assert "đã bị hủy" in _refused(lambda: _hold(province, staff_user, chair, planned), "planned_item")
    state = with_planned_state(PlannedDialogue.objects.filter(pk=planned.pk)).get().state
    assert state == PlannedState.CANCELLED
