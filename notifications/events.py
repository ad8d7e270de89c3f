"""Events on a petition that someone should hear about, turned into notifications.

The services of the lower layers record what happened on the petition's append-only timeline
(``PetitionEvent``) and know nothing of notifications. This module reads the recent timeline and
records, for each event of a notified kind, one notification per recipient under the unique key
(``event``, event id, event kind, recipient): running it twice, or from two processes, inserts
nothing new. A published result or a forwarding also writes one ``OutgoingMail`` to the
petitioner's optional e-mail, under its own unique key. It runs after every successful form post (``EventDispatchMiddleware``), in the
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

from common.dates import vn_date
from petitions.codes import format_code
from petitions.identity import petitioner_of
from petitions.models import Assessment, EventKind, Forwarding, PetitionEvent
from petitions.publicity import lookup_url, redact
from units.models import Role

from .engine import Directory, unit_parents
from .models import DispatchedEvent, Notification, ObligationKind, OutgoingMail
from .preferences import EVENT_TOPICS, deliveries_for, email_status_for

logger = logging.getLogger(__name__)

# How far back the dispatcher looks for events not yet dispatched.
WINDOW = dt.timedelta(days=3)


# ---------------------------------------------------------------------------------------------
# Who hears of an event, and what they read. Recipients are resolved like the deadline
# reminders' (``engine.Directory``: members of the unit, of its parent for area roles, and of
# the organisation); the person who acted is never told of their own act.
# ---------------------------------------------------------------------------------------------


def _directory(event: PetitionEvent, unit_ids, roles) -> Directory:
    return Directory(unit_parents(unit_ids), set(roles), timezone.localdate())


def _organisers(event: PetitionEvent) -> list[int]:
    """The organising unit's staff and the Front of its area (to follow, then to assess)."""
    organiser = event.petition.session.organising_unit_id
    directory = _directory(event, [organiser], {Role.STAFF, Role.FRONT})
    return directory.members(organiser, Role.STAFF) + directory.members(organiser, Role.FRONT)


def _agency_of(unit_key: str):
    def recipients(event: PetitionEvent) -> list[int]:
        unit_id = event.data.get(unit_key)
        if not unit_id:
            return []
        return _directory(event, [unit_id], {Role.AGENCY}).members(unit_id, Role.AGENCY)

    return recipients


def _assessment_recipients(event: PetitionEvent) -> list[int]:
    """The officers of the unit that replied; "not satisfied" also reaches its leaders and heads."""
    unit_id = event.data.get("unit_id")
    if not unit_id:
        return []
    unsatisfied = event.data.get("result") == Assessment.UNSATISFIED
    roles = {Role.AGENCY, Role.LEADER, "head"} if unsatisfied else {Role.AGENCY}
    directory = _directory(event, [unit_id], roles)
    users = directory.members(unit_id, Role.AGENCY)
    if unsatisfied:
        users += directory.heads_of(unit_id)
    return users


def _safe(text: str, event: PetitionEvent) -> str:
    """A text typed on the petition, its petitioner's data removed when the identity is protected
    (a notification has several readers)."""
    return redact(text, event.petition) if event.petition.identity_protected else (text or "")


def _summary(event: PetitionEvent) -> str:
    """The petition in a line, its petitioner's data removed when protected (several readers)."""
    petition = event.petition
    session = petition.session
    text = petitioner_of(petition, None).content
    return _("Kiến nghị #%(id)s tại hội nghị “%(topic)s” (%(unit)s, %(day)s): %(text)s") % {
        "id": petition.pk,
        "topic": session.topic,
        "unit": session.organising_unit,
        "day": vn_date(session.held_on),
        "text": text[:200] + ("…" if len(text) > 200 else ""),
    }


def _assigned_text(event: PetitionEvent) -> tuple[str, str]:
    due = event.data.get("reply_due_on")
    title = _("Kiến nghị #%(id)s được giao cho đơn vị, hạn trả lời %(due)s") % {
        "id": event.petition_id,
        "due": vn_date(dt.date.fromisoformat(due)) if due else "—",
    }
    return title, f"{_safe(event.message, event)}\n\n{_summary(event)}"


def _forwarded_text(event: PetitionEvent) -> tuple[str, str]:
    title = _("Kiến nghị #%(id)s được chuyển đến đơn vị để giải quyết theo thẩm quyền") % {"id": event.petition_id}
    return title, f"{_safe(event.message, event)}\n\n{_summary(event)}"


def _complex_text(event: PetitionEvent) -> tuple[str, str]:
    target = event.data.get("new_target_on")
    title = _("Kiến nghị #%(id)s: thông báo vụ việc phức tạp, hạn giải quyết mới %(target)s") % {
        "id": event.petition_id,
        "target": vn_date(dt.date.fromisoformat(target)) if target else "—",
    }
    return title, f"{_safe(event.message, event)}\n\n{_summary(event)}"


def _replied_text(event: PetitionEvent) -> tuple[str, str]:
    title = _("Kiến nghị #%(id)s đã có văn bản trả lời") % {"id": event.petition_id}
    return title, f"{_safe(event.message, event)}\n\n{_summary(event)}"


def _assessment_text(event: PetitionEvent) -> tuple[str, str]:
    data = event.data
    if data.get("result") == Assessment.UNSATISFIED:
        title = _("Văn bản trả lời kiến nghị #%(id)s bị đánh giá không hài lòng") % {"id": event.petition_id}
        body = _("%(org)s đánh giá không hài lòng văn bản số %(number)s. Lý do: %(reason)s") % {
            "org": data.get("front_unit", ""),
            "number": data.get("reply_number", ""),
            "reason": _safe(data.get("reason", ""), event),
        }
    else:
        title = _("Văn bản trả lời kiến nghị #%(id)s được đánh giá hài lòng") % {"id": event.petition_id}
        body = _("%(org)s đánh giá hài lòng văn bản số %(number)s.") % {
            "org": data.get("front_unit", ""),
            "number": data.get("reply_number", ""),
        }
    return title, body


