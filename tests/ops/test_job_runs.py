"""Every run of a periodic job is recorded (``ops.celery_hooks``, ``ops.services``): the Celery
tasks through their signals, the twin command itself; kept a year."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from notifications import tasks
from notifications.models import Notification
from ops import services
from ops.models import JobOutcome, JobRun, JobSource
from ops.tasks import cleanup_job_runs

pytestmark = pytest.mark.django_db


def test_the_daily_task_run_is_recorded_with_its_counts_per_obligation_and_stage(assigned, people):
    with mock.patch.object(tasks.send_notification_emails, "apply_async"):
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"}).get()
    run = JobRun.objects.get()
    assert run.job == "notifications.enforce_deadlines" and run.source == JobSource.WORKER
    assert run.outcome == JobOutcome.SUCCESS and run.finished >= run.started and run.error == ""
    assert run.counts == result
    assert run.counts["created"]["reply:overdue"] == 15 and run.counts["total_created"] == 15
    assert run.counts["obligations"]["reply:overdue"] == 3
    assert run.task_id and run.host


def test_the_mail_sweep_run_is_recorded(assigned, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tasks.send_notification_emails.apply().get()
    run = JobRun.objects.get()
    assert (run.job, run.outcome, run.counts) == (
        "notifications.send_emails",
        JobOutcome.SUCCESS,
        {"sent": 0, "failed": 0, "retrying": 0, "events": 0},
    )


def test_a_failed_attempt_and_its_retry_are_two_runs_the_first_keeping_its_error(assigned, people):
    from notifications import engine

    real, calls = engine.deadlines_enforce, []

    def flaky(**kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(**kwargs)

    with (
        mock.patch.object(tasks, "deadlines_enforce", side_effect=flaky),
        mock.patch.object(tasks.send_notification_emails, "apply_async"),
    ):
        tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"}).get()
    first, second = JobRun.objects.order_by("id")
    assert (first.outcome, first.attempt) == (JobOutcome.RETRY, 0)
    assert first.error == "OperationalError: server closed the connection unexpectedly"
    assert (second.outcome, second.attempt) == (JobOutcome.SUCCESS, 1)
    assert first.task_id == second.task_id
    assert second.counts["total_created"] == 15


def test_a_task_that_fails_is_recorded_as_a_failure_with_its_error(assigned, people):
    with mock.patch.object(tasks, "deadlines_enforce", side_effect=ValueError("lỗi lập trình")):
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"})
    assert result.failed()
    run = JobRun.objects.get()
    assert run.outcome == JobOutcome.FAILURE and run.error == "ValueError: lỗi lập trình"
    assert run.finished is not None and run.counts == {}


def test_a_recording_that_fails_never_fails_the_task(assigned, people, caplog):
    with (
        mock.patch.object(services, "job_run_start", side_effect=OperationalError("no table")),
        mock.patch.object(tasks.send_notification_emails, "apply_async"),
    ):
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"}).get()
    assert result["total_created"] == 15 == Notification.objects.count()
    assert not JobRun.objects.exists()
    assert "Could not record the start" in caplog.text


def test_the_twin_command_records_its_run(assigned, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("enforce_deadlines", "--today", "2026-04-07", stdout=io.StringIO())
    run = JobRun.objects.get()
    assert (run.job, run.source, run.outcome) == ("notifications.enforce_deadlines", JobSource.COMMAND, "success")
    assert run.counts["total_created"] == 15 and run.counts["sent"] == 12 and run.counts["events"] == 0


def test_the_twin_command_records_its_failure_and_still_fails(assigned, people):
    with (
        mock.patch("ops.management.commands.enforce_deadlines.deadlines_enforce", side_effect=OperationalError("gone")),
        pytest.raises(OperationalError),
    ):
        call_command("enforce_deadlines", "--today", "2026-04-07", "--no-email", stdout=io.StringIO())
    run = JobRun.objects.get()
    assert run.outcome == JobOutcome.FAILURE and run.error == "OperationalError: gone"


def test_the_cleanup_purges_runs_older_than_a_year_and_closes_the_ones_cut_off(settings):
    now = timezone.now()

    def at(delta, outcome=JobOutcome.SUCCESS):
        return JobRun.objects.create(job="notifications.send_emails", started=now - delta, outcome=outcome)

    old = at(dt.timedelta(days=366))
    kept = at(dt.timedelta(days=364))
    cut_off = at(dt.timedelta(hours=3), JobOutcome.RUNNING)
    running = at(dt.timedelta(minutes=5), JobOutcome.RUNNING)
    result = cleanup_job_runs.apply().get()
    assert result == {"purged": 1, "lost": 1}
    assert not JobRun.objects.filter(pk=old.pk).exists()
    assert JobRun.objects.get(pk=kept.pk).outcome == JobOutcome.SUCCESS
    assert JobRun.objects.get(pk=cut_off.pk).outcome == JobOutcome.LOST
    assert JobRun.objects.get(pk=running.pk).outcome == JobOutcome.RUNNING
    # The cleanup's own run is recorded too.
    assert JobRun.objects.filter(job="ops.job_runs_cleanup", outcome=JobOutcome.SUCCESS).count() == 1


def test_the_retention_is_a_setting(settings):
    settings.JOB_RUN_RETENTION_DAYS = 30
    JobRun.objects.create(job="x", started=timezone.now() - dt.timedelta(days=31), outcome=JobOutcome.SUCCESS)
    assert services.job_runs_cleanup()["purged"] == 1


def test_migrate_installs_the_daily_cleanup():
    from django_celery_beat.models import PeriodicTask

    from ops.schedule import CLEANUP_JOB, ops_schedule_install

    job = PeriodicTask.objects.select_related("crontab").get(name=CLEANUP_JOB)
    assert job.task == "ops.job_runs_cleanup" and (job.crontab.hour, job.crontab.minute) == ("3", "30")
    job.enabled = False
    job.save()
    assert ops_schedule_install() == []
    job.refresh_from_db()
    assert job.enabled is False  # an administrator's change is kept


def test_tasks_go_to_their_queues():
    from dialogue_portal.celery import app

    router = app.amqp.router
    queue = {name: router.route({}, name)["queue"].name for name in
             ("notifications.enforce_deadlines", "notifications.send_emails", "ops.job_runs_cleanup")}  # fmt: skip
    assert queue == {
        "notifications.enforce_deadlines": "deadlines",
        "notifications.send_emails": "mail",
        "ops.job_runs_cleanup": "deadlines",
    }
