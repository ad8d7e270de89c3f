"""``make run``'s embedded worker consumes every queue the tasks are routed to (else the daily
job would wait for ever on a laptop)."""

from unittest import mock

from django.conf import settings

from ops.management.commands.runportal import Command


def test_the_embedded_worker_consumes_every_routed_queue(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    with mock.patch("ops.management.commands.runportal.subprocess.Popen") as popen:
        Command()._start_worker()
    command = popen.call_args.args[0]
    assert "--beat" in command
    queues = set(command[command.index("--queues") + 1].split(","))
    assert {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()} | {"celery"} == queues


def test_links_in_mails_follow_the_port_served_when_site_url_is_not_set(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.setattr(settings, "SITE_URL", "http://127.0.0.1:8000")
    with (
        mock.patch("ops.management.commands.runportal.subprocess.Popen") as popen,
        mock.patch("ops.management.commands.runportal.call_command") as runserver,
    ):
        Command().handle(host="127.0.0.1", port="8123", no_worker=False)
    assert runserver.call_args.args == ("runserver", "127.0.0.1:8123")
    assert settings.SITE_URL == "http://127.0.0.1:8123"
    # The worker, which sends the mails, is started with the same address.
    assert popen.call_args.kwargs["env"]["SITE_URL"] == "http://127.0.0.1:8123"
    monkeypatch.delenv("SITE_URL", raising=False)


def test_an_explicit_site_url_is_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "VAR_DIR", tmp_path)
    monkeypatch.setenv("SITE_URL", "https://doithoai.example.gov.vn")
    monkeypatch.setattr(settings, "SITE_URL", "https://doithoai.example.gov.vn")
    with (
        mock.patch("ops.management.commands.runportal.subprocess.Popen") as popen,
        mock.patch("ops.management.commands.runportal.call_command"),
    ):
        Command().handle(host="0.0.0.0", port="9000", no_worker=False)
    assert settings.SITE_URL == "https://doithoai.example.gov.vn"
    assert popen.call_args.kwargs["env"]["SITE_URL"] == "https://doithoai.example.gov.vn"
