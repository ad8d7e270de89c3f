"""Deadline enforcement (R2–R5): the service behind the daily Celery beat jobs and the twin
``enforce_deadlines`` command.

How it stays correct when run late, twice, or on two workers at once:

* **Stages, not days.** For every open obligation the job works out its *current stage* from
  the due date and today: ``remind_N`` while ``N`` days or fewer are left (the stages are the
  settings ``NOTICE_REMINDER_DAYS`` / ``REPLY_REMINDER_DAYS``), ``overdue`` once the due date
  has passed. A run after days of downtime therefore finds every obligation whose current stage
  was reached and not yet notified and makes it good; a reminder overtaken by a more urgent
  stage is not sent late (a "3 days left" mail on the last day would be wrong).
* **Record first.** Each notification is one row under the unique key
  (obligation, object, stage, recipient), inserted with ``bulk_create(ignore_conflicts=True)``
  before any mail goes out; mail is sent afterwards from the recorded rows
  (``petitions.notifications``). A second run or a second worker inserts nothing new.
* **Set-based.** One query per stage finds the obligations that reached it and have no
  notification for it yet; the recipients of the whole batch come from two more queries.
  Python only touches the rows that are about to be inserted.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sessions.models import DialogueSession, Leader, Membership, Role
from sessions.selectors import AREA_ROLES

from .models import (
    ComplexCaseNotice,
    EmailStatus,
    EventKind,
    Notification,
    ObligationKind,
    Petition,
    PetitionEvent,
    PetitionStatus,
)

logger = logging.getLogger(__name__)

OVERDUE = "overdue"

# Why a user receives a notification; shown in its text.
RECIPIENT_REASONS = {
    "staff": gettext_lazy("cán bộ văn phòng của cơ quan tổ chức hội nghị"),
    "agency": gettext_lazy("cán bộ của đơn vị chịu trách nhiệm giải quyết"),
    "chair": gettext_lazy("người chủ trì hội nghị"),
    "head": gettext_lazy("người đứng đầu cơ quan tổ chức hội nghị"),
    "head_responsible": gettext_lazy("người đứng đầu đơn vị chịu trách nhiệm giải quyết"),
    "board": gettext_lazy("Ban Dân vận cùng cấp (để theo dõi, tổng hợp)"),
    "front": gettext_lazy("Mặt trận Tổ quốc, tổ chức chính trị - xã hội tại địa bàn (đồng gửi để giám sát)"),
}


# ---------------------------------------------------------------------------------------------
# Stages
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stage:
    """A stage of an obligation: due dates in ``[today + min_left, today + max_left]`` are in it
    (``max_left=None``: unbounded; overdue has ``max_left=-1``)."""

    name: str
    min_left: int | None
    max_left: int | None

    @property
    def is_overdue(self) -> bool:
        return self.name == OVERDUE

    def due_q(self, due_field: str, today: dt.date) -> Q:
        q = Q(**{f"{due_field}__isnull": False})
        if self.min_left is not None:
            q &= Q(**{f"{due_field}__gte": today + dt.timedelta(days=self.min_left)})
        if self.max_left is not None:
            q &= Q(**{f"{due_field}__lte": today + dt.timedelta(days=self.max_left)})
        return q


def stages_for(reminder_days: Iterable[int]) -> list[Stage]:
    """``[3, 1]`` → remind_3 (3 or 2 days left), remind_1 (1 day left or the due date itself),
    overdue. Each stage covers the days until the next, more urgent one is reached."""
    days = sorted({int(d) for d in reminder_days if int(d) >= 0}, reverse=True)
    stages = []
    for i, n in enumerate(days):
        more_urgent = days[i + 1] if i + 1 < len(days) else None
        stages.append(Stage(f"remind_{n}", 0 if more_urgent is None else more_urgent + 1, n))
    stages.append(Stage(OVERDUE, None, -1))
    return stages


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


@dataclass
class EnforcementReport:
    today: dt.date
    created: dict[tuple[str, str], int] = field(default_factory=dict)
    obligations: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def merge(self, other: EnforcementReport) -> EnforcementReport:
        self.created.update(other.created)
        self.obligations.update(other.obligations)
        return self

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "created": {f"{o}:{s}": n for (o, s), n in self.created.items()},
            "obligations": {f"{o}:{s}": n for (o, s), n in self.obligations.items()},
            "total_created": self.total_created,
        }


# ---------------------------------------------------------------------------------------------
# Recipients
# ---------------------------------------------------------------------------------------------


class _Directory:
    """Who holds which role for a set of units, loaded in two queries for a whole batch.

    A membership answers for unit ``U`` when it is held on ``U`` itself, when ``U`` is the
    user's organisation, or, for area roles (staff, leader, Front, board), when it is held on
    ``U``'s parent: a province office whose scope is the province node serves the province's
    People's Committee and party committee, not every commune below."""

    def __init__(self, units: dict[int, int | None], roles: set[str], today: dt.date):
        self.parents = units
        self.by_unit: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.by_org: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.heads: dict[int, list[int]] = defaultdict(list)
        ids = set(units) | {p for p in units.values() if p}
        member_roles = roles - {"head"}
        if member_roles and units:
            rows = Membership.objects.filter(
                Q(unit_id__in=ids) | Q(organisation_id__in=list(units)), is_active=True, role__in=member_roles
            ).values_list("user_id", "role", "unit_id", "organisation_id")
            for user_id, role, unit_id, org_id in rows:
                self.by_unit[(unit_id, role)].append(user_id)
                if org_id:
                    self.by_org[(org_id, role)].append(user_id)
        if "head" in roles and units:
            leaders = Leader.objects.filter(
                Q(term_end__isnull=True) | Q(term_end__gte=today),
                unit_id__in=list(units),
                user__isnull=False,
                term_start__lte=today,
            ).values_list("unit_id", "user_id")
            for unit_id, user_id in leaders:
                self.heads[unit_id].append(user_id)

    def members(self, unit_id: int | None, role: str) -> list[int]:
        if unit_id is None:
            return []
        users = self.by_unit[(unit_id, role)] + self.by_org[(unit_id, role)]
        parent = self.parents.get(unit_id)
        if parent and role in AREA_ROLES:
            users += self.by_unit[(parent, role)]
        return users

    def heads_of(self, unit_id: int | None) -> list[int]:
        if unit_id is None:
            return []
        return self.heads[unit_id] + self.members(unit_id, Role.LEADER)


