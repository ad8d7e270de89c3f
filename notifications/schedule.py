"""The default beat schedule, installed on every ``migrate`` (and so on every deploy).

Entries live in django-celery-beat's tables so an administrator can change the time, pause a
job or run it from the admin. Installation only creates missing entries by name: it never
overwrites what an administrator changed.
"""

from __future__ import annotations

from django.conf import settings

DEADLINE_JOB = "Nhắc hạn, báo quá hạn các nghĩa vụ (hằng ngày)"
EMAIL_JOB = "Gửi thư điện tử các thông báo đang chờ"
DIGEST_JOB = "Gửi thư tổng hợp thông báo (hằng ngày)"
DEADLINE_TASK = "notifications.enforce_deadlines"
EMAIL_TASK = "notifications.send_emails"
DIGEST_TASK = "notifications.send_digests"


def _crontab(value: str) -> dict:
    minute, hour, day_of_month, month_of_year, day_of_week = value.split()
    return {
        "minute": minute,
        "hour": hour,
        "day_of_month": day_of_month,
        "month_of_year": month_of_year,
        "day_of_week": day_of_week,
        "timezone": settings.TIME_ZONE,
    }


def default_jobs() -> list[dict]:
    return [
        {"name": DEADLINE_JOB, "task": DEADLINE_TASK, "crontab": _crontab(settings.DEADLINE_JOBS_CRONTAB)},
        {"name": EMAIL_JOB, "task": EMAIL_TASK, "every_minutes": settings.NOTIFICATION_EMAIL_SWEEP_MINUTES},
        {"name": DIGEST_JOB, "task": DIGEST_TASK, "crontab": _crontab(settings.NOTIFICATION_DIGEST_CRONTAB)},
    ]


def beat_schedule_install(**_kwargs) -> list[str]:
    """Create the missing default periodic tasks; return the names created."""
    from django.db import DatabaseError
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    created = []
    try:
        existing = set(PeriodicTask.objects.values_list("name", flat=True))
    except DatabaseError:  # django_celery_beat not migrated yet (e.g. ``migrate notifications``)
        return created
    for job in default_jobs():
        if job["name"] in existing:
            continue
        if "crontab" in job:
            schedule, _ = CrontabSchedule.objects.get_or_create(**job["crontab"])
            extra = {"crontab": schedule}
        else:
            schedule, _ = IntervalSchedule.objects.get_or_create(
                every=job["every_minutes"], period=IntervalSchedule.MINUTES
            )
            extra = {"interval": schedule}
        PeriodicTask.objects.get_or_create(name=job["name"], defaults={"task": job["task"], **extra})
        created.append(job["name"])
    return created
