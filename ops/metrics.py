"""Metrics for Prometheus (prometheus-client), served at ``/suc-khoe/chi-so/``.

Two kinds:

* **Per request**, measured by ``ops.middleware.MetricsMiddleware`` in the web process: latency
  and count by view (the URL name, never the URL itself, so no id or search text becomes a
  label), and the number of database queries each request made. Under gunicorn every worker
  process keeps its own counts; with ``PROMETHEUS_MULTIPROC_DIR`` set (the systemd unit does)
  they are written to files there and added up at each scrape.
* **From the database, at scrape time** (``PortalCollector``): the periodic jobs (last success,
  late or not, last duration, runs of the last day by outcome: the worker records them as
  ``JobRun`` rows, so every web process reports the same figures), the notifications' mail
  (pending and failed in all, and by status for those created in the last day) and the open
  obligations of the deadline engine by deadline state. Each is one indexed query; about ten
  per scrape. The open obligations are the whole country's (~0.3 s of counting at 1,000,000
  petitions): counted at most once a minute (``METRICS_OBLIGATIONS_CACHE_SECONDS``) and shared
  by the workers through the cache, with their age as ``portal_obligations_open_age_seconds``.
"""

from __future__ import annotations

import datetime as dt
import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily

# The "_created" companion series only double the output.
disable_created_metrics()

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
QUERY_BUCKETS = (0, 1, 2, 5, 10, 15, 20, 30, 50, 100, 200)

REQUEST_LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time to answer a request, by view (URL name) and method.",
    ["view", "method"],
    buckets=LATENCY_BUCKETS,
)
REQUESTS = Counter(
    "portal_http_requests", "Requests answered, by view, method and status code.", ["view", "method", "status"]
)
REQUEST_QUERIES = Histogram(
    "portal_db_queries_per_request",
    "Database queries made by one request, by view.",
    ["view"],
    buckets=QUERY_BUCKETS,
)


class PortalCollector:
    """Gauges read from the database at scrape time."""

    def collect(self):
        from django.db.models import Count
        from django.utils import timezone

        from notifications.models import EmailStatus, Notification

        from .models import JobRun
        from .selectors import jobs_watched

        now = timezone.now()
        watches = jobs_watched(now=now)
        late = GaugeMetricFamily(
            "portal_job_late", "1 while the periodic job is late (see the status page).", labels=["job"]
        )
        success = GaugeMetricFamily(
            "portal_job_last_success_timestamp_seconds", "Start of the job's last successful run.", labels=["job"]
        )
        for w in watches:
            late.add_metric([w.task], 1 if w.late else 0)
            if w.last_success:
                success.add_metric([w.task], w.last_success.timestamp())
        yield late
        yield success

        durations = GaugeMetricFamily(
            "portal_job_last_duration_seconds", "Duration of the job's last finished run.", labels=["job"]
        )
        for w in watches:
            last = (
                JobRun.objects.filter(job=w.task, finished__isnull=False)
                .order_by("-started")
                .values_list("started", "finished")
                .first()
            )
            if last:
                durations.add_metric([w.task], (last[1] - last[0]).total_seconds())
        yield durations

        runs = GaugeMetricFamily(
            "portal_job_runs_last_day",
            "Runs started in the last 24 hours, by job and outcome (running, success, retry, failure, lost).",
            labels=["job", "outcome"],
        )
        counted = (
            JobRun.objects.filter(started__gte=now - dt.timedelta(days=1))
            .values_list("job", "outcome")
            .annotate(n=Count("id"))
            .order_by()
        )
        for job, outcome, n in counted:
            runs.add_metric([job, outcome], n)
        yield runs

        mail = GaugeMetricFamily(
            "portal_notifications_email", "Notifications whose e-mail is pending or failed.", labels=["status"]
        )
        for status in (EmailStatus.PENDING, EmailStatus.FAILED):
            mail.add_metric([status], Notification.objects.filter(email_status=status).count())
        yield mail
        recent = GaugeMetricFamily(
            "portal_notifications_last_day",
            "Notifications recorded in the last 24 hours, by e-mail status.",
            labels=["status"],
        )
        by_status = dict(
            Notification.objects.filter(created_at__gte=now - dt.timedelta(days=1))
            .values_list("email_status")
            .annotate(n=Count("id"))
            .order_by()
        )
        for status in EmailStatus.values:
            recent.add_metric([status], by_status.get(status, 0))
        yield recent

        counted_at, counts = open_obligations(now)
        obligations = GaugeMetricFamily(
            "portal_obligations_open",
            "Open obligations of the deadline engine, by obligation and deadline state.",
            labels=["obligation", "state"],
        )
        for kind, state, n in counts:
            obligations.add_metric([kind, state], n)
        yield obligations
        yield GaugeMetricFamily(
            "portal_obligations_open_age_seconds",
            "Seconds since portal_obligations_open was counted (cached for METRICS_OBLIGATIONS_CACHE_SECONDS).",
            value=max(0.0, now.timestamp() - counted_at),
        )


def open_obligations(now) -> tuple[float, list[tuple[str, str, int]]]:
    """When the open obligations were counted (a timestamp) and their counts by obligation and
    deadline state: counted at most once in ``METRICS_OBLIGATIONS_CACHE_SECONDS`` (for the day of
    ``now``; the states depend on the day), shared through the cache by every worker."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db.models import Count, Q
    from django.utils import timezone

    from notifications.engine import OBLIGATIONS
    from regulations.states import pending_state_conditions

    today = timezone.localdate(now)
    seconds = settings.METRICS_OBLIGATIONS_CACHE_SECONDS
    key = f"metrics:obligations:1:{today.isoformat()}"
    if seconds > 0:
        cached = cache.get(key)
        if cached is not None and now.timestamp() - cached[0] < seconds:
            return cached
    counts = []
    for kind, obligation in OBLIGATIONS.items():
        conditions = pending_state_conditions(due=obligation.due_field, today=today)
        aggregated = obligation.candidates(today).aggregate(
            **{state: Count("pk", filter=Q(q)) for state, q in conditions.items()}
        )
        counts.extend((str(kind), str(state), n) for state, n in aggregated.items())
    result = (now.timestamp(), counts)
    if seconds > 0:
        cache.set(key, result, seconds)
    return result


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus' text format."""
    from prometheus_client import CONTENT_TYPE_LATEST

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    database_registry = CollectorRegistry(auto_describe=False)
    database_registry.register(PortalCollector())
    return generate_latest(process_registry) + generate_latest(database_registry), CONTENT_TYPE_LATEST
