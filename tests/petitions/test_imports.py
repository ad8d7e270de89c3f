"""The petitions import template and its all-or-nothing parser."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from common.text import normalise_search
from petitions.imports import COLUMNS, XlsxImportError, parse_petitions_xlsx, petitions_template
from tests.screens import filled_template


class FakeField:
    def __init__(self, name):
        self.name = name


FIELDS = {normalise_search("Đất đai"): FakeField("Đất đai")}


def parse(rows):
    return parse_petitions_xlsx(filled_template(petitions_template(["Đất đai"]), rows), fields_by_name=FIELDS)


def test_template_has_the_header_row_and_field_list():
    workbook = load_workbook(io.BytesIO(petitions_template(["Đất đai", "Môi trường"])))
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header[0] == "Người hoặc tập thể kiến nghị (*)"
    assert header[5] == "Nội dung kiến nghị (*)"
    assert len(header) == len(COLUMNS)
    assert [c.value for c in workbook["Lĩnh vực"]["A"]] == ["Đất đai", "Môi trường"]


def test_valid_rows_become_service_arguments_and_blank_rows_are_skipped():
    rows = parse(
        [
            ["Ông Đinh Văn A", "cá nhân", "Xóm Mới", 912345678, "a@example.vn", "Sửa đường", "đất đai", "không", ""],
            [None] * 9,
            ["Tổ dân phố 3", "Tập thể", "", "", "", "Lắp đèn", "", "Có", "Đã trả lời"],
        ]
    )
    assert len(rows) == 2
    assert rows[0]["petitioner_phone"] == "912345678" and rows[0]["field"].name == "Đất đai"
    assert rows[1]["petitioner_kind"] == "collective" and rows[1]["clarified_at_conference"] is True


def test_every_wrong_row_is_reported_by_row_and_column():
    with pytest.raises(XlsxImportError) as caught:
        parse(
            [
                ["Ông A", "Hộ", "", "", "", "Nội dung", "", "", ""],
                ["", "", "", "", "", "Nội dung", "", "", ""],
                ["Ông C", "", "", "", "", "Nội dung", "", "Có", ""],
                ["Ông D", "", "", "", "", "Nội dung", "", "Chắc vậy", ""],
            ]
        )
    errors = caught.value.errors
    assert "Dòng 2, cột “Cá nhân / Tập thể”: chỉ nhận “Cá nhân” hoặc “Tập thể”." in errors
    assert "Dòng 3, cột “Người hoặc tập thể kiến nghị”: bắt buộc nhập." in errors
    assert any(e.startswith("Dòng 4, cột “Nội dung đã trả lời tại hội nghị”") for e in errors)
    assert any(e.startswith("Dòng 5, cột “Đã làm rõ tại hội nghị (Có/Không)”") for e in errors)


def test_too_long_text_is_refused():
    with pytest.raises(XlsxImportError) as caught:
        parse([["A" * 300, "", "", "", "", "Nội dung", "", "", ""]])
    assert "dài quá 255 ký tự" in caught.value.errors[0]


def test_a_sheet_with_other_columns_is_refused():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["Họ tên", "Nội dung"])
    workbook.active.append(["Ông A", "B"])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    with pytest.raises(XlsxImportError) as caught:
        parse_petitions_xlsx(out, fields_by_name=FIELDS)
    assert "Dòng tiêu đề không đúng mẫu" in caught.value.errors[0]


def test_a_file_that_is_not_excel_is_refused():
    with pytest.raises(XlsxImportError) as caught:
        parse_petitions_xlsx(SimpleUploadedFile("x.xlsx", b"%PDF-1.4 no"), fields_by_name=FIELDS)
    assert "không phải là bảng tính Excel" in caught.value.errors[0]


def test_an_empty_template_is_refused():
    with pytest.raises(XlsxImportError) as caught:
        parse([])
    assert "không có dòng kiến nghị nào" in caught.value.errors[0]
