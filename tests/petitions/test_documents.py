"""The generated DOCX opens again with python-docx and carries each format's required elements."""

import datetime as dt
import io

import pytest
import time_machine
from docx import Document

from common.dates import vietnamese_date_line
from petitions.documents import notice_docx, reply_draft_docx
from tests.screens import issue_notice, make_session

pytestmark = pytest.mark.django_db


def all_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for cell in table._cells:
            parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def italic_texts(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    runs = []
    for table in document.tables:
        for cell in table._cells:
            runs.extend(r.text for p in cell.paragraphs for r in p.runs if r.italic)
    return runs


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(dt.datetime(2026, 3, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7))), tick=False):
        yield


def test_party_notice_follows_guidance_36(province, staff_user):
    session, petitions = make_session(
        province.party, topic="Đối thoại với Nhân dân về xây dựng nông thôn mới", held_on=dt.date(2026, 3, 2)
    )
    notice = issue_notice(session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 5), number=12)
    text = all_text(notice_docx(notice))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in text
    # Issuing body with its superior above and "*" below, then the number.
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    body = lines.index("TỈNH ỦY HÒA BÌNH")
    assert lines[body - 1] == "TỈNH HÒA BÌNH" and lines[body + 1] == "*"
    assert "Số 12-TB/TU" in text
    assert "Hòa Bình, ngày 05 tháng 3 năm 2026" in italic_texts(notice_docx(notice))
    assert "THÔNG BÁO" in text and notice.subject in text
    assert petitions[0].content in text and "Sở Nông nghiệp và Môi trường" in text
    assert "Nơi nhận:" in text and "- Sở Nông nghiệp và Môi trường;" in text
    assert "T/M BAN THƯỜNG VỤ" in text


def test_state_notice_follows_decree_30(province, staff_user):
    session, petitions = make_session(province.commune, topic="Đối thoại về giải phóng mặt bằng")
    notice = issue_notice(session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 15), number=3)
    content = notice_docx(notice)
    text = all_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" not in text
    assert "UBND XÃ TÂN LẠC" in text
    assert "Số: 3/TB-UBND" in text
    assert "Tân Lạc, ngày 15 tháng 3 năm 2026" in italic_texts(content)
    assert notice.subject in text
    assert "Nơi nhận:" in text and "- Sở Nông nghiệp và Môi trường;" in text
    assert "TM. ỦY BAN NHÂN DÂN" in text


def test_date_line_pads_days_below_ten_and_january_february():
    assert vietnamese_date_line("Hòa Bình", dt.date(2026, 2, 5)) == "Hòa Bình, ngày 05 tháng 02 năm 2026"
    assert vietnamese_date_line("Hòa Bình", dt.date(2026, 11, 20)) == "Hòa Bình, ngày 20 tháng 11 năm 2026"


def test_place_falls_back_to_the_nearest_ancestor(province, staff_user):
    province.ubnd.place_name = ""
    province.ubnd.save()
    session, _ = make_session(province.ubnd)
    notice = issue_notice(session, unit=province.agency, actor=staff_user)
    assert "Hòa Bình, ngày 15 tháng 3 năm 2026" in italic_texts(notice_docx(notice))


def test_reply_draft_is_addressed_to_the_petitioner_and_cites_the_notice(province, staff_user):
    session, petitions = make_session(province.ubnd)
    notice = issue_notice(session, unit=province.agency, actor=staff_user)
    petition = petitions[0]
    petition.refresh_from_db()
    text = all_text(reply_draft_docx(petition))
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in text
    assert f"Kính gửi: {petition.petitioner_name}" in text
    assert notice.reference in text and petition.content in text
    assert "Nơi nhận:" in text


