"""Writing XLSX workbooks for every export (XlsxWriter; openpyxl still reads the imports).

Every text cell is written as text, never as a formula: a petition whose content starts with
``=HYPERLINK(...)`` stays a harmless string in the Front's and the Board's spreadsheets, and one
that looks like a formula is also marked "quote prefix" so that Excel keeps it text when somebody
edits the cell. Characters a worksheet cannot hold are dropped instead of failing the export.
Numbers, percentages and dates are written as numeric and date cells with Vietnamese display
formats.

XlsxWriter writes the workbook: its parts, styles, column widths, frozen header, the caption and
the header row. The data rows of a sheet (tens of thousands in a province's lists) are written
here as the very cells XlsxWriter's ``constant_memory`` mode writes (inline strings, numbers,
date serials with the workbook's own formats) and placed into the sheet's ``<sheetData>`` when
the workbook is closed: XlsxWriter spends ~5 µs a cell (checks, a cell object, the XML at
close), this ~1 µs, so a Front export of 28,000 petitions × 11 columns takes ~0.4 s instead of
~1.8 s (docs/PERFORMANCE.md). A sheet is written top to bottom, once. ``write_cell`` writes the
same way into an openpyxl sheet (the import template, which needs data validation).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

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
# A text needs ``xml_text`` only if it holds one of these (line breaks to normalise, characters
# XML cannot hold); most texts do not, and one search is cheaper than the two substitutions.
_NEEDS_CLEANING = re.compile("[\x00-\x08\x0b-\x1f\x85\u2028\u2029\ud800-\udfff\ufffe\uffff]")
# Excel reads ``_xHHHH_`` in a string as an escaped character: a literal one is escaped (as
# XlsxWriter does) so that it reads back as typed.
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
# Compression of the rewritten archive: zlib's default (6) costs ~0.2 s more than 3 on the 18 MB
# of XML of 28,000 rows, for a file 18% smaller (1.8 MB against 2.2 MB).
_ZIP_LEVEL = 3


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
    # Data rows written by ``add_sheet``, by the sheet's part name: (XML, last row, last column).
    sheet_rows: dict = field(default_factory=dict)

    def __post_init__(self):
        self.book = xlsxwriter.Workbook(
            self.buffer,
            {
                "in_memory": True,
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
    xml, last_row, last_col = _rows_xml(wb, row_no + 1, rows)
    if xml:
        # XlsxWriter names the worksheets' parts sheet1.xml, sheet2.xml… in the order they are added.
        part = f"xl/worksheets/sheet{len(wb.book.worksheets())}.xml"
        wb.sheet_rows[part] = (xml, last_row, max(last_col, len(header) - 1))
    return ws


MEMO_MAX_LENGTH = 120


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    return text


def excel_serial(value: dt.date) -> float | int:
    """A date (a whole day) or a naive datetime as Excel's serial number (1900 date system, with
    its 29/02/1900), as XlsxWriter writes it."""
    if isinstance(value, dt.datetime):
        delta = value - dt.datetime(1899, 12, 31)
        serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    else:
        serial = (value - dt.date(1899, 12, 31)).days
    return serial + 1 if serial > 59 else serial


def _text_body(value, quoted_s: int) -> tuple[str, str] | None:
    """(the cell's style attribute, its ``<is>`` element) for a text; ``None`` for no text."""
    text = value if type(value) is str and not _NEEDS_CLEANING.search(value) else xml_text(value)
    if not text:
        return None
    text = _escape(text[:CELL_MAX_LENGTH])
    style = f' s="{quoted_s}"' if text.startswith(FORMULA_PREFIXES) else ""
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return style, f"<is><t{space}>{text}</t></is>"


def _text_cell(ref: str, value, quoted_s: int, memo: dict | None = None) -> str:
    # A list repeats its short texts (units, states, fields): their XML is made once.
    if memo is not None and type(value) is str and len(value) <= MEMO_MAX_LENGTH:
        body = memo.get(value, memo)
        if body is memo:
            body = memo[value] = _text_body(value, quoted_s)
    else:
        body = _text_body(value, quoted_s)
    if body is None:
        return ""
    return f'<c r="{ref}"{body[0]} t="inlineStr">{body[1]}</c>'


def _rows_xml(wb: XlsxWorkbook, first_row: int, rows: Iterable[Sequence]) -> tuple[str, int, int]:
    """The ``<row>`` elements of ``rows`` from 0-based row ``first_row``: the cells
    ``write_value`` writes (text as inline text, never a formula, quote-prefixed when it looks
    like one; numbers; dates and percents with the workbook's formats)."""
    # The formats' style indices (XlsxWriter gives a format one when a cell first uses it).
    date_s = wb.formats["date"]._get_xf_index()
    datetime_s = wb.formats["datetime"]._get_xf_index()
    percent_s = wb.formats["percent"]._get_xf_index()
    quoted_s = wb.formats["quoted"]._get_xf_index()
    serials: dict = {}  # a list has few distinct days
    texts: dict = {}  # and few distinct short texts
    columns: list[str] = []
    out: list[str] = []
    last_row, last_col = first_row - 1, 0
    for row_no, row in enumerate(rows, first_row):
        number = row_no + 1
        if len(row) > len(columns):
            columns.extend(xl_col_to_name(col) for col in range(len(columns), len(row)))
        line = [f'<row r="{number}">']
        for col, value in enumerate(row):
            if value is None:
                continue
            ref = f"{columns[col]}{number}"
            kind = type(value)
            # The common types first, by their exact type; then in ``write_value``'s order.
            if kind is str:
                cell = _text_cell(ref, value, quoted_s, texts)
            elif kind is dt.date:
                serial = serials.get(value)
                if serial is None:
                    serial = serials[value] = excel_serial(value)
                cell = f'<c r="{ref}" s="{date_s}"><v>{serial}</v></c>'
            elif kind is int:
                cell = f'<c r="{ref}"><v>{value:.16G}</v></c>'
            elif isinstance(value, Percent):
                cell = (
                    "" if value.value is None else f'<c r="{ref}" s="{percent_s}"><v>{value.value / 100:.16G}</v></c>'
                )
            elif isinstance(value, bool):
                cell = f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
            elif isinstance(value, (int, float)):
                if not math.isfinite(value):
                    raise ValueError(f"A cell cannot hold {value!r}.")
                cell = f'<c r="{ref}"><v>{value:.16G}</v></c>'
            elif isinstance(value, dt.datetime):
                serial = excel_serial(value.replace(tzinfo=None))
                cell = f'<c r="{ref}" s="{datetime_s}"><v>{serial:.16G}</v></c>'
            elif isinstance(value, dt.date):
                cell = f'<c r="{ref}" s="{date_s}"><v>{excel_serial(value)}</v></c>'
            else:
                cell = _text_cell(ref, value, quoted_s)
            if cell:
                line.append(cell)
                last_col = max(last_col, col)
        if len(line) > 1:  # as XlsxWriter, a row without a cell is not written
            line.append("</row>")
            out.append("".join(line))
            last_row = row_no
    return "".join(out), last_row, last_col


def _with_rows(archive: bytes, sheet_rows: dict) -> bytes:
    """The workbook XlsxWriter wrote, with each sheet's data rows placed after its header and
    the sheet's dimension widened to them."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(archive)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in sheet_rows:
                xml, last_row, last_col = sheet_rows[info.filename]
                dimension = f'<dimension ref="A1:{xl_rowcol_to_cell(last_row, last_col)}"/>'
                sheet = re.sub(r'<dimension ref="[^"]*"/>', dimension, content.decode("utf-8"), count=1)
                if "</sheetData>" in sheet:
                    sheet = sheet.replace("</sheetData>", f"{xml}</sheetData>", 1)
                else:
                    sheet = sheet.replace("<sheetData/>", f"<sheetData>{xml}</sheetData>", 1)
                content = sheet.encode("utf-8")
            target.writestr(info, content, compress_type=zipfile.ZIP_DEFLATED, compresslevel=_ZIP_LEVEL)
    return out.getvalue()


def workbook_bytes(wb: XlsxWorkbook) -> bytes:
    wb.book.close()
    if not wb.sheet_rows:
        return wb.buffer.getvalue()
    return _with_rows(wb.buffer.getvalue(), wb.sheet_rows)
