"""The heads' cycle on the dashboards: plans, planned dialogues, heads bound by the rule,
conclusions and commitments, directions. Every figure equals its drill-down list (for the whole
subtree and narrowed to one head, the scorecard), a head who left mid-year and the successor each
have their own count, and the periodic report includes them."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from petitions.models import Direction
from reports import selectors
from reports.heads import dialogue_year_period
from sessions.models import ConclusionItem, DialoguePlan, PlannedDialogue, PlanStatus
from tests import factories as f

from .conftest import make_user

pytestmark = pytest.mark.django_db
D = dt.date


def _plan(unit, *, issued_on=None, status=PlanStatus.ISSUED):
    return DialoguePlan.objects.create(
        unit=unit, year=2026, status=status, due_on=D(2026, 2, 2), number="1-KH" if issued_on else "",
        issued_on=issued_on,
    )  # fmt: skip


def _planned(plan, chair, month, **kw):
    return PlannedDialogue.objects.create(
        plan=plan, topic=f"Đối thoại tháng {month}", expected_month=month, expected_by=D(2026, month, 28),
        chair=chair, invited=["people"], **kw,
    )  # fmt: skip


def _item(session, unit, **kw):
    return ConclusionItem.objects.create(session=session, text="Sửa đường", responsible_unit=unit, **kw)


@pytest.fixture
def cycle(world):
    t = world
    t.ubnd_head = f.LeaderFactory(unit=t.ubnd, full_name="Bùi Đức Hinh", user=f.UserFactory(username="chutich"))
    make_user("chutich", t.province, "leader")
    t.old_secretary = f.LeaderFactory(
        unit=t.party, full_name="Hà Văn Cũ", term_start=D(2020, 10, 1), term_end=D(2026, 1, 31)
    )
    t.new_secretary = f.LeaderFactory(unit=t.party, full_name="Đinh Văn Mới", term_start=D(2026, 2, 1))
    t.commune_head = f.LeaderFactory(unit=t.commune, full_name="Lò Văn Xã")
    # Sessions: the People's Committee's head chaired the January one; the old secretary one in
    # January, the new one the February one.
    t.s_on_time.chair = t.ubnd_head
    t.s_late.chair = t.new_secretary
    t.s_on_time.save()
    t.s_late.save()
    t.s_old = f.DialogueSessionFactory(
        organising_unit=t.party, held_on=D(2026, 1, 20), chair=t.old_secretary, notice_issued_on=D(2026, 1, 25)
    )
    # Plans: the People's Committee's on time (held, missed, to come, cancelled), the party's late,
    # the commune's a draft; the others none.
    ubnd_plan = _plan(t.ubnd, issued_on=D(2026, 1, 15))
    t.held = _planned(ubnd_plan, t.ubnd_head, 1)
    t.s_on_time.planned_item = t.held
    t.s_on_time.save()
    t.missed = _planned(ubnd_plan, t.ubnd_head, 2)
    t.pending = _planned(ubnd_plan, t.ubnd_head, 6)
    _planned(ubnd_plan, t.ubnd_head, 7, withdrawn_at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    party_plan = _plan(t.party, issued_on=D(2026, 2, 10))
    _planned(party_plan, t.new_secretary, 11)
    _plan(t.commune, status=PlanStatus.DRAFT)
    # Conclusions and commitments.
    t.i_on_time = _item(t.s_on_time, t.agency, target_on=D(2026, 2, 1), done_on=D(2026, 1, 30), assessment="satisfied")
    t.i_overdue = _item(t.s_on_time, t.agency, target_on=D(2026, 3, 1))
    t.i_open = _item(t.s_on_time, t.commune, target_on=D(2026, 5, 1))
    t.i_late = _item(t.s_late, t.agency, target_on=D(2026, 2, 20), done_on=D(2026, 3, 5), assessment="unsatisfied")
    t.i_no_target = _item(t.s_old, t.ubnd)
    _item(t.s_old, t.ubnd, target_on=D(2026, 2, 1), withdrawn_at=dt.datetime(2026, 2, 2, tzinfo=dt.UTC))
    _item(t.s_foreign, t.other_ubnd, target_on=D(2026, 2, 1))
    # A direction of the People's Committee's head.
    Direction.objects.create(
        petition=t.p_met, leader=t.ubnd_head, unit=t.agency, text="Kiểm tra lại", given_on=D(2026, 1, 22),
        author=t.board,
    )  # fmt: skip
    return t


EXPECTED = {
    "sessions_planned": 1,
    "sessions_unplanned": 5,
    "r1_required": 5,
    "plans_issued": 2,
    "plans_issued_late": 1,
    "plans_missing": 3,
    "planned_items": 4,
    "planned_held": 1,
    "planned_missed": 1,
    "planned_pending": 2,
    "heads_bound": 4,
    "heads_held": 3,
    "heads_not_held": 1,
    "directions_given": 1,
    "items_total": 5,
    "items_done": 2,
    "items_done_late": 1,
    "items_open": 2,
    "items_overdue": 1,
    "items_unsatisfied": 1,
}


def test_the_heads_cycle_figures_follow_the_rules(cycle, year_2026):
    figures = selectors.dashboard_data(cycle.board, cycle.province, year_2026).figures
    assert {k: figures[k] for k in EXPECTED} == EXPECTED


def test_every_figure_equals_its_drill_down_for_the_subtree_and_for_each_head(cycle, year_2026):
    figures = selectors.dashboard_data(cycle.board, cycle.province, year_2026).figures
    for key, value in figures.items():
        assert selectors.figure_queryset(cycle.board, key, cycle.province, year_2026).count() == value, key
    for head in (cycle.ubnd_head, cycle.old_secretary, cycle.new_secretary, cycle.commune_head):
        counts = selectors.figure_counts(cycle.board, list(selectors.FIGURES), head.unit, year_2026, head=head)
        for key, value in counts.items():
            listed = selectors.figure_queryset(cycle.board, key, head.unit, year_2026, head=head).count()
            assert listed == value, (head.full_name, key)


def test_a_head_who_left_mid_year_and_the_successor_each_have_their_own_count(cycle):
    period = dialogue_year_period(2026)
    for head in (cycle.old_secretary, cycle.new_secretary):
        counts = selectors.figure_counts(
            cycle.board, ["sessions_held", "heads_held"], cycle.party, period, today=D(2026, 3, 20), head=head
        )
        assert counts == {"sessions_held": 1, "heads_held": 1}, head.full_name
    commune = selectors.figure_counts(
        cycle.board, ["sessions_held", "heads_held", "heads_not_held"], cycle.commune, period, head=cycle.commune_head
    )
    assert commune == {"sessions_held": 0, "heads_held": 0, "heads_not_held": 1}


def test_the_head_narrowing_reads_the_heads_own_rows(cycle, year_2026):
    count = lambda key: selectors.figure_queryset(  # noqa: E731
        cycle.board, key, cycle.ubnd, year_2026, head=cycle.ubnd_head
    ).count()
    assert (count("planned_items"), count("planned_held"), count("planned_missed")) == (3, 1, 1)
    assert (count("items_total"), count("items_done"), count("items_overdue"), count("items_open")) == (3, 1, 1, 1)
    assert (count("directions_given"), count("plans_issued"), count("heads_held")) == (1, 1, 1)
    assert count("petitions_unsatisfied") == 1  # the reply to a petition of the session they chaired


def test_the_scorecard_links_every_figure_to_its_list(cycle, login):
    client = login(cycle.board)
    page = client.get(reverse("reports:head_scorecard", args=[cycle.ubnd_head.pk]), {"year": 2026})
    assert page.status_code == 200
    html = page.content.decode()
    figures = dict(re.findall(r'data-figure="(\w+)">(\d+)<', html))
    assert figures["sessions_held"] == "1" and figures["items_overdue"] == "1" and figures["directions_given"] == "1"
    assert 'data-testid="r1-status">Đạt' in html
    link = re.search(r'href="([^"]+)" data-figure="items_overdue"', html).group(1).replace("&amp;", "&")
    listed = client.get(link)
    assert listed.status_code == 200
    assert listed.content.decode().count('data-item="') == 1


def test_the_scorecard_shows_the_units_other_head_of_the_year(cycle, login):
    html = login(cycle.board).get(reverse("reports:head_scorecard", args=[cycle.new_secretary.pk])).content.decode()
    assert "Hà Văn Cũ" in html


def test_the_scorecard_is_for_those_whose_scope_covers_the_head(cycle, login):
    url = reverse("reports:head_scorecard", args=[cycle.ubnd_head.pk])
    assert login(cycle.agency_officer).get(url).status_code == 404
    assert login(cycle.foreign_board).get(url).status_code == 404
    assert login(cycle.commune_board).get(url).status_code == 404
    foreign_head = f.LeaderFactory(unit=cycle.other_ubnd)
    listed = login(cycle.board).get(
        reverse("reports:figure", args=["sessions_held"]), {"unit": cycle.province.pk, "head": foreign_head.pk}
    )
    assert listed.status_code == 404


def test_my_scorecard_takes_a_head_to_theirs_and_others_to_the_register(cycle, login):
    head_user = cycle.ubnd_head.user
    response = login(head_user).get(reverse("reports:my_scorecard"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "reports:head_scorecard", args=[cycle.ubnd_head.pk]
    )
    response = login(cycle.board).get(reverse("reports:my_scorecard"))
    assert response.status_code == 302 and "/bao-cao/danh-sach/heads_bound/" in response["Location"]
    register = login(cycle.board).get(response["Location"]).content.decode()
    assert "Hà Văn Cũ" in register and "Đinh Văn Mới" in register and "Chưa đạt" in register
    assert login(cycle.agency_officer).get(reverse("reports:my_scorecard")).status_code == 404


@pytest.mark.parametrize(
    "key,marker",
    [
        ("planned_missed", "Đối thoại tháng 2"),
        ("heads_not_held", "Lò Văn Xã"),
        ("items_overdue", "Sửa đường"),
        ("directions_given", "Kiểm tra lại"),
        ("plans_missing", "UBND xã Mường Khến"),
    ],
)
def test_the_new_lists_export_to_xlsx(cycle, login, key, marker):
    response = login(cycle.board).get(
        reverse("reports:figure", args=[key]),
        {"unit": cycle.province.pk, "kind": "year", "year": "2026", "format": "xlsx"},
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c)
    assert marker in cells


def test_the_periodic_report_includes_plans_heads_and_commitments(cycle, login):
    client = login(cycle.board)
    params = {"unit": cycle.province.pk, "kind": "year", "year": "2026"}
    xlsx = client.get(reverse("reports:periodic", args=["xlsx"]), params)
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert {"Chưa có kế hoạch năm", "Người đứng đầu chưa đối thoại", "Cam kết quá hạn"} <= set(workbook.sheetnames)
    from docx import Document

    docx = client.get(reverse("reports:periodic", args=["docx"]), params)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "VII. Kế hoạch, người đứng đầu và thực hiện kết luận, cam kết" in text
    assert "đã ban hành kế hoạch: 2 (40,0%)" in text
    assert "Lò Văn Xã" in text
