"""Middleware of the operations layer: the request id, the request metrics, and the late-job
check for administrators."""

from __future__ import annotations

import logging
import time

from django.db import connection

from units.access import scope_of

from . import request_id
from .metrics import REQUEST_LATENCY, REQUEST_QUERIES, REQUESTS

logger = logging.getLogger(__name__)


def monitoring_endpoint(view):
    """Mark a machine endpoint (health, metrics), which the late-job check leaves alone."""
    view.monitoring_endpoint = True
    return view


class RequestIdMiddleware:
    """Every log line of a request carries its id: nginx's ``X-Request-ID`` (``$request_id``)
    when it sends one, else a new one; the response names it too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id.request_id_from(request.META)
        # Not reset afterwards: Django logs a 4xx/5xx answer once this middleware has returned,
        # and that line must carry the id too. The next request sets its own.
        request_id.set_request_id(request.request_id)
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class _QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class MetricsMiddleware:
    """Latency, status and database queries of every request, by view (URL name)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        counter = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = self.get_response(request)
        elapsed = time.perf_counter() - started
        match = getattr(request, "resolver_match", None)
        view = (match.view_name or "-") if match else "<unresolved>"
        method = (
            request.method
            if request.method in {"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"}
            else "other"
        )
        try:
            REQUEST_LATENCY.labels(view, method).observe(elapsed)
            REQUESTS.labels(view, method, str(response.status_code)).inc()
            REQUEST_QUERIES.labels(view).observe(counter.count)
        except Exception:  # metrics never break a page
            logger.exception("Could not record the request metrics")
        return response


class LateJobMiddleware:
    """When an administrator opens a page, check the periodic jobs: the banner
    (``ops.context_processors``) shows the late ones, and a late occurrence not yet alerted is
    recorded for the administrators and mailed by the worker's mail sweep, which is enqueued
    at once (the beat that should send it may be what died). One query when all is well."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        request.late_jobs = []
        if getattr(view_func, "monitoring_endpoint", False) or request.method != "GET":
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not scope_of(user).is_admin:
            return None
        try:
            from .selectors import jobs_late
            from .services import late_job_alerts_record

            request.late_jobs = jobs_late()
            if request.late_jobs and late_job_alerts_record(late=request.late_jobs):
                _enqueue_mail_sweep()
        except Exception:  # the page itself must still answer
            logger.exception("Could not check the periodic jobs")
        return None


def _enqueue_mail_sweep() -> None:
    from notifications.tasks import send_notification_emails

    try:
        send_notification_emails.apply_async(retry=False)
    except Exception as exc:
        logger.warning("Could not enqueue the mail sweep for the late-job alert: %s", exc)
