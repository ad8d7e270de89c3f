"""Dashboards, drill-down lists, periodic reports and the Front monitor's pages. Thin: the
figures come from ``reports.selectors``, writes from ``petitions.services``.

The read-only report pages and exports are ``@reads_from_replica``: with a streaming replica
configured they read there (access decisions and the pages of a user who has just written stay
on the primary, ``common.replicas``); the petition page and the Front's forms stay on the primary."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from common.replicas import reads_from_replica
from common.web import CountedPaginator, add_service_errors, id_or_404, page_by_ids
from petitions.pages import petition_page_context
from petitions.selectors import petitions_monitored_by, replies_monitored_by, with_reply_states
from petitions.services import reply_assess, supervision_note_add
from sessions.filters import SessionFilter
from sessions.selectors import sessions_in_area_of, with_notice_state
from units.access import scope_of
from units.models import Role
from units.selectors import dashboard_units, has_predecessors
from units.versions import AreaCache, count_of

from . import exports, selectors
from .cache import cached_dashboard_data
from .filters import MonitorPetitionFilter, ReplyFilter
from .forms import AssessmentForm, SupervisionNoteForm
from .heads_exports import plan_rate
from .periods import Cutoff, PeriodKind, current_period, period_from_params
from .report_selectors import COMPILERS

PAGE_SIZE = 50
# The predecessors' view ("Tính cả đơn vị tiền thân"): a GET parameter of the dashboard and of
# its lists, carried by every link between them.
PREDECESSORS_PARAM = "predecessors"
PREDECESSORS_LABEL = gettext_lazy("tính cả đơn vị tiền thân")
SORTABLE = {"unit", "sessions_held", "on_time_rate", *selectors.UNIT_TABLE_KEYS, "notices_overdue"}

FIGURE_GROUPS = [
    ("sessions", gettext_lazy("Hội nghị tiếp xúc, đối thoại")),
    ("levels", gettext_lazy("Hội nghị theo cấp")),
    ("notices", gettext_lazy("Thông báo kết luận trong 10 ngày sau hội nghị")),
    ("petitions", gettext_lazy("Kiến nghị")),
    ("replies", gettext_lazy("Trả lời bằng văn bản, chuyển cấp có thẩm quyền, vụ việc phức tạp")),
    ("assessments", gettext_lazy("Giám sát của MTTQ")),
    ("r1", gettext_lazy("Đối thoại ít nhất một lần trong năm")),
    ("plans", gettext_lazy("Kế hoạch tiếp xúc, đối thoại hằng năm")),
    ("heads", gettext_lazy("Người đứng đầu")),
    ("items", gettext_lazy("Kết luận, cam kết của người chủ trì")),
]


def _context_or_404(request):
    """The dashboard unit (inside the user's scope, else 404) and the period from the query."""
    user = request.user
    if not selectors.can_see_dashboards(user):
        raise Http404
    unit = selectors.dashboard_unit_or_404(user, request.GET.get("unit"))
    try:
        period = period_from_params(request.GET)
    except ValueError as exc:
        messages.error(request, str(exc))
        period = current_period()
    return unit, period


def _base_params(unit, period, predecessors: bool = False) -> dict[str, str]:
    params = {"unit": str(unit.pk), **period.as_params()}
    if predecessors:
        params[PREDECESSORS_PARAM] = "1"
    return params


def _predecessors_or_none(request, unit):
    """The predecessors the page counts when the predecessors' view is asked for (``None``
    otherwise, or when the unit has none: the page is then the plain one)."""
    if request.GET.get(PREDECESSORS_PARAM) != "1":
        return None
    return selectors.predecessors_for(request.user, unit)


def _wants_xlsx(request) -> bool:
    return request.GET.get("format") == "xlsx"


@login_required
@reads_from_replica
def dashboard(request):
    unit, period = _context_or_404(request)
    user, today = request.user, timezone.localdate()
    preds = _predecessors_or_none(request, unit)
    with_preds = preds is not None
    data = cached_dashboard_data(user, unit, period, today, predecessors=with_preds)
    figures, units, fields, trend = data.figures, data.units, data.fields, data.trend
    if _wants_xlsx(request):
        wb = exports.dashboard_workbook(
            unit=unit,
            period=period,
            figures=figures,
            units=units,
            fields=fields,
            trend=trend,
            predecessors=with_preds,
        )
        return exports.workbook_response(
            wb, f"bang-dieu-khien-{unit.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.xlsx"
        )

    sort = request.GET.get("sort", "unit")
    descending = sort.startswith("-")
    sort_key = sort.lstrip("-")
    if sort_key in SORTABLE:
        if sort_key == "unit":
            units.sort(key=selectors.unit_row_order, reverse=descending)
        else:
            units.sort(key=lambda r: (r[sort_key] is None, r[sort_key] or 0), reverse=descending)
    params = _base_params(unit, period, with_preds)
    query = urlencode(params)
    unit_keys = ["sessions_held", "notices_overdue", *selectors.UNIT_TABLE_KEYS]
    trend_keys = selectors.TREND_SESSION_KEYS + selectors.TREND_PETITION_KEYS
    # Each cell links to its drill-down list; the figure URLs are reversed once, not per cell.
    figure_url = {
        k: reverse("reports:figure", args=[k]) for k in {*unit_keys, *selectors.FIELD_TABLE_KEYS, *trend_keys}
    }
    # A cell carries its column's label (the ``data-label`` of the narrow layout): looking it up
    # in the template was a loop over the headers per cell (~40% of a commune dashboard's time).
    label = {k: str(selectors.FIGURES[k].label) for k in figure_url}  # translated once, not per cell
    for row in units:
        q = f"{query}&by_unit={row['unit'].pk}"
        row["cells"] = [(label[k], row[k], f"{figure_url[k]}?{q}") for k in unit_keys]
    for row in fields:
        q = f"{query}&field={row['field_param']}"
        row["cells"] = [(label[k], row[k], f"{figure_url[k]}?{q}") for k in selectors.FIELD_TABLE_KEYS]
    for row in trend:
        q = urlencode(_base_params(unit, row["period"], with_preds))
        row["cells"] = [(label[k], row[k], f"{figure_url[k]}?{q}") for k in trend_keys]
    groups = [
        (
            title,
            [
                (key, selectors.FIGURES[key].label, figures[key])
                for key in selectors.FIGURES
                if selectors.FIGURES[key].group == group
            ],
        )
        for group, title in FIGURE_GROUPS
    ]
    # The Board's own measure beside its figures: the share of bound units with an issued plan.
    rate = plan_rate(figures)
    if rate is not None:
        groups = [
            (
                _("%(title)s: %(rate)s%% đơn vị có kế hoạch")
                % {"title": title, "rate": f"{rate:.1f}".replace(".", ",")}
                if group == "plans"
                else title,
                items,
            )
            for (group, _title), (title, items) in zip(FIGURE_GROUPS, groups)
        ]
    chart = {
        "labels": [row["period"].short_label for row in trend],
        "series": [
            {"label": str(selectors.FIGURES[k].label), "data": [row[k] for row in trend]}
            for k in selectors.TREND_SESSION_KEYS + selectors.TREND_PETITION_KEYS
        ],
    }
    r1_missing = list(
        selectors.figure_queryset(user, "r1_missing", unit, period, today=today, predecessors=with_preds).order_by(
            "path"
        )[:20]
    )
    return render(
        request,
        "reports/dashboard.html",
        {
            "unit": unit,
            "period": period,
            "figures": figures,
            "groups": groups,
            "units": units,
            "fields": fields,
            "trend": trend,
            "chart": chart,
            "r1_missing": r1_missing,
            "query": query,
            "predecessors": preds,
            "show_predecessors_option": with_preds or has_predecessors(unit),
            "sort": sort,
            "unit_choices": dashboard_units(user).select_related(None).only("name", "depth", "path"),
            "kind_choices": PeriodKind.CHOICES,
            "months": range(1, 13),
            "unit_headers": _headers(unit_keys),
            "field_headers": _headers(selectors.FIELD_TABLE_KEYS),
            "trend_headers": _headers(trend_keys),
            "default_cutoff": Cutoff.default(),
            # ``compilation_areas_for`` holds the unit exactly when the scope covers it for the
            # compilers' roles: read from the scope, without a query (the page spends that one
            # on ``has_predecessors``).
            "can_compile": scope_of(user).covers(unit, COMPILERS),
            "compile_query": urlencode({"unit": unit.pk}),
        },
    )


def _headers(keys):
    return [(k, selectors.FIGURES[k].label) for k in keys]


@login_required
@reads_from_replica
def figure_list(request, key: str):
    """The drill-down list behind a dashboard figure; its count equals the figure."""
    if key not in selectors.FIGURES:
        raise Http404
    unit, period = _context_or_404(request)
    user, today = request.user, timezone.localdate()
    figure = selectors.FIGURES[key]
    by_unit = id_or_404(request.GET.get("by_unit"))
    field = request.GET.get("field") or None
    if field not in (None, "none"):
        field = id_or_404(field)
    head = selectors.head_in_scope_or_404(user, request.GET.get("head"))
    preds = _predecessors_or_none(request, unit)
    with_preds = preds is not None
    qs = selectors.figure_queryset(
        user, key, unit, period, today=today, by_unit=by_unit, field=field, head=head, predecessors=with_preds
    )
    if figure.model == selectors.PETITION:
        qs = with_reply_states(qs, today).order_by("-session__held_on", "-id")
    elif figure.model == selectors.SESSION:
        qs = with_notice_state(qs, today).select_related("notice__issuing_unit__kind").order_by("-held_on", "-id")
    else:
        qs = selectors.LIST_ROWS[figure.model](qs, today, period)
    caption = f"{figure.label} – {head.full_name + ' – ' if head else ''}{unit.name} – {period.label}"
    if with_preds:
        caption += f" – {PREDECESSORS_LABEL}"
    if _wants_xlsx(request):
        header, rows = exports.ROWS_FOR_MODEL[figure.model](qs, request.user)
        return exports.workbook_response(exports.list_workbook(str(figure.label), header, rows, caption), f"{key}.xlsx")
    if figure.model == selectors.PETITION:
        page = page_by_ids(qs, request.GET.get("page"), PAGE_SIZE)
    else:
        also = preds.paths if with_preds else ()
        count = lambda: count_of(qs, user, also_paths=also)  # noqa: E731
        page = CountedPaginator(qs, PAGE_SIZE, count=count).get_page(request.GET.get("page"))
    if with_preds:
        page.object_list = list(page.object_list)
        selectors.mark_rows_outside_scope(user, figure.model, page.object_list)
    params = {k: v for k, v in request.GET.items() if k not in ("page", "format")}
    return render(
        request,
        "reports/figure_list.html",
        {
            "figure": figure,
            "unit": unit,
            "period": period,
            "page": page,
            "query": urlencode(params),
            "dashboard_query": urlencode(_base_params(unit, period, with_preds)),
            "predecessors": preds,
            "caption": caption,
            "head": head,
            "today": today,
        },
    )


@login_required
@reads_from_replica
def periodic_report(request, fmt: str):
    """The periodic report "Báo cáo kết quả tiếp xúc, đối thoại" as DOCX or XLSX."""
    unit, period = _context_or_404(request)
    data = exports.periodic_report_data(
        request.user, unit, period, predecessors=request.GET.get(PREDECESSORS_PARAM) == "1"
    )
    name = f"bao-cao-tiep-xuc-doi-thoai-{unit.pk}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "docx":
        return exports.docx_response(exports.periodic_report_docx(data), f"{name}.docx")
    return exports.workbook_response(exports.periodic_report_xlsx(data), f"{name}.xlsx")


# ---------------------------------------------------------------------------------------------
# Front monitor
# ---------------------------------------------------------------------------------------------


def _require_monitor(user):
    if not scope_of(user).can_monitor:
        raise Http404


def _list_query(request) -> str:
    """The list's query string without the page and the export format (pagination, export link)."""
    return urlencode([(k, v) for k, v in request.GET.items() if k not in ("page", "format")])


@login_required
@reads_from_replica
def monitor_sessions(request):
    _require_monitor(request.user)
    base = sessions_in_area_of(request.user, {Role.FRONT}).filter(withdrawn_at__isnull=True)
    filterset = SessionFilter(request.GET or None, queryset=base, user=request.user)
    sessions = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    qs = (
        with_notice_state(sessions, timezone.localdate())
        .select_related("notice__issuing_unit__kind")
        .order_by("-held_on", "-id")
    )
    if _wants_xlsx(request):
        header, rows = exports.session_rows(qs)
        return exports.workbook_response(exports.list_workbook(_("Hội nghị"), header, rows), "giam-sat-hoi-nghi.xlsx")
    page = CountedPaginator(qs, PAGE_SIZE, count=lambda: count_of(qs, request.user)).get_page(request.GET.get("page"))
    return render(
        request, "reports/monitor_sessions.html", {"page": page, "filter": filterset, "query": _list_query(request)}
    )


@login_required
@reads_from_replica
def monitor_petitions(request):
    _require_monitor(request.user)
    base = with_reply_states(petitions_monitored_by(request.user), timezone.localdate())
    area = AreaCache(request.user)
    filterset = MonitorPetitionFilter(
        request.GET or None,
        queryset=base,
        user=request.user,
        sorts=("held_desc", "due", "due_desc", "newest"),
        area=area,
    )
    listed = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    qs = filterset.ordered(listed)
    if _wants_xlsx(request):
        header, rows = exports.petition_rows(qs, request.user)
        return exports.workbook_response(exports.list_workbook(_("Kiến nghị"), header, rows), "giam-sat-kien-nghi.xlsx")
    # The count is cached under the area's data versions; the page's ids are the first of the
    # sorted list (a top-N sort), not all the area's ids.
    page = CountedPaginator(qs, PAGE_SIZE, count=lambda: area.count(listed)).get_page(request.GET.get("page"))
    return render(
        request,
        "reports/monitor_petitions.html",
        {"page": page, "filter": filterset, "query": _list_query(request)},
    )


@login_required
@reads_from_replica
def monitor_replies(request):
    _require_monitor(request.user)
    base = replies_monitored_by(request.user)
    area = AreaCache(request.user)
    # The export shows no choices: its filter keeps them as a subquery, never run.
    filterset = ReplyFilter(request.GET or None, queryset=base, area=None if _wants_xlsx(request) else area)
    qs = (filterset.qs if filterset.is_bound and filterset.is_valid() else base).order_by("-replied_on", "-id")
    if _wants_xlsx(request):
        header, rows = exports.reply_rows(qs)
        return exports.workbook_response(
            exports.list_workbook(_("Văn bản trả lời"), header, rows), "giam-sat-tra-loi.xlsx"
        )
    # The area and the words are tested on the reply's own row (its copies of the petition,
    # ``petitions.search``): the page walks the replies' date index (``reply_replied_on_id_idx``)
    # or, for rarer words, combines the area's indexes with the search index. The count is
    # cached under the area's data versions.
    page = CountedPaginator(qs, PAGE_SIZE, count=lambda: area.count(qs), by_ids=False).get_page(request.GET.get("page"))
    return render(
        request, "reports/monitor_replies.html", {"page": page, "filter": filterset, "query": _list_query(request)}
    )


def _monitor_petition_or_404(user, pk):
    _require_monitor(user)
    return get_object_or_404(with_reply_states(petitions_monitored_by(user), timezone.localdate()), pk=pk)


@login_required
def monitor_petition(request, pk: int):
    """The petition page, reached from the Front monitor's lists (the same page as everyone's,
    with the parts the monitor may use: supervision notes and the assessment of replies)."""
    petition = _monitor_petition_or_404(request.user, pk)
    return render(request, "petitions/petition_detail.html", petition_page_context(request, petition))


def _front_unit(user, petition):
    return scope_of(user).front_organisation_for([petition.session.organising_unit, petition.assigned_unit])


@login_required
@require_http_methods(["GET", "POST"])
def monitor_note_add(request, pk: int):
    petition = _monitor_petition_or_404(request.user, pk)
    form = SupervisionNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            supervision_note_add(
                petition=petition,
                author=request.user,
                text=form.cleaned_data["text"],
                unit=_front_unit(request.user, petition),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Đã ghi ý kiến giám sát."))
            return redirect("reports:monitor_petition", pk=petition.pk)
    return render(request, "reports/monitor_note_form.html", {"petition": petition, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def monitor_assess(request, reply_pk: int):
    _require_monitor(request.user)
    reply = get_object_or_404(replies_monitored_by(request.user), pk=reply_pk)
    petition = reply.petition
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reply_assess(
                reply=reply,
                assessor=request.user,
                result=form.cleaned_data["result"],
                reason=form.cleaned_data["reason"],
                assessed_on=form.cleaned_data["assessed_on"],
                unit=_front_unit(request.user, petition),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi kết quả đánh giá văn bản trả lời."))
            return redirect("reports:monitor_petition", pk=petition.pk)
    return render(request, "reports/monitor_assess_form.html", {"petition": petition, "reply": reply, "form": form})
