"""Every Celery task run is recorded as a ``JobRun``, from Celery's own task signals.

Why signals and not tasks of our own: the periodic tasks live in lower layers
(``notifications.tasks``) that must not import ``ops``, and their names are stored in the beat
schedule, in deployed databases and in the tests. Celery's ``task_prerun`` / ``task_postrun``
signals are sent around every execution in the process that runs it (a worker, or ``apply()``
in a test), so ``ops`` records them from above without the tasks knowing, and a periodic task
added later is recorded with no extra code. Each execution is one row: a retry is a new row
(the failed attempt keeps its error), a worker killed mid-run leaves its row "running" until
the daily cleanup closes it as lost.

The mail sweep also checks, before it sends, whether a periodic job is late, so that the
administrators' alert goes out in the same sweep (``ops.services.late_job_alerts_record``).

A failure to record (the database is what is down, say) is logged and never fails the task.
"""

from __future__ import annotations

import logging

from celery import signals
from celery.exceptions import Retry

from notifications.schedule import EMAIL_TASK

from . import request_id
from .models import JobOutcome, JobSource

logger = logging.getLogger(__name__)

# task id → (JobRun pk, request id token) of the executions running in this process
_running: dict[str, tuple[int | None, object]] = {}

_OUTCOMES = {"SUCCESS": JobOutcome.SUCCESS, "RETRY": JobOutcome.RETRY, "FAILURE": JobOutcome.FAILURE}


def is_recorded(task_name: str | None) -> bool:
    return bool(task_name) and not task_name.startswith("celery.")


def _on_prerun(sender=None, task_id=None, task=None, **_kwargs):
    if task is None or not is_recorded(task.name):
        return
    token = request_id.set_request_id(task_id or "")
    pk = None
    try:
        from .services import job_run_start

        run = job_run_start(
            job=task.name,
            source=JobSource.WORKER,
            task_id=task_id or "",
            attempt=getattr(task.request, "retries", 0) or 0,
            host=getattr(task.request, "hostname", "") or "",
        )
        pk = run.pk
    except Exception:
        logger.exception("Could not record the start of %s[%s]", task.name, task_id)
    _running[task_id] = (pk, token)
    if task.name == EMAIL_TASK:
        try:
            from .services import late_job_alerts_record

            late_job_alerts_record()
        except Exception:
            logger.exception("Could not check the periodic jobs before the mail sweep")


def _on_postrun(sender=None, task_id=None, task=None, retval=None, state=None, **_kwargs):
    if task is None or not is_recorded(task.name):
        return
    pk, token = _running.pop(task_id, (None, None))
    try:
        if pk is not None:
            from .models import JobRun
            from .services import job_run_finish

            outcome = _OUTCOMES.get(state, JobOutcome.FAILURE)
            error = ""
            if outcome != JobOutcome.SUCCESS:
                error = retval.exc if isinstance(retval, Retry) and isinstance(retval.exc, BaseException) else retval
                if not isinstance(error, BaseException):
                    error = str(error or state)
            counts = retval if outcome == JobOutcome.SUCCESS and isinstance(retval, dict) else None
            job_run_finish(run=JobRun.objects.get(pk=pk), outcome=outcome, counts=counts, error=error)
    except Exception:
        logger.exception("Could not record the end of %s[%s]", task.name, task_id)
    finally:
        if token is not None:
            request_id.reset_request_id(token)


def connect() -> None:
    signals.task_prerun.connect(_on_prerun, dispatch_uid="ops_job_run_prerun", weak=False)
    signals.task_postrun.connect(_on_postrun, dispatch_uid="ops_job_run_postrun", weak=False)
