"""Metrics for Prometheus (``ops.metrics``): request latency, counts and database queries by view,
the periodic jobs, the notifications' mail and the open obligations by deadline state."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from notifications.schedule import DEADLINE_TASK, EMAIL_TASK
from ops.models import JobOutcome, JobRun
from petitions.models import Petition
from petitions.selectors import filter_reply_state
from tests import factories as f
from tests.deadline_world import at

pytestmark = pytest.mark.django_db

METRICS = reverse("ops:metrics")


def sample(text: str, name: str, **labels) -> float | None:
    """The value of one series in Prometheus' text format."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        match = re.fullmatch(r"([a-zA-Z_:]+)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', match[2] or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(match[3])
    return None


def test_requests_are_measured_by_view_with_their_database_queries(client, staff_user):
    client.force_login(staff_user)
    before = (
        sample(
            client.get(METRICS).content.decode(),
            "portal_http_request_duration_seconds_count",
            view="sessions:list",
            method="GET",
        )
        or 0
    )
    client.get(reverse("sessions:list"))
    client.get(reverse("sessions:list"), {"q": "một chuỗi tìm kiếm"})
    text = client.get(METRICS).content.decode()
    assert sample(text, "portal_http_request_duration_seconds_count", view="sessions:list", method="GET") == before + 2
    assert sample(text, "portal_http_requests_total", view="sessions:list", method="GET", status="200") >= 2
    assert sample(text, "portal_db_queries_per_request_sum", view="sessions:list") > 0
    assert "một chuỗi" not in text  # the view's name is the label, never the URL or its query


def test_job_metrics_come_from_the_recorded_runs(client):
    now = timezone.now()
    JobRun.objects.create(job=DEADLINE_TASK, started=now - dt.timedelta(hours=3), finished=now - dt.timedelta(hours=3) + dt.timedelta(seconds=12), outcome=JobOutcome.SUCCESS)  # fmt: skip
    JobRun.objects.create(job=EMAIL_TASK, started=now - dt.timedelta(days=2), outcome=JobOutcome.SUCCESS)
    JobRun.objects.create(
        job=EMAIL_TASK, started=now - dt.timedelta(minutes=3), finished=now, outcome=JobOutcome.FAILURE
    )
    text = client.get(METRICS).content.decode()
    assert sample(text, "portal_job_late", job=DEADLINE_TASK) == 0
    assert sample(text, "portal_job_late", job=EMAIL_TASK) == 1
    assert sample(text, "portal_job_last_duration_seconds", job=DEADLINE_TASK) == 12
    assert sample(text, "portal_job_last_success_timestamp_seconds", job=DEADLINE_TASK) == pytest.approx(
        (now - dt.timedelta(hours=3)).timestamp()
    )
    assert sample(text, "portal_job_runs_last_day", job=EMAIL_TASK, outcome="failure") == 1
    assert sample(text, "portal_job_runs_last_day", job=EMAIL_TASK, outcome="success") is None  # two days ago


def test_notifications_and_open_obligations_match_the_selectors(client, assigned, people, settings):
    from notifications.engine import deadlines_enforce

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with at(dt.date(2026, 4, 7)):
        deadlines_enforce()
        Notification.objects.filter(pk=Notification.objects.order_by("pk").first().pk).update(email_status="failed")
        text = client.get(METRICS).content.decode()
        overdue = filter_reply_state(Petition.objects.all(), "overdue").count()
    assert overdue == 3
    assert sample(text, "portal_obligations_open", obligation="reply", state="overdue") == overdue
    assert sample(text, "portal_obligations_open", obligation="reply", state="open") == 0
    assert sample(text, "portal_obligations_open", obligation="notice", state="overdue") == 0
    pending = Notification.objects.filter(email_status="pending").count()
    assert sample(text, "portal_notifications_email", status="pending") == pending > 0
    assert sample(text, "portal_notifications_email", status="failed") == 1
    assert sample(text, "portal_notifications_last_day", status="pending") == pending


def test_a_scrape_costs_a_bounded_number_of_queries(client, assigned, people, django_assert_max_num_queries):
    from notifications.engine import OBLIGATIONS
    from ops.selectors import jobs_watched

    f.UserFactory()
    # A fixed handful, plus one per watched job (its last duration) and one per obligation (its
    # states in one aggregate): never one per petition, notification or run.
    bound = 8 + len(jobs_watched()) + len(OBLIGATIONS)
    with django_assert_max_num_queries(bound):
        assert client.get(METRICS).status_code == 200


def test_open_obligations_are_counted_once_a_minute_and_say_their_age(
    client, assigned, people, settings, django_assert_max_num_queries
):
    """The country's open obligations are cached for ``METRICS_OBLIGATIONS_CACHE_SECONDS``; the
    other gauges stay live, and the age of the counts is in the output."""
    import time_machine

    from notifications.engine import OBLIGATIONS

    settings.METRICS_OBLIGATIONS_CACHE_SECONDS = 60
    start = dt.datetime(2026, 4, 7, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        first = client.get(METRICS).content.decode()
        overdue = sample(first, "portal_obligations_open", obligation="reply", state="overdue")
        assert overdue == filter_reply_state(Petition.objects.all(), "overdue").count() > 0
        assert sample(first, "portal_obligations_open_age_seconds") == 0
    Petition.objects.filter(pk=assigned[0].pk).update(status="withdrawn")  # one fewer open obligation
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        bound = 8 + len(OBLIGATIONS)  # the obligations are not counted again
        with django_assert_max_num_queries(bound):
            second = client.get(METRICS).content.decode()
        assert sample(second, "portal_obligations_open", obligation="reply", state="overdue") == overdue
        assert sample(second, "portal_obligations_open_age_seconds") == 30
    with time_machine.travel(start + dt.timedelta(seconds=61), tick=False):
        third = client.get(METRICS).content.decode()
        assert sample(third, "portal_obligations_open", obligation="reply", state="overdue") == overdue - 1
        assert sample(third, "portal_obligations_open_age_seconds") == 0


def test_open_obligations_are_counted_at_every_scrape_when_the_cache_is_off(client, assigned, people, settings):
    settings.METRICS_OBLIGATIONS_CACHE_SECONDS = 0
    with at(dt.date(2026, 4, 7)):
        before = sample(
            client.get(METRICS).content.decode(), "portal_obligations_open", obligation="reply", state="overdue"
        )
        Petition.objects.filter(pk=assigned[0].pk).update(status="withdrawn")
        after = sample(
            client.get(METRICS).content.decode(), "portal_obligations_open", obligation="reply", state="overdue"
        )
    assert after == before - 1
