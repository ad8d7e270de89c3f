"""The daily digest: one e-mail per user per day gathering the notifications they chose to
receive that way (``notifications.preferences``).

Like the deadline jobs it records before it sends: the day's ``DigestMail`` is created under the
unique key (recipient, day), and the notifications it gathers are tied to it in the same
transaction; the outbox mails it afterwards with the same row locks and retries. A second run the
same day, a second beat or a redelivered task finds the key taken and makes nothing new;
notifications that arrive after the day's digest wait for the next day's.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.dates import vn_date

from .models import DIGEST_MAX_LENGTH, DigestMail, EmailStatus, Notification, ObligationKind, Topic
from .preferences import topic_of

logger = logging.getLogger(__name__)


def _digest_body(user, day: dt.date, rows: list[Notification]) -> str:
    site = settings.SITE_URL.rstrip("/")
    groups: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        groups[topic_of(row.obligation, row.stage) or ObligationKind.SYSTEM].append(row)
    parts = [
        _("Kính gửi %(name)s,") % {"name": user.get_full_name() or user.username},
        _("Các thông báo của anh/chị trên Cổng theo dõi tiếp xúc, đối thoại đến ngày %(day)s:") % {"day": vn_date(day)},
    ]
    for topic in [*Topic.values, ObligationKind.SYSTEM]:
        items = groups.get(topic)
        if not items:
            continue
        label = Topic(topic).label if topic in Topic.values else ObligationKind(topic).label
        lines = [f"{label} ({len(items)}):"]
        for row in items:
            lines.append(f"- {row.title}")
            lines.append(f"  {site}{reverse('notifications:open', args=[row.pk])}")
        parts.append("\n".join(lines))
    parts += [
        _("Đổi cách nhận thông báo: %(link)s") % {"link": site + reverse("notifications:preferences")},
        _("Thư này do Cổng theo dõi tiếp xúc, đối thoại gửi tự động; vui lòng không trả lời thư."),
    ]
    return "\n\n".join(parts)


def digests_prepare(*, today: dt.date | None = None) -> int:
    """Record today's digest for every user with notifications waiting for one; return how many
    digests were made (0 on a second run the same day)."""
    today = today or timezone.localdate()
    waiting = Notification.objects.filter(email_status=EmailStatus.DIGEST, digest__isnull=True)
    user_ids = set(waiting.values_list("recipient_id", flat=True).distinct())
    user_ids -= set(
        DigestMail.objects.filter(day=today, recipient_id__in=user_ids).values_list("recipient_id", flat=True)
    )
    users = get_user_model().objects.in_bulk(user_ids)
    made = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user_id in sorted(user_ids):
            user = users[user_id]
            try:
                with transaction.atomic():
                    digest = DigestMail.objects.create(
                        recipient=user,
                        day=today,
                        subject=_("Tổng hợp thông báo ngày %(day)s") % {"day": vn_date(today)},
                        email_status=(EmailStatus.PENDING if user.email and user.is_active else EmailStatus.NONE),
                    )
                    rows = list(waiting.select_for_update().filter(recipient_id=user_id).order_by("created_at", "id"))
                    if not rows:  # gathered meanwhile: no empty digest
                        transaction.set_rollback(True)
                        continue
                    digest.body = _bounded(_digest_body(user, today, rows))
                    digest.subject = _("Tổng hợp %(count)s thông báo ngày %(day)s") % {
                        "count": len(rows),
                        "day": vn_date(today),
                    }
                    digest.save(update_fields=["body", "subject"])
                    Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
                        digest=digest, email_status=EmailStatus.DIGESTED
                    )
            except IntegrityError:  # made meanwhile by another run: one digest per user and day
                continue
            made += 1
    logger.info("Daily digests for %s: %s", today, made)
    return made


def _bounded(body: str) -> str:
    """The digest's text, cut at a line before ``DIGEST_MAX_LENGTH`` with a pointer to the portal
    (a day of a whole province's notifications must not stop the job)."""
    if len(body) <= DIGEST_MAX_LENGTH:
        return body
    more = "\n\n" + _("… (thư đã quá dài: xem đầy đủ các thông báo trong mục Thông báo trên cổng)")
    return body[: DIGEST_MAX_LENGTH - len(more)].rsplit("\n", 1)[0] + more
