"""The annual dialogue plans: the list of a year (every unit bound by the rule in the user's area,
with its plan or without one), a plan with its planned dialogues, and the staff's writes (start a
plan, add or cancel a planned dialogue, issue it, its signed scan). Thin views: plans come through
``sessions.selectors`` (a commune's staff never reaches another commune's plan: 404), writes go
through ``sessions.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.files import serve_private_file
from common.forms import WithdrawForm
from common.web import PAGE_SIZE, add_service_errors, id_or_404
from regulations.selectors import plan_due_dates_of
from regulations.years import dialogue_year_bounds, dialogue_year_of, plan_due_date
from units.access import AREA_ROLES
from units.selectors import active_during_q, bound_unit_q, units_for_staff, units_visible_to

from . import services
from .forms import PlanForm, PlanIssueForm, PlannedItemForm, PlanSignedScanForm
from .models import DialoguePlan, DialogueSession, PlannedDialogue, PlanStatus
from .selectors import plans_editable_by, plans_visible_to, with_planned_state

PLAN_STATES = [
    ("issued", gettext_lazy("Đã ban hành")),
    ("late", gettext_lazy("Ban hành sau hạn")),
    ("draft", gettext_lazy("Dự thảo")),
    ("missing", gettext_lazy("Chưa ban hành")),
]


def _year_param(request) -> int:
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or dialogue_year_of(today))
    except ValueError:
        year = dialogue_year_of(today)
    return year if 2019 <= year <= today.year + 1 else dialogue_year_of(today)


@login_required
@require_GET
def plan_list(request):
    """The plans of a year: every unit of the user's area whose head is bound by the rule (with
    its plan, or marked as without one: the Board's measure), and any other unit with a plan."""
    user = request.user
    year = _year_param(request)
    start, end = dialogue_year_bounds(year)
    plans = DialoguePlan.objects.filter(unit=OuterRef("pk"), year=year)
    units = (
        units_visible_to(user, AREA_ROLES)
        .filter(active_during_q(start, end))
        .filter(bound_unit_q() | Q(Exists(plans)))
        .annotate(
            plan_id=Subquery(plans.values("pk")[:1]),
            plan_status=Subquery(plans.values("status")[:1]),
            plan_number=Subquery(plans.values("number")[:1]),
            plan_issued_on=Subquery(plans.values("issued_on")[:1]),
            plan_due_on=Subquery(plans.values("due_on")[:1]),
            # A plan issued before its unit began carries a predecessor's document (a
            # reorganisation moved planned dialogues into it): whose, from its moved items.
            plan_carried_from=Subquery(
                PlannedDialogue.objects.filter(
                    plan__unit=OuterRef("pk"),
                    plan__year=year,
                    plan__issued_on__lt=OuterRef("active_from"),
                    moved_from__isnull=False,
                )
                .order_by("pk")
                .values("moved_from__name")[:1]
            ),
        )
    )
    unit_id = id_or_404(request.GET.get("unit"))
    if unit_id is not None:
        root = get_object_or_404(units_visible_to(user, AREA_ROLES), pk=unit_id)
        units = units.filter(path__startswith=root.path)
    state = request.GET.get("state") or ""
    issued = plans.filter(status=PlanStatus.ISSUED)
    if state == "issued":
        units = units.filter(Exists(issued))
    elif state == "late":
        units = units.filter(Exists(issued.filter(issued_on__gt=F("due_on"))))
    elif state == "draft":
        units = units.filter(Exists(plans.filter(status=PlanStatus.DRAFT)))
    elif state == "missing":
        units = units.filter(~Exists(issued))
    page = Paginator(units.order_by("path"), PAGE_SIZE).get_page(request.GET.get("page"))
    # A unit without a plan that began during the year is due from its first day.
    begun = [u for u in page.object_list if u.plan_id is None and u.active_from and u.active_from > start]
    own = plan_due_dates_of(begun, year)
    for unit in begun:
        unit.plan_due_on = own[unit.pk]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "plans/plan_list.html",
        {
            "page": page,
            "year": year,
            "years": range(timezone.localdate().year + 1, 2018, -1),
            "due": plan_due_date(year),
            "state": state,
            "states": PLAN_STATES,
            "unit_id": unit_id,
            "unit_choices": units_visible_to(user, AREA_ROLES).select_related(None).only("id", "name", "depth"),
            "query": query.urlencode(),
            "can_create": units_for_staff(user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    if not units_for_staff(request.user).exists():
        raise Http404
    initial = {"year": dialogue_year_of(timezone.localdate())}
    unit_id = request.GET.get("unit")
    if unit_id and unit_id.isdigit():
        initial["unit"] = unit_id
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã tạo dự thảo kế hoạch; hạn ban hành: %(due)s. Hãy thêm các cuộc đối thoại dự kiến.")
                % {"due": plan.due_on.strftime("%d/%m/%Y")},
            )
            return redirect(plan)
    return render(request, "plans/plan_form.html", {"form": form})


@login_required
@require_GET
def plan_detail(request, pk):
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    today = timezone.localdate()
    editable = plans_editable_by(request.user).filter(pk=pk).exists()
    held = DialogueSession.objects.filter(planned_item=OuterRef("pk"), withdrawn_at__isnull=True)
    items = (
        with_planned_state(PlannedDialogue.objects.filter(plan=plan), today)
        .annotate(held_session_id=Subquery(held.values("pk")[:1]))
        .select_related("chair", "moved_from")
        .order_by("expected_by", "id")
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "items": items,
            "editable": editable,
            "withdraw_form": WithdrawForm(),
            "signed_form": PlanSignedScanForm(),
            "today": today,
        },
    )


