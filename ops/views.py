"""The administrators' system-status page and the monitoring endpoints (``ops.health``)."""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common.web import PAGE_SIZE
from units.access import scope_of

from . import health
from .metrics import exposition
from .middleware import monitoring_endpoint
from .selectors import job_names, job_runs, jobs_watched, last_runs, run_summary


@login_required
@require_GET
def status(request):
    """Tình trạng hệ thống: the periodic jobs and their windows, the checks of the readiness
    endpoint with their details, and the history of runs."""
    if not scope_of(request.user).is_admin:
        raise Http404
    names = job_names()
    job = request.GET.get("cong_viec") or ""
    if job not in names:
        job = ""
    page = Paginator(job_runs(job=job or None), PAGE_SIZE).get_page(request.GET.get("page"))
    for run in page:
        run.summary = run_summary(run)
    watches = jobs_watched()
    runs = last_runs([w.task for w in watches])
    healthy, checks = health.readiness(watches)
    return render(
        request,
        "ops/status.html",
        {
            "watches": [(w, runs.get(w.task)) for w in watches],
            "healthy": healthy,
            "checks": checks,
            "pending_migrations": health.pending_migrations() if checks["migrations"] == health.FAIL else [],
            "page": page,
            "job": job,
            "query": urlencode({"cong_viec": job}) if job else "",
            "job_names": names,
        },
    )


@monitoring_endpoint
@never_cache
@require_GET
def liveness(request):
    """The process answers: nothing else is touched."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


@monitoring_endpoint
@never_cache
@require_GET
def readiness(request):
    if not health.monitoring_allowed(request):
        raise Http404
    healthy, checks = health.readiness()
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


@monitoring_endpoint
@never_cache
@require_GET
def metrics(request):
    if not health.monitoring_allowed(request):
        raise Http404
    body, content_type = exposition()
    return HttpResponse(body, content_type=content_type)
