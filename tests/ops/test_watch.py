"""When a periodic job is late (``ops.selectors.jobs_watched``, ``ops.schedules``): after its last
success it must run again at its next scheduled time and complete within
``JOB_LATE_AFTER_MINUTES`` (the 07:00 daily job by 08:00)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from notifications.schedule import DEADLINE_JOB, DEADLINE_TASK, DIGEST_JOB, DIGEST_TASK, EMAIL_JOB, EMAIL_TASK
from ops.models import JobOutcome, JobRun
from ops.schedule import CLEANUP_JOB
from ops.schedules import next_run_after
from ops.selectors import jobs_late, jobs_watched

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def hanoi(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=HANOI)


def run(task=DEADLINE_TASK, started=None, outcome=JobOutcome.SUCCESS, seconds=40):
    return JobRun.objects.create(
        job=task,
        started=started,
        finished=started + dt.timedelta(seconds=seconds) if outcome != JobOutcome.RUNNING else None,
        outcome=outcome,
    )


def watch_of(task, now):
    return next(w for w in jobs_watched(now=now) if w.task == task)


@pytest.fixture(autouse=True)
def installed_long_ago():
    """The schedule entries were installed long before the days these tests look at."""
    PeriodicTask.objects.update(date_changed=hanoi(1, 0, month=1))


# --- the daily job --------------------------------------------------------------------------


def test_the_daily_job_is_on_time_until_eight_the_next_day_then_late():
    run(started=hanoi(19, 7, 0, 2))
    assert not watch_of(DEADLINE_TASK, hanoi(20, 7, 59)).late
    watch = watch_of(DEADLINE_TASK, hanoi(20, 8, 0, 1))
    assert watch.late
    assert watch.due == hanoi(20, 7) and watch.deadline == hanoi(20, 8)
    assert watch.last_success == hanoi(19, 7, 0, 2)


def test_the_window_follows_the_setting(settings):
    settings.JOB_LATE_AFTER_MINUTES = 150
    run(started=hanoi(19, 7, 0, 2))
    assert not watch_of(DEADLINE_TASK, hanoi(20, 9, 29)).late
    assert watch_of(DEADLINE_TASK, hanoi(20, 9, 31)).late


def test_a_run_that_completes_late_makes_the_job_on_time_again():
    run(started=hanoi(19, 7, 0, 2))
    assert watch_of(DEADLINE_TASK, hanoi(20, 9)).late
    run(started=hanoi(20, 9, 5))  # beat came back, or an administrator ran it
    watch = watch_of(DEADLINE_TASK, hanoi(20, 9, 10))
    assert not watch.late and watch.due == hanoi(21, 7)


def test_a_failed_or_unfinished_run_does_not_count():
    run(started=hanoi(19, 7, 0, 2))
    run(started=hanoi(20, 7, 0, 2), outcome=JobOutcome.FAILURE)
    run(started=hanoi(20, 7, 5), outcome=JobOutcome.RETRY)
    run(started=hanoi(20, 7, 10), outcome=JobOutcome.RUNNING)  # a stuck worker
    assert watch_of(DEADLINE_TASK, hanoi(20, 8, 1)).late


def test_yesterdays_late_run_does_not_stand_for_todays():
    run(started=hanoi(19, 10))  # completed late yesterday
    assert watch_of(DEADLINE_TASK, hanoi(20, 8, 1)).late


def test_moving_the_job_in_the_admin_moves_its_window():
    job = PeriodicTask.objects.get(name=DEADLINE_JOB)
    job.crontab = CrontabSchedule.objects.create(minute="30", hour="5", timezone="Asia/Ho_Chi_Minh")
    job.save()
    PeriodicTask.objects.filter(pk=job.pk).update(date_changed=hanoi(1, 0, month=1))
    run(started=hanoi(19, 5, 30, 1))
    assert not watch_of(DEADLINE_TASK, hanoi(20, 6, 29)).late
    assert watch_of(DEADLINE_TASK, hanoi(20, 6, 31)).late


def test_a_job_that_never_succeeded_counts_from_its_first_run_or_its_installation():
    PeriodicTask.objects.filter(name=DEADLINE_JOB).update(date_changed=hanoi(19, 15))
    assert not watch_of(DEADLINE_TASK, hanoi(20, 7, 59)).late
    assert watch_of(DEADLINE_TASK, hanoi(20, 8, 1)).late
    # A worker that picked it up at once but failed: late from that first scheduled run.
    PeriodicTask.objects.filter(name=DEADLINE_JOB).update(date_changed=hanoi(25, 15))
    run(started=hanoi(19, 6, 59, 59), outcome=JobOutcome.FAILURE)
    assert watch_of(DEADLINE_TASK, hanoi(19, 8, 1)).late


def test_the_command_run_by_cron_counts_like_the_task():
    JobRun.objects.create(job=DEADLINE_TASK, source="command", started=hanoi(20, 7, 0, 1), outcome=JobOutcome.SUCCESS)
    assert not watch_of(DEADLINE_TASK, hanoi(20, 12)).late


# --- other entries ----------------------------------------------------------------------------


def test_the_mail_sweep_is_late_an_hour_after_a_missed_fifteen_minute_run():
    run(task=EMAIL_TASK, started=hanoi(20, 10, 0, 1))
    assert not watch_of(EMAIL_TASK, hanoi(20, 11, 15)).late
    watch = watch_of(EMAIL_TASK, hanoi(20, 11, 16))
    assert watch.late and watch.due == hanoi(20, 10, 15, 1)


def test_disabled_one_off_and_future_entries_are_not_watched():
    interval = IntervalSchedule.objects.create(every=1, period="hours")
    PeriodicTask.objects.create(name="tắt", task="x.disabled", interval=interval, enabled=False)
    PeriodicTask.objects.create(name="một lần", task="x.once", interval=interval, one_off=True)
    PeriodicTask.objects.create(name="sau này", task="x.later", interval=interval, start_time=hanoi(1, 0, month=5))
    tasks = {w.task for w in jobs_watched(now=hanoi(20, 9))}
    assert tasks == {DEADLINE_TASK, EMAIL_TASK, DIGEST_TASK, "ops.job_runs_cleanup"}
    assert {w.name for w in jobs_watched(now=hanoi(20, 9))} == {DEADLINE_JOB, EMAIL_JOB, DIGEST_JOB, CLEANUP_JOB}


def test_jobs_late_lists_only_the_late_ones():
    now = hanoi(20, 9)
    for task in (DEADLINE_TASK, EMAIL_TASK, DIGEST_TASK, "ops.job_runs_cleanup"):
        run(task=task, started=now - dt.timedelta(minutes=5))
    assert jobs_late(now=now) == []
    assert [w.task for w in jobs_late(now=now + dt.timedelta(hours=2))] == [EMAIL_TASK]


def test_the_watch_costs_one_query(django_assert_num_queries):
    run(started=hanoi(19, 7))
    with django_assert_num_queries(1):
        jobs_watched(now=hanoi(20, 9))


# --- next scheduled run -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("crontab", "after", "expected"),
    [
        (dict(minute="0", hour="7"), hanoi(20, 7, 0, 0), hanoi(21, 7)),
        (dict(minute="0", hour="7"), hanoi(20, 6, 59, 59), hanoi(20, 7)),
        (dict(minute="*/15", hour="*"), hanoi(20, 9, 7), hanoi(20, 9, 15)),
        # Mondays to Fridays (celery counts Sunday as 0): Friday 20/03 after 07:00 → Monday 23/03
        (dict(minute="0", hour="7", day_of_week="1-5"), hanoi(20, 7, 1), hanoi(23, 7)),
        (dict(minute="0", hour="7", day_of_month="1"), hanoi(20, 7), hanoi(1, 7, month=4)),
    ],
)
def test_next_run_after_reads_the_crontab_in_its_time_zone(crontab, after, expected):
    entry = PeriodicTask(
        name="t", task="t", crontab=CrontabSchedule.objects.create(timezone="Asia/Ho_Chi_Minh", **crontab)
    )
    assert next_run_after(entry, after) == expected
    assert next_run_after(entry, after.astimezone(dt.UTC)) == expected


def test_next_run_after_the_29th_of_february_waits_for_a_leap_year():
    entry = PeriodicTask(
        name="t",
        task="t",
        crontab=CrontabSchedule.objects.create(minute="0", hour="7", day_of_month="29", month_of_year="2"),
    )
    assert next_run_after(entry, hanoi(20, 7)) == dt.datetime(2028, 2, 29, 7, tzinfo=HANOI)


def test_interval_runs_follow_the_last_start():
    entry = PeriodicTask(name="t", task="t", interval=IntervalSchedule.objects.create(every=15, period="minutes"))
    with time_machine.travel(hanoi(20, 12)):
        assert next_run_after(entry, hanoi(20, 10)) == hanoi(20, 10, 15)
