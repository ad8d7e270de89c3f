"""The screens of the plans and of the chair's conclusions and commitments: the staff's forms,
each role's view, and a commune's staff never reaching another commune's plan."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from sessions import services
from sessions.models import ConclusionItem, DialoguePlan, DialogueSession, PlannedDialogue, PlanStatus
from tests import factories as f

D = dt.date
pytestmark = pytest.mark.django_db
HANOI = dt.timezone(dt.timedelta(hours=7))


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2026, 3, 20, 10, 0, tzinfo=HANOI), tick=False):
        yield


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def communes(province):
    """Two communes, each with its People's Committee, head and staff."""
    t = province
    t.area_b = f.UnitFactory(name="Xã Mai Châu", parent=t.province, kind=f.AreaKindFactory(), symbol="")
    t.commune_b = f.UnitFactory(name="UBND xã Mai Châu", parent=t.area_b)
    t.head_a = f.LeaderFactory(unit=t.commune, full_name="Chủ tịch Tân Lạc")
    t.head_b = f.LeaderFactory(unit=t.commune_b, full_name="Chủ tịch Mai Châu")
    t.staff_a = f.UserFactory(username="vp_tanlac")
    f.MembershipFactory(user=t.staff_a, unit=t.commune_area, role="staff")
    t.staff_b = f.UserFactory(username="vp_maichau")
    f.MembershipFactory(user=t.staff_b, unit=t.area_b, role="staff")
    t.plan_a = services.plan_create(unit=t.commune, year=2026, actor=t.staff_a)
    t.plan_b = services.plan_create(unit=t.commune_b, year=2026, actor=t.staff_b)
    t.item_b = services.planned_item_add(
        plan=t.plan_b, topic="Đối thoại Mai Châu", chair=t.head_b, expected_month=5, invited=["people"], actor=t.staff_b
    )
    return t


