"""The Celery tasks are thin, late-acknowledged, time-limited and retried on infrastructure errors."""

from unittest import mock

import pytest
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError

from notifications import tasks
from notifications.models import Notification

pytestmark = pytest.mark.django_db

JOBS = [tasks.enforce_deadlines, tasks.send_notification_emails]


@pytest.mark.parametrize("task", JOBS, ids=lambda t: t.name)
def test_tasks_ack_late_have_time_limits_and_retry_with_backoff(task):
    assert task.acks_late is True and task.reject_on_worker_lost is True
    assert task.soft_time_limit and task.time_limit > task.soft_time_limit
    retried = tuple(task.autoretry_for)
    assert issubclass(OperationalError, retried) and issubclass(BrokerError, retried)
    assert task.retry_backoff and task.max_retries


def test_the_daily_task_runs_the_service_for_the_given_day(assigned, people):
    with mock.patch.object(tasks.send_notification_emails, "apply_async") as enqueue:
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"}).get()
    assert result["total_created"] == 15 == Notification.objects.count()
    enqueue.assert_called_once()


def test_the_daily_task_enqueues_no_mail_when_nothing_is_new(session, people):
    with mock.patch.object(tasks.send_notification_emails, "apply_async") as enqueue:
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-03-01"}).get()
    assert result["total_created"] == 0
    enqueue.assert_not_called()


def test_a_database_error_is_retried_and_the_retry_does_the_work(assigned, people):
    from notifications import engine as enforcement

    real = enforcement.deadlines_enforce
    calls = []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    with (
        mock.patch.object(tasks, "deadlines_enforce", side_effect=flaky),
        mock.patch.object(tasks.send_notification_emails, "apply_async"),
    ):
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"}).get()
    assert len(calls) == 2 and result["total_created"] == 15


def test_a_broker_down_after_the_run_keeps_the_notices(assigned, people):
    with mock.patch.object(tasks.send_notification_emails, "apply_async", side_effect=BrokerError("down")):
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"}).get()
    assert result["total_created"] == 15 == Notification.objects.count()
    assert Notification.objects.filter(email_status="pending").count() == 12  # 3 have no address


def test_mail_task_sends_pending_mail(assigned, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with mock.patch.object(tasks.send_notification_emails, "apply_async"):
        tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-01"})
    assert tasks.send_notification_emails.apply().get() == {"sent": 3, "failed": 0, "retrying": 0, "events": 0}
