"""Writes on notifications: marking them read."""

from __future__ import annotations

from django.utils import timezone

from .models import Notification
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
