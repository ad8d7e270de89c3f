"""The one petition page: what it shows for a user, built once for every view that renders it
(the petition list's links, the agency's inbox, the Front monitor's lists). Each part appears
when the user's role allows it (``petitions.selectors.petition_actions``)."""

from __future__ import annotations

from django.utils import timezone

from common.forms import WithdrawForm

from .forms import CloseForm
from .history import petition_history
from .models import Petition
from .selectors import explain_reply_due, petition_actions


def petition_page_context(request, petition: Petition) -> dict:
    """Everything the one petition page shows; each part is shown when the role allows it."""
    actions = petition_actions(request.user, petition)
    return {
        "petition": petition,
        "actions": actions,
        "history": petition_history(petition) if actions["history"] else None,
        "withdraw_form": WithdrawForm(),
        "close_form": CloseForm(),
        "events": petition.events.select_related("actor").order_by("at", "id"),
        "replies": petition.replies.select_related("unit").prefetch_related("assessments__unit"),
        "forwardings": petition.forwardings.select_related("from_unit", "to_unit"),
        "complex_notices": petition.complex_notices.select_related("unit"),
        "notes": petition.supervision_notes.select_related("author", "unit"),
        "directions": petition.directions.select_related("leader", "author", "unit"),
        "explanation": explain_reply_due(petition),
        "today": timezone.localdate(),
    }
