"""XLSX (openpyxl) and DOCX (python-docx) exports of the dashboard, its lists and the periodic
report "Báo cáo kết quả tiếp xúc, đối thoại". Everything here only formats what the selectors
computed; no statistics are worked out in this module."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from common.dates import vietnamese_date_line, vn_date
from common.http import docx_response as _docx_bytes_response
from common.http import xlsx_response
from common.text import xml_text
from common.xlsx import Percent, add_sheet, new_workbook, workbook_bytes, write_cell
from petitions.identity import petitioner_of
from petitions.models import Assessment

from . import selectors
from .heads_exports import HEADS_ROWS, heads_report_data, heads_report_docx, heads_report_sheets
from .periods import Period


def workbook_response(wb: Workbook, filename: str) -> HttpResponse:
    return xlsx_response(workbook_bytes(wb), filename)


def _rate(value) -> Percent:
    return Percent(value)


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
    return str(Assessment(value).label) if value in Assessment.values else ""


UNIT_HEADER_KEYS = ["sessions_held", "notices_on_time", "notices_late", "notices_overdue", *selectors.UNIT_TABLE_KEYS]


def unit_table_sheet(wb, table, caption=""):
    header = [_("Đơn vị")] + [str(selectors.FIGURES[k].label) for k in UNIT_HEADER_KEYS] + [_("Tỷ lệ đúng hạn")]
    rows = [[row["unit"].name] + [row[k] for k in UNIT_HEADER_KEYS] + [_rate(row["on_time_rate"])] for row in table]
    return add_sheet(wb, _("Theo đơn vị"), header, rows, caption)


def field_table_sheet(wb, table, caption=""):
    keys = selectors.FIELD_TABLE_KEYS
    header = [_("Lĩnh vực")] + [str(selectors.FIGURES[k].label) for k in keys] + [_("Tỷ lệ đúng hạn")]
    rows = [
        [row["field__name"] or _("Chưa phân loại")] + [row[k] for k in keys] + [_rate(row["on_time_rate"])]
        for row in table
    ]
    return add_sheet(wb, _("Theo lĩnh vực"), header, rows, caption)


def trend_sheet(wb, trend, caption=""):
    keys = selectors.TREND_SESSION_KEYS + selectors.TREND_PETITION_KEYS
    header = [_("Tháng")] + [str(selectors.FIGURES[k].label) for k in keys]
    rows = [
        [f"{row['period'].short_label} ({vn_date(row['period'].start)}–{vn_date(row['period'].end)})"]
        + [row[k] for k in keys]
        for row in trend
    ]
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


def session_rows(sessions, viewer=None) -> tuple[list[str], list[list]]:
    header = [
        _("Ngày tổ chức"),
        _("Cơ quan tổ chức"),
        _("Hình thức"),
        _("Chủ đề"),
        _("Chủ trì"),
        _("Hạn thông báo"),
        _("Ngày ban hành thông báo"),
    ]
    rows = [
        [
            s.held_on,
            s.organising_unit.name,
            s.get_kind_display(),
            s.topic,
            s.chair_display,
            s.notice_due_on,
            s.notice_issued_on,
        ]
        for s in sessions
    ]
    return header, rows


def petition_rows(petitions, viewer=None) -> tuple[list[str], list[list]]:
    """One row per petition; a protected petitioner is named only for a ``viewer`` who may see
    them (``petitions.identity.petitioner_of``; no viewer: never)."""
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
            p.session.held_on,
            p.session.organising_unit.name,
            petitioner_of(p, viewer).name,
            petitioner_of(p, viewer).content,
            p.field.name if p.field_id else "",
            p.assigned_unit.name if p.assigned_unit_id else "",
            p.get_status_display(),
            p.reply_due_on,
            p.responded_on,
            assessment_label(p.assessment),
        ]
        for p in petitions
    ]
    return header, rows


def unit_rows(units, viewer=None) -> tuple[list[str], list[list]]:
    header = [_("Đơn vị"), _("Loại đơn vị"), _("Cấp")]
    return header, [[u.name, u.kind.name, u.get_level_display()] for u in units]


def reply_rows(replies) -> tuple[list[str], list[list]]:
    header = [
        _("Kiến nghị"),
        _("Đơn vị trả lời"),
        _("Số văn bản"),
        _("Ngày trả lời"),
        _("Tóm tắt"),
        _("Đánh giá của MTTQ"),
    ]
    rows = [
        [f"#{r.petition_id}", r.unit.name, r.number, r.replied_on, r.summary, assessment_label(r.petition.assessment)]
        for r in replies
    ]
    return header, rows


ROWS_FOR_MODEL = {
    selectors.SESSION: session_rows,
    selectors.PETITION: petition_rows,
    selectors.UNIT: unit_rows,
    **HEADS_ROWS,
}


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
        "viewer": user,
        "unit": unit,
        "period": period,
        "today": today,
        "figures": dashboard.figures,
        "units": dashboard.units,
        "fields": dashboard.fields,
        "trend": dashboard.trend,
        "r1_missing": list(selectors.figure_queryset(user, "r1_missing", unit, period, today=today).order_by("path")),
        "overdue": selectors.overdue_by_unit(user, unit, period, today),
        **heads_report_data(user, unit, period, today),
    }


REPORT_TITLE = gettext_noop("Báo cáo kết quả tiếp xúc, đối thoại")


def periodic_report_xlsx(data: dict) -> Workbook:
    unit, period = data["unit"], data["period"]
    caption = f"{_(REPORT_TITLE)} – {unit.name} – {period.label}"
    wb = dashboard_workbook(
        unit=unit,
        period=period,
        figures=data["figures"],
        units=data["units"],
        fields=data["fields"],
        trend=data["trend"],
    )
    write_cell(wb[_("Số liệu chính")], 1, 1, caption)
    add_sheet(wb, _("Chưa đối thoại trong năm"), *unit_rows(data["r1_missing"]), caption=caption)
    header, _rows = petition_rows([])
    rows = []
    for _responsible, petitions in data["overdue"]:
        rows += petition_rows(petitions, data.get("viewer"))[1]
    add_sheet(wb, _("Quá hạn theo đơn vị"), header, rows, caption=caption)
    heads_report_sheets(wb, data, caption)
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
    head.add_run(xml_text(unit.name.upper())).bold = True
    place = doc.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    place.add_run(vietnamese_date_line(unit.place_name or unit.name, data["today"])).italic = True
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
            cell.text = xml_text(text)
            for p in cell.paragraphs:
                for r in p.runs:
                    r.bold = True
        for row in rows:
            cells = t.add_row().cells
            for cell, value in zip(cells, row):
                if isinstance(value, Percent):
                    value = "" if value.value is None else f"{value.value:.1f}%".replace(".", ",")
                cell.text = "" if value is None else xml_text(value)
        return t

    doc.add_heading(_("I. Kết quả tổ chức hội nghị tiếp xúc, đối thoại"), level=2)
    table([_("Chỉ tiêu"), _("Số lượng")], figure_rows(figures, selectors.SESSION))
    doc.add_heading(_("II. Kết quả giải quyết kiến nghị"), level=2)
    table([_("Chỉ tiêu"), _("Số lượng")], figure_rows(figures, selectors.PETITION))
    doc.add_heading(_("III. Thực hiện quy định đối thoại ít nhất một lần trong năm"), level=2)
    doc.add_paragraph(
        _("Số đơn vị phải tổ chức: %(req)s; đã tổ chức: %(held)s; chưa tổ chức: %(missing)s.")
        % {"req": figures["r1_required"], "held": figures["r1_held"], "missing": figures["r1_missing"]}
    )
    for u in data["r1_missing"]:
        doc.add_paragraph(xml_text(u.name), style="List Bullet")
    doc.add_heading(_("IV. Kết quả theo đơn vị"), level=2)
    keys = ["petitions_assigned", "petitions_on_time", "petitions_late", "petitions_overdue", "petitions_unsatisfied"]
    table(
        [_("Đơn vị"), _("Hội nghị")] + [str(selectors.FIGURES[k].label) for k in keys] + [_("Tỷ lệ đúng hạn")],
        [
            [row["unit"].name, row["sessions_held"]] + [row[k] for k in keys] + [_rate(row["on_time_rate"])]
            for row in data["units"]
        ],
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
            xml_text(f"{responsible.name if responsible else _('Chưa giao')} ({len(petitions)})")
        ).bold = True
        table(
            [_("Mã"), _("Nội dung"), _("Hạn trả lời"), _("Hạn giải quyết mới")],
            [
                [
                    f"#{p.pk}",
                    petitioner_of(p, data.get("viewer")).content,
                    vn_date(p.reply_due_on),
                    vn_date(p.complex_target_on),
                ]
                for p in petitions
            ],  # fmt: skip
        )
    heads_report_docx(doc, data, table)
    return doc


def docx_response(doc, filename: str) -> HttpResponse:
    from common.docx import to_bytes

    return _docx_bytes_response(to_bytes(doc), filename)
