"""Dashboard, drill-down and Front monitor pages: scoping (404 outside the scope), the monitor's
writes, and the exports read back with openpyxl and python-docx."""

import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from notifications.models import Notification
from petitions.models import EventKind, PetitionEvent, SupervisionNote
from reports import selectors

from .test_selectors import EXPECTED_PROVINCE

YEAR = {"kind": "year", "year": "2026"}


def _get(client, name, *args, **params):
    return client.get(reverse(name, args=args), params)


# --- scoping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["commune_board", "commune_front"])
def test_commune_user_never_sees_the_province_figures_lists_or_exports(world, login, username):
    client = login(getattr(world, username))
    province = {"unit": world.province.pk, **YEAR}
    assert _get(client, "reports:dashboard", **province).status_code == 404
    assert _get(client, "reports:dashboard", format="xlsx", **province).status_code == 404
    assert _get(client, "reports:figure", "petitions_received", **province).status_code == 404
    assert _get(client, "reports:figure", "petitions_received", format="xlsx", **province).status_code == 404
    assert _get(client, "reports:periodic", "docx", **province).status_code == 404
    assert _get(client, "reports:periodic", "xlsx", **province).status_code == 404
    foreign = {"unit": world.other_province.pk, **YEAR}
    assert _get(client, "reports:dashboard", **foreign).status_code == 404

    own = _get(client, "reports:dashboard", **YEAR)  # defaults to the top of the user's scope
    assert own.status_code == 200 and own.context["unit"] == world.commune_area
    assert own.context["figures"]["petitions_received"] == 4
    listed = _get(client, "reports:figure", "petitions_received", **YEAR).context["page"].object_list
    assert {p.pk for p in listed} == {
        world.p_recorded.pk,
        world.p_recorded2.pk,
        world.p_satisfied.pk,
        world.p_complex.pk,
    }
    wb = load_workbook(io.BytesIO(_get(client, "reports:figure", "petitions_received", format="xlsx", **YEAR).content))
    ids = {row[0] for row in wb.active.iter_rows(min_row=3, values_only=True)}
    assert ids == {world.p_recorded.pk, world.p_recorded2.pk, world.p_satisfied.pk, world.p_complex.pk}
    assert world.p_met.pk not in ids and world.p_foreign.pk not in ids


def test_by_unit_outside_the_subtree_lists_nothing_foreign(world, login):
    client = login(world.commune_board)
    response = _get(client, "reports:figure", "petitions_received", by_unit=world.other_ubnd.pk, **YEAR)
    assert response.status_code == 200 and response.context["page"].paginator.count == 0


def test_agency_officer_has_no_dashboard_and_no_monitor_pages(world, login):
    client = login(world.agency_officer)
    assert _get(client, "reports:dashboard").status_code == 404
    assert _get(client, "reports:monitor_petitions").status_code == 404


def test_unknown_figure_is_404(world, login):
    assert _get(login(world.board), "reports:figure", "everything", **YEAR).status_code == 404


def test_bad_period_falls_back_to_the_current_year_with_a_message(world, login):
    response = _get(login(world.board), "reports:dashboard", kind="month", year="2026", month="13")
    assert response.status_code == 200
    assert response.context["period"].kind == "year"
    assert any("tháng" in str(m) for m in response.context["messages"])


def test_cutoff_is_selectable_on_the_page(world, login):
    client = login(world.board)
    calendar = _get(client, "reports:dashboard", kind="year", year="2025", cutoff_day="1", cutoff_month="1")
    # calendar year 2025 holds only the session of 01/12/2025
    assert calendar.context["figures"]["sessions_held"] == 1
    assert "01/01/2025 – 31/12/2025" in calendar.content.decode()


def test_dashboard_table_is_sortable_by_on_time_rate(world, login):
    rows = _get(login(world.board), "reports:dashboard", sort="-on_time_rate", **YEAR).context["units"]
    rates = [r["on_time_rate"] for r in rows if r["on_time_rate"] is not None]
    assert rates == sorted(rates, reverse=True)


def test_dashboard_uses_local_chartjs_never_a_cdn(world, login):
    html = _get(login(world.board), "reports:dashboard", **YEAR).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    assert 'id="trend-table"' in html


