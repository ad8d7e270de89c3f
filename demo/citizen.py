"""The citizen's side of the demo: protected petitioners, contact e-mails, published results.

Every petition already has its receipt code (given when recorded). Called by ``seed_demo`` once
the sessions and petitions exist."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from petitions.codes import format_code
from petitions.models import Petition, PetitionStatus
from petitions.publicity import publication_draft
from petitions.services import petition_protect, petition_publish, petition_unpublish

from .realism import clock_at

MISCONDUCT_FIELD = "Xây dựng Đảng, cán bộ"


def seed_citizen(*, rng: random.Random, staff, agency_unit=None) -> dict:
    """Protect some petitioners (those about officials' conduct, and a few more; at least one
    with the demo agency), give a third of the petitioners an e-mail, publish the result of
    about half of the replied petitions (one published then taken down)."""
    live = Petition.objects.exclude(status=PetitionStatus.WITHDRAWN).select_related("field", "session").order_by("id")
    protected = [p for p in live if (p.field and p.field.name == MISCONDUCT_FIELD) or rng.random() < 0.05]
    if agency_unit is not None and not any(p.assigned_unit_id == agency_unit.pk for p in protected):
        extra = live.filter(assigned_unit=agency_unit).first()
        if extra is not None:
            protected.append(extra)
    today = timezone.localdate()
    for petition in protected:
        # Marked when the petition was entered, at the conference.
        with clock_at(min(petition.session.held_on, today)):
            petition_protect(petition=petition, protected=True, actor=staff)

    # Contact data carries no rule (the services validate it at entry); the demo fills it in bulk.
    with_email = [p.pk for p in live if rng.random() < 0.33]
    for pk in with_email:
        Petition.objects.filter(pk=pk).update(petitioner_email=f"nguoi.kien.nghi.{pk}@example.vn")

    published = 0
    answered = list(live.filter(status__in=[PetitionStatus.REPLIED, PetitionStatus.CLOSED]))
    for petition in answered:
        if rng.random() < 0.5:
            continue
        draft = publication_draft(petition)
        replied_on = petition.final_replied_on or petition.responded_on or today
        with clock_at(min(replied_on + dt.timedelta(days=rng.randint(1, 7)), today)):
            petition_publish(petition=petition, question=draft["question"], answer=draft["answer"], actor=staff)
        published += 1
    if published:
        first = Petition.objects.filter(publication__is_published=True).order_by("id").first()
        petition_unpublish(petition=first, reason="Nội dung cần rà soát lại trước khi công khai.", actor=staff)
        published -= 1
    sample = live.filter(status=PetitionStatus.REPLIED, publication__is_published=True).first()
    return {
        "protected": len(protected),
        "emails": len(with_email),
        "published": published,
        "sample_code": format_code(sample.receipt_code) if sample else "",
    }
