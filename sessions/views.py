"""Screens of the committee staff: sessions, their petitions and the conclusion notice.

Thin views: every object is fetched through the scoping selectors (a foreign object answers
404), every write goes through ``sessions.services`` inside one transaction, and a
``ValidationError`` from a service is shown on the form with nothing changed (POST-redirect-GET
on success)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.documents import DOCX_CONTENT_TYPE, notice_docx
from common.files import serve_private_file
from common.forms import active_units
from common.text import normalise_search
from common.xlsx import XLSX_CONTENT_TYPE, XlsxImportError, parse_petitions_xlsx, petitions_template
from petitions.forms import WithdrawForm
from petitions.models import Field, Petition, PetitionStatus
from petitions.selectors import explain_notice_due, with_notice_state, with_reply_states

from . import services
from .filters import SessionFilter
from .forms import (
    ClarifyForm,
    NoticeAssignForm,
    NoticeIssueForm,
    ParticipantFormSet,
    PetitionImportForm,
    PetitionRowFormSet,
    ReceivedForm,
    SessionForm,
    SignedScanForm,
)
from .models import ConclusionNotice, NoticeRecipient
from .selectors import sessions_editable_by, sessions_visible_to, units_for_staff

PAGE_SIZE = 25


def add_service_errors(form, error: ValidationError) -> None:
    """Put a service's ``ValidationError`` on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _editable_session(request, pk):
    return get_object_or_404(sessions_editable_by(request.user), pk=pk)


def _slug(text: str) -> str:
    return "-".join(normalise_search(text).replace("/", "-").split())[:60] or "van-ban"


