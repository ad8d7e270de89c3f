"""End to end in headless Chromium: a commune's staff drafts, edits and issues its monthly
report; the province's Standing Committee office receives it; the province's Mass Mobilisation
Board sees who reported, generates the compiled report and issues it."""

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from docx import Document

from petitions.deadlines import reply_due_date
from petitions.models import PetitionStatus
from reports.models import CalendarEntry, PeriodicReport, ReportingCalendar
from reports.periods import Cutoff, current_period
from tests import factories as f

pytestmark = pytest.mark.e2e

PASSWORD = "demo-pass-123"


def _login(new_page, live_server, username):
    page = new_page(1400, 1000)
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    return page


@pytest.fixture
def province_with_calendar(transactional_db):
    """A province reporting monthly (last month has ended; reports due 45 days later)."""
    today = timezone.localdate()
    area_kind, party_kind = f.AreaKindFactory(), f.PartyKindFactory()
    board_kind = f.UnitKindFactory(code="mass_mobilisation", name="Ban Dân vận", document_format="party",
                                   receives_mass_mobilisation_reports=True)  # fmt: skip
    front_kind = f.UnitKindFactory(code="front", name="Ủy ban MTTQ", is_front=True)
    province = f.UnitFactory(name="Tỉnh Hòa Bình", kind=area_kind, level="province", symbol="", place_name="Hòa Bình")
    party = f.UnitFactory(name="Tỉnh ủy Hòa Bình", parent=province, level="province", symbol="TU", kind=party_kind)
    f.UnitFactory(name="UBND tỉnh Hòa Bình", parent=province, level="province", symbol="UBND")
    board = f.UnitFactory(name="Ban Dân vận Tỉnh ủy Hòa Bình", parent=province, level="province", symbol="BDVTU",
                          kind=board_kind)  # fmt: skip
    f.UnitFactory(name="Ủy ban MTTQ tỉnh Hòa Bình", parent=province, level="province", kind=front_kind)
    area = f.UnitFactory(name="Xã Tân Lạc", parent=province, kind=area_kind, symbol="", place_name="Tân Lạc")
    commune = f.UnitFactory(name="UBND xã Tân Lạc", parent=area, place_name="Tân Lạc")
    f.UnitFactory(name="Ủy ban MTTQ xã Tân Lạc", parent=area, kind=front_kind, place_name="Tân Lạc")
    f.LeaderFactory(unit=commune, full_name="Hà Văn Chủ Tịch", position="Chủ tịch UBND xã")
    for username, unit, role, org in [
        ("vp_xa", area, "staff", None), ("vp_tinh_uy", province, "staff", party), ("ban_dan_van", province, "board", board),
    ]:  # fmt: skip
        f.MembershipFactory(user=f.UserFactory(username=username), unit=unit, role=role, organisation=org)
    cutoff = Cutoff.default()
    period = current_period("month", cutoff, today).previous()
    calendar = ReportingCalendar.objects.create(
        unit=province, cutoff_day=cutoff.day, cutoff_month=cutoff.month, starts_on=period.start
    )
    CalendarEntry.objects.bulk_create(
        CalendarEntry(calendar=calendar, period_kind="month", level=level, due_days=45)
        for level in ("province", "commune", "district", "other")
    )
    held = period.start + dt.timedelta(days=2)
    session = f.DialogueSessionFactory(organising_unit=commune, held_on=held, notice_issued_on=held)
    for _ in range(3):
        f.PetitionFactory(session=session, assigned_unit=commune, status=PetitionStatus.ASSIGNED, assigned_on=held,
                          reply_due_on=reply_due_date(held))  # fmt: skip
    return {"province": province, "commune": commune, "period": period, "board": board, "today": today}


