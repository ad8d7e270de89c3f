"""The operations layer's beat entry, installed on every ``migrate`` like the deadline jobs
(``notifications.schedule``): created when missing, never overwriting an administrator's change."""

from __future__ import annotations

from django.conf import settings

CLEANUP_JOB = "Dọn lịch sử chạy công việc định kỳ (hằng ngày)"
CLEANUP_TASK = "ops.job_runs_cleanup"


def ops_schedule_install(**_kwargs) -> list[str]:
    from django.db import DatabaseError
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    try:
        if PeriodicTask.objects.filter(name=CLEANUP_JOB).exists():
            return []
    except DatabaseError:  # django_celery_beat not migrated yet
        return []
    minute, hour, day_of_month, month_of_year, day_of_week = settings.JOB_RUNS_CLEANUP_CRONTAB.split()
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute=minute,
        hour=hour,
        day_of_month=day_of_month,
        month_of_year=month_of_year,
        day_of_week=day_of_week,
        timezone=settings.TIME_ZONE,
    )
    PeriodicTask.objects.get_or_create(name=CLEANUP_JOB, defaults={"task": CLEANUP_TASK, "crontab": crontab})
    return [CLEANUP_JOB]
