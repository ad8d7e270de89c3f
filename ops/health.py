"""Health of the portal for load balancers and monitoring: what is checked, and who may ask.

* **Liveness** (``/suc-khoe/song/``): the process answers. Touches nothing (no database, no
  session), open to anybody, reveals nothing.
* **Readiness** (``/suc-khoe/``): the database answers, the broker accepts a connection, no
  migration is pending, and every periodic job completed in its window
  (``ops.selectors.jobs_watched``). HTTP 200 when all is well, 503 otherwise, with the name
  and verdict of each check — no figures, no times, no error text (those go to the log and the
  administrators' status page). About four queries and one broker connection.
* **Metrics** (``/suc-khoe/chi-so/``): ``ops.metrics``.

Readiness and metrics answer only the monitoring: a client whose address is in
``MONITORING_ALLOWED_IPS`` (loopback by default; behind nginx the address nginx received), or
a request carrying ``Authorization: Bearer <MONITORING_TOKEN>`` when that setting is set.
Anybody else gets 404, as for a page that does not exist.
"""

from __future__ import annotations

import functools
import hmac
import logging

from django.conf import settings
from django.db import DatabaseError, connection

from common.web import address_in, client_ip

from .selectors import jobs_watched

logger = logging.getLogger(__name__)

OK, FAIL, LATE, UNKNOWN = "ok", "fail", "late", "unknown"


def monitoring_allowed(request) -> bool:
    token = settings.MONITORING_TOKEN
    if token:
        given = request.META.get("HTTP_AUTHORIZATION", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    return address_in(client_ip(request), settings.MONITORING_ALLOWED_IPS)


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Readiness: the database does not answer")
        return FAIL
    return OK


def check_broker() -> str:
    from celery import current_app

    try:
        with current_app.connection_for_write(connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception:
        logger.exception("Readiness: the broker does not accept a connection")
        return FAIL
    return OK


@functools.cache
def _migrations_on_disk() -> dict[tuple[str, str], tuple[tuple[str, str], ...]]:
    """Every migration of the code (read once per process: the code does not change while it
    runs), with the migrations a squashed one replaces."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {key: tuple(migration.replaces or ()) for key, migration in loader.disk_migrations.items()}


def pending_migrations() -> list[tuple[str, str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied = set(MigrationRecorder(connection).applied_migrations())
    return sorted(
        key
        for key, replaces in _migrations_on_disk().items()
        if key not in applied and not (replaces and set(replaces) <= applied)
    )


def check_migrations() -> str:
    try:
        pending = pending_migrations()
    except DatabaseError:
        logger.exception("Readiness: could not read the applied migrations")
        return UNKNOWN
    if pending:
        logger.warning("Readiness: %s migrations not applied, e.g. %s", len(pending), pending[:3])
        return FAIL
    return OK


def check_jobs(watches=None) -> dict[str, str]:
    try:
        watches = jobs_watched() if watches is None else watches
    except DatabaseError:
        logger.exception("Readiness: could not read the periodic jobs")
        return {"*": UNKNOWN}
    return {w.task: LATE if w.late else OK for w in watches}


def readiness(watches=None) -> tuple[bool, dict]:
    """(all well?, the verdict of every check); ``watches``: the jobs' watch if already read."""
    checks = {"database": check_database(), "broker": check_broker()}
    if checks["database"] == OK:
        checks["migrations"] = check_migrations()
        checks["jobs"] = check_jobs(watches)
    else:
        checks["migrations"] = UNKNOWN
        checks["jobs"] = {"*": UNKNOWN}
    healthy = all(v == OK for k, v in checks.items() if k != "jobs") and all(v == OK for v in checks["jobs"].values())
    return healthy, checks
