"""Events on a petition (or a session) that someone should hear about, turned into notifications.

The services of the lower layers record what happened on the petition's append-only timeline
(``PetitionEvent``; a session's own in ``SessionEvent``) and know nothing of notifications. This module reads the recent timeline and
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
from django.utils.translation import gettext_lazy

from common.dates import vn_date
from common.text import one_line
from petitions.codes import format_code
from petitions.identity import petitioner_of
from petitions.models import Assessment, EventKind, Forwarding, PetitionEvent
from petitions.publicity import lookup_url, redact
from sessions.models import SessionEvent, SessionEventKind
from units.models import Role
from units.selectors import same_level_bound_units

from .engine import Directory, unit_parents
from .heads import item_assessments_dispatch
from .models import (
    DispatchedEvent,
    DispatchedSessionEvent,
    EmailStatus,
    Notification,
    ObligationKind,
    OutgoingMail,
)
from .preferences import EVENT_TOPICS, deliveries_for, email_status_for

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


def _shown_content(petition) -> str:
    """The petition's text as a notification may carry it: a protected petitioner's data removed
    (notifications go to people who may not see them, and by mail)."""
    return redact(petition.content, petition) if petition.identity_protected else petition.content


def _direction_recipients(event: PetitionEvent) -> list[int]:
    """A head's direction: the responsible unit's officers and staff, and its heads."""
    unit_id = event.data.get("unit_id")
    if not unit_id:
        return []
    directory = Directory(unit_parents([unit_id]), {Role.AGENCY, Role.STAFF, "head"}, timezone.localdate())
    users = directory.members(unit_id, Role.AGENCY) + directory.members(unit_id, Role.STAFF)
    users += directory.heads_of(unit_id)
    return sorted(set(users) - {event.actor_id})


def _direction_text(event: PetitionEvent) -> tuple[str, str]:
    title = _("Ý kiến chỉ đạo về kiến nghị #%(id)s") % {"id": event.petition_id}
    return title, event.message


def _report_recipients(event: PetitionEvent) -> list[int]:
    """A reply, forwarding or complex-case notice: the heads of the party committee and the
    government at the session's level ("báo cáo người đứng đầu cấp ủy, chính quyền cùng cấp")."""
    units = same_level_bound_units(event.petition.session.organising_unit, timezone.localdate())
    if not units:
        return []
    directory = Directory(unit_parents(u.pk for u in units), {Role.LEADER, "head"}, timezone.localdate())
    users = {user for unit in units for user in directory.heads_of(unit.pk)}
    return sorted(users - {event.actor_id})


REPORT_TITLES = {
    EventKind.REPLIED: gettext_lazy("Báo cáo người đứng đầu: kiến nghị #%(id)s đã được trả lời bằng văn bản"),
    EventKind.FORWARDED: gettext_lazy("Báo cáo người đứng đầu: kiến nghị #%(id)s đã chuyển cấp có thẩm quyền"),
    EventKind.COMPLEX_NOTICE: gettext_lazy("Báo cáo người đứng đầu: kiến nghị #%(id)s là vụ việc phức tạp"),
}


def _report_text(event: PetitionEvent) -> tuple[str, str]:
    title = str(REPORT_TITLES[event.kind]) % {"id": event.petition_id}
    body = (
        _("Kiến nghị: “%(content)s”.") % {"content": _shown_content(event.petition)[:200]}
        + " "
        + event.message
        + " "
        + _("Đề nghị đồng chí theo dõi, chỉ đạo.")
    )
    return title, body


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
    """A satisfied assessment: the officers of the unit that replied. "Not satisfied" reopens the
    petition and is told with the reopening (``_reopened_recipients``), not twice."""
    unit_id = event.data.get("unit_id")
    if not unit_id or event.data.get("result") == Assessment.UNSATISFIED:
        return []
    return _directory(event, [unit_id], {Role.AGENCY}).members(unit_id, Role.AGENCY)


def _coordinators(event: PetitionEvent) -> list[int]:
    """The officers of the units asked to coordinate (``coordinating_unit_ids``)."""
    unit_ids = [u for u in event.data.get("coordinating_unit_ids") or [] if u]
    if not unit_ids:
        return []
    directory = _directory(event, unit_ids, {Role.AGENCY})
    return sorted({user for unit in unit_ids for user in directory.members(unit, Role.AGENCY)})


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
    title = _("Văn bản trả lời kiến nghị #%(id)s được đánh giá hài lòng") % {"id": event.petition_id}
    body = _("%(org)s đánh giá hài lòng văn bản số %(number)s.") % {
        "org": data.get("front_unit", ""),
        "number": data.get("reply_number", ""),
    }
    return title, body


def _coordination_text(event: PetitionEvent) -> tuple[str, str]:
    title = _("Đơn vị được giao phối hợp giải quyết kiến nghị #%(id)s") % {"id": event.petition_id}
    return title, f"{_safe(event.message, event)}\n\n{_summary(event)}"


