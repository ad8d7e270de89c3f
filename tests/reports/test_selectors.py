"""Every dashboard figure equals the count of the drill-down list behind it, on data covering
every state; and the figures have the values the rules give."""

import re

import pytest
from django.urls import reverse

from reports import selectors
from reports.periods import Cutoff, Period

EXPECTED_PROVINCE = {
    "sessions_held": 5,
    "sessions_periodic": 4,
    "sessions_ad_hoc": 1,
    "sessions_level_province": 2,
    "sessions_level_district": 1,
    "sessions_level_commune": 2,
    "sessions_level_other": 0,
    "notices_on_time": 2,
    "notices_late": 1,
    "notices_overdue": 1,
    "notices_pending": 1,
    "petitions_received": 11,
    "petitions_clarified": 1,
    "petitions_assigned": 8,
    "petitions_on_time": 4,
    "petitions_late": 1,
    "petitions_overdue": 1,
    "petitions_pending": 2,
    "petitions_replied": 3,
    "petitions_forwarded": 1,
    "petitions_complex": 1,
    "petitions_complex_overdue": 1,
    "petitions_forward_overdue": 0,
    "petitions_satisfied": 1,
    "petitions_unsatisfied": 1,
    "petitions_reopened": 0,
    "petitions_supplementary_overdue": 0,
    "petitions_closed": 0,
    "petitions_closed_by_staff": 0,
    "r1_required": 5,
    "r1_held": 4,
    "r1_missing": 1,
    # The heads' cycle (its own world is in test_heads.py): no plan, head or commitment here.
    "sessions_planned": 0,
    "sessions_unplanned": 5,
    "plans_issued": 0,
    "plans_issued_late": 0,
    "plans_missing": 5,
    "planned_items": 0,
    "planned_held": 0,
    "planned_missed": 0,
    "planned_pending": 0,
    "heads_bound": 0,
    "heads_held": 0,
    "heads_not_held": 0,
    "directions_given": 0,
    "items_total": 0,
    "items_done": 0,
    "items_done_late": 0,
    "items_open": 0,
    "items_overdue": 0,
    "items_unsatisfied": 0,
}


def test_key_figures_follow_the_rules_on_every_state(world, year_2026):
    figures = selectors.dashboard_data(world.board, world.province, year_2026).figures
    assert figures == EXPECTED_PROVINCE


def test_every_key_figure_equals_its_drill_down_count(world, year_2026):
    figures = selectors.dashboard_data(world.board, world.province, year_2026).figures
    assert set(figures) == set(selectors.FIGURES)
    for key, value in figures.items():
        assert selectors.figure_queryset(world.board, key, world.province, year_2026).count() == value, key


def test_r1_lists_the_unit_without_a_dialogue_this_year(world, year_2026):
    missing = selectors.figure_queryset(world.board, "r1_missing", world.province, year_2026)
    assert list(missing) == [world.commune2]


def test_unit_table_cells_equal_their_drill_down_counts(world, year_2026):
    table = selectors.dashboard_data(world.board, world.province, year_2026).units
    by_unit = {row["unit"]: row for row in table}
    assert by_unit[world.agency]["petitions_assigned"] == 4
    assert by_unit[world.agency]["on_time_rate"] == 50.0  # (met + forwarded) / (those + late + overdue)
    assert by_unit[world.agency]["petitions_unsatisfied"] == 1
    for row in table:
        for key in ["sessions_held", "notices_on_time", "notices_late", "notices_overdue", *selectors.UNIT_TABLE_KEYS]:
            qs = selectors.figure_queryset(world.board, key, world.province, year_2026, by_unit=row["unit"].pk)
            assert qs.count() == row[key], (row["unit"], key)


def test_field_table_cells_equal_their_drill_down_counts(world, year_2026):
    table = selectors.dashboard_data(world.board, world.province, year_2026).fields
    assert {row["field__name"] for row in table} == {"Đất đai", "Môi trường", None}
    assert sum(row["petitions_received"] for row in table) == EXPECTED_PROVINCE["petitions_received"]
    for row in table:
        for key in selectors.FIELD_TABLE_KEYS:
            qs = selectors.figure_queryset(world.board, key, world.province, year_2026, field=row["field_param"])
            assert qs.count() == row[key], (row["field__name"], key)


def test_monthly_trend_cells_equal_the_month_drill_down(world, year_2026):
    trend = selectors.dashboard_data(world.board, world.province, year_2026).trend
    assert len(trend) == 12
    assert sum(row["sessions_held"] for row in trend) == EXPECTED_PROVINCE["sessions_held"]
    # January 2026 report month = 15/12/2025–14/01/2026 holds the session of 05/01.
    assert trend[0]["sessions_held"] == 1 and trend[0]["petitions_received"] == 7
    for row in trend:
        for key in selectors.TREND_SESSION_KEYS + selectors.TREND_PETITION_KEYS:
            assert selectors.figure_queryset(world.board, key, world.province, row["period"]).count() == row[key]


def test_period_bounds_decide_what_counts(world):
    march = Period(kind="month", year=2026, month=3)  # 15/02–14/03/2026
    figures = selectors.dashboard_data(world.board, world.province, march).figures
    assert figures["sessions_held"] == 2  # district 20/02 and commune 02/03
    calendar_q1 = Period(kind="q1", year=2026, cutoff=Cutoff(day=1, month=1))  # 01/01–31/03/2026
    assert selectors.dashboard_data(world.board, world.province, calendar_q1).figures["sessions_held"] == 5


def test_commune_board_sees_only_its_area(world, year_2026):
    figures = selectors.dashboard_data(world.commune_board, world.commune_area, year_2026).figures
    assert figures["sessions_held"] == 2
    assert figures["petitions_received"] == 4  # its sessions' petitions + those assigned to its units
    assert figures["r1_required"] == 2 and figures["r1_missing"] == 1
    ids = set(
        selectors.figure_queryset(world.commune_board, "petitions_received", world.commune_area, year_2026).values_list(
            "pk", flat=True
        )
    )
    assert ids == {world.p_recorded.pk, world.p_recorded2.pk, world.p_satisfied.pk, world.p_complex.pk}


def test_dashboard_unit_outside_scope_is_404(world):
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.dashboard_unit_or_404(world.commune_board, world.province.pk)
    with pytest.raises(Http404):
        selectors.dashboard_unit_or_404(world.agency_officer, None)
    assert selectors.dashboard_unit_or_404(world.commune_board, None) == world.commune_area


def test_dashboard_page_links_every_figure_to_a_list_of_the_same_count(world, login, year_2026):
    client = login(world.board)
    response = client.get(reverse("reports:dashboard"), {"unit": world.province.pk, "kind": "year", "year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    links = re.findall(r'<a class="fw-bold" href="([^"]+)" data-figure="([a-z0-9_]+)">(\d+)</a>', html)
    assert len(links) == len(selectors.FIGURES)
    for href, key, shown in links:
        page = client.get(href.replace("&amp;", "&"))
        assert page.status_code == 200
        assert page.context["page"].paginator.count == int(shown) == EXPECTED_PROVINCE[key], key
    # every table cell links to a list of the same count too
    cells = re.findall(r'<td[^>]*><a href="(/bao-cao/danh-sach/[^"]+)">(\d+)</a></td>', html)
    assert len(cells) > 50
    for href, shown in cells:
        assert client.get(href.replace("&amp;", "&")).context["page"].paginator.count == int(shown), href
