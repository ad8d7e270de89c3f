"""The project's Celery app as a real worker runs it, plus a test hook: with
``DEADLINE_TEST_PAUSE_AFTER_WRITE=<seconds>`` the worker pauses after every stage that wrote
notifications and touches ``DEADLINE_TEST_MARKER``, so a test can kill it mid-run."""

import os
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dialogue_portal.settings")
django.setup()

from dialogue_portal.celery import app  # noqa: E402

pause = float(os.environ.get("DEADLINE_TEST_PAUSE_AFTER_WRITE", "0") or 0)
if pause:
    from notifications import engine as enforcement

    _run_stage = enforcement._run_stage

    def _slow_run_stage(**kwargs):
        _run_stage(**kwargs)
        report = kwargs["report"]
        if report.created.get((kwargs["obligation"], kwargs["stage"].name)):
            Path(os.environ["DEADLINE_TEST_MARKER"]).write_text(f"{kwargs['obligation']}:{kwargs['stage'].name}")
            time.sleep(pause)

    enforcement._run_stage = _slow_run_stage

__all__ = ["app"]
