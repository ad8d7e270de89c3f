"""Applying a reorganisation of units (``units.models.Reorganisation``): on its effective date
every open obligation of each ended unit passes to its successor, each layer through its own
service, in one transaction. It lives in ``ops``, above every layer whose obligations it moves.
Idempotent like the daily jobs: applying again moves nothing (each layer's service only finds
what is still open with the old unit)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.db import transaction
from django.utils import timezone

from notifications.succession import succession_notify
from petitions.services import petitions_succeed
from reports.services import report_dues_succeed
from sessions.services import plans_succeed, sessions_succeed
from units.models import Reorganisation
from units.services import unit_end


@transaction.atomic
def reorganisation_apply(*, reorganisation: Reorganisation, actor=None) -> dict[str, int]:
    """Move the open obligations of the reorganisation's old units to their successors (notices
    not yet issued, planned dialogues of annual plans, petitions' replies and responsibilities,
    forwardings, supplementary replies, coordination, conclusion items and commitments, reports
    due), tell the successors' staff of what has no timeline of its own, end the old units and their
    memberships, and stamp the reorganisation applied. Returns what was moved."""
    reorganisation = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
    on = reorganisation.effective_on
    counts: Counter[str] = Counter()
    for step in reorganisation.steps.select_related("predecessor", "successor").order_by("pk"):
        old, new = step.predecessor, step.successor
        counts.update(sessions_succeed(predecessor=old, successor=new, on=on, actor=actor))
        plans = plans_succeed(predecessor=old, successor=new, on=on, actor=actor)
        counts.update(plans)
        counts["petitions"] += petitions_succeed(predecessor=old, successor=new, on=on, actor=actor)
        dues = report_dues_succeed(predecessor=old, successor=new)
        counts["report_dues"] += dues
        # Sessions and petitions tell the successor through their timeline events; plan items
        # and reports due have none: one notice per staff user of the successor for this step.
        counts["notified"] += succession_notify(step=step, on=on, plan_items=plans["plan_items"], report_dues=dues)
        counts.update(unit_end(unit=old, on=on))
    if reorganisation.applied_at is None:
        reorganisation.applied_at = timezone.now()
        reorganisation.save(update_fields=["applied_at"])
    return dict(counts)


def reorganisations_due_apply(*, today: dt.date | None = None, actor=None) -> dict[str, int]:
    """Apply every reorganisation in effect by ``today`` not applied yet (the daily job)."""
    today = today or timezone.localdate()
    counts: Counter[str] = Counter()
    due = Reorganisation.objects.filter(effective_on__lte=today, applied_at__isnull=True).order_by("effective_on", "pk")
    for reorganisation in due:
        counts.update(reorganisation_apply(reorganisation=reorganisation, actor=actor))
    return dict(counts)
