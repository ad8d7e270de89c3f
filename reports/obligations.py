"""The reporting calendar's obligation, as the deadline engine chases it: every unit that owes
its periodic report (``ReportDue``) is reminded before the due day and escalated after it, under
the same unique keys as the other obligations. Before the stages, the job opens the rounds that
have begun (``reports.services.rounds_open``), so a round is chased from its first day.
Registered when the app is ready (``ReportsConfig.ready``)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import vn_date
from notifications.engine import RECIPIENT_REASONS, Directory, Draft, Obligation, Stage, register
from notifications.models import ObligationKind
from units.models import Role, Unit

from .models import ReportDue
from .periods import Cutoff, Period
from .report_selectors import issued_report_exists
from .services import rounds_open

# Why a person hears about a report due (shown in the notification).
RECIPIENT_REASONS.update(
    {
        "report_staff": gettext_lazy("cán bộ văn phòng của đơn vị phải gửi báo cáo"),
        "report_head": gettext_lazy("người đứng đầu đơn vị phải gửi báo cáo"),
        "report_upper": gettext_lazy("Ban Dân vận, văn phòng cấp ủy nơi nhận báo cáo (để theo dõi, tổng hợp)"),
    }
)


def reports_owed(today: dt.date) -> QuerySet[ReportDue]:
    """Units of an active calendar whose report for the round has not been issued (a due merged
    into a successor's by a reorganisation is covered by that one)."""
    return ReportDue.objects.filter(round__calendar__is_active=True, merged_into__isnull=True).filter(
        ~issued_report_exists()
    )


FIELDS = [
    "pk",
    "due_on",
    "unit_id",
    "unit__name",
    "unit__parent_id",
    "unit__parent__parent_id",
    "round__period_kind",
    "round__year",
    "round__month",
    "round__cutoff_day",
    "round__cutoff_month",
]


def _period(row: dict) -> Period:
    cutoff = Cutoff(day=row["round__cutoff_day"], month=row["round__cutoff_month"])
    return Period(kind=row["round__period_kind"], year=row["round__year"], month=row["round__month"], cutoff=cutoff)


def _draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["due_on"]
    period = _period(row)
    values = {"unit": row["unit__name"], "period": period.name, "due": vn_date(due)}
    if stage.is_overdue:
        title = _("Quá hạn gửi báo cáo %(period)s: %(unit)s") % values
        lead = _("Đã quá hạn %(days)s ngày mà chưa ban hành báo cáo.") % {"days": (today - due).days}
    else:
        left = (due - today).days
        values["left"] = _("hôm nay là hạn cuối") if left <= 0 else _("còn %(days)s ngày") % {"days": left}
        title = _("Nhắc hạn gửi báo cáo %(period)s (%(left)s): %(unit)s") % values
        lead = _("Đề nghị hoàn thành, ban hành và gửi báo cáo trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Theo lịch báo cáo, %(unit)s báo cáo kết quả tiếp xúc, đối thoại và kết quả giải quyết ý kiến, kiến nghị"
            " %(period)s với Ban Thường vụ cấp ủy cùng cấp và cấp trên, đồng gửi Ban Dân vận và Mặt trận Tổ quốc"
            " cùng cấp; hạn gửi là ngày %(due)s."
        )
        % values
        + " "
        + lead
    )
    query = urlencode({"unit": row["unit_id"], **period.as_params()})
    return Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=f"{reverse('reports:report_create')}?{query}",
    )


def _recipients(rows: list[dict], stage: Stage, today: dt.date) -> dict[int, list[tuple[int, str]]]:
    """Reminders: the unit's staff. Overdue: also its heads, and the Mass Mobilisation Board of
    the locality above, which compiles the reports (a province's own units: its own Board)."""
    units: dict[int, int | None] = {}
    for r in rows:
        units[r["unit_id"]] = r["unit__parent_id"]
        if r["unit__parent_id"]:
            units[r["unit__parent_id"]] = r["unit__parent__parent_id"]
    boards: dict[int, list[int]] = {}
    if stage.is_overdue:
        uppers = {_upper(r) for r in rows} - {None}
        for pk, parent_id in Unit.objects.filter(
            parent_id__in=uppers, kind__receives_mass_mobilisation_reports=True
        ).values_list("pk", "parent_id"):
            boards.setdefault(parent_id, []).append(pk)
            units[pk] = parent_id
    roles = {Role.STAFF} if not stage.is_overdue else {Role.STAFF, Role.LEADER, Role.BOARD, "head"}
    directory = Directory(units, roles, today)
    who = {}
    for r in rows:
        unit = r["unit_id"]
        users = [(u, "report_staff") for u in directory.members(unit, Role.STAFF)]
        if stage.is_overdue:
            users += [(u, "report_head") for u in directory.heads_of(unit)]
            upper = _upper(r)
            compilers = list(directory.by_unit[(upper, Role.BOARD)]) if upper else []
            for board in boards.get(upper, []):
                compilers += directory.members(board, Role.BOARD)
            users += [(u, "report_upper") for u in compilers]
        who[r["pk"]] = users
    return who


def _upper(row: dict) -> int | None:
    """The locality whose Board compiles the unit's report: the level above, or the unit's own
    level for a unit at the top."""
    return row["unit__parent__parent_id"] or row["unit__parent_id"]


REPORT = register(
    Obligation(
        kind=ObligationKind.REPORT,
        label=gettext_lazy("Gửi báo cáo định kỳ"),
        candidates=reports_owed,
        due_field="due_on",
        key_field="pk",
        fields=FIELDS,
        reminder_days=lambda: settings.REPORT_REMINDER_DAYS,
        regulation_field="regulation_id",
        regulation_reminder_days=lambda rules: rules.report_reminder_days,
        draft=_draft,
        recipients=_recipients,
        prepare=rounds_open,
    )
)