def test_a_communes_staff_never_sees_another_communes_plan(communes):
    t = communes
    client = _client(t.staff_a)
    page = client.get(reverse("plans:list"))
    assert page.status_code == 200
    assert "UBND xã Tân Lạc" in page.content.decode() and "Mai Châu" not in page.content.decode()
    assert client.get(t.plan_a.get_absolute_url()).status_code == 200
    assert client.get(t.plan_b.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:item_add", args=[t.plan_b.pk])).status_code == 404
    before = PlannedDialogue.objects.count()
    posted = client.post(
        reverse("plans:item_add", args=[t.plan_b.pk]),
        {"topic": "Chen vào", "expected_month": "4", "chair": t.head_b.pk, "invited": ["people"]},
    )
    assert posted.status_code == 404 and PlannedDialogue.objects.count() == before
    assert client.post(reverse("plans:item_withdraw", args=[t.item_b.pk]), {"reason": "x"}).status_code == 404
    assert (
        client.post(reverse("plans:issue", args=[t.plan_b.pk]), {"number": "1", "issued_on": "20/03/2026"}).status_code
        == 404
    )
    assert DialoguePlan.objects.get(pk=t.plan_b.pk).status == PlanStatus.DRAFT
    # The province's Board sees both communes' plans.
    board = f.UserFactory(username="bdv")
    f.MembershipFactory(user=board, unit=t.province, role="board")
    listing = _client(board).get(reverse("plans:list")).content.decode()
    assert "UBND xã Tân Lạc" in listing and "UBND xã Mai Châu" in listing
    assert _client(board).get(t.plan_b.get_absolute_url()).status_code == 200


def test_the_plan_list_marks_units_without_a_plan_and_filters_them(communes):
    t = communes
    staff = f.UserFactory(username="vptinh")
    f.MembershipFactory(user=staff, unit=t.province, role="staff")
    page = _client(staff).get(reverse("plans:list"), {"state": "missing"}).content.decode()
    page = page.split('id="plan-table"')[1]
    assert "UBND tỉnh Hòa Bình" in page and "Tỉnh ủy Hòa Bình" in page  # no plan at all
    assert "UBND xã Tân Lạc" in page  # a draft is not an issued plan
    assert "Sở Nông nghiệp" not in page  # not bound by the rule, no plan


def test_staff_start_a_plan_add_a_dialogue_and_issue_it_through_the_forms(communes, pdf_upload):
    t = communes
    client = _client(t.staff_a)
    refused = client.post(reverse("plans:create"), {"unit": t.commune.pk, "year": "2026"})
    assert "đã có kế hoạch" in refused.content.decode()
    created = client.post(reverse("plans:create"), {"unit": t.commune.pk, "year": "2027"})
    plan = DialoguePlan.objects.get(unit=t.commune, year=2027)
    assert created.status_code == 302 and created["Location"] == plan.get_absolute_url()

    plan = t.plan_a
    bad = client.post(
        reverse("plans:item_add", args=[plan.pk]), {"topic": "Đối thoại", "chair": t.head_a.pk, "invited": ["people"]}
    )
    assert "tháng hoặc quý" in bad.content.decode()
    foreign_head = client.post(
        reverse("plans:item_add", args=[plan.pk]),
        {"topic": "Đối thoại", "expected_month": "4", "chair": t.head_b.pk, "invited": ["people"]},
    )
    assert "không thuộc đơn vị hoặc cấp trên" in foreign_head.content.decode()
    ok = client.post(
        reverse("plans:item_add", args=[plan.pk]),
        {
            "topic": "Đối thoại về nông thôn mới",
            "expected_quarter": "2",
            "chair": t.head_a.pk,
            "invited": ["people", "front"],
        },
    )
    assert ok.status_code == 302 and plan.items.get().expected_by == D(2026, 6, 30)
    issued = client.post(
        reverse("plans:issue", args=[plan.pk]),
        {"number": "05-KH/UBND", "issued_on": "15/01/2026", "signed_file": pdf_upload("ke-hoach.pdf")},
    )
    assert issued.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ISSUED and plan.signed_file_name == "ke-hoach.pdf"
    assert client.get(reverse("plans:signed_file", args=[plan.pk])).status_code == 200
    assert _client(t.staff_b).get(reverse("plans:signed_file", args=[plan.pk])).status_code == 404
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert "05-KH/UBND" in detail and f"?ke_hoach={plan.items.get().pk}" in detail


def test_a_session_is_recorded_against_a_planned_dialogue_through_the_form(communes):
    t = communes
    plan = t.plan_a
    planned = services.planned_item_add(
        plan=plan, topic="Đối thoại đất đai", chair=t.head_a, expected_month=3, invited=["people"], actor=t.staff_a
    )
    services.plan_issue(plan=plan, number="1-KH", issued_on=D(2026, 1, 10), actor=t.staff_a)
    client = _client(t.staff_a)
    form = client.get(reverse("sessions:create"), {"ke_hoach": planned.pk}).content.decode()
    assert "Đối thoại đất đai" in form and "Đối thoại Mai Châu" not in form
    data = {
        "organising_unit": t.commune.pk, "kind": "periodic", "held_on": "18/03/2026", "chair": t.head_a.pk,
        "place": "Nhà văn hóa", "topic": "Đối thoại đất đai", "planned_item": planned.pk,
        "participants-TOTAL_FORMS": "0", "participants-INITIAL_FORMS": "0",
    }  # fmt: skip
    foreign = client.post(reverse("sessions:create"), {**data, "planned_item": t.item_b.pk})
    assert "không hợp lệ hoặc đã được tổ chức" in foreign.content.decode()
    assert client.post(reverse("sessions:create"), data).status_code == 302
    session = DialogueSession.objects.get(planned_item=planned)
    page = client.get(session.get_absolute_url()).content.decode()
    assert 'data-testid="planned-item"' in page and "Đối thoại đất đai" in page
    assert reverse("plans:detail", args=[plan.pk]) in page
    # An agency given a conclusion reads that the session was planned, without a link that 404s.
    officer = f.UserFactory(username="so_nn_plan")
    f.MembershipFactory(user=officer, unit=t.agency, role="agency")
    services.conclusion_item_add(
        session=session, kind="conclusion", text="Rà soát hồ sơ đất", responsible_unit=t.agency, actor=t.staff_a
    )
    agency_page = _client(officer).get(session.get_absolute_url())
    assert agency_page.status_code == 200
    assert "Đối thoại đất đai" in agency_page.content.decode()
    assert reverse("plans:detail", args=[plan.pk]) not in agency_page.content.decode()
    assert _client(officer).get(reverse("plans:detail", args=[plan.pk])).status_code == 404


def test_conclusions_and_commitments_through_the_forms(province, staff_user, agency_user, pdf_upload):
    session = services.session_record(
        organising_unit=province.ubnd, kind="periodic", held_on=D(2026, 3, 2), topic="Đối thoại", place="Hội trường",
        actor=staff_user,
    )  # fmt: skip
    staff = _client(staff_user)
    add_url = reverse("sessions:item_add", args=[session.pk])
    assert _client(agency_user).get(add_url).status_code == 404
    missing_unit = staff.post(add_url, {"kind": "commitment", "text": "Sửa đường", "target_on": "30/04/2026"})
    assert "Vui lòng chọn đơn vị thực hiện" in missing_unit.content.decode()
    early = staff.post(
        add_url,
        {"kind": "commitment", "text": "Sửa đường", "responsible_unit": province.agency.pk, "target_on": "01/03/2026"},
    )
    assert "không được trước ngày hội nghị" in early.content.decode()
    assert ConclusionItem.objects.count() == 0
    done = staff.post(
        add_url,
        {"kind": "commitment", "text": "Sửa đường", "responsible_unit": province.agency.pk, "target_on": "30/04/2026"},
    )
    assert done.status_code == 302
    item = ConclusionItem.objects.get()
    assert "Sửa đường" in staff.get(session.get_absolute_url()).content.decode()

    agency = _client(agency_user)
    assert agency.get(reverse("commitments:list")).status_code == 200
    assert agency.get(item.get_absolute_url()).status_code == 200
    no_evidence = agency.post(reverse("commitments:complete", args=[item.pk]), {"done_on": "19/03/2026"})
    assert "văn bản chứng minh hoặc ghi rõ kết quả" in no_evidence.content.decode()
    reported = agency.post(
        reverse("commitments:complete", args=[item.pk]), {"done_on": "19/03/2026", "evidence": pdf_upload("xong.pdf")}
    )
    assert reported.status_code == 302
    assert agency.get(reverse("commitments:evidence", args=[item.pk])).status_code == 200

    front = f.UserFactory(username="mttq")
    f.MembershipFactory(user=front, unit=province.province, role="front")
    assert agency.get(reverse("commitments:assess", args=[item.pk])).status_code == 404
    assessed = _client(front).post(
        reverse("commitments:assess", args=[item.pk]),
        {"result": "satisfied", "reason": "", "assessed_on": "20/03/2026"},
    )
    assert assessed.status_code == 302
    item.refresh_from_db()
    assert item.assessment == "satisfied" and item.done_on == D(2026, 3, 19)

    other = services.conclusion_item_add(
        session=session, kind="conclusion", text="Rà soát hồ sơ", responsible_unit=province.agency, actor=staff_user
    )
    assert agency.post(reverse("commitments:withdraw", args=[other.pk]), {"reason": "x"}).status_code == 404
    assert staff.post(reverse("commitments:withdraw", args=[other.pk]), {"reason": "Ghi nhầm"}).status_code == 302
    other.refresh_from_db()
    assert other.withdrawn_at is not None
