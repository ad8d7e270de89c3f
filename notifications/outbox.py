"""The mail outbox: recorded notifications, and the mails to petitioners (``OutgoingMail``), are
mailed afterwards, never before they exist.

The in-app notice exists as soon as its row is committed (``notifications.engine``); mail is
a separate, retried step that can never take the notice away. Each mail is sent under a row
lock (``SKIP LOCKED`` on PostgreSQL), so two senders never mail the same row; a failure is
recorded on the row and retried by the next sweep until ``NOTIFICATION_EMAIL_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.text import one_line

from .models import DigestMail, EmailStatus, Notification, OutgoingMail
from .selectors import notification_target_url

logger = logging.getLogger(__name__)


# A subject is one line (a line break in a header makes Django refuse the whole message) of a
# length mail clients show.
SUBJECT_MAX_LENGTH = 200


def email_max_attempts() -> int:
    return getattr(settings, "NOTIFICATION_EMAIL_MAX_ATTEMPTS", 5)


@dataclass
class EmailReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0

    def as_dict(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "retrying": self.retrying}


def _email_for(notification: Notification) -> EmailMessage:
    site = settings.SITE_URL.rstrip("/")
    case_link = site + notification_target_url(notification)
    open_link = site + reverse("notifications:open", args=[notification.pk])
    body = "\n\n".join(
        [
            _("Kính gửi %(name)s,")
            % {"name": notification.recipient.get_full_name() or notification.recipient.username},
            notification.body,
            _("Xem hồ sơ: %(link)s") % {"link": case_link},
            _("Đánh dấu đã đọc và mở trong cổng: %(link)s") % {"link": open_link},
            _("Thư này do Cổng theo dõi tiếp xúc, đối thoại gửi tự động; vui lòng không trả lời thư."),
        ]
    )
    return EmailMessage(
        subject=one_line(notification.title, SUBJECT_MAX_LENGTH),
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient.email],
    )


def _petitioner_email_for(mail: OutgoingMail) -> EmailMessage:
    return EmailMessage(
        subject=one_line(mail.subject, SUBJECT_MAX_LENGTH),
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_address],
    )


def _digest_email_for(digest: DigestMail) -> EmailMessage:
    return EmailMessage(
        subject=digest.subject, body=digest.body, from_email=settings.DEFAULT_FROM_EMAIL, to=[digest.recipient.email]
    )


def _send_rows(model, pks, *, related, can_send, build, report: EmailReport, mail) -> None:
    """Mail the rows ``pks`` of ``model`` one row lock at a time; a failure stays on the row and
    is retried by the next sweep until the attempts run out."""
    skip_locked = connection.features.has_select_for_update_skip_locked
    for pk in pks:
        with transaction.atomic():
            row = (
                model.objects.select_for_update(skip_locked=skip_locked, of=("self",))
                .select_related(*related)
                .filter(pk=pk, email_status=EmailStatus.PENDING)
                .first()
            )
            if row is None:  # sent or being sent by another worker
                continue
            row.email_attempts += 1
            if not can_send(row):
                row.email_status = EmailStatus.NONE
                row.save(update_fields=["email_status", "email_attempts"])
                continue
            try:
                mail.send_messages([build(row)])
            except Exception as exc:
                row.email_error = f"{timezone.now():%d/%m/%Y %H:%M} {type(exc).__name__}: {exc}"[:2000]
                if row.email_attempts >= email_max_attempts():
                    row.email_status = EmailStatus.FAILED
                    report.failed += 1
                else:
                    report.retrying += 1
                logger.warning("Mail for %s %s failed (attempt %s): %s", model.__name__, pk, row.email_attempts, exc)
                row.save(update_fields=["email_status", "email_attempts", "email_error"])
                continue
            row.email_status = EmailStatus.SENT
            row.email_sent_at = timezone.now()
            row.save(update_fields=["email_status", "email_attempts", "email_sent_at"])
            report.sent += 1


def notification_emails_send(*, limit: int = 500) -> EmailReport:
    """Mail the pending notifications, the daily digests (``DigestMail``), then the pending mails
    to petitioners (``OutgoingMail``), oldest first, one row lock at a time."""
    report = EmailReport()
    pending = list(
        Notification.objects.filter(email_status=EmailStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    outgoing = list(
        OutgoingMail.objects.filter(email_status=EmailStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    digests = list(
        DigestMail.objects.filter(email_status=EmailStatus.PENDING).order_by("id").values_list("pk", flat=True)[:limit]
    )
    if not pending and not outgoing and not digests:
        return report
    mail = get_connection()
    with translation.override(settings.LANGUAGE_CODE):
        _send_rows(
            Notification,
            pending,
            related=("recipient", "petition", "session"),
            can_send=lambda row: bool(row.recipient.email) and row.recipient.is_active,
            build=_email_for,
            report=report,
            mail=mail,
        )
        _send_rows(
            DigestMail,
            digests,
            related=("recipient",),
            can_send=lambda row: bool(row.recipient.email) and row.recipient.is_active,
            build=_digest_email_for,
            report=report,
            mail=mail,
        )
        _send_rows(
            OutgoingMail,
            outgoing,
            related=(),
            can_send=lambda row: bool(row.to_address),
            build=_petitioner_email_for,
            report=report,
            mail=mail,
        )
    return report
