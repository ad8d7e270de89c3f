"""When should a periodic job run next? Read from django-celery-beat's schedule entries, so that
an administrator who moves the daily job in the admin moves its expected window too.

Only the two kinds of schedule the portal uses are understood: crontab (the 07:00 daily job)
and interval (the 15-minute mail sweep). Solar and clocked (one-off) entries are not watched.
"""

from __future__ import annotations

import datetime as dt

# A crontab that matches no day (30 February) must not loop for ever: four years always hold
# every valid day of the calendar.
_MAX_DAYS = 4 * 366 + 1


def _next_crontab(cron, after: dt.datetime) -> dt.datetime | None:
    """The first minute strictly after ``after`` that ``cron`` (celery's parsed crontab, with its
    sets of minutes, hours, days and months, and its time zone) fires at. Celery needs both
    the day of the month and the day of the week to match."""
    tz = getattr(cron, "tz", None) or dt.UTC
    local = after.astimezone(tz)
    day = local.date()
    hours, minutes = sorted(cron.hour), sorted(cron.minute)
    for _ in range(_MAX_DAYS):
        # celery counts the days of the week from Sunday = 0
        if (
            day.month in cron.month_of_year
            and day.day in cron.day_of_month
            and day.isoweekday() % 7 in cron.day_of_week
        ):
            for hour in hours:
                for minute in minutes:
                    candidate = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
                    if candidate > local:
                        return candidate
        day += dt.timedelta(days=1)
    return None


def next_run_after(periodic_task, moment: dt.datetime) -> dt.datetime | None:
    """When the beat entry ``periodic_task`` fires next after ``moment``; ``None`` for the kinds
    of schedule that are not watched."""
    if periodic_task.crontab_id:
        return _next_crontab(periodic_task.crontab.schedule, moment)
    if periodic_task.interval_id:
        return moment + periodic_task.interval.schedule.run_every
    return None


def is_watched(periodic_task) -> bool:
    """A recurring entry: enabled, not one-off, on a crontab or an interval."""
    return (
        periodic_task.enabled
        and not periodic_task.one_off
        and bool(periodic_task.crontab_id or periodic_task.interval_id)
    )
