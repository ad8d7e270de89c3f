"""The pages of a session that show or change its petitions: the session page, quick entry and
XLSX import of petitions, clarification at the conference, the two steps of the conclusion
notice and its document, and withdrawal of a session entered by mistake.

They are served under the sessions' URLs (namespace ``sessions``, see ``dialogue_portal.urls``)
but live here because they read and write petitions. Thin views: objects come through the
scoping selectors, writes through ``petitions.services``."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import vn_date
from common.forms import WithdrawForm
from common.http import docx_response, xlsx_response
from common.text import normalise_search
from common.web import add_service_errors
from sessions import services as session_services
from sessions.forms import NoNoticeForm, NoticeIssueForm, ReceivedForm, SignedScanForm
from sessions.models import ConclusionNotice, NoticeRecipient, PlannedDialogue
from sessions.selectors import (
    conclusion_items_visible_to,
    explain_notice_due,
    plans_visible_to,
    sessions_editable_by,
    sessions_visible_to,
    with_item_state,
    with_notice_state,
)
from units.models import Unit
from units.selectors import units_active_on

from . import services
from .documents import notice_docx
from .forms import ClarifyForm, NoticeAssignForm, PetitionImportForm, PetitionRowFormSet
from .imports import XlsxImportError, parse_petitions_xlsx, petitions_template, units_by_name
from .models import Field, Petition, PetitionStatus
from .selectors import with_petitioner_visibility, with_reply_states


def editable_session_or_404(request, pk):
    return get_object_or_404(sessions_editable_by(request.user), pk=pk)


def visible_notice_or_404(request, pk):
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    notice = get_object_or_404(
        ConclusionNotice.objects.select_related("issuing_unit__kind", "session"), session=session
    )
    return session, notice


def _slug(text: str) -> str:
    """``TB/TU`` → ``tb-tu``: only ASCII letters, digits and ``-`` go into a file name."""
    return "-".join(re.findall(r"[a-z0-9]+", normalise_search(text)))[:60] or "van-ban"


@login_required
@require_GET
def session_detail(request, pk):
    today = timezone.localdate()
    session = get_object_or_404(with_notice_state(sessions_visible_to(request.user), today), pk=pk)
    editable = sessions_editable_by(request.user).filter(pk=pk).exists()
    takes_petitions = session_services.session_accepts_petitions(session)
    petitions = list(
        with_petitioner_visibility(
            with_reply_states(
                Petition.objects.filter(session=session).select_related("assigned_unit", "responsible_unit", "field"),
                today,
            ),
            request.user,
        ).order_by("id")
    )
    outstanding = sum(1 for p in petitions if p.status == PetitionStatus.RECORDED)
    notice = ConclusionNotice.objects.filter(session=session).select_related("issuing_unit__kind").first()
    date_changes = list(session.date_changes.select_related("changed_by"))
    recipients = []
    if notice:
        recipients = [
            (recipient, ReceivedForm(prefix=f"r{recipient.pk}", initial={"received_on": recipient.received_on}))
            for recipient in notice.recipients.select_related("unit").order_by("unit__path")
        ]
    items = with_item_state(
        conclusion_items_visible_to(request.user).filter(session=session, withdrawn_at__isnull=True), today
    )
    planned_item = (
        PlannedDialogue.objects.select_related("plan").filter(pk=session.planned_item_id).first()
        if session.planned_item_id
        else None
    )
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "items": items,
            "planned_item": planned_item,
            # An agency officer reads that the session was planned but cannot open the plan (404).
            "plan_linked": planned_item is not None
            and plans_visible_to(request.user).filter(pk=planned_item.plan_id).exists(),
            "can_add_items": editable and not session.withdrawn_at and session.held_on <= today,
            "petitions": petitions,
            "participants": session.participants.all(),
            "notice": notice,
            "recipients": recipients,
            "editable": editable,
            "can_enter_petitions": editable and takes_petitions,
            # Withdrawal is for a session entered by mistake, before its notice (the service refuses after).
            "can_withdraw": editable and takes_petitions,
            "withdraw_form": WithdrawForm(),
            "explanation": explain_notice_due(session),
            "date_changes": date_changes,
            # The due date of the first clock was kept (the notice was overdue when the day moved).
            "due_kept": bool(date_changes) and date_changes[-1].notice_due_kept,
            "signed_form": SignedScanForm(),
            # Nothing outstanding (all clarified, or none raised): "no notice needed" may be recorded.
            "can_record_no_notice": editable and takes_petitions and outstanding == 0,
            "no_notice_form": NoNoticeForm(),
            "session_events": session.events.select_related("actor").order_by("at", "id"),
            "today": today,
        },
    )


@login_required
@require_POST
def no_notice_record(request, pk):
    """Record that nothing from the session needs a conclusion notice, with the reason."""
    session = get_object_or_404(sessions_editable_by(request.user), pk=pk)
    form = NoNoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect(session)
    try:
        services.session_no_notice_record(session=session, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận hội nghị không phát sinh nội dung phải thông báo."))
    return redirect(session)


@login_required
@require_POST
def recipient_received(request, pk, recipient_pk):
    """The day a recipient received the notice (with ``REPLY_CLOCK_START=receipt`` it starts the
    reply clock of the petitions the notice gave that unit)."""
    session = editable_session_or_404(request, pk)
    recipient = get_object_or_404(
        NoticeRecipient.objects.select_related("notice", "unit"), notice__session=session, pk=recipient_pk
    )
    form = ReceivedForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            services.notice_receipt_record(
                recipient=recipient, received_on=form.cleaned_data["received_on"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, "%s: %s" % (recipient.unit, " ".join(error.messages)))
        else:
            messages.success(
                request,
                _("Đã ghi ngày %(unit)s nhận thông báo: %(day)s.")
                % {"unit": recipient.unit, "day": vn_date(form.cleaned_data["received_on"])},
            )
    else:
        messages.error(request, "%s: %s" % (recipient.unit, " ".join(form.errors["received_on"])))
    return redirect(session)


@login_required
@require_POST
def session_withdraw(request, pk):
    """Withdraw a session entered by mistake, with its petitions: a reason is required and kept."""
    session = get_object_or_404(sessions_editable_by(request.user), pk=pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do thu hồi."))
        return redirect(session)
    try:
        services.session_withdraw(session=session, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thu hồi hội nghị và các kiến nghị của hội nghị; lý do được lưu lại."))
    return redirect(session)


def _open_for_petitions(request, session) -> bool:
    if not session_services.session_accepts_petitions(session):
        messages.error(request, _("Hội nghị đã có thông báo kết luận hoặc đã thu hồi: không thể thêm kiến nghị."))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def petitions_entry(request, pk):
    session = editable_session_or_404(request, pk)
    if not _open_for_petitions(request, session):
        return redirect(session)
    formset = PetitionRowFormSet(request.POST or None, prefix="rows")
    if request.method == "POST" and formset.is_valid():
        filled = [form for form in formset if form.has_changed() and form.cleaned_data]
        failed = None
        try:
            with transaction.atomic():
                for failed in filled:
                    services.petition_record(session=session, actor=request.user, **failed.cleaned_data)
        except ValidationError as error:
            add_service_errors(failed, error)
        else:
            messages.success(request, _("Đã ghi nhận %(count)s kiến nghị.") % {"count": len(filled)})
            return redirect(session)
    return render(
        request,
        "sessions/petitions_entry.html",
        {
            "session": session,
            "formset": formset,
            "import_form": PetitionImportForm(),
            "existing": session.petitions.count(),
        },
    )


@login_required
@require_GET
def import_template(request, pk):
    session = get_object_or_404(sessions_editable_by(request.user), pk=pk)
    content = petitions_template(list(Field.objects.values_list("name", flat=True)))
    return xlsx_response(content, f"mau-nhap-kien-nghi-{session.pk}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def petitions_import(request, pk):
    session = editable_session_or_404(request, pk)
    if not _open_for_petitions(request, session):
        return redirect(session)
    form = PetitionImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        fields = {normalise_search(f.name): f for f in Field.objects.all()}
        try:
            rows = parse_petitions_xlsx(
                form.cleaned_data["file"], fields_by_name=fields, units_by_name=units_by_name(units_active_on())
            )
            with transaction.atomic():
                for index, row in enumerate(rows, start=2):
                    try:
                        services.petition_record(session=session, actor=request.user, **row)
                    except ValidationError as error:
                        raise XlsxImportError(
                            [_("Dòng %(row)s: %(message)s") % {"row": index, "message": " ".join(error.messages)}]
                        ) from None
        except XlsxImportError as error:
            errors = error.errors
            form.add_error(
                "file",
                _("Không nhập kiến nghị nào vì tệp có %(count)s lỗi; vui lòng sửa và nhập lại.")
                % {"count": len(errors)},
            )
        else:
            messages.success(request, _("Đã nhập %(count)s kiến nghị từ tệp Excel.") % {"count": len(rows)})
            return redirect(session)
    return render(request, "sessions/petitions_import.html", {"session": session, "form": form, "errors": errors})


@login_required
@require_http_methods(["GET", "POST"])
def petition_clarify(request, pk, petition_pk):
    session = editable_session_or_404(request, pk)
    petition = get_object_or_404(Petition.objects.filter(session=session).select_related("session"), pk=petition_pk)
    form = ClarifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_clarify(petition=petition, answer=form.cleaned_data["answer"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Đã đánh dấu kiến nghị #%(id)s là đã làm rõ tại hội nghị.") % {"id": petition.pk}
            )
            return redirect(session)
    return render(request, "sessions/petition_clarify.html", {"session": session, "petition": petition, "form": form})


def _notice_session(request, pk):
    session = editable_session_or_404(request, pk)
    return session, session_services.session_accepts_petitions(session)


def _pending_petitions(session):
    return list(
        Petition.objects.filter(session=session, status=PetitionStatus.RECORDED)
        .select_related("assigned_unit", "session__organising_unit")
        .order_by("id")
    )


def _unit_options():
    return list(units_active_on().values("id", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def notice_assign(request, pk):
    """Step 1: a responsible unit for each petition not clarified at the conference."""
    session, open_ = _notice_session(request, pk)
    if not open_:
        messages.info(request, _("Hội nghị này đã có thông báo kết luận."))
        return redirect(session)
    pending = _pending_petitions(session)
    drafted = {u for p in pending for u in p.coordinating_draft or []}
    names = dict(Unit.objects.filter(pk__in=drafted).values_list("pk", "name")) if drafted else {}
    form = NoticeAssignForm(request.POST or None, petitions=pending, coordinating_names=names)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for petition in pending:
                    services.petition_assign(
                        petition=petition,
                        unit=form.cleaned_data[f"unit_{petition.pk}"],
                        coordinating_units=list(form.cleaned_data[f"coord_{petition.pk}"]),
                        actor=request.user,
                    )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("sessions:notice_issue", pk=session.pk)
    return render(
        request,
        "sessions/notice_assign.html",
        {
            "session": session,
            "form": form,
            "unit_options": _unit_options(),
            "clarified": session.petitions.filter(status=PetitionStatus.CLARIFIED).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_issue(request, pk):
    """Step 2: number, symbol and day issued; issuing starts every petition's 30-day clock."""
    session, open_ = _notice_session(request, pk)
    if not open_:
        messages.info(request, _("Hội nghị này đã có thông báo kết luận."))
        return redirect(session)
    pending = _pending_petitions(session)
    if any(p.assigned_unit_id is None for p in pending):
        messages.warning(request, _("Vui lòng chọn đơn vị chịu trách nhiệm cho từng kiến nghị trước."))
        return redirect("sessions:notice_assign", pk=session.pk)
    drafted = {u for p in pending for u in p.coordinating_draft or []}
    names = dict(Unit.objects.filter(pk__in=drafted).values_list("pk", "name")) if drafted else {}
    for petition in pending:
        petition.coordinating_names = [names[u] for u in petition.coordinating_draft or [] if u in names]
    today = timezone.localdate()
    symbol = session_services.default_notice_symbol(session.organising_unit)
    initial = {
        "number": session_services.notice_next_number(session=session, symbol=symbol, issued_on=today),
        "symbol": symbol,
        "issued_on": today,
        "signer_name": session.chair.full_name if session.chair_id else session.chair_name,
        "signer_position": session.chair.position if session.chair_id else "",
    }
    form = NoticeIssueForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.notice_issue(
                session=session,
                number=data["number"],
                symbol=data["symbol"],
                issued_on=data["issued_on"],
                subject=data["subject"],
                body=data["body"],
                signer_name=data["signer_name"],
                signer_position=data["signer_position"],
                recipients=list(data["recipients"]),
                signed_file=data["signed_file"],
                backdate_reason=data["backdate_reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ban hành thông báo %(ref)s; %(count)s kiến nghị bắt đầu tính hạn trả lời.")
                % {"ref": notice.reference, "count": len(pending)},
            )
            return redirect(session)
    return render(
        request,
        "sessions/notice_issue.html",
        {"session": session, "form": form, "pending": pending, "unit_options": _unit_options()},
    )


@login_required
@require_GET
def notice_download(request, pk):
    session, notice = visible_notice_or_404(request, pk)
    return docx_response(notice_docx(notice), f"thong-bao-{notice.number}-{_slug(notice.symbol)}.docx")
