"""The petition pages: the agency's inbox, the list of petitions in the user's area, the one
petition page everyone in scope reads (each role seeing the parts and actions its role allows),
and the agency's actions (written reply, forwarding, complex-case notice), closing and
withdrawal. Objects come through ``petitions.selectors`` (foreign → 404), the actions offered
come from the state machine (``petitions.workflow``), writes go through ``petitions.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.dates import vn_date
from common.files import serve_private_file
from common.forms import WithdrawForm
from common.http import docx_response
from common.web import PAGE_SIZE, CountedPaginator, add_service_errors
from sessions.selectors import sessions_editable_by
from units.access import scope_of
from units.selectors import units_active_on
from units.versions import AreaCache

from . import services, workflow
from .documents import forwarding_letter_docx, receipt_docx, reply_draft_docx
from .filters import PetitionFilter
from .forms import (
    CloseForm,
    ComplexNoticeForm,
    ContributionForm,
    DirectionForm,
    ForwardForm,
    ProtectForm,
    PublishForm,
    ReplyForm,
    SupplementaryRequestForm,
    ToldForm,
    UnpublishForm,
)
from .models import (
    ComplexCaseNotice,
    Coordination,
    EventKind,
    Forwarding,
    Petition,
    PetitionStatus,
    Publication,
    WrittenReply,
)
from .pages import petition_page_context
from .publicity import publication_draft
from .selectors import (
    REPORTED_EVENT_KINDS,
    AgencyQueue,
    QueueTab,
    agency_queue,
    coordinations_of,
    direction_leaders_for,
    forwardings_sent_by,
    petitions_actionable_by,
    petitions_visible_to,
    reports_to_follow,
    with_reply_states,
)
from .workflow import Action

INBOX_SORTS = ("urgent", "due", "due_desc", "assigned_desc", "assigned")


def _query_without(request, *names: str) -> str:
    """The request's query string without ``names`` (and the page), for links that set them."""
    query = request.GET.copy()
    for name in ("page", *names):
        query.pop(name, None)
    return query.urlencode()


@login_required
@require_GET
def inbox(request):
    """The agency's work queue: tabs with counts (what to do, new, due soon, overdue, waiting for
    the Front, all), search, filters and sort. By default what nobody of the unit has opened yet
    comes first, so a new assignment is never on page 2."""
    today = timezone.localdate()
    queue = agency_queue(request.user, today)
    area = AreaCache(request.user)
    filterset = PetitionFilter(
        request.GET or None, queryset=queue.rows, user=request.user, sorts=INBOX_SORTS, area=area
    )
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queue.rows
    # The tabs' counts (one aggregate of the whole queue) are cached with the list's count.
    counts = area.get("queue-counts", rows, AgencyQueue(rows=rows, tabs=queue.tabs).counts)
    tab = request.GET.get("tab")
    if tab not in QueueTab.VALUES:
        tab = QueueTab.OPEN
    listed = rows.filter(queue.tabs[tab])
    # The count is cached under the areas' data versions (``units.versions.AreaCache``).
    page = CountedPaginator(filterset.ordered(listed), PAGE_SIZE, count=lambda: area.count(listed)).get_page(
        request.GET.get("page")
    )
    tabs_query = _query_without(request, "tab")
    return render(
        request,
        "petitions/inbox.html",
        {
            "page": page,
            "filter": filterset,
            "tab": tab,
            "tabs": [(value, label, counts[value]) for value, label in QueueTab.CHOICES],
            "new_count": counts[QueueTab.NEW],
            "tabs_query": tabs_query,
            "query": _query_without(request),
            "today": today,
            "is_agency": scope_of(request.user).is_agency,
        },
    )


@login_required
@require_GET
def petition_list(request):
    """All petitions in the user's area, with the same search, filters and sort as the queue."""
    today = timezone.localdate()
    base = with_reply_states(petitions_visible_to(request.user).exclude(status=PetitionStatus.WITHDRAWN), today)
    area = AreaCache(request.user)
    filterset = PetitionFilter(request.GET or None, queryset=base, user=request.user, area=area)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = CountedPaginator(filterset.ordered(qs), PAGE_SIZE, count=lambda: area.count(qs)).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "petitions/petition_list.html",
        {"page": page, "filter": filterset, "query": _query_without(request)},
    )


