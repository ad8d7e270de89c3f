"""The demo agency's work queue as an office would have it: what was given to the unit more
than a week ago has been opened by its officer (at the time), the latest assignments are still
"mới" (new). Called by ``seed_demo`` once the petitions are answered."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Q

from petitions.models import Forwarding, Petition, PetitionOpening, PetitionStatus

from .realism import clock_at

FRESH_DAYS = 7


def seed_openings(*, unit, officer, today: dt.date, rng: random.Random | None = None) -> int:
    rng = rng or random.Random(15)
    forwarded = Forwarding.objects.filter(to_unit=unit).values("petition_id")
    given = (
        Petition.objects.filter(Q(assigned_unit=unit) | Q(pk__in=forwarded), assigned_on__isnull=False)
        .exclude(status=PetitionStatus.WITHDRAWN)
        .order_by("id")
    )
    made = 0
    for petition in given:
        if petition.assigned_on > today - dt.timedelta(days=FRESH_DAYS):
            continue
        opened_on = min(petition.assigned_on + dt.timedelta(days=rng.randint(0, 3)), today)
        with clock_at(opened_on, rng):
            PetitionOpening.objects.create(petition=petition, unit=unit, opened_by=officer)
        made += 1
    return made
