"""``make run`` serves a small office on the default SQLite file without "database is locked".

A real server (``manage.py runportal --no-worker``, the web part of ``make run``) on a SQLite
file, and eight agency officers' browsers (separate sessions, separate connections) posting a
written reply, with its signed letter, at the same instant. With SQLite's default DEFERRED
transactions this gave 1 success and 7 server errors; with WAL, a busy timeout and IMMEDIATE
transactions (``dialogue_portal/settings.py``) every reply is saved.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from tests.conftest import MINIMAL_PDF

ROOT = Path(__file__).resolve().parents[2]
WRITERS = 8

SETUP = """
import datetime as dt
from django.utils import timezone
from petitions import services
from tests import factories as f

today = timezone.localdate()
province = f.UnitFactory(name="Tỉnh Hòa Bình", kind=f.AreaKindFactory(), level="province", symbol="")
ubnd = f.UnitFactory(name="UBND tỉnh Hòa Bình", parent=province, level="province", symbol="UBND")
agency = f.UnitFactory(name="Sở Nông nghiệp", parent=ubnd, level="province", symbol="SNN", kind=f.AgencyKindFactory())
staff = f.UserFactory(username="staff")
f.MembershipFactory(user=staff, unit=province, role="staff")
officer = f.UserFactory(username="officer")
officer.set_password("mat-khau-dai-123")
officer.save()
f.MembershipFactory(user=officer, unit=agency, role="agency")
session = services.session_record_with_petitions(
    organising_unit=ubnd, kind="periodic", held_on=today - dt.timedelta(days=5), topic="Đối thoại", place="Hội trường",
    actor=staff, chair_name="Bùi Văn Khánh",
    petitions=[{"petitioner_name": f"Ông {n}", "content": f"Kiến nghị {n}"} for n in range(%(n)d)],
)
services.notice_issue(
    session=session, number=1, symbol="TB-UBND", issued_on=today - dt.timedelta(days=2), actor=staff,
    assignments={p.pk: agency for p in session.petitions.all()},
)
print("REPLIED_ON", (today - dt.timedelta(days=1)).strftime("%%d/%%m/%%Y"))
print("PETITIONS", *sorted(session.petitions.values_list("pk", flat=True)))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env, *args, timeout=600) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One officer's browser: its own cookies and its own connections."""

    def __init__(self, base: str):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect)

    def request(self, path, data: bytes | None = None, headers=None) -> tuple[int, str]:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def token(self, path) -> str:
        status, page = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def log_in(self, username, password):
        token = self.token("/dang-nhap/")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password})
        status, _ = self.request("/dang-nhap/", body.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 302, status

    def reply_form(self, petition_id, replied_on: str) -> tuple[bytes, str]:
        """The multipart body of a written reply to ``petition_id`` and its content type."""
        token = self.token(f"/kien-nghi/{petition_id}/tra-loi/")
        boundary = uuid.uuid4().hex
        fields = {
            "csrfmiddlewaretoken": token,
            "replied_on": replied_on,
            "number": f"{petition_id}/SNN-VP",
            "summary": "Đã kiểm tra và trả lời bằng văn bản.",
        }
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
            for k, v in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="letter"; filename="tra-loi.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + MINIMAL_PDF
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def test_eight_replies_posted_at_once_on_the_sqlite_default_are_all_saved(tmp_path):
    db = tmp_path / "db.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        "DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TZ", None)
    _manage(env, "migrate", "--noinput")
    output = _manage(env, "shell", "-c", SETUP % {"n": WRITERS})
    replied_on = output.split("REPLIED_ON")[1].split()[0]
    petitions = [int(pk) for pk in output.split("PETITIONS")[1].split()]
    assert len(petitions) == WRITERS

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runportal", "--no-worker", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(240):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                time.sleep(0.5)
        browsers = [Browser(base) for _ in petitions]
        forms = []
        for browser, petition_id in zip(browsers, petitions):
            browser.log_in("officer", "mat-khau-dai-123")
            forms.append(browser.reply_form(petition_id, replied_on))
        start = threading.Barrier(WRITERS)
        answers: dict[int, int] = {}

        def post(browser, petition_id, body, content_type):
            start.wait()
            status, page = browser.request(f"/kien-nghi/{petition_id}/tra-loi/", body, {"Content-Type": content_type})
            answers[petition_id] = status

        threads = [
            threading.Thread(target=post, args=(b, pk, body, ctype))
            for b, pk, (body, ctype) in zip(browsers, petitions, forms)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    finally:
        server.terminate()
        try:
            output = server.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            server.kill()
            output = server.communicate()[0]
    errors = {pk: status for pk, status in answers.items() if status >= 500}
    assert not errors, f"server errors {errors}:\n{output[-3000:]}"
    assert answers == dict.fromkeys(petitions, 302), answers  # each reply saved, then the petition page
    with sqlite3.connect(db) as connection:
        saved = connection.execute("SELECT COUNT(*) FROM petitions_writtenreply").fetchone()[0]
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
    assert saved == WRITERS
    assert mode == "wal"
