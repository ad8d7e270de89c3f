"""Dialogue sessions, their participants, conclusion notices and the units a session gives work to."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import (
    DOCUMENT_MAX_LENGTH,
    LONG_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TIMELINE_MAX_LENGTH,
    BoundedTextField,
    NoDeleteModel,
    private_upload_to,
)
from common.references import document_reference
from common.text import normalise_search
from regulations.models import Regulation
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
    # The planned dialogue of an annual plan this session held (none: not in a plan, ad hoc).
    planned_item = models.ForeignKey(
        "PlannedDialogue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
        verbose_name=_("thuộc kế hoạch (nội dung dự kiến)"),
    )
    # R2's due date, worked out by petitions.deadlines when the session is recorded.
    notice_due_on = models.DateField(_("hạn gửi thông báo kết luận"), db_index=True)
    # The day R2 was met: the notice's issue date, or the day staff recorded that nothing needed
    # a notice (every petition clarified at the conference; ``no_notice_reason`` says why).
    notice_issued_on = models.DateField(_("ngày ban hành thông báo"), null=True, blank=True, db_index=True)
    # The regulation R2's clock started under (the organising unit's, in force on the day held),
    # kept for good: a later regulation never rewrites it. Empty: the settings applied.
    notice_regulation = models.ForeignKey(
        Regulation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notice_sessions",
        verbose_name=_("quy định áp dụng cho hạn thông báo"),
    )
    no_notice_reason = BoundedTextField(
        _("lý do không phát sinh nội dung phải thông báo"), blank=True, max_length=REASON_MAX_LENGTH
    )
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
            models.Index(fields=["chair", "held_on"], name="session_chair_held_idx"),
        ]
        constraints = [
            # A planned dialogue is held by one session (a withdrawn session frees it).
            models.UniqueConstraint(
                fields=["planned_item"],
                condition=models.Q(planned_item__isnull=False, withdrawn_at__isnull=True),
                name="one_live_session_per_planned_item",
            )
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
    # Why the notice is dated well before the day it was recorded (``NOTICE_BACKDATE_DAYS``).
    backdate_reason = BoundedTextField(_("lý do ghi ngày ban hành lùi"), blank=True, max_length=REASON_MAX_LENGTH)
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
        party = self.issuing_unit.document_format == DocumentFormat.PARTY
        return document_reference(party=party, number=self.number, symbol=self.symbol)


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


# ---------------------------------------------------------------------------------------------
# The annual plan (kế hoạch tiếp xúc, đối thoại) and its planned dialogues
# ---------------------------------------------------------------------------------------------


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


class InvitedGroup(models.TextChoices):
    FRONT = "front", _("Ủy ban MTTQ Việt Nam")
    SOCIO_POLITICAL = "socio_political", _("Các tổ chức chính trị - xã hội")
    PEOPLE = "people", _("Nhân dân trên địa bàn")
    BUSINESSES = "businesses", _("Doanh nghiệp, nhà đầu tư")
    MEMBERS = "members", _("Đoàn viên, hội viên")
    OFFICIALS = "officials", _("Cán bộ, công chức, chiến sĩ")
    OTHER = "other", _("Thành phần khác")


class DialoguePlan(NoDeleteModel):
    """A unit's annual plan of dialogues (R1: "định kỳ hàng năm ... xây dựng kế hoạch, dự kiến
    nội dung"), drafted then issued as a document (number, date, signed scan)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dialogue_plans", verbose_name=_("đơn vị"))
    year = models.PositiveSmallIntegerField(_("năm"))
    status = models.CharField(_("tình trạng"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    # Worked out when the plan is started (``regulations.years.plan_due_date``).
    due_on = models.DateField(_("hạn ban hành kế hoạch"))
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True, help_text=_("Ví dụ: 15-KH/TU."))
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, db_index=True)
    summary = BoundedTextField(_("mục đích, yêu cầu"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    signed_file = models.FileField(_("bản ký / bản chụp"), upload_to=private_upload_to, blank=True)
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
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử kế hoạch"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("kế hoạch tiếp xúc, đối thoại")
        verbose_name_plural = _("kế hoạch tiếp xúc, đối thoại")
        ordering = ["-year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unique_plan_per_unit_year")]
        indexes = [models.Index(fields=["year", "unit", "issued_on"], name="plan_year_unit_idx")]

    def __str__(self):
        return _("Kế hoạch năm %(year)s – %(unit)s") % {"year": self.year, "unit": self.unit}

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.pk])

    @property
    def is_issued(self) -> bool:
        return self.status == PlanStatus.ISSUED


