"""Dialogue sessions, their participants, conclusion notices and the units a session gives work to."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import (
    DOCUMENT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    BoundedTextField,
    NoDeleteModel,
    private_upload_to,
)
from common.text import normalise_search
from units.models import DocumentFormat, Leader, Unit


class SessionKind(models.TextChoices):
    PERIODIC = "periodic", _("Định kỳ")
    AD_HOC = "ad_hoc", _("Đột xuất")


class DialogueSession(NoDeleteModel):
    """A dialogue conference (hội nghị tiếp xúc, đối thoại trực tiếp)."""

    organising_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("cơ quan tổ chức")
    )
    kind = models.CharField(_("hình thức"), max_length=20, choices=SessionKind.choices, default=SessionKind.PERIODIC)
    held_on = models.DateField(_("ngày tổ chức"), db_index=True)
    chair = models.ForeignKey(
        Leader,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_sessions",
        verbose_name=_("chủ trì"),
    )
    chair_name = models.CharField(_("họ tên người chủ trì"), max_length=200, blank=True)
    place = models.CharField(_("địa điểm"), max_length=255)
    topic = models.CharField(_("chủ đề"), max_length=500)
    minutes = models.FileField(_("biên bản"), upload_to=private_upload_to, blank=True)
    minutes_name = models.CharField(_("tên tệp biên bản"), max_length=255, blank=True)
    # R2's due date, worked out by petitions.deadlines when the session is recorded.
    notice_due_on = models.DateField(_("hạn gửi thông báo kết luận"), db_index=True)
    notice_issued_on = models.DateField(_("ngày ban hành thông báo"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    withdrawal_reason = BoundedTextField(_("lý do thu hồi"), max_length=REASON_MAX_LENGTH, blank=True)
    # Lowercase ASCII of topic, place, chair and unit, so a search ignores Vietnamese diacritics.
    search_text = models.CharField(
        _("nội dung tìm kiếm"), max_length=1000, blank=True, default="", editable=False, db_index=True
    )

    history = HistoricalRecords(verbose_name=_("lịch sử hội nghị"), excluded_fields=["search_text", "updated_at"])

    class Meta:
        verbose_name = _("hội nghị đối thoại")
        verbose_name_plural = _("hội nghị đối thoại")
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["organising_unit", "held_on"], name="session_unit_held_idx"),
            # Covers "sessions held in a period" for the dashboards' join (index-only scan):
            # the petitions of a subtree are checked against the period's sessions nationwide.
            models.Index(fields=["held_on", "organising_unit", "withdrawn_at", "id"], name="session_held_cover_idx"),
        ]

    def __str__(self):
        return f"{self.topic} ({self.held_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("sessions:detail", args=[self.pk])

    def build_search_text(self) -> str:
        unit = self.organising_unit.name if self.organising_unit_id else ""
        return normalise_search(self.topic, self.place, self.chair_name, unit)[:1000]

    @property
    def chair_display(self) -> str:
        return str(self.chair) if self.chair_id else self.chair_name


class SessionDateChange(NoDeleteModel):
    """A change of a session's day after the day had come, i.e. after the conclusion notice's
    clock had started (R2). Kept for ever with its reason, shown on the session page. When the
    notice was already overdue, the due date of the first clock is kept (``notice_due_on`` is
    not moved later), so the dashboards keep the lateness an edit would otherwise erase."""

    session = models.ForeignKey(
        DialogueSession, on_delete=models.PROTECT, related_name="date_changes", verbose_name=_("hội nghị")
    )
    old_held_on = models.DateField(_("ngày tổ chức cũ"))
    new_held_on = models.DateField(_("ngày tổ chức mới"))
    old_notice_due_on = models.DateField(_("hạn thông báo kết luận trước khi đổi"))
    new_notice_due_on = models.DateField(_("hạn thông báo kết luận sau khi đổi"))
    notice_due_kept = models.BooleanField(
        _("giữ hạn cũ"), default=False, help_text=_("Thông báo kết luận đã quá hạn khi đổi ngày: hạn cũ được giữ.")
    )
    reason = BoundedTextField(_("lý do đổi ngày"), max_length=REASON_MAX_LENGTH)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người đổi"),
    )
    changed_at = models.DateTimeField(_("đổi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần đổi ngày tổ chức")
        verbose_name_plural = _("các lần đổi ngày tổ chức")
        ordering = ["changed_at", "id"]

    def __str__(self):
        return f"{self.old_held_on:%d/%m/%Y} → {self.new_held_on:%d/%m/%Y}"


class ParticipantRole(models.TextChoices):
    CHAIR = "chair", _("Chủ trì")
    LEADER = "leader", _("Lãnh đạo dự")
    FRONT = "front", _("MTTQ, tổ chức CT-XH")
    CITIZEN = "citizen", _("Nhân dân")
    AGENCY = "agency", _("Cơ quan chuyên môn")
    OTHER = "other", _("Khác")


class SessionParticipant(NoDeleteModel):
    session = models.ForeignKey(
        DialogueSession, on_delete=models.PROTECT, related_name="participants", verbose_name=_("hội nghị")
    )
    name = models.CharField(_("họ tên hoặc tên tổ chức"), max_length=255)
    organisation = models.CharField(_("cơ quan, đơn vị"), max_length=255, blank=True)
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    role = models.CharField(
        _("thành phần"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.OTHER
    )
    headcount = models.PositiveIntegerField(_("số người"), default=1)

    class Meta:
        verbose_name = _("thành phần tham dự")
        verbose_name_plural = _("thành phần tham dự")
        ordering = ["id"]

    def __str__(self):
        return self.name


class ConclusionNotice(NoDeleteModel):
    """The notice of the chair's conclusions (thông báo ý kiến kết luận), R2."""

    session = models.OneToOneField(
        DialogueSession, on_delete=models.PROTECT, related_name="notice", verbose_name=_("hội nghị")
    )
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_notices", verbose_name=_("cơ quan ban hành")
    )
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=50, help_text=_("Ví dụ: TB/TU hoặc TB-UBND."))
    numbering_period = models.CharField(
        _("kỳ đánh số"), max_length=20, help_text=_("Nhiệm kỳ cấp ủy (văn bản Đảng) hoặc năm (văn bản hành chính).")
    )
    issued_on = models.DateField(_("ngày ban hành"), db_index=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    body = BoundedTextField(_("nội dung kết luận"), max_length=DOCUMENT_MAX_LENGTH, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signed_file = models.FileField(_("bản ký số / bản chụp"), upload_to=private_upload_to, blank=True)
    signed_file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử thông báo kết luận"))

    class Meta:
        verbose_name = _("thông báo kết luận")
        verbose_name_plural = _("thông báo kết luận")
        constraints = [
            models.UniqueConstraint(
                fields=["issuing_unit", "symbol", "numbering_period", "number"],
                name="unique_notice_number_per_period",
            )
        ]

    def __str__(self):
        return self.reference

    @property
    def reference(self) -> str:
        """ "Số 12-TB/TU" for Party documents, "Số: 12/TB-UBND" for State documents."""
        if self.issuing_unit.document_format == DocumentFormat.PARTY:
            return _("Số %(number)s-%(symbol)s") % {"number": self.number, "symbol": self.symbol}
        return _("Số: %(number)s/%(symbol)s") % {"number": self.number, "symbol": self.symbol}


class NoticeRecipient(models.Model):
    notice = models.ForeignKey(
        ConclusionNotice, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("thông báo")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi nhận"))
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("nơi nhận thông báo")
        verbose_name_plural = _("nơi nhận thông báo")
        constraints = [models.UniqueConstraint(fields=["notice", "unit"], name="unique_notice_recipient")]

    def __str__(self):
        return str(self.unit)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Dữ liệu không được xóa cứng; hãy dùng chức năng thu hồi."), {self})


class SessionUnit(models.Model):
    """A unit the session gave work to: responsible for, coordinating on or forwarded one of its
    petitions, or responsible for one of its commitments. The agency officers of these units
    see the session. Derived from those records and kept in step by the services that assign
    work (``sessions.services.session_units_sync``), so it may be rewritten."""

    session = models.ForeignKey(
        DialogueSession, on_delete=models.CASCADE, related_name="work_units", verbose_name=_("hội nghị")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))

    class Meta:
        verbose_name = _("đơn vị có nhiệm vụ từ hội nghị")
        verbose_name_plural = _("đơn vị có nhiệm vụ từ hội nghị")
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="unique_session_unit")]
        indexes = [models.Index(fields=["unit", "session"], name="session_unit_unit_idx")]

    def __str__(self):
        return f"{self.session_id} → {self.unit_id}"
