"""Logs carry the request's id (nginx's X-Request-ID, or a new one) or the task's, and are JSON
objects when ``LOG_FORMAT=json`` asks for it."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from ops.request_id import RequestIdFilter, get_request_id

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_the_proxys_request_id_is_kept_and_returned(client):
    response = client.get(reverse("ops:liveness"), HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"


def test_a_request_without_one_or_with_a_strange_one_gets_a_new_id(client):
    first = client.get(reverse("ops:liveness"))["X-Request-ID"]
    second = client.get(reverse("ops:liveness"), HTTP_X_REQUEST_ID="x\nforged log line")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32 and first != second


def test_log_lines_of_a_request_carry_its_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="feedfacefeedfacefeedfacefeedface")
    assert response.status_code == 404
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.request_id == "feedfacefeedfacefeedfacefeedface" == get_request_id()


def test_a_task_logs_under_its_own_id(caplog, assigned, people):
    from unittest import mock

    from notifications import tasks

    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO), mock.patch.object(tasks.send_notification_emails, "apply_async"):
        result = tasks.enforce_deadlines.apply(kwargs={"today": "2026-04-07"})
    engine_lines = [r for r in caplog.records if r.name == "notifications.engine"]
    assert engine_lines and {r.request_id for r in engine_lines} == {result.id}


def test_json_logs_when_the_setting_asks():
    script = "import logging; logging.getLogger('portal.test').warning('xin chào %s', 'Hòa Bình')"
    env = {**os.environ, "LOG_FORMAT": "json", "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings"}
    env.pop("DATABASE_URL", None)
    child = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert child.returncode == 0, child.stderr
    line = next(line for line in child.stderr.splitlines() if "portal.test" in line)
    record = json.loads(line)
    assert record["message"] == "xin chào Hòa Bình" and record["level"] == "WARNING"
    assert record["logger"] == "portal.test" and record["request_id"] == "-" and "time" in record


def test_text_logs_by_default_with_the_id():
    script = "import logging; logging.getLogger('portal.test').warning('xin chào')"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings"}
    env.pop("LOG_FORMAT", None)
    env.pop("DATABASE_URL", None)
    child = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next(line for line in child.stderr.splitlines() if "portal.test" in line)
    assert line.endswith("WARNING [-] portal.test: xin chào")
