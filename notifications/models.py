"""Notifications: in-app notices recorded under a unique key before any mail is sent.

``Notification`` was created by the ``petitions`` app and moved here with its table."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from common.models import DOCUMENT_MAX_LENGTH, TIMELINE_MAX_LENGTH, BoundedTextField
from petitions.models import Petition, PetitionEvent
from sessions.models import DialogueSession, SessionEvent


class ObligationKind(models.TextChoices):
    NOTICE = "notice", _("Thông báo kết luận")
    REPLY = "reply", _("Trả lời kiến nghị")
    COMPLEX = "complex", _("Giải quyết vụ việc phức tạp")
    FORWARDED = "forwarded", _("Giải quyết kiến nghị được chuyển đến")
    SUPPLEMENTARY = "supplementary", _("Trả lời bổ sung")
    COORDINATION = "coordination", _("Phối hợp giải quyết")
    ASSESSMENT = "assessment", _("Đánh giá không hài lòng")
    REPORT = "report", _("Gửi báo cáo định kỳ")
    # Not an obligation: a periodic report sent to a recipient unit.
    REPORT_SENT = "report_sent", _("Báo cáo định kỳ gửi đến")
    PLAN = "plan", _("Kế hoạch tiếp xúc, đối thoại hằng năm")
    COMMITMENT = "commitment", _("Thực hiện kết luận, cam kết")
    ITEM_ASSESSMENT = "item_assessment", _("Đánh giá thực hiện kết luận, cam kết")
    # Not an obligation: something happened on a petition (or a session) that someone should know.
    EVENT = "event", _("Sự kiện trên kiến nghị")
    SESSION_EVENT = "session_event", _("Sự kiện của hội nghị")
    # Not about a case either: the portal itself (a periodic job that did not run), for administrators.
    SYSTEM = "system", _("Vận hành hệ thống")
    # Not a deadline either: what a successor received from a unit that ended (reorganisation).
    SUCCESSION = "succession", _("Tiếp nhận từ đơn vị tiền thân")


class EmailStatus(models.TextChoices):
    NONE = "none", _("Không gửi thư")
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    # The recipient chose the daily digest: the notice waits for it, then is part of it.
    DIGEST = "digest", _("Chờ thư tổng hợp hằng ngày")
    DIGESTED = "digested", _("Đã đưa vào thư tổng hợp")


class Topic(models.TextChoices):
    """What a notification is about, as a user chooses how to receive it."""

    ASSIGNED = "assigned", _("Kiến nghị được giao cho đơn vị")
    FORWARDED = "forwarded", _("Kiến nghị được chuyển đến đơn vị")
    COMPLEX_NOTICE = "complex_notice", _("Thông báo vụ việc phức tạp")
    REPLIED = "replied", _("Văn bản trả lời được ghi nhận")
    ASSESSED = "assessed", _("Đánh giá của MTTQ về văn bản trả lời")
    DEADLINE = "deadline", _("Nhắc hạn và báo quá hạn")


class Delivery(models.TextChoices):
    IN_APP = "in_app", _("Chỉ xem trong cổng")
    EMAIL = "email", _("Gửi thư điện tử ngay")
    DIGEST = "digest", _("Thư tổng hợp mỗi ngày một lần")


class Notification(models.Model):
    """An in-app notice to one user, recorded under a unique key (obligation, object, stage,
    recipient) *before* anything is sent: a re-run or a second worker inserts nothing new."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("người nhận")
    )
    obligation = models.CharField(_("nghĩa vụ"), max_length=20, choices=ObligationKind.choices)
    object_id = models.BigIntegerField(_("mã đối tượng"))
    stage = models.CharField(_("mốc"), max_length=30, help_text=_("Ví dụ: remind_3, remind_1, overdue."))
    session = models.ForeignKey(
        DialogueSession, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("hội nghị")
    )
    petition = models.ForeignKey(
        Petition,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("kiến nghị"),
    )
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    body = BoundedTextField(_("nội dung"), max_length=TIMELINE_MAX_LENGTH, blank=True)
    url = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    email_status = models.CharField(
        _("thư điện tử"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi thư"), default=0)
    email_sent_at = models.DateTimeField(_("gửi thư lúc"), null=True, blank=True)
    digest = models.ForeignKey(
        "DigestMail",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("thư tổng hợp"),
    )
    email_error = BoundedTextField(_("lỗi gửi thư"), max_length=2000, blank=True)

    class Meta:
        db_table = "petitions_notification"
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "object_id", "stage", "recipient"], name="unique_notification_key"
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.title


class DispatchedEvent(models.Model):
    """A timeline event already turned into notifications (or found to need none), so the
    dispatcher (``notifications.events``) looks at each event once."""

    event = models.OneToOneField(
        PetitionEvent, on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("sự kiện")
    )
    dispatched_at = models.DateTimeField(_("xử lý lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện đã thông báo")
        verbose_name_plural = _("sự kiện đã thông báo")

    def __str__(self):
        return str(self.event_id)


class OutgoingMail(models.Model):
    """A mail to an address outside the portal's users (a petitioner's optional e-mail), recorded
    under a unique key before it is sent and mailed by the same outbox and retries as the
    notifications (``notifications.outbox``). Kept apart from ``Notification``, whose rows are a
    user's in-app notices (bell, read state) under the key (obligation, object, stage, recipient)."""

    key = models.CharField(_("khóa"), max_length=120, unique=True, help_text=_("Ví dụ: petitioner:published:12."))
    to_address = models.EmailField(_("gửi đến"))
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = BoundedTextField(_("nội dung"), max_length=DOCUMENT_MAX_LENGTH)
    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("kiến nghị")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    email_status = models.CharField(
        _("trạng thái"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    email_sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    email_error = BoundedTextField(_("lỗi gửi thư"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("thư gửi người kiến nghị")
        verbose_name_plural = _("thư gửi người kiến nghị")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject


class NotificationPreference(models.Model):
    """How a user receives the notifications of one topic. A topic without a row uses its
    default (``notifications.preferences.DEFAULT_DELIVERY``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("người dùng"),
    )
    topic = models.CharField(_("loại thông báo"), max_length=20, choices=Topic.choices)
    delivery = models.CharField(_("cách nhận"), max_length=10, choices=Delivery.choices)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="unique_notification_preference")]

    def __str__(self):
        return f"{self.user} – {self.get_topic_display()}: {self.get_delivery_display()}"


# A day's digest holds every notification of the day; a longer one is cut (``notifications.digest``).
DIGEST_MAX_LENGTH = 100_000


class DigestMail(models.Model):
    """The one e-mail of a day that gathers a user's notifications waiting for the digest,
    recorded under the unique key (recipient, day) before it is sent, and mailed by the outbox
    with the same locks and retries as the notifications: a second run, a second beat or a
    redelivered task makes no second digest."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người nhận")
    )
    day = models.DateField(_("ngày"))
    subject = models.CharField(_("tiêu đề"), max_length=300)
    body = BoundedTextField(_("nội dung"), blank=True, max_length=DIGEST_MAX_LENGTH)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True, db_index=True)
    email_status = models.CharField(
        _("trạng thái"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    email_attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    email_sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    email_error = BoundedTextField(_("lỗi gửi thư"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("thư tổng hợp thông báo")
        verbose_name_plural = _("thư tổng hợp thông báo")
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="unique_digest_per_day")]

    def __str__(self):
        return self.subject


class DispatchedSessionEvent(models.Model):
    """A session's timeline event already turned into notifications (or found to need none)."""

    event = models.OneToOneField(
        SessionEvent, on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("sự kiện")
    )
    dispatched_at = models.DateTimeField(_("xử lý lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện hội nghị đã thông báo")
        verbose_name_plural = _("sự kiện hội nghị đã thông báo")

    def __str__(self):
        return str(self.event_id)
