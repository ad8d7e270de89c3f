"""HTTP load: gunicorn (2 workers, loopback, DEBUG off) against the benchmark database, loaded
by ``wrk`` with a logged-in session cookie, one bounded run per page."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format('WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.2f, "p50_ms": %.1f, "p95_ms": %.1f, "p99_ms": %.1f, "errors": %d}\\n',
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, bad))
end
"""


@dataclass
class HttpResult:
    page: str
    requests: int
    rps: float
    p50_ms: float
    p95_ms: float
    errors: int


def ensure_wrk(log=print) -> str:
    path = shutil.which("wrk")
    if path:
        return path
    log("  wrk not found: installing the Debian package …")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
    path = shutil.which("wrk")
    if not path:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _login_backend() -> str:
    """The first backend that can load a user, as ``Client.force_login`` picks it (axes' own
    backend, listed first, only checks lock-outs)."""
    from django.contrib.auth import load_backend

    return next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))


def session_cookie(user_id: int) -> str:
    """A logged-in session stored in the benchmark database, as the login form would leave it."""
    from importlib import import_module

    user = get_user_model().objects.get(pk=user_id)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = _login_backend()
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def server_env() -> dict:
    """The environment of the measured gunicorn: production's settings (deploy/portal.env.example)
    where they change the speed, on loopback and plain HTTP."""
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DEBUG": "false",
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
        # As in production: a worker keeps its database connection between requests. Without it
        # every request opened one (~10 ms of PostgreSQL's authentication and a new backend),
        # which capped the province dashboard at ~24 req/s.
        "CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings",
    }


class Gunicorn:
    def __init__(self, *, workers: int = 2, log=print):
        self.port = free_port()
        self.workers = workers
        self.log = log
        self.proc = None
        self.static_root = None

    def __enter__(self):
        env = server_env()
        # DEBUG off serves the hashed files of collectstatic's manifest: collected once into a
        # directory of this run's own (none may have been collected in this checkout).
        self.static_root = tempfile.mkdtemp(prefix="bench-static-")
        env["STATIC_ROOT"] = self.static_root
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            env=env, cwd=settings.BASE_DIR, check=True,
        )  # fmt: skip
        self.errlog = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "dialogue_portal.wsgi:application", "--workers", str(self.workers),
             "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", "--log-level", "warning"],
            env=env, cwd=settings.BASE_DIR, stdout=self.errlog, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/dang-nhap/", timeout=5).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.3)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not start; see {self.errlog.name}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_rss_mb(self) -> list[float]:
        return [round(_rss_kb(pid) / 1024, 1) for pid in _children(self.proc.pid)]

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.static_root:
            shutil.rmtree(self.static_root, ignore_errors=True)


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def wrk_run(wrk: str, url: str, cookie: str, *, seconds: int, connections: int = 4) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        out = subprocess.run(
            [wrk, "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--timeout", "30s", "-s", script.name,
             "-H", f"Cookie: {cookie}", url],
            capture_output=True, text=True, timeout=seconds + 60,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
    for line in out.splitlines():
        if line.startswith("WRK_JSON "):
            return json.loads(line[len("WRK_JSON ") :])
    raise RuntimeError(f"wrk gave no summary:\n{out}")


def check_page(url: str, cookie: str) -> None:
    request = urllib.request.Request(url, headers={"Cookie": cookie})
    with urllib.request.urlopen(request, timeout=60) as response:
        if response.status != 200 or response.geturl() != url:
            raise RuntimeError(f"{url} answered {response.status} at {response.geturl()} (not logged in?)")


def run_http(pages: list[tuple[str, int, str]], *, seconds: int, log=print) -> tuple[list[HttpResult], list[float]]:
    """``pages``: (label, user id, path). Returns the results and each worker's RSS (MB) after."""
    wrk = ensure_wrk(log)
    cookies = {user_id: session_cookie(user_id) for _label, user_id, _path in pages}
    results = []
    with Gunicorn(log=log) as server:
        for label, user_id, path in pages:
            url = server.url + path
            check_page(url, cookies[user_id])
            log(f"  wrk {seconds}s: {label} …")
            r = wrk_run(wrk, url, cookies[user_id], seconds=seconds)
            results.append(HttpResult(label, r["requests"], r["rps"], r["p50_ms"], r["p95_ms"], r["errors"]))
        rss = server.worker_rss_mb()
    return results, rss


def format_http(results: list[HttpResult], rss: list[float]) -> str:
    head = f"{'page (HTTP, 4 connections)':<26} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}"
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(f"{r.page:<26} {r.requests:>9} {r.rps:>8.1f} {r.p50_ms:>8.1f} {r.p95_ms:>8.1f} {r.errors:>7}")
    lines.append(f"web worker RSS after the load: {', '.join(f'{m:.0f} MB' for m in rss)}")
    return "\n".join(lines)
