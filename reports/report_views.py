"""Screens of the periodic-report chain: the list and inbox of reports, drafting, editing and
issuing a unit's report, its page (frozen and live figures, recipients and receipt days), its
DOCX/XLSX and signed scan, the compilation of a locality with its compiled report, and the
reporting calendar.

Thin: objects come through ``reports.report_selectors`` (a foreign object answers 404), writes
through ``reports.services`` (a refusal is shown with nothing changed; POST-redirect-GET)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import vn_date
from common.files import serve_private_file
from common.http import docx_response, xlsx_response
from common.web import PAGE_SIZE, add_service_errors, id_or_404
from sessions.forms import ReceivedForm, SignedScanForm
from units.access import DASHBOARD_ROLES, scope_of

from . import report_selectors as chain
from . import selectors, services
from .documents import (
    SECTION_TITLES,
    compilation_xlsx,
    day_text,
    recipient_lines,
    report_docx,
    report_xlsx,
    state_label,
)
from .models import PeriodicReport, ReportDue, ReportKind, ReportRecipient, ReportStatus
from .periods import Cutoff, PeriodKind, current_period
from .report_forms import CompiledCreateForm, PeriodForm, ReportCreateForm, ReportEditForm, ReportIssueForm


def _require_reports(user):
    if not scope_of(user).can_see_dashboards:
        raise Http404


def _visible_or_404(request, pk) -> PeriodicReport:
    return get_object_or_404(chain.reports_visible_to(request.user), pk=pk)


def _writable_or_404(request, pk) -> PeriodicReport:
    return get_object_or_404(chain.reports_writable_by(request.user), pk=pk)


# ---------------------------------------------------------------------------------------------
# List, inbox, drafting
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def report_list(request):
    """The reports the user may see, the reports sent to the user's units, and what the user's
    units still owe."""
    user = request.user
    _require_reports(user)
    today = timezone.localdate()
    box = request.GET.get("box") if request.GET.get("box") in ("inbox",) else ""
    status = request.GET.get("status") if request.GET.get("status") in ReportStatus.values else ""
    kind = request.GET.get("kind") if request.GET.get("kind") in ReportKind.values else ""
    if box == "inbox":
        qs = (
            chain.recipients_of_user(user)
            .select_related("report__unit__kind", "unit")
            .order_by(F("received_on").asc(nulls_first=True), "-report__issued_on", "-id")
        )
    else:
        qs = chain.reports_visible_to(user)
        if status:
            qs = qs.filter(status=status)
        if kind:
            qs = qs.filter(kind=kind)
        qs = qs.order_by("-period_end", "unit__path", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/report_list.html",
        {
            "page": page,
            "box": box,
            "status": status,
            "kind": kind,
            "status_choices": ReportStatus.choices,
            "kind_choices": ReportKind.choices,
            "query": urlencode({k: v for k, v in {"box": box, "status": status, "kind": kind}.items() if v}),
            "dues": [_with_label(due) for due in chain.dues_pending_for(user, today)],
            "inbox_unread": chain.recipients_of_user(user).filter(received_on__isnull=True).count(),
            "can_create": chain.reporting_units_for(user, today).exists(),
            "can_compile": chain.compilation_areas_for(user).exists(),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    """Draft a unit's report for a period (its sections pre-drafted from the figures)."""
    user, today = request.user, timezone.localdate()
    units = chain.reporting_units_for(user, today)
    if not units.exists():
        raise Http404
    initial = {}
    if request.method == "GET":
        for name in ("unit", "kind", "year", "month"):
            if request.GET.get(name):
                initial[name] = request.GET[name]
        if "kind" not in initial:
            initial["kind"] = PeriodKind.H1
    form = ReportCreateForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        unit = form.cleaned_data["unit"]
        period = form.period_for(unit)
        if period is not None:
            try:
                report = services.report_create(unit=unit, period=period, actor=user, today=today)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Đã lập dự thảo báo cáo %(period)s của %(unit)s từ số liệu của kỳ; vui lòng rà soát nội dung.")
                    % {"period": period.name, "unit": unit},
                )
                return redirect("reports:report_edit", pk=report.pk)
    return render(request, "reports/report_create.html", {"form": form})


