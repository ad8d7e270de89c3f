"""Reads of the public pages: held sessions, published results (công khai) of a session or of a
unit's subtree, and the figures a province may publish. Nothing here reads a petitioner: the
pages show only ``Publication`` texts (personal data removed by staff) and public bodies."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max, QuerySet
from django.utils import timezone

from petitions.models import Publication
from sessions.models import DialogueSession
from units.access import subtree_q
from units.models import Unit


def public_sessions(today: dt.date | None = None) -> QuerySet[DialogueSession]:
    """Sessions held (not planned, not withdrawn): their public page exists."""
    today = today or timezone.localdate()
    return DialogueSession.objects.filter(withdrawn_at__isnull=True, held_on__lte=today).select_related(
        "organising_unit"
    )


def published_results() -> QuerySet[Publication]:
    return (
        Publication.objects.filter(is_published=True)
        .select_related("petition__session__organising_unit", "petition__field", "reply__unit")
        .only(
            "question",
            "answer",
            "published_at",
            "updated_at",
            "petition__id",
            "petition__session__id",
            "petition__session__topic",
            "petition__session__held_on",
            "petition__session__organising_unit__name",
            "petition__field__name",
            "reply__replied_on",
            "reply__number",
            "reply__unit__name",
        )
        .order_by("-published_at", "-id")
    )


def results_of_session(session: DialogueSession) -> QuerySet[Publication]:
    return published_results().filter(petition__session=session)


def results_of_unit(unit: Unit) -> QuerySet[Publication]:
    """Published results of the sessions organised in ``unit``'s subtree."""
    return published_results().filter(subtree_q([unit.path], "petition__session__organising_unit__path"))


def results_version(results: QuerySet[Publication]) -> str:
    """What changes whenever a result of ``results`` is published, edited or unpublished: the
    latest change and the count. Part of the cache key, so a cached page never outlives a change
    (an unpublished row leaves the count; a change of text moves the latest change)."""
    row = results.order_by().aggregate(latest=Max("updated_at"), count=Count("pk"))
    return f"{row['count']}-{row['latest'].timestamp() if row['latest'] else 0}"
