"""The whole daily path in a real browser: staff records a session, imports petitions from the
XLSX template, issues the notice and downloads the DOCX; the agency officer replies with a PDF;
the timeline and the deadline states are right. Screenshots go to test-artifacts/screenshots/."""

import datetime as dt
import io
import re

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from petitions.deadlines import notice_due_date, reply_due_date
from petitions.models import EventKind, Petition, PetitionStatus
from petitions.selectors import with_reply_states
from sessions.models import DialogueSession
from sessions.selectors import with_notice_state
from tests.conftest import MINIMAL_PDF
from tests.screens import filled_template

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


def test_staff_to_agency_daily_path(
    transactional_db, live_server, province, staff_user, agency_user, new_page, screenshot, tmp_path
):
    base = live_server.url
    today = timezone.localdate()
    held_on = today - dt.timedelta(days=3)
    page = new_page()

    # --- staff records the session -------------------------------------------------------------
    page.goto(f"{base}/dang-nhap/")
    screenshot(page, "01-login")
    log_in(page, base, staff_user.username)
    page.locator("#mainnav").get_by_role("link", name="Ghi nhận hội nghị").click()
    page.select_option("#id_organising_unit", str(province.ubnd.pk))
    page.fill("#id_held_on", held_on.strftime("%d/%m/%Y"))
    page.fill("#id_chair_name", "Bùi Văn Khánh")
    page.fill("#id_place", "Hội trường UBND tỉnh")
    page.fill("#id_topic", "Đối thoại với Nhân dân về giải phóng mặt bằng")
    page.fill("#id_participants-0-name", "Nhân dân các xóm")
    page.fill("#id_participants-0-headcount", "150")
    screenshot(page, "02-session-form")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".alert-success")).to_contain_text(notice_due_date(held_on).strftime("%d/%m/%Y"))
    session = DialogueSession.objects.get()
    assert session.participants.get().headcount == 150

    # --- imports petitions from the XLSX template -----------------------------------------------
    page.get_by_role("link", name="Nhập từ Excel").click()
    with page.expect_download() as info:
        page.click("#download-template")
    template = tmp_path / "mau.xlsx"
    info.value.save_as(template)
    upload = filled_template(
        template.read_bytes(),
        [
            [
                "Ông Đinh Văn Tuấn",
                "Cá nhân",
                "Xóm Mới, xã Tân Lạc",
                "0912345678",
                "",
                "Đề nghị bồi thường đất nông nghiệp bị thu hồi",
                "",
                "Không",
                "",
            ],
            ["Tổ dân phố số 3", "Tập thể", "", "", "", "Đề nghị lắp đèn đường", "", "Có", "Đã giải thích lịch lắp đặt"],
        ],
    )
    xlsx_path = tmp_path / "kien-nghi.xlsx"
    xlsx_path.write_bytes(upload.getvalue())
    page.set_input_files("#id_file", str(xlsx_path))
    page.locator("main button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã nhập 2 kiến nghị")
    screenshot(page, "03-session-with-petitions")

    # --- issues the notice: searchable unit picker, then number / symbol / day -----------------
    page.get_by_role("link", name="Ban hành thông báo kết luận").click()
    page.locator(".ts-control").first.click()
    page.keyboard.type("so nong nghiep")
    page.locator(".ts-dropdown .option", has_text="Sở Nông nghiệp và Môi trường").first.click()
    screenshot(page, "04-notice-assign")
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("#id_number")).to_have_value("1")
    expect(page.locator("#id_symbol")).to_have_value("TB-UBND")
    expect(page.locator("#id_issued_on")).to_have_value(today.strftime("%d/%m/%Y"))
    screenshot(page, "05-notice-issue")
    page.get_by_role("button", name="Ban hành thông báo").click()
    expect(page.locator("#notice")).to_contain_text("Số: 1/TB-UBND")
    screenshot(page, "06-session-notice-issued")
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải thông báo (DOCX)").click()
    docx_path = tmp_path / "thong-bao.docx"
    info.value.save_as(docx_path)
    document = Document(io.BytesIO(docx_path.read_bytes()))
    text = "\n".join(p.text for cell in document.tables[0]._cells for p in cell.paragraphs)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 1/TB-UBND" in text
    # The list finds the session typed without diacritics, with its notice state.
    page.goto(f"{base}/hoi-nghi/?q=doi+thoai+giai+phong")
    expect(page.locator("table tbody")).to_contain_text("Đối thoại với Nhân dân về giải phóng mặt bằng")
    expect(page.locator("table tbody .badge")).to_have_text("Hoàn thành đúng hạn")
    screenshot(page, "06b-session-list-search")
    log_out(page)

    # --- the agency officer replies with an uploaded PDF ---------------------------------------
    petition = Petition.objects.get(status=PetitionStatus.ASSIGNED)
    due = reply_due_date(today)
    log_in(page, base, agency_user.username)
    page.locator("#mainnav").get_by_role("link", name="Kiến nghị cần xử lý").click()
    inbox = page.locator("table tbody")
    expect(inbox).to_contain_text("Đề nghị bồi thường đất nông nghiệp")
    expect(inbox).to_contain_text(due.strftime("%d/%m/%Y"))
    expect(inbox.locator("[class*=badge-state-]").first).to_have_text(re.compile("Trong hạn|Sắp đến hạn"))
    expect(inbox.locator(".badge", has_text="Mới").first).to_be_visible()  # nobody of the unit opened it yet
    expect(inbox).not_to_contain_text("lắp đèn")  # clarified at the conference: not the agency's
    screenshot(page, "07-agency-inbox")
    # Narrow screen: the inbox still works on a phone-sized window.
    phone = new_page(width=390, height=800)
    log_in(phone, base, agency_user.username)
    phone.goto(f"{base}/kien-nghi/can-xu-ly/")
    expect(phone.locator(".navbar-toggler")).to_be_visible()
    expect(phone.locator("table tbody")).to_contain_text("Đề nghị bồi thường đất nông nghiệp")
    screenshot(phone, "10-inbox-narrow")

    page.get_by_role("link", name="Đề nghị bồi thường đất nông nghiệp").click()
    expect(page.locator("#due-explanation")).to_contain_text("cộng 30 ngày")
    screenshot(page, "08-petition-before-reply")
    page.get_by_role("link", name="Trả lời bằng văn bản").click()
    page.fill("#id_number", "125/SNNMT-VP")
    page.fill("#id_summary", "Sở đã phối hợp UBND xã kiểm tra, lập phương án bồi thường.")
    pdf = tmp_path / "tra-loi.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    page.set_input_files("#id_letter", str(pdf))
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("Đã ghi nhận văn bản trả lời")
    expect(page.locator("#petition-status")).to_have_text("Đã trả lời bằng văn bản")
    expect(page.locator(".badge-state-met")).to_have_text("Hoàn thành đúng hạn")
    timeline = page.locator("#timeline")
    for label in (
        "Ghi nhận kiến nghị",
        "Giao đơn vị giải quyết",
        "Ban hành thông báo kết luận",
        "Trả lời bằng văn bản",
    ):
        expect(timeline).to_contain_text(label)
    screenshot(page, "09-petition-replied")
    with page.expect_download() as info:
        page.get_by_role("link", name="tra-loi.pdf").click(modifiers=["Alt"])
    assert info.value.suggested_filename == "tra-loi.pdf"

    # --- the stored states agree with what the pages showed ------------------------------------
    petition = with_reply_states(Petition.objects.filter(pk=petition.pk)).get()
    assert petition.status == PetitionStatus.REPLIED and petition.reply_state == "met"
    assert list(petition.events.values_list("kind", flat=True)) == [
        EventKind.RECORDED,
        EventKind.ASSIGNED,
        EventKind.NOTICE_ISSUED,
        EventKind.REPLIED,
    ]
    assert with_notice_state(DialogueSession.objects.all()).get().notice_state == "met"
    clarified = Petition.objects.get(status=PetitionStatus.CLARIFIED)
    assert clarified.reply_due_on is None