# ---------------------------------------------------------------------------------------------
# One report
# ---------------------------------------------------------------------------------------------


def _live_allowed(user, report: PeriodicReport) -> bool:
    """Live figures are computed in the reader's scope: only for readers whose scope covers the
    report's (someone reached by the report alone would see partial counts)."""
    roles = chain.COMPILERS if report.kind == ReportKind.COMPILED else DASHBOARD_ROLES
    return scope_of(user).covers(report.scope_unit, roles)


@login_required
@require_GET
def report_detail(request, pk):
    user, today = request.user, timezone.localdate()
    report = _visible_or_404(request, pk)
    received = services.report_receipts_on_open(report=report, user=user, today=today)
    if received:
        messages.info(request, _("Đã ghi nhận ngày nhận báo cáo: %(day)s.") % {"day": vn_date(today)})
    live = _live_allowed(user, report)
    content = chain.report_content(user, report, today, live=live)
    can_write = chain.can_write_report(user, report)
    recipients = []
    rows = list(report.recipients.select_related("unit", "received_by").order_by("id"))
    pending = [r.pk for r in rows if not r.received_on]
    markable = set()
    if pending:
        markable = set(
            report.recipients.filter(chain.recipients_acted_for_q(user), pk__in=pending).values_list("pk", flat=True)
        )
        if can_write:
            markable = set(pending)
    for recipient in rows:
        form = None
        if recipient.pk in markable:
            form = ReceivedForm(prefix=f"r{recipient.pk}", initial={"received_on": today})
        recipients.append((recipient, form))
    query = urlencode({"unit": report.scope_unit.pk, **report.period.as_params()})
    compile_query = urlencode({"unit": report.scope_unit.pk, **_period_params(report.period)})
    drill = live and selectors.dashboard_units(user).filter(pk=report.scope_unit.pk).exists()
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "content": content,
            "comparison": content.comparison(),
            "live": live,
            "drill_query": query if drill else "",
            "compile_query": compile_query,
            "can_write": can_write,
            "recipients": recipients,
            "signed_form": SignedScanForm() if can_write and report.is_issued else None,
            "rows": _compiled_rows(content.tables) if report.kind == ReportKind.COMPILED else [],
            "sections": _sections(report),
        },
    )


def _with_label(due: ReportDue) -> ReportDue:
    due.state_label = state_label(due.state)
    return due


def _sections(report: PeriodicReport) -> list[tuple[str, str]]:
    return [(str(title), getattr(report, name)) for name, title in SECTION_TITLES]


def _compiled_rows(tables: dict) -> list[dict]:
    rows = []
    for row in tables.get("rows", []):
        rows.append(
            {
                **row,
                "state_label": state_label(row["state"]),
                "due_label": day_text(row["due_on"]),
                "issued_label": day_text(row["issued_on"]),
                "cells": [
                    {
                        "submitted": (row["submitted"] or {}).get(k),
                        "live": row["live"].get(k),
                        "difference": row["differences"].get(k),
                    }
                    for k in DETAIL_KEYS
                ],
            }
        )
    return rows


