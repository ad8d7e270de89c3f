"""The one way dates are written: dd/mm/yyyy on pages, lists and exports, and the Vietnamese date
line of official documents; and the years a date of the portal may fall in."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"
# Every date typed into the portal (a conference, a notice, a reply, a target …) falls in these
# years: the regulation dates from 2019, and 31/12/9999 is a slip of the keyboard that would make
# a clock that never runs out.
FIRST_YEAR = 2000
LAST_YEAR = 2100


def check_year(day: dt.date | None, *, field: str | None = None) -> None:
    """Refuse a date outside ``FIRST_YEAR``–``LAST_YEAR`` with a clear message (on ``field``
    when given); ``None`` passes (a missing date is the caller's business)."""
    if day is None or not isinstance(day, dt.date) or FIRST_YEAR <= day.year <= LAST_YEAR:
        return
    message = _("Ngày %(day)s nằm ngoài khoảng năm %(first)s–%(last)s; vui lòng kiểm tra lại.") % {
        "day": vn_date(day),
        "first": FIRST_YEAR,
        "last": LAST_YEAR,
    }
    raise ValidationError({field: message} if field else message, code="year_out_of_range")


def vn_date(day: dt.date | None, empty: str = "") -> str:
    """``05/02/2026``; ``empty`` for no date."""
    return day.strftime(DATE_FORMAT) if day else empty


def vn_datetime(moment: dt.datetime | None, empty: str = "") -> str:
    """``05/02/2026 14:30`` in the local time zone; ``empty`` for no moment."""
    if not moment:
        return empty
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime(DATETIME_FORMAT)


def vietnamese_date_line(place: str, day: dt.date) -> str:
    """ "Hòa Bình, ngày 05 tháng 02 năm 2026" (Decree 30/2020 and Hướng dẫn 36-HD/VPTW: days below
    10 and the months 1 and 2 take a leading zero; "tháng 3" … "tháng 9" do not)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }
