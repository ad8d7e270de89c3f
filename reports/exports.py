"""XLSX (openpyxl) and DOCX (python-docx) exports of the dashboard, its lists and the periodic
report "Báo cáo kết quả tiếp xúc, đối thoại". Everything here only formats what the selectors
computed; no statistics are worked out in this module."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from common.dates import vietnamese_date_line, vn_date
from common.http import docx_response as _docx_bytes_response
from common.http import xlsx_response
from common.text import xml_text
from common.xlsx import Percent, XlsxWorkbook, add_sheet, new_workbook, workbook_bytes
from petitions.identity import petitioner_of
from petitions.models import Assessment, Petition, PetitionStatus
from sessions.models import SessionKind

from . import selectors
from .cache import cached_dashboard_data
from .heads_exports import HEADS_ROWS, heads_report_data, heads_report_docx, heads_report_sheets
from .periods import Period


def workbook_response(wb: XlsxWorkbook, filename: str) -> HttpResponse:
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


PREDECESSORS_NOTE = gettext_noop("tính cả đơn vị tiền thân")


def _unit_name(row) -> str:
    """The unit of a row of the table by unit; a predecessor's unit says so."""
    if row.get("predecessor"):
        return f"{row['unit'].name} ({_('đơn vị tiền thân')})"
    return row["unit"].name


def unit_table_sheet(wb, table, caption=""):
    header = [_("Đơn vị")] + [str(selectors.FIGURES[k].label) for k in UNIT_HEADER_KEYS] + [_("Tỷ lệ đúng hạn")]
    rows = [[_unit_name(row)] + [row[k] for k in UNIT_HEADER_KEYS] + [_rate(row["on_time_rate"])] for row in table]
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


def dashboard_workbook(
    *, unit, period: Period, figures, units, fields, trend, title: str = "", predecessors: bool = False
) -> XlsxWorkbook:
    wb = new_workbook()
    caption = f"{unit.name} – {period.label}"
    if predecessors:
        caption += f" – {_(PREDECESSORS_NOTE)}"
    first_caption = f"{title} – {caption}" if title else caption
    add_sheet(wb, _("Số liệu chính"), [_("Chỉ tiêu"), _("Số lượng")], figure_rows(figures), first_caption)
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
    kinds = {value: str(label) for value, label in SessionKind.choices}
    # Plain values rather than model instances: a province's lists have thousands of rows.
    values = sessions.values_list(
        "held_on",
        "organising_unit__name",
        "kind",
        "topic",
        "chair__full_name",
        "chair__position",
        "chair_name",
        "notice_due_on",
        "notice_issued_on",
    )
    rows = [
        # As ``DialogueSession.chair_display``: the head in office (name – position), else the name typed.
        [held_on, unit, kinds.get(kind, kind), topic, f"{chair} – {position}" if chair else chair_name, due, issued]
        for held_on, unit, kind, topic, chair, position, chair_name, due, issued in values
    ]
    return header, rows


PETITION_HEADER = [
    gettext_noop("Mã"),
    gettext_noop("Ngày hội nghị"),
    gettext_noop("Cơ quan tổ chức"),
    gettext_noop("Người kiến nghị"),
    gettext_noop("Nội dung"),
    gettext_noop("Lĩnh vực"),
    gettext_noop("Đơn vị chịu trách nhiệm"),
    gettext_noop("Trạng thái"),
    gettext_noop("Hạn trả lời"),
    gettext_noop("Ngày xử lý"),
    gettext_noop("Đánh giá của MTTQ"),
]
PETITION_VALUES = (
    "pk",
    "session__held_on",
    "session__organising_unit__name",
    "petitioner_name",
    "content",
    "field__name",
    "assigned_unit__name",
    "status",
    "reply_due_on",
    "responded_on",
    "assessment",
)


