"""The monitoring endpoints (``ops.health``, ``ops.views``): liveness touches nothing; readiness
checks the database, the broker, the migrations and the periodic jobs, 503 when one fails;
both readiness and metrics answer only the monitoring address or token, and reveal no data."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from notifications.schedule import DEADLINE_TASK, DIGEST_TASK, EMAIL_TASK
from ops import health
from ops.models import JobOutcome, JobRun
from ops.schedule import CLEANUP_TASK
from tests import factories as f

pytestmark = pytest.mark.django_db

READY = reverse("ops:readiness")
ALIVE = reverse("ops:liveness")
METRICS = reverse("ops:metrics")
OUTSIDE = "203.0.113.7"


def all_jobs_ran(minutes_ago=5):
    for task in (DEADLINE_TASK, EMAIL_TASK, DIGEST_TASK, CLEANUP_TASK):
        JobRun.objects.create(
            job=task, started=timezone.now() - dt.timedelta(minutes=minutes_ago), outcome=JobOutcome.SUCCESS
        )


def jobs_missed():
    """Installed two days ago and never run since."""
    PeriodicTask.objects.update(date_changed=timezone.now() - dt.timedelta(days=2))


# --- liveness -----------------------------------------------------------------------------------


def test_liveness_answers_anybody_and_touches_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(ALIVE, REMOTE_ADDR=OUTSIDE)
    assert response.status_code == 200 and response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


def test_liveness_still_answers_when_the_database_is_down(client):
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=OperationalError("down")):
        assert client.get(ALIVE).status_code == 200


# --- readiness ----------------------------------------------------------------------------------


def test_readiness_is_green_when_everything_is_well(client, django_assert_max_num_queries):
    all_jobs_ran()
    with django_assert_max_num_queries(4):
        response = client.get(READY)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "broker": "ok",
            "migrations": "ok",
            "jobs": {DEADLINE_TASK: "ok", EMAIL_TASK: "ok", DIGEST_TASK: "ok", CLEANUP_TASK: "ok"},
        },
    }


def test_readiness_is_503_while_a_daily_job_is_late(client):
    all_jobs_ran()
    JobRun.objects.filter(job=DEADLINE_TASK).update(started=timezone.now() - dt.timedelta(days=2))
    response = client.get(READY)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail" and body["checks"]["jobs"][DEADLINE_TASK] == "late"
    assert body["checks"]["jobs"][EMAIL_TASK] == "ok" and body["checks"]["database"] == "ok"


def test_readiness_is_503_when_a_migration_is_pending(client):
    all_jobs_ran()
    on_disk = {**health._migrations_on_disk(), ("ops", "9999_not_applied"): ()}
    with mock.patch.object(health, "_migrations_on_disk", return_value=on_disk):
        response = client.get(READY)
    assert response.status_code == 503 and response.json()["checks"]["migrations"] == "fail"


def test_a_squashed_migration_counts_as_applied_when_what_it_replaces_is(client):
    all_jobs_ran()
    on_disk = {**health._migrations_on_disk(), ("ops", "0001_squashed"): (("ops", "0001_job_runs"),)}
    with mock.patch.object(health, "_migrations_on_disk", return_value=on_disk):
        assert client.get(READY).status_code == 200


def test_readiness_is_503_when_the_broker_is_down(client):
    from celery import current_app
    from kombu import Connection

    all_jobs_ran()
    nothing_listens = "redis://127.0.0.1:9/0"
    with mock.patch.object(current_app, "connection_for_write", lambda **kw: Connection(nothing_listens, **kw)):
        response = client.get(READY)
    assert response.status_code == 503 and response.json()["checks"]["broker"] == "fail"


def test_readiness_is_503_and_says_nothing_more_when_the_database_is_down(client):
    with mock.patch.object(health, "connection") as conn:
        conn.cursor.side_effect = OperationalError("could not connect to server: 10.1.2.3")
        response = client.get(READY)
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "fail",
        "broker": "ok",
        "migrations": "unknown",
        "jobs": {"*": "unknown"},
    }
    assert "10.1.2.3" not in response.content.decode()


def test_readiness_reveals_no_data(client, assigned, people):
    jobs_missed()
    body = client.get(READY).content.decode()
    for secret in ("bồi thường", "agency", "@example.vn", str(timezone.localdate().year)):
        assert secret not in body
    assert set(json.loads(body)) == {"status", "checks"}


# --- who may ask --------------------------------------------------------------------------------


def test_readiness_and_metrics_answer_404_outside_the_monitoring_addresses(client):
    for url in (READY, METRICS):
        assert client.get(url, REMOTE_ADDR=OUTSIDE).status_code == 404


def test_an_allowed_network_may_ask(client, settings):
    settings.MONITORING_ALLOWED_IPS = ["10.20.0.0/16"]
    all_jobs_ran()
    assert client.get(READY, REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get(READY, REMOTE_ADDR="10.21.3.4").status_code == 404
    assert client.get(READY, REMOTE_ADDR="127.0.0.1").status_code == 404


def test_behind_the_proxy_the_address_nginx_received_decides(client):
    all_jobs_ran()
    # nginx on loopback passes the client's address in X-Real-IP
    assert client.get(READY, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=OUTSIDE).status_code == 404
    assert client.get(READY, REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="127.0.0.1").status_code == 200
    # ...but a client that is not the proxy cannot choose its address
    assert client.get(READY, REMOTE_ADDR=OUTSIDE, HTTP_X_REAL_IP="127.0.0.1").status_code == 404


def test_the_token_opens_readiness_and_metrics_from_anywhere(client, settings):
    settings.MONITORING_TOKEN = "s3cret-monitoring-token"
    all_jobs_ran()
    good = {"REMOTE_ADDR": OUTSIDE, "HTTP_AUTHORIZATION": "Bearer s3cret-monitoring-token"}
    assert client.get(READY, **good).status_code == 200
    assert client.get(METRICS, **good).status_code == 200
    bad = {"REMOTE_ADDR": OUTSIDE, "HTTP_AUTHORIZATION": "Bearer wrong"}
    assert client.get(READY, **bad).status_code == 404
    assert client.get(METRICS, **bad).status_code == 404


def test_no_token_is_accepted_when_none_is_set(client, settings):
    settings.MONITORING_TOKEN = ""
    assert client.get(READY, REMOTE_ADDR=OUTSIDE, HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_logged_in_users_get_no_more_than_anonymous(client):
    client.force_login(f.UserFactory(is_superuser=True, is_staff=True))
    assert client.get(READY, REMOTE_ADDR=OUTSIDE).status_code == 404
