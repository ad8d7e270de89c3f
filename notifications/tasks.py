"""Celery tasks: thin wrappers around ``notifications.engine``, ``notifications.events``,
``notifications.digest`` and ``notifications.outbox``.

Beat enqueues them from django-celery-beat's DatabaseScheduler (see ``notifications.schedule``).
They are acknowledged only when finished (``acks_late``; a worker that dies mid-run leaves the
message to be delivered again) and safe to run again, which is what makes that retry harmless.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.db import DatabaseError
from kombu.exceptions import OperationalError as BrokerError

from .digest import digests_prepare
from .engine import deadlines_enforce
from .events import events_dispatch
from .outbox import notification_emails_send

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
    except Exception as exc:
        logger.warning("Could not enqueue the mail sweep: %s", exc)


@shared_task(name="notifications.enforce_deadlines", **TASK_OPTIONS)
def enforce_deadlines(self, today: str | None = None) -> dict:
    """The daily job: remind before every obligation's due date, escalate the overdue ones."""
    report = deadlines_enforce(today=_day(today))
    events_dispatch()
    if report.total_created:
        _send_emails_later()
    return report.as_dict()


@shared_task(name="notifications.send_emails", **{**TASK_OPTIONS, "soft_time_limit": 10 * 60, "time_limit": 12 * 60})
def send_notification_emails(self) -> dict:
    """Notify the recent events, then mail the recorded notifications; failures stay pending and
    are retried by the next sweep."""
    events = events_dispatch()
    return {**notification_emails_send().as_dict(), "events": events}


@shared_task(name="notifications.send_digests", **{**TASK_OPTIONS, "soft_time_limit": 10 * 60, "time_limit": 12 * 60})
def send_daily_digests(self, today: str | None = None) -> dict:
    """The daily digest: one e-mail per user gathering the notifications they chose to receive
    that way. Recorded under (recipient, day) first, so a rerun makes none twice; mailed by the
    sweep."""
    events_dispatch()
    made = digests_prepare(today=_day(today))
    if made:
        _send_emails_later()
    return {"digests": made}