def petition_rows(petitions, viewer=None) -> tuple[list[str], list[list]]:
    """The rows of a petition list: a queryset is read as plain values (a province's lists have
    tens of thousands of rows), a list of petitions as they are. A protected petitioner is named
    only for a ``viewer`` who may see them (``petitions.identity.petitioner_of``; no viewer:
    never), and the content is then the one that reader may see."""
    header = [_(label) for label in PETITION_HEADER]
    statuses = {value: str(label) for value, label in PetitionStatus.choices}
    assessments = {value: str(label) for value, label in Assessment.choices}
    if isinstance(petitions, QuerySet):
        values = list(petitions.values_list(*PETITION_VALUES, "identity_protected"))
        protected = [row[0] for row in values if row[-1]]
        shown = {
            p.pk: petitioner_of(p, viewer)
            for p in Petition.objects.filter(pk__in=protected).select_related("session__organising_unit")
        }
        values = (
            (*row[:3], shown[row[0]].name, shown[row[0]].content, *row[5:-1]) if row[-1] else row[:-1] for row in values
        )
    else:
        values = (
            (
                p.pk,
                p.session.held_on,
                p.session.organising_unit.name,
                petitioner_of(p, viewer).name,
                petitioner_of(p, viewer).content,
                p.field.name if p.field_id else "",
                p.assigned_unit.name if p.assigned_unit_id else "",
                p.status,
                p.reply_due_on,
                p.responded_on,
                p.assessment,
            )
            for p in petitions
        )
    rows = [
        [
            *row[:5],
            row[5] or "",
            row[6] or "",
            statuses.get(row[7], row[7]),
            row[8],
            row[9],
            assessments.get(row[10], ""),
        ]
        for row in values
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
    assessments = {value: str(label) for value, label in Assessment.choices}
    values = replies.values_list("petition_id", "unit__name", "number", "replied_on", "summary", "petition__assessment")
    rows = [
        [f"#{petition_id}", unit, number, replied_on, summary, assessments.get(assessment, "")]
        for petition_id, unit, number, replied_on, summary, assessment in values
    ]
    return header, rows


ROWS_FOR_MODEL = {
    selectors.SESSION: session_rows,
    selectors.PETITION: petition_rows,
    selectors.UNIT: unit_rows,
    **HEADS_ROWS,
}


def list_workbook(title: str, header, rows, caption: str = "") -> XlsxWorkbook:
    wb = new_workbook()
    add_sheet(wb, title, header, rows, caption)
    return wb


# ---------------------------------------------------------------------------------------------
# The periodic report (báo cáo kết quả tiếp xúc, đối thoại)
# ---------------------------------------------------------------------------------------------


def periodic_report_data(user, unit, period: Period, today=None, *, predecessors: bool = False) -> dict:
    """Everything the period's figures (Word, Excel) state; with ``predecessors`` (the
    dashboard's predecessors' view) counting the unit's predecessors too, and saying so."""
    today = today or timezone.localdate()
    predecessors = predecessors and selectors.predecessors_for(user, unit) is not None
    dashboard = cached_dashboard_data(user, unit, period, today, predecessors=predecessors)
    return {
        "viewer": user,
        "unit": unit,
        "period": period,
        "predecessors": predecessors,
        "today": today,
        "figures": dashboard.figures,
        "units": dashboard.units,
        "fields": dashboard.fields,
        "trend": dashboard.trend,
        "r1_missing": list(
            selectors.figure_queryset(
                user, "r1_missing", unit, period, today=today, predecessors=predecessors
            ).order_by("path")
        ),
        "overdue": selectors.overdue_by_unit(user, unit, period, today, predecessors=predecessors),
        **heads_report_data(user, unit, period, today, predecessors=predecessors),
    }


REPORT_TITLE = gettext_noop("Báo cáo kết quả tiếp xúc, đối thoại")


def _period_label(data: dict) -> str:
    label = str(data["period"].label)
    return f"{label} ({_(PREDECESSORS_NOTE)})" if data.get("predecessors") else label


def periodic_report_xlsx(data: dict) -> XlsxWorkbook:
    unit, period = data["unit"], data["period"]
    caption = f"{_(REPORT_TITLE)} – {unit.name} – {_period_label(data)}"
    wb = dashboard_workbook(
        unit=unit,
        period=period,
        figures=data["figures"],
        units=data["units"],
        fields=data["fields"],
        trend=data["trend"],
        title=_(REPORT_TITLE),
        predecessors=data.get("predecessors", False),
    )
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
    from docx.table import _Cell

    unit, figures = data["unit"], data["figures"]
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
    sub.add_run(_period_label(data)).italic = True

    def table(header, rows):
        t = doc.add_table(rows=1, cols=len(header))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header):
            cell.text = xml_text(text)
            for p in cell.paragraphs:
                for r in p.runs:
                    r.bold = True
        for row in rows:
            # The new row's cells from its own XML: ``_Row.cells`` walks the whole table's grid
            # on every call, which made a table of a few hundred rows take seconds.
            tr = t.add_row()._tr
            for tc, value in zip(tr.tc_lst, row):
                if isinstance(value, Percent):
                    value = "" if value.value is None else f"{value.value:.1f}%".replace(".", ",")
                _Cell(tc, t).text = "" if value is None else xml_text(value)
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
            [_unit_name(row), row["sessions_held"]] + [row[k] for k in keys] + [_rate(row["on_time_rate"])]
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
