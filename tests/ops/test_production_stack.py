"""The production recipe, running: PostgreSQL (this test's database), a private Redis, gunicorn
with ``DEBUG=false`` behind a private nginx over TLS, a Celery worker and one beat — each started
with the command of its unit in ``deploy/systemd/`` and the settings of
``deploy/portal.env.example`` — on loopback ports of their own.

Through nginx it logs in, opens the main pages and a static file, has the daily job run by the
beat (its schedule shortened to seconds) and reads the readiness endpoint as green; then it
stops the beat and sees readiness turn red once the (shortened) window has passed, the
administrator's banner appear, and the worker's mail sweep mail the alert.

Needs root-installed services (PostgreSQL, redis-server, nginx, openssl): in CI they are there
(``REQUIRE_SERVICES=1`` turns a missing one into a failure); elsewhere the test is skipped and
says which is missing.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import signal
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.contrib.auth.hashers import make_password
from django.db import connection

from notifications.models import Notification, ObligationKind
from notifications.schedule import DEADLINE_TASK
from ops.models import JobOutcome, JobRun, JobSource
from tests import factories as f
from tests.conftest import require_service
from tests.ops.deploy_files import (
    ROOT,
    SITE_NAME,
    binary,
    example_environment,
    free_port,
    nginx_config,
    unit_command,
    unit_environment,
)

PASSWORD = "Mat-khau-quan-tri-2026"
TOKEN = secrets.token_urlsafe(24)
BEAT_EVERY_SECONDS = 3
LATE_AFTER_SECONDS = 20


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class Stack:
    tmp: Path
    env: dict
    https_port: int
    http_port: int
    procs: dict = field(default_factory=dict)
    nginx_conf: Path | None = None

    def start(self, name: str, command: list[str], **extra_env) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - held by the process
        proc = subprocess.Popen(
            command, cwd=ROOT, env={**self.env, **extra_env}, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.procs[name] = proc
        return proc

    def stop(self, name: str) -> None:
        proc = self.procs.get(name)
        if proc and proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)

    def log(self, name: str) -> str:
        path = self.tmp / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self, tail: int = 4000) -> str:
        return "\n".join(f"--- {n} ---\n{self.log(n)[-tail:]}" for n in self.procs)


class Browser:
    """Just enough of a browser over TLS to nginx: the site's Host, cookies, CSRF."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.context = ssl.create_default_context()
        self.context.check_hostname = False
        self.context.verify_mode = ssl.CERT_NONE

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=60)
        sent = {"Host": SITE_NAME, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        conn.close()
        return response, content

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)

    def post_form(self, path: str, data: dict):
        body = urlencode(data).encode()
        return self.request(
            "POST", path, body,
            {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{SITE_NAME}",
             "Referer": f"https://{SITE_NAME}{path}"},
        )  # fmt: skip


