"""The chair's conclusions and commitments: recording them on a session (staff), the list and the
page of each (everyone in scope), reporting one done with its evidence (the responsible unit, or
the organising staff on its behalf), withdrawal (staff) and the Front's assessment. Thin views:
items come through ``sessions.selectors`` (foreign → 404), writes go through
``sessions.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.files import serve_private_file
from common.forms import WithdrawForm
from common.web import PAGE_SIZE, add_service_errors
from regulations.states import DeadlineState
from units.access import scope_of
from units.selectors import units_active_on

from . import services
from .forms import ConclusionItemForm, ItemAssessForm, ItemCompleteForm
from .models import ItemAssessmentResult, ItemKind
from .selectors import (
    conclusion_items_actionable_by,
    conclusion_items_monitored_by,
    conclusion_items_visible_to,
    item_state_conditions,
    sessions_editable_by,
    with_item_state,
)

ITEM_FILTERS = [
    ("open", gettext_lazy("Đang thực hiện")),
    ("overdue", gettext_lazy("Quá hạn")),
    ("done", gettext_lazy("Đã hoàn thành")),
    ("unsatisfied", gettext_lazy("MTTQ đánh giá không hài lòng")),
]


@login_required
@require_GET
def item_list(request):
    """Conclusions and commitments in the user's scope, most urgent first."""
    today = timezone.localdate()
    qs = conclusion_items_visible_to(request.user).filter(withdrawn_at__isnull=True, session__withdrawn_at__isnull=True)
    state = request.GET.get("state") or ""
    if state == "open":
        qs = qs.filter(done_on__isnull=True)
    elif state == "overdue":
        qs = qs.filter(item_state_conditions(today)[DeadlineState.OVERDUE])
    elif state == "done":
        qs = qs.filter(done_on__isnull=False)
    elif state == "unsatisfied":
        qs = qs.filter(assessment=ItemAssessmentResult.UNSATISFIED)
    kind = request.GET.get("kind") or ""
    if kind in ItemKind.values:
        qs = qs.filter(kind=kind)
    mine = request.GET.get("cua_toi") == "1"
    if mine:
        qs = qs.filter(pk__in=conclusion_items_actionable_by(request.user).values("pk"), done_on__isnull=True)
    qs = with_item_state(qs, today).order_by("done_on", "target_on", "-session__held_on", "id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "commitments/item_list.html",
        {
            "page": page,
            "state": state,
            "states": ITEM_FILTERS,
            "kind": kind,
            "kinds": ItemKind.choices,
            "mine": mine,
            "query": query.urlencode(),
        },
    )


def _visible_item_or_404(request, pk):
    return get_object_or_404(with_item_state(conclusion_items_visible_to(request.user), timezone.localdate()), pk=pk)


@login_required
@require_GET
def item_detail(request, pk):
    item = _visible_item_or_404(request, pk)
    user = request.user
    scope = scope_of(user)
    live = not item.withdrawn_at
    actionable = conclusion_items_actionable_by(user).filter(pk=pk).exists()
    editable = sessions_editable_by(user).filter(pk=item.session_id).exists()
    monitors = scope.front_membership_for([item.session.organising_unit, item.responsible_unit]) is not None
    return render(
        request,
        "commitments/item_detail.html",
        {
            "item": item,
            "can_complete": live and actionable and not item.done_on,
            "can_withdraw": live and editable and not item.done_on,
            "can_assess": live and monitors and bool(item.done_on),
            "assessments": item.assessments.select_related("unit", "assessor"),
            "withdraw_form": WithdrawForm(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, pk):
    """Record the chair's conclusions and commitments on a session, one at a time."""
    session = get_object_or_404(sessions_editable_by(request.user), pk=pk)
    form = ConclusionItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conclusion_item_add(session=session, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận kết luận, cam kết của người chủ trì."))
            if request.POST.get("again"):
                return redirect("sessions:item_add", pk=session.pk)
            return redirect(session.get_absolute_url() + "#items")
    existing = with_item_state(
        conclusion_items_visible_to(request.user).filter(session=session, withdrawn_at__isnull=True),
        timezone.localdate(),
    )
    return render(
        request,
        "commitments/item_form.html",
        {
            "session": session,
            "form": form,
            "existing": existing,
            "unit_options": list(units_active_on().values("id", "name")),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_complete(request, pk):
    item = get_object_or_404(with_item_state(conclusion_items_actionable_by(request.user)), pk=pk)
    form = ItemCompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conclusion_item_complete(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận hoàn thành kết luận, cam kết."))
            return redirect(item)
    return render(
        request, "commitments/item_action.html", {"item": item, "form": form, "title": _("Báo cáo hoàn thành")}
    )


@login_required
@require_POST
def item_withdraw(request, pk):
    item = get_object_or_404(
        conclusion_items_visible_to(request.user).filter(
            Q(session__in=sessions_editable_by(request.user).values("pk"))
        ),
        pk=pk,
    )
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do thu hồi."))
        return redirect(item)
    try:
        services.conclusion_item_withdraw(item=item, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi kết luận, cam kết; lý do được lưu lại."))
    return redirect(item)


@login_required
@require_http_methods(["GET", "POST"])
def item_assess(request, pk):
    """The Front monitor's assessment of how an item was carried out."""
    item = get_object_or_404(with_item_state(conclusion_items_monitored_by(request.user)), pk=pk)
    if not scope_of(request.user).can_monitor:
        return redirect(item)
    form = ItemAssessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = scope_of(request.user).front_organisation_for([item.session.organising_unit, item.responsible_unit])
        try:
            services.conclusion_item_assess(item=item, assessor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi kết quả đánh giá việc thực hiện."))
            return redirect(item)
    return render(
        request, "commitments/item_action.html", {"item": item, "form": form, "title": _("Đánh giá việc thực hiện")}
    )


@login_required
@require_GET
def item_evidence(request, pk):
    item = get_object_or_404(conclusion_items_visible_to(request.user), pk=pk)
    return serve_private_file(item.evidence, item.evidence_name)