# --- Front monitor ------------------------------------------------------------------------------


def test_monitor_lists_show_only_the_commune_area(world, login):
    client = login(world.commune_front)
    sessions = _get(client, "reports:monitor_sessions").context["page"].object_list
    assert {s.pk for s in sessions} == {world.s_overdue.pk, world.s_pending.pk, world.s_future.pk}
    petitions = _get(client, "reports:monitor_petitions").context["page"].object_list
    assert {p.pk for p in petitions} == {
        world.p_recorded.pk,
        world.p_recorded2.pk,
        world.p_satisfied.pk,
        world.p_complex.pk,
    }
    replies = _get(client, "reports:monitor_replies").context["page"].object_list
    assert [r.pk for r in replies] == [world.r_satisfied.pk]
    assert _get(client, "reports:monitor_petition", world.p_met.pk).status_code == 404
    assert _get(client, "reports:monitor_assess", world.r_met.pk).status_code == 404
    response = client.post(
        reverse("reports:monitor_assess", args=[world.r_met.pk]), {"result": "satisfied", "assessed_on": "2026-03-20"}
    )
    assert response.status_code == 404
    response = client.post(reverse("reports:monitor_note_add", args=[world.p_met.pk]), {"text": "Ghi chú"})
    assert response.status_code == 404
    wb = load_workbook(io.BytesIO(_get(client, "reports:monitor_petitions", format="xlsx").content))
    assert wb.active.max_row == 1 + 4


def test_monitor_filters_replied_petitions_not_yet_assessed(world, login):
    petitions = _get(login(world.front), "reports:monitor_petitions", assessment="none").context["page"].object_list
    assert [p.pk for p in petitions] == [world.p_late.pk]


def test_monitor_adds_a_supervision_note(world, login):
    client = login(world.front)
    response = client.post(
        reverse("reports:monitor_note_add", args=[world.p_overdue.pk]), {"text": "Đề nghị Sở khẩn trương trả lời."}
    )
    assert response.status_code == 302
    note = SupervisionNote.objects.get()
    assert note.petition == world.p_overdue and note.author == world.front and note.unit == world.province
    assert PetitionEvent.objects.filter(petition=world.p_overdue, kind=EventKind.SUPERVISION_NOTE).exists()
    page = _get(client, "reports:monitor_petition", world.p_overdue.pk)
    assert "Đề nghị Sở khẩn trương trả lời." in page.content.decode()


def test_monitor_assesses_a_reply_not_satisfied_and_it_counts(world, login):
    client = login(world.front)
    url = reverse("reports:monitor_assess", args=[world.r_late.pk])
    refused = client.post(url, {"result": "unsatisfied", "reason": "", "assessed_on": "2026-03-20"})
    assert refused.status_code == 200
    assert "cần ghi rõ lý do" in refused.content.decode()
    done = client.post(url, {"result": "unsatisfied", "reason": "Trả lời chung chung.", "assessed_on": "2026-03-20"})
    assert done.status_code == 302
    assert (
        Notification.objects.filter(recipient=world.agency_officer, obligation="event", stage="reopened").count() == 1
    )
    board = login(world.board)
    figures = _get(board, "reports:dashboard", unit=world.province.pk, **YEAR).context["figures"]
    assert figures["petitions_unsatisfied"] == EXPECTED_PROVINCE["petitions_unsatisfied"] + 1


# --- exports ------------------------------------------------------------------------------------


def test_dashboard_xlsx_holds_every_table(world, login):
    response = _get(login(world.board), "reports:dashboard", unit=world.province.pk, format="xlsx", **YEAR)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Số liệu chính", "Theo đơn vị", "Theo lĩnh vực", "Theo tháng"]
    figures = {row[0]: row[1] for row in wb["Số liệu chính"].iter_rows(min_row=3, values_only=True)}
    assert figures[str(selectors.FIGURES["petitions_unsatisfied"].label)] == 1
    assert figures[str(selectors.FIGURES["petitions_received"].label)] == 11
    units = [row[0] for row in wb["Theo đơn vị"].iter_rows(min_row=3, values_only=True)]
    assert "Sở Nông nghiệp và Môi trường" in units
    assert wb["Theo tháng"].max_row == 2 + 12


