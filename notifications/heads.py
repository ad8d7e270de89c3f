"""The obligations of the heads' annual cycle, as the deadline engine chases them: the annual
dialogue plan (due by a set day, default 31 January) and the target dates of the chair's
conclusions and commitments; and the notice of a Front assessment of an item as unsatisfied.
The mechanics are in ``notifications.engine``.

The plan is owed by every unit whose head is bound by the rule until its plan of the year is
issued, whether or not a draft exists: its key is the unit and the year (``year × 10¹⁰ + unit
id``), so next year's reminders are new notifications and this year's are never sent twice.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import BigIntegerField, Case, DateField, Exists, F, IntegerField, OuterRef, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.dates import vn_date
from regulations.selectors import plan_due_dates_by_subtree, plan_due_dates_of
from regulations.years import dialogue_year_of, dialogue_year_start, plan_due_date
from sessions.models import ConclusionItem, ConclusionItemAssessment, DialoguePlan, ItemAssessmentResult, PlanStatus
from units.models import Role, Unit
from units.selectors import active_during_q, bound_unit_q

from .engine import Directory, Draft, Obligation, Stage, register, unit_parents
from .models import EmailStatus, Notification, ObligationKind

PLAN_KEY_FACTOR = 10**10


def _left_phrase(due: dt.date, today: dt.date) -> str:
    left = (due - today).days
    if left <= 0:
        return _("hôm nay là hạn cuối")
    return _("còn %(days)s ngày") % {"days": left}


# ---------------------------------------------------------------------------------------------
# The annual dialogue plan
# ---------------------------------------------------------------------------------------------


def plans_pending(today: dt.date) -> QuerySet[Unit]:
    """Bound units active today without an issued plan for the current dialogue year, with the
    plan's due date and key."""
    year = dialogue_year_of(today)
    issued = DialoguePlan.objects.filter(unit=OuterRef("pk"), year=year, status=PlanStatus.ISSUED)
    pending = Unit.objects.filter(bound_unit_q(), active_during_q(today, today)).filter(~Exists(issued))
    # Units that began during the year have their own due date, counted from their first day.
    begun = pending.filter(active_from__gt=dialogue_year_start(year)).only("pk", "path", "active_from")
    own = plan_due_dates_of(begun, year)
    return pending.annotate(
        plan_year=Value(year, output_field=IntegerField()),
        plan_due_on=Case(
            *[When(pk=pk, then=Value(due)) for pk, due in own.items()],
            *[When(path__startswith=path, then=Value(due)) for path, due in plan_due_dates_by_subtree(year)],
            default=Value(plan_due_date(year)),
            output_field=DateField(),
        ),
        plan_key=F("pk") + Value(year * PLAN_KEY_FACTOR, output_field=BigIntegerField()),
    )


def _plan_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["plan_due_on"]
    values = {"unit": row["name"], "year": row["plan_year"], "due": vn_date(due)}
    if stage.is_overdue:
        title = _("Quá hạn ban hành kế hoạch tiếp xúc, đối thoại năm %(year)s: %(unit)s") % values
        lead = _("Đã quá hạn %(days)s ngày.") % {"days": (today - due).days}
    else:
        title = _("Nhắc hạn ban hành kế hoạch tiếp xúc, đối thoại năm %(year)s (%(left)s): %(unit)s") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị ban hành kế hoạch trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "%(unit)s chưa ban hành kế hoạch tiếp xúc, đối thoại trực tiếp năm %(year)s. Theo Quy định 07-QC/TU, "
            "định kỳ hằng năm cấp ủy, chính quyền xây dựng kế hoạch, dự kiến nội dung và tổ chức tiếp xúc, đối thoại "
            "ít nhất một lần trong năm; hạn ban hành kế hoạch là ngày %(due)s."
        )
        % values
        + " "
        + lead
    )
    return Draft(
        object_id=row["plan_key"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=reverse("plans:list") + f"?year={row['plan_year']}&unit={row['pk']}",
    )


def _plan_recipients(rows: list[dict], stage: Stage, today: dt.date) -> dict[int, list[tuple[int, str]]]:
    units = unit_parents(r["pk"] for r in rows)
    roles = {Role.STAFF} if not stage.is_overdue else {Role.STAFF, Role.LEADER, Role.BOARD, "head"}
    directory = Directory(units, roles, today)
    who = {}
    for r in rows:
        unit = r["pk"]
        users = []
        if stage.is_overdue:
            users += [(u, "plan_head") for u in directory.heads_of(unit)]
            users += [(u, "board") for u in directory.members(unit, Role.BOARD)]
        users += [(u, "plan_staff") for u in directory.members(unit, Role.STAFF)]
        who[r["plan_key"]] = users
    return who


PLAN = register(
    Obligation(
        kind=ObligationKind.PLAN,
        label=gettext_lazy("Kế hoạch tiếp xúc, đối thoại hằng năm"),
        candidates=plans_pending,
        due_field="plan_due_on",
        key_field="plan_key",
        fields=["pk", "name", "plan_year", "plan_due_on", "plan_key"],
        reminder_days=lambda: settings.PLAN_REMINDER_DAYS,
        draft=_plan_draft,
        recipients=_plan_recipients,
    )
)


# ---------------------------------------------------------------------------------------------
# The target date of a conclusion item or commitment
# ---------------------------------------------------------------------------------------------


def items_pending(today: dt.date) -> QuerySet[ConclusionItem]:
    """Live items with a target date, not yet done, of sessions not withdrawn."""
    return ConclusionItem.objects.filter(
        withdrawn_at__isnull=True, done_on__isnull=True, target_on__isnull=False, session__withdrawn_at__isnull=True
    )


def _item_draft(row: dict, stage: Stage, today: dt.date) -> Draft:
    due = row["target_on"]
    text = row["text"] if len(row["text"]) <= 160 else row["text"][:157] + "..."
    values = {
        "kind": ConclusionItem(kind=row["kind"]).get_kind_display().lower(),
        "text": text,
        "unit": row["responsible_unit__name"],
        "topic": row["session__topic"],
        "held": vn_date(row["session__held_on"]),
        "due": vn_date(due),
    }
    if stage.is_overdue:
        title = _("Quá hạn thực hiện %(kind)s của người chủ trì (%(unit)s)") % values
        lead = _("Đã quá hạn %(days)s ngày mà chưa báo cáo hoàn thành.") % {"days": (today - due).days}
    else:
        title = _("Nhắc hạn thực hiện %(kind)s của người chủ trì (%(left)s)") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị hoàn thành và báo cáo kết quả trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Tại hội nghị “%(topic)s” ngày %(held)s, người chủ trì %(kind)s: “%(text)s”. "
            "Đơn vị thực hiện: %(unit)s; thời hạn: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=reverse("commitments:detail", args=[row["pk"]]),
        session_id=row["session_id"],
    )


def _item_recipients(rows: list[dict], stage: Stage, today: dt.date) -> dict[int, list[tuple[int, str]]]:
    units = unit_parents([r["responsible_unit_id"] for r in rows] + [r["session__organising_unit_id"] for r in rows])
    roles = (
        {Role.AGENCY, Role.STAFF}
        if not stage.is_overdue
        else {Role.AGENCY, Role.STAFF, Role.LEADER, Role.FRONT, "head"}
    )
    directory = Directory(units, roles, today)
    who = {}
    for r in rows:
        responsible, organiser = r["responsible_unit_id"], r["session__organising_unit_id"]
        users = []
        if stage.is_overdue:
            users += [(u, "head_item") for u in directory.heads_of(responsible)]
            chair = [r["session__chair__user_id"]] if r["session__chair__user_id"] else directory.heads_of(organiser)
            users += [(u, "chair") for u in chair]
        users += [(u, "agency") for u in directory.members(responsible, Role.AGENCY)]
        users += [(u, "staff_responsible") for u in directory.members(responsible, Role.STAFF)]
        if stage.is_overdue:
            users += [(u, "front") for u in directory.members(organiser, Role.FRONT)]
        who[r["pk"]] = users
    return who


COMMITMENT = register(
    Obligation(
        kind=ObligationKind.COMMITMENT,
        label=gettext_lazy("Thực hiện kết luận, cam kết"),
        candidates=items_pending,
        due_field="target_on",
        key_field="pk",
        fields=[
            "pk",
            "kind",
            "text",
            "target_on",
            "responsible_unit_id",
            "responsible_unit__name",
            "session_id",
            "session__topic",
            "session__held_on",
            "session__organising_unit_id",
            "session__chair__user_id",
        ],
        reminder_days=lambda: settings.COMMITMENT_REMINDER_DAYS,
        draft=_item_draft,
        recipients=_item_recipients,
    )
)


# ---------------------------------------------------------------------------------------------
# A Front assessment of an item as unsatisfied: the responsible unit hears of it
# ---------------------------------------------------------------------------------------------

STAGE_UNSATISFIED = "unsatisfied"


def item_assessments_dispatch(*, since: dt.datetime) -> int:
    """Notify the responsible unit (officers, staff, heads) of each "unsatisfied" assessment
    recorded since ``since`` and not yet notified; one notification per (assessment,
    recipient) under the unique key, so a second run inserts nothing."""
    notified = Notification.objects.filter(obligation=ObligationKind.ITEM_ASSESSMENT, object_id=OuterRef("pk"))
    pending = list(
        ConclusionItemAssessment.objects.filter(result=ItemAssessmentResult.UNSATISFIED, created_at__gte=since)
        .filter(~Exists(notified))
        .select_related("item", "item__session", "item__responsible_unit", "unit")
        .order_by("id")
    )
    if not pending:
        return 0
    today = timezone.localdate()
    directory = Directory(
        unit_parents(a.item.responsible_unit_id for a in pending), {Role.AGENCY, Role.STAFF, "head"}, today
    )
    who = {
        a.pk: set(
            directory.members(a.item.responsible_unit_id, Role.AGENCY)
            + directory.members(a.item.responsible_unit_id, Role.STAFF)
            + directory.heads_of(a.item.responsible_unit_id)
        )
        for a in pending
    }
    emails = dict(
        get_user_model()
        .objects.filter(pk__in={u for users in who.values() for u in users}, is_active=True)
        .values_list("pk", "email")
    )
    rows = []
    for a in pending:
        title = _("Việc thực hiện %(kind)s bị MTTQ đánh giá không hài lòng") % {
            "kind": a.item.get_kind_display().lower()
        }
        body = _("%(org)s đánh giá không hài lòng việc thực hiện “%(text)s” (%(unit)s). Lý do: %(reason)s") % {
            "org": a.unit or "",
            "text": a.item.text[:200],
            "unit": a.item.responsible_unit,
            "reason": a.reason,
        }
        for user_id in sorted(who[a.pk]):
            if user_id in emails:
                rows.append(
                    Notification(
                        recipient_id=user_id,
                        obligation=ObligationKind.ITEM_ASSESSMENT,
                        object_id=a.pk,
                        stage=STAGE_UNSATISFIED,
                        session_id=a.item.session_id,
                        title=title[:300],
                        body=body,
                        url=reverse("commitments:detail", args=[a.item_id]),
                        email_status=EmailStatus.PENDING if emails[user_id] else EmailStatus.NONE,
                    )
                )
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