# ---------------------------------------------------------------------------------------------
# Sessions
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request):
    today = timezone.localdate()
    base = sessions_visible_to(request.user).filter(withdrawn_at__isnull=True)
    filterset = SessionFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    # The notice's reference reads its issuing unit's kind (Party or State numbering).
    qs = with_notice_state(qs, today).select_related("notice__issuing_unit__kind").order_by("-held_on", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "sessions/session_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "can_create": units_for_staff(request.user).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request):
    if not units_for_staff(request.user).exists():
        raise Http404
    form = SessionForm(request.POST or None, request.FILES or None, user=request.user)
    participants = ParticipantFormSet(request.POST or None, prefix="participants")
    if request.method == "POST" and form.is_valid() and participants.is_valid():
        data = form.cleaned_data
        rows = [p.cleaned_data for p in participants if p.has_changed() and p.cleaned_data]
        try:
            with transaction.atomic():
                session = services.session_record(
                    organising_unit=data["organising_unit"],
                    kind=data["kind"],
                    held_on=data["held_on"],
                    topic=data["topic"],
                    place=data["place"],
                    chair=data["chair"],
                    chair_name=data["chair_name"],
                    minutes=data["minutes"],
                    participants=rows,
                    actor=request.user,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận hội nghị. Hạn gửi thông báo kết luận: %(due)s.") % {"due": session.notice_due_on.strftime("%d/%m/%Y")})
            return redirect("sessions:petitions", pk=session.pk)
    return render(request, "sessions/session_form.html", {"form": form, "participants": participants, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = _editable_session(request, pk)
    initial = {
        "organising_unit": session.organising_unit_id,
        "kind": session.kind,
        "held_on": session.held_on,
        "chair": session.chair_id,
        "chair_name": session.chair_name,
        "place": session.place,
        "topic": session.topic,
    }
    form = SessionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    participants = ParticipantFormSet(request.POST or None, prefix="participants")
    if request.method == "POST" and form.is_valid() and participants.is_valid():
        data = dict(form.cleaned_data)
        minutes = data.pop("minutes")
        rows = [p.cleaned_data for p in participants if p.has_changed() and p.cleaned_data]
        try:
            with transaction.atomic():
                services.session_update(session=session, actor=request.user, minutes=minutes, **data)
                for row in rows:
                    services.participant_add(session=session, **row)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã cập nhật hội nghị."))
            return redirect(session)
    return render(
        request,
        "sessions/session_form.html",
        {"form": form, "participants": participants, "session": session, "existing": session.participants.all()},
    )


@login_required
@require_GET
def session_detail(request, pk):
    today = timezone.localdate()
    session = get_object_or_404(with_notice_state(sessions_visible_to(request.user), today), pk=pk)
    editable = sessions_editable_by(request.user).filter(pk=pk).exists()
    petitions = with_reply_states(
        Petition.objects.filter(session=session).select_related("assigned_unit", "field"), today
    ).order_by("id")
    notice = ConclusionNotice.objects.filter(session=session).select_related("issuing_unit__kind").first()
    recipients = []
    if notice:
        recipients = [
            (recipient, ReceivedForm(prefix=f"r{recipient.pk}", initial={"received_on": recipient.received_on}))
            for recipient in notice.recipients.select_related("unit").order_by("unit__path")
        ]
    return render(
        request,
        "sessions/session_detail.html",
        {
            "session": session,
            "petitions": petitions,
            "participants": session.participants.all(),
            "notice": notice,
            "recipients": recipients,
            "editable": editable,
            "can_enter_petitions": editable and not session.notice_issued_on and not session.withdrawn_at,
            # Withdrawal is for a session entered by mistake, before its notice (the service refuses after).
            "can_withdraw": editable and not session.notice_issued_on and not session.withdrawn_at,
            "withdraw_form": WithdrawForm(),
            "explanation": explain_notice_due(session),
            "signed_form": SignedScanForm(),
            "today": today,
        },
    )


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


@login_required
@require_GET
def minutes_file(request, pk):
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    return serve_private_file(session.minutes, session.minutes_name)


# ---------------------------------------------------------------------------------------------
# Petitions of a session: quick entry, XLSX import, clarification
# ---------------------------------------------------------------------------------------------


def _open_for_petitions(request, session) -> bool:
    if not services.session_accepts_petitions(session):
        messages.error(request, _("Hội nghị đã có thông báo kết luận hoặc đã thu hồi: không thể thêm kiến nghị."))
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def petitions_entry(request, pk):
    session = _editable_session(request, pk)
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
        {"session": session, "formset": formset, "import_form": PetitionImportForm(), "existing": session.petitions.count()},
    )


@login_required
@require_GET
def import_template(request, pk):
    session = get_object_or_404(sessions_editable_by(request.user), pk=pk)
    content = petitions_template(list(Field.objects.values_list("name", flat=True)))
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="mau-nhap-kien-nghi-{session.pk}.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def petitions_import(request, pk):
    session = _editable_session(request, pk)
    if not _open_for_petitions(request, session):
        return redirect(session)
    form = PetitionImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        fields = {normalise_search(f.name): f for f in Field.objects.all()}
        try:
            rows = parse_petitions_xlsx(form.cleaned_data["file"], fields_by_name=fields)
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
            form.add_error("file", _("Không nhập kiến nghị nào vì tệp có %(count)s lỗi; vui lòng sửa và nhập lại.") % {"count": len(errors)})
        else:
            messages.success(request, _("Đã nhập %(count)s kiến nghị từ tệp Excel.") % {"count": len(rows)})
            return redirect(session)
    return render(request, "sessions/petitions_import.html", {"session": session, "form": form, "errors": errors})


@login_required
@require_http_methods(["GET", "POST"])
def petition_clarify(request, pk, petition_pk):
    session = _editable_session(request, pk)
    petition = get_object_or_404(Petition.objects.filter(session=session), pk=petition_pk)
    form = ClarifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_clarify(petition=petition, answer=form.cleaned_data["answer"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã đánh dấu kiến nghị #%(id)s là đã làm rõ tại hội nghị.") % {"id": petition.pk})
            return redirect(session)
    return render(request, "sessions/petition_clarify.html", {"session": session, "petition": petition, "form": form})


# ---------------------------------------------------------------------------------------------
# The conclusion notice: choose units → number, symbol, day → issue; DOCX; signed scan; receipts
# ---------------------------------------------------------------------------------------------


def _notice_session(request, pk):
    session = _editable_session(request, pk)
    if session.notice_issued_on or session.withdrawn_at:
        return session, False
    return session, True


def _pending_petitions(session):
    return list(
        Petition.objects.filter(session=session, status=PetitionStatus.RECORDED).select_related("assigned_unit").order_by("id")
    )


def _unit_options():
    return list(active_units().values("id", "name"))


@login_required
@require_http_methods(["GET", "POST"])
def notice_assign(request, pk):
    """Step 1: a responsible unit for each petition not clarified at the conference."""
    session, open_ = _notice_session(request, pk)
    if not open_:
        messages.info(request, _("Hội nghị này đã có thông báo kết luận."))
        return redirect(session)
    pending = _pending_petitions(session)
    form = NoticeAssignForm(request.POST or None, petitions=pending)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for petition in pending:
                    services.petition_assign(petition=petition, unit=form.cleaned_data[f"unit_{petition.pk}"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("sessions:notice_issue", pk=session.pk)
    return render(
        request,
        "sessions/notice_assign.html",
        {"session": session, "form": form, "unit_options": _unit_options(), "clarified": session.petitions.filter(status=PetitionStatus.CLARIFIED).count()},
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
    today = timezone.localdate()
    symbol = services.default_notice_symbol(session.organising_unit)
    initial = {
        "number": services.notice_next_number(session=session, symbol=symbol, issued_on=today),
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


def _visible_notice(request, pk):
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    notice = get_object_or_404(ConclusionNotice.objects.select_related("issuing_unit__kind", "session"), session=session)
    return session, notice


@login_required
@require_GET
def notice_download(request, pk):
    session, notice = _visible_notice(request, pk)
    response = HttpResponse(notice_docx(notice), content_type=DOCX_CONTENT_TYPE)
    filename = f"thong-bao-{notice.number}-{_slug(notice.symbol)}.docx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def notice_signed_file(request, pk):
    session, notice = _visible_notice(request, pk)
    return serve_private_file(notice.signed_file, notice.signed_file_name)


@login_required
@require_POST
def notice_signed_upload(request, pk):
    session = _editable_session(request, pk)
    notice = get_object_or_404(ConclusionNotice, session=session)
    form = SignedScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notice_attach_signed(notice=notice, signed_file=form.cleaned_data["signed_file"], actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã tải lên bản thông báo đã ký."))
    else:
        messages.error(request, _("Không tải lên được: %(errors)s") % {"errors": " ".join(form.errors["signed_file"])})
    return redirect(session)


@login_required
@require_POST
def recipient_received(request, pk, recipient_pk):
    session = _editable_session(request, pk)
    recipient = get_object_or_404(
        NoticeRecipient.objects.select_related("notice", "unit"), notice__session=session, pk=recipient_pk
    )
    form = ReceivedForm(request.POST, prefix=f"r{recipient.pk}")
    if form.is_valid():
        try:
            services.notice_recipient_mark_received(
                recipient=recipient, received_on=form.cleaned_data["received_on"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, "%s: %s" % (recipient.unit, " ".join(error.messages)))
        else:
            messages.success(
                request,
                _("Đã ghi ngày %(unit)s nhận thông báo: %(day)s.")
                % {"unit": recipient.unit, "day": form.cleaned_data["received_on"].strftime("%d/%m/%Y")},
            )
    else:
        messages.error(request, "%s: %s" % (recipient.unit, " ".join(form.errors["received_on"])))
    return redirect(session)
