"""The parameters of the dialogue cycle that one regulation sets: every limit of the legal clock
and its day type, the reminder stages, the plan's due day, the reporting calendar, where the
reply clock starts. One immutable ``Rules`` object, built from a recorded ``Regulation`` or,
when none is recorded, from the settings (the product's defaults, so ``make run`` works
untouched). ``regulations.selectors.regulation_for(unit, day)`` is the one accessor.

Plain Python (no queries): the clock, the deadline engine and the documents read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

NOTICE = "notice"
REPLY = "reply"
FORWARDED = "forwarded"
SUPPLEMENTARY = "supplementary"
# The limits counted by the legal clock (``regulations.deadlines``), each with its day type.
CLOCK_RULES = (NOTICE, REPLY, FORWARDED, SUPPLEMENTARY)
CALENDAR = "calendar"
WORKING = "working"
DAY_TYPES = (CALENDAR, WORKING)
# Where R3's clock starts: the notice's issue date, or the day each responsible unit received it.
REPLY_FROM_ISSUE = "issue"
REPLY_FROM_RECEIPT = "receipt"
# The periods a reporting calendar may use (``reports.periods.PeriodKind``; the reports layer is
# above this one, so the codes are repeated here and a test keeps them equal).
REPORT_PERIOD_CODES = ("month", "q1", "6m", "9m", "year")
# The unit levels a reporting calendar gives a due day (``units.models.UnitLevel``).
REPORT_LEVELS = ("province", "district", "commune", "other")

# Limits added by the follow-through (issue 12) and the heads' cycle (issue 11): read with
# ``getattr`` so that this branch works before their settings exist.
_FALLBACK_LIMITS = {FORWARDED: (30, CALENDAR), SUPPLEMENTARY: (15, CALENDAR)}


@dataclass(frozen=True)
class Limit:
    days: int
    day_type: str = CALENDAR

    def __post_init__(self):
        if self.day_type not in DAY_TYPES:
            raise ValueError(f"day_type must be 'calendar' or 'working', not {self.day_type!r}")

    @property
    def text(self) -> str:
        """As documents print it: "30 ngày", "10 ngày làm việc"."""
        if self.day_type == WORKING:
            return _("%(days)s ngày làm việc") % {"days": self.days}
        return _("%(days)s ngày") % {"days": self.days}


@dataclass(frozen=True)
class Rules:
    """Every parameter of the cycle under one regulation (``regulation_id`` ``None``: the
    settings). ``citation`` names the regulation in explanations and documents
    ("Quy chế số 07-QC/TU ngày 27/03/2019 của Ban Thường vụ Tỉnh ủy Hòa Bình"); empty for the
    settings."""

    regulation_id: int | None
    citation: str
    limits: dict[str, Limit]
    reply_clock_start: str
    complex_max_days: int
    notice_reminder_days: tuple[int, ...]
    reply_reminder_days: tuple[int, ...]
    plan_due_day: int
    plan_due_month: int
    plan_reminder_days: tuple[int, ...]
    commitment_reminder_days: tuple[int, ...]
    dialogue_year_start_day: int
    dialogue_year_start_month: int
    report_cutoff_day: int
    report_cutoff_month: int
    report_period_kinds: tuple[str, ...]
    report_due_days: dict[str, int] = field(default_factory=dict)
    report_reminder_days: tuple[int, ...] = ()

    @property
    def is_default(self) -> bool:
        return self.regulation_id is None

    def limit(self, rule: str) -> Limit:
        return self.limits[rule]

    def days(self, rule: str) -> int:
        return self.limits[rule].days

    def plan_due_on(self, year: int) -> dt.date:
        """The nominal last day of ``year``'s plan (a rest day moves it on: the clock does)."""
        return dt.date(year, self.plan_due_month, self.plan_due_day)

    # -- building ----------------------------------------------------------------------------

    @classmethod
    def from_settings(cls) -> Rules:
        """The product's defaults: the settings, read now (tests override them)."""
        rules = getattr(settings, "DEADLINE_RULES", {})
        limits = {}
        for rule in CLOCK_RULES:
            config = rules.get(rule)
            if config is None:
                days, day_type = _FALLBACK_LIMITS[rule]
            else:
                days, day_type = config["days"], config.get("day_type", CALENDAR)
                if day_type not in DAY_TYPES:
                    raise ValueError(
                        f"DEADLINE_RULES[{rule!r}]['day_type'] must be 'calendar' or 'working', not {day_type!r}"
                    )
            limits[rule] = Limit(int(days), day_type)
        return cls(
            regulation_id=None,
            citation="",
            limits=limits,
            reply_clock_start=getattr(settings, "REPLY_CLOCK_START", REPLY_FROM_ISSUE),
            complex_max_days=int(getattr(settings, "COMPLEX_TARGET_MAX_DAYS", 90)),
            notice_reminder_days=_days(getattr(settings, "NOTICE_REMINDER_DAYS", [3, 1])),
            reply_reminder_days=_days(getattr(settings, "REPLY_REMINDER_DAYS", [5, 1])),
            plan_due_day=int(getattr(settings, "PLAN_DUE_DAY", 31)),
            plan_due_month=int(getattr(settings, "PLAN_DUE_MONTH", 1)),
            plan_reminder_days=_days(getattr(settings, "PLAN_REMINDER_DAYS", [14, 3])),
            commitment_reminder_days=_days(getattr(settings, "COMMITMENT_REMINDER_DAYS", [7, 1])),
            dialogue_year_start_day=int(getattr(settings, "DIALOGUE_YEAR_START_DAY", 1)),
            dialogue_year_start_month=int(getattr(settings, "DIALOGUE_YEAR_START_MONTH", 1)),
            report_cutoff_day=int(getattr(settings, "REPORT_CUTOFF_DAY", 15)),
            report_cutoff_month=int(getattr(settings, "REPORT_CUTOFF_MONTH", 12)),
            report_period_kinds=tuple(getattr(settings, "REPORT_PERIOD_KINDS", ["6m", "year"])),
            report_due_days={k: int(v) for k, v in getattr(settings, "REPORT_DUE_DAYS", {}).items()},
            report_reminder_days=_days(getattr(settings, "REPORT_REMINDER_DAYS", [5, 1])),
        )

    @classmethod
    def of(cls, regulation) -> Rules:
        """The rules of a recorded regulation; ``None``: the settings."""
        if regulation is None:
            return cls.from_settings()
        r = regulation
        return cls(
            regulation_id=r.pk,
            citation=r.citation,
            limits={
                NOTICE: Limit(r.notice_days, r.notice_day_type),
                REPLY: Limit(r.reply_days, r.reply_day_type),
                FORWARDED: Limit(r.forwarded_days, r.forwarded_day_type),
                SUPPLEMENTARY: Limit(r.supplementary_days, r.supplementary_day_type),
            },
            reply_clock_start=r.reply_clock_start,
            complex_max_days=r.complex_max_days,
            notice_reminder_days=parse_days(r.notice_reminder_days),
            reply_reminder_days=parse_days(r.reply_reminder_days),
            plan_due_day=r.plan_due_day,
            plan_due_month=r.plan_due_month,
            plan_reminder_days=parse_days(r.plan_reminder_days),
            commitment_reminder_days=parse_days(r.commitment_reminder_days),
            dialogue_year_start_day=r.dialogue_year_start_day,
            dialogue_year_start_month=r.dialogue_year_start_month,
            report_cutoff_day=r.report_cutoff_day,
            report_cutoff_month=r.report_cutoff_month,
            report_period_kinds=tuple(parse_codes(r.report_period_kinds)),
            report_due_days={k: int(v) for k, v in (r.report_due_days or {}).items()},
            report_reminder_days=parse_days(r.report_reminder_days),
        )


def _days(values) -> tuple[int, ...]:
    return tuple(int(v) for v in values)


def parse_days(text: str) -> tuple[int, ...]:
    """ "5, 1" → (5, 1): reminder stages as typed in the admin (validated there)."""
    return tuple(int(part) for part in (text or "").replace(";", ",").split(",") if part.strip())


def parse_codes(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def format_days(values) -> str:
    return ",".join(str(int(v)) for v in values)


def citation_text(*, document_type: str, number: str, issued_on: dt.date | None, issuing_body: str) -> str:
    """ "Quy chế số 07-QC/TU ngày 27/03/2019 của Ban Thường vụ Tỉnh ủy Hòa Bình"."""
    from common.dates import vn_date

    text = _("%(type)s số %(number)s") % {"type": document_type, "number": number}
    if issued_on:
        text += " " + _("ngày %(day)s") % {"day": vn_date(issued_on)}
    if issuing_body:
        text += " " + _("của %(body)s") % {"body": issuing_body}
    return text
