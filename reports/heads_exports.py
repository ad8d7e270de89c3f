"""Exports of the heads' cycle: the rows of its drill-down lists (planned dialogues, heads,
conclusions and commitments, directions) and its part of the periodic report. Only formats what
``reports.selectors`` computed, with the same functions as the dashboard."""

from __future__ import annotations

from django.utils.translation import gettext as _

from common.dates import vn_date
from common.xlsx import add_sheet
from regulations.states import DeadlineState
from sessions.models import ItemAssessmentResult
from sessions.selectors import PlannedState

from . import selectors
from .periods import Period


def _state_label(value: str, labels) -> str:
    return str(dict(labels.choices).get(value, "")) if value else ""


def planned_rows(items, viewer=None) -> tuple[list[str], list[list]]:
    header = [
        _("Đơn vị"),
        _("Nội dung, chủ đề dự kiến"),
        _("Thời gian dự kiến"),
        _("Người chủ trì"),
        _("Thành phần mời"),
        _("Tình trạng"),
    ]
    rows = [
        [
            i.plan.unit.name,
            i.topic,
            i.expected_label,
            i.chair.full_name,
            ", ".join(i.invited_labels + ([i.invited_note] if i.invited_note else [])),
            _state_label(getattr(i, "state", ""), PlannedState),
        ]
        for i in items
    ]
    return header, rows


def head_rows(heads, viewer=None) -> tuple[list[str], list[list]]:
    header = [
        _("Họ và tên"),
        _("Chức vụ"),
        _("Đơn vị"),
        _("Bắt đầu nhiệm kỳ"),
        _("Kết thúc nhiệm kỳ"),
        _("Số cuộc chủ trì trong năm"),
        _("trong đó theo kế hoạch"),
        _("Đạt yêu cầu ít nhất một lần/năm"),
    ]
    rows = [
        [
            h.full_name,
            h.position,
            h.unit.name,
            h.term_start,
            h.term_end,
            getattr(h, "chaired", None),
            getattr(h, "chaired_planned", None),
            _("Đạt") if getattr(h, "chaired", 0) else _("Chưa đạt"),
        ]
        for h in heads
    ]
    return header, rows


def item_rows(items, viewer=None) -> tuple[list[str], list[list]]:
    header = [
        _("Loại"),
        _("Nội dung"),
        _("Đơn vị thực hiện"),
        _("Hội nghị"),
        _("Ngày hội nghị"),
        _("Thời hạn"),
        _("Ngày hoàn thành"),
        _("Tình trạng"),
        _("Đánh giá của MTTQ"),
    ]
    rows = [
        [
            i.get_kind_display(),
            i.text,
            i.responsible_unit.name,
            i.session.topic,
            i.session.held_on,
            i.target_on,
            i.done_on,
            _state_label(getattr(i, "item_state", ""), DeadlineState)
            or (_("Đã hoàn thành") if i.done_on else _("Đang thực hiện")),
            _state_label(i.assessment, ItemAssessmentResult),
        ]
        for i in items
    ]
    return header, rows


def direction_rows(directions, viewer=None) -> tuple[list[str], list[list]]:
    header = [_("Ngày chỉ đạo"), _("Người đứng đầu"), _("Kiến nghị"), _("Đơn vị được chỉ đạo"), _("Nội dung chỉ đạo")]
    rows = [
        [
            d.given_on,
            f"{d.leader.full_name} – {d.leader.position}",
            f"#{d.petition_id}",
            d.unit.name if d.unit else "",
            d.text,
        ]
        for d in directions
    ]
    return header, rows


HEADS_ROWS = {
    selectors.PLANNED: planned_rows,
    selectors.HEAD: head_rows,
    selectors.ITEM: item_rows,
    selectors.DIRECTION: direction_rows,
}


# ---------------------------------------------------------------------------------------------
# The periodic report's part: plans, heads, commitments
# ---------------------------------------------------------------------------------------------

# Lists the report spells out, each the drill-down of its figure.
REPORT_LISTS = ("plans_missing", "heads_not_held", "items_overdue")


