"""XLSX (openpyxl) and DOCX (python-docx) exports of the dashboard, its lists and the periodic
report "Báo cáo kết quả tiếp xúc, đối thoại". Everything here only formats what the selectors
computed; no statistics are worked out in this module."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from . import selectors
from .periods import Period

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _d(day) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _rate(value) -> str:
    return "" if value is None else f"{value:.1f}%"


# ---------------------------------------------------------------------------------------------
# Generic XLSX helpers
# ---------------------------------------------------------------------------------------------


def add_sheet(wb: Workbook, title: str, header: Sequence[str], rows: Iterable[Sequence], caption: str = ""):
    ws = wb.create_sheet(title=title[:31])
    if caption:
        ws.append([caption])
        ws["A1"].font = Font(bold=True)
    ws.append(list(header))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(["" if v is None else v for v in row])
    for index, _label in enumerate(header, start=1):
        ws.column_dimensions[get_column_letter(index)].width = 18 if index > 1 else 36
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    return ws


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def workbook_response(wb: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# ---------------------------------------------------------------------------------------------
# Tables of the dashboard
# ---------------------------------------------------------------------------------------------


def figure_rows(figures: dict[str, int], model: str | None = None) -> list[list]:
    return [
        [str(f.label), figures[key]]
        for key, f in selectors.FIGURES.items()
        if key in figures and (model is None or f.model == model)
    ]


def assessment_label(value: str) -> str:
    from petitions.models import Assessment

    return str(Assessment(value).label) if value in Assessment.values else ""


UNIT_HEADER_KEYS = ["sessions_held", "notices_on_time", "notices_late", "notices_overdue", *selectors.UNIT_TABLE_KEYS]


def unit_table_sheet(wb, table, caption=""):
    header = [_("Đơn vị")] + [str(selectors.FIGURES[k].label) for k in UNIT_HEADER_KEYS] + [_("Tỷ lệ đúng hạn")]
    rows = [[row["unit"].name] + [row[k] for k in UNIT_HEADER_KEYS] + [_rate(row["on_time_rate"])] for row in table]
    return add_sheet(wb, _("Theo đơn vị"), header, rows, caption)


def field_table_sheet(wb, table, caption=""):
    keys = selectors.FIELD_TABLE_KEYS
    header = [_("Lĩnh vực")] + [str(selectors.FIGURES[k].label) for k in keys] + [_("Tỷ lệ đúng hạn")]
    rows = [[row["field__name"] or _("Chưa phân loại")] + [row[k] for k in keys] + [_rate(row["on_time_rate"])] for row in table]
    return add_sheet(wb, _("Theo lĩnh vực"), header, rows, caption)


def trend_sheet(wb, trend, caption=""):
    keys = selectors.TREND_SESSION_KEYS + selectors.TREND_PETITION_KEYS
    header = [_("Tháng")] + [str(selectors.FIGURES[k].label) for k in keys]
    rows = [[f"{row['period'].short_label} ({_d(row['period'].start)}–{_d(row['period'].end)})"] + [row[k] for k in keys] for row in trend]
    return add_sheet(wb, _("Theo tháng"), header, rows, caption)


def dashboard_workbook(*, unit, period: Period, figures, units, fields, trend) -> Workbook:
    wb = new_workbook()
    caption = f"{unit.name} – {period.label}"
    add_sheet(wb, _("Số liệu chính"), [_("Chỉ tiêu"), _("Số lượng")], figure_rows(figures), caption)
    unit_table_sheet(wb, units, caption)
    field_table_sheet(wb, fields, caption)
    trend_sheet(wb, trend, caption)
    return wb


# ---------------------------------------------------------------------------------------------
# Lists (drill-down, Front monitor lists)
# ---------------------------------------------------------------------------------------------


def session_rows(sessions) -> tuple[list[str], list[list]]:
    header = [_("Ngày tổ chức"), _("Cơ quan tổ chức"), _("Hình thức"), _("Chủ đề"), _("Chủ trì"), _("Hạn thông báo"), _("Ngày ban hành thông báo")]
    rows = [
        [_d(s.held_on), s.organising_unit.name, s.get_kind_display(), s.topic, s.chair_display, _d(s.notice_due_on), _d(s.notice_issued_on)]
        for s in sessions
    ]
    return header, rows


def petition_rows(petitions) -> tuple[list[str], list[list]]:
    header = [
        _("Mã"),
        _("Ngày hội nghị"),
        _("Cơ quan tổ chức"),
        _("Người kiến nghị"),
        _("Nội dung"),
        _("Lĩnh vực"),
        _("Đơn vị chịu trách nhiệm"),
        _("Trạng thái"),
        _("Hạn trả lời"),
        _("Ngày xử lý"),
        _("Đánh giá của MTTQ"),
    ]
    rows = [
        [
            p.pk,
            _d(p.session.held_on),
            p.session.organising_unit.name,
            p.petitioner_name,
            p.content,
            p.field.name if p.field_id else "",
            p.assigned_unit.name if p.assigned_unit_id else "",
            p.get_status_display(),
            _d(p.reply_due_on),
            _d(p.responded_on),
            assessment_label(p.assessment),
        ]
        for p in petitions
    ]
    return header, rows


def unit_rows(units) -> tuple[list[str], list[list]]:
    header = [_("Đơn vị"), _("Loại đơn vị"), _("Cấp")]
    return header, [[u.name, u.kind.name, u.get_level_display()] for u in units]


def reply_rows(replies) -> tuple[list[str], list[list]]:
    header = [_("Kiến nghị"), _("Đơn vị trả lời"), _("Số văn bản"), _("Ngày trả lời"), _("Tóm tắt"), _("Đánh giá của MTTQ")]
    rows = [
        [f"#{r.petition_id}", r.unit.name, r.number, _d(r.replied_on), r.summary, assessment_label(r.petition.assessment)]
        for r in replies
    ]
    return header, rows


ROWS_FOR_MODEL = {selectors.SESSION: session_rows, selectors.PETITION: petition_rows, selectors.UNIT: unit_rows}


def list_workbook(title: str, header, rows, caption: str = "") -> Workbook:
    wb = new_workbook()
    add_sheet(wb, title, header, rows, caption)
    return wb


# ---------------------------------------------------------------------------------------------
# The periodic report (báo cáo kết quả tiếp xúc, đối thoại)
# ---------------------------------------------------------------------------------------------


def periodic_report_data(user, unit, period: Period, today=None) -> dict:
    today = today or timezone.localdate()
    dashboard = selectors.dashboard_data(user, unit, period, today)
    return {
        "unit": unit,
        "period": period,
        "today": today,
        "figures": dashboard.figures,
        "units": dashboard.units,
        "fields": dashboard.fields,
        "trend": dashboard.trend,
        "r1_missing": list(selectors.figure_queryset(user, "r1_missing", unit, period, today=today).order_by("path")),
        "overdue": selectors.overdue_by_unit(user, unit, period, today),
    }


REPORT_TITLE = gettext_noop("Báo cáo kết quả tiếp xúc, đối thoại")


def periodic_report_xlsx(data: dict) -> Workbook:
    unit, period = data["unit"], data["period"]
    caption = f"{_(REPORT_TITLE)} – {unit.name} – {period.label}"
    wb = dashboard_workbook(
        unit=unit, period=period, figures=data["figures"], units=data["units"], fields=data["fields"], trend=data["trend"]
    )
    wb[_("Số liệu chính")]["A1"] = caption
    add_sheet(wb, _("Chưa đối thoại (R1)"), *unit_rows(data["r1_missing"]), caption=caption)
    header, _rows = petition_rows([])
    rows = []
    for responsible, petitions in data["overdue"]:
        rows += petition_rows(petitions)[1]
    add_sheet(wb, _("Quá hạn theo đơn vị"), header, rows, caption=caption)
    return wb


def periodic_report_docx(data: dict):
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    unit, period, figures = data["unit"], data["period"], data["figures"]
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run(unit.name.upper()).bold = True
    place = doc.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    place.add_run(
        _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s")
        % {"place": unit.place_name or unit.name, "d": f"{data['today']:%d}", "m": f"{data['today']:%m}", "y": data["today"].year}
    ).italic = True
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_(REPORT_TITLE).upper())
    run.bold = True
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(period.label).italic = True

    def table(header, rows):
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header):
            cell.text = str(text)
            for p in cell.paragraphs:
                for r in p.runs:
                    r.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row):
                cell.text = "" if value is None else str(value)
        return t

    doc.add_heading(_("I. Kết quả tổ chức hội nghị tiếp xúc, đối thoại"), level=2)
    table([_("Chỉ tiêu"), _("Số lượng")], figure_rows(figures, selectors.SESSION))
    doc.add_heading(_("II. Kết quả giải quyết kiến nghị"), level=2)
    table([_("Chỉ tiêu"), _("Số lượng")], figure_rows(figures, selectors.PETITION))
    doc.add_heading(_("III. Thực hiện quy định đối thoại ít nhất một lần trong năm (R1)"), level=2)
    doc.add_paragraph(
        _("Số đơn vị phải tổ chức: %(req)s; đã tổ chức: %(held)s; chưa tổ chức: %(missing)s.")
        % {"req": figures["r1_required"], "held": figures["r1_held"], "missing": figures["r1_missing"]}
    )
    for u in data["r1_missing"]:
        doc.add_paragraph(u.name, style="List Bullet")
    doc.add_heading(_("IV. Kết quả theo đơn vị"), level=2)
    keys = ["petitions_assigned", "petitions_on_time", "petitions_late", "petitions_overdue", "petitions_unsatisfied"]
    table(
        [_("Đơn vị"), _("Hội nghị")] + [str(selectors.FIGURES[k].label) for k in keys] + [_("Tỷ lệ đúng hạn")],
        [[row["unit"].name, row["sessions_held"]] + [row[k] for k in keys] + [_rate(row["on_time_rate"])] for row in data["units"]],
    )
    doc.add_heading(_("V. Kiến nghị theo lĩnh vực"), level=2)
    fkeys = ["petitions_received", "petitions_on_time", "petitions_late", "petitions_overdue", "petitions_unsatisfied"]
    table(
        [_("Lĩnh vực")] + [str(selectors.FIGURES[k].label) for k in fkeys],
        [[row["field__name"] or _("Chưa phân loại")] + [row[k] for k in fkeys] for row in data["fields"]],
    )
    doc.add_heading(_("VI. Danh sách kiến nghị quá hạn theo đơn vị chịu trách nhiệm"), level=2)
    if not data["overdue"]:
        doc.add_paragraph(_("Không có kiến nghị quá hạn."))
    for responsible, petitions in data["overdue"]:
        doc.add_paragraph().add_run(
            f"{responsible.name if responsible else _('Chưa giao')} ({len(petitions)})"
        ).bold = True
        table(
            [_("Mã"), _("Nội dung"), _("Hạn trả lời"), _("Hạn giải quyết mới")],
            [[f"#{p.pk}", p.content, _d(p.reply_due_on), _d(p.complex_target_on)] for p in petitions],
        )
    return doc


def docx_response(doc, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    doc.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
