"""Events on a petition (or a session) that someone should hear about, turned into notifications.

The services of the lower layers record what happened on the petition's append-only timeline
(``PetitionEvent``; a session's own in ``SessionEvent``) and know nothing of notifications. This module reads the recent timeline and
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

from petitions.models import EventKind, PetitionEvent
from sessions.models import SessionEvent, SessionEventKind
from units.models import Role

from .engine import Directory, unit_parents
from .models import DispatchedEvent, DispatchedSessionEvent, EmailStatus, Notification, ObligationKind

logger = logging.getLogger(__name__)

# How far back the dispatcher looks for events not yet dispatched.
WINDOW = dt.timedelta(days=3)


def _people(*, staff=(), agency=(), front=(), heads=(), users=()) -> list[int]:
    """The users holding those roles for those units (one directory for all), plus ``users``."""
    wanted = {"staff": set(staff), "agency": set(agency), "front": set(front), "heads": set(heads)}
    units = {u for ids in wanted.values() for u in ids if u}
    found = {u for u in users if u}
    if units:
        roles = {Role.STAFF, Role.AGENCY, Role.FRONT, Role.LEADER, "head"}
        directory = Directory(unit_parents(units), roles, timezone.localdate())
        for unit in wanted["staff"]:
            found.update(directory.members(unit, Role.STAFF))
        for unit in wanted["agency"]:
            found.update(directory.members(unit, Role.AGENCY))
        for unit in wanted["front"]:
            found.update(directory.members(unit, Role.FRONT))
        for unit in wanted["heads"]:
            found.update(directory.heads_of(unit))
    return sorted(found)


def _organiser(event: PetitionEvent) -> int:
    return event.petition.session.organising_unit_id


def _chair(event: PetitionEvent) -> list[int]:
    chair = event.petition.session.chair
    return [chair.user_id] if chair is not None and chair.user_id else []


def _reopened_recipients(event: PetitionEvent) -> list[int]:
    """ "Not satisfied": the organising unit's staff (they decide what follows), the chair (or,
    without an account, the organising unit's head), the responsible unit's head and officers."""
    responsible = event.data.get("unit_id")
    chair = _chair(event)
    return _people(
        staff=[_organiser(event)],
        heads=[responsible] + ([] if chair else [_organiser(event)]),
        agency=[responsible],
        users=chair,
    )


def _reopened_text(event: PetitionEvent) -> tuple[str, str]:
    data = event.data
    title = _("Kiến nghị #%(id)s: MTTQ không hài lòng với văn bản trả lời") % {"id": event.petition_id}
    body = _(
        "%(org)s đánh giá không hài lòng văn bản số %(number)s. Lý do: %(reason)s. Kiến nghị được mở lại: "
        "cơ quan tổ chức hội nghị yêu cầu trả lời bổ sung hoặc kết thúc có nêu lý do."
    ) % {"org": data.get("front_unit", ""), "number": data.get("reply_number", ""), "reason": data.get("reason", "")}
    return title, body


def _unit_officers_and_heads(key: str):
    def recipients(event: PetitionEvent) -> list[int]:
        unit = event.data.get(key)
        return _people(agency=[unit], heads=[unit]) if unit else []

    return recipients


def _unit_officers(key: str):
    def recipients(event: PetitionEvent) -> list[int]:
        unit = event.data.get(key)
        return _people(agency=[unit]) if unit else []

    return recipients


def _text(title: str):
    """A notification whose body is the event's own message."""

    def text(event: PetitionEvent) -> tuple[str, str]:
        return title % {"id": event.petition_id}, event.message

    return text


