from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from petitions.selectors import petitions_visible_to, with_reply_states
from sessions.selectors import memberships_of, sessions_visible_to
from petitions.selectors import with_notice_state

HOME_LIMIT = 20


@login_required
def home(request):
    """The signed-in home page: the user's latest sessions and petitions with their deadline states."""
    today = timezone.localdate()
    sessions = with_notice_state(sessions_visible_to(request.user).filter(withdrawn_at__isnull=True), today)[:HOME_LIMIT]
    petitions = with_reply_states(
        petitions_visible_to(request.user).exclude(status="withdrawn"), today
    ).order_by("reply_due_on", "-id")[:HOME_LIMIT]
    return render(
        request,
        "home.html",
        {"sessions": sessions, "petitions": petitions, "memberships": memberships_of(request.user), "today": today},
    )
