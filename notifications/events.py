"""Events on a petition that someone should hear about, turned into notifications.

The services of the lower layers record what happened on the petition's append-only timeline
(``PetitionEvent``) and know nothing of notifications. This module reads the recent timeline and
records, for each event of a notified kind, one notification per recipient under the unique key
(``event``, event id, event kind, recipient): running it twice, or from two processes, inserts
nothing new. It runs after every successful form post (``EventDispatchMiddleware``), in the
daily job and in the mail sweep, so events written by commands and tasks are notified too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.text import one_line
from petitions.models import Assessment, EventKind, PetitionEvent
from units.models import Membership, Role
from units.selectors import head_user_ids

from .models import DispatchedEvent, EmailStatus, Notification, ObligationKind

logger = logging.getLogger(__name__)

# How far back the dispatcher looks for events not yet dispatched.
WINDOW = dt.timedelta(days=3)


def _assessment_recipients(event: PetitionEvent) -> list[int]:
    """ "Not satisfied": the agency officers and leaders of the unit that replied, and its heads."""
    if event.data.get("result") != Assessment.UNSATISFIED or not event.data.get("unit_id"):
        return []
    unit_id = event.data["unit_id"]
    users = set(
        Membership.objects.filter(unit_id=unit_id, role__in=[Role.AGENCY, Role.LEADER], is_active=True).values_list(
            "user_id", flat=True
        )
    )
    users |= set(head_user_ids([unit_id], timezone.localdate()).get(unit_id, []))
    return sorted(users)


def _assessment_text(event: PetitionEvent) -> tuple[str, str]:
    data = event.data
    title = _("Văn bản trả lời kiến nghị #%(id)s bị đánh giá không hài lòng") % {"id": event.petition_id}
    body = _("%(org)s đánh giá không hài lòng văn bản số %(number)s. Lý do: %(reason)s") % {
        "org": data.get("front_unit", ""),
        "number": data.get("reply_number", ""),
        "reason": data.get("reason", ""),
    }
    return title, body


# kind → (recipients, (title, body))
HANDLERS: dict[str, tuple[Callable[[PetitionEvent], list[int]], Callable[[PetitionEvent], tuple[str, str]]]] = {
    EventKind.ASSESSED: (_assessment_recipients, _assessment_text),
}


def events_dispatch(*, now: dt.datetime | None = None) -> int:
    """Notify the events of the last days not yet dispatched; return the notifications made."""
    from django.conf import settings

    now = now or timezone.now()
    pending = (
        PetitionEvent.objects.filter(kind__in=list(HANDLERS), at__gte=now - WINDOW)
        .filter(~Exists(DispatchedEvent.objects.filter(event=OuterRef("pk"))))
        .select_related("petition")
        .order_by("id")
    )
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for event in pending:
            try:
                with transaction.atomic():
                    DispatchedEvent.objects.create(event=event)
                    created += _notify(event)
            except IntegrityError:  # dispatched meanwhile by another process
                continue
    return created


def _notify(event: PetitionEvent) -> int:
    recipients_of, text_of = HANDLERS[event.kind]
    user_ids = recipients_of(event)
    if not user_ids:
        return 0
    emails = dict(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "email"))
    title, body = text_of(event)
    url = reverse("petitions:detail", args=[event.petition_id])
    rows = [
        Notification(
            recipient_id=user_id,
            obligation=ObligationKind.EVENT,
            object_id=event.pk,
            stage=event.kind,
            session_id=event.petition.session_id,
            petition_id=event.petition_id,
            title=one_line(title, 300),
            body=body,
            url=url,
            email_status=EmailStatus.PENDING if emails[user_id] else EmailStatus.NONE,
        )
        for user_id in user_ids
        if user_id in emails
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
