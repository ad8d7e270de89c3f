"""End to end on a phone-size screen (390×844) in headless Chromium, JavaScript off for the
citizen: the staff publish a result; the petitioner types the code from the receipt into the
public lookup and reads the state and the published reply, with no personal data anywhere."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from petitions.codes import format_code
from petitions.models import Petition
from petitions.services import notice_issue, petition_record, reply_record
from tests import factories as f

pytestmark = [pytest.mark.e2e]

PASSWORD = "demo-pass-123"
NAME = "Bà Đinh Thị Kín"


@pytest.fixture
def replied(transactional_db, province, staff_user, agency_user):
    today = timezone.localdate()
    session = f.DialogueSessionFactory(
        organising_unit=province.ubnd, held_on=today - dt.timedelta(days=20), topic="Đối thoại về đường liên xã"
    )
    petition = petition_record(
        session=session, actor=staff_user, petitioner_name=NAME, petitioner_phone="0912 000 111",
        content="Đề nghị sửa đoạn đường liên xã bị sạt lở.", identity_protected=True,
    )  # fmt: skip
    notice_issue(
        session=session, number=4, symbol="TB-UBND", issued_on=today - dt.timedelta(days=15), actor=staff_user,
        assignments={petition.pk: province.agency}, backdate_reason="Nhập lại từ sổ văn bản",
    )  # fmt: skip
    reply_record(
        petition=petition, replied_on=today - dt.timedelta(days=2), number="31/SNN",
        summary=f"Đã bố trí kinh phí sửa đường; trả lời {NAME}.", actor=agency_user,
    )  # fmt: skip
    return Petition.objects.get(pk=petition.pk)


def test_staff_publish_then_the_petitioner_looks_up_on_a_phone(live_server, browser, new_page, screenshot, replied):
    base = live_server.url
    staff = new_page(390, 844)
    staff.goto(f"{base}/dang-nhap/")
    staff.fill("#id_username", "staff")
    staff.fill("#id_password", PASSWORD)
    staff.locator("main button[type=submit]").click()
    staff.goto(f"{base}/kien-nghi/{replied.pk}/")
    expect(staff.locator("#petitioner")).to_contain_text(NAME)
    staff.get_by_test_id("publish").click()
    answer = staff.locator("#id_answer")
    expect(answer).to_have_value("Đã bố trí kinh phí sửa đường; trả lời [đã ẩn].")
    answer.fill("Đã bố trí kinh phí sửa đoạn đường trong quý III.")
    staff.get_by_test_id("publish-submit").click()
    expect(staff.locator("#publication")).to_contain_text("Đang công khai")

    # The petitioner, on a phone without JavaScript, types the code as read aloud (lower case, spaces).
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="vi-VN")
    phone = context.new_page()
    phone.goto(f"{base}/tra-cuu/")
    code = format_code(replied.receipt_code)
    phone.fill("#id_ma", code.lower().replace("-", " "))
    phone.get_by_role("button", name="Tra cứu").click()
    result = phone.locator("#lookup-result")
    expect(result).to_contain_text("Đã trả lời bằng văn bản")
    expect(result).to_contain_text("Hoàn thành đúng hạn")
    expect(result).to_contain_text("Sở Nông nghiệp và Môi trường")
    expect(phone.locator("#lookup-publication")).to_contain_text("Đã bố trí kinh phí sửa đoạn đường trong quý III.")
    body = phone.locator("body").inner_text()
    assert NAME not in body and "0912" not in body
    # Nothing is wider than the phone's screen.
    for part in ("main", "#lookup-form", "#lookup-result", "#lookup-publication"):
        box = phone.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, part
    screenshot(phone, "20-public-lookup-phone")

    phone.goto(f"{base}/tra-cuu/?ma=WXYZ-WXYZ-WXY")
    expect(phone.locator("#lookup-not-found")).to_contain_text("Không tìm thấy")
    phone.goto(f"{base}/cong-khai/hoi-nghi/{replied.session_id}/")
    expect(phone.locator("main")).to_contain_text("Đã bố trí kinh phí sửa đoạn đường trong quý III.")
    screenshot(phone, "21-public-session-phone")
    context.close()