def heads_report_data(user, unit, period: Period, today, *, predecessors: bool = False) -> dict:
    def rows(key):
        qs = selectors.figure_queryset(user, key, unit, period, today=today, predecessors=predecessors)
        model = selectors.FIGURES[key].model
        return list(qs.order_by("path") if model == selectors.UNIT else selectors.LIST_ROWS[model](qs, today, period))

    return {f"list_{key}": rows(key) for key in REPORT_LISTS}


def plan_rate(figures: dict) -> float | None:
    """Share of the units bound by the rule that issued their annual plan (the Board's measure)."""
    required = figures.get("r1_required", 0)
    return round(100 * figures.get("plans_issued", 0) / required, 1) if required else None


def heads_report_sheets(wb, data: dict, caption: str) -> None:
    from .exports import unit_rows

    add_sheet(wb, _("Chưa có kế hoạch năm"), *unit_rows(data["list_plans_missing"]), caption=caption)
    add_sheet(wb, _("Người đứng đầu chưa đối thoại"), *head_rows(data["list_heads_not_held"]), caption=caption)
    add_sheet(wb, _("Cam kết quá hạn"), *item_rows(data["list_items_overdue"]), caption=caption)


def heads_report_docx(doc, data: dict, table) -> None:
    """Section VII of the report: the plans, the heads' dialogues, the chair's commitments."""
    figures = data["figures"]
    rate = plan_rate(figures)
    doc.add_heading(_("VII. Kế hoạch, người đứng đầu và thực hiện kết luận, cam kết"), level=2)
    doc.add_paragraph(
        _(
            "Số đơn vị phải xây dựng kế hoạch: %(required)s; đã ban hành kế hoạch: %(issued)s (%(rate)s), trong đó "
            "ban hành sau hạn: %(late)s; chưa ban hành: %(missing)s."
        )
        % {
            "required": figures["r1_required"],
            "issued": figures["plans_issued"],
            "rate": "—" if rate is None else f"{rate:.1f}%".replace(".", ","),
            "late": figures["plans_issued_late"],
            "missing": figures["plans_missing"],
        }
    )
    doc.add_paragraph(
        _(
            "Cuộc đối thoại dự kiến trong kế hoạch: %(items)s; đã tổ chức: %(held)s; quá thời gian dự kiến chưa tổ chức: "
            "%(missed)s; chưa đến thời gian: %(pending)s."
        )
        % {
            "items": figures["planned_items"],
            "held": figures["planned_held"],
            "missed": figures["planned_missed"],
            "pending": figures["planned_pending"],
        }
    )
    doc.add_paragraph(
        _(
            "Người đứng đầu thuộc diện phải đối thoại: %(bound)s; đã chủ trì đối thoại trong năm: %(held)s; chưa chủ trì: "
            "%(not_held)s. Ý kiến chỉ đạo của người đứng đầu về kiến nghị: %(directions)s."
        )
        % {
            "bound": figures["heads_bound"],
            "held": figures["heads_held"],
            "not_held": figures["heads_not_held"],
            "directions": figures["directions_given"],
        }
    )
    for h in data["list_heads_not_held"]:
        doc.add_paragraph(f"{h.full_name} – {h.position} ({h.unit.name})", style="List Bullet")
    doc.add_paragraph(
        _(
            "Kết luận, cam kết của người chủ trì: %(total)s; đã hoàn thành: %(done)s (sau thời hạn: %(late)s); đang thực "
            "hiện: %(open)s; quá hạn chưa hoàn thành: %(overdue)s; MTTQ đánh giá không hài lòng: %(unsatisfied)s."
        )
        % {
            "total": figures["items_total"],
            "done": figures["items_done"],
            "late": figures["items_done_late"],
            "open": figures["items_open"],
            "overdue": figures["items_overdue"],
            "unsatisfied": figures["items_unsatisfied"],
        }
    )
    if data["list_items_overdue"]:
        table(
            [_("Nội dung"), _("Đơn vị thực hiện"), _("Thời hạn")],
            [[i.text, i.responsible_unit.name, vn_date(i.target_on)] for i in data["list_items_overdue"]],
        )