# kind → (recipients, (title, body)); the user's choice of delivery is by topic
# (``notifications.preferences.EVENT_TOPICS``).
HANDLERS: dict[str, tuple[Callable[[PetitionEvent], list[int]], Callable[[PetitionEvent], tuple[str, str]]]] = {
    EventKind.NOTICE_ISSUED: (_agency_of("unit_id"), _assigned_text),
    EventKind.FORWARDED: (_agency_of("to_unit_id"), _forwarded_text),
    EventKind.COMPLEX_NOTICE: (_organisers, _complex_text),
    EventKind.REPLIED: (_organisers, _replied_text),
    EventKind.ASSESSED: (_assessment_recipients, _assessment_text),
}


# ---------------------------------------------------------------------------------------------
# Telling the petitioner (their optional e-mail on the petition): the result published, the
# matter forwarded. One ``OutgoingMail`` per key, so a re-run or a second publication sends
# nothing twice; the outbox mails it with the same retries as the notifications.
# ---------------------------------------------------------------------------------------------


def _petitioner_intro(petition) -> str:
    session = petition.session
    return _("Kiến nghị của Ông/Bà (mã tra cứu %(code)s) tại hội nghị “%(topic)s” do %(unit)s tổ chức ngày %(day)s") % {
        "code": format_code(petition.receipt_code),
        "topic": session.topic,
        "unit": session.organising_unit,
        "day": vn_date(session.held_on),
    }


def _published_mail(event: PetitionEvent) -> tuple[str, str, str] | None:
    if not event.data.get("first"):
        return None  # an edit of the public text: the petitioner was told the first time
    petition = event.petition
    subject = _("Kết quả giải quyết kiến nghị của Ông/Bà đã được công khai (mã %(code)s)") % {
        "code": format_code(petition.receipt_code)
    }
    body = _intro_body(petition, _("đã có văn bản trả lời; kết quả đã được công khai."))
    return f"petitioner:published:{petition.pk}", subject, body


def _forwarded_mail(event: PetitionEvent) -> tuple[str, str, str] | None:
    petition = event.petition
    forwarding = Forwarding.objects.select_related("to_unit").filter(pk=event.data.get("forwarding_id")).first()
    if forwarding is None:
        return None
    subject = _("Kiến nghị của Ông/Bà đã được chuyển cấp có thẩm quyền (mã %(code)s)") % {
        "code": format_code(petition.receipt_code)
    }
    body = _intro_body(
        petition,
        _("đã được chuyển đến %(unit)s ngày %(day)s để xem xét, giải quyết theo thẩm quyền.")
        % {"unit": forwarding.to_unit, "day": vn_date(forwarding.forwarded_on)},
    )
    return f"petitioner:forwarded:{forwarding.pk}", subject, body


def _intro_body(petition, what: str) -> str:
    return "\n\n".join(
        [
            _("Kính gửi Ông/Bà,"),
            f"{_petitioner_intro(petition)} {what}",
            _("Xem tình trạng giải quyết và nội dung trả lời: %(link)s") % {"link": lookup_url(petition)},
            _("Thư này do Cổng theo dõi tiếp xúc, đối thoại gửi tự động; vui lòng không trả lời thư."),
        ]
    )


PETITIONER_MAILS: dict[str, Callable[[PetitionEvent], tuple[str, str, str] | None]] = {
    EventKind.PUBLISHED: _published_mail,
    EventKind.FORWARDED: _forwarded_mail,
}


def _mail_petitioner(event: PetitionEvent) -> int:
    petition = event.petition
    if not petition.petitioner_email:
        return 0
    made = PETITIONER_MAILS[event.kind](event)
    if made is None:
        return 0
    key, subject, body = made
    rows = OutgoingMail.objects.bulk_create(
        [
            OutgoingMail(
                key=key, to_address=petition.petitioner_email, subject=subject[:300], body=body, petition=petition
            )
        ],
        ignore_conflicts=True,
    )
    return len(rows)


def events_dispatch(*, now: dt.datetime | None = None) -> int:
    """Notify the events of the last days not yet dispatched; return the notifications made."""
    from django.conf import settings

    now = now or timezone.now()
    pending = (
        PetitionEvent.objects.filter(kind__in=[*HANDLERS, *PETITIONER_MAILS], at__gte=now - WINDOW)
        .filter(~Exists(DispatchedEvent.objects.filter(event=OuterRef("pk"))))
        .select_related("petition__session__organising_unit")
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
    made = _mail_petitioner(event) if event.kind in PETITIONER_MAILS else 0
    if event.kind in HANDLERS:
        made += _notify_users(event)
    return made


def _notify_users(event: PetitionEvent) -> int:
    recipients_of, text_of = HANDLERS[event.kind]
    user_ids = list(dict.fromkeys(u for u in recipients_of(event) if u != event.actor_id))
    if not user_ids:
        return 0
    emails = dict(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "email"))
    deliveries = deliveries_for(emails, EVENT_TOPICS[event.kind])
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
            title=title[:300],
            body=body,
            url=url,
            email_status=email_status_for(emails[user_id], deliveries[user_id]),
        )
        for user_id in user_ids
        if user_id in emails
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
