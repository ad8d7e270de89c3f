"""The follow-through in a real browser (issue 12): the Front is not satisfied → staff ask for a
supplementary reply → the agency records it → the Front is satisfied → the petition is closed; and
a petition forwarded, forwarded again, and answered by the last unit, whose first unit's page then
shows the chain and offers no reply. Screenshots go to test-artifacts/screenshots/."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from petitions import services as petition_services
from petitions.models import EventKind, Forwarding, Petition, PetitionStatus, ReplyKind
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


def _user(name, unit, role):
    user = f.UserFactory(username=name)
    f.MembershipFactory(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def assigned(transactional_db, province, staff_user, agency_user):
    """A petition the notice of two days ago gave to the agency (Sở Nông nghiệp và Môi trường)."""
    today = timezone.localdate()
    session = petition_services.session_record_with_petitions(
        organising_unit=province.ubnd, kind="periodic", held_on=today - dt.timedelta(days=6),
        topic="Đối thoại về bồi thường, giải phóng mặt bằng", place="Hội trường UBND tỉnh", actor=staff_user,
        chair_name="Bùi Văn Khánh",
        petitions=[{"petitioner_name": "Ông Đinh Văn Tuấn", "content": "Đề nghị bồi thường đất nông nghiệp bị thu hồi"}],
    )  # fmt: skip
    petition = session.petitions.get()
    petition_services.notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=today - dt.timedelta(days=2), actor=staff_user,
        assignments={petition.pk: province.agency},
    )  # fmt: skip
    return Petition.objects.get(pk=petition.pk)


def _pdf(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(MINIMAL_PDF)
    return str(path)


def _assess(page, base, petition, result, reason=""):
    page.goto(f"{base}/giam-sat/kien-nghi/{petition.pk}/")
    page.locator("[data-testid^=assess-]").click()
    page.check(f"input[name=result][value={result}]")
    if reason:
        page.fill("textarea[name=reason]", reason)
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_not_satisfied_then_supplementary_reply_then_satisfied_closes(
    live_server, province, staff_user, agency_user, assigned, new_page, screenshot, tmp_path
):
    base = live_server.url
    today = timezone.localdate()
    front = _user("mttq_tinh", province.province, "front")
    petition_services.reply_record(
        petition=assigned, replied_on=today - dt.timedelta(days=1), number="125/SNNMT-VP",
        summary="Sở sẽ xem xét.", actor=agency_user,
    )  # fmt: skip
    page = new_page()

    # The Front is not satisfied: the petition is reopened.
    log_in(page, base, front.username)
    _assess(page, base, assigned, "unsatisfied", "Chưa nêu phương án và thời hạn bồi thường.")
    expect(page.locator("#petition-status")).to_have_text("Mở lại: MTTQ không hài lòng")
    screenshot(page, "12-petition-reopened")
    log_out(page)

    # Staff ask for a supplementary reply, with its own due date.
    log_in(page, base, staff_user.username)
    page.goto(f"{base}/kien-nghi/{assigned.pk}/")
    expect(page.locator("#decide")).to_be_visible()
    page.fill("#supplementary-reason", "Đề nghị nêu rõ phương án và thời hạn chi trả.")
    page.get_by_role("button", name="Yêu cầu trả lời bổ sung").click()
    expect(page.locator(".alert-success")).to_contain_text("trả lời bổ sung, hạn")
    expect(page.locator("#petition-status")).to_have_text("Chờ trả lời bổ sung")
    expect(page.locator("#due-explanation")).to_contain_text("Trả lời bổ sung")
    log_out(page)

    # The agency finds it in its inbox and records the supplementary reply.
    log_in(page, base, agency_user.username)
    page.locator("#mainnav").get_by_role("link", name="Kiến nghị cần xử lý").click()
    page.get_by_role("link", name="Đề nghị bồi thường đất nông nghiệp").click()
    page.get_by_role("link", name="Trả lời bổ sung").click()
    expect(page.locator("h1")).to_have_text("Ghi nhận văn bản trả lời bổ sung")
    page.fill("#id_number", "140/SNNMT-VP")
    page.fill("#id_summary", "Phương án bồi thường được phê duyệt; chi trả trong tháng tới.")
    page.set_input_files("#id_letter", _pdf(tmp_path, "tra-loi-bo-sung.pdf"))
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".alert-success")).to_contain_text("trả lời bổ sung")
    expect(page.locator("#petition-status")).to_have_text("Đã trả lời bằng văn bản")
    log_out(page)

    # The Front assesses the supplementary reply: satisfied, the petition is closed.
    log_in(page, base, front.username)
    _assess(page, base, assigned, "satisfied")
    expect(page.locator("#petition-status")).to_have_text("Đã kết thúc")
    timeline = page.locator("#timeline")
    for label in (
        "Mở lại do MTTQ không hài lòng",
        "Yêu cầu trả lời bổ sung",
        "Trả lời bổ sung",
        "Kết thúc",
    ):
        expect(timeline).to_contain_text(label)
    screenshot(page, "13-petition-closed-after-supplementary")

    petition = Petition.objects.get(pk=assigned.pk)
    assert petition.status == PetitionStatus.CLOSED and petition.close_reason == ""
    assert list(petition.replies.order_by("id").values_list("kind", flat=True)) == [
        ReplyKind.REPLY,
        ReplyKind.SUPPLEMENTARY,
    ]
    assert petition.events.filter(kind=EventKind.REOPENED).count() == 1


def _forward(page, unit_search, unit_name, reason):
    page.get_by_role("link", name="Chuyển cấp có thẩm quyền").click()
    page.locator(".ts-control").first.click()
    page.keyboard.type(unit_search)
    page.locator(".ts-dropdown .option", has_text=unit_name).first.click()
    page.fill("#id_reason", reason)
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Đã chuyển kiến nghị đến {unit_name}")


def test_forward_then_forward_again_then_the_last_unit_replies(
    live_server, province, agency_user, assigned, new_page, screenshot, tmp_path
):
    base = live_server.url
    party_officer = _user("van_phong_tu", province.party, "agency")
    commune_officer = _user("ubnd_tan_lac", province.commune, "agency")
    page = new_page()

    # The agency forwards it to the party committee.
    log_in(page, base, agency_user.username)
    page.goto(f"{base}/kien-nghi/{assigned.pk}/")
    _forward(page, "tinh uy", "Tỉnh ủy Hòa Bình", "Nội dung thuộc thẩm quyền của Tỉnh ủy.")
    expect(page.locator("#responsible-unit")).to_have_text("Tỉnh ủy Hòa Bình")
    expect(page.locator("#forwarding-chain")).to_contain_text("Sở Nông nghiệp và Môi trường → Tỉnh ủy Hòa Bình")
    expect(page.locator("#petition-actions").get_by_role("link", name="Trả lời bằng văn bản")).to_have_count(0)
    with page.expect_download() as info:
        page.get_by_role("link", name="Thư báo người kiến nghị (DOCX)").click()
    assert info.value.suggested_filename.endswith(".docx")
    log_out(page)

    # The party committee forwards it again, to the commune.
    log_in(page, base, party_officer.username)
    page.locator("#mainnav").get_by_role("link", name="Kiến nghị cần xử lý").click()
    page.get_by_role("link", name="Đề nghị bồi thường đất nông nghiệp").click()
    _forward(page, "tan lac", "UBND xã Tân Lạc", "Thuộc thẩm quyền của UBND xã.")
    log_out(page)

    # The commune replies.
    log_in(page, base, commune_officer.username)
    page.locator("#mainnav").get_by_role("link", name="Kiến nghị cần xử lý").click()
    page.get_by_role("link", name="Đề nghị bồi thường đất nông nghiệp").click()
    page.get_by_role("link", name="Trả lời bằng văn bản").click()
    page.fill("#id_number", "25/UBND-VP")
    page.fill("#id_summary", "UBND xã đã đo đạc lại và chi trả bồi thường.")
    page.set_input_files("#id_letter", _pdf(tmp_path, "tra-loi-xa.pdf"))
    page.get_by_role("button", name="Ghi nhận").click()
    expect(page.locator("#petition-status")).to_have_text("Đã trả lời bằng văn bản")
    log_out(page)

    # The first unit sees the whole chain and is offered nothing to answer.
    log_in(page, base, agency_user.username)
    page.goto(f"{base}/kien-nghi/{assigned.pk}/")
    chain = page.locator("#forwarding-chain li")
    expect(chain).to_have_count(2)
    expect(chain.nth(1)).to_contain_text("Tỉnh ủy Hòa Bình → UBND xã Tân Lạc")
    expect(page.locator("#answers")).to_contain_text("UBND xã Tân Lạc")
    expect(page.locator("#petition-actions a")).to_have_count(0)
    screenshot(page, "14-forwarding-chain")

    petition = Petition.objects.get(pk=assigned.pk)
    assert petition.responsible_unit == province.commune and petition.status == PetitionStatus.REPLIED
    assert petition.replies.get().unit == province.commune
    assert list(Forwarding.objects.order_by("id").values_list("from_unit__name", "to_unit__name")) == [
        ("Sở Nông nghiệp và Môi trường", "Tỉnh ủy Hòa Bình"),
        ("Tỉnh ủy Hòa Bình", "UBND xã Tân Lạc"),
    ]
