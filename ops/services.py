"""Writes of the operations layer: recording job runs, purging old ones, alerting the
administrators when a periodic job is late."""

from __future__ import annotations

import datetime as dt
import logging
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import vn_datetime
from notifications.models import EmailStatus, Notification, ObligationKind

from .models import JobOutcome, JobRun, JobSource
from .selectors import JobWatch, administrators, jobs_late

logger = logging.getLogger(__name__)

ERROR_MAX_CHARS = 4000
# A run still "running" this long after it started was cut off (worker killed, machine
# restarted): longer than any task's hard time limit.
STALE_AFTER = dt.timedelta(hours=2)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]


# ---------------------------------------------------------------------------------------------
# Job runs
# ---------------------------------------------------------------------------------------------


def job_run_start(
    *, job: str, source: str = JobSource.WORKER, task_id: str = "", attempt: int = 0, host: str = ""
) -> JobRun:
    return JobRun.objects.create(
        job=job,
        source=source,
        task_id=task_id or "",
        attempt=attempt or 0,
        host=(host or socket.gethostname())[:255],
        started=timezone.now(),
        outcome=JobOutcome.RUNNING,
    )


def job_run_finish(*, run: JobRun, outcome: str, counts: dict | None = None, error: BaseException | str = "") -> JobRun:
    run.finished = timezone.now()
    run.outcome = outcome
    if counts is not None:
        run.counts = counts
    run.error = _error_text(error) if isinstance(error, BaseException) else str(error)[:ERROR_MAX_CHARS]
    run.save(update_fields=["finished", "outcome", "counts", "error"])
    return run


@dataclass
class RunRecorder:
    """What a job run reports while it runs (the command sets ``counts``)."""

    run: JobRun
    counts: dict = field(default_factory=dict)


@contextmanager
def job_run_record(*, job: str, source: str = JobSource.COMMAND) -> Iterator[RunRecorder]:
    """Record a run around a block: success with the counts it set, or failure with its error
    (the exception goes on)."""
    recorder = RunRecorder(run=job_run_start(job=job, source=source))
    try:
        yield recorder
    except BaseException as exc:
        try:
            job_run_finish(run=recorder.run, outcome=JobOutcome.FAILURE, counts=recorder.counts, error=exc)
        except Exception:  # the database itself may be what failed: the run then stays "running"
            logger.exception("Could not record the failure of %s", job)
        raise
    job_run_finish(run=recorder.run, outcome=JobOutcome.SUCCESS, counts=recorder.counts)


def job_runs_cleanup(*, now: dt.datetime | None = None) -> dict:
    """Purge the runs older than the retention period; close the runs cut off mid-way as lost."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.JOB_RUN_RETENTION_DAYS)
    with transaction.atomic():
        lost = JobRun.objects.filter(outcome=JobOutcome.RUNNING, started__lt=now - STALE_AFTER).update(
            outcome=JobOutcome.LOST, error=_("Không nhận được kết quả: tiến trình đã dừng giữa chừng.")
        )
        purged, _by_model = JobRun.objects.filter(started__lt=cutoff).delete()
    return {"purged": purged, "lost": lost}


# ---------------------------------------------------------------------------------------------
# Late jobs
# ---------------------------------------------------------------------------------------------


def _alert_text(watch: JobWatch, now: dt.datetime) -> tuple[str, str]:
    title = _("Công việc định kỳ chưa chạy: %(name)s") % {"name": watch.name}
    paragraphs = [
        _(
            "Công việc “%(name)s” (%(task)s, %(schedule)s) lẽ ra phải chạy lúc %(due)s và hoàn thành "
            "trước %(deadline)s, nhưng đến %(now)s vẫn chưa có lần chạy thành công."
        )
        % {
            "name": watch.name,
            "task": watch.task,
            "schedule": watch.schedule,
            "due": vn_datetime(watch.due),
            "deadline": vn_datetime(watch.deadline),
            "now": vn_datetime(now),
        },
        _("Lần chạy thành công gần nhất: %(last)s.") % {"last": vn_datetime(watch.last_success, empty=_("chưa có"))},
        _(
            "Khi công việc này không chạy, các thông báo nhắc hạn và báo quá hạn không được gửi. "
            "Hãy kiểm tra tiến trình Celery beat và worker; tình trạng chi tiết ở trang Tình trạng hệ thống."
        ),
    ]
    return title[:300], "\n\n".join(paragraphs)


def late_job_alerts_record(*, now: dt.datetime | None = None, late: list[JobWatch] | None = None) -> int:
    """One notification (and so one e-mail, sent by the mail sweep) to every administrator per
    late occurrence of a job: the unique key (system, schedule entry, missed run, recipient)
    makes every later check a no-op. Returns the number of late occurrences newly alerted."""
    now = now or timezone.now()
    late = jobs_late(now=now) if late is None else late
    if not late:
        return 0
    already = set(
        Notification.objects.filter(
            obligation=ObligationKind.SYSTEM,
            object_id__in=[w.periodic_task_id for w in late],
            stage__in=[w.occurrence for w in late],
        ).values_list("object_id", "stage")
    )
    new = [w for w in late if (w.periodic_task_id, w.occurrence) not in already]
    if not new:
        return 0
    recipients = list(administrators())
    if not recipients:
        return 0
    url = reverse("ops:status")
    rows = []
    with translation.override(settings.LANGUAGE_CODE):
        for watch in new:
            title, body = _alert_text(watch, now)
            rows += [
                Notification(
                    recipient=user,
                    obligation=ObligationKind.SYSTEM,
                    object_id=watch.periodic_task_id,
                    stage=watch.occurrence,
                    title=title,
                    body=body,
                    url=url,
                    email_status=EmailStatus.PENDING if user.email else EmailStatus.NONE,
                )
                for user in recipients
            ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    for watch in new:
        logger.warning("Periodic job %s (%s) is late: expected by %s", watch.name, watch.task, watch.deadline)
    return len(new)
