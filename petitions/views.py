"""Screens of the responsible agencies (inbox, reply, forward, complex-case notice) and the
petition page everyone in scope reads. Objects come through ``petitions_visible_to`` /
``petitions_actionable_by`` (foreign → 404); writes go through ``petitions.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.documents import DOCX_CONTENT_TYPE, reply_draft_docx
from common.files import serve_private_file
from common.forms import active_units
from sessions.models import Role
from sessions.selectors import sessions_editable_by, user_roles
from sessions.views import PAGE_SIZE, add_service_errors

from . import services
from .forms import ComplexNoticeForm, ForwardForm, ReplyForm, WithdrawForm
from .history import petition_history
from .models import ComplexCaseNotice, Forwarding, Petition, PetitionStatus, WrittenReply
from .selectors import (
    DeadlineState,
    agency_inbox,
    explain_reply_due,
    filter_reply_state,
    petitions_actionable_by,
    petitions_visible_to,
    with_reply_states,
)

REPLY_STATUSES = {PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX, PetitionStatus.FORWARDED}
FORWARD_STATUSES = {PetitionStatus.ASSIGNED}
COMPLEX_STATUSES = {PetitionStatus.ASSIGNED, PetitionStatus.COMPLEX}
# The service refuses these; the page does not offer the button for them.
WITHDRAW_REFUSED = {PetitionStatus.WITHDRAWN, PetitionStatus.REPLIED, PetitionStatus.CLOSED}


@login_required
@require_GET
def inbox(request):
    """Petitions waiting on the user's units, most urgent first."""
    today = timezone.localdate()
    page = Paginator(agency_inbox(request.user, today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "petitions/inbox.html", {"page": page, "today": today, "is_agency": Role.AGENCY in user_roles(request.user)})


@login_required
@require_GET
def petition_list(request):
    """All petitions in the user's area, filterable by status and reply deadline state."""
    today = timezone.localdate()
    qs = petitions_visible_to(request.user).exclude(status=PetitionStatus.WITHDRAWN)
    status = request.GET.get("status", "")
    state = request.GET.get("state", "")
    # PostgreSQL refuses NUL in a string literal: a forged search must not become a 500.
    q = (request.GET.get("q") or "").replace("\x00", "").strip()
    if status in PetitionStatus.values:
        qs = qs.filter(status=status)
    if state in DeadlineState.values:
        qs = filter_reply_state(qs, state, today)
    if q:
        qs = qs.filter(content__icontains=q) | qs.filter(petitioner_name__icontains=q)
    qs = with_reply_states(qs, today).order_by("reply_due_on", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/petition_list.html",
        {
            "page": page,
            "query": query.urlencode(),
            "statuses": PetitionStatus.choices,
            "states": DeadlineState.choices,
            "status": status,
            "state": state,
            "q": q,
        },
    )


def _actions(petition, actionable: bool) -> dict[str, bool]:
    return {
        "reply": actionable and petition.status in REPLY_STATUSES,
        "forward": actionable and petition.status in FORWARD_STATUSES,
        "complex": actionable and petition.status in COMPLEX_STATUSES,
    }


@login_required
@require_GET
def petition_detail(request, pk):
    today = timezone.localdate()
    petition = get_object_or_404(
        with_reply_states(petitions_visible_to(request.user), today).select_related("session__organising_unit__kind"), pk=pk
    )
    actionable = petitions_actionable_by(request.user).filter(pk=pk).exists()
    # Staff of the organising subtree (and administrators) read the audit history and may withdraw.
    editable = sessions_editable_by(request.user).filter(pk=petition.session_id).exists()
    return render(
        request,
        "petitions/petition_detail.html",
        {
            "history": petition_history(petition) if editable else None,
            "can_withdraw": editable and petition.status not in WITHDRAW_REFUSED,
            "withdraw_form": WithdrawForm(),
            "petition": petition,
            "events": petition.events.select_related("actor").order_by("at", "id"),
            "replies": petition.replies.select_related("unit"),
            "forwardings": petition.forwardings.select_related("from_unit", "to_unit"),
            "complex_notices": petition.complex_notices.select_related("unit"),
            "explanation": explain_reply_due(petition),
            "actions": _actions(petition, actionable),
            "today": today,
        },
    )


def _actionable(request, pk, statuses, refusal):
    petition = get_object_or_404(petitions_actionable_by(request.user), pk=pk)
    if petition.status not in statuses:
        messages.error(request, refusal % {"status": petition.get_status_display()})
        return petition, False
    return petition, True


def _action_page(request, petition, form, title, template="petitions/action_form.html", **extra):
    return render(request, template, {"petition": petition, "form": form, "title": title, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def reply_create(request, pk):
    petition, ok = _actionable(request, pk, REPLY_STATUSES, _("Không thể trả lời kiến nghị ở trạng thái “%(status)s”."))
    if not ok:
        return redirect(petition)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply_record(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận văn bản trả lời; kiến nghị đã kết thúc."))
            return redirect(petition)
    return _action_page(request, petition, form, _("Ghi nhận văn bản trả lời"), draft=True)


@login_required
@require_GET
def reply_draft(request, pk):
    petition = get_object_or_404(petitions_actionable_by(request.user).select_related("session__notice__issuing_unit__kind", "assigned_unit__kind"), pk=pk)
    if petition.assigned_unit_id is None:
        messages.error(request, _("Kiến nghị chưa được giao đơn vị giải quyết."))
        return redirect(petition)
    response = HttpResponse(reply_draft_docx(petition), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="du-thao-tra-loi-kien-nghi-{petition.pk}.docx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def forward_create(request, pk):
    petition, ok = _actionable(
        request, pk, FORWARD_STATUSES, _("Chỉ chuyển được kiến nghị đang chờ giải quyết; trạng thái hiện tại là “%(status)s”.")
    )
    if not ok:
        return redirect(petition)
    form = ForwardForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_forward(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã chuyển kiến nghị đến %(unit)s.") % {"unit": form.cleaned_data["to_unit"]})
            return redirect(petition)
    return _action_page(
        request, petition, form, _("Chuyển cấp có thẩm quyền"), unit_options=list(active_units().values("id", "name"))
    )


@login_required
@require_http_methods(["GET", "POST"])
def complex_create(request, pk):
    petition, ok = _actionable(
        request, pk, COMPLEX_STATUSES, _("Không thể gửi thông báo vụ việc phức tạp cho kiến nghị ở trạng thái “%(status)s”.")
    )
    if not ok:
        return redirect(petition)
    form = ComplexNoticeForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.complex_notice_send(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận thông báo vụ việc phức tạp."))
            return redirect(petition)
    return _action_page(request, petition, form, _("Thông báo vụ việc phức tạp"))


@login_required
@require_POST
def petition_withdraw(request, pk):
    """Withdraw a petition entered by mistake (staff of the organising subtree): a reason is
    required, nothing is deleted, the timeline and the history record it."""
    petition = get_object_or_404(Petition.objects.filter(session__in=sessions_editable_by(request.user).values("pk")), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do thu hồi."))
        return redirect(petition)
    try:
        services.petition_withdraw(petition=petition, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi kiến nghị #%(id)s; lý do được lưu trong dòng thời gian.") % {"id": petition.pk})
    return redirect(petition)


# Files attached to a petition's answers: served only to users who may see the petition.
@login_required
@require_GET
def reply_letter(request, pk):
    reply = get_object_or_404(WrittenReply, pk=pk, petition__in=petitions_visible_to(request.user).values("pk"))
    return serve_private_file(reply.letter, reply.letter_name)


@login_required
@require_GET
def forward_letter(request, pk):
    forwarding = get_object_or_404(Forwarding, pk=pk, petition__in=petitions_visible_to(request.user).values("pk"))
    return serve_private_file(forwarding.letter, forwarding.letter_name)


@login_required
@require_GET
def complex_letter(request, pk):
    notice = get_object_or_404(ComplexCaseNotice, pk=pk, petition__in=petitions_visible_to(request.user).values("pk"))
    return serve_private_file(notice.letter, notice.letter_name)
