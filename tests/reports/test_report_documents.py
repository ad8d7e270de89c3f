"""The periodic report as an official document, parsed back: the DOCX in the Party layout
(Hướng dẫn 36-HD/VPTW) and the State layout (Decree 30/2020), and the XLSX."""

import datetime as dt
import io

import pytest
from django.utils import translation
from docx import Document
from openpyxl import load_workbook

from reports import report_selectors, services
from reports.documents import report_docx, report_xlsx
from reports.periods import Period

from .chain import at

pytestmark = pytest.mark.django_db
ISSUED_ON = dt.date(2026, 6, 17)


def make(t, unit, actor, *, issue=True):
    with at(dt.date(2026, 6, 16)):
        report = services.report_create(unit=unit, period=Period(kind="6m", year=2026), actor=actor)
    if issue:
        with at(ISSUED_ON):
            report = services.report_issue(
                report=report, number=3, symbol=services.default_report_symbol(unit), issued_on=ISSUED_ON, actor=actor
            )
    return report


def parse(report, user, day=ISSUED_ON):
    with at(day):
        content = report_selectors.report_content(user, report)
        return Document(io.BytesIO(report_docx(report, content))), content


def cell_lines(cell) -> list[str]:
    return [p.text for p in cell.paragraphs if p.text.strip()]


def body(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_a_party_committees_report_follows_the_party_layout(chain):
    t = chain
    report = make(t, t.party, t.province_staff)
    document, _content = parse(report, t.province_staff)
    left, right = document.tables[0].rows[0].cells
    assert cell_lines(left) == ["TỈNH HÒA BÌNH", "TỈNH ỦY HÒA BÌNH", "*", "Số 3-BC/TU"]
    assert cell_lines(right) == ["ĐẢNG CỘNG SẢN VIỆT NAM", "Hòa Bình, ngày 17 tháng 6 năm 2026"]
    text = body(document)
    assert text[0] == "BÁO CÁO"
    assert text[1].startswith("Kết quả tiếp xúc, đối thoại trực tiếp và giải quyết ý kiến, kiến nghị")
    assert text[1].endswith("6 tháng năm 2026")
    assert "Kính gửi:" in text
    assert "- Ban Dân vận Tỉnh ủy Hòa Bình;" in text and "- Ủy ban MTTQ tỉnh Hòa Bình;" in text
    headings = [line for line in text if line[:2] in ("I.", "II", "IV", "V.")]
    assert headings[0] == "I. Tình hình tổ chức tiếp xúc, đối thoại trực tiếp"
    recipients, signer = document.tables[1].rows[0].cells
    assert cell_lines(recipients) == [
        "Nơi nhận:",
        "- Ban Dân vận Tỉnh ủy Hòa Bình;",
        "- Ủy ban MTTQ tỉnh Hòa Bình;",
        "- Lưu VP.",
    ]
    assert cell_lines(signer) == ["T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Bùi Văn Bí Thư"]
    # No internal rule codes anywhere in the document.
    everything = " ".join(text + [c.text for table in document.tables for row in table.rows for c in row.cells])
    for code in ("R1", "R2", "R3", "R6"):
        assert code not in everything


def test_a_peoples_committees_report_follows_the_state_layout_with_its_annex(chain):
    t = chain
    report = make(t, t.commune, t.commune_staff)
    document, content = parse(report, t.commune_staff)
    left, right = document.tables[0].rows[0].cells
    assert cell_lines(left)[-1] == "Số: 3/BC-UBND"
    assert "UBND XÃ TÂN LẠC" in cell_lines(left)
    assert cell_lines(right) == [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "───────────────",
        "Tân Lạc, ngày 17 tháng 6 năm 2026",
    ]
    text = body(document)
    assert "- Ban Thường vụ Tỉnh ủy Hòa Bình;" in text and "- Ban Thường vụ Đảng ủy xã Tân Lạc;" in text
    recipients, signer = document.tables[1].rows[0].cells
    assert "- Ủy ban MTTQ xã Tân Lạc;" in cell_lines(recipients)
    assert cell_lines(signer) == ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Hà Văn Chủ Tịch"]
    assert "PHỤ LỤC" in text
    figures = {row.cells[0].text: row.cells[1].text for row in document.tables[2].rows[1:]}
    assert figures["Kiến nghị tiếp nhận"] == "5" == str(content.figures["petitions_received"])
    assert figures["Chưa xử lý, quá hạn"] == "2"


def test_a_draft_leaves_number_and_date_for_the_office_and_the_document_stays_vietnamese(chain):
    t = chain
    report = make(t, t.commune, t.commune_staff, issue=False)
    with translation.override("en"):
        document, _content = parse(report, t.commune_staff, day=dt.date(2026, 6, 16))
    left, right = document.tables[0].rows[0].cells
    assert cell_lines(left)[-1].startswith("Số:") and cell_lines(left)[-1].endswith("/BC-UBND")
    assert cell_lines(right)[0] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert cell_lines(right)[-1] == "Tân Lạc, ngày ... tháng ... năm ..."
    assert "(dự thảo)" in " ".join(body(document))


def test_the_compiled_report_names_the_missing_units_and_sums_the_submitted_ones(chain):
    t = chain
    make(t, t.commune, t.commune_staff)
    with at(dt.date(2026, 6, 25)):
        report = services.compiled_report_create(
            area=t.province, issuing_unit=t.board, period=Period(kind="6m", year=2026), actor=t.province_board
        )
        report = services.report_issue(report=report, number=1, symbol="BC/BDVTU", issued_on=dt.date(2026, 6, 25),
                                       actor=t.province_board)  # fmt: skip
    document, _content = parse(report, t.province_board, day=dt.date(2026, 6, 26))
    text = " ".join(body(document))
    assert "Đơn vị chưa gửi báo cáo:" in text and t.commune2.name in text
    status = {row.cells[0].text: row.cells[4].text for row in document.tables[2].rows[1:]}
    assert status[t.commune.name] == "Đã gửi đúng hạn"
    assert status[t.commune2.name] == "Chưa gửi (quá hạn)"
    totals = {row.cells[0].text: row.cells[1].text for row in document.tables[3].rows[1:]}
    assert totals["Kiến nghị tiếp nhận"] == "5"


def test_the_workbook_shows_the_frozen_figures_beside_the_live_ones(chain):
    t = chain
    report = make(t, t.commune, t.commune_staff)
    from .chain import reply

    reply(t.p_waiting, dt.date(2026, 6, 18))
    with at(dt.date(2026, 6, 20)):
        content = report_selectors.report_content(t.commune_staff, report)
        wb = load_workbook(io.BytesIO(report_xlsx(report, content)))
    sheet = wb["Số liệu chính"]
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["Chưa xử lý, quá hạn"] == (2, 1, -1)
    assert rows["Kiến nghị tiếp nhận"] == (5, 5, None)
    assert set(wb.sheetnames) == {"Số liệu chính", "Theo đơn vị", "Theo lĩnh vực"}
