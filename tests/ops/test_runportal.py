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
