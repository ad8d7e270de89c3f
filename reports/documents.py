"""A periodic report as an official document: DOCX in the issuing unit's layout (Party:
Hướng dẫn 36-HD/VPTW; State: Decree 30/2020/NĐ-CP) built from ``common.docx`` blocks, and XLSX
of its figures and tables (``common.xlsx``). Both are written in Vietnamese whatever the
reader's language, and only format what ``reports.report_selectors.ReportContent`` holds
(frozen figures for an issued report, live ones for a draft)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH

from common.dates import vn_date
from common.docx import footer, header, new_document, para, to_bytes
from common.xlsx import Percent, add_sheet, new_workbook, workbook_bytes
from regulations.states import DeadlineState
from units.selectors import unit_letterhead

from . import selectors
from .models import PeriodicReport, RecipientRole, ReportKind
from .report_selectors import UNIT_ROW_KEYS, ReportContent

SECTION_TITLES = [
    ("situation", gettext_lazy("I. Tình hình tổ chức tiếp xúc, đối thoại trực tiếp")),
    ("results", gettext_lazy("II. Kết quả giải quyết ý kiến, kiến nghị sau tiếp xúc, đối thoại")),
    ("supervision", gettext_lazy("III. Công tác giám sát của Mặt trận Tổ quốc và các tổ chức chính trị - xã hội")),
    ("assessment", gettext_lazy("IV. Đánh giá chung")),
    ("proposals", gettext_lazy("V. Nhiệm vụ trọng tâm và đề xuất, kiến nghị")),
]
# How a unit stands in a round, in the words of a compilation (the deadline state of its report).
STATE_LABELS = {
    DeadlineState.MET: gettext_lazy("Đã gửi đúng hạn"),
    DeadlineState.MET_LATE: gettext_lazy("Gửi trễ hạn"),
    DeadlineState.OVERDUE: gettext_lazy("Chưa gửi (quá hạn)"),
    DeadlineState.DUE_SOON: gettext_lazy("Chưa gửi, sắp đến hạn"),
    DeadlineState.OPEN: gettext_lazy("Chưa đến hạn"),
}


def state_label(state: str | None) -> str:
    return str(STATE_LABELS[state]) if state in STATE_LABELS else ""


def day_text(value) -> str:
    """dd/mm/yyyy of a date or of an ISO date string (frozen tables), '' for none."""
    if isinstance(value, str) and value:
        return vn_date(dt.date.fromisoformat(value))
    return vn_date(value) if isinstance(value, dt.date) else ""


def _number(value) -> str:
    return "—" if value is None else str(value)


def _rate(value) -> str:
    return "" if value is None else f"{value:.1f}%".replace(".", ",")


def recipient_lines(report: PeriodicReport) -> list[str]:
    """The "Nơi nhận" of the document: the units it is (or will be) sent to, then the others."""
    if report.is_issued:
        units = [(r.unit, r.role) for r in report.recipients.select_related("unit").order_by("id")]
    else:
        from .report_selectors import report_recipients_for

        units = report_recipients_for(report.unit, report.issued_on or timezone.localdate())
    lines = []
    for unit, role in units:
        if role in (RecipientRole.UPPER_COMMITTEE, RecipientRole.COMMITTEE):
            lines.append(_("Ban Thường vụ %(unit)s") % {"unit": unit.name})
        else:
            lines.append(unit.name)
    return lines + report.extra_recipient_lines


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------


def report_docx(report: PeriodicReport, content: ReportContent) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _report_docx(report, content)


def _table(document, header_row, rows):
    table = document.add_table(rows=1, cols=len(header_row))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header_row):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(text))
        run.bold = True
    for row in rows:
        for cell, value in zip(table.add_row().cells, row):
            cell.text = "" if value is None else str(value)
    return table


def _report_docx(report: PeriodicReport, content: ReportContent) -> bytes:
    letterhead = unit_letterhead(report.unit)
    document = new_document()
    header(
        document,
        party=letterhead.party,
        unit_name=letterhead.unit_name,
        superior_name=letterhead.superior_name,
        reference=report.reference,
        place=letterhead.place,
        day=report.issued_on,
    )
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(document, _("BÁO CÁO"), bold=True, size=15, align=center)
    para(document, report.subject, bold=True, size=14, align=center)
    para(document, "-----", align=center)
    recipients = recipient_lines(report)
    if recipients:
        if len(recipients) == 1:
            para(document, _("Kính gửi: %(name)s") % {"name": recipients[0]}, align=center)
        else:
            para(document, _("Kính gửi:"), align=center)
            for line in recipients:
                para(document, f"- {line};", align=center)
    para(document, "")
    who = report.unit.name
    intro = _(
        "Thực hiện Quy định về tiếp xúc, đối thoại trực tiếp giữa người đứng đầu cấp ủy, chính quyền với Mặt trận"
        " Tổ quốc, các tổ chức chính trị - xã hội và Nhân dân, %(unit)s báo cáo kết quả %(period)s"
        " (từ ngày %(start)s đến ngày %(end)s) như sau:"
    ) % {
        "unit": who,
        "period": report.period.name[:1].lower() + report.period.name[1:],
        "start": vn_date(report.period_start),
        "end": vn_date(report.period_end),
    }
    para(document, intro, indent=True)
    for field_name, title in SECTION_TITLES:
        para(document, str(title), bold=True)
        for line in getattr(report, field_name).splitlines():
            if line.strip():
                para(document, line.strip(), indent=True)
    para(
        document,
        _("Trên đây là báo cáo %(period)s của %(unit)s./.")
        % {"period": report.period.name[:1].lower() + report.period.name[1:], "unit": who},
        indent=True,
    )
    para(document, "")
    signer_lines = [line for line in (report.signer_capacity, report.signer_position) if line]
    footer(document, recipients=recipients, signer_lines=signer_lines, signer_name=report.signer_name)
    _annex(document, report, content)
    return to_bytes(document)


def _annex(document, report: PeriodicReport, content: ReportContent) -> None:
    """The tables, as an annex on a new page."""
    document.add_section(WD_SECTION.NEW_PAGE)
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(document, _("PHỤ LỤC"), bold=True, align=center)
    ref = report.reference if report.is_issued else _("(dự thảo)")
    para(
        document,
        _("Số liệu kèm theo Báo cáo %(ref)s của %(unit)s – %(period)s")
        % {"ref": ref, "unit": report.unit.name, "period": report.period.label},
        italic=True,
        align=center,
    )
    as_of = content.tables.get("as_of")
    if as_of:
        para(
            document, _("Số liệu tính đến ngày %(day)s.") % {"day": day_text(as_of)}, italic=True, size=12, align=center
        )
    para(document, "")
    if report.kind == ReportKind.COMPILED:
        _compiled_annex(document, content)
        return
    para(document, _("1. Số liệu chính"), bold=True)
    _table(
        document,
        [_("Chỉ tiêu"), _("Số lượng")],
        [[selectors.FIGURES[k].label, _number(content.figures.get(k))] for k in selectors.REPORT_KEYS],
    )
    para(document, "")
    para(document, _("2. Kết quả theo đơn vị chịu trách nhiệm"), bold=True)
    units = content.tables.get("units", [])
    _table(
        document,
        [_("Đơn vị"), *[selectors.FIGURES[k].label for k in UNIT_ROW_KEYS], _("Tỷ lệ đúng hạn")],
        [[row["unit"], *[row.get(k, 0) for k in UNIT_ROW_KEYS], _rate(row.get("on_time_rate"))] for row in units],
    )
    para(document, "")
    para(document, _("3. Kiến nghị theo lĩnh vực"), bold=True)
    fields = content.tables.get("fields", [])
    keys = selectors.FIELD_TABLE_KEYS
    _table(
        document,
        [_("Lĩnh vực"), *[selectors.FIGURES[k].label for k in keys], _("Tỷ lệ đúng hạn")],
        [
            [row["field"] or _("Chưa phân loại"), *[row.get(k, 0) for k in keys], _rate(row.get("on_time_rate"))]
            for row in fields
        ],
    )


def _compiled_annex(document, content: ReportContent) -> None:
    tables = content.tables
    counts = tables.get("counts", {})
    para(document, _("1. Tình hình gửi báo cáo của các đơn vị"), bold=True)
    para(
        document,
        _("Phải báo cáo: %(required)s; đúng hạn: %(on_time)s; trễ hạn: %(late)s; chưa gửi: %(missing)s.")
        % {k: counts.get(k, 0) for k in ("required", "on_time", "late", "missing")},
    )
    _table(
        document,
        [_("Đơn vị"), _("Hạn gửi"), _("Báo cáo"), _("Ngày ban hành"), _("Tình trạng")],
        [
            [
                row["unit"],
                day_text(row["due_on"]),
                row["reference"],
                day_text(row["issued_on"]),
                state_label(row["state"]),
            ]
            for row in tables.get("rows", [])
        ],
    )
    if tables.get("missing"):
        para(document, _("Đơn vị chưa gửi báo cáo: %(names)s.") % {"names": ", ".join(tables["missing"])})
    para(document, "")
    para(document, _("2. Tổng hợp số liệu"), bold=True)
    totals = tables.get("totals", {})
    _table(
        document,
        [_("Chỉ tiêu"), _("Theo báo cáo đã gửi"), _("Số liệu hiện tại của các đơn vị đó"), _("Chênh lệch"),
         _("Số liệu hiện tại của tất cả đơn vị phải báo cáo")],
        [
            [selectors.FIGURES[k].label, totals.get("submitted", {}).get(k, 0), totals.get("live_submitted", {}).get(k, 0),
             _difference(tables.get("differences", {}).get(k)), totals.get("live_all", {}).get(k, 0)]
            for k in selectors.REPORT_KEYS
        ],
    )  # fmt: skip


def _difference(value) -> str:
    if not value:
        return ""
    return f"+{value}" if value > 0 else str(value)


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


def report_xlsx(report: PeriodicReport, content: ReportContent) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        return _report_xlsx(report, content)


def _report_xlsx(report: PeriodicReport, content: ReportContent) -> bytes:
    wb = new_workbook()
    ref = report.reference if report.is_issued else _("dự thảo")
    caption = f"{report.unit.name} – {ref} – {report.period.label}"
    header_row = [_("Chỉ tiêu"), _("Trong báo cáo")]
    if content.frozen:
        header_row += [_("Số liệu hiện tại"), _("Chênh lệch")]
    rows = []
    for row in content.comparison():
        cells = [str(row["label"]), row["stated"]]
        if content.frozen:
            cells += [row["live"], row["difference"] or None]
        rows.append(cells)
    add_sheet(wb, _("Số liệu chính"), header_row, rows, caption)
    tables = content.tables
    if report.kind == ReportKind.COMPILED:
        _compiled_sheets(wb, tables, caption)
        return workbook_bytes(wb)
    add_sheet(
        wb,
        _("Theo đơn vị"),
        [_("Đơn vị"), *[str(selectors.FIGURES[k].label) for k in UNIT_ROW_KEYS], _("Tỷ lệ đúng hạn")],
        [
            [row["unit"], *[row.get(k, 0) for k in UNIT_ROW_KEYS], Percent(row.get("on_time_rate"))]
            for row in tables.get("units", [])
        ],
        caption,
    )
    keys = selectors.FIELD_TABLE_KEYS
    add_sheet(
        wb,
        _("Theo lĩnh vực"),
        [_("Lĩnh vực"), *[str(selectors.FIGURES[k].label) for k in keys], _("Tỷ lệ đúng hạn")],
        [
            [row["field"] or _("Chưa phân loại"), *[row.get(k, 0) for k in keys], Percent(row.get("on_time_rate"))]
            for row in tables.get("fields", [])
        ],
        caption,
    )
    return workbook_bytes(wb)


def _as_date(value):
    return dt.date.fromisoformat(value) if isinstance(value, str) and value else None


def compilation_xlsx(area, period, tables: dict) -> bytes:
    """The compilation page as a workbook (how each unit stands, the sums)."""
    with translation.override(settings.LANGUAGE_CODE):
        wb = new_workbook()
        caption = f"{_('Tổng hợp báo cáo')} – {area.name} – {period.label}"
        _compiled_sheets(wb, tables, caption)
        return workbook_bytes(wb)


def _compiled_sheets(wb, tables: dict, caption: str) -> None:
    keys = selectors.REPORT_KEYS
    header_row = [_("Đơn vị"), _("Hạn gửi"), _("Báo cáo"), _("Ngày ban hành"), _("Tình trạng")]
    header_row += [f"{selectors.FIGURES[k].label} ({_('báo cáo')})" for k in keys]
    header_row += [f"{selectors.FIGURES[k].label} ({_('hiện tại')})" for k in keys]
    rows = []
    for row in tables.get("rows", []):
        submitted = row["submitted"] or {}
        rows.append(
            [row["unit"], _as_date(row["due_on"]), row["reference"], _as_date(row["issued_on"]),
             state_label(row["state"]), *[submitted.get(k) for k in keys], *[row["live"].get(k) for k in keys]]
        )  # fmt: skip
    add_sheet(wb, _("Tình hình gửi báo cáo"), header_row, rows, caption)
    totals = tables.get("totals", {})
    add_sheet(
        wb,
        _("Tổng hợp"),
        [_("Chỉ tiêu"), _("Theo báo cáo đã gửi"), _("Số liệu hiện tại của các đơn vị đó"), _("Chênh lệch"),
         _("Số liệu hiện tại của tất cả đơn vị phải báo cáo")],
        [
            [str(selectors.FIGURES[k].label), totals.get("submitted", {}).get(k, 0),
             totals.get("live_submitted", {}).get(k, 0), tables.get("differences", {}).get(k),
             totals.get("live_all", {}).get(k, 0)]
            for k in keys
        ],
        caption,
    )  # fmt: skip
