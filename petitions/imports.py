"""The petitions import template (XLSX) and its parser.

The parser validates every row before anything is written: it returns clean rows ready for
``petitions.services.petition_record``, or raises ``XlsxImportError`` listing every problem by
row number (as Excel shows it) and column name, in Vietnamese. The caller imports all or nothing.

A workbook is a zip: a 254 KB file once unpacked to 240 MB of text and took 1 GB of memory. So
before anything reads it, the zip's parts must add up to at most ``MAX_UNCOMPRESSED_BYTES`` (as
the zip declares them; Python's zip reader never returns more than declared) and be stored or
deflated (the only methods Excel uses); then the sheet is read row by row (read-only mode), only
the template's columns, at most ``MAX_ROW_POSITIONS`` rows, each cell checked against its
column's bound as it is read.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from common.text import normalise_search
from common.xlsx import write_cell

from .models import Field, Petition

MAX_ROWS = 1000
# Far more than 1,000 rows of the longest texts the columns accept take.
MAX_UNCOMPRESSED_BYTES = 25 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# Rows read, empty ones included (a sheet may hold formatting far below its data).
MAX_ROW_POSITIONS = 20 * MAX_ROWS
# Problems listed at most (the first ones are enough to fix the file).
MAX_ERRORS = 100


def _max(name: str) -> int:
    """The bound of a petition's text column: the import accepts what the form accepts."""
    return Petition._meta.get_field(name).max_length


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    required: bool = False
    max_length: int | None = None


COLUMNS = (
    Column(
        "petitioner_name",
        gettext_lazy("Người hoặc tập thể kiến nghị"),
        32,
        required=True,
        max_length=_max("petitioner_name"),
    ),
    Column("petitioner_kind", gettext_lazy("Cá nhân / Tập thể"), 16, max_length=50),
    Column("petitioner_address", gettext_lazy("Địa chỉ"), 30, max_length=_max("petitioner_address")),
    Column("petitioner_phone", gettext_lazy("Điện thoại"), 14, max_length=_max("petitioner_phone")),
    Column("petitioner_email", gettext_lazy("Thư điện tử"), 24, max_length=_max("petitioner_email")),
    Column("content", gettext_lazy("Nội dung kiến nghị"), 60, required=True, max_length=_max("content")),
    Column("field", gettext_lazy("Lĩnh vực"), 20, max_length=Field._meta.get_field("name").max_length),
    Column("clarified", gettext_lazy("Đã làm rõ tại hội nghị (Có/Không)"), 18, max_length=50),
    Column(
        "conference_answer", gettext_lazy("Nội dung đã trả lời tại hội nghị"), 50, max_length=_max("conference_answer")
    ),
)
# Optional at the end (older templates stop before them): the lead unit and coordinating units,
# by name, as the conclusion notice will assign them ("Sở X chủ trì, phối hợp với Sở Y").
UNIT_COLUMNS = (
    Column("lead_unit", gettext_lazy("Đơn vị chủ trì giải quyết"), 32, max_length=255),
    Column("coordinating_units", gettext_lazy("Đơn vị phối hợp (cách nhau bởi dấu ;)"), 40, max_length=2000),
)
ALL_COLUMNS = COLUMNS + UNIT_COLUMNS
AMBIGUOUS = object()


def units_by_name(units) -> dict[str, object]:
    """Normalised unit name → unit, for the import's unit columns (``AMBIGUOUS`` when two units
    share a name: the row must then be assigned in the notice wizard instead)."""
    found: dict[str, object] = {}
    for unit in units:
        key = normalise_search(unit.name)
        found[key] = AMBIGUOUS if key in found else unit
    return found


KIND_VALUES = {"ca nhan": "person", "tap the": "collective", "": "person"}
YES = {"co", "x", "yes", "1", "true", "da lam ro"}
NO = {"", "khong", "no", "0", "false"}


class XlsxImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def petitions_template(field_names: list[str]) -> bytes:
    """The empty template offered for download: one header row, drop-down lists, an example sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Kiến nghị")
    header_fill = PatternFill("solid", fgColor="F4CCCC")
    for index, column in enumerate(ALL_COLUMNS, start=1):
        cell = write_cell(sheet, 1, index, str(column.title) + (" (*)" if column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = column.width
    sheet.freeze_panes = "A2"
    last = MAX_ROWS + 1
    kinds = DataValidation(type="list", formula1='"Cá nhân,Tập thể"', allow_blank=True)
    kinds.add(f"B2:B{last}")
    clarified = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
    clarified.add(f"H2:H{last}")
    sheet.add_data_validation(kinds)
    sheet.add_data_validation(clarified)

    fields = workbook.create_sheet(_("Lĩnh vực"))
    for row, name in enumerate(field_names, start=1):
        write_cell(fields, row, 1, name)  # names are typed in the admin: written as text, never formulas
    if field_names:
        field_list = DataValidation(
            type="list", formula1=f"'{fields.title}'!$A$1:$A${len(field_names)}", allow_blank=True
        )
        field_list.add(f"G2:G{last}")
        sheet.add_data_validation(field_list)

    guide = workbook.create_sheet(_("Hướng dẫn"))
    lines = [
        _("Mỗi dòng của trang “Kiến nghị” là một kiến nghị; không đổi tên hay thứ tự các cột."),
        _("Cột có dấu (*) là bắt buộc."),
        _("Cá nhân / Tập thể: để trống nghĩa là Cá nhân."),
        _("Lĩnh vực: chọn trong danh sách ở trang “Lĩnh vực” hoặc để trống."),
        _("Đã làm rõ tại hội nghị: “Có” thì phải ghi nội dung đã trả lời tại hội nghị."),
        _(
            "Đơn vị chủ trì, đơn vị phối hợp (không bắt buộc): ghi đúng tên đơn vị như trên cổng; nhiều đơn vị phối hợp"
            " cách nhau bởi dấu chấm phẩy (;). Có thể chọn hoặc sửa khi ban hành thông báo kết luận."
        ),
        _("Nếu có dòng sai, hệ thống không nhập dòng nào và báo rõ dòng, cột cần sửa."),
    ]
    for row, line in enumerate(lines, start=1):
        write_cell(guide, row, 1, line)
    guide.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_petitions_xlsx(upload, *, fields_by_name: dict[str, object], units_by_name: dict | None = None) -> list[dict]:
    """Read the template back. ``fields_by_name`` maps a normalised field name to a ``Field``,
    ``units_by_name`` a normalised unit name to a unit (``units_by_name()``; needed only when
    the file fills the unit columns).

    Returns one dict per non-empty row with ``petition_record`` keyword arguments; raises
    ``XlsxImportError`` with every problem found, so nothing is imported when any row is wrong.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > settings.UPLOAD_MAX_BYTES:
        raise XlsxImportError(
            [_("Tệp quá lớn; giới hạn là %(limit)s MB.") % {"limit": settings.UPLOAD_MAX_BYTES // 1048576}]
        )
    try:
        _check_unpacked_size(upload)
        return _parse_rows(upload, fields_by_name, units_by_name or {})
    except NOT_A_WORKBOOK:
        # A damaged or disguised file can fail while opening or only once the sheet is read.
        raise XlsxImportError([_("Tệp không phải là bảng tính Excel (.xlsx) hợp lệ. Vui lòng dùng tệp mẫu.")]) from None


# What openpyxl raises for a file that is not a workbook: not a zip, missing parts, broken XML
# (lxml's and ElementTree's parse errors are ``SyntaxError``s), a corrupt deflate stream.
NOT_A_WORKBOOK = (
    zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, IndexError, OSError, EOFError, ValueError, TypeError,
    AttributeError, SyntaxError, InvalidFileException,
)  # fmt: skip


def _check_unpacked_size(upload) -> None:
    """Refuse a workbook that unpacks to more than ``MAX_UNCOMPRESSED_BYTES`` (or uses a
    compression Excel does not), reading only the zip's directory."""
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        infos = archive.infolist()
    upload.seek(0)
    unpacked = sum(info.file_size for info in infos)
    methods = {info.compress_type for info in infos}
    if len(infos) > MAX_ZIP_MEMBERS or unpacked > MAX_UNCOMPRESSED_BYTES:
        raise XlsxImportError(
            [
                _(
                    "Tệp giải nén ra %(size)s MB, quá giới hạn %(limit)s MB cho một lần nhập; "
                    "vui lòng chia thành nhiều tệp hoặc rút gọn nội dung."
                )
                % {"size": round(unpacked / 1048576, 1), "limit": MAX_UNCOMPRESSED_BYTES // 1048576}
            ]
        )
    if not methods <= {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}:
        raise zipfile.BadZipFile("compression method")


def _parse_rows(upload, fields_by_name: dict[str, object], units: dict) -> list[dict]:
    upload.seek(0)
    workbook = load_workbook(upload, read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise XlsxImportError([_("Tệp không có trang tính nào.")])
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True, max_col=len(ALL_COLUMNS))
        header = next(rows, None) or ()
        expected = [normalise_search(str(c.title)) for c in ALL_COLUMNS]
        got = [normalise_search(_text(v).replace("(*)", "")) for v in header[: len(ALL_COLUMNS)]]
        while len(got) > len(COLUMNS) and not got[-1]:
            got.pop()
        if len(got) < len(COLUMNS) or got != expected[: len(got)]:
            raise XlsxImportError(
                [
                    _("Dòng tiêu đề không đúng mẫu: cần các cột %(columns)s. Vui lòng tải và dùng tệp mẫu.")
                    % {"columns": ", ".join(f"“{c.title}”" for c in COLUMNS)}
                ]
            )
        errors: list[str] = []
        clean: list[dict] = []
        columns = ALL_COLUMNS[: len(got)]
        for row_number, values in enumerate(rows, start=2):
            if row_number > MAX_ROW_POSITIONS:
                errors.append(
                    _("Trang tính có quá %(max)s dòng (kể cả dòng trống); vui lòng chỉ giữ các dòng kiến nghị.")
                    % {"max": MAX_ROW_POSITIONS}
                )
                break
            if len(errors) >= MAX_ERRORS:
                errors.append(_("Tệp còn lỗi ở các dòng sau; vui lòng sửa các lỗi trên rồi nhập lại."))
                break
            values = list(values or ())[: len(columns)]
            values += [None] * (len(ALL_COLUMNS) - len(values))
            cells = {c.key: _text(v) for c, v in zip(ALL_COLUMNS, values)}
            if not any(cells.values()):
                continue
            if len(clean) + len(errors) >= MAX_ROWS:
                errors.append(_("Tệp có quá %(max)s dòng; vui lòng chia thành nhiều tệp.") % {"max": MAX_ROWS})
                break
            row_errors = _check_row(row_number, cells, fields_by_name) + _check_units(row_number, cells, units)
            if row_errors:
                errors.extend(row_errors)
                continue
            clean.append(_to_kwargs(cells, fields_by_name, units))
    finally:
        workbook.close()
    if errors:
        raise XlsxImportError(errors)
    if not clean:
        raise XlsxImportError([_("Tệp không có dòng kiến nghị nào.")])
    return clean


def _error(row: int, column: Column, message: str) -> str:
    return _("Dòng %(row)s, cột “%(column)s”: %(message)s") % {"row": row, "column": column.title, "message": message}


def _check_row(row: int, cells: dict[str, str], fields_by_name: dict) -> list[str]:
    errors = []
    by_key = {c.key: c for c in COLUMNS}
    for column in ALL_COLUMNS:
        value = cells[column.key]
        if column.required and not value:
            errors.append(_error(row, column, _("bắt buộc nhập.")))
        elif column.max_length and len(value) > column.max_length:
            errors.append(_error(row, column, _("dài quá %(max)s ký tự.") % {"max": column.max_length}))
    if normalise_search(cells["petitioner_kind"]) not in KIND_VALUES:
        errors.append(_error(row, by_key["petitioner_kind"], _("chỉ nhận “Cá nhân” hoặc “Tập thể”.")))
    if cells["petitioner_email"]:
        try:
            validate_email(cells["petitioner_email"])
        except ValidationError:
            errors.append(_error(row, by_key["petitioner_email"], _("địa chỉ thư điện tử không hợp lệ.")))
    if cells["field"] and normalise_search(cells["field"]) not in fields_by_name:
        errors.append(
            _error(row, by_key["field"], _("không có lĩnh vực “%(value)s” trong danh mục.") % {"value": cells["field"]})
        )
    clarified = normalise_search(cells["clarified"])
    if clarified not in YES | NO:
        errors.append(_error(row, by_key["clarified"], _("chỉ nhận “Có” hoặc “Không”.")))
    elif clarified in YES and not cells["conference_answer"]:
        errors.append(
            _error(row, by_key["conference_answer"], _("kiến nghị đã làm rõ tại hội nghị cần có nội dung đã trả lời."))
        )
    return errors


def _unit_names(cells: dict[str, str]) -> tuple[str, list[str]]:
    others = [n.strip() for n in cells["coordinating_units"].replace("\n", ";").split(";") if n.strip()]
    return cells["lead_unit"], others


def _check_units(row: int, cells: dict[str, str], units: dict) -> list[str]:
    lead, others = _unit_names(cells)
    if not lead and not others:
        return []
    by_key = {c.key: c for c in UNIT_COLUMNS}
    errors = []
    if normalise_search(cells["clarified"]) in YES:
        return [_error(row, by_key["lead_unit"], _("kiến nghị đã làm rõ tại hội nghị không giao đơn vị giải quyết."))]
    if others and not lead:
        errors.append(_error(row, by_key["lead_unit"], _("cần ghi đơn vị chủ trì khi có đơn vị phối hợp.")))
    for key, names in (("lead_unit", [lead] if lead else []), ("coordinating_units", others)):
        for name in names:
            unit = units.get(normalise_search(name))
            if unit is None:
                errors.append(
                    _error(row, by_key[key], _("không có đơn vị “%(value)s” đang hoạt động.") % {"value": name})
                )
            elif unit is AMBIGUOUS:
                errors.append(
                    _error(
                        row,
                        by_key[key],
                        _("có nhiều đơn vị cùng tên “%(value)s”; hãy chọn khi ban hành thông báo kết luận.")
                        % {"value": name},
                    )
                )
    if lead and normalise_search(lead) in {normalise_search(n) for n in others}:
        errors.append(
            _error(row, by_key["coordinating_units"], _("đơn vị chủ trì không đồng thời là đơn vị phối hợp."))
        )
    return errors


def _to_kwargs(cells: dict[str, str], fields_by_name: dict, units: dict | None = None) -> dict:
    clarified = normalise_search(cells["clarified"]) in YES
    lead, others = _unit_names(cells)
    units = units or {}
    return {
        "assigned_unit": units.get(normalise_search(lead)) if lead and not clarified else None,
        "coordinating_units": [units[normalise_search(n)] for n in others] if lead and not clarified else [],
        "petitioner_name": cells["petitioner_name"],
        "petitioner_kind": KIND_VALUES[normalise_search(cells["petitioner_kind"])],
        "petitioner_address": cells["petitioner_address"],
        "petitioner_phone": cells["petitioner_phone"],
        "petitioner_email": cells["petitioner_email"],
        "content": cells["content"],
        "field": fields_by_name.get(normalise_search(cells["field"])) if cells["field"] else None,
        "clarified_at_conference": clarified,
        "conference_answer": cells["conference_answer"] if clarified else "",
    }
