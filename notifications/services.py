"""Writes on notifications: marking them read, and each user's choice of how to receive them."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Delivery, Notification, NotificationPreference, Topic
from .preferences import preferences_of
from .selectors import notifications_of


def notification_mark_read(*, notification: Notification, user) -> Notification:
    if notification.recipient_id != user.pk:
        raise PermissionError("not the recipient")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_preferences_set(*, user, choices: dict[str, str]) -> int:
    """Record how ``user`` receives each topic (topic → delivery); return how many changed.
    An unknown topic or delivery is refused and nothing is changed."""
    for topic, delivery in choices.items():
        if topic not in Topic.values or delivery not in Delivery.values:
            raise ValidationError(_("Cách nhận thông báo không hợp lệ."))
    current = preferences_of(user)
    changed = 0
    for topic, delivery in choices.items():
        if current[topic] != delivery:
            NotificationPreference.objects.update_or_create(user=user, topic=topic, defaults={"delivery": delivery})
            changed += 1
    return changed