# kind → the handlers (recipients, (title, body)); a user reached by two handlers of one event is
# notified once (the unique key).
Handler = tuple[Callable[[PetitionEvent], list[int]], Callable[[PetitionEvent], tuple[str, str]]]
HANDLERS: dict[str, list[Handler]] = {
    EventKind.NOTICE_ISSUED: [(_agency_of("unit_id"), _assigned_text), (_coordinators, _coordination_text)],
    EventKind.ASSESSED: [(_assessment_recipients, _assessment_text)],
    EventKind.REOPENED: [(_reopened_recipients, _reopened_text)],
    EventKind.DIRECTED: [(_direction_recipients, _direction_text)],
    EventKind.REPLIED: [(_organisers, _replied_text), (_report_recipients, _report_text)],
    EventKind.COMPLEX_NOTICE: [(_organisers, _complex_text), (_report_recipients, _report_text)],
    EventKind.SUPPLEMENTARY_REQUESTED: [
        (_unit_officers_and_heads("unit_id"), _text(_("Yêu cầu trả lời bổ sung kiến nghị #%(id)s"))),
    ],
    EventKind.SUPPLEMENTARY_REPLIED: [
        (
            lambda e: _people(front=[_organiser(e)], staff=[_organiser(e)]),
            _text(_("Đã có văn bản trả lời bổ sung kiến nghị #%(id)s: đề nghị MTTQ đánh giá")),
        ),
    ],
    EventKind.FORWARDED: [
        (_unit_officers_and_heads("to_unit_id"), _text(_("Kiến nghị #%(id)s được chuyển đến đơn vị để giải quyết"))),
        (_report_recipients, _report_text),
    ],
    EventKind.PETITIONER_TOLD: [
        (
            lambda e: _people(staff=[_organiser(e)]),
            _text(_("Kiến nghị #%(id)s: đã thông báo cho người kiến nghị về việc chuyển")),
        ),
    ],
    EventKind.CONTRIBUTED: [
        (_unit_officers("lead_unit_id"), _text(_("Đơn vị phối hợp đã gửi ý kiến, kiến nghị #%(id)s"))),
    ],
    EventKind.DUE_RECOMPUTED: [
        (_unit_officers("unit_id"), _text(_("Kiến nghị #%(id)s: hạn thay đổi do điều chỉnh lịch nghỉ"))),
    ],
    EventKind.CLOCK_RESTARTED: [
        (_unit_officers("unit_id"), _text(_("Kiến nghị #%(id)s: hạn trả lời tính từ ngày nhận thông báo"))),
    ],
    EventKind.SUCCEEDED: [
        (
            _unit_officers_and_heads("unit_id"),
            _text(_("Kiến nghị #%(id)s: đơn vị kế thừa tiếp nhận việc giải quyết của đơn vị tiền thân")),
        ),
    ],
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


def _session_staff(event: SessionEvent) -> list[int]:
    return _people(staff=[event.session.organising_unit_id])


def _successor_staff(event: SessionEvent) -> list[int]:
    """The successor's staff and officers (and the session's organising staff)."""
    unit = event.data.get("unit_id")
    units = [u for u in (event.session.organising_unit_id, unit) if u]
    return _people(staff=units, agency=[unit] if unit else [])


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
    SessionEventKind.SUCCEEDED: (
        _successor_staff,
        lambda e: (
            _("Hội nghị “%(topic)s”: đơn vị kế thừa tiếp nhận nghĩa vụ của đơn vị tiền thân")
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
        PetitionEvent.objects.filter(kind__in=[*HANDLERS, *PETITIONER_MAILS], at__gte=now - WINDOW)
        .filter(~Exists(DispatchedEvent.objects.filter(event=OuterRef("pk"))))
        .select_related("petition__session__chair", "petition__session__organising_unit__kind")
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
        created += item_assessments_dispatch(since=now - WINDOW)
    return created


def _record(*, user_ids, obligation, event, title, body, url, session_id, petition_id=None) -> int:
    """One notification per user; its mail follows the user's choice for the event's topic
    (at once, in the day's digest, or none); an event without a topic is mailed at once."""
    if not user_ids:
        return 0
    emails = dict(get_user_model().objects.filter(pk__in=user_ids, is_active=True).values_list("pk", "email"))
    topic = EVENT_TOPICS.get(event.kind) if obligation == ObligationKind.EVENT else None
    deliveries = deliveries_for(emails, topic) if topic else {}
    rows = [
        Notification(
            recipient_id=user_id,
            obligation=obligation,
            object_id=event.pk,
            stage=event.kind,
            session_id=session_id,
            petition_id=petition_id,
            title=one_line(title, 300),
            body=body,
            url=url,
            email_status=email_status_for(emails[user_id], deliveries.get(user_id))
            if topic
            else (EmailStatus.PENDING if emails[user_id] else EmailStatus.NONE),
        )
        for user_id in user_ids
        if user_id in emails
    ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _notify(event: PetitionEvent) -> int:
    made = _mail_petitioner(event) if event.kind in PETITIONER_MAILS else 0
    notified: set[int] = set()
    for recipients_of, text_of in HANDLERS.get(event.kind, []):
        # The actor knows what they did; a user reached by an earlier handler is not told twice.
        user_ids = [u for u in recipients_of(event) if u != event.actor_id and u not in notified]
        notified.update(user_ids)
        title, body = text_of(event)
        made += _record(
            user_ids=user_ids,
            obligation=ObligationKind.EVENT,
            event=event,
            title=title,
            body=body,
            url=reverse("petitions:detail", args=[event.petition_id]),
            session_id=event.petition.session_id,
            petition_id=event.petition_id,
        )
    return made


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
