"""Start the portal for a laptop or a small office: the web server plus a Celery worker with
embedded beat on the default broker (kombu's filesystem transport under var/, no Redis)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Chạy cổng đối thoại kèm bộ lập lịch và worker nhúng (không cần Redis)."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--no-worker", action="store_true", help="Chỉ chạy máy chủ web.")

    def handle(self, *args, host, port, no_worker, **options):
        self._follow_served_address(host, port)
        worker = None
        if not no_worker:
            worker = self._start_worker()
        try:
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        finally:
            if worker and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()

    def _follow_served_address(self, host: str, port) -> None:
        """Links in e-mails point where this command serves (``make run PORT=8080``) unless
        SITE_URL says otherwise: set for this process and the worker started below."""
        if os.environ.get("SITE_URL"):
            return
        shown = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
        if ":" in shown and not shown.startswith("["):
            shown = f"[{shown}]"
        site = f"http://{shown}:{port}"
        os.environ["SITE_URL"] = site
        settings.SITE_URL = site
        self.stdout.write(f"SITE_URL={site}")

    def _start_worker(self):
        var = Path(settings.VAR_DIR)
        for folder in ("broker/out", "broker/processed", "broker/control", "log"):
            (var / folder).mkdir(parents=True, exist_ok=True)
        log = open(var / "log" / "worker.log", "ab")  # noqa: SIM115 - the worker writes to it until the portal stops
        cmd = [
            sys.executable, "-m", "celery", "-A", "dialogue_portal", "worker", "--beat",
            "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
            "--pool", "solo", "--loglevel", "INFO",
            # One worker for every queue here; production runs one per queue (README).
            "--queues", ",".join([settings.CELERY_TASK_DEFAULT_QUEUE, settings.CELERY_DEADLINE_QUEUE, settings.CELERY_MAIL_QUEUE]),
        ]  # fmt: skip
        self.stdout.write(self.style.SUCCESS(f"Worker + beat: {' '.join(cmd[1:])} (log: var/log/worker.log)"))
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
