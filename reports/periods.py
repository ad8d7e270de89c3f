"""Reporting periods: month, first quarter, 6 months, 9 months and year, with a cut-off.

Many reports run from 15/12 to 14/12: with the cut-off 15/12 (``settings.REPORT_CUTOFF_DAY`` /
``REPORT_CUTOFF_MONTH``), report year 2026 is 15/12/2025–14/12/2026, its first quarter ends
14/03/2026 and its month 3 is 15/02/2026–14/03/2026. A cut-off of 1/1 gives calendar periods.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from regulations.years import dialogue_year_of


class PeriodKind:
    MONTH = "month"
    Q1 = "q1"
    H1 = "6m"
    M9 = "9m"
    YEAR = "year"

    CHOICES = [
        (MONTH, gettext_lazy("Tháng")),
        (Q1, gettext_lazy("Quý I")),
        (H1, gettext_lazy("6 tháng")),
        (M9, gettext_lazy("9 tháng")),
        (YEAR, gettext_lazy("Năm")),
    ]
    MONTHS_LONG = {Q1: 3, H1: 6, M9: 9, YEAR: 12}


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later (the cut-off day is at most 28, so it always exists)."""
    index = day.year * 12 + (day.month - 1) + months
    return day.replace(year=index // 12, month=index % 12 + 1)


@dataclass(frozen=True)
class Cutoff:
    day: int
    month: int

    @classmethod
    def default(cls) -> Cutoff:
        return cls(day=settings.REPORT_CUTOFF_DAY, month=settings.REPORT_CUTOFF_MONTH)

    def __post_init__(self):
        if not (1 <= self.month <= 12) or not (1 <= self.day <= 28):
            raise ValueError(_("Ngày chốt số liệu phải từ 1 đến 28, tháng chốt từ 1 đến 12."))

    @property
    def is_calendar(self) -> bool:
        return (self.day, self.month) == (1, 1)

    def year_start(self, year: int) -> dt.date:
        """First day of report year ``year`` (which ends in calendar year ``year``)."""
        if self.is_calendar:
            return dt.date(year, 1, 1)
        return dt.date(year - 1, self.month, self.day)

    def report_year_of(self, day: dt.date) -> int:
        """The report year containing ``day``."""
        return day.year + 1 if day >= self.year_start(day.year + 1) else day.year


@dataclass(frozen=True)
class Period:
    kind: str
    year: int
    month: int | None = None
    cutoff: Cutoff = field(default_factory=Cutoff.default)

    def __post_init__(self):
        if self.kind not in dict(PeriodKind.CHOICES):
            raise ValueError(_("Kỳ báo cáo không hợp lệ."))
        if self.kind == PeriodKind.MONTH and not (self.month and 1 <= self.month <= 12):
            raise ValueError(_("Vui lòng chọn tháng từ 1 đến 12."))
        if not (2000 <= self.year <= 2100):
            raise ValueError(_("Năm báo cáo không hợp lệ."))

    # -- bounds ---------------------------------------------------------------------------
    @property
    def start(self) -> dt.date:
        if self.kind == PeriodKind.MONTH:
            return self._month_start(self.month)
        return self.cutoff.year_start(self.year)

    @property
    def end(self) -> dt.date:
        if self.kind == PeriodKind.MONTH:
            return add_months(self._month_start(self.month), 1) - dt.timedelta(days=1)
        return add_months(self.start, PeriodKind.MONTHS_LONG[self.kind]) - dt.timedelta(days=1)

    def _month_start(self, month: int) -> dt.date:
        """Report month ``month`` ends the day before the cut-off day of that calendar month
        (or is the calendar month when the cut-off day is 1)."""
        if self.cutoff.day == 1:
            return dt.date(self.year, month, 1)
        return add_months(dt.date(self.year, month, self.cutoff.day), -1)

    def months(self) -> list[Period]:
        """The report months making up the period, in order (for the trend chart)."""
        if self.kind == PeriodKind.MONTH:
            return [self]
        result = []
        day = self.start
        while day <= self.end:
            last = add_months(day, 1) - dt.timedelta(days=1)
            month = last.month if self.cutoff.day != 1 else day.month
            result.append(Period(kind=PeriodKind.MONTH, year=last.year, month=month, cutoff=self.cutoff))
            day = add_months(day, 1)
        return result

    # -- display / URLs -------------------------------------------------------------------
    @property
    def label(self) -> str:
        bounds = f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        return f"{self.name} ({bounds})"

    @property
    def name(self) -> str:
        """ "Tháng 3/2026", "6 tháng năm 2026", "Năm 2026" (without the bounds)."""
        if self.kind == PeriodKind.MONTH:
            return _("Tháng %(month)s/%(year)s") % {"month": self.month, "year": self.year}
        if self.kind == PeriodKind.YEAR:
            return _("Năm %(year)s") % {"year": self.year}
        return _("%(kind)s năm %(year)s") % {"kind": dict(PeriodKind.CHOICES)[self.kind], "year": self.year}

    def previous(self) -> Period:
        """The same kind of period just before this one (last month; last year's 6 months)."""
        return current_period(self.kind, self.cutoff, self.start - dt.timedelta(days=1))

    @property
    def short_label(self) -> str:
        if self.kind == PeriodKind.MONTH:
            return f"{self.month:02d}/{self.year}"
        return self.label

    def as_params(self) -> dict[str, str]:
        params = {
            "kind": self.kind,
            "year": str(self.year),
            "cutoff_day": str(self.cutoff.day),
            "cutoff_month": str(self.cutoff.month),
        }
        if self.kind == PeriodKind.MONTH:
            params["month"] = str(self.month)
        return params

    @property
    def r1_year(self) -> int:
        """R1 counts dialogues per dialogue year (the calendar year unless set otherwise,
        ``regulations.years``): the one in which the period ends."""
        return dialogue_year_of(self.end)


def current_period(kind: str = PeriodKind.YEAR, cutoff: Cutoff | None = None, today: dt.date | None = None) -> Period:
    cutoff = cutoff or Cutoff.default()
    today = today or timezone.localdate()
    year = cutoff.report_year_of(today)
    if kind == PeriodKind.MONTH:
        for month in Period(kind=PeriodKind.YEAR, year=year, cutoff=cutoff).months():
            if month.start <= today <= month.end:
                return month
    month = None
    return Period(kind=kind, year=year, month=month, cutoff=cutoff)


def period_from_params(params, today: dt.date | None = None) -> Period:
    """A period from GET parameters (kind, year, month, cutoff_day, cutoff_month); missing
    values default to the current report year; bad values raise ``ValueError``."""
    try:
        cutoff = Cutoff(
            day=int(params.get("cutoff_day") or settings.REPORT_CUTOFF_DAY),
            month=int(params.get("cutoff_month") or settings.REPORT_CUTOFF_MONTH),
        )
        kind = params.get("kind") or PeriodKind.YEAR
        if not params.get("year"):
            return current_period(kind, cutoff, today)
        month = int(params["month"]) if params.get("month") else None
        return Period(kind=kind, year=int(params["year"]), month=month, cutoff=cutoff)
    except (TypeError, ValueError) as exc:
        raise ValueError(str(exc) or _("Kỳ báo cáo không hợp lệ.")) from exc
