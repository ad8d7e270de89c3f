"""Writes on the calendar the legal clock reads: adding, changing or removing an extra day off or
a compensatory working day.

The stored due dates of open obligations (a session's notice, a petition's reply, …) were worked
out from the calendar when their clocks started, and they belong to the layers above. Those layers
register a listener here (``on_calendar_change``) that recomputes them; the listeners run inside
the same transaction as the change, so the calendar and the dates it moves are committed together
and a failure changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import CalendarDay, CalendarDayKind

# listener(days=set of changed days or None for "any day", actor=user or None) -> number of
# stored due dates it changed.
CalendarListener = Callable[..., int]
_LISTENERS: list[CalendarListener] = []


def on_calendar_change(listener: CalendarListener) -> CalendarListener:
    """Call ``listener`` after every change of the calendar (once, however often registered)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)
    return listener


def calendar_changed(*, days: Iterable[dt.date] | None, actor=None) -> int:
    """Tell the listeners that the rest days among ``days`` (``None``: any day, e.g. after an
    upgrade of the ``holidays`` package) may have changed; return how many due dates moved."""
    changed_days = None if days is None else set(days)
    return sum(int(listener(days=changed_days, actor=actor) or 0) for listener in list(_LISTENERS))


@transaction.atomic
def calendar_day_save(*, calendar_day: CalendarDay, actor=None) -> int:
    """Add or change an override of the calendar, then recompute the due dates it moves (both
    its old and its new day when the day itself changed). Returns the number of due dates moved."""
    if not isinstance(calendar_day.day, dt.date):
        raise ValidationError({"day": _("Ngày không hợp lệ.")})
    if calendar_day.kind not in CalendarDayKind.values:
        raise ValidationError({"kind": _("Loại ngày không hợp lệ.")})
    days = {calendar_day.day}
    if calendar_day.pk is not None:
        old = CalendarDay.objects.filter(pk=calendar_day.pk).values_list("day", flat=True).first()
        if old is not None:
            days.add(old)
    calendar_day.save()
    return calendar_changed(days=days, actor=actor)


@transaction.atomic
def calendar_day_remove(*, calendar_day: CalendarDay, actor=None) -> int:
    """Remove an override (the day follows the public-holiday calendar again), then recompute
    the due dates it moves."""
    day = calendar_day.day
    calendar_day.delete()
    return calendar_changed(days={day}, actor=actor)