def _unit_parents(unit_ids: Iterable[int | None]) -> dict[int, int | None]:
    from sessions.models import Unit

    ids = {u for u in unit_ids if u}
    return dict(Unit.objects.filter(pk__in=ids).values_list("pk", "parent_id")) if ids else {}


def _active_emails(user_ids: Iterable[int]) -> dict[int, str]:
    """Active users among ``user_ids`` with their e-mail address ('' if none)."""
    ids = set(user_ids)
    if not ids:
        return {}
    return dict(get_user_model().objects.filter(pk__in=ids, is_active=True).values_list("pk", "email"))


# ---------------------------------------------------------------------------------------------
# The engine: one stage of one obligation
# ---------------------------------------------------------------------------------------------


@dataclass
class _Draft:
    object_id: int
    recipients: list[tuple[int, str]]  # (user id, reason key), in priority order
    due_on: dt.date
    title: str
    body: str
    url: str = ""
    session_id: int | None = None
    petition_id: int | None = None


def _serialise(obligation: str, stage: str) -> None:
    """On PostgreSQL, runs of the same stage queue behind each other (a transaction-level
    advisory lock), so a second beat or worker finds the first one's rows and does no work.
    Correctness does not depend on it: the unique key does that."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"deadline:{obligation}:{stage}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def _object_url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the screen is not installed: the mail links to the notification
        return ""


def _run_stage(
    *,
    obligation: str,
    stage: Stage,
    today: dt.date,
    candidates: QuerySet,
    due_field: str,
    key_field: str,
    fields: list[str],
    draft: Callable[[dict, Stage, dt.date], _Draft],
    recipients: Callable[[list[dict], Stage, dt.date], dict[int, list[tuple[int, str]]]],
    event_kind: Callable[[Stage], str] | None = None,
    report: EnforcementReport,
) -> None:
    """Record the notifications of one stage for every obligation that reached it."""
    already = Notification.objects.filter(obligation=obligation, stage=stage.name, object_id=OuterRef(key_field))
    with transaction.atomic():
        _serialise(obligation, stage.name)
        rows = list(
            candidates.filter(stage.due_q(due_field, today)).filter(~Exists(already)).values(*fields)
        )  # the one query of the stage
        report.obligations[(obligation, stage.name)] = len(rows)
        if not rows:
            report.created[(obligation, stage.name)] = 0
            return
        who = recipients(rows, stage, today)
        emails = _active_emails(u for users in who.values() for u, _reason in users)
        drafts = []
        for row in rows:
            d = draft(row, stage, today)
            seen = set()
            for user_id, reason in who.get(row[key_field], []):
                if user_id in emails and user_id not in seen:
                    seen.add(user_id)
                    d.recipients.append((user_id, reason))
            if d.recipients:
                drafts.append(d)
        existing = set(
            Notification.objects.filter(
                obligation=obligation, stage=stage.name, object_id__in=[d.object_id for d in drafts]
            ).values_list("object_id", "recipient_id")
        )
        new = [
            Notification(
                recipient_id=user_id,
                obligation=obligation,
                object_id=d.object_id,
                stage=stage.name,
                session_id=d.session_id,
                petition_id=d.petition_id,
                due_on=d.due_on,
                title=d.title[:300],
                body=d.body + "\n\n" + _("Anh/chị nhận thông báo này với tư cách: %(reason)s.")
                % {"reason": RECIPIENT_REASONS[reason]},
                url=d.url,
                email_status=EmailStatus.PENDING if emails[user_id] else EmailStatus.NONE,
            )
            for d in drafts
            for user_id, reason in d.recipients
            if (d.object_id, user_id) not in existing
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        if event_kind:
            notified = {d.petition_id: d for d in drafts if d.petition_id and any(
                (d.object_id, u) not in existing for u, _r in d.recipients)}
            PetitionEvent.objects.bulk_create(
                PetitionEvent(
                    petition_id=petition_id,
                    kind=event_kind(stage),
                    message=_("%(title)s – đã gửi thông báo tới %(count)s người.")
                    % {"title": d.title, "count": len(d.recipients)},
                    data={"obligation": obligation, "stage": stage.name, "recipients": [u for u, _r in d.recipients]},
                )
                for petition_id, d in notified.items()
            )
        report.created[(obligation, stage.name)] = len(new)
    logger.info("Deadline %s/%s on %s: %s obligations, %s notifications", obligation, stage.name, today, len(rows), len(new))


def _d(day: dt.date) -> str:
    return date_format(day, "d/m/Y")


def _left_phrase(due: dt.date, today: dt.date) -> str:
    left = (due - today).days
    if left <= 0:
        return _("hôm nay là hạn cuối")
    return _("còn %(days)s ngày") % {"days": left}


# ---------------------------------------------------------------------------------------------
# R2: conclusion notices
# ---------------------------------------------------------------------------------------------


def notices_pending(today: dt.date) -> QuerySet[DialogueSession]:
    """Sessions held whose conclusion notice has not been issued (withdrawn ones excluded)."""
    return DialogueSession.objects.filter(
        notice_issued_on__isnull=True, withdrawn_at__isnull=True, held_on__lte=today
    )


def _notice_draft(row: dict, stage: Stage, today: dt.date) -> _Draft:
    due = row["notice_due_on"]
    values = {"topic": row["topic"], "held": _d(row["held_on"]), "unit": row["organising_unit__name"], "due": _d(due)}
    if stage.is_overdue:
        title = _("Quá hạn gửi thông báo kết luận: %(topic)s") % values
        lead = _("Đã quá hạn %(days)s ngày.") % {"days": (today - due).days}
    else:
        title = _("Nhắc hạn gửi thông báo kết luận (%(left)s): %(topic)s") % {**values, "left": _left_phrase(due, today)}
        lead = _("Đề nghị ban hành và gửi thông báo kết luận trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Hội nghị đối thoại “%(topic)s” do %(unit)s tổ chức ngày %(held)s chưa có thông báo kết luận. "
            "Theo Quy định 07-QC/TU, hạn gửi thông báo kết luận là ngày %(due)s."
        )
        % values
        + " "
        + lead
    )
    return _Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=_object_url("sessions:detail", row["pk"]),
        session_id=row["pk"],
    )


def _notice_recipients(rows: list[dict], stage: Stage, today: dt.date) -> dict[int, list[tuple[int, str]]]:
    units = _unit_parents(r["organising_unit_id"] for r in rows)
    roles = {Role.STAFF} if not stage.is_overdue else {Role.STAFF, Role.LEADER, Role.BOARD, "head"}
    directory = _Directory(units, roles, today)
    who = {}
    for r in rows:
        unit = r["organising_unit_id"]
        if stage.is_overdue:
            users = [(u, "chair") for u in [r["chair__user_id"]] if u]
            users += [(u, "head") for u in directory.heads_of(unit)]
            users += [(u, "board") for u in directory.members(unit, Role.BOARD)]
            users += [(u, "staff") for u in directory.members(unit, Role.STAFF)]
        else:
            users = [(u, "staff") for u in directory.members(unit, Role.STAFF)]
        who[r["pk"]] = users
    return who


def notice_deadlines_enforce(*, today: dt.date | None = None) -> EnforcementReport:
    """R2: remind the organising unit's staff before the notice is due; once overdue, notify
    the chair, the head of the organising unit and the Mass Mobilisation Board at that level."""
    today = today or timezone.localdate()
    report = EnforcementReport(today=today)
    with translation.override(settings.LANGUAGE_CODE):
        for stage in stages_for(settings.NOTICE_REMINDER_DAYS):
            _run_stage(
                obligation=ObligationKind.NOTICE,
                stage=stage,
                today=today,
                candidates=notices_pending(today),
                due_field="notice_due_on",
                key_field="pk",
                fields=["pk", "topic", "held_on", "notice_due_on", "organising_unit_id", "organising_unit__name", "chair__user_id"],
                draft=_notice_draft,
                recipients=_notice_recipients,
                report=report,
            )
    return report


# ---------------------------------------------------------------------------------------------
# R3–R5: written replies, and the target date of a complex-case notice
# ---------------------------------------------------------------------------------------------


def replies_pending() -> QuerySet[Petition]:
    """Petitions assigned by a notice with no reply, forwarding or complex-case notice yet.
    Those clarified at the conference never get here (they are never assigned)."""
    return Petition.objects.filter(
        status=PetitionStatus.ASSIGNED,
        responded_on__isnull=True,
        assigned_unit__isnull=False,
        session__withdrawn_at__isnull=True,
    )


def complex_targets_pending() -> QuerySet[Petition]:
    """Petitions under a complex-case notice (R5) with no final reply yet, with the id of the
    latest notice: a new notice with a new target is a new obligation."""
    latest = ComplexCaseNotice.objects.filter(petition=OuterRef("pk")).order_by("-notified_on", "-id").values("id")[:1]
    return Petition.objects.filter(
        status=PetitionStatus.COMPLEX,
        final_replied_on__isnull=True,
        assigned_unit__isnull=False,
        session__withdrawn_at__isnull=True,
    ).annotate(complex_notice_id=Subquery(latest))


_PETITION_FIELDS = [
    "pk",
    "content",
    "petitioner_name",
    "assigned_on",
    "assigned_unit_id",
    "assigned_unit__name",
    "session_id",
    "session__topic",
    "session__held_on",
    "session__organising_unit_id",
    "session__chair__user_id",
]


def _petition_values(row: dict, due: dt.date) -> dict:
    content = row["content"] if len(row["content"]) <= 160 else row["content"][:157] + "..."
    return {
        "id": row["pk"],
        "petitioner": row["petitioner_name"],
        "content": content,
        "unit": row["assigned_unit__name"],
        "topic": row["session__topic"],
        "held": _d(row["session__held_on"]),
        "assigned": _d(row["assigned_on"]) if row["assigned_on"] else "—",
        "due": _d(due),
    }


def _reply_draft(row: dict, stage: Stage, today: dt.date) -> _Draft:
    due = row["reply_due_on"]
    values = _petition_values(row, due)
    if stage.is_overdue:
        title = _("Quá hạn trả lời kiến nghị #%(id)s (%(unit)s)") % values
        lead = _("Đã quá hạn %(days)s ngày mà chưa có văn bản trả lời, chuyển cấp có thẩm quyền hay thông báo vụ việc phức tạp.") % {
            "days": (today - due).days
        }
    else:
        title = _("Nhắc hạn trả lời kiến nghị #%(id)s (%(left)s)") % {**values, "left": _left_phrase(due, today)}
        lead = _("Đề nghị trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "Đơn vị chịu trách nhiệm: %(unit)s, giao theo thông báo kết luận ngày %(assigned)s; "
            "hạn trả lời bằng văn bản: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return _Draft(
        object_id=row["pk"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=_object_url("petitions:detail", row["pk"]),
        session_id=row["session_id"],
        petition_id=row["pk"],
    )


def _complex_draft(row: dict, stage: Stage, today: dt.date) -> _Draft:
    due = row["complex_target_on"]
    values = _petition_values(row, due)
    if stage.is_overdue:
        title = _("Quá hạn giải quyết vụ việc phức tạp, kiến nghị #%(id)s (%(unit)s)") % values
        lead = _("Đã quá thời hạn đơn vị tự đặt %(days)s ngày mà chưa có văn bản trả lời cuối cùng.") % {
            "days": (today - due).days
        }
    else:
        title = _("Nhắc hạn giải quyết vụ việc phức tạp, kiến nghị #%(id)s (%(left)s)") % {
            **values,
            "left": _left_phrase(due, today),
        }
        lead = _("Đề nghị trả lời bằng văn bản cho người kiến nghị trước hoặc trong ngày %(due)s.") % values
    body = (
        _(
            "Kiến nghị #%(id)s của %(petitioner)s tại hội nghị “%(topic)s” ngày %(held)s: “%(content)s”. "
            "%(unit)s đã thông báo vụ việc phức tạp, cần thêm thời gian; thời hạn giải quyết mới: %(due)s."
        )
        % values
        + " "
        + lead
    )
    return _Draft(
        object_id=row["complex_notice_id"],
        recipients=[],
        due_on=due,
        title=title,
        body=body,
        url=_object_url("petitions:detail", row["pk"]),
        session_id=row["session_id"],
        petition_id=row["pk"],
    )


def _petition_recipients(key_field: str):
    def resolve(rows: list[dict], stage: Stage, today: dt.date) -> dict[int, list[tuple[int, str]]]:
        units = _unit_parents([r["assigned_unit_id"] for r in rows] + [r["session__organising_unit_id"] for r in rows])
        roles = {Role.AGENCY} if not stage.is_overdue else {Role.AGENCY, Role.LEADER, Role.FRONT, "head"}
        directory = _Directory(units, roles, today)
        who = {}
        for r in rows:
            responsible, organiser = r["assigned_unit_id"], r["session__organising_unit_id"]
            if stage.is_overdue:
                users = [(u, "head_responsible") for u in directory.heads_of(responsible)]
                chair = [r["session__chair__user_id"]] if r["session__chair__user_id"] else directory.heads_of(organiser)
                users += [(u, "chair") for u in chair]
                users += [(u, "agency") for u in directory.members(responsible, Role.AGENCY)]
                users += [(u, "front") for u in directory.members(organiser, Role.FRONT)]
            else:
                users = [(u, "agency") for u in directory.members(responsible, Role.AGENCY)]
            who[r[key_field]] = users
        return who

    return resolve


def _petition_event_kind(stage: Stage) -> str:
    return EventKind.ESCALATED if stage.is_overdue else EventKind.REMINDED


def reply_deadlines_enforce(*, today: dt.date | None = None) -> EnforcementReport:
    """R3–R5: remind the responsible unit's agency officers before the reply is due; once
    overdue, escalate to the head of the responsible unit and the head who chaired the session,
    with a copy to the Front monitors of the area. The same for a complex-case target date."""
    today = today or timezone.localdate()
    report = EnforcementReport(today=today)
    with translation.override(settings.LANGUAGE_CODE):
        for stage in stages_for(settings.REPLY_REMINDER_DAYS):
            _run_stage(
                obligation=ObligationKind.REPLY,
                stage=stage,
                today=today,
                candidates=replies_pending(),
                due_field="reply_due_on",
                key_field="pk",
                fields=_PETITION_FIELDS + ["reply_due_on"],
                draft=_reply_draft,
                recipients=_petition_recipients("pk"),
                event_kind=_petition_event_kind,
                report=report,
            )
        for stage in stages_for(settings.REPLY_REMINDER_DAYS):
            _run_stage(
                obligation=ObligationKind.COMPLEX,
                stage=stage,
                today=today,
                candidates=complex_targets_pending(),
                due_field="complex_target_on",
                key_field="complex_notice_id",
                fields=_PETITION_FIELDS + ["complex_target_on", "complex_notice_id"],
                draft=_complex_draft,
                recipients=_petition_recipients("complex_notice_id"),
                event_kind=_petition_event_kind,
                report=report,
            )
    return report


def deadlines_enforce(*, today: dt.date | None = None) -> EnforcementReport:
    """Both daily jobs, in order: R2 notices, then R3–R5 replies."""
    today = today or timezone.localdate()
    return notice_deadlines_enforce(today=today).merge(reply_deadlines_enforce(today=today))
