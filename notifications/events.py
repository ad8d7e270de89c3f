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
from django.utils.translation import gettext_lazy

from common.dates import vn_date
from petitions.codes import format_code
from petitions.models import Assessment, EventKind, Forwarding, PetitionEvent
from petitions.publicity import lookup_url
from units.models import Membership, Role
from units.selectors import head_user_ids, same_level_bound_units

from .engine import Directory, unit_parents
from .heads import item_assessments_dispatch
from .models import DispatchedEvent, EmailStatus, Notification, ObligationKind, OutgoingMail

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
        _("Kiến nghị: “%(content)s”.") % {"content": event.petition.content[:200]}
        + " "
        + event.message
        + " "
        + _("Đề nghị đồng chí theo dõi, chỉ đạo.")
    )
    return title, body


# kind → (recipients, (title, body))
HANDLERS: dict[str, tuple[Callable[[PetitionEvent], list[int]], Callable[[PetitionEvent], tuple[str, str]]]] = {
    EventKind.ASSESSED: (_assessment_recipients, _assessment_text),
    EventKind.DIRECTED: (_direction_recipients, _direction_text),
    EventKind.REPLIED: (_report_recipients, _report_text),
    EventKind.FORWARDED: (_report_recipients, _report_text),
    EventKind.COMPLEX_NOTICE: (_report_recipients, _report_text),
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
        .select_related("petition", "petition__session__organising_unit__kind")
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
        created += item_assessments_dispatch(since=now - WINDOW)
    return created


def _notify(event: PetitionEvent) -> int:
    made = _mail_petitioner(event) if event.kind in PETITIONER_MAILS else 0
    if event.kind in HANDLERS:
        made += _notify_users(event)
    return made


def _notify_users(event: PetitionEvent) -> int:
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
