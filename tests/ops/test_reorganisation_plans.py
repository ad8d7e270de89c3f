"""Reorganisation and the annual plans: the planned dialogues an ended unit still has to hold
pass to its successor's plan of the same year (created, carrying the old plan's document, when
the successor has none), chaired by the successor's head; held, missed and cancelled ones stay
with the old plan; the dashboards count each once; the successor's staff are told once."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from notifications.models import Notification, ObligationKind
from ops.reorganisation import reorganisation_apply
from reports import selectors as report_selectors
from reports import services as report_services
from reports.periods import Period, PeriodKind
from sessions import services
from sessions.models import DialoguePlan, DialogueSession, PlannedDialogue, PlanStatus
from tests import factories as f
from units.services import reorganisation_record

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 7, 1)
PLANNED_KEYS = ["planned_items", "planned_held", "planned_missed", "planned_pending"]


def _at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.timezone(dt.timedelta(hours=7))))


class W:
    pass


@pytest.fixture
def world(province):
    """A district People's Committee ending on 30/6/2025 (succeeded by the commune's) with an
    issued 2025 plan holding one planned dialogue of every state on 1/7/2025."""
    w = W()
    w.district_area = f.UnitFactory(
        name="Huyện Tân Lạc", parent=province.province, kind=province.area, level="district"
    )
    w.old = f.UnitFactory(name="UBND huyện Tân Lạc", parent=w.district_area, level="district")
    w.new = province.commune
    w.old_head = f.LeaderFactory(unit=w.old, full_name="Đinh Công Cũ", position="Chủ tịch UBND huyện")
    w.old_staff = f.UserFactory(username="old_staff")
    f.MembershipFactory(user=w.old_staff, unit=w.district_area, role="staff")
    w.new_staff = [f.UserFactory(username=f"new_staff_{n}") for n in range(2)]
    for user in w.new_staff:
        f.MembershipFactory(user=user, unit=province.commune_area, role="staff")
    w.new_officer = f.UserFactory(username="new_officer")
    f.MembershipFactory(user=w.new_officer, unit=w.new, role="agency")
    w.board = f.UserFactory(username="board")
    f.MembershipFactory(user=w.board, unit=province.province, role="board")
    with _at(dt.date(2025, 1, 10)):
        w.old_plan = services.plan_create(unit=w.old, year=2025, actor=w.old_staff, summary="Kế hoạch của huyện")

        def item(topic, **when):
            return services.planned_item_add(
                plan=w.old_plan, topic=topic, chair=w.old_head, invited=["front"], actor=w.old_staff, **when
            )

        w.missed = item("Đối thoại về đất đai", expected_month=3)
        w.held = item("Đối thoại với thanh niên", expected_month=5)
        w.held_early = item("Đối thoại với nông dân", expected_month=8)
        w.cancelled = item("Đối thoại với doanh nghiệp", expected_month=10)
        w.open_q3 = item("Đối thoại về giải phóng mặt bằng", expected_quarter=3)
        w.open_dec = item("Đối thoại với hội phụ nữ", expected_month=12)
        services.plan_issue(plan=w.old_plan, number="05-KH/UBND", issued_on=dt.date(2025, 1, 10), actor=w.old_staff)
    f.DialogueSessionFactory(organising_unit=w.old, planned_item=w.held, held_on=dt.date(2025, 5, 20))
    # Held before the district ended although planned for August: held, it stays.
    f.DialogueSessionFactory(organising_unit=w.old, planned_item=w.held_early, held_on=dt.date(2025, 6, 25))
    with _at(dt.date(2025, 6, 1)):
        services.planned_item_withdraw(item=w.cancelled, reason="Gộp vào hội nghị khác", actor=w.old_staff)
    with _at(dt.date(2025, 6, 20)):
        w.reorganisation = reorganisation_record(
            name="Kết thúc hoạt động cấp huyện",
            effective_on=DAY,
            steps=[(w.old, w.new), (w.district_area, province.commune_area)],
        )
    return w


def _apply(w):
    with _at(DAY):
        return reorganisation_apply(reorganisation=w.reorganisation)


def _planned_figures(w, province):
    period = Period(kind=PeriodKind.YEAR, year=2025)
    return report_selectors.figure_counts(w.board, PLANNED_KEYS, province.province, period, today=DAY)


def _succession_notices():
    return Notification.objects.filter(obligation=ObligationKind.SUCCESSION)


def test_exactly_the_open_planned_dialogues_move_to_a_plan_created_for_the_successor(world):
    w = world
    counts = _apply(w)
    assert counts["plan_items"] == 2 and counts["plans"] == 1
    plan = DialoguePlan.objects.get(unit=w.new, year=2025)
    # It carries the old plan's document, so the items can still be held.
    assert (plan.status, plan.number, plan.issued_on, plan.due_on) == (
        PlanStatus.ISSUED,
        "05-KH/UBND",
        dt.date(2025, 1, 10),
        w.old_plan.due_on,
    )
    assert "05-KH/UBND" in plan.summary and "UBND huyện Tân Lạc" in plan.summary
    assert set(plan.items.values_list("pk", flat=True)) == {w.open_q3.pk, w.open_dec.pk}
    for item in (w.open_q3, w.open_dec):
        item.refresh_from_db()
        assert (item.moved_from_id, item.moved_on) == (w.old.pk, DAY)
        # The successor has no head in office: the item keeps its chair.
        assert item.chair_id == w.old_head.pk
    # Held (also held early), missed and cancelled items and the old plan stay the old unit's.
    assert set(w.old_plan.items.values_list("pk", flat=True)) == {
        w.missed.pk,
        w.held.pk,
        w.held_early.pk,
        w.cancelled.pk,
    }
    assert not PlannedDialogue.objects.filter(plan=w.old_plan, moved_from__isnull=False).exists()
    w.old_plan.refresh_from_db()
    assert (w.old_plan.unit_id, w.old_plan.status) == (w.old.pk, PlanStatus.ISSUED)


def test_applying_again_moves_no_planned_dialogue(world):
    _apply(world)
    plans = list(DialoguePlan.objects.order_by("pk").values_list("pk", "unit_id"))
    items = list(PlannedDialogue.objects.order_by("pk").values_list("pk", "plan_id", "chair_id", "moved_on"))
    again = _apply(world)
    assert again["plan_items"] == 0 and again["plans"] == 0 and again["notified"] == 0
    assert list(DialoguePlan.objects.order_by("pk").values_list("pk", "unit_id")) == plans
    assert list(PlannedDialogue.objects.order_by("pk").values_list("pk", "plan_id", "chair_id", "moved_on")) == items


def test_items_join_the_successors_own_plan_and_its_head_chairs_them(world):
    w = world
    new_head = f.LeaderFactory(
        unit=w.new, full_name="Hà Thị Mới", position="Chủ tịch UBND xã", term_start=dt.date(2025, 7, 1)
    )
    with _at(dt.date(2025, 1, 15)):
        own = services.plan_create(unit=w.new, year=2025, actor=w.new_staff[0])
        own_item = services.planned_item_add(
            plan=own,
            topic="Đối thoại về nước sạch",
            chair=f.LeaderFactory(unit=w.new, term_start=dt.date(2021, 1, 1)),
            invited=["front"],
            expected_month=9,
            actor=w.new_staff[0],
        )
        services.plan_issue(plan=own, number="02-KH/UBND", issued_on=dt.date(2025, 1, 15), actor=w.new_staff[0])
    counts = _apply(w)
    assert counts["plan_items"] == 2 and counts["plans"] == 0
    assert DialoguePlan.objects.filter(unit=w.new, year=2025).count() == 1
    own.refresh_from_db()
    assert own.number == "02-KH/UBND"  # its own document is untouched
    assert set(own.items.values_list("pk", flat=True)) == {own_item.pk, w.open_q3.pk, w.open_dec.pk}
    w.open_q3.refresh_from_db()
    assert w.open_q3.chair_id == new_head.pk
    own_item.refresh_from_db()
    assert own_item.moved_from_id is None
    # The old head's term ended the day before.
    w.old_head.refresh_from_db()
    assert w.old_head.term_end == dt.date(2025, 6, 30)


def test_the_plan_figures_are_the_same_for_both_units_together_and_count_each_item_once(world, province):
    w = world
    before = _planned_figures(w, province)
    assert before["planned_items"] == 5  # the cancelled one is not counted
    _apply(w)
    after = _planned_figures(w, province)
    assert after == before
    period = Period(kind=PeriodKind.YEAR, year=2025)
    listed = list(
        report_selectors.figure_queryset(w.board, "planned_items", province.province, period, today=DAY).values_list(
            "pk", flat=True
        )
    )
    assert sorted(listed) == sorted(set(listed)) and len(listed) == 5
    # The successor's own subtree now counts what moved to it, the old unit what stayed.
    new_only = report_selectors.figure_counts(w.board, PLANNED_KEYS, province.commune_area, period, today=DAY)
    old_only = report_selectors.figure_counts(w.board, PLANNED_KEYS, w.district_area, period, today=DAY)
    assert (new_only["planned_items"], new_only["planned_pending"]) == (2, 2)
    assert (old_only["planned_items"], old_only["planned_held"], old_only["planned_missed"]) == (3, 2, 1)


def test_the_plan_page_says_where_a_moved_item_came_from(world, client):
    w = world
    _apply(w)
    plan = DialoguePlan.objects.get(unit=w.new, year=2025)
    client.force_login(w.new_staff[0])
    with _at(DAY):
        page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.status_code == 200
    assert "Chuyển từ kế hoạch của UBND huyện Tân Lạc (sắp xếp đơn vị từ 01/07/2025)" in page.content.decode()


def test_the_plan_list_says_whose_document_a_successors_plan_carries_and_dates_the_unplanned_from_their_start(
    world, province, client
):
    """A commune begun on 1/7/2025 without its own plan receives the district's: the list names
    the predecessor whose document (number, dates) the row shows. Another commune body begun the
    same day, with no plan yet, is due 30 days from its first day, not 03/02/2025."""
    w = world
    for unit in (province.commune_area, w.new):
        unit.active_from = DAY
        unit.save(update_fields=["active_from"])
    fresh = f.UnitFactory(
        name="UBND xã Mới Lập", parent=province.commune_area, level="commune", kind=w.new.kind, active_from=DAY
    )
    _apply(w)
    client.force_login(w.new_staff[0])
    with _at(dt.date(2025, 7, 10)):
        page = client.get(reverse("plans:list") + "?year=2025").content.decode()
    rows = {pk: page.split(f'data-unit="{pk}"', 1)[1].split("</tr>", 1)[0] for pk in (w.new.pk, fresh.pk)}
    assert "Văn bản của UBND huyện Tân Lạc (đơn vị tiền thân)" in rows[w.new.pk] and "05-KH/UBND" in rows[w.new.pk]
    assert "31/07/2025" in rows[fresh.pk] and "Chưa có kế hoạch" in rows[fresh.pk]
    assert "tiền thân" not in rows[fresh.pk]


def test_each_successor_staff_user_is_told_once_per_step_and_never_again(world, province):
    w = world
    with _at(dt.date(2025, 6, 20)):
        report_services.calendar_create_default(unit=province.province, starts_on=dt.date(2025, 1, 1))
        report_services.rounds_open(dt.date(2025, 6, 20))
    counts = _apply(w)
    assert counts["report_dues"] >= 1
    notices = list(_succession_notices())
    assert sorted(n.recipient.username for n in notices) == ["new_staff_0", "new_staff_1"]
    step = w.reorganisation.steps.get(predecessor=w.old)
    plan = DialoguePlan.objects.get(unit=w.new, year=2025)
    for notice in notices:
        assert notice.object_id == step.pk
        assert notice.title.startswith("Tiếp nhận từ UBND huyện Tân Lạc: 2 cuộc đối thoại dự kiến")
        assert "báo cáo định kỳ" in notice.title
        assert notice.url == reverse("plans:detail", args=[plan.pk])
    assert _apply(w)["notified"] == 0
    assert _succession_notices().count() == 2


def test_reports_due_alone_link_to_the_reports_page(world, province):
    w = world
    for item in (w.open_q3, w.open_dec):
        with _at(dt.date(2025, 6, 1)):
            services.planned_item_withdraw(item=item, reason="Không tổ chức nữa", actor=w.old_staff)
    with _at(dt.date(2025, 6, 20)):
        report_services.calendar_create_default(unit=province.province, starts_on=dt.date(2025, 1, 1))
        report_services.rounds_open(dt.date(2025, 6, 20))
    _apply(w)
    notices = list(_succession_notices())
    assert len(notices) == 2
    assert {n.url for n in notices} == {reverse("reports:report_list")}
    assert all("cuộc đối thoại dự kiến" not in n.title for n in notices)


def test_nobody_is_told_when_nothing_moved(world):
    w = world
    for item in (w.open_q3, w.open_dec):
        with _at(dt.date(2025, 6, 1)):
            services.planned_item_withdraw(item=item, reason="Không tổ chức nữa", actor=w.old_staff)
    counts = _apply(w)
    assert counts["plan_items"] == 0 and counts["notified"] == 0
    assert not _succession_notices().exists()
    assert not DialoguePlan.objects.filter(unit=w.new).exists()


def test_a_session_that_moved_with_its_notice_still_owed_keeps_its_planned_dialogue(world):
    w = world
    session = DialogueSession.objects.get(planned_item=w.held_early)
    _apply(w)
    session.refresh_from_db()
    assert session.organising_unit_id == w.new.pk and session.planned_item_id == w.held_early.pk
    with _at(dt.date(2025, 7, 3)):
        services.session_update(session=session, place="Hội trường UBND xã Tân Lạc", actor=w.new_staff[0])
    session.refresh_from_db()
    assert session.place == "Hội trường UBND xã Tân Lạc" and session.planned_item_id == w.held_early.pk