def _editable_plan_or_404(request, pk) -> DialoguePlan:
    return get_object_or_404(plans_editable_by(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def planned_item_add(request, pk):
    plan = _editable_plan_or_404(request, pk)
    form = PlannedItemForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.planned_item_add(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã thêm cuộc đối thoại dự kiến vào kế hoạch."))
            return redirect(plan)
    return render(request, "plans/item_form.html", {"plan": plan, "form": form})


@login_required
@require_POST
def planned_item_withdraw(request, pk):
    item = get_object_or_404(
        PlannedDialogue.objects.select_related("plan").filter(plan__in=plans_editable_by(request.user).values("pk")),
        pk=pk,
    )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do hủy."))
        return redirect(item.plan)
    try:
        services.planned_item_withdraw(item=item, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã hủy cuộc đối thoại dự kiến; lý do được lưu lại."))
    return redirect(item.plan)


@login_required
@require_http_methods(["GET", "POST"])
def plan_issue(request, pk):
    plan = _editable_plan_or_404(request, pk)
    if plan.is_issued:
        messages.info(request, _("Kế hoạch này đã được ban hành."))
        return redirect(plan)
    form = PlanIssueForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_issue(plan=plan, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ban hành kế hoạch tiếp xúc, đối thoại năm %(year)s.") % {"year": plan.year})
            return redirect(plan)
    return render(request, "plans/plan_issue.html", {"plan": plan, "form": form})


@login_required
@require_GET
def plan_signed_file(request, pk):
    plan = get_object_or_404(plans_visible_to(request.user), pk=pk)
    return serve_private_file(plan.signed_file, plan.signed_file_name)


@login_required
@require_POST
def plan_signed_upload(request, pk):
    plan = _editable_plan_or_404(request, pk)
    form = PlanSignedScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.plan_attach_signed(plan=plan, signed_file=form.cleaned_data["signed_file"], actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã tải lên bản kế hoạch đã ký."))
    else:
        messages.error(request, _("Không tải lên được: %(errors)s") % {"errors": " ".join(form.errors["signed_file"])})
    return redirect(plan)
