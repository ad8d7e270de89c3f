"""The petitions import template and its all-or-nothing parser."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from common.text import normalise_search
from petitions.imports import ALL_COLUMNS, COLUMNS, XlsxImportError, parse_petitions_xlsx, petitions_template
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
    assert len(header) == len(ALL_COLUMNS)
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


# --- the lead and coordinating units (issue 12, point 3) --------------------------------------


class FakeUnit:
    def __init__(self, pk, name):
        self.pk, self.name = pk, name


UNITS = [FakeUnit(1, "Sở Xây dựng"), FakeUnit(2, "Sở Y tế"), FakeUnit(3, "UBND xã Tân Lạc"), FakeUnit(4, "Sở Y tế")]


def parse_with_units(rows, units=UNITS[:3]):
    from petitions.imports import units_by_name

    upload = filled_template(petitions_template(["Đất đai"]), rows)
    return parse_petitions_xlsx(upload, fields_by_name=FIELDS, units_by_name=units_by_name(units))


def test_the_template_names_the_lead_and_coordinating_unit_columns():
    workbook = load_workbook(io.BytesIO(petitions_template([])))
    header = [c.value for c in workbook.worksheets[0][1]]
    assert header[9:] == ["Đơn vị chủ trì giải quyết", "Đơn vị phối hợp (cách nhau bởi dấu ;)"]


def test_lead_and_coordinating_units_are_read_by_name_ignoring_diacritics():
    (row,) = parse_with_units(
        [["Ông A", "", "", "", "", "Sửa đường", "", "Không", "", "so xay dung", "Sở Y tế; UBND xã Tân Lạc"]]
    )
    assert row["assigned_unit"].name == "Sở Xây dựng"
    assert [u.name for u in row["coordinating_units"]] == ["Sở Y tế", "UBND xã Tân Lạc"]


def test_unknown_ambiguous_or_inconsistent_units_are_reported_by_row():
    with pytest.raises(XlsxImportError) as caught:
        parse_with_units(
            [
                ["Ông A", "", "", "", "", "Nội dung", "", "", "", "Sở Không Có", ""],
                ["Ông B", "", "", "", "", "Nội dung", "", "", "", "", "Sở Y tế"],
                ["Ông C", "", "", "", "", "Nội dung", "", "", "", "Sở Y tế", ""],
                ["Ông D", "", "", "", "", "Nội dung", "", "", "", "Sở Xây dựng", "Sở Xây dựng"],
                ["Ông E", "", "", "", "", "Nội dung", "", "Có", "Đã rõ", "Sở Xây dựng", ""],
            ],
            units=UNITS,
        )
    errors = caught.value.errors
    assert "Dòng 2, cột “Đơn vị chủ trì giải quyết”: không có đơn vị “Sở Không Có” đang hoạt động." in errors
    assert "Dòng 3, cột “Đơn vị chủ trì giải quyết”: cần ghi đơn vị chủ trì khi có đơn vị phối hợp." in errors
    assert any(e.startswith("Dòng 4, cột “Đơn vị chủ trì giải quyết”: có nhiều đơn vị cùng tên") for e in errors)
    assert any(e.startswith("Dòng 5, cột “Đơn vị phối hợp") and "không đồng thời" in e for e in errors)
    assert any(e.startswith("Dòng 6") and "đã làm rõ" in e for e in errors)


def test_an_older_template_without_the_unit_columns_still_imports():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append([str(c.title) for c in COLUMNS])
    workbook.active.append(["Ông A", "", "", "", "", "Nội dung", "", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    out.seek(0)
    (row,) = parse_petitions_xlsx(out, fields_by_name=FIELDS)
    assert row["assigned_unit"] is None and row["coordinating_units"] == []


# --- bounds: a workbook that inflates, overlong cells, endless sheets -------------------------


def _inflated(rows: int, cell_bytes: int) -> bytes:
    """The import template whose sheet holds ``rows`` petitions of ``cell_bytes`` characters each,
    written in chunks: a few hundred kB on disk that unpack to ``rows * cell_bytes`` bytes."""
    import zipfile

    template = zipfile.ZipFile(io.BytesIO(petitions_template(["Đất đai"])))
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{c.title}{" (*)" if c.required else ""}</t></is></c>'
        for i, c in enumerate(COLUMNS)
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in template.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                archive.writestr(info, template.read(info))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            sheet.write(f'<row r="1">{header}</row>'.encode())
            chunk = b"A" * 1_048_576
            for r in range(2, rows + 2):
                sheet.write(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Ông A</t></is></c>'.encode())
                sheet.write(f'<c r="F{r}" t="inlineStr"><is><t>'.encode())
                for _ in range(cell_bytes // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</t></is></c></row>")
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


def test_a_workbook_that_inflates_is_refused_before_it_is_read_quickly_and_in_little_memory():
    """The attack: a ~250 kB workbook of 30 rows × 8 MB strings (240 MB unpacked) once took
    1 GB of memory and 11.6 s and stored 240 MB of petitions."""
    import time
    import tracemalloc

    content = _inflated(rows=30, cell_bytes=8 * 1_048_576)
    assert len(content) < 1_048_576
    upload = SimpleUploadedFile("kien-nghi.xlsx", content)
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(XlsxImportError) as caught:
            parse_petitions_xlsx(upload, fields_by_name=FIELDS)
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "giải nén ra 240.0 MB, quá giới hạn 25 MB" in caught.value.errors[0]
    assert elapsed < 2 and peak < 5 * 1_048_576


def test_a_cell_longer_than_its_column_is_refused_by_row_and_column():
    with pytest.raises(XlsxImportError) as caught:
        parse([["Ông A", "", "", "", "", "Đ" * 5001, "", "", ""]])
    assert caught.value.errors == ["Dòng 2, cột “Nội dung kiến nghị”: dài quá 5000 ký tự."]


def test_the_longest_texts_the_columns_accept_are_imported():
    rows = parse([["Ông A", "", "", "", "", "Đ" * 5000, "", "Có", "Đ" * 5000]])
    assert len(rows[0]["content"]) == 5000 and len(rows[0]["conference_answer"]) == 5000


def test_a_sheet_that_goes_on_for_ever_is_refused():
    from openpyxl import Workbook

    from petitions.imports import MAX_ROW_POSITIONS

    workbook = Workbook()
    sheet = workbook.active
    sheet.append([str(c.title) for c in COLUMNS])
    sheet.append(["Ông A", "", "", "", "", "Nội dung", "", "", ""])
    sheet.cell(row=MAX_ROW_POSITIONS + 5, column=1, value="Ông B")
    sheet.cell(row=MAX_ROW_POSITIONS + 5, column=6, value="Nội dung")
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(XlsxImportError) as caught:
        parse_petitions_xlsx(SimpleUploadedFile("k.xlsx", out.getvalue()), fields_by_name=FIELDS)
    assert f"quá {MAX_ROW_POSITIONS} dòng" in caught.value.errors[-1]


def test_a_workbook_compressed_otherwise_than_excel_does_is_refused():
    import zipfile

    source = zipfile.ZipFile(filled_template(petitions_template(["Đất đai"]), [["Ông A", "", "", "", "", "x"]]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_BZIP2) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
    with pytest.raises(XlsxImportError) as caught:
        parse_petitions_xlsx(SimpleUploadedFile("k.xlsx", out.getvalue()), fields_by_name=FIELDS)
    assert "không phải là bảng tính Excel" in caught.value.errors[0]


def test_only_the_first_problems_are_listed():
    from petitions.imports import MAX_ERRORS

    with pytest.raises(XlsxImportError) as caught:
        parse([["", "Hộ", "", "", "", "", "", "Chắc", ""]] * 200)
    assert len(caught.value.errors) <= MAX_ERRORS + 10
    assert caught.value.errors[-1].startswith("Tệp còn lỗi ở các dòng sau")
