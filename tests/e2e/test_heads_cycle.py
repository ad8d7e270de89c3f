"""The heads' cycle in a real browser: staff draft and issue the annual plan, record the planned
dialogue as held, write the chair's commitment; the responsible agency reports it done with a
document; the Front assesses it; the head's scorecard counts it all. Screenshots go to
test-artifacts/screenshots/."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from regulations.years import dialogue_year_of
from sessions.models import ConclusionItem, DialoguePlan, DialogueSession, PlanStatus
from tests import factories as f
from tests.conftest import MINIMAL_PDF

pytestmark = [pytest.mark.e2e]

PASSWORD = "demo-pass-123"


def log_in(page, base, username):
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page.locator("nav")).to_contain_text("Đăng xuất")


def log_out(page):
    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/"))


def open_heads_menu(page, item):
    page.locator("#mainnav .dropdown-toggle", has_text="Người đứng đầu").click()
    page.locator("#mainnav .dropdown-menu").get_by_role("link", name=item).click()


def test_plan_to_planned_dialogue_held_to_commitment_done_to_front_assessment(
    transactional_db, live_server, province, staff_user, agency_user, new_page, screenshot, tmp_path
):
    base = live_server.url
    today = timezone.localdate()
    year = dialogue_year_of(today)
    head_user = f.UserFactory(username="chutich")
    f.MembershipFactory(user=head_user, unit=province.province, role="leader")
    head = f.LeaderFactory(unit=province.ubnd, user=head_user, full_name="Bùi Đức Hinh", position="Chủ tịch UBND tỉnh")
    front_user = f.UserFactory(username="mttq")
    f.MembershipFactory(user=front_user, unit=province.province, role="front")
    page = new_page()

    # --- staff draft the annual plan, add a planned dialogue, issue it ------------------------
    log_in(page, base, staff_user.username)
    open_heads_menu(page, "Kế hoạch tiếp xúc, đối thoại")
    expect(page.locator("#plan-table")).to_contain_text("Chưa có kế hoạch")
    page.get_by_role("link", name="Lập kế hoạch").first.click()
    page.select_option("#id_unit", str(province.ubnd.pk))
    page.fill("#id_year", str(year))
    page.get_by_role("button", name="Tạo dự thảo kế hoạch").click()
    expect(page.locator("[data-testid=plan-status]")).to_have_text("Dự thảo")
    page.get_by_role("link", name="Thêm cuộc đối thoại dự kiến").click()
    page.fill("#id_topic", "Đối thoại với doanh nghiệp về tháo gỡ khó khăn")
    page.get_by_role("button", name="Thêm vào kế hoạch").click()  # no month nor quarter: refused
    expect(page.locator("main")).to_contain_text("Vui lòng chọn tháng hoặc quý dự kiến")
    page.select_option("#id_expected_month", str(today.month))
    page.select_option("#id_chair", str(head.pk))
    page.check("input[name=invited][value=businesses]")
    page.check("input[name=invited][value=front]")
    screenshot(page, "heads-01-planned-dialogue-form")
    page.get_by_role("button", name="Thêm vào kế hoạch").click()
    expect(page.locator("#planned-items")).to_contain_text("Đối thoại với doanh nghiệp")
    page.get_by_role("link", name="Ban hành kế hoạch").click()
    page.fill("#id_number", "15-KH/UBND")
    page.fill("#id_issued_on", today.strftime("%d/%m/%Y"))
    page.locator("main form button[type=submit]").click()
    expect(page.locator("[data-testid=plan-status]")).to_have_text("Đã ban hành")
    plan = DialoguePlan.objects.get()
    assert plan.status == PlanStatus.ISSUED and plan.number == "15-KH/UBND"
    screenshot(page, "heads-02-plan-issued")

    # --- the planned dialogue is held: a session recorded against it ---------------------------
    page.get_by_role("link", name="Ghi nhận hội nghị").last.click()
    expect(page.locator("#id_planned_item")).to_have_value(str(plan.items.get().pk))
    page.select_option("#id_organising_unit", str(province.ubnd.pk))
    page.fill("#id_held_on", today.strftime("%d/%m/%Y"))
    page.select_option("#id_chair", str(head.pk))
    page.fill("#id_place", "Hội trường UBND tỉnh")
    page.fill("#id_topic", "Đối thoại với doanh nghiệp về tháo gỡ khó khăn")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận hội nghị")
    session = DialogueSession.objects.get()
    assert session.planned_item == plan.items.get()
    page.goto(f"{base}{plan.get_absolute_url()}")
    expect(page.locator("#planned-items")).to_contain_text("Đã tổ chức")

    # --- the chair's commitment, with its responsible unit (the searchable picker) -------------
    page.goto(f"{base}{session.get_absolute_url()}")
    expect(page.locator("[data-testid=planned-item]")).to_contain_text("Đối thoại với doanh nghiệp")
    page.get_by_role("link", name="Ghi kết luận, cam kết").click()
    page.fill("#id_text", "Cam kết giải quyết thủ tục cấp phép xây dựng cho doanh nghiệp trong 30 ngày.")
    page.locator("main form button[type=submit]").first.click()  # no responsible unit: refused
    expect(page.locator("main")).to_contain_text("Vui lòng chọn đơn vị thực hiện")
    page.fill("#id_text", "Cam kết giải quyết thủ tục cấp phép xây dựng cho doanh nghiệp trong 30 ngày.")
    page.locator(".ts-control").first.click()
    page.keyboard.type("so nong nghiep")
    page.locator(".ts-dropdown .option", has_text="Sở Nông nghiệp và Môi trường").first.click()
    page.fill("#id_target_on", (today + dt.timedelta(days=30)).strftime("%d/%m/%Y"))
    screenshot(page, "heads-03-commitment-form")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#items")).to_contain_text("Cam kết giải quyết thủ tục cấp phép")
    item = ConclusionItem.objects.get()
    assert item.responsible_unit == province.agency
    log_out(page)

    # --- the agency reports it done, with the document -----------------------------------------
    log_in(page, base, agency_user.username)
    open_heads_menu(page, "Kết luận, cam kết")
    page.get_by_role("link", name=re.compile("Cam kết giải quyết thủ tục cấp phép")).click()
    page.get_by_role("link", name="Báo cáo hoàn thành").click()
    page.fill("#id_note", "Đã cấp phép xây dựng cho 3 doanh nghiệp.")
    evidence = tmp_path / "giay-phep.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    page.set_input_files("#id_evidence", str(evidence))
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận hoàn thành")
    expect(page.locator("#item-state")).to_contain_text("Hoàn thành đúng hạn")
    expect(page.locator("#done")).to_contain_text("giay-phep.pdf")
    screenshot(page, "heads-04-commitment-done")
    log_out(page)

    # --- the Front assesses how it was carried out ---------------------------------------------
    log_in(page, base, front_user.username)
    page.goto(f"{base}{item.get_absolute_url()}")
    page.click("[data-testid=assess-item]")
    page.check("input[name=result][value=unsatisfied]")
    page.get_by_role("button", name="Ghi nhận").click()  # no reason: refused
    expect(page.locator("main")).to_contain_text("cần ghi rõ lý do")
    page.check("input[name=result][value=satisfied]")
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi kết quả đánh giá")
    expect(page.locator("main .badge", has_text="Hài lòng").first).to_be_visible()
    item.refresh_from_db()
    assert item.assessment == "satisfied"
    log_out(page)

    # --- the head's scorecard counts it all, each figure a link to its list ---------------------
    log_in(page, base, head_user.username)
    open_heads_menu(page, "Bảng theo dõi của tôi")
    expect(page.locator("[data-testid=scorecard-title]")).to_have_text("Bùi Đức Hinh")
    expect(page.locator("[data-testid=r1-status]")).to_have_text("Đạt")
    for key, value in (("planned_held", "1"), ("sessions_planned", "1"), ("items_done", "1"), ("items_overdue", "0")):
        expect(page.locator(f"[data-figure={key}]")).to_have_text(value)
    screenshot(page, "heads-05-scorecard")
    page.click("[data-figure=items_done]")
    expect(page.locator("[data-testid=list-count]")).to_have_text("1")
    expect(page.locator("table")).to_contain_text("Cam kết giải quyết thủ tục cấp phép")
