"""Reads of the operations layer: which periodic jobs are late, the run history, the
administrators who hear about it.

**When is a job late?** Every enabled recurring entry of the beat schedule is watched (the
daily deadline job, the mail sweep, the cleanup, and any entry an administrator adds). After
its last successful run the job must run again at its next scheduled time and have *completed*
within ``JOB_LATE_AFTER_MINUTES`` (60 by default: the 07:00 daily job must have completed by
08:00). Until then it is on time; after that it is late, until a run succeeds. A run that is
still going, failed, or was never picked up by a worker does not count, so a dead beat, a
stuck or dead worker and a job that keeps failing all show the same way.

A job that never succeeded counts from its first recorded run, or from the time its schedule
entry was installed or last changed, whichever is earlier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from units.models import Membership, Role

from .models import JobOutcome, JobRun
from .schedules import is_watched, next_run_after


@dataclass(frozen=True)
class JobWatch:
    periodic_task_id: int
    name: str  # the schedule entry's name, as the administrator sees it in the admin
    task: str  # the Celery task, e.g. notifications.enforce_deadlines
    schedule: str
    last_success: dt.datetime | None
    due: dt.datetime | None  # the scheduled run the next success is expected from
    deadline: dt.datetime | None  # ... and by when it must have completed
    late: bool

    @property
    def occurrence(self) -> str:
        """The late occurrence's key: one alert per job and missed scheduled run."""
        return f"late_{timezone.localtime(self.due):%Y%m%d%H%M%S}" if self.due else "late"


def late_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.JOB_LATE_AFTER_MINUTES)


def schedule_label(periodic_task) -> str:
    from django.utils.translation import gettext as _

    if periodic_task.crontab_id:
        c = periodic_task.crontab
        if c.minute.isdigit() and c.hour.isdigit() and (c.day_of_month, c.month_of_year, c.day_of_week) == ("*",) * 3:
            return _("hằng ngày lúc %(time)s") % {"time": f"{int(c.hour):02d}:{int(c.minute):02d}"}
        return f"crontab {c.minute} {c.hour} {c.day_of_month} {c.month_of_year} {c.day_of_week}"
    if periodic_task.interval_id:
        units = {"days": _("ngày"), "hours": _("giờ"), "minutes": _("phút"), "seconds": _("giây")}
        i = periodic_task.interval
        return _("mỗi %(every)s %(unit)s") % {"every": i.every, "unit": units.get(i.period, i.period)}
    return "—"


def jobs_watched(*, now: dt.datetime | None = None) -> list[JobWatch]:
    """Every watched job with its window and whether it is late. One query."""
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    runs = JobRun.objects.filter(job=OuterRef("task"))
    entries = (
        PeriodicTask.objects.filter(enabled=True, one_off=False)
        .filter(Q(crontab__isnull=False) | Q(interval__isnull=False))
        .select_related("crontab", "interval")
        .annotate(
            last_success=Subquery(runs.filter(outcome=JobOutcome.SUCCESS).order_by("-started").values("started")[:1]),
            first_run=Subquery(runs.order_by("started").values("started")[:1]),
        )
        .order_by("name")
    )
    grace = late_after()
    watches = []
    for entry in entries:
        if not is_watched(entry) or (entry.start_time and entry.start_time > now):
            continue
        since = entry.last_success or min(filter(None, [entry.first_run, entry.date_changed]), default=now)
        try:
            due = next_run_after(entry, since)
        except ValueError:  # a schedule celery itself cannot read
            due = None
        deadline = due + grace if due else None
        watches.append(
            JobWatch(
                periodic_task_id=entry.pk,
                name=entry.name,
                task=entry.task,
                schedule=schedule_label(entry),
                last_success=entry.last_success,
                due=due,
                deadline=deadline,
                late=bool(deadline and now > deadline),
            )
        )
    return watches


def jobs_late(*, now: dt.datetime | None = None) -> list[JobWatch]:
    return [w for w in jobs_watched(now=now) if w.late]


def job_runs(*, job: str | None = None) -> QuerySet[JobRun]:
    """The run history, newest first (the status page paginates it)."""
    qs = JobRun.objects.order_by("-started", "-id")
    return qs.filter(job=job) if job else qs


def job_names() -> list[str]:
    """The jobs that have a schedule entry or a recorded run, for the history's filter."""
    from django_celery_beat.models import PeriodicTask

    scheduled = set(PeriodicTask.objects.values_list("task", flat=True))
    recorded = set(JobRun.objects.values_list("job", flat=True).distinct())
    return sorted(scheduled | recorded)


def administrators() -> QuerySet:
    """Active users who administer the portal: superusers, and holders of an active ``admin``
    role (as ``units.access.Scope.is_admin`` decides)."""
    admin_roles = Membership.objects.filter(user=OuterRef("pk"), role=Role.ADMIN, is_active=True)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Exists(admin_roles))
        .order_by("pk")
    )


def last_runs(tasks: list[str]) -> dict[str, JobRun]:
    """The latest run of each job, whatever its outcome. One query per job (a handful), each an
    index lookup."""
    found = {}
    for task in tasks:
        run = JobRun.objects.filter(job=task).order_by("-started", "-id").first()
        if run is not None:
            found[task] = run
    return found


def _stage_label(stage: str) -> str:
    from django.utils.translation import gettext as _

    if stage == "overdue":
        return _("quá hạn")
    if stage.startswith("remind_") and stage[7:].isdigit():
        return _("nhắc trước %(days)s ngày") % {"days": stage[7:]}
    return stage


def run_summary(run: JobRun) -> list[tuple[str, str]]:
    """What a run did, as (label, figure) rows for the status page: per obligation and stage
    for the deadline job (obligations found at the stage / new notifications), else its counts."""
    from django.utils.translation import gettext as _

    from notifications.models import ObligationKind

    counts = run.counts or {}
    if not isinstance(counts, dict):
        return [("", str(counts))]
    rows = []
    if isinstance(counts.get("created"), dict):
        found = counts.get("obligations") or {}
        labels = dict(ObligationKind.choices)
        for key, created in counts["created"].items():
            obligation, _sep, stage = key.partition(":")
            label = f"{labels.get(obligation, obligation)} — {_stage_label(stage)}"
            rows.append(
                (label, _("%(found)s nghĩa vụ, %(new)s thông báo mới") % {"found": found.get(key, 0), "new": created})
            )
        rows.append((_("Tổng số thông báo mới"), str(counts.get("total_created", 0))))
    names = {
        "sent": _("Thư đã gửi"),
        "failed": _("Thư gửi lỗi"),
        "retrying": _("Thư chờ gửi lại"),
        "events": _("Sự kiện đã thông báo"),
        "purged": _("Bản ghi cũ đã xóa"),
        "lost": _("Lần chạy dừng giữa chừng"),
    }
    for key, value in counts.items():
        if key in names:
            rows.append((names[key], str(value)))
    return rows