def test_the_notice_lists_the_chairs_conclusions_and_commitments_with_unit_and_target(province, staff_user):
    from sessions.services import conclusion_item_add, conclusion_item_withdraw

    session, _petitions = make_session(province.ubnd, topic="Đối thoại về giao thông", held_on=dt.date(2026, 3, 2))
    conclusion_item_add(
        session=session, kind="commitment", text="Sửa cầu treo bản Mường trước mùa lũ", responsible_unit=province.agency,
        target_on=dt.date(2026, 5, 31), actor=staff_user,
    )  # fmt: skip
    dropped = conclusion_item_add(
        session=session, kind="conclusion", text="Nội dung ghi nhầm", responsible_unit=province.agency, actor=staff_user
    )
    conclusion_item_withdraw(item=dropped, reason="Ghi nhầm", actor=staff_user)
    notice = issue_notice(session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 5), number=3)
    text = all_text(notice_docx(notice))
    assert "Kết luận và cam kết của đồng chí chủ trì hội nghị:" in text
    assert (
        "1. Cam kết: Sửa cầu treo bản Mường trước mùa lũ – Giao Sở Nông nghiệp và Môi trường thực hiện. "
        "Thời hạn hoàn thành: 31/05/2026." in text
    )
    assert "Nội dung ghi nhầm" not in text


# --- documents from the rules (issue 12, point 6) ---------------------------------------------


def test_notice_prints_the_configured_number_of_days_and_each_petitions_due_date(province, staff_user, settings):
    from petitions.deadlines import reply_due_date

    settings.DEADLINE_RULES = {**settings.DEADLINE_RULES, "reply": {"days": 45, "day_type": "calendar"}}
    session, petitions = make_session(province.ubnd)
    notice = issue_notice(session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 15))
    text = all_text(notice_docx(notice))
    assert "trong thời hạn 45 ngày kể từ ngày ban hành thông báo này" in text and "30 ngày" not in text
    due = reply_due_date(dt.date(2026, 3, 15))
    assert due == dt.date(2026, 4, 29)
    for petition in petitions:
        assert (
            f"{petition.content} – Giao Sở Nông nghiệp và Môi trường chủ trì giải quyết. Hạn trả lời: 29/04/2026."
            in text
        )


def test_notice_names_coordinating_units(province, staff_user):
    from petitions.services import notice_issue

    session, petitions = make_session(province.ubnd, petitions=1)
    notice = notice_issue(
        session=session, number=1, symbol="TB-UBND", issued_on=dt.date(2026, 3, 15), actor=staff_user,
        assignments={petitions[0].pk: province.agency}, coordinating={petitions[0].pk: [province.commune]},
        backdate_reason="Nhập muộn",
    )  # fmt: skip
    text = all_text(notice_docx(notice))
    assert "Giao Sở Nông nghiệp và Môi trường chủ trì, phối hợp với UBND xã Tân Lạc giải quyết." in text
    assert "- UBND xã Tân Lạc;" in text


def test_with_receipt_start_the_notice_counts_from_receipt(province, staff_user, settings):
    settings.REPLY_CLOCK_START = "receipt"
    session, petitions = make_session(province.ubnd, petitions=1)
    notice = issue_notice(session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 15))
    text = all_text(notice_docx(notice))
    assert "trong thời hạn 30 ngày kể từ ngày nhận được thông báo này" in text
    assert "Hạn trả lời: 30 ngày kể từ ngày nhận thông báo." in text


def test_forwarding_letter_tells_the_petitioner_where_the_matter_went_and_why(province, staff_user, agency_user):
    from petitions.documents import forwarding_letter_docx
    from petitions.services import petition_forward

    session, petitions = make_session(province.ubnd, petitions=1)
    issue_notice(session, unit=province.agency, actor=staff_user, issued_on=dt.date(2026, 3, 15))
    petition = petitions[0]
    petition.refresh_from_db()
    forwarding = petition_forward(
        petition=petition, to_unit=province.commune, reason="Thuộc thẩm quyền cấp xã", forwarded_on=dt.date(2026, 3, 18),
        actor=agency_user,
    )  # fmt: skip
    content = forwarding_letter_docx(forwarding)
    text = all_text(content)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert "SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in text and "Số: .../..." in text
    assert f"Kính gửi: {petition.petitioner_name}" in text and petition.content in text
    assert "thuộc thẩm quyền của UBND xã Tân Lạc. Lý do: Thuộc thẩm quyền cấp xã" in text
    assert "Ngày 18/03/2026, Sở Nông nghiệp và Môi trường đã chuyển kiến nghị đến UBND xã Tân Lạc" in text
    assert "trong thời hạn 30 ngày kể từ ngày chuyển (trước hoặc trong ngày 17/04/2026)" in text
    assert "- UBND xã Tân Lạc;" in text and "Nơi nhận:" in text
