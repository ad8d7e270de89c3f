"""Faults, on the real services: Redis down while the web and the daily job run, and PostgreSQL
dropping the job's connection mid-run.

(A worker SIGKILLed mid-task and two beat-like runs at once are tested in
``tests.notifications.test_enforcement_services.py``.)

The web request and the job run in child processes configured like production (their own
``DATABASE_URL`` pointing at the test database, ``CELERY_BROKER_URL`` at a Redis we start and stop
here), so nothing of this test process's own configuration helps them.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from notifications.models import EmailStatus, Notification
from petitions.models import Petition, PetitionStatus, WrittenReply
from tests.conftest import require_service
from tests.notifications.test_enforcement_services import EXPECTED, TODAY, Processes, key_counts, wait_for

ROOT = Path(settings.BASE_DIR)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _child_env(tmp_path: Path, **extra) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings",
        "PYTHONPATH": str(ROOT),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "ALLOWED_HOSTS": "testserver,localhost",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        **extra,
    }


class RedisServer:
    """A throw-away redis-server on a free loopback port, to be stopped and started again."""

    def __init__(self, tmp_path: Path):
        self.binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.port = _free_port()
        self.dir = tmp_path / "redis"
        self.dir.mkdir()
        self.proc = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 - held by the process
        self.proc = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir), "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=1).ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start:\n{(self.dir / 'redis.log').read_text()}")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)


@pytest.fixture
def redis_server(require_postgres, tmp_path):
    require_service("redis-server", shutil.which("redis-server") is not None or Path("/usr/bin/redis-server").exists())
    server = RedisServer(tmp_path)
    yield server
    server.stop()


# The child process: a staff member's web request and the daily job, with the broker down.
WEB_AND_JOB_WHILE_REDIS_IS_DOWN = r"""
import datetime as dt, json, sys, time
from zoneinfo import ZoneInfo
import django
django.setup()
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.auth import get_user_model
from django.test import Client
from django.conf import settings

