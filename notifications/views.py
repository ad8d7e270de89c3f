"""The notification list and the bell's actions. A user only ever reaches their own
notifications: anybody else's answers 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.web import PAGE_SIZE, add_service_errors

from .forms import PreferencesForm
from .preferences import preferences_of
from .selectors import notification_target_url, notifications_of, unread_count
from .services import notification_mark_read, notification_preferences_set, notifications_mark_all_read


def _back(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


@login_required
@require_GET
def notification_list(request):
    qs = notifications_of(request.user).select_related("petition", "session")
    unread_only = request.GET.get("chua_doc") == "1"
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("trang"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page": page, "unread_only": unread_only, "unread": unread_count(request.user)},
    )


@login_required
@require_GET
def notification_open(request, pk: int):
    """Mark as read and go to the case (the link in the e-mail)."""
    notification = get_object_or_404(notifications_of(request.user).select_related("petition", "session"), pk=pk)
    notification_mark_read(notification=notification, user=request.user)
    return redirect(notification_target_url(notification))


@login_required
@require_POST
def notification_read(request, pk: int):
    notification = get_object_or_404(notifications_of(request.user), pk=pk)
    notification_mark_read(notification=notification, user=request.user)
    return redirect(_back(request, "notifications:list"))


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_all_read(user=request.user)
    return redirect(_back(request, "notifications:list"))


@login_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    """Each user chooses, per topic, between the portal only, e-mail at once and the daily digest."""
    form = PreferencesForm(request.POST or None, initial_choices=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            notification_preferences_set(user=request.user, choices=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Đã lưu cách nhận thông báo."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(request.user.email)})
