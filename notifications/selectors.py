"""Reads of notifications: a user only ever reaches their own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse

from .models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    """The user's own notifications, newest first. Nobody sees another user's."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count() if user.is_authenticated else 0


def notification_target_url(notification: Notification) -> str:
    """Where "open" leads: the case if its screen exists, else the notification list."""
    if notification.url:
        return notification.url
    obj = notification.petition if notification.petition_id else notification.session
    if obj is not None:
        return obj.get_absolute_url()
    return reverse("notifications:list")
