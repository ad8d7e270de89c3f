"""The legal clock: the one place where due dates are worked out.

The contract module ``petitions.deadlines`` exposes ``notice_due_date`` / ``reply_due_date`` from
here; the clock sits below sessions and petitions so that every layer can read it.

Counting follows the Civil Code 2015 (Art. 147–148): the day of the starting event is not
counted; when the last day of a calendar-day limit is a rest day (Saturday, Sunday or a public
holiday) the limit ends at the end of the next working day. Rest days come from the ``holidays``
package (country from ``settings.HOLIDAY_COUNTRY``), overridden by the admin-editable
``CalendarDay`` table (extra days off, compensatory working weekend days).

The day count and the day type ("calendar" or "working") of each rule come from the regulation
that governs the obligation (``regulations.models.Regulation``, picked by
``regulations.selectors.regulation_for(unit, day)`` when its clock starts and recorded on it);
without a recorded regulation, from the settings (``settings.DEADLINE_RULES``). Every function
takes ``regulation=``: a recorded ``Regulation`` (or its ``Rules``), ``None`` for the settings,
or nothing to pick the one in force for ``unit`` on the start day (no ``unit``: the settings).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .rules import CALENDAR, FORWARDED, NOTICE, REPLY, SUPPLEMENTARY, WORKING, Rules

__all__ = ["CALENDAR", "FORWARDED", "NOTICE", "REPLY", "SUPPLEMENTARY", "WORKING", "Rules"]

# R3 counted from the day the responsible unit received the notice (``reply_clock_start``).
RECEIPT_START_LABEL = gettext_lazy("ngày nhận thông báo kết luận")

RULE_LABELS = {
    NOTICE: gettext_lazy("Gửi thông báo kết luận"),
    REPLY: gettext_lazy("Trả lời bằng văn bản"),
    FORWARDED: gettext_lazy("Giải quyết kiến nghị được chuyển đến"),
    SUPPLEMENTARY: gettext_lazy("Trả lời bổ sung"),
}
START_LABELS = {
    NOTICE: gettext_lazy("ngày tổ chức hội nghị"),
    REPLY: gettext_lazy("ngày ban hành thông báo kết luận"),
    FORWARDED: gettext_lazy("ngày chuyển kiến nghị"),
    SUPPLEMENTARY: gettext_lazy("ngày yêu cầu trả lời bổ sung"),
}
_ONE_DAY = dt.timedelta(days=1)


class _Pick:
    """``regulation=`` not given: pick the regulation in force for the unit on the start day."""

    def __repr__(self):
        return "PICK"


PICK = _Pick()


@dataclass(frozen=True)
class RestDay:
    day: dt.date
    reason: str


@dataclass(frozen=True)
class DueDateExplanation:
    """How a due date was worked out, for users who ask "why this date?"."""

    rule: str
    start: dt.date
    days: int
    day_type: str
    nominal_due: dt.date
    due: dt.date
    rest_days: tuple[RestDay, ...] = field(default=())
    # The regulation the limit comes from ("Quy chế số 07-QC/TU ngày 27/03/2019 của …"); empty
    # when the settings apply (no regulation recorded).
    citation: str = ""
    # What the start date is, when not the rule's usual event (e.g. the notice's receipt).
    start_label_override: str = ""

    @property
    def rule_label(self) -> str:
        return str(RULE_LABELS[self.rule])

    @property
    def start_label(self) -> str:
        return self.start_label_override or str(START_LABELS[self.rule])

    def as_text(self) -> str:
        text = self._counting_text()
        if self.citation:
            limit = (_("%(days)s ngày làm việc") if self.day_type == WORKING else _("%(days)s ngày")) % {
                "days": self.days
            }
            text = (
                _("Theo %(citation)s: %(limit)s kể từ %(start_label)s.")
                % {"citation": self.citation, "limit": limit, "start_label": self.start_label}
                + " "
                + text
            )
        return text

    def _counting_text(self) -> str:
        start = date_format(self.start, "d/m/Y")
        due = date_format(self.due, "d/m/Y")
        if self.day_type == WORKING:
            text = _(
                "Bắt đầu từ %(start_label)s %(start)s (không tính ngày này), đếm %(days)s ngày làm việc: hạn là %(due)s."
            ) % {"start_label": self.start_label, "start": start, "days": self.days, "due": due}
        else:
            text = _("Bắt đầu từ %(start_label)s %(start)s (không tính ngày này), cộng %(days)s ngày: %(nominal)s.") % {
                "start_label": self.start_label,
                "start": start,
                "days": self.days,
                "nominal": date_format(self.nominal_due, "d/m/Y"),
            }
        if self.rest_days:
            skipped = "; ".join(f"{date_format(r.day, 'd/m/Y')} ({r.reason})" for r in self.rest_days)
            if self.day_type == WORKING:
                text += " " + _("Không tính các ngày nghỉ: %(days)s.") % {"days": skipped}
            else:
                text += " " + _(
                    "Ngày cuối rơi vào ngày nghỉ nên hạn lùi sang ngày làm việc kế tiếp %(due)s, qua các ngày: %(days)s."
                ) % {"due": due, "days": skipped}
        elif self.day_type == CALENDAR:
            text += " " + _("Ngày cuối là ngày làm việc nên đó là hạn.")
        return text


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int):
    return holidays.country_holidays(country, years=year, language="vi")


class WorkCalendar:
    """Rest days: the holidays package, overridden by ``CalendarDay``.

    Overrides are read from the database one window of ``WINDOW_DAYS`` days at a time as the
    counting walks, so one due date costs one or two small indexed queries. Windows are fixed
    slices of the calendar (window ``n`` holds the days of ordinal ``n * WINDOW_DAYS + 1`` to
    ``(n + 1) * WINDOW_DAYS``) and the calendar remembers each window it read: a calendar reused
    across many dates (the benchmark's dataset) may hold any set of windows, with gaps between
    them, and never mistakes an unread day for one without override.
    """

    WINDOW_DAYS = 120

    def __init__(self, country: str | None = None):
        self.country = country or settings.HOLIDAY_COUNTRY
        self._overrides: dict[dt.date, tuple[str, str]] = {}
        self._windows: set[int] = set()

    def _ensure_loaded(self, day: dt.date) -> None:
        from regulations.models import CalendarDay

        window = (day.toordinal() - 1) // self.WINDOW_DAYS
        if window in self._windows:
            return
        first = window * self.WINDOW_DAYS + 1
        last = min(first + self.WINDOW_DAYS - 1, dt.date.max.toordinal())
        days = (dt.date.fromordinal(first), dt.date.fromordinal(last))
        for row in CalendarDay.objects.filter(day__range=days).values_list("day", "kind", "note"):
            self._overrides[row[0]] = (row[1], row[2])
        self._windows.add(window)

    def rest_reason(self, day: dt.date) -> str | None:
        """Why ``day`` is a rest day, or ``None`` if it is a working day."""
        from regulations.models import CalendarDayKind

        self._ensure_loaded(day)
        override = self._overrides.get(day)
        if override is not None:
            kind, note = override
            if kind == CalendarDayKind.WORKING_DAY:
                return None
            return note or _("ngày nghỉ theo lịch của cơ quan")
        public = _public_holidays(self.country, day.year)
        name = public.get(day)
        if name:
            return name
        if day in getattr(public, "weekend_workdays", ()):
            return None
        if day.weekday() == 5:
            return _("thứ Bảy")
        if day.weekday() == 6:
            return _("Chủ nhật")
        return None

    def is_rest_day(self, day: dt.date) -> bool:
        return self.rest_reason(day) is not None


def _rules(regulation, unit, day: dt.date) -> Rules:
    if regulation is PICK:
        if unit is None:
            return Rules.from_settings()
        from .selectors import regulation_for

        return regulation_for(unit, day)
    from .selectors import rules_of

    return rules_of(regulation)


def explain_due_date(
    rule: str,
    start: dt.date,
    *,
    calendar: WorkCalendar | None = None,
    regulation=PICK,
    unit=None,
    start_label: str = "",
) -> DueDateExplanation:
    """Work out the due date of ``rule`` for an event on ``start`` and say how: under
    ``regulation`` (a recorded ``Regulation`` or its ``Rules``; ``None``: the settings), or, if
    not given, the regulation in force for ``unit`` on ``start``. ``start_label`` names the start
    event when it is not the rule's usual one."""
    rules = _rules(regulation, unit, start)
    limit = rules.limit(rule)
    explanation = _count(rule, start, limit.days, limit.day_type, calendar or WorkCalendar(), start_label=start_label)
    return replace(explanation, citation=rules.citation) if rules.citation else explanation


def due_date_after(
    start: dt.date, days: int, *, day_type: str = CALENDAR, calendar: WorkCalendar | None = None
) -> dt.date:
    """The last day of a limit of ``days`` counted from ``start`` by the same Civil Code rules,
    for limits kept as data rather than settings (the reporting calendar's due days)."""
    if day_type not in (CALENDAR, WORKING):
        raise ValueError(f"day_type must be 'calendar' or 'working', not {day_type!r}")
    return _count("", start, int(days), day_type, calendar or WorkCalendar()).due


def _count(
    rule: str, start: dt.date, days: int, day_type: str, calendar: WorkCalendar, *, start_label: str = ""
) -> DueDateExplanation:
    rest: list[RestDay] = []
    if day_type == WORKING:
        day, counted = start, 0
        while counted < days:
            day += _ONE_DAY
            reason = calendar.rest_reason(day)
            if reason:
                rest.append(RestDay(day, reason))
            else:
                counted += 1
        return DueDateExplanation(
            rule, start, days, day_type, day, day, tuple(rest), start_label_override=str(start_label)
        )

    nominal = start + dt.timedelta(days=days)
    due = nominal
    while (reason := calendar.rest_reason(due)) is not None:
        rest.append(RestDay(due, reason))
        due += _ONE_DAY
    return DueDateExplanation(
        rule, start, days, day_type, nominal, due, tuple(rest), start_label_override=str(start_label)
    )


def notice_due_date(held_on: dt.date, *, unit=None, regulation=PICK) -> dt.date:
    """R2: the last day to send the notice of the chair's conclusions (the organising ``unit``'s
    regulation in force on ``held_on``; without a unit or a regulation, the settings)."""
    return explain_due_date(NOTICE, held_on, regulation=regulation, unit=unit).due


def reply_due_date(notice_issued_on: dt.date, *, unit=None, regulation=PICK) -> dt.date:
    """R3: the last day for the responsible ``unit`` to reply in writing (its regulation in force
    on the day the clock starts; without a unit or a regulation, the settings)."""
    return explain_due_date(REPLY, notice_issued_on, regulation=regulation, unit=unit).due


def forwarded_due_date(forwarded_on: dt.date, *, unit=None, regulation=PICK) -> dt.date:
    """R4: the competent ``unit``'s target after a forwarding (its own clock from the forwarding,
    under its regulation in force that day)."""
    return explain_due_date(FORWARDED, forwarded_on, regulation=regulation, unit=unit).due


def supplementary_due_date(requested_on: dt.date, *, unit=None, regulation=PICK) -> dt.date:
    """The last day for a supplementary reply asked for after an unsatisfactory assessment."""
    return explain_due_date(SUPPLEMENTARY, requested_on, regulation=regulation, unit=unit).due


def due_date(rule: str, start: dt.date, *, calendar: WorkCalendar | None = None, unit=None, regulation=PICK) -> dt.date:
    """The due date of any rule, with a shared calendar (recomputing many dates at once)."""
    return explain_due_date(rule, start, calendar=calendar, regulation=regulation, unit=unit).due


CLOCK_STARTS = ("issue", "receipt")


def reply_clock_starts_on_receipt(*, unit=None, day: dt.date | None = None, regulation=PICK) -> bool:
    """Does R3's clock start on each unit's receipt of the notice (the regulation's
    ``reply_clock_start``; the settings' ``REPLY_CLOCK_START`` by default)?"""
    from django.utils import timezone

    value = _rules(regulation, unit, day or timezone.localdate()).reply_clock_start
    if value not in CLOCK_STARTS:
        raise ValueError(f"REPLY_CLOCK_START must be one of {CLOCK_STARTS}, not {value!r}")
    return value == "receipt"


def is_rest_day(day: dt.date) -> bool:
    return WorkCalendar().is_rest_day(day)


def rule_days(rule: str, *, unit=None, day: dt.date | None = None, regulation=PICK) -> int:
    """The number of days of ``rule`` (as printed on documents: "trong thời hạn 30 ngày")."""
    return rule_limit(rule, unit=unit, day=day, regulation=regulation).days


def rule_limit(rule: str, *, unit=None, day: dt.date | None = None, regulation=PICK):
    """The limit of ``rule`` (days and day type, ``.text``: "30 ngày", "10 ngày làm việc")."""
    from django.utils import timezone

    return _rules(regulation, unit, day or timezone.localdate()).limit(rule)
