"""The one way dates are written: dd/mm/yyyy on pages, lists and exports, and the Vietnamese date
line of official documents."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


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
