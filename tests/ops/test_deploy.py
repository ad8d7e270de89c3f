"""The production recipe in ``deploy/`` is checked by the tools that will read it: ``nginx -t``
on the site, ``systemd-analyze verify`` on the units, Django's deploy check on the example
environment. (``test_production_stack.py`` runs them all together.)"""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import require_service
from tests.ops.deploy_files import (
    DEPLOY,
    ROOT,
    UNITS,
    VENV_BIN,
    binary,
    example_environment,
    free_port,
    localised_unit,
    nginx_config,
    nginx_test,
    unit_command,
    unit_settings,
)


def test_the_nginx_site_passes_nginx_t(tmp_path):
    require_service("nginx", binary("nginx") is not None)
    require_service("openssl", binary("openssl") is not None)
    main = nginx_config(
        tmp_path, http_port=free_port(), https_port=free_port(), upstream_port=free_port(), static_root=tmp_path
    )
    result = nginx_test(main)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_t_would_catch_a_broken_site(tmp_path):
    require_service("nginx", binary("nginx") is not None)
    require_service("openssl", binary("openssl") is not None)
    main = nginx_config(
        tmp_path, http_port=free_port(), https_port=free_port(), upstream_port=free_port(), static_root=tmp_path
    )
    site = tmp_path / "site.conf"
    site.write_text(site.read_text().replace("client_max_body_size 25m;", "client_max_body_size;"))
    assert nginx_test(main).returncode != 0


def test_the_site_sends_what_django_expects_from_the_proxy():
    site = (DEPLOY / "nginx" / "portal.conf").read_text()
    for header in ("X-Forwarded-Proto $scheme", "X-Real-IP $remote_addr", "X-Request-ID $request_id", "Host $host"):
        assert f"proxy_set_header {header};" in site
    # Uploads up to UPLOAD_MAX_BYTES must pass nginx.
    from django.conf import settings

    body_limit_mb = int(site.split("client_max_body_size ")[1].split("m;")[0])
    assert body_limit_mb * 1024 * 1024 > settings.UPLOAD_MAX_BYTES
    assert "alias /srv/portal/staticfiles/;" in site and "return 301 https://" in site


def _verify(units_dir: Path, names) -> subprocess.CompletedProcess:
    return subprocess.run(
        [binary("systemd-analyze"), "verify", *[str(units_dir / f"{n}.service") for n in names]],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_the_systemd_units_pass_systemd_analyze_verify(tmp_path):
    require_service("systemd-analyze", binary("systemd-analyze") is not None)
    for name in UNITS:
        (tmp_path / f"{name}.service").write_text(localised_unit(name))
    result = _verify(tmp_path, UNITS)
    problems = [
        line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line or ".service" in line
    ]
    assert result.returncode == 0 and not problems, result.stdout + result.stderr


def test_systemd_analyze_would_catch_a_broken_unit(tmp_path):
    require_service("systemd-analyze", binary("systemd-analyze") is not None)
    broken = localised_unit("portal-web").replace(f"{VENV_BIN}/gunicorn", "/nowhere/bin/gunicorn")
    (tmp_path / "portal-web.service").write_text(broken)
    result = _verify(tmp_path, ["portal-web"])
    assert result.returncode != 0 and "/nowhere/bin/gunicorn" in result.stdout + result.stderr


def test_the_worker_consumes_every_queue_the_tasks_are_routed_to(tmp_path):
    from django.conf import settings

    command = unit_command("portal-worker", tmp_path)
    queues = set(command[command.index("--queues") + 1].split(","))
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {"celery"} == queues


def test_one_beat_with_the_database_schedule_and_a_pidfile(tmp_path):
    command = unit_command("portal-beat", tmp_path)
    assert command[command.index("--scheduler") + 1] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert "--pidfile" in command and command[command.index("--pidfile") + 1].startswith(str(tmp_path))
    assert unit_settings("portal-beat", "Restart") == ["always"]


def test_every_unit_runs_as_the_portal_user_with_the_environment_file():
    for name in UNITS:
        assert unit_settings(name, "User") == ["portal"]
        assert unit_settings(name, "EnvironmentFile") == ["/etc/portal/portal.env"]
        assert unit_settings(name, "WorkingDirectory") == ["/srv/portal"]


def test_the_environment_file_reads_the_same_for_systemd_and_the_shell():
    shell = subprocess.run(
        ["bash", "-c", f"set -a; . {DEPLOY / 'portal.env.example'}; set +a; env -0"],
        capture_output=True, timeout=30, env={"PATH": os.environ["PATH"]},
    )  # fmt: skip
    assert shell.returncode == 0, shell.stderr
    from_shell = dict(item.split("=", 1) for item in shell.stdout.decode().split("\0") if "=" in item)
    example = example_environment()
    assert {k: from_shell.get(k) for k in example} == example
    assert example["DEBUG"] == "false" and example["LOG_FORMAT"] == "json"


def test_the_example_environment_passes_the_deploy_check(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        **example_environment(),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_gunicorn_settings_follow_the_environment_and_reset_the_metrics_folder(tmp_path, monkeypatch):
    import importlib.util

    metrics = tmp_path / "metrics"
    metrics.mkdir()
    (metrics / "counter_123.db").write_bytes(b"stale")
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:9123")
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics))
    spec = importlib.util.spec_from_file_location("portal_gunicorn_conf", DEPLOY / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert (conf.bind, conf.workers) == ("127.0.0.1:9123", 3)
    conf.on_starting(server=None)
    assert metrics.is_dir() and not any(metrics.iterdir())


@pytest.mark.parametrize("name", UNITS)
def test_every_unit_starts_a_program_of_the_virtualenv(name, tmp_path):
    program = Path(unit_command(name, tmp_path)[0])
    assert program.exists() and os.access(program, os.X_OK), program


def test_every_variable_of_the_example_is_read_by_the_settings_or_gunicorn():
    import re

    read = set(re.findall(r'env(?:\.\w+)?\("([A-Z_]+)"', (ROOT / "dialogue_portal" / "settings.py").read_text()))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text()))
    assert set(example_environment()) - read == set()