QUARTER_LABELS = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PlannedDialogue(NoDeleteModel):
    """A dialogue of the plan: the expected content, the month or quarter, the head who will
    chair it and the groups invited. Held when a session is recorded against it; missed when
    its time has passed without one (derived, never stored: ``sessions.selectors``)."""

    plan = models.ForeignKey(DialoguePlan, on_delete=models.PROTECT, related_name="items", verbose_name=_("kế hoạch"))
    topic = models.CharField(_("nội dung, chủ đề dự kiến"), max_length=500)
    expected_month = models.PositiveSmallIntegerField(_("tháng dự kiến"), null=True, blank=True)
    expected_quarter = models.PositiveSmallIntegerField(_("quý dự kiến"), null=True, blank=True)
    # The last day of that month or quarter (within the plan's year): after it, not held = missed.
    expected_by = models.DateField(_("thời hạn dự kiến"), db_index=True)
    chair = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="planned_dialogues", verbose_name=_("người đứng đầu chủ trì")
    )
    invited = models.JSONField(_("thành phần mời"), default=list, blank=True)
    invited_note = models.CharField(_("ghi rõ thành phần, địa bàn"), max_length=255, blank=True)
    withdrawn_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    withdrawal_reason = BoundedTextField(_("lý do hủy"), blank=True, max_length=REASON_MAX_LENGTH)
    # Moved here from the plan of a unit that ended (reorganisation, ``sessions_succeed``): that
    # unit and the day the successor took over. Empty for an item planned by the plan's own unit.
    moved_from = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chuyển từ kế hoạch của"),
    )
    moved_on = models.DateField(_("chuyển từ ngày"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người tạo"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử nội dung kế hoạch"))

    class Meta:
        verbose_name = _("cuộc đối thoại dự kiến")
        verbose_name_plural = _("cuộc đối thoại dự kiến")
        ordering = ["expected_by", "id"]

    def __str__(self):
        return f"{self.topic} ({self.expected_label})"

    @property
    def expected_label(self) -> str:
        if self.expected_month:
            return _("Tháng %(month)s/%(year)s") % {"month": self.expected_month, "year": self.expected_by.year}
        return _("Quý %(quarter)s/%(year)s") % {
            "quarter": QUARTER_LABELS.get(self.expected_quarter, self.expected_quarter),
            "year": self.expected_by.year,
        }

    @property
    def invited_labels(self) -> list[str]:
        labels = dict(InvitedGroup.choices)
        return [str(labels[code]) for code in self.invited if code in labels]


# ---------------------------------------------------------------------------------------------
# The chair's conclusions and commitments
# ---------------------------------------------------------------------------------------------


class ItemKind(models.TextChoices):
    CONCLUSION = "conclusion", _("Kết luận")
    COMMITMENT = "commitment", _("Cam kết")


class ItemAssessmentResult(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class ConclusionItem(NoDeleteModel):
    """One conclusion (kết luận) or commitment (cam kết) of the chair: what, which unit is
    responsible, by when (where given). Tracked to done with evidence and supervised by the
    Front; a commitment's target is chased like every other obligation."""

    session = models.ForeignKey(
        DialogueSession, on_delete=models.PROTECT, related_name="conclusion_items", verbose_name=_("hội nghị")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=ItemKind.choices, default=ItemKind.COMMITMENT)
    text = BoundedTextField(_("nội dung"), max_length=LONG_TEXT_MAX_LENGTH)
    responsible_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="conclusion_items", verbose_name=_("đơn vị thực hiện")
    )
    target_on = models.DateField(_("thời hạn hoàn thành"), null=True, blank=True, db_index=True)
    done_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True, db_index=True)
    done_note = BoundedTextField(_("kết quả thực hiện"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    evidence = models.FileField(_("văn bản chứng minh"), upload_to=private_upload_to, blank=True)
    evidence_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi hoàn thành"),
    )
    # The latest Front assessment, kept here so the dashboards count it without a join.
    assessment = models.CharField(_("đánh giá của MTTQ"), max_length=20, blank=True, db_index=True)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    withdrawal_reason = BoundedTextField(_("lý do thu hồi"), blank=True, max_length=REASON_MAX_LENGTH)
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

    history = HistoricalRecords(verbose_name=_("lịch sử kết luận, cam kết"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("kết luận, cam kết của người chủ trì")
        verbose_name_plural = _("kết luận, cam kết của người chủ trì")
        ordering = ["session_id", "id"]
        indexes = [models.Index(fields=["responsible_unit", "target_on"], name="item_unit_target_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return reverse("commitments:detail", args=[self.pk])


class ConclusionItemAssessment(NoDeleteModel):
    """A Front monitor's assessment of how a conclusion or commitment was carried out."""

    item = models.ForeignKey(
        ConclusionItem, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("kết luận, cam kết")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đánh giá")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ chức giám sát")
    )
    result = models.CharField(_("kết quả"), max_length=20, choices=ItemAssessmentResult.choices)
    reason = BoundedTextField(_("lý do"), blank=True, max_length=REASON_MAX_LENGTH)
    assessed_on = models.DateField(_("ngày đánh giá"))
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("đánh giá thực hiện kết luận, cam kết")
        verbose_name_plural = _("đánh giá thực hiện kết luận, cam kết")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_result_display()} – {self.item}"


class SessionEventKind(models.TextChoices):
    NOTICE_ISSUED = "notice_issued", _("Ban hành thông báo kết luận")
    NO_NOTICE = "no_notice", _("Không phát sinh nội dung phải thông báo")
    DUE_RECOMPUTED = "due_recomputed", _("Hạn thay đổi do điều chỉnh lịch nghỉ")
    SUCCEEDED = "succeeded", _("Chuyển giao cho đơn vị kế thừa")


class SessionEvent(models.Model):
    """Append-only timeline of a session (what happened to its own obligation, the notice):
    who, when, what. Never updated, never deleted."""

    session = models.ForeignKey(
        DialogueSession, on_delete=models.PROTECT, related_name="events", verbose_name=_("hội nghị")
    )
    kind = models.CharField(_("sự kiện"), max_length=30, choices=SessionEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    message = BoundedTextField(_("nội dung"), blank=True, max_length=TIMELINE_MAX_LENGTH)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện của hội nghị")
        verbose_name_plural = _("dòng thời gian hội nghị")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise models.ProtectedError(_("Dòng thời gian chỉ được ghi thêm, không được sửa."), {self})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Dòng thời gian chỉ được ghi thêm, không được xóa."), {self})
