"""The deadline engine: the service behind the daily Celery beat job and the twin
``enforce_deadlines`` command. It knows no obligation in particular: each is registered with
its candidates, due date, recipients and wording (``notifications.obligations`` for the
session's notice and the petitions' replies; other layers register theirs).

How it stays correct when run late, twice, or on two workers at once:

* **Stages, not days.** For every open obligation the job works out its *current stage* from
  the due date and today: ``remind_N`` while ``N`` days or fewer are left (the reminder days of
  the regulation the obligation recorded, else the settings'), ``overdue`` once the due date has
  passed. A run after days of downtime
  therefore finds every obligation whose current stage was reached and not yet notified and
  makes it good; a reminder overtaken by a more urgent stage is not sent late (a "3 days left"
  mail on the last day would be wrong).
* **Record first.** Each notification is one row under the unique key
  (obligation, object, stage, recipient), inserted with ``bulk_create(ignore_conflicts=True)``
  before any mail goes out; mail is sent afterwards from the recorded rows
  (``notifications.outbox``). A second run or a second worker inserts nothing new.
* **Set-based.** One query per stage finds the obligations that reached it and have no
  notification for it yet; the recipients of the whole batch come from two more queries.
  Python only touches the rows that are about to be inserted. Obligations under regulations
  with the same reminder days share their stage queries (one group per distinct set of days).
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common.text import one_line
from petitions.models import EventKind, PetitionEvent
from regulations.rules import Rules
from regulations.selectors import all_rules
from units.access import AREA_ROLES
from units.models import Leader, Membership, Role, Unit
from units.selectors import leaders_in_office_q

from .models import Notification
from .preferences import deliveries_for, email_status_for, topic_of

logger = logging.getLogger(__name__)

OVERDUE = "overdue"

# Why a user receives a notification; shown in its text.
RECIPIENT_REASONS = {
    "staff": gettext_lazy("cán bộ văn phòng của cơ quan tổ chức hội nghị"),
    "agency": gettext_lazy("cán bộ của đơn vị chịu trách nhiệm giải quyết"),
    "chair": gettext_lazy("người chủ trì hội nghị"),
    "head": gettext_lazy("người đứng đầu cơ quan tổ chức hội nghị"),
    "head_responsible": gettext_lazy("người đứng đầu đơn vị chịu trách nhiệm giải quyết"),
    "coordinating": gettext_lazy("cán bộ của đơn vị phối hợp giải quyết"),
    "head_coordinating": gettext_lazy("người đứng đầu đơn vị phối hợp giải quyết"),
    "board": gettext_lazy("Ban Dân vận cùng cấp (để theo dõi, tổng hợp)"),
    "front": gettext_lazy("Mặt trận Tổ quốc, tổ chức chính trị - xã hội tại địa bàn (đồng gửi để giám sát)"),
    "plan_staff": gettext_lazy("cán bộ văn phòng của đơn vị phải xây dựng kế hoạch"),
    "plan_head": gettext_lazy("người đứng đầu đơn vị phải xây dựng kế hoạch"),
    "staff_responsible": gettext_lazy("cán bộ văn phòng của đơn vị thực hiện"),
    "head_item": gettext_lazy("người đứng đầu đơn vị thực hiện"),
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


class Directory:
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
                leaders_in_office_q(today), unit_id__in=list(units), user__isnull=False
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


def unit_parents(unit_ids: Iterable[int | None]) -> dict[int, int | None]:
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
class Draft:
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


def _run_stage(
    *,
    obligation: str,
    stage: Stage,
    today: dt.date,
    candidates: QuerySet,
    due_field: str,
    key_field: str,
    fields: list[str],
    draft: Callable[[dict, Stage, dt.date], Draft],
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
        key = (obligation, stage.name)
        report.obligations[key] = report.obligations.get(key, 0) + len(rows)
        report.created.setdefault(key, 0)
        if not rows:
            return
        who = recipients(rows, stage, today)
        emails = _active_emails(u for users in who.values() for u, _reason in users)
        topic = topic_of(obligation, stage.name)
        deliveries = deliveries_for(emails, topic) if topic else {}
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
                title=one_line(d.title, 300),
                body=d.body
                + "\n\n"
                + _("Anh/chị nhận thông báo này với tư cách: %(reason)s.") % {"reason": RECIPIENT_REASONS[reason]},
                url=d.url,
                email_status=email_status_for(emails[user_id], deliveries.get(user_id)),
            )
            for d in drafts
            for user_id, reason in d.recipients
            if (d.object_id, user_id) not in existing
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        if event_kind:
            notified = {
                d.petition_id: d
                for d in drafts
                if d.petition_id and any((d.object_id, u) not in existing for u, _r in d.recipients)
            }
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
        report.created[key] += len(new)
    logger.info(
        "Deadline %s/%s on %s: %s obligations, %s notifications", obligation, stage.name, today, len(rows), len(new)
    )


# ---------------------------------------------------------------------------------------------
# Obligations: registered by the layers that own them, run in registration order
# ---------------------------------------------------------------------------------------------

Recipients = Callable[[list[dict], Stage, dt.date], dict[int, list[tuple[int, str]]]]


@dataclass(frozen=True)
class Obligation:
    """An obligation the engine chases: which rows owe it (``candidates(today)``), their due
    date and key columns, the columns read for the wording, the reminder days, the recipients
    and the wording of each stage. ``on_timeline``: reminders and escalations are also written
    on the petition's timeline (the rows must carry ``petition_id`` in their drafts).
    ``prepare(today)``: an idempotent step run first (creates rows the stages then chase)."""

    kind: str
    label: str
    candidates: Callable[[dt.date], QuerySet]
    due_field: str
    key_field: str
    fields: list[str]
    reminder_days: Callable[[], Iterable[int]]
    draft: Callable[[dict, Stage, dt.date], Draft]
    recipients: Recipients
    on_timeline: bool = False
    # The column of the candidates recording the regulation each obligation started under, and
    # its reminder days under a regulation's rules: obligations are chased by the stages of their
    # own regulation (``reminder_days()``, the settings', for those that recorded none).
    regulation_field: str | None = None
    regulation_reminder_days: Callable[[Rules], Iterable[int]] | None = None
    # Run before the stages (e.g. the reporting calendar opening the rounds that have begun, so
    # that their rows exist to be chased); must be idempotent like the rest of the job.
    prepare: Callable[[dt.date], object] | None = None


OBLIGATIONS: dict[str, Obligation] = {}


def register(obligation: Obligation) -> Obligation:
    """Add ``obligation`` to those the daily job chases (once per kind)."""
    OBLIGATIONS[obligation.kind] = obligation
    return obligation


def _timeline_kind(stage: Stage) -> str:
    return EventKind.ESCALATED if stage.is_overdue else EventKind.REMINDED


def stage_groups(obligation: Obligation) -> list[tuple[tuple[int, ...], Q | None]]:
    """The reminder days of ``obligation`` and the rows each set applies to: the settings' days
    for rows that recorded no regulation (and regulations with the same days), then one group
    per other distinct set of days among the recorded regulations (a small table, one query)."""
    default = _normalised(obligation.reminder_days())
    if obligation.regulation_field is None or obligation.regulation_reminder_days is None:
        return [(default, None)]
    field = obligation.regulation_field
    by_days: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for regulation_id, rules in all_rules().items():
        if regulation_id is not None:
            by_days[_normalised(obligation.regulation_reminder_days(rules))].append(regulation_id)
    groups = [(default, Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": by_days.pop(default, [])}))]
    groups += [(days, Q(**{f"{field}__in": ids})) for days, ids in sorted(by_days.items())]
    return groups


def _normalised(days: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted({int(d) for d in days if int(d) >= 0}, reverse=True))


def obligation_enforce(kind: str, *, today: dt.date | None = None) -> EnforcementReport:
    """Record every stage reached today by the obligations of ``kind``, each under the reminder
    stages of its own regulation."""
    from django.conf import settings

    obligation = OBLIGATIONS[kind]
    today = today or timezone.localdate()
    report = EnforcementReport(today=today)
    with translation.override(settings.LANGUAGE_CODE):
        if obligation.prepare is not None:
            obligation.prepare(today)
        for days, rows in stage_groups(obligation):
            for stage in stages_for(days):
                candidates = obligation.candidates(today)
                _run_stage(
                    obligation=obligation.kind,
                    stage=stage,
                    today=today,
                    candidates=candidates if rows is None else candidates.filter(rows),
                    due_field=obligation.due_field,
                    key_field=obligation.key_field,
                    fields=obligation.fields,
                    draft=obligation.draft,
                    recipients=obligation.recipients,
                    event_kind=_timeline_kind if obligation.on_timeline else None,
                    report=report,
                )
    return report


# Steps of layers above this one that the daily job runs before the stages, registered at
# start-up (``ops``: reorganisations in effect pass their units' open obligations to the
# successors, so that reminders go to units that still exist). Each must be idempotent.
BEFORE_ENFORCE: list[Callable[[dt.date], object]] = []


def deadlines_enforce(*, today: dt.date | None = None, kinds: Iterable[str] | None = None) -> EnforcementReport:
    """The daily job: every registered obligation (or those of ``kinds``), in order, after the
    ``BEFORE_ENFORCE`` steps (a full run only)."""
    today = today or timezone.localdate()
    if kinds is None:
        for step in BEFORE_ENFORCE:
            step(today)
    report = EnforcementReport(today=today)
    for kind in kinds or list(OBLIGATIONS):
        report.merge(obligation_enforce(kind, today=today))
    return report
