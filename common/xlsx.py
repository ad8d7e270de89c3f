"""Writing XLSX workbooks (openpyxl) for every export.

Every cell goes through ``write_cell``. A text cell is written as text, never as a formula: a
petition whose content starts with ``=HYPERLINK(...)`` stays a harmless string in the Front's and
the Board's spreadsheets, and one that looks like a formula is also marked "quote prefix" so
that Excel keeps it text when somebody edits the cell. Characters a worksheet cannot hold are
dropped instead of failing the export. Numbers, percentages and dates are written as numeric
and date cells with Vietnamese display formats.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .text import xml_text

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"
# Characters Excel refuses in a sheet title.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")
# Cells starting with these are formulas (or become one) in Excel, LibreOffice and Sheets.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
# The most characters an Excel cell holds.
CELL_MAX_LENGTH = 32_767


@dataclass(frozen=True)
class Percent:
    """A percentage (0–100, as the screen shows it) written as a numeric percent cell."""

    value: float | None


def sheet_title(title: str) -> str:
    """A sheet title Excel accepts: no ``/ \\ ? * [ ] :``, at most 31 characters, not empty."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub("-", str(title)).strip("' ")[:31]
    return cleaned or "Sheet"


def write_cell(ws, row: int, column: int, value):
    """Write ``value`` with the right type: text as text (never a formula), numbers as numbers,
    dates as dates, ``Percent`` as a percent."""
    cell = ws.cell(row=row, column=column)
    if value is None:
        return cell
    if isinstance(value, Percent):
        if value.value is not None:
            cell.value = value.value / 100
            cell.number_format = PERCENT_FORMAT
        return cell
    if isinstance(value, (bool, int, float)):
        cell.value = value
    elif isinstance(value, dt.datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = "dd/mm/yyyy hh:mm"
    elif isinstance(value, dt.date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    else:
        text = xml_text(value)[:CELL_MAX_LENGTH]
        # Assigning a string starting with "=" makes openpyxl store a formula; set the type back.
        cell.value = text
        cell.data_type = TYPE_STRING
        if text.startswith(FORMULA_PREFIXES):
            cell.quotePrefix = True
    return cell


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def add_sheet(wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence], caption: str = ""):
    """A sheet with an optional caption line, a bold header and the rows, typed cell by cell."""
    ws = wb.create_sheet(title=sheet_title(title))
    row_no = 1
    if caption:
        write_cell(ws, row_no, 1, caption).font = Font(bold=True)
        row_no += 1
    for col, label in enumerate(header, start=1):
        cell = write_cell(ws, row_no, col, str(label))
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    header_row = row_no
    for row in rows:
        row_no += 1
        for col, value in enumerate(row, start=1):
            write_cell(ws, row_no, col, value)
    for index in range(1, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 18 if index > 1 else 36
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return ws


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
