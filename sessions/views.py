"""Screens of the committee staff about the session itself: the list, recording and editing a
session, its minutes and the signed scan of its notice.

The pages that show or change a session's petitions (the session page, petition entry and
import, the notice wizard and its document, the recipients' receipt days that may start the
petitions' clocks, "nothing to notify") live in ``petitions.session_views``: petitions sit
above sessions. Thin views: objects come through the scoping selectors (a foreign object
answers 404), writes go through ``sessions.services`` inside one transaction, and a
``ValidationError`` from a service is shown on the form with nothing changed (POST-redirect-GET
on success)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import vn_date
from common.files import serve_private_file
from common.web import PAGE_SIZE, add_service_errors
from units.selectors import units_for_staff

from . import services
from .filters import SessionFilter
from .forms import ParticipantFormSet, SessionForm, SignedScanForm
from .models import ConclusionNotice
from .selectors import sessions_editable_by, sessions_visible_to, with_notice_state


def editable_session_or_404(request, pk):
    return get_object_or_404(sessions_editable_by(request.user), pk=pk)


def visible_notice_or_404(request, pk):
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    notice = get_object_or_404(
        ConclusionNotice.objects.select_related("issuing_unit__kind", "session"), session=session
    )
    return session, notice


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
    initial = {}
    planned = request.GET.get("ke_hoach")
    if planned and planned.isdigit():
        initial = {"planned_item": planned, "kind": "periodic"}
    form = SessionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
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
                    planned_item=data["planned_item"],
                    participants=rows,
                    actor=request.user,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Đã ghi nhận hội nghị. Hạn gửi thông báo kết luận: %(due)s.")
                % {"due": vn_date(session.notice_due_on)},
            )
            return redirect("sessions:petitions", pk=session.pk)
    return render(request, "sessions/session_form.html", {"form": form, "participants": participants, "session": None})


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, pk):
    session = editable_session_or_404(request, pk)
    initial = {
        "organising_unit": session.organising_unit_id,
        "kind": session.kind,
        "held_on": session.held_on,
        "chair": session.chair_id,
        "chair_name": session.chair_name,
        "place": session.place,
        "topic": session.topic,
        "planned_item": session.planned_item_id,
    }
    form = SessionForm(
        request.POST or None,
        request.FILES or None,
        user=request.user,
        initial=initial,
        planned_item_id=session.planned_item_id,
        editing=True,
    )
    participants = ParticipantFormSet(request.POST or None, prefix="participants")
    if request.method == "POST" and form.is_valid() and participants.is_valid():
        data = dict(form.cleaned_data)
        minutes = data.pop("minutes")
        reason = data.pop("date_change_reason")
        rows = [p.cleaned_data for p in participants if p.has_changed() and p.cleaned_data]
        try:
            with transaction.atomic():
                services.session_update(
                    session=session, actor=request.user, minutes=minutes, date_change_reason=reason, **data
                )
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
def minutes_file(request, pk):
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    return serve_private_file(session.minutes, session.minutes_name)


@login_required
@require_GET
def notice_signed_file(request, pk):
    session, notice = visible_notice_or_404(request, pk)
    return serve_private_file(notice.signed_file, notice.signed_file_name)


@login_required
@require_POST
def notice_signed_upload(request, pk):
    session = editable_session_or_404(request, pk)
    notice = get_object_or_404(ConclusionNotice, session=session)
    form = SignedScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.notice_attach_signed(
                notice=notice, signed_file=form.cleaned_data["signed_file"], actor=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Đã tải lên bản thông báo đã ký."))
    else:
        messages.error(request, _("Không tải lên được: %(errors)s") % {"errors": " ".join(form.errors["signed_file"])})
    return redirect(session)
