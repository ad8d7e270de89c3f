"""The twin command ``enforce_deadlines`` and the default beat schedule."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from notifications.models import Notification
from notifications.schedule import DEADLINE_JOB, EMAIL_JOB, beat_schedule_install
from tests.deadline_world import at

pytestmark = pytest.mark.django_db


def run(*args) -> list[str]:
    out = io.StringIO()
    call_command("enforce_deadlines", *args, stdout=out)
    return out.getvalue().strip().splitlines()


def test_command_summary_ends_with_the_new_notifications_and_zero_on_a_second_run(assigned, people):
    first = run("--today", "2026-04-07")
    second = run("--today", "2026-04-07")
    assert first[-1] == "Kiểm tra thời hạn ngày 07/04/2026: thông báo mới 15"
    assert second[-1].endswith(" 0")
    assert Notification.objects.count() == 15


def test_command_uses_the_hanoi_date_by_default(session, people):
    with at(dt.date(2026, 3, 9), 6):  # 23:00 UTC the day before
        lines = run("--no-email")
    assert lines[-1] == "Kiểm tra thời hạn ngày 09/03/2026: thông báo mới 1"


def test_command_mails_the_new_notifications(assigned, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lines = run("--today", "2026-04-01")
    assert "đã gửi 3" in "\n".join(lines)


def test_command_rejects_a_bad_date_and_changes_nothing(assigned):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "07/04/2026")
    assert not Notification.objects.exists()


def test_enforce_deadlines_twice_on_the_demo_data_ends_with_zero(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("seed_demo", "--force", stdout=io.StringIO())
    first = run()
    second = run()
    assert int(first[-1].rsplit(" ", 1)[1]) > 0
    assert second[-1].endswith(" 0")


# --- the default schedule ---------------------------------------------------------------------


def test_migrate_installs_the_daily_job_at_seven_in_hanoi_and_the_mail_sweep():
    from django_celery_beat.models import PeriodicTask

    jobs = {t.name: t for t in PeriodicTask.objects.select_related("crontab", "interval")}
    for name, task in ((DEADLINE_JOB, "notifications.enforce_deadlines"),):
        assert jobs[name].task == task and jobs[name].enabled
        assert (jobs[name].crontab.minute, jobs[name].crontab.hour) == ("0", "7")
        assert str(jobs[name].crontab.timezone) == "Asia/Ho_Chi_Minh"
    assert jobs[EMAIL_JOB].task == "notifications.send_emails" and jobs[EMAIL_JOB].interval.every == 15


def test_installing_again_keeps_an_administrators_change():
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    job = PeriodicTask.objects.get(name=DEADLINE_JOB)
    job.crontab = CrontabSchedule.objects.create(minute="30", hour="6", timezone="Asia/Ho_Chi_Minh")
    job.enabled = False
    job.save()
    assert beat_schedule_install() == []
    job.refresh_from_db()
    assert (job.crontab.hour, job.crontab.minute, job.enabled) == ("6", "30", False)
    assert PeriodicTask.objects.filter(name__in=[DEADLINE_JOB, EMAIL_JOB]).count() == 2


def test_a_deleted_default_job_is_reinstalled_on_the_next_migrate():
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(name=DEADLINE_JOB).delete()
    assert beat_schedule_install() == [DEADLINE_JOB]