def test_drill_down_xlsx_has_as_many_rows_as_the_figure(world, login):
    client = login(world.board)
    for key in ("petitions_received", "sessions_held", "r1_missing", "notices_overdue"):
        wb = load_workbook(
            io.BytesIO(_get(client, "reports:figure", key, unit=world.province.pk, format="xlsx", **YEAR).content)
        )
        assert wb.active.max_row - 2 == EXPECTED_PROVINCE[key], key


def test_periodic_report_docx_has_statistics_and_overdue_items_by_unit(world, login):
    response = _get(login(world.board), "reports:periodic", "docx", unit=world.province.pk, **YEAR)
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "BÁO CÁO KẾT QUẢ TIẾP XÚC, ĐỐI THOẠI" in text
    assert "15/12/2025 – 14/12/2026" in text
    assert "Sở Nông nghiệp và Môi trường (1)" in text  # overdue reply
    assert "UBND xã Tân Lạc (1)" in text  # overdue complex-case target
    assert "UBND xã Mường Khến" in text  # R1: no dialogue yet
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert f"#{world.p_overdue.pk}" in cells and f"#{world.p_complex.pk}" in cells
    assert str(selectors.FIGURES["petitions_unsatisfied"].label) in cells


def test_periodic_report_xlsx_lists_overdue_items(world, login):
    response = _get(login(world.board), "reports:periodic", "xlsx", unit=world.province.pk, **YEAR)
    wb = load_workbook(io.BytesIO(response.content))
    assert "Quá hạn theo đơn vị" in wb.sheetnames and "Chưa đối thoại trong năm" in wb.sheetnames
    ids = {row[0] for row in wb["Quá hạn theo đơn vị"].iter_rows(min_row=3, values_only=True)}
    assert ids == {world.p_overdue.pk, world.p_complex.pk}


def test_commune_periodic_report_leaves_out_other_areas(world, login):
    response = _get(login(world.commune_board), "reports:periodic", "xlsx", **YEAR)
    wb = load_workbook(io.BytesIO(response.content))
    ids = {row[0] for row in wb["Quá hạn theo đơn vị"].iter_rows(min_row=3, values_only=True)}
    assert ids == {world.p_complex.pk}
    units = {row[0] for row in wb["Theo đơn vị"].iter_rows(min_row=3, values_only=True)}
    assert "Sở Nông nghiệp và Môi trường" not in units and "UBND tỉnh Phú Thọ" not in units


def test_petition_drill_down_pages_follow_the_list_order_newest_session_first(world, login, monkeypatch):
    # The page is cut from the ordered ids, then its rows fetched by id: same rows, same order.
    from reports import views
    from reports.periods import period_from_params

    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    client = login(world.board)
    params = {"unit": world.province.pk, **YEAR}
    expected = list(
        selectors.figure_queryset(world.board, "petitions_received", world.province, period_from_params(params))
        .order_by("-session__held_on", "-id")
        .values_list("pk", flat=True)
    )
    assert len(expected) == EXPECTED_PROVINCE["petitions_received"]
    pages = []
    for number in (1, 2, 3):
        page = _get(client, "reports:figure", "petitions_received", page=number, **params).context["page"]
        assert page.paginator.count == len(expected)
        pages += [p.pk for p in page.object_list]
    assert pages == expected


def test_every_cell_of_the_dashboards_tables_is_labelled_with_its_column(world, login):
    """The narrow layout shows each cell's column name (``data-label``): the label of the figure
    its link drills down to, in the tables by unit, by field and by month."""
    import re

    from django.utils.html import escape

    html = _get(login(world.board), "reports:dashboard", unit=world.province.pk, **YEAR).content.decode()
    cells = re.findall(r'<td data-label="([^"]*)"><a href="/bao-cao/danh-sach/([a-z0-9_]+)/\?([^"]*)">', html)
    assert cells and all(label == escape(str(selectors.FIGURES[key].label)) for label, key, _query in cells)
    queries = [query for _label, _key, query in cells]
    assert any("by_unit=" in q for q in queries) and any("field=" in q for q in queries)
    assert any("by_unit=" not in q and "field=" not in q for q in queries)  # the months
