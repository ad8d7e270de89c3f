"""The exports' XLSX writer: text stays text (never a formula), numbers, dates and percentages are
typed cells with Vietnamese formats, sheet names are ones Excel accepts."""

import datetime as dt
import io

from openpyxl import load_workbook

from common.xlsx import Percent, add_sheet, new_workbook, sheet_title, workbook_bytes


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
