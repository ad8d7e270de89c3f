from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from petitions.models import PetitionStatus
from petitions.selectors import petitions_visible_to, with_reply_states
from sessions.selectors import sessions_visible_to, with_notice_state
from units.access import scope_of

HOME_LIMIT = 20


@login_required
def home(request):
    """The signed-in home page: the user's latest sessions and petitions with their deadline states."""
    today = timezone.localdate()
    sessions = (
        with_notice_state(sessions_visible_to(request.user).filter(withdrawn_at__isnull=True), today)
        .select_related("notice__issuing_unit__kind")
        .order_by("-held_on", "-id")[:HOME_LIMIT]
    )
    petitions = with_reply_states(
        petitions_visible_to(request.user).exclude(status=PetitionStatus.WITHDRAWN), today
    ).order_by("reply_due_on", "-id")[:HOME_LIMIT]
    return render(
        request,
        "home.html",
        {
            "sessions": sessions,
            "petitions": petitions,
            "memberships": scope_of(request.user).memberships,
            "today": today,
        },
    )