def visible_petition_or_404(request, pk) -> Petition:
    today = timezone.localdate()
    return get_object_or_404(
        with_reply_states(petitions_visible_to(request.user), today).select_related("session__organising_unit__kind"),
        pk=pk,
    )


@login_required
@require_GET
def petition_detail(request, pk):
    petition = visible_petition_or_404(request, pk)
    # Someone of the unit the petition is given to has now seen it: no longer "mới" in its queue.
    services.petition_mark_opened(petition=petition, user=request.user)
    return render(request, "petitions/petition_detail.html", petition_page_context(request, petition))


def _actionable(request, pk, action: str):
    """The petition (404 unless the user acts for its unit) and whether ``action`` is allowed
    now; if not, the refusal is shown as a message."""
    petition = get_object_or_404(petitions_actionable_by(request.user), pk=pk)
    if not workflow.allows(petition.status, action):
        messages.error(request, workflow.refusal(petition.status, action))
        return petition, False
    return petition, True


def _action_page(request, petition, form, title, template="petitions/action_form.html", **extra):
    return render(request, template, {"petition": petition, "form": form, "title": title, **extra})


@login_required
@require_http_methods(["GET", "POST"])
def reply_create(request, pk):
    """The written reply, or the supplementary reply when one was asked for (only the unit
    responsible now: a unit that forwarded the petition no longer sees this page)."""
    petition = get_object_or_404(petitions_actionable_by(request.user), pk=pk)
    supplementary = workflow.allows(petition.status, Action.SUPPLEMENT)
    if not supplementary and not workflow.allows(petition.status, Action.REPLY):
        messages.error(request, workflow.refusal(petition.status, Action.REPLY))
        return redirect(petition)
    form = ReplyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        record = services.supplementary_reply_record if supplementary else services.reply_record
        try:
            record(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if supplementary:
                messages.success(request, _("Đã ghi nhận văn bản trả lời bổ sung; MTTQ sẽ đánh giá lại."))
            else:
                messages.success(request, _("Đã ghi nhận văn bản trả lời."))
            return redirect(petition)
    title = _("Ghi nhận văn bản trả lời bổ sung") if supplementary else _("Ghi nhận văn bản trả lời")
    return _action_page(request, petition, form, title, draft=True)


@login_required
@require_GET
def reply_draft(request, pk):
    petition = get_object_or_404(
        petitions_actionable_by(request.user).select_related("assigned_unit__kind"),
        pk=pk,
    )
    unit = services.responsible_unit(petition)
    if unit is None:
        messages.error(request, _("Kiến nghị chưa được giao đơn vị giải quyết."))
        return redirect(petition)
    return docx_response(
        reply_draft_docx(petition, unit=unit, viewer=request.user), f"du-thao-tra-loi-kien-nghi-{petition.pk}.docx"
    )


@login_required
@require_http_methods(["GET", "POST"])
def forward_create(request, pk):
    petition, ok = _actionable(request, pk, Action.FORWARD)
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
        request,
        petition,
        form,
        _("Chuyển cấp có thẩm quyền"),
        unit_options=list(units_active_on().values("id", "name")),
    )


