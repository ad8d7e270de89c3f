"""The public pages: the lookup of a petition by its receipt code, the published results
(công khai) per session and per unit, and the figures per unit and year (behind a setting).

No login and no JavaScript; nothing personal: the lookup shows ``petitions.publicity.
PublicPetition`` and the lists show ``Publication`` texts. Pages are rendered without the
request's context (no session, no cookie), cached in Django's cache under keys that change with
the published data (``public.selectors.results_version``) or for a short time, and the lookup is
limited per address (``public.ratelimit``). A wrong code, well-formed or not, gets the same page
whether or not such a code exists.
"""

from __future__ import annotations

import hashlib
import math

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from common.replicas import reads_from_replica
from petitions.codes import normalise_code
from petitions.publicity import public_petition
from petitions.selectors import petition_by_receipt_code
from reports.periods import Period, PeriodKind, current_period
from reports.selectors import FIGURES, public_unit_figures
from units.models import Unit

from . import ratelimit
from .forms import LookupForm
from .selectors import public_sessions, published_results, results_of_session, results_of_unit, results_version

PAGE_SIZE = 20


def _key(*parts) -> str:
    return ":".join(["public", translation.get_language() or "vi", *map(str, parts)])


def _page(template: str, context: dict, *, status: int = 200) -> HttpResponse:
    return HttpResponse(render_to_string(template, context), status=status)


def _cached_page(key: str, template: str, build, *, timeout: int | None = None) -> HttpResponse:
    """The page under ``key`` from the cache, or built (``build()`` → context) and stored."""
    html = cache.get(key)
    if html is None:
        html = render_to_string(template, build())
        cache.set(key, html, timeout or settings.PUBLIC_CACHE_SECONDS)
    response = HttpResponse(html)
    patch_cache_control(response, public=True, max_age=60)
    return response


# ---------------------------------------------------------------------------------------------
# The lookup by receipt code
# ---------------------------------------------------------------------------------------------


def _lookup_result(typed: str):
    """The public view of the petition with code ``typed``, or ``None``. A found petition is
    cached for a minute under a digest of its code (never the code itself)."""
    code = normalise_code(typed)
    if code is None:
        return None
    key = _key("lookup", hashlib.sha256(code.encode()).hexdigest())
    found = cache.get(key)
    if found is None:
        petition = petition_by_receipt_code(code, timezone.localdate())
        if petition is None:
            return None
        found = public_petition(petition)
        cache.set(key, found, settings.PUBLIC_LOOKUP_CACHE_SECONDS)
    return found


@require_GET
@reads_from_replica
def lookup(request):
    """``/tra-cuu/`` (the form) and ``/tra-cuu/?ma=CODE`` (the answer)."""
    if "ma" not in request.GET:
        return _cached_page(_key("lookup-form"), "public/lookup.html", lambda: {"form": LookupForm()})
    allowed, retry_after = ratelimit.hit(
        request, scope="lookup", limit=settings.PUBLIC_LOOKUP_LIMIT, window=settings.PUBLIC_LOOKUP_WINDOW_SECONDS
    )
    if not allowed:
        response = _page("public/rate_limited.html", {"minutes": math.ceil(retry_after / 60)}, status=429)
        response["Retry-After"] = str(retry_after)
        patch_cache_control(response, no_store=True)
        return response
    form = LookupForm(request.GET)
    result = _lookup_result(form.cleaned_data["ma"]) if form.is_valid() else None
    response = _page(
        "public/lookup.html",
        {"form": form, "result": result, "searched": form.is_valid(), "today": timezone.localdate()},
    )
    # The code is a secret of its holder: never stored by a browser or a proxy, never indexed.
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------------------------------------
# Published results
# ---------------------------------------------------------------------------------------------


def _page_number(request) -> str:
    value = request.GET.get("page") or "1"
    return value if value.isdigit() and len(value) < 7 else "1"


@require_GET
@reads_from_replica
def index(request):
    results = published_results()
    version = results_version(results)

    def build():
        units = Unit.objects.filter(parent__isnull=True).order_by("name")
        return {"units": units, "results": list(results[:PAGE_SIZE]), "figures_enabled": settings.PUBLIC_FIGURES}

    return _cached_page(_key("index", version), "public/index.html", build)


@require_GET
@reads_from_replica
def session_results(request, pk: int):
    session = get_object_or_404(public_sessions(), pk=pk)
    results = results_of_session(session)
    number = _page_number(request)
    version = results_version(results)

    def build():
        return {"session": session, "page": Paginator(results, PAGE_SIZE).get_page(number)}

    return _cached_page(_key("session", pk, version, number), "public/session.html", build)


@require_GET
@reads_from_replica
def unit_results(request, pk: int):
    unit = get_object_or_404(Unit.objects.select_related("parent"), pk=pk)
    results = results_of_unit(unit)
    number = _page_number(request)
    version = results_version(results)

    def build():
        return {
            "unit": unit,
            "children": list(unit.children.order_by("name")),
            "sessions": list(public_sessions().filter(organising_unit=unit).order_by("-held_on", "-id")[:PAGE_SIZE]),
            "page": Paginator(results, PAGE_SIZE).get_page(number),
            "figures_enabled": settings.PUBLIC_FIGURES,
        }

    return _cached_page(_key("unit", pk, version, number), "public/unit.html", build)


# ---------------------------------------------------------------------------------------------
# Figures per unit and year (the province switches them on: ``PUBLIC_FIGURES``)
# ---------------------------------------------------------------------------------------------


def _year(request, today) -> Period:
    current = current_period(PeriodKind.YEAR, today=today)
    value = request.GET.get("nam") or ""
    if value.isdigit() and 2000 <= int(value) <= current.year:
        return Period(kind=PeriodKind.YEAR, year=int(value), cutoff=current.cutoff)
    return current


@require_GET
@reads_from_replica
def unit_figures(request, pk: int):
    if not settings.PUBLIC_FIGURES:
        raise Http404
    unit = get_object_or_404(Unit, pk=pk)
    today = timezone.localdate()
    period = _year(request, today)

    def build():
        figures = public_unit_figures(unit, period, today)
        rows = [(FIGURES[key].label, value) for key, value in figures.items()]
        years = list(range(current_period(PeriodKind.YEAR, today=today).year, 2018, -1))
        return {"unit": unit, "period": period, "rows": rows, "years": years, "today": today}

    # The figures change with the daily states: cached for the day (and a short time at most).
    return _cached_page(_key("figures", pk, period.year, today.isoformat()), "public/figures.html", build)
