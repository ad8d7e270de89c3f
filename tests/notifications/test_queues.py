"""The deadline jobs and the mail have their own Celery queues (README: one worker per queue)."""

from django.conf import settings

from dialogue_portal.celery import app
from notifications import tasks


def _queue(task) -> str:
    route = app.amqp.router.route({}, task.name, args=(), kwargs={})
    return route["queue"].name


def test_deadline_jobs_and_mail_go_to_separate_queues():
    assert _queue(tasks.enforce_deadlines) == settings.CELERY_DEADLINE_QUEUE == "deadlines"
    assert _queue(tasks.send_notification_emails) == settings.CELERY_MAIL_QUEUE == "mail"


def test_every_task_of_the_project_has_a_queue_a_documented_worker_consumes():
    documented = {settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_DEADLINE_QUEUE, settings.CELERY_MAIL_QUEUE}
    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert ours, "no project task registered"
    for name in ours:
        assert app.amqp.router.route({}, name, args=(), kwargs={})["queue"].name in documented, name


def test_the_embedded_worker_of_make_run_consumes_every_queue(monkeypatch, settings, tmp_path):
    from ops.management.commands import runportal

    started = []
    monkeypatch.setattr(runportal.subprocess, "Popen", lambda cmd, **kwargs: started.append(cmd))
    settings.VAR_DIR = tmp_path
    runportal.Command()._start_worker()
    (cmd,) = started
    queues = cmd[cmd.index("--queues") + 1].split(",")
    assert sorted(queues) == sorted(["celery", "deadlines", "mail"])
