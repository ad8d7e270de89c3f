"""On the real PostgreSQL (and, for the worker tests, the real Redis broker and real
``celery worker`` / ``celery beat`` processes): one notification per key, whatever happens."""

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.db import connection

from notifications import engine as enforcement
from notifications.models import Notification
from petitions import services as petition_services
from tests.conftest import require_service
from tests.deadline_world import at

ROOT = Path(settings.BASE_DIR)
TODAY = dt.date(2026, 4, 7)  # replies overdue since 06/04; a complex-case target since 01/04
EXPECTED = 15  # 2 overdue replies × 5 people + 1 overdue complex target × 5 people


def key_counts():
    total = Notification.objects.count()
    distinct = Notification.objects.values("obligation", "object_id", "stage", "recipient").distinct().count()
    return total, distinct


@pytest.fixture
def world(assigned, people):
    """Two petitions waiting for a reply and one whose complex-case target has passed."""
    with at(dt.date(2026, 3, 15), 10):
        petition_services.complex_notice_send(
            petition=assigned[0], notified_on=dt.date(2026, 3, 15), new_target_on=dt.date(2026, 4, 1),
            reason="Cần xác minh", actor=people.agency,
        )  # fmt: skip
    return assigned


def _run_at_once(n: int, today: dt.date):
    barrier = threading.Barrier(n)
    errors = []

    def work():
        try:
            barrier.wait()
            enforcement.deadlines_enforce(today=today)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_four_runs_at_once_on_postgres_make_one_notification_per_key(require_postgres, world):
    assert _run_at_once(4, TODAY) == []
    assert key_counts() == (EXPECTED, EXPECTED)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_unique_key_alone_stops_duplicates_without_the_advisory_lock(require_postgres, world):
    with mock.patch.object(enforcement, "_serialise", lambda *a: None):
        assert _run_at_once(4, TODAY) == []
    assert key_counts() == (EXPECTED, EXPECTED)


# --- the real broker and worker ---------------------------------------------------------------


def _redis_url() -> str | None:
    url = os.environ.get("REDIS_URL")
    if not url:
        return None
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception:
        return None
    return url


@pytest.fixture
def broker(require_postgres):
    url = _redis_url()
    require_service("Redis", url is not None)
    return url


class Processes:
    """Celery processes started against the test database and the real broker."""

    def __init__(self, tmp_path: Path, broker_url: str):
        db = connection.settings_dict
        self.queue = f"deadline-test-{uuid.uuid4().hex[:8]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": broker_url,
            "CELERY_VISIBILITY_TIMEOUT": "2",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings",
            "PYTHONPATH": str(ROOT),
        }
        self.tmp_path = tmp_path
        self.procs = []

    def start(self, kind: str, *extra, **env) -> subprocess.Popen:
        log = open(self.tmp_path / f"{kind}-{len(self.procs)}.log", "wb")  # noqa: SIM115 - held by the process
        cmd = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.notifications.celery_harness",
            kind,
            "--loglevel",
            "INFO",
            *extra,
        ]
        if kind == "worker":
            cmd += [
                "-Q",
                self.queue,
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{uuid.uuid4().hex[:6]}@%h",
            ]
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs.append(proc)
        return proc

    def kill(self, proc, sig=signal.SIGKILL):
        if proc.poll() is None:
            os.killpg(proc.pid, sig)
        proc.wait(30)

    def stop_all(self):
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)

    def logs(self, tail: int | None = None) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-tail if tail else 0 :] for p in sorted(self.tmp_path.glob("*.log"))
        )

    def send(self, task: str, **kwargs):
        from celery import Celery

        # Not set as the current app: the portal's own app must stay current for the later tests.
        producer = Celery(broker=self.env["CELERY_BROKER_URL"], set_as_current=False)
        producer.send_task(task, kwargs=kwargs, queue=self.queue)
        producer.close()


@pytest.fixture
def celery_processes(broker, tmp_path):
    procs = Processes(tmp_path, broker)
    yield procs
    procs.stop_all()


def wait_for(condition, timeout: float, what: str, procs: Processes):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    pytest.fail(f"Timed out waiting for {what}.\n{procs.logs(tail=3000)}")


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_enqueues_the_job_through_redis_and_a_real_worker_records_it_in_postgres(world, celery_processes):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from notifications.schedule import DEADLINE_JOB

    # As an administrator would in the admin: run the installed job every second, for a fixed day.
    job = PeriodicTask.objects.get(name=DEADLINE_JOB)
    job.interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    job.crontab = None
    job.kwargs = f'{{"today": "{TODAY.isoformat()}"}}'
    job.queue = celery_processes.queue
    job.save()
    celery_processes.start("worker")
    celery_processes.start(
        "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1"
    )
    wait_for(lambda: Notification.objects.count() >= EXPECTED, 90, "the notifications", celery_processes)
    # Let beat fire a few more times: every extra run finds nothing new.
    wait_for(lambda: celery_processes.logs().count("enforce_deadlines[") >= 8, 60, "more runs", celery_processes)
    assert key_counts() == (EXPECTED, EXPECTED)
    assert "enforce_deadlines" in celery_processes.logs()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_and_started_again_loses_nothing_and_duplicates_nothing(
    world, celery_processes, tmp_path
):
    marker = tmp_path / "stage-written"
    first = celery_processes.start("worker", DEADLINE_TEST_PAUSE_AFTER_WRITE="120", DEADLINE_TEST_MARKER=str(marker))
    celery_processes.send("notifications.enforce_deadlines", today=TODAY.isoformat())
    wait_for(marker.exists, 90, "the first stage to be written", celery_processes)
    assert marker.read_text() == "reply:overdue"
    written_before_kill = Notification.objects.count()
    assert 0 < written_before_kill < EXPECTED  # mid-run: the replies are in, the complex case not yet
    celery_processes.kill(first)  # SIGKILL the whole worker: no ack, no warm shutdown

    celery_processes.start("worker")  # the unacknowledged message is delivered again
    wait_for(lambda: Notification.objects.count() >= EXPECTED, 120, "the rest of the run", celery_processes)
    time.sleep(2)
    assert key_counts() == (EXPECTED, EXPECTED)
    assert Notification.objects.filter(obligation="complex").count() == 5


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_two_beat_instances_started_by_mistake_still_make_one_notification_per_key(world, celery_processes, tmp_path):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from notifications.schedule import DEADLINE_JOB

    job = PeriodicTask.objects.get(name=DEADLINE_JOB)
    job.interval = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.SECONDS)
    job.crontab = None
    job.kwargs = f'{{"today": "{TODAY.isoformat()}"}}'
    job.queue = celery_processes.queue
    job.save()
    celery_processes.start("worker")
    for n in (1, 2):
        celery_processes.start(
            "beat", "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler", "--max-interval", "1",
            "--pidfile", str(tmp_path / f"beat{n}.pid"),
        )  # fmt: skip

    def both_beats_sent(times: int) -> bool:
        return all(
            (tmp_path / f"beat-{i}.log").exists()
            and (tmp_path / f"beat-{i}.log").read_text(errors="replace").count("Sending due task") >= times
            for i in (1, 2)
        )

    wait_for(lambda: both_beats_sent(4), 90, "both beats to send the job several times", celery_processes)
    wait_for(lambda: Notification.objects.count() >= EXPECTED, 90, "the notifications", celery_processes)
    wait_for(lambda: celery_processes.logs().count("enforce_deadlines[") >= 10, 60, "more runs", celery_processes)
    time.sleep(2)
    assert key_counts() == (EXPECTED, EXPECTED)