url, today = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
out = {"broker": settings.CELERY_BROKER_URL}
with time_machine.travel(dt.datetime(today.year, today.month, today.day, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=True):
    client = Client()
    client.force_login(get_user_model().objects.get(username="agency"))
    started = time.monotonic()
    response = client.post(url, {
        "replied_on": today.strftime("%d/%m/%Y"), "number": "45/SNNMT-VP", "summary": "Đã trả lời khi Redis ngừng.",
        "letter": SimpleUploadedFile("tra-loi.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"),
    })
    out["reply_status"], out["reply_location"] = response.status_code, response.get("Location", "")
    out["reply_seconds"] = round(time.monotonic() - started, 2)
    from notifications.tasks import enforce_deadlines
    started = time.monotonic()
    result = enforce_deadlines.apply(kwargs={"today": today.isoformat()})
    out["job_state"], out["job_result"] = result.state, result.result if result.successful() else repr(result.result)
    out["job_seconds"] = round(time.monotonic() - started, 2)
print(json.dumps(out))
"""


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_web_and_the_daily_job_work_and_mail_goes_out_when_it_returns(
    world, redis_server, tmp_path
):
    from django.urls import reverse

    redis_server.start()
    redis_server.stop()  # the broker the processes are configured with is now down
    petition = world[2]  # overdue since 06/04, answered while Redis is down

    env = _child_env(tmp_path, CELERY_BROKER_URL=redis_server.url)
    child = subprocess.run(
        [sys.executable, "-c", WEB_AND_JOB_WHILE_REDIS_IS_DOWN, reverse("petitions:reply", args=[petition.pk]), TODAY.isoformat()],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert child.returncode == 0, child.stdout + child.stderr
    out = json.loads(child.stdout.strip().splitlines()[-1])
    assert out["broker"] == redis_server.url
    # The web keeps working: the reply is recorded and the user is sent back to the petition.
    assert out["reply_status"] == 302 and out["reply_location"] == petition.get_absolute_url()
    assert Petition.objects.get(pk=petition.pk).status == PetitionStatus.REPLIED
    assert WrittenReply.objects.filter(petition=petition, number="45/SNNMT-VP").exists()
    # The daily job run synchronously records the in-app notifications; only the mail waits.
    assert out["job_state"] == "SUCCESS", out
    assert out["job_result"]["total_created"] == 10  # one overdue reply, one overdue complex target, 5 people each
    assert "Could not enqueue the mail sweep" in child.stderr
    total, distinct = key_counts()
    # The ten deadline notifications, plus the reply's event notifications (the report to the
    # session level's head, the reply told to those who follow it) recorded by the same job:
    # each key once.
    assert total == distinct
    assert Notification.objects.exclude(obligation="event").count() == 10
    assert Notification.objects.filter(obligation="event", petition=petition).exists()
    assert not Notification.objects.filter(object_id=petition.pk, obligation="reply").exists()
    # Deadline notifications wait for the mail sweep; event ones (by default) for the daily digest.
    with_email = Notification.objects.filter(email_status=EmailStatus.PENDING)
    assert with_email.count() > 0
    assert set(with_email.values_list("obligation", flat=True)) <= {"reply", "complex"}
    assert set(Notification.objects.exclude(email_status=EmailStatus.NONE).values_list("email_status", flat=True)) <= {
        EmailStatus.PENDING,
        EmailStatus.DIGEST,
    }
    pending = with_email.count()

    # Redis returns: the next mail sweep (beat sends one every 15 minutes) goes through it to a
    # real worker, which mails every pending notification once.
    redis_server.start()
    procs = Processes(tmp_path, redis_server.url)
    try:
        procs.start("worker")
        procs.send("notifications.send_emails")
        wait_for(
            lambda: not Notification.objects.filter(email_status=EmailStatus.PENDING).exists(),
            90,
            "the mail sweep",
            procs,
        )
    finally:
        procs.stop_all()
    sent = Notification.objects.filter(email_status=EmailStatus.SENT)
    assert sent.count() == pending
    mail = "".join(p.read_text(errors="replace") for p in (tmp_path / "mail").glob("*"))
    assert mail.count("\nSubject: ") + mail.startswith("Subject: ") == sent.count()
    assert key_counts() == (total, total)  # nothing recorded twice when the broker returns


# The child process: the enforcement job, pausing after its first written stage (test hook of
# tests.notifications.celery_harness.py) so that the test can drop its database connection.
JOB = r"""
import sys
import tests.notifications.celery_harness  # django.setup() and the pause hook
from django.core.management import call_command
call_command("enforce_deadlines", "--today", sys.argv[1], "--no-email")
"""


JOB_APPLICATION_NAME = "dp-fault-job"


def _terminate_backends_of_this_database() -> int:
    """What a PostgreSQL restart does to the job: its connections are cut. Only the job's own
    connections (marked by application_name) are touched, so the test process, its live server
    thread and other test runs sharing the cluster keep theirs."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s AND pid <> pg_backend_pid()",
            [JOB_APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_database_connection_drops_mid_run_fails_cleanly_and_the_next_run_catches_up(
    require_postgres, world, tmp_path
):
    marker = tmp_path / "stage-written"
    env = _child_env(
        tmp_path, DEADLINE_TEST_PAUSE_AFTER_WRITE="5", DEADLINE_TEST_MARKER=str(marker), PGAPPNAME=JOB_APPLICATION_NAME
    )
    job = subprocess.Popen(
        [sys.executable, "-c", JOB, TODAY.isoformat()],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while not marker.exists() and job.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert marker.exists(), job.communicate(timeout=30)
        written_before = Notification.objects.count()
        assert 0 < written_before < EXPECTED  # mid-run: the overdue replies are in, the complex case not yet
        assert _terminate_backends_of_this_database() >= 1
        stdout, stderr = job.communicate(timeout=60)
    finally:
        if job.poll() is None:
            job.kill()
            job.wait(10)
    # The job fails (non-zero exit, a database error) instead of carrying on half-blind...
    assert job.returncode != 0, stdout + stderr
    assert "OperationalError" in stderr or "InterfaceError" in stderr, stderr[-3000:]
    assert "Kiểm tra thời hạn" not in stdout  # it never reported a finished run
    # ...leaving only whole stages behind, no duplicates...
    total, distinct = key_counts()
    assert total == distinct == written_before

    # ...and the next run (the next beat tick, or the retried task) makes good the rest.
    rerun = subprocess.run(
        [sys.executable, "manage.py", "enforce_deadlines", "--today", TODAY.isoformat(), "--no-email"],
        cwd=ROOT, env=_child_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert rerun.stdout.strip().endswith(f"thông báo mới {EXPECTED - written_before}")
    # EXPECTED is what one clean run makes of this world (tests.notifications.test_enforcement_services.py).
    assert key_counts() == (EXPECTED, EXPECTED)
    assert Notification.objects.filter(obligation="complex").count() == 5
    again = subprocess.run(
        [sys.executable, "manage.py", "enforce_deadlines", "--today", TODAY.isoformat(), "--no-email"],
        cwd=ROOT, env=_child_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert again.stdout.strip().endswith("thông báo mới 0")
    assert key_counts() == (EXPECTED, EXPECTED)