# kind → (recipients, (title, body))
HANDLERS: dict[str, tuple[Callable[[PetitionEvent], list[int]], Callable[[PetitionEvent], tuple[str, str]]]] = {
    EventKind.REOPENED: (_reopened_recipients, _reopened_text),
    EventKind.SUPPLEMENTARY_REQUESTED: (
        _unit_officers_and_heads("unit_id"),
        _text(_("Yêu cầu trả lời bổ sung kiến nghị #%(id)s")),
    ),
    EventKind.SUPPLEMENTARY_REPLIED: (
        lambda e: _people(front=[_organiser(e)], staff=[_organiser(e)]),
        _text(_("Đã có văn bản trả lời bổ sung kiến nghị #%(id)s: đề nghị MTTQ đánh giá")),
    ),
    EventKind.FORWARDED: (
        _unit_officers_and_heads("to_unit_id"),
        _text(_("Kiến nghị #%(id)s được chuyển đến đơn vị để giải quyết")),
    ),
    EventKind.PETITIONER_TOLD: (
        lambda e: _people(staff=[_organiser(e)]),
        _text(_("Kiến nghị #%(id)s: đã thông báo cho người kiến nghị về việc chuyển")),
    ),
    EventKind.CONTRIBUTED: (
        _unit_officers("lead_unit_id"),
        _text(_("Đơn vị phối hợp đã gửi ý kiến, kiến nghị #%(id)s")),
    ),
    EventKind.DUE_RECOMPUTED: (
        _unit_officers("unit_id"),
        _text(_("Kiến nghị #%(id)s: hạn thay đổi do điều chỉnh lịch nghỉ")),
    ),
    EventKind.CLOCK_RESTARTED: (
        _unit_officers("unit_id"),
        _text(_("Kiến nghị #%(id)s: hạn trả lời tính từ ngày nhận thông báo")),
    ),
}


def _session_staff(event: SessionEvent) -> list[int]:
    return _people(staff=[event.session.organising_unit_id])


# A session's timeline events: kind → (recipients, (title, body)).
SESSION_HANDLERS: dict[str, tuple[Callable[[SessionEvent], list[int]], Callable[[SessionEvent], tuple[str, str]]]] = {
    SessionEventKind.DUE_RECOMPUTED: (
        _session_staff,
        lambda e: (
            _("Hội nghị “%(topic)s”: hạn gửi thông báo kết luận thay đổi do điều chỉnh lịch nghỉ")
            % {"topic": e.session.topic[:200]},
            e.message,
        ),
    ),
}


def events_dispatch(*, now: dt.datetime | None = None) -> int:
    """Notify the events of the last days not yet dispatched; return the notifications made."""
    from django.conf import settings

    now = now or timezone.now()
    pending = (
        PetitionEvent.objects.filter(kind__in=list(HANDLERS), at__gte=now - WINDOW)
        .filter(~Exists(DispatchedEvent.objects.filter(event=OuterRef("pk"))))
        .select_related("petition__session__chair")
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
        session_events = (
            SessionEvent.objects.filter(kind__in=list(SESSION_HANDLERS), at__gte=now - WINDOW)
            .filter(~Exists(DispatchedSessionEvent.objects.filter(event=OuterRef("pk"))))
            .select_related("session")
            .order_by("id")
        )
        for event in session_events:
            try:
                with transaction.atomic():
                    DispatchedSessionEvent.objects.create(event=event)
                    created += _notify_session(event)
            except IntegrityError:
                continue
    return created


def _record(*, user_ids, obligation, event, title, body, url, session_id, petition_id=None) -> int:
    if not user_ids:
        return 0
    emails = dict(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "email"))
    rows = [
        Notification(
            recipient_id=user_id,
            obligation=obligation,
            object_id=event.pk,
            stage=event.kind,
            session_id=session_id,
            petition_id=petition_id,
            title=title[:300],
            body=body,
            url=url,
            email_status=EmailStatus.PENDING if emails[user_id] else EmailStatus.NONE,
        )
        for user_id in user_ids
        if user_id in emails
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _notify(event: PetitionEvent) -> int:
    recipients_of, text_of = HANDLERS[event.kind]
    # The actor knows what they did.
    user_ids = [u for u in recipients_of(event) if u != event.actor_id]
    title, body = text_of(event)
    return _record(
        user_ids=user_ids,
        obligation=ObligationKind.EVENT,
        event=event,
        title=title,
        body=body,
        url=reverse("petitions:detail", args=[event.petition_id]),
        session_id=event.petition.session_id,
        petition_id=event.petition_id,
    )


def _notify_session(event: SessionEvent) -> int:
    recipients_of, text_of = SESSION_HANDLERS[event.kind]
    user_ids = [u for u in recipients_of(event) if u != event.actor_id]
    title, body = text_of(event)
    return _record(
        user_ids=user_ids,
        obligation=ObligationKind.SESSION_EVENT,
        event=event,
        title=title,
        body=body,
        url=reverse("sessions:detail", args=[event.session_id]),
        session_id=event.session_id,
    )
