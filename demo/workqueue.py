"""The demo agency's work queue as an office would have it: what was given to the unit more
than a week ago has been opened by its officer (at the time), the latest assignments are still
"mới" (new), including what passed to it from its predecessor (opened once it took over).
Called by ``seed_demo`` once the petitions are answered and the reorganisation applied."""

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
        opened_on = petition.assigned_on + dt.timedelta(days=rng.randint(0, 3))
        if unit.active_from and opened_on < unit.active_from:
            # Passed to the unit by a reorganisation: opened once it took over.
            opened_on = unit.active_from + dt.timedelta(days=rng.randint(0, 3))
        opened_on = min(opened_on, today)
        with clock_at(opened_on, rng):
            PetitionOpening.objects.create(petition=petition, unit=unit, opened_by=officer)
        made += 1
    return made
