"""The one petition page: what it shows for a user, built once for every view that renders it
(the petition list's links, the agency's inbox, the Front monitor's lists). Each part appears
when the user's role allows it (``petitions.selectors.petition_actions``)."""

from __future__ import annotations

from django.utils import timezone

from common.forms import WithdrawForm

from .forms import CloseForm, SupplementaryRequestForm, ToldForm
from .history import petition_history
from .identity import petitioner_of
from .models import Petition, Publication
from .publicity import redact
from .selectors import explain_reply_due, petition_actions, petition_due_lines


def _redacted(rows, petition: Petition, *fields: str) -> list:
    """``rows`` with the petitioner's data removed from their free texts (for display only)."""
    rows = list(rows)
    for row in rows:
        for name in fields:
            setattr(row, name, redact(getattr(row, name), petition))
    return rows


def petition_page_context(request, petition: Petition) -> dict:
    """Everything the one petition page shows; each part is shown when the role allows it.
    A reader who may not see a protected petitioner gets every free text of the page (the
    petition, the timeline, the answers, the notes) with the petitioner's data removed."""
    forwardings = list(petition.forwardings.select_related("from_unit", "to_unit").order_by("forwarded_on", "id"))
    coordinations = list(petition.coordinations.select_related("unit", "contributed_by").order_by("unit__path"))
    requests = list(petition.supplementary_requests.select_related("unit").order_by("requested_on", "id"))
    complex_notices = list(petition.complex_notices.select_related("unit").order_by("notified_on", "id"))
    actions = petition_actions(request.user, petition, coordinations=coordinations, forwardings=forwardings)
    petitioner = petitioner_of(petition, request.user)
    context = {
        "petition": petition,
        "actions": actions,
        "history": petition_history(petition, viewer=request.user) if actions["history"] else None,
        "petitioner": petitioner,
        "publication": Publication.objects.filter(petition=petition).first(),
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
        "directions": petition.directions.select_related("leader", "author", "unit"),
        "explanation": explain_reply_due(petition),
        "due_lines": petition_due_lines(petition, forwardings, requests, complex_notices),
        "today": timezone.localdate(),
    }
    if petitioner.hidden:
        context["events"] = _redacted(context["events"], petition, "message")
        context["replies"] = _redacted(context["replies"], petition, "summary")
        context["forwardings"] = _redacted(context["forwardings"], petition, "reason")
        context["complex_notices"] = _redacted(context["complex_notices"], petition, "reason")
        context["notes"] = _redacted(context["notes"], petition, "text")
        context["coordinations"] = _redacted(context["coordinations"], petition, "contribution")
        context["supplementary_requests"] = _redacted(context["supplementary_requests"], petition, "reason")
        context["directions"] = _redacted(context["directions"], petition, "text")
    return context