@login_required
@require_http_methods(["GET", "POST"])
def complex_create(request, pk):
    petition, ok = _actionable(request, pk, Action.COMPLEX)
    if not ok:
        return redirect(petition)
    form = ComplexNoticeForm(request.POST or None, request.FILES or None, petition=petition)
    if request.method == "POST" and form.is_valid():
        try:
            services.complex_notice_send(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi nhận thông báo vụ việc phức tạp."))
            return redirect(petition)
    return _action_page(request, petition, form, _("Thông báo vụ việc phức tạp"))


def _editable_petitions(request):
    """Petitions of the sessions the user may edit (staff of the organising subtree)."""
    return Petition.objects.filter(session__in=sessions_editable_by(request.user).values("pk"))


@login_required
@require_http_methods(["GET", "POST"])
def contribute(request, pk):
    """A coordinating unit's contribution (``pk``: its coordination of the petition)."""
    coordination = get_object_or_404(coordinations_of(request.user).select_related("petition"), pk=pk)
    petition = coordination.petition
    if coordination.contributed_on or not workflow.allows(petition.status, Action.CONTRIBUTE):
        messages.error(request, _("Đơn vị đã gửi ý kiến phối hợp hoặc kiến nghị không còn chờ ý kiến phối hợp."))
        return redirect(petition)
    form = ContributionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.coordination_contribute(coordination=coordination, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi ý kiến phối hợp của %(unit)s.") % {"unit": coordination.unit})
            return redirect(petition)
    return _action_page(request, petition, form, _("Ý kiến phối hợp của %(unit)s") % {"unit": coordination.unit})


@login_required
@require_GET
def forward_petitioner_letter(request, pk):
    """The letter telling the petitioner where the matter went and why (DOCX draft)."""
    forwarding = get_object_or_404(
        Forwarding.objects.select_related("from_unit__kind", "to_unit", "petition__session__organising_unit"),
        pk=pk,
        petition__in=petitions_visible_to(request.user).values("pk"),
    )
    return docx_response(
        forwarding_letter_docx(forwarding, viewer=request.user),
        f"thong-bao-chuyen-kien-nghi-{forwarding.petition_id}-{forwarding.pk}.docx",
    )


@login_required
@require_POST
def forward_told(request, pk):
    """The forwarding unit records that it told the petitioner in writing."""
    forwarding = get_object_or_404(forwardings_sent_by(request.user), pk=pk)
    form = ToldForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(forwarding.petition)
    try:
        services.forwarding_petitioner_told(forwarding=forwarding, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã ghi nhận việc thông báo cho người kiến nghị."))
    return redirect(forwarding.petition)


def _editable_petition_or_404(request, pk) -> Petition:
    """A petition of a session the user may edit (staff of the organising subtree)."""
    return get_object_or_404(_editable_petitions(request), pk=pk)


@login_required
@require_POST
def petition_withdraw(request, pk):
    """Withdraw a petition entered by mistake (staff of the organising subtree): a reason is
    required, nothing is deleted, the timeline and the history record it."""
    petition = _editable_petition_or_404(request, pk)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do thu hồi."))
        return redirect(petition)
    try:
        services.petition_withdraw(petition=petition, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Đã thu hồi kiến nghị #%(id)s; lý do được lưu trong dòng thời gian.") % {"id": petition.pk}
        )
    return redirect(petition)


@login_required
@require_POST
def petition_close(request, pk):
    """Close a replied petition with a stated reason (staff of the organising subtree)."""
    petition = _editable_petition_or_404(request, pk)
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do kết thúc."))
        return redirect(petition)
    try:
        services.petition_close(petition=petition, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã kết thúc kiến nghị #%(id)s.") % {"id": petition.pk})
    return redirect(petition)


@login_required
@require_POST
def supplementary_request(request, pk):
    """After the Front's "not satisfied", staff ask the responsible unit for a supplementary reply."""
    petition = _editable_petition_or_404(request, pk)
    form = SupplementaryRequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập nội dung cần trả lời bổ sung.")
        )
        return redirect(petition)
    try:
        request_ = services.supplementary_request(
            petition=petition, reason=form.cleaned_data["reason"], actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Đã yêu cầu %(unit)s trả lời bổ sung, hạn %(due)s.")
            % {"unit": request_.unit, "due": vn_date(request_.due_on)},
        )
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
def contribution_letter(request, pk):
    coordination = get_object_or_404(Coordination, pk=pk, petition__in=petitions_visible_to(request.user).values("pk"))
    return serve_private_file(coordination.letter, coordination.letter_name)


@login_required
@require_GET
def complex_letter(request, pk):
    notice = get_object_or_404(ComplexCaseNotice, pk=pk, petition__in=petitions_visible_to(request.user).values("pk"))
    return serve_private_file(notice.letter, notice.letter_name)


# ---------------------------------------------------------------------------------------------
# The citizen's side (the organising unit's staff): receipt, protected identity, publication
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def receipt(request, pk):
    """The receipt handed to the petitioner (DOCX with the code and a QR code of the lookup)."""
    petition = get_object_or_404(
        _editable_petitions(request).select_related("session__organising_unit__kind", "field"), pk=pk
    )
    return docx_response(receipt_docx(petition, viewer=request.user), f"phieu-tiep-nhan-kien-nghi-{petition.pk}.docx")


@login_required
@require_POST
def petition_protect(request, pk):
    petition = _editable_petition_or_404(request, pk)
    form = ProtectForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("protected", [])) or _("Yêu cầu không hợp lệ."))
        return redirect(petition)
    try:
        services.petition_protect(petition=petition, protected=form.cleaned_data["protected"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if form.cleaned_data["protected"]:
            messages.success(request, _("Đã bảo vệ danh tính người kiến nghị #%(id)s.") % {"id": petition.pk})
        else:
            messages.success(request, _("Đã bỏ bảo vệ danh tính người kiến nghị #%(id)s.") % {"id": petition.pk})
    return redirect(petition)


@login_required
@require_http_methods(["GET", "POST"])
def petition_publish(request, pk):
    """Publish the result (công khai) with the public texts, personal data removed and edited."""
    petition = _editable_petition_or_404(request, pk)
    if not workflow.allows(petition.status, Action.PUBLISH):
        messages.error(request, workflow.refusal(petition.status, Action.PUBLISH))
        return redirect(petition)
    form = PublishForm(request.POST or None, initial=publication_draft(petition))
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_publish(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã công khai kết quả của kiến nghị #%(id)s.") % {"id": petition.pk})
            return redirect(petition)
    publication = Publication.objects.filter(petition=petition).first()
    return render(
        request, "petitions/publish_form.html", {"petition": petition, "form": form, "publication": publication}
    )


@login_required
@require_POST
def petition_unpublish(request, pk):
    petition = _editable_petition_or_404(request, pk)
    form = UnpublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])) or _("Vui lòng nhập lý do thôi công khai."))
        return redirect(petition)
    try:
        services.petition_unpublish(petition=petition, reason=form.cleaned_data["reason"], actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Đã thôi công khai kết quả của kiến nghị #%(id)s.") % {"id": petition.pk})
    return redirect(petition)


# ---------------------------------------------------------------------------------------------
# Reports to the head and the head's directions
# ---------------------------------------------------------------------------------------------


@login_required
@require_GET
def to_follow(request):
    """The replies, forwardings and complex-case notices reported to the heads the user is, or
    works for ("báo cáo người đứng đầu ... để theo dõi, chỉ đạo"), newest first."""
    qs = reports_to_follow(request.user)
    kind = request.GET.get("kind") or ""
    if kind in REPORTED_EVENT_KINDS:
        qs = qs.filter(kind=kind)
    undirected = request.GET.get("chua_chi_dao") == "1"
    if undirected:
        qs = qs.filter(directed=False)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "petitions/to_follow.html",
        {
            "page": page,
            "kind": kind,
            "kinds": [(k, EventKind(k).label) for k in REPORTED_EVENT_KINDS],
            "undirected": undirected,
            "query": query.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def direction_create(request, pk):
    """A head's direction on a petition, written by the head or by staff on the head's behalf;
    404 unless the user may write one for a same-level head."""
    petition = visible_petition_or_404(request, pk)
    leaders = direction_leaders_for(request.user, petition)
    if not leaders:
        raise Http404
    if not workflow.allows(petition.status, Action.DIRECT):
        messages.error(request, workflow.refusal(petition.status, Action.DIRECT))
        return redirect(petition)
    form = DirectionForm(request.POST or None, leaders=leaders)
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_direct(petition=petition, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã ghi ý kiến chỉ đạo; đơn vị giải quyết được thông báo."))
            return redirect(petition)
    return render(request, "petitions/direction_form.html", {"petition": petition, "form": form})
