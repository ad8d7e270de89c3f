"""The documented pg_dump / pg_restore procedure restores every record."""

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.apps import apps
from django.db import connection

from tests import factories as f
from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]


def _url(settings_dict, name):
    return (
        f"postgres://{settings_dict['USER']}:{settings_dict['PASSWORD']}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{name}"
    )


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_keep_every_record(tmp_path, province, staff_user):
    require_service("PostgreSQL", connection.vendor == "postgresql")
    require_service("pg_dump", shutil.which("pg_dump") is not None)
    session = f.DialogueSessionFactory(organising_unit=province.commune, held_on=dt.date(2026, 3, 2))
    f.PetitionFactory.create_batch(5, session=session)

    source = connection.settings_dict
    source_url = _url(source, source["NAME"])
    out = subprocess.run(
        ["bash", str(ROOT / "scripts/backup.sh"), str(tmp_path)],
        env={"DATABASE_URL": source_url, "MEDIA_ROOT": str(tmp_path / "none"), "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    dump = out.stdout.strip().splitlines()[-1]

    target = f"restore_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(_url(source, "postgres"))
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(
            ["bash", str(ROOT / "scripts/restore.sh"), dump, _url(source, target)], check=True, capture_output=True
        )
        restored = psycopg2.connect(_url(source, target))
        checked = 0
        with connection.cursor() as here, restored.cursor() as there:
            for model in apps.get_models():
                table = model._meta.db_table
                here.execute(f'SELECT COUNT(*), COALESCE(SUM(hashtext(t::text)), 0) FROM "{table}" t')
                there.execute(f'SELECT COUNT(*), COALESCE(SUM(hashtext(t::text)), 0) FROM "{table}" t')
                assert here.fetchone() == there.fetchone(), table
                checked += 1
        restored.close()
        assert checked > 20
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')
        admin.close()