def wait_until(condition, timeout: float, what: str, stack: Stack, every: float = 1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        for name, proc in stack.procs.items():
            if proc.poll() is not None and name != "beat":
                pytest.fail(f"{name} exited ({proc.returncode}) while waiting for {what}\n{stack.logs()}")
        time.sleep(every)
    pytest.fail(f"Timed out waiting for {what}\n{stack.logs()}")


def _port_open(port: int) -> bool:
    import socket

    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def services(require_postgres):
    require_service("redis-server", binary("redis-server") is not None)
    require_service("nginx", binary("nginx") is not None)
    require_service("openssl", binary("openssl") is not None)


@pytest.fixture
def stack(services, world, tmp_path):
    """The whole production stack on loopback, against this test's database (``world``: the
    petitions whose replies are overdue, from tests.notifications)."""
    from tests.ops.test_faults import RedisServer

    redis = RedisServer(tmp_path)
    redis.start()
    gunicorn_port, https_port, http_port = free_port(), free_port(), free_port()
    static_root = tmp_path / "static"
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        **example_environment(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": redis.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(static_root),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "GUNICORN_BIND": f"127.0.0.1:{gunicorn_port}",
        "GUNICORN_WORKERS": "2",
        "MONITORING_TOKEN": TOKEN,
        "MONITORING_ALLOWED_IPS": "",  # only the token opens readiness and metrics here
        "JOB_LATE_AFTER_MINUTES": str(LATE_AFTER_SECONDS / 60),
    }
    for key in ("EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS"):
        env.pop(key)  # mail is written to files under EMAIL_FILE_PATH
    stack = Stack(tmp=tmp_path, env=env, https_port=https_port, http_port=http_port)

    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert collect.returncode == 0, collect.stdout + collect.stderr

    runtime = tmp_path / "runtime"
    for name in ("run-portal-web", "run-portal-beat"):
        (runtime / name).mkdir(parents=True)
    try:
        stack.start("web", unit_command("portal-web", runtime), **unit_environment("portal-web", runtime))
        stack.nginx_conf = nginx_config(
            tmp_path / "nginx",
            http_port=http_port,
            https_port=https_port,
            upstream_port=gunicorn_port,
            static_root=static_root,
        )
        stack.start(
            "nginx",
            [binary("nginx"), "-c", str(stack.nginx_conf), "-p", str(stack.nginx_conf.parent), "-g", "daemon off;"],
        )
        stack.start("worker", unit_command("portal-worker", runtime))
        wait_until(lambda: _port_open(gunicorn_port) and _port_open(https_port), 90, "gunicorn and nginx", stack)
        yield stack
    finally:
        stack.stop_all()
        redis.stop()


def _shorten_every_schedule(seconds: int) -> None:
    """As an administrator would in the admin, but to seconds: every periodic job (the daily
    deadline job, the mail sweep, the cleanup) now runs every few seconds."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every, _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
    for job in PeriodicTask.objects.filter(enabled=True):
        job.crontab, job.interval = None, every
        job.save()


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_production_stack_serves_through_nginx_runs_the_daily_job_by_beat_and_reports_health(stack, people):
    admin = f.UserFactory(
        username="quantri", password=PASSWORD, is_superuser=True, is_staff=True, email="qt@example.vn"
    )
    # gunicorn runs the portal's own settings: store the hash its hashers verify (the suite's
    # settings put a cheap hasher first for speed).
    admin.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    admin.save(update_fields=["password"])
    browser = Browser(stack.https_port)

    # Plain HTTP only redirects to HTTPS.
    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=30)
    conn.request("GET", "/hoi-nghi/", headers={"Host": SITE_NAME})
    redirect = conn.getresponse()
    assert redirect.status == 301 and redirect.getheader("Location") == f"https://{SITE_NAME}/hoi-nghi/"
    conn.close()

    # Liveness through nginx, for anybody.
    response, body = browser.get("/suc-khoe/song/")
    assert (response.status, body) == (200, b"ok\n")

    # Log in through nginx (HTTPS as Django sees it: X-Forwarded-Proto; secure cookies).
    response, body = browser.get("/dang-nhap/")
    assert response.status == 200, body[:2000]
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)[1].decode()
    response, body = browser.post_form(
        "/dang-nhap/", {"csrfmiddlewaretoken": csrf, "username": admin.username, "password": PASSWORD}
    )
    assert response.status == 302 and response.getheader("Location") == "/", body[:2000]
    assert "sessionid" in browser.cookies
    assert "Secure" in " ".join(response.headers.get_all("Set-Cookie"))
    assert "max-age=31536000" in response.getheader("Strict-Transport-Security")

    # The main pages, each answered by Django (a request id from nginx), with its stylesheet
    # served by nginx from STATIC_ROOT (hashed name, no request id: Django never saw it).
    for path in ("/", "/hoi-nghi/", "/kien-nghi/", "/bao-cao/", "/thong-bao/", "/he-thong/", "/quan-tri/"):
        response, body = browser.get(path)
        assert response.status == 200, f"{path}: {response.status}\n{body[:3000]}\n{stack.logs()}"
        assert re.fullmatch(r"[0-9a-f]{32}", response.getheader("X-Request-ID") or ""), path
    response, body = browser.get("/")
    stylesheet = re.search(rb'href="(/static/css/portal\.[0-9a-f]{12}\.css)"', body)[1].decode()
    response, css = browser.get(stylesheet)
    assert response.status == 200 and css and response.getheader("X-Request-ID") is None
    assert "max-age=2592000" in response.getheader("Cache-Control")

    # Uploads: nginx refuses a body over client_max_body_size before Django sees it.
    response, _body = browser.request("POST", "/kien-nghi/", b"x" * (26 * 1024 * 1024), {"Content-Type": "text/plain"})
    assert response.status == 413

    # A 404 is logged by Django as one JSON line carrying nginx's request id.
    response, _body = browser.get("/khong-co-trang-nay/")
    request_id = response.getheader("X-Request-ID")
    assert response.status == 404
    wait_until(lambda: request_id in stack.log("web"), 10, "the 404 in the log", stack)
    line = next(line for line in stack.log("web").splitlines() if request_id in line and line.startswith("{"))
    assert json.loads(line)["request_id"] == request_id and json.loads(line)["level"] == "WARNING"

    # Readiness and metrics: only with the token (no address is allowed in this configuration).
    assert browser.get("/suc-khoe/")[0].status == 404
    assert browser.get("/suc-khoe/chi-so/")[0].status == 404
    auth = {"Authorization": f"Bearer {TOKEN}"}

    # The beat sends the daily job (shortened to every few seconds) through Redis to the worker.
    _shorten_every_schedule(BEAT_EVERY_SECONDS)
    stack.start("beat", unit_command("portal-beat", stack.tmp / "runtime"))
    wait_until(
        lambda: JobRun.objects.filter(job=DEADLINE_TASK, source=JobSource.WORKER, outcome=JobOutcome.SUCCESS).exists(),
        120, "the daily job run by the beat", stack,
    )  # fmt: skip
    runs = list(JobRun.objects.filter(job=DEADLINE_TASK, outcome=JobOutcome.SUCCESS))
    assert all(r.host.startswith("portal@") for r in runs)
    created = sum(r.counts["total_created"] for r in runs)
    assert created > 0 and Notification.objects.filter(obligation__in=["notice", "reply", "complex"]).count() == created

    def ready():
        response, body = browser.get("/suc-khoe/", **auth)
        return (response.status, json.loads(body)) if response.status == 200 else None

    status, verdict = wait_until(ready, 120, "readiness to be green", stack)
    assert verdict["status"] == "ok" and verdict["checks"]["jobs"][DEADLINE_TASK] == "ok"
    assert set(verdict["checks"]) == {"database", "broker", "migrations", "jobs"}

    response, metrics = browser.get("/suc-khoe/chi-so/", **auth)
    text = metrics.decode()
    assert response.status == 200
    assert re.search(r'portal_http_request_duration_seconds_count\{method="GET",view="home"\} [1-9]', text), text[:3000]
    assert re.search(rf'portal_job_runs_last_day\{{job="{re.escape(DEADLINE_TASK)}",outcome="success"\}} [1-9]', text)
    assert re.search(rf'portal_job_late\{{job="{re.escape(DEADLINE_TASK)}"\}} 0', text)

    # The beat dies: once the window has passed, readiness turns red for the daily job...
    stack.stop("beat")
    stopped = time.monotonic()

    def red():
        response, body = browser.get("/suc-khoe/", **auth)
        return (response.status, json.loads(body)) if response.status == 503 else None

    status, verdict = wait_until(red, LATE_AFTER_SECONDS + 90, "readiness to turn red", stack)
    assert verdict["checks"]["jobs"][DEADLINE_TASK] == "late"
    assert verdict["checks"]["database"] == verdict["checks"]["broker"] == verdict["checks"]["migrations"] == "ok"
    assert time.monotonic() - stopped >= LATE_AFTER_SECONDS - 2 * BEAT_EVERY_SECONDS  # the window, not at once

    # ...the administrator sees the red banner, and the alert recorded by that page view is
    # mailed by the worker's mail sweep (enqueued at once: no beat is left to send it).
    response, body = browser.get("/")
    assert "Công việc định kỳ đang trễ".encode() in body
    wait_until(
        lambda: Notification.objects.filter(obligation=ObligationKind.SYSTEM, recipient=admin, email_status="sent").exists(),
        90, "the alert mail", stack,
    )  # fmt: skip
    mail = "".join(p.read_text(errors="replace") for p in (stack.tmp / "mail").glob("*"))
    assert "qt@example.vn" in mail
    assert JobRun.objects.filter(job="notifications.send_emails", outcome=JobOutcome.SUCCESS).exists()