def _period_params(period) -> dict[str, str]:
    params = {"kind": period.kind, "year": str(period.year)}
    if period.month:
        params["month"] = str(period.month)
    return params


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    report = _writable_or_404(request, pk)
    if report.is_issued:
        messages.info(request, _("Báo cáo đã ban hành: không sửa được nội dung."))
        return redirect(report)
    initial = {name: getattr(report, name) for name in services.EDITABLE_FIELDS}
    form = ReportEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(report=report, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu dự thảo báo cáo."))
            return redirect(report)
    return render(request, "reports/report_edit.html", {"report": report, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def report_issue(request, pk):
    """Number, symbol and day issued: the figures are frozen and the report is sent."""
    report = _writable_or_404(request, pk)
    if report.is_issued:
        messages.info(request, _("Báo cáo này đã được ban hành."))
        return redirect(report)
    today = timezone.localdate()
    symbol = services.default_report_symbol(report.unit)
    initial = {
        "number": services.report_next_number(unit=report.unit, symbol=symbol, issued_on=today),
        "symbol": symbol,
        "issued_on": today,
    }
    form = ReportIssueForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = services.report_issue(
                report=report,
                number=data["number"],
                symbol=data["symbol"],
                issued_on=data["issued_on"],
                signed_file=data["signed_file"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ban hành báo cáo %(ref)s và gửi tới %(count)s nơi nhận.")
                % {"ref": report.reference, "count": report.recipients.count()},
            )
            return redirect(report)
    return render(
        request,
        "reports/report_issue.html",
        {"report": report, "form": form, "recipients": recipient_lines(report), "ended": today > report.period_end},
    )


def _file_stem(report: PeriodicReport) -> str:
    return f"bao-cao-{report.unit.pk}-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}"


@login_required
@require_GET
def report_download(request, pk, fmt: str):
    report = _visible_or_404(request, pk)
    content = chain.report_content(request.user, report, live=_live_allowed(request.user, report))
    if fmt == "docx":
        return docx_response(report_docx(report, content), f"{_file_stem(report)}.docx")
    return xlsx_response(report_xlsx(report, content), f"{_file_stem(report)}.xlsx")


@login_required
@require_POST
def report_signed_upload(request, pk):
    report = _writable_or_404(request, pk)
    form = SignedScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_attach_signed(
                report=report, signed_file=form.cleaned_data["signed_file"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã tải lên bản báo cáo đã ký."))
    else:
        messages.error(request, _("Không tải lên được: %(errors)s") % {"errors": " ".join(form.errors["signed_file"])})
    return redirect(report)


@login_required
@require_GET
def report_signed_file(request, pk):
    report = _visible_or_404(request, pk)
    return serve_private_file(report.signed_file, report.signed_file_name)


@login_required
@require_POST
def report_received(request, pk, recipient_pk):
    report = _visible_or_404(request, pk)
    recipient = get_object_or_404(
        ReportRecipient.objects.select_related("unit", "report"), report=report, pk=recipient_pk
    )
    if not services.can_mark_received(request.user, recipient):
        raise Http404
    form = ReceivedForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            services.report_recipient_mark_received(
                recipient=recipient, received_on=form.cleaned_data["received_on"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, "%s: %s" % (recipient.unit, " ".join(error.messages)))
        else:
            messages.success(
                request,
                _("Đã ghi ngày %(unit)s nhận báo cáo: %(day)s.")
                % {"unit": recipient.unit, "day": vn_date(form.cleaned_data["received_on"])},
            )
    else:
        messages.error(request, "%s: %s" % (recipient.unit, " ".join(form.errors["received_on"])))
    return redirect(report)


# ---------------------------------------------------------------------------------------------
# Compilation at the upper level
# ---------------------------------------------------------------------------------------------


def _area_or_404(user, unit_id):
    areas = chain.compilation_areas_for(user)
    if unit_id in (None, ""):
        area = areas.first()
    else:
        area = areas.filter(pk=id_or_404(unit_id)).first()
    if area is None:
        raise Http404
    return area


def _compile_period(request, area, params):
    """The period asked for, with the cut-off of the area's calendar; the last ended period of
    the first kind the calendar uses by default."""
    form = PeriodForm(params)
    if params.get("kind") and form.is_valid():
        period = form.period_for(area)
        if period is not None:
            return period
    if params.get("kind"):
        messages.error(request, _("Kỳ báo cáo không hợp lệ."))
    calendar = chain.calendar_for(area)
    cutoff = calendar.cutoff if calendar else Cutoff.default()
    kinds = sorted({e.period_kind for e in calendar.entries.all()}) if calendar else [PeriodKind.YEAR]
    today = timezone.localdate()
    periods = []
    for kind in kinds:
        period = current_period(kind, cutoff, today)
        periods.append(period if period.end < today else period.previous())
    return max(periods, key=lambda p: (p.end, -len(p.months())))


@login_required
@require_GET
def compilation(request):
    """For a locality and a period: every unit that must report, on time, late or missing, and
    the sums of the reports they submitted beside the live figures."""
    user, today = request.user, timezone.localdate()
    area = _area_or_404(user, request.GET.get("unit"))
    period = _compile_period(request, area, request.GET)
    data = chain.compilation(user, area, period, today)
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            compilation_xlsx(area, period, data.tables), f"tong-hop-bao-cao-{area.pk}-{period.end:%Y%m%d}.xlsx"
        )
    compiled = list(
        chain.reports_visible_to(user).filter(
            kind=ReportKind.COMPILED, scope_unit=area, period_kind=period.kind,
            period_start=period.start, period_end=period.end,
        )
    )  # fmt: skip
    can_compile = chain.can_compile(user, area)
    issuers = services.compiled_issuers_for(area, today) if can_compile else None
    form = CompiledCreateForm(initial={"kind": period.kind, "year": period.year, "month": period.month}, issuers=issuers) if can_compile else None  # fmt: skip
    totals = data.tables.get("totals", {})
    figure_rows = [
        {
            "key": k,
            "label": selectors.FIGURES[k].label,
            "submitted": totals.get("submitted", {}).get(k, 0),
            "live_submitted": totals.get("live_submitted", {}).get(k, 0),
            "difference": data.tables.get("differences", {}).get(k),
            "live_all": totals.get("live_all", {}).get(k, 0),
        }
        for k in selectors.REPORT_KEYS
    ]
    return render(
        request,
        "reports/compilation.html",
        {
            "area": area,
            "period": period,
            "data": data,
            "rows": _compiled_rows(data.tables),
            "figure_rows": figure_rows,
            "detail_headers": [(k, selectors.FIGURES[k].label) for k in DETAIL_KEYS],
            "compiled": compiled,
            "form": form,
            "can_compile": can_compile and period.end < today,
            "area_choices": chain.compilation_areas_for(user).select_related(None).only("name", "depth", "path"),
            "kind_choices": PeriodKind.CHOICES,
            "months": range(1, 13),
            "query": urlencode({"unit": area.pk, **_period_params(period)}),
            "dashboard_query": urlencode({"unit": area.pk, **period.as_params()}),
            "today": today,
        },
    )


# The figures the compilation shows unit by unit (submitted beside live).
DETAIL_KEYS = ["sessions_held", "petitions_received", "petitions_on_time", "petitions_late", "petitions_overdue"]


@login_required
@require_POST
def compilation_create(request):
    """Generate the locality's compiled report for the period (a draft to review and issue)."""
    user, today = request.user, timezone.localdate()
    area = _area_or_404(user, request.POST.get("unit") or "0")
    if not chain.can_compile(user, area):
        raise Http404
    form = CompiledCreateForm(request.POST, issuers=services.compiled_issuers_for(area, today))
    back = f"{reverse('reports:compilation')}?{urlencode({'unit': area.pk})}"
    if form.is_valid():
        period = form.period_for(area)
        if period is not None:
            back = f"{reverse('reports:compilation')}?{urlencode({'unit': area.pk, **_period_params(period)})}"
            try:
                report = services.compiled_report_create(
                    area=area, issuing_unit=form.cleaned_data["issuing_unit"], period=period, actor=user, today=today
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Đã lập dự thảo báo cáo tổng hợp; vui lòng rà soát nội dung."))
                return redirect("reports:report_edit", pk=report.pk)
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(back)


# ---------------------------------------------------------------------------------------------
# The calendar
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def calendar(request):
    """The reporting calendars over the user's scope: the periods, each level's due days, and
    the latest rounds with how the units in the user's scope stand."""
    user, today = request.user, timezone.localdate()
    _require_reports(user)
    calendars = list(chain.calendars_visible_to(user))
    rounds = chain.rounds_standing(user, calendars, today)
    compile_units = set(
        chain.compilation_areas_for(user).filter(pk__in=[c.unit_id for c in calendars]).values_list("pk", flat=True)
    )
    blocks = []
    for cal in calendars:
        entries = {}
        for entry in cal.entries.all():
            entries.setdefault(entry.get_period_kind_display(), []).append(entry)
        cal_rounds = []
        for row in rounds.get(cal.pk, [])[:12]:
            cal_rounds.append({**row, "query": urlencode({"unit": cal.unit_id, **_period_params(row["round"].period)})})
        blocks.append(
            {"calendar": cal, "entries": entries, "rounds": cal_rounds, "can_compile": cal.unit_id in compile_units}
        )
    return render(request, "reports/calendar.html", {"blocks": blocks})
