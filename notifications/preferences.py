"""How each user receives each topic of notification: in the portal only, by e-mail at once, or
in one digest e-mail a day. Every place that records notifications (the deadline engine, the
timeline events) asks here which mail status a new row gets."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from petitions.models import EventKind

from .models import Delivery, EmailStatus, NotificationPreference, ObligationKind, Topic

# Events arrive during the day: a daily digest by default. Reminders and escalations come from
# the 07:00 job, once a day already, and an overdue escalation must not wait another day: at once.
DEFAULT_DELIVERY = {
    Topic.ASSIGNED: Delivery.DIGEST,
    Topic.FORWARDED: Delivery.DIGEST,
    Topic.COMPLEX_NOTICE: Delivery.DIGEST,
    Topic.REPLIED: Delivery.DIGEST,
    Topic.ASSESSED: Delivery.DIGEST,
    Topic.DEADLINE: Delivery.EMAIL,
}

# Who receives each topic, shown on the preferences page.
TOPIC_HELP = {
    Topic.ASSIGNED: _("Cán bộ của đơn vị được giao, khi thông báo kết luận được ban hành."),
    Topic.FORWARDED: _("Cán bộ của cấp có thẩm quyền nhận kiến nghị được chuyển đến."),
    Topic.COMPLEX_NOTICE: _("Cán bộ văn phòng của cơ quan tổ chức hội nghị và MTTQ cùng cấp."),
    Topic.REPLIED: _("Cán bộ văn phòng của cơ quan tổ chức hội nghị và MTTQ cùng cấp, để theo dõi và đánh giá."),
    Topic.ASSESSED: _("Cán bộ của đơn vị đã trả lời; khi không hài lòng, cả người đứng đầu đơn vị."),
    Topic.DEADLINE: _("Nhắc trước hạn và báo quá hạn thông báo kết luận, trả lời kiến nghị."),
}

# The timeline events that are notified, and their topic.
EVENT_TOPICS = {
    EventKind.NOTICE_ISSUED: Topic.ASSIGNED,
    EventKind.FORWARDED: Topic.FORWARDED,
    EventKind.COMPLEX_NOTICE: Topic.COMPLEX_NOTICE,
    EventKind.REPLIED: Topic.REPLIED,
    EventKind.ASSESSED: Topic.ASSESSED,
}


def topic_of(obligation: str, stage: str) -> str | None:
    """The topic of a notification (``None``: not the user's choice, e.g. system alerts)."""
    if obligation == ObligationKind.EVENT:
        return EVENT_TOPICS.get(stage)
    if obligation == ObligationKind.SYSTEM:
        return None
    return Topic.DEADLINE


def deliveries_for(user_ids: Iterable[int], topic: str) -> dict[int, str]:
    """Each user's delivery for ``topic`` (their choice, else the default). One query."""
    ids = set(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, topic=topic).values_list("user_id", "delivery")
    )
    default = DEFAULT_DELIVERY[topic]
    return {user_id: chosen.get(user_id, default) for user_id in ids}


def email_status_for(email: str, delivery: str | None) -> str:
    """The mail status a new notification gets: nothing without an address or for "in the
    portal only", else sent at once or kept for the day's digest."""
    if not email or delivery == Delivery.IN_APP:
        return EmailStatus.NONE
    if delivery == Delivery.DIGEST:
        return EmailStatus.DIGEST
    return EmailStatus.PENDING


def preferences_of(user) -> dict[str, str]:
    """The user's delivery for every topic."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("topic", "delivery"))
    return {topic: chosen.get(topic, DEFAULT_DELIVERY[topic]) for topic in Topic.values}
