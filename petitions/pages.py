"""The one petition page: what it shows for a user, built once for every view that renders it
(the petition list's links, the agency's inbox, the Front monitor's lists). Each part appears
when the user's role allows it (``petitions.selectors.petition_actions``)."""

from __future__ import annotations

from django.utils import timezone

from common.forms import WithdrawForm

from .forms import CloseForm, SupplementaryRequestForm, ToldForm
from .history import petition_history
from .models import Petition
from .selectors import explain_reply_due, petition_actions, petition_due_lines


def petition_page_context(request, petition: Petition) -> dict:
    """Everything the one petition page shows; each part is shown when the role allows it."""
    forwardings = list(petition.forwardings.select_related("from_unit", "to_unit").order_by("forwarded_on", "id"))
    coordinations = list(petition.coordinations.select_related("unit", "contributed_by").order_by("unit__path"))
    requests = list(petition.supplementary_requests.select_related("unit").order_by("requested_on", "id"))
    complex_notices = list(petition.complex_notices.select_related("unit").order_by("notified_on", "id"))
    actions = petition_actions(request.user, petition, coordinations=coordinations, forwardings=forwardings)
    return {
        "petition": petition,
        "actions": actions,
        "history": petition_history(petition) if actions["history"] else None,
        "withdraw_form": WithdrawForm(),
        "close_form": CloseForm(),
        "supplementary_form": SupplementaryRequestForm(),
        "told_form": ToldForm(),
        "events": petition.events.select_related("actor").order_by("at", "id"),
        "replies": petition.replies.select_related("unit").prefetch_related("assessments__unit"),
        "forwardings": forwardings,
        "coordinations": coordinations,
        "supplementary_requests": requests,
        "complex_notices": complex_notices,
        "notes": petition.supervision_notes.select_related("author", "unit"),
        "explanation": explain_reply_due(petition),
        "due_lines": petition_due_lines(petition, forwardings, requests, complex_notices),
        "today": timezone.localdate(),
    }
