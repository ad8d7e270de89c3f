"""Celery tasks: thin wrappers around ``petitions.enforcement`` and ``petitions.notifications``.

Beat enqueues them from django-celery-beat's DatabaseScheduler (see ``petitions.schedule``).
They are acknowledged only when finished (``acks_late``; a worker that dies mid-run leaves the
message to be delivered again) and safe to run again, which is what makes that retry harmless.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from .enforcement import notice_deadlines_enforce, reply_deadlines_enforce
from .notifications import notification_emails_send

logger = logging.getLogger(__name__)

# Database or broker trouble is worth retrying; a bug is not.
RETRY_ON = (DatabaseError, BrokerError, ConnectionError, TimeoutError)
TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 30,
    "retry_backoff_max": 15 * 60,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 20 * 60,
    "time_limit": 25 * 60,
}


def _day(today: str | None) -> dt.date | None:
    return dt.date.fromisoformat(today) if today else None


def _send_emails_later() -> None:
    # The notices are already committed; if the broker is down the 15-minute sweep mails them.
    try:
        send_notification_emails.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001
        logger.warning("Could not enqueue the mail sweep: %s", exc)


@shared_task(name="petitions.enforce_notice_deadlines", **TASK_OPTIONS)
def enforce_notice_deadlines(self, today: str | None = None) -> dict:
    """R2 daily job: remind about conclusion notices, escalate the overdue ones."""
    report = notice_deadlines_enforce(today=_day(today))
    if report.total_created:
        _send_emails_later()
    return report.as_dict()


@shared_task(name="petitions.enforce_reply_deadlines", **TASK_OPTIONS)
def enforce_reply_deadlines(self, today: str | None = None) -> dict:
    """R3–R5 daily job: remind about written replies and complex-case targets, escalate."""
    report = reply_deadlines_enforce(today=_day(today))
    if report.total_created:
        _send_emails_later()
    return report.as_dict()


@shared_task(name="petitions.send_notification_emails", **{**TASK_OPTIONS, "soft_time_limit": 10 * 60, "time_limit": 12 * 60})
def send_notification_emails(self) -> dict:
    """Mail the recorded notifications; failures stay pending and are retried by the next sweep."""
    return notification_emails_send().as_dict()
