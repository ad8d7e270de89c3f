"""Upgrading keeps every row: a database built by the previous release (its migrations applied,
``seed_demo`` loaded and the daily job run, on 26/11/2026; ``tests/data/``) migrates to the
current schema with every table's rows kept, the moved models reading the same rows through
their new apps, and their content types (so permissions) following them."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS_RELEASE = ROOT / "tests" / "data" / "release-2026-11-demo.sqlite3.gz"
# Tables whose row count a migration changes on purpose, and why.
CHANGED_ON_PURPOSE = {
    "django_migrations": "one row per migration applied",
    "django_content_type": "content types of the new models",
    "auth_permission": "permissions of the new models",
    "sqlite_sequence": "SQLite's counters of the new tables",
    # The two daily jobs became one job chasing every obligation (notifications.0002).
    "django_celery_beat_periodictask": "the reply job merged into the one daily job; the run-history cleanup added",
    "django_celery_beat_crontabschedule": "the 03:30 schedule of the run-history cleanup (ops)",
    # Replies the Front had assessed now close (satisfied) or reopen (not satisfied) their
    # petitions, each with its timeline event (petitions.0008).
    "petitions_petitionevent": "one timeline event per assessed petition closed or reopened",
}


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def _manage(db: Path, *args: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "DJANGO_SETTINGS_MODULE": "dialogue_portal.settings",
        "DEBUG": "true",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def upgraded(tmp_path_factory):
    db = tmp_path_factory.mktemp("upgrade") / "portal.sqlite3"
    with gzip.open(PREVIOUS_RELEASE) as src, open(db, "wb") as dst:
        shutil.copyfileobj(src, dst)
    before = _counts(db)
    _manage(db, "migrate", "--noinput")
    return db, before, _counts(db)


def test_every_row_of_the_previous_release_is_kept(upgraded):
    _db, before, after = upgraded
    lost = {t: (n, after.get(t)) for t, n in before.items() if after.get(t) != n and t not in CHANGED_ON_PURPOSE}
    assert not lost, f"row counts changed (before, after): {lost}"
    assert sum(before.values()) > 3000  # a real demo province, not an empty file
    assert after["auth_permission"] >= before["auth_permission"]


def test_the_moved_models_read_the_same_rows_through_their_new_apps(upgraded):
    db, before, _after = upgraded
    script = (
        "import json;"
        "from units.models import Unit, Membership, Leader;"
        "from regulations.models import CalendarDay;"
        "from notifications.models import Notification;"
        "from sessions.models import SessionUnit;"
        "from petitions.models import Petition;"
        "print(json.dumps({'units': Unit.objects.count(), 'memberships': Membership.objects.count(),"
        " 'leaders': Leader.objects.count(), 'unit_history': Unit.history.count(),"
        " 'calendar': CalendarDay.objects.count(), 'notifications': Notification.objects.count(),"
        " 'session_units': SessionUnit.objects.count(),"
        " 'assigned_pairs': Petition.objects.exclude(status='withdrawn').exclude(assigned_unit=None)"
        ".values('session_id', 'assigned_unit_id').distinct().count()}))"
    )
    got = json.loads(_manage(db, "shell", "-c", script).strip().splitlines()[-1])
    assert got["units"] == before["dialogue_sessions_unit"]
    assert got["memberships"] == before["dialogue_sessions_membership"]
    assert got["leaders"] == before["dialogue_sessions_leader"]
    assert got["unit_history"] == before["dialogue_sessions_historicalunit"]
    assert got["calendar"] == before["petitions_calendarday"]
    assert got["notifications"] == before["petitions_notification"]
    # Agency officers keep seeing the sessions of their petitions: the links were backfilled.
    assert got["session_units"] >= got["assigned_pairs"] > 0


def test_content_types_and_the_schedule_follow_the_moved_models(upgraded):
    db, _before, _after = upgraded
    with sqlite3.connect(db) as conn:
        labels = dict(conn.execute("SELECT model, app_label FROM django_content_type").fetchall())
        tasks = {r[0] for r in conn.execute("SELECT task FROM django_celery_beat_periodictask")}
    assert labels["unit"] == "units" and labels["membership"] == "units"
    assert labels["calendarday"] == "regulations" and labels["notification"] == "notifications"
    assert tasks == {
        "notifications.enforce_deadlines",
        "notifications.send_emails",
        "notifications.send_digests",
        "ops.job_runs_cleanup",
    }


def test_the_upgraded_database_runs_the_daily_job_without_duplicating_a_notification(upgraded):
    db, _before, _after = upgraded
    out = _manage(db, "enforce_deadlines", "--today", "2026-11-26", "--no-email")
    # The previous release had already run the job that day: nothing is new for its obligations.
    # (This release chases the annual plans too: their first notices are new work, not duplicates.)
    lines = out.strip().splitlines()
    old = [line for line in lines if line.split()[:1] in (["notice"], ["reply"], ["complex"])]
    assert old and all(line.rstrip().endswith(" 0") for line in old), old
    # The upgraded database records the run (ops.JobRun is new in this release).
    runs = _manage(
        db, "shell", "-c", "from ops.models import JobRun; print(list(JobRun.objects.values_list('job', 'outcome')))"
    )
    assert runs.strip().splitlines()[-1] == "[('notifications.enforce_deadlines', 'success')]"