def test_a_commune_report_travels_up_and_the_province_compiles_it(
    new_page, screenshot, live_server, province_with_calendar
):
    data = province_with_calendar
    period, commune = data["period"], data["commune"]

    # 1. The commune's staff drafts the report: its sections come pre-drafted from the figures.
    staff = _login(new_page, live_server, "vp_xa")
    staff.goto(f"{live_server.url}/bao-cao/dinh-ky/")
    staff.click("[data-testid=report-create]")
    staff.select_option("select[name=unit]", str(commune.pk))
    staff.select_option("select[name=kind]", "month")
    staff.fill("input[name=month]", str(period.month))
    staff.fill("input[name=year]", str(period.year))
    staff.click("main form button[type=submit]")
    staff.wait_for_load_state("networkidle")
    assert "/sua/" in staff.url
    assert "đã tổ chức 1 hội nghị" in staff.input_value("textarea[name=situation]")
    staff.fill("textarea[name=proposals]", "1. Giải quyết dứt điểm 3 kiến nghị của Nhân dân xã Tân Lạc.")
    staff.click("[data-testid=report-save]")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("[data-testid=report-status]").inner_text().strip().startswith("Dự thảo")

    # 2. It is issued: numbered, frozen, sent up.
    staff.click("[data-testid=report-issue]")
    staff.wait_for_load_state("networkidle")
    staff.click("[data-testid=report-issue-submit]")
    staff.wait_for_load_state("networkidle")
    assert staff.locator("[data-testid=report-reference]").inner_text().strip() == "Số: 1/BC-UBND"
    assert staff.locator("#recipients", has_text="Tỉnh ủy Hòa Bình").count() == 1
    screenshot(staff, "report-issued")
    with staff.expect_download() as download:
        staff.click("text=Tải văn bản (DOCX)")
    document = Document(str(download.value.path()))
    left, right = document.tables[0].rows[0].cells
    assert "Số: 1/BC-UBND" in left.text and "Tân Lạc, ngày" in right.text
    report = PeriodicReport.objects.get(unit=commune)
    assert report.figures["petitions_received"] == 3

    # 3. The province's committee office finds it in its inbox; opening it records the receipt.
    office = _login(new_page, live_server, "vp_tinh_uy")
    office.goto(f"{live_server.url}/bao-cao/dinh-ky/?box=inbox")
    assert office.locator("#inbox-table", has_text="Chưa nhận").count() == 1
    office.click("#inbox-table a")
    office.wait_for_load_state("networkidle")
    assert office.locator(f"[data-testid=recipient-{report.recipients.get(role='upper_committee').unit_id}]",
                          has_text="đã nhận ngày").count() == 1  # fmt: skip

    # 4. The Board sees who reported and generates the compiled report.
    board = _login(new_page, live_server, "ban_dan_van")
    query = urlencode({"unit": data["province"].pk, "kind": "month", "month": period.month, "year": period.year})
    board.goto(f"{live_server.url}/bao-cao/tong-hop/?{query}")
    board.wait_for_load_state("networkidle")
    assert board.locator("[data-count=required]").inner_text() == "3"
    assert board.locator("[data-count=on_time]").inner_text() == "1"
    assert board.locator(f"tr[data-unit='{commune.pk}']").get_attribute("data-state") == "met"
    assert board.locator("tr[data-total=petitions_received] [data-submitted]").inner_text() == "3"
    screenshot(board, "report-compilation")
    board.select_option("select[name=issuing_unit]", str(data["board"].pk))
    board.click("[data-testid=compile-create]")
    board.wait_for_load_state("networkidle")
    assert "1/3 đơn vị đã gửi báo cáo" in board.input_value("textarea[name=situation]")
    board.click("[data-testid=report-save]")
    board.wait_for_load_state("networkidle")
    board.click("[data-testid=report-issue]")
    board.wait_for_load_state("networkidle")
    board.click("[data-testid=report-issue-submit]")
    board.wait_for_load_state("networkidle")
    assert board.locator("[data-testid=report-reference]").inner_text().strip() == "Số 1-BC/BDVTU"
    compiled = PeriodicReport.objects.get(kind="compiled")
    assert compiled.figures["petitions_received"] == 3
    assert compiled.tables["counts"]["not_due"] == 2 and compiled.tables["missing"] == []
