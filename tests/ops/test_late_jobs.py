"""A late periodic job is noticed by the administrators: a red banner on every page while it is
late, and one e-mail per late occurrence, sent by the worker's mail sweep (which checks before
it sends) and also recorded when an administrator opens a page (the sweep is then enqueued,
since the beat that should send it may be what died)."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from notifications import tasks
from notifications.models import Notification, ObligationKind
from notifications.schedule import DEADLINE_JOB, DEADLINE_TASK, DIGEST_TASK, EMAIL_TASK
from ops.models import JobOutcome, JobRun
from ops.schedule import CLEANUP_TASK
from ops.services import late_job_alerts_record
from tests import factories as f

pytestmark = pytest.mark.django_db

BANNER = "Công việc định kỳ đang trễ"


@pytest.fixture
def admins(province):
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True, email="root@example.vn")
    by_role = f.UserFactory(username="quantri", email="quantri@example.vn")
    f.MembershipFactory(user=by_role, unit=province.province, role="admin")
    f.UserFactory(username="former", is_superuser=True, is_active=False)
    return root, by_role


@pytest.fixture
def on_time():
    for task in (DEADLINE_TASK, EMAIL_TASK, DIGEST_TASK, CLEANUP_TASK):
        JobRun.objects.create(job=task, started=timezone.now() - dt.timedelta(minutes=5), outcome=JobOutcome.SUCCESS)


@pytest.fixture
def daily_job_late(on_time):
    """The daily job last succeeded two days ago (the beat died); the others are fine."""
    JobRun.objects.filter(job=DEADLINE_TASK).update(started=timezone.now() - dt.timedelta(days=2))


def alerts():
    return Notification.objects.filter(obligation=ObligationKind.SYSTEM)


def test_administrators_see_the_red_banner_while_the_daily_job_is_late(client, admins, daily_job_late):
    client.force_login(admins[0])
    with mock.patch.object(tasks.send_notification_emails, "apply_async"):
        page = client.get(reverse("home")).content.decode()
    assert BANNER in page and DEADLINE_JOB in page and reverse("ops:status") in page


def test_the_banner_goes_once_the_job_has_run(client, admins, daily_job_late):
    JobRun.objects.create(job=DEADLINE_TASK, started=timezone.now(), outcome=JobOutcome.SUCCESS)
    client.force_login(admins[0])
    assert BANNER not in client.get(reverse("home")).content.decode()


def test_other_users_never_see_the_banner(client, admins, daily_job_late, staff_user):
    client.force_login(staff_user)
    assert BANNER not in client.get(reverse("home")).content.decode()
    assert not alerts().exists()


def test_the_banner_is_in_the_admin_too(client, admins, daily_job_late):
    client.force_login(admins[0])
    with mock.patch.object(tasks.send_notification_emails, "apply_async"):
        assert BANNER in client.get(reverse("admin:index")).content.decode()


def test_an_administrator_opening_a_page_records_one_alert_per_administrator_and_enqueues_the_sweep(
    client, admins, daily_job_late
):
    client.force_login(admins[1])
    with mock.patch.object(tasks.send_notification_emails, "apply_async") as enqueue:
        client.get(reverse("home"))
        client.get(reverse("sessions:list"))
        client.get(reverse("ops:status"))
    assert enqueue.call_count == 1  # only when something new was recorded
    assert sorted(alerts().values_list("recipient__username", flat=True)) == ["quantri", "root"]
    alert = alerts().get(recipient=admins[0])
    job = PeriodicTask.objects.get(name=DEADLINE_JOB)
    assert alert.object_id == job.pk and alert.stage.startswith("late_") and alert.url == reverse("ops:status")
    assert DEADLINE_JOB in alert.title and "nhắc hạn và báo quá hạn không được gửi" in alert.body
    assert alert.email_status == "pending"


def test_the_mail_sweep_checks_first_and_mails_each_administrator_once(admins, daily_job_late, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert tasks.send_notification_emails.apply().get()["sent"] == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["quantri@example.vn", "root@example.vn"]
    assert all(DEADLINE_JOB in m.subject for m in mail.outbox)
    assert reverse("ops:status") in mail.outbox[0].body
    # Later sweeps and page views while the same occurrence is late send nothing more.
    assert tasks.send_notification_emails.apply().get()["sent"] == 0
    assert late_job_alerts_record() == 0
    assert len(mail.outbox) == 2 and alerts().count() == 2


def test_a_new_late_occurrence_is_alerted_again(admins, daily_job_late):
    assert late_job_alerts_record() == 1
    JobRun.objects.create(job=DEADLINE_TASK, started=timezone.now() - dt.timedelta(hours=1), outcome="success")
    assert late_job_alerts_record() == 0  # on time again
    assert late_job_alerts_record(now=timezone.now() + dt.timedelta(days=2)) >= 1  # missed again later
    daily = PeriodicTask.objects.get(name=DEADLINE_JOB)
    assert alerts().filter(recipient=admins[0], object_id=daily.pk).values("stage").distinct().count() == 2


def test_nothing_is_recorded_while_every_job_is_on_time(client, admins, on_time):
    client.force_login(admins[0])
    with mock.patch.object(tasks.send_notification_emails, "apply_async") as enqueue:
        client.get(reverse("home"))
    assert not alerts().exists() and not enqueue.called


def test_the_check_costs_an_administrators_page_one_query_when_all_is_well(client, admins, on_time):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(admins[0])
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("notifications:list"))
    beat_queries = [q for q in ctx.captured_queries if "django_celery_beat_periodictask" in q["sql"]]
    assert len(beat_queries) == 1


def test_a_broken_check_never_breaks_the_page(client, admins, daily_job_late):
    client.force_login(admins[0])
    with mock.patch("ops.selectors.jobs_watched", side_effect=RuntimeError("boom")):
        assert client.get(reverse("home")).status_code == 200


def test_the_alert_opens_the_status_page(client, admins, daily_job_late):
    late_job_alerts_record()
    client.force_login(admins[0])
    alert = alerts().get(recipient=admins[0])
    response = client.get(reverse("notifications:open", args=[alert.pk]))
    assert response.status_code == 302 and response.url == reverse("ops:status")
