"""Periodic tasks of the operations layer (recorded like every other task, ``ops.celery_hooks``)."""

from celery import shared_task

from .services import job_runs_cleanup


@shared_task(name="ops.job_runs_cleanup", acks_late=True, soft_time_limit=10 * 60, time_limit=12 * 60)
def cleanup_job_runs() -> dict:
    """Daily: purge the runs older than the retention period, close the runs cut off mid-way."""
    return job_runs_cleanup()
