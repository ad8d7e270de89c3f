"""Writing XLSX workbooks for every export (XlsxWriter; openpyxl still reads the imports).

Every text cell is written as text, never as a formula: a petition whose content starts with
``=HYPERLINK(...)`` stays a harmless string in the Front's and the Board's spreadsheets, and one
that looks like a formula is also marked "quote prefix" so that Excel keeps it text when somebody
edits the cell. Characters a worksheet cannot hold are dropped instead of failing the export.
Numbers, percentages and dates are written as numeric and date cells with Vietnamese display
formats.

XlsxWriter streams each row to the file as it is written (``constant_memory``), about three
times faster than openpyxl for the tens of thousands of rows of a province's lists
(docs/PERFORMANCE.md); a sheet is therefore written top to bottom, once. ``write_cell`` writes
the same way into an openpyxl sheet (the import template, which needs data validation).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import xlsxwriter

from .text import xml_text

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
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


@dataclass
class XlsxWorkbook:
    """A workbook being written: sheets are added with ``add_sheet``, bytes come from
    ``workbook_bytes`` (which closes it)."""

    buffer: io.BytesIO = field(default_factory=io.BytesIO)
    book: xlsxwriter.Workbook = None
    formats: dict = field(default_factory=dict)
    titles: set = field(default_factory=set)

    def __post_init__(self):
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
                "constant_memory": True,
                # Text is text: never a formula, a number or a link, whatever it starts with.
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        self.formats = {
            "date": self.book.add_format({"num_format": DATE_FORMAT}),
            "datetime": self.book.add_format({"num_format": DATETIME_FORMAT}),
            "percent": self.book.add_format({"num_format": PERCENT_FORMAT}),
            "bold": self.book.add_format({"bold": True}),
            "header": self.book.add_format({"bold": True, "text_wrap": True, "valign": "top"}),
            "quoted": self.book.add_format({"quote_prefix": True}),
            "quoted_bold": self.book.add_format({"quote_prefix": True, "bold": True}),
        }


def new_workbook() -> XlsxWorkbook:
    return XlsxWorkbook()


def write_value(wb: XlsxWorkbook, ws, row: int, column: int, value, cell_format=None) -> None:
    """Write ``value`` (0-based ``row``/``column``) with the right type: text as text (never a
    formula), numbers as numbers, dates as dates, ``Percent`` as a percent."""
    if value is None:
        return
    if isinstance(value, Percent):
        if value.value is not None:
            ws.write_number(row, column, value.value / 100, wb.formats["percent"])
    elif isinstance(value, bool):
        ws.write_boolean(row, column, value)
    elif isinstance(value, (int, float)):
        ws.write_number(row, column, value, cell_format)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, column, value.replace(tzinfo=None), wb.formats["datetime"])
    elif isinstance(value, dt.date):
        ws.write_datetime(row, column, value, wb.formats["date"])
    else:
        text = xml_text(value)[:CELL_MAX_LENGTH]
        if text.startswith(FORMULA_PREFIXES):
            cell_format = wb.formats["quoted_bold"] if cell_format is wb.formats["bold"] else wb.formats["quoted"]
        ws.write_string(row, column, text, cell_format)


def write_cell(ws, row: int, column: int, value):
    """``write_value`` for an openpyxl sheet (1-based ``row``/``column``); returns the cell."""
    from openpyxl.cell.cell import TYPE_STRING

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
        cell.number_format = DATETIME_FORMAT
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


def add_sheet(wb: XlsxWorkbook, title: str, header: Sequence[str], rows: Iterable[Sequence], caption: str = ""):
    """A sheet with an optional caption line, a bold header and the rows, typed cell by cell."""
    name = sheet_title(title)
    base, n = name, 1
    while name.lower() in wb.titles:  # Excel refuses two sheets of one name
        n += 1
        name = f"{base[: 31 - len(str(n)) - 1]}-{n}"
    wb.titles.add(name.lower())
    ws = wb.book.add_worksheet(name)
    ws.set_column(0, 0, 36)
    if len(header) > 1:
        ws.set_column(1, len(header) - 1, 18)
    row_no = 0
    if caption:
        write_value(wb, ws, row_no, 0, caption, wb.formats["bold"])
        row_no += 1
    for col, label in enumerate(header):
        write_value(wb, ws, row_no, col, str(label), wb.formats["header"])
    ws.freeze_panes(row_no + 1, 0)
    for row in rows:
        row_no += 1
        for col, value in enumerate(row):
            write_value(wb, ws, row_no, col, value)
    return ws


def workbook_bytes(wb: XlsxWorkbook) -> bytes:
    wb.book.close()
    return wb.buffer.getvalue()
