"""Petitions and everything that answers them, and their timeline."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import (
    LONG_TEXT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    TIMELINE_MAX_LENGTH,
    BoundedTextField,
    NoDeleteModel,
    private_upload_to,
)
from regulations.models import (  # noqa: F401 - the clock's calendar, importable here too
    CalendarDay,
    CalendarDayKind,
    Regulation,
)
from sessions.models import DialogueSession
from units.models import Leader, Unit

from .codes import LENGTH as RECEIPT_CODE_LENGTH
from .codes import new_receipt_code
from .search import petition_search_text, petitioner_search_text, replies_follow, reply_search_text


class Field(models.Model):
    """Field or category of a petition (đất đai, môi trường, ...). Data, not an enum."""

    name = models.CharField(_("lĩnh vực"), max_length=200, unique=True)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self):
        return self.name


class PetitionerKind(models.TextChoices):
    PERSON = "person", _("Cá nhân")
    COLLECTIVE = "collective", _("Tập thể")


class PetitionStatus(models.TextChoices):
    RECORDED = "recorded", _("Đã ghi nhận")
    CLARIFIED = "clarified", _("Đã làm rõ tại hội nghị")
    ASSIGNED = "assigned", _("Đã giao giải quyết")
    REPLIED = "replied", _("Đã trả lời bằng văn bản")
    FORWARDED = "forwarded", _("Đã chuyển cấp có thẩm quyền")
    COMPLEX = "complex", _("Đã thông báo vụ việc phức tạp")
    REOPENED = "reopened", _("Mở lại: MTTQ không hài lòng")
    SUPPLEMENTARY = "supplementary", _("Chờ trả lời bổ sung")
    CLOSED = "closed", _("Đã kết thúc")
    WITHDRAWN = "withdrawn", _("Đã thu hồi")


class ClockStart(models.TextChoices):
    """What R3's clock of a petition started from (``settings.REPLY_CLOCK_START``)."""

    ISSUE = "issue", _("ngày ban hành thông báo")
    RECEIPT = "receipt", _("ngày đơn vị nhận thông báo")


class Petition(NoDeleteModel):
    """A petition (kiến nghị) raised at a dialogue session.

    The legal dates are stored as plain ``DateField``s so that the deadline states can be
    derived and filtered in the database (see ``petitions.selectors``):
    ``reply_due_on`` (R3) is set when the conclusion notice assigns the petition, counted from
    ``reply_starts_on`` (the notice's issue date, or its receipt: ``reply_start_basis``);
    ``responded_on`` is the first act that meets R3–R5 (reply, forwarding or complex-case notice);
    ``complex_target_on`` / ``final_replied_on`` track the agency's own target after an R5 notice;
    ``forward_due_on`` is the competent unit's target after the latest forwarding (R4);
    ``supplementary_due_on`` / ``supplementary_replied_on`` the latest supplementary reply asked
    for after the Front judged a reply unsatisfactory.

    ``assigned_unit`` is the unit the notice gave the petition to (R3 is its obligation);
    ``responsible_unit`` is the unit that must answer now (the lead, chủ trì): the assigned unit,
    or the competent unit after a forwarding. Coordinating units (phối hợp) are ``coordinations``.
    """

    session = models.ForeignKey(
        DialogueSession, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("hội nghị")
    )
    petitioner_kind = models.CharField(
        _("người nêu kiến nghị là"), max_length=20, choices=PetitionerKind.choices, default=PetitionerKind.PERSON
    )
    petitioner_name = models.CharField(_("họ tên / tên tập thể"), max_length=255)
    petitioner_address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    petitioner_phone = models.CharField(_("điện thoại"), max_length=50, blank=True)
    petitioner_email = models.EmailField(
        _("thư điện tử"),
        blank=True,
        help_text=_("Không bắt buộc: người kiến nghị nhận thư khi kết quả được công khai hoặc kiến nghị được chuyển."),
    )
    # Shown to the petitioner on the receipt; the public lookup finds the petition by it.
    receipt_code = models.CharField(
        _("mã tra cứu"), max_length=RECEIPT_CODE_LENGTH, unique=True, default=new_receipt_code, editable=False
    )
    # Name and contact shown only to the organising unit's staff and administrators
    # (``petitions.selectors.may_see_petitioner``).
    identity_protected = models.BooleanField(
        _("bảo vệ danh tính người kiến nghị"),
        default=False,
        help_text=_("Ví dụ: kiến nghị về sai phạm, biểu hiện suy thoái của cán bộ."),
    )
    content = BoundedTextField(_("nội dung kiến nghị"), max_length=LONG_TEXT_MAX_LENGTH)
    field = models.ForeignKey(
        Field, null=True, blank=True, on_delete=models.PROTECT, related_name="petitions", verbose_name=_("lĩnh vực")
    )
    clarified_at_conference = models.BooleanField(_("đã làm rõ tại hội nghị"), default=False)
    conference_answer = BoundedTextField(
        _("nội dung đã trả lời tại hội nghị"), max_length=LONG_TEXT_MAX_LENGTH, blank=True
    )
    assigned_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_petitions",
        verbose_name=_("đơn vị chịu trách nhiệm"),
    )
    responsible_unit = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_petitions",
        verbose_name=_("đơn vị chủ trì giải quyết hiện tại"),
    )
    # Coordinating units chosen before the notice; the notice makes them ``Coordination`` rows.
    coordinating_draft = models.JSONField(_("đơn vị phối hợp (dự kiến)"), default=list, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=PetitionStatus.choices, default=PetitionStatus.RECORDED, db_index=True
    )
    assigned_on = models.DateField(_("ngày giao (ngày thông báo)"), null=True, blank=True)
    reply_starts_on = models.DateField(_("ngày bắt đầu tính hạn trả lời"), null=True, blank=True)
    reply_start_basis = models.CharField(
        _("tính hạn trả lời từ"), max_length=10, choices=ClockStart.choices, blank=True
    )
    reply_due_on = models.DateField(_("hạn trả lời"), null=True, blank=True, db_index=True)
    # The regulation R3's clock started under (the responsible unit's, in force on the notice's
    # day), kept for good. Empty: the settings applied.
    reply_regulation = models.ForeignKey(
        Regulation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reply_petitions",
        verbose_name=_("quy định áp dụng cho hạn trả lời"),
    )
    responded_on = models.DateField(
        _("ngày xử lý (trả lời / chuyển / thông báo)"), null=True, blank=True, db_index=True
    )
    complex_target_on = models.DateField(_("hạn giải quyết vụ việc phức tạp"), null=True, blank=True, db_index=True)
    final_replied_on = models.DateField(_("ngày trả lời cuối cùng"), null=True, blank=True)
    forward_due_on = models.DateField(_("hạn giải quyết của cấp được chuyển đến"), null=True, blank=True, db_index=True)
    supplementary_due_on = models.DateField(_("hạn trả lời bổ sung"), null=True, blank=True, db_index=True)
    supplementary_replied_on = models.DateField(_("ngày trả lời bổ sung"), null=True, blank=True)
    reopened_on = models.DateField(_("ngày mở lại (MTTQ không hài lòng)"), null=True, blank=True, db_index=True)
    reopen_count = models.PositiveSmallIntegerField(_("số lần mở lại"), default=0)
    closed_on = models.DateField(_("ngày kết thúc"), null=True, blank=True)
    # Empty when the Front's satisfaction closed it; the staff's stated reason otherwise.
    close_reason = BoundedTextField(_("lý do kết thúc"), blank=True, max_length=REASON_MAX_LENGTH)
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
    withdrawal_reason = BoundedTextField(_("lý do thu hồi"), max_length=REASON_MAX_LENGTH, blank=True)
    # The latest Front assessment of the reply, kept here so dashboards count it without a join.
    assessment = models.CharField(_("đánh giá của MTTQ"), max_length=20, blank=True, db_index=True)
    # Lowercase ASCII of the searched fields, so a search ignores Vietnamese diacritics
    # (``petitions.search``). On PostgreSQL each has a pg_trgm GIN index, created by migration
    # 0008 outside the model state (SQLite has no such index).
    # The content (at most LONG_TEXT_MAX_LENGTH) with the field's and the unit's names, normalised.
    search_text = BoundedTextField(
        _("nội dung tìm kiếm"), blank=True, default="", editable=False, max_length=LONG_TEXT_MAX_LENGTH + 1_000
    )
    petitioner_search = models.CharField(
        _("tên người kiến nghị (tìm kiếm)"), max_length=255, blank=True, default="", editable=False
    )

    history = HistoricalRecords(
        verbose_name=_("lịch sử kiến nghị"), excluded_fields=["updated_at", "search_text", "petitioner_search"]
    )

    class Meta:
        verbose_name = _("kiến nghị")
        verbose_name_plural = _("kiến nghị")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["assigned_unit", "reply_due_on"], name="petition_unit_due_idx"),
            models.Index(fields=["status", "reply_due_on"], name="petition_status_due_idx"),
            models.Index(fields=["responsible_unit", "status"], name="petition_responsible_idx"),
            # The reply clocks still running, by due day: "overdue" in an area is a small bitmap
            # (33,000 of 1,000,000 petitions) instead of two national ones ANDed (~45 ms, issue 16).
            models.Index(
                fields=["reply_due_on"],
                condition=models.Q(responded_on__isnull=True),
                name="petition_open_reply_due_idx",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.content[:60]}"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        searched = update_fields is None or bool(SEARCHED_FIELDS & set(update_fields))
        adding = self._state.adding
        if searched:
            self.refresh_search_columns()
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *SEARCH_COLUMNS}
        super().save(*args, **kwargs)
        if searched and not adding:
            # The replies carry copies of the searched text and the units (``WrittenReply``).
            replies_follow(WrittenReply, [self.pk])

    def get_absolute_url(self):
        return reverse("petitions:detail", args=[self.pk])

    def refresh_search_columns(self) -> None:
        """Set both search columns from the searched fields (``petitions.search``)."""
        self.search_text = petition_search_text(
            self.content,
            self.field.name if self.field_id else "",
            self.responsible_unit.name
            if self.responsible_unit_id
            else (self.assigned_unit.name if self.assigned_unit_id else ""),
        )[: LONG_TEXT_MAX_LENGTH + 1_000]
        self.petitioner_search = petitioner_search_text("" if self.identity_protected else self.petitioner_name)


# The fields the search columns are built from, and the columns (``Petition.save``).
SEARCHED_FIELDS = frozenset(
    {
        "content",
        "field",
        "field_id",
        "assigned_unit",
        "assigned_unit_id",
        "responsible_unit",
        "responsible_unit_id",
        "petitioner_name",
        "identity_protected",
    }
)
SEARCH_COLUMNS = ("search_text", "petitioner_search")


class ReplyKind(models.TextChoices):
    REPLY = "reply", _("Trả lời")
    SUPPLEMENTARY = "supplementary", _("Trả lời bổ sung")


# The copies a reply keeps from its petition (``WrittenReply``; not in its history).
REPLY_COPIED_FIELDS = ["search_text", "petition_session", "petition_assigned_unit", "petition_responsible_unit"]
REPLY_SEARCH_MAX_LENGTH = LONG_TEXT_MAX_LENGTH * 2 + 1_500


class WrittenReply(NoDeleteModel):
    """A written reply (trả lời bằng văn bản) to the petitioner, R3; or a supplementary reply
    asked for after the Front judged the previous one unsatisfactory."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="replies", verbose_name=_("kiến nghị")
    )
    kind = models.CharField(_("loại"), max_length=20, choices=ReplyKind.choices, default=ReplyKind.REPLY)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị trả lời"))
    replied_on = models.DateField(_("ngày trả lời"))
    number = models.CharField(_("số, ký hiệu văn bản"), max_length=100)
    summary = BoundedTextField(_("tóm tắt nội dung trả lời"), max_length=LONG_TEXT_MAX_LENGTH)
    letter = models.FileField(_("văn bản trả lời"), upload_to=private_upload_to, blank=True)
    letter_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)
    # Copies from the replied petition, so that the Front's list of replies filters on the reply's
    # own row, by index (``petitions.search``, issue 16): the searched text (the reply's number
    # and summary with the petition's search columns, normalised) and the three units that put
    # the petition in an area (``petitions.selectors.replies_of_area_q``). ``save`` sets them;
    # ``Petition.save`` and the bulk paths keep them in step (``petitions.search.replies_follow``).
    search_text = BoundedTextField(
        _("nội dung tìm kiếm"), blank=True, default="", editable=False, max_length=REPLY_SEARCH_MAX_LENGTH
    )
    petition_session = models.ForeignKey(
        DialogueSession, null=True, editable=False, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("hội nghị của kiến nghị"),
    )  # fmt: skip
    petition_assigned_unit = models.ForeignKey(
        Unit, null=True, editable=False, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("đơn vị được giao kiến nghị"),
    )  # fmt: skip
    petition_responsible_unit = models.ForeignKey(
        Unit, null=True, editable=False, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("đơn vị chịu trách nhiệm kiến nghị"),
    )  # fmt: skip

    history = HistoricalRecords(verbose_name=_("lịch sử văn bản trả lời"), excluded_fields=REPLY_COPIED_FIELDS)

    class Meta:
        verbose_name = _("văn bản trả lời")
        verbose_name_plural = _("văn bản trả lời")
        ordering = ["replied_on", "id"]
        indexes = [
            # The Front's list of replies, newest first: a page walks this index (issue 16).
            models.Index(fields=["-replied_on", "-id"], name="reply_replied_on_id_idx"),
        ]

    def __str__(self):
        return f"{self.number} ({self.replied_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        self.copy_petition()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *REPLY_COPIED_FIELDS}
        super().save(*args, **kwargs)

    def copy_petition(self) -> None:
        """Set the copies from the petition."""
        petition = self.petition
        self.search_text = reply_search_text(
            self.number, self.summary, petition.search_text, petition.petitioner_search
        )
        self.petition_session_id = petition.session_id
        self.petition_assigned_unit_id = petition.assigned_unit_id
        self.petition_responsible_unit_id = petition.responsible_unit_id


class Forwarding(NoDeleteModel):
    """A matter outside the unit's competence, proposed to the competent level (R4). The
    competent unit becomes responsible, with its own target (``due_on``), met by its first
    answer (reply, complex-case notice or a further forwarding: ``answered_on``). The petitioner
    is told in writing where the matter went (``petitioner_told_on``)."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="forwardings", verbose_name=_("kiến nghị")
    )
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị chuyển"))
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("cấp có thẩm quyền"))
    forwarded_on = models.DateField(_("ngày chuyển"))
    reason = BoundedTextField(_("lý do"), max_length=REASON_MAX_LENGTH)
    due_on = models.DateField(_("hạn giải quyết của cấp được chuyển đến"), null=True, blank=True, db_index=True)
    # The regulation the competent unit's clock started under (kept for good; empty: the settings).
    regulation = models.ForeignKey(
        Regulation, null=True, blank=True, on_delete=models.PROTECT, related_name="forwardings",
        verbose_name=_("quy định áp dụng"),
    )  # fmt: skip
    answered_on = models.DateField(_("ngày cấp được chuyển đến xử lý"), null=True, blank=True)
    letter = models.FileField(_("văn bản chuyển"), upload_to=private_upload_to, blank=True)
    letter_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    petitioner_told_on = models.DateField(_("ngày thông báo cho người kiến nghị"), null=True, blank=True)
    petitioner_letter_number = models.CharField(_("số văn bản thông báo người kiến nghị"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử chuyển cấp có thẩm quyền"))

    class Meta:
        verbose_name = _("chuyển cấp có thẩm quyền")
        verbose_name_plural = _("chuyển cấp có thẩm quyền")
        ordering = ["forwarded_on", "id"]

    def __str__(self):
        return f"→ {self.to_unit} ({self.forwarded_on:%d/%m/%Y})"


class ComplexCaseNotice(NoDeleteModel):
    """A written notice that a complex matter needs more time (R5), with the agency's own target."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="complex_notices", verbose_name=_("kiến nghị")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị thông báo"))
    notified_on = models.DateField(_("ngày thông báo"))
    new_target_on = models.DateField(_("thời hạn giải quyết mới"))
    reason = BoundedTextField(_("lý do cần thêm thời gian"), max_length=REASON_MAX_LENGTH)
    # Why the target is already past or further than ``COMPLEX_TARGET_MAX_DAYS`` away.
    target_reason = BoundedTextField(_("lý do của thời hạn"), max_length=REASON_MAX_LENGTH, blank=True)
    letter = models.FileField(_("văn bản thông báo"), upload_to=private_upload_to, blank=True)
    letter_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử thông báo vụ việc phức tạp"))

    class Meta:
        verbose_name = _("thông báo vụ việc phức tạp")
        verbose_name_plural = _("thông báo vụ việc phức tạp")
        ordering = ["notified_on", "id"]

    def __str__(self):
        return f"{self.notified_on:%d/%m/%Y} → {self.new_target_on:%d/%m/%Y}"


class SupervisionNote(NoDeleteModel):
    """A Front monitor's supervision note on a petition."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="supervision_notes", verbose_name=_("kiến nghị")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ghi")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ chức giám sát")
    )
    text = BoundedTextField(_("nội dung giám sát"), max_length=LONG_TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ghi chú giám sát")
        verbose_name_plural = _("ghi chú giám sát")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:60]


class EventKind(models.TextChoices):
    RECORDED = "recorded", _("Ghi nhận kiến nghị")
    UPDATED = "updated", _("Cập nhật kiến nghị")
    CLARIFIED = "clarified", _("Làm rõ tại hội nghị")
    ASSIGNED = "assigned", _("Giao đơn vị giải quyết")
    NOTICE_ISSUED = "notice_issued", _("Ban hành thông báo kết luận")
    REPLIED = "replied", _("Trả lời bằng văn bản")
    FORWARDED = "forwarded", _("Chuyển cấp có thẩm quyền")
    COMPLEX_NOTICE = "complex_notice", _("Thông báo vụ việc phức tạp")
    SUPERVISION_NOTE = "supervision_note", _("Ghi chú giám sát")
    ASSESSED = "assessed", _("Đánh giá văn bản trả lời")
    REMINDED = "reminded", _("Nhắc hạn")
    ESCALATED = "escalated", _("Báo cáo quá hạn")
    WITHDRAWN = "withdrawn", _("Thu hồi")
    CLOSED = "closed", _("Kết thúc")
    PROTECTED = "protected", _("Bảo vệ danh tính người kiến nghị")
    UNPROTECTED = "unprotected", _("Bỏ bảo vệ danh tính người kiến nghị")
    PUBLISHED = "published", _("Công khai kết quả")
    UNPUBLISHED = "unpublished", _("Thôi công khai kết quả")
    DIRECTED = "directed", _("Ý kiến chỉ đạo của người đứng đầu")
    REOPENED = "reopened", _("Mở lại do MTTQ không hài lòng")
    SUPPLEMENTARY_REQUESTED = "supplementary_requested", _("Yêu cầu trả lời bổ sung")
    SUPPLEMENTARY_REPLIED = "supplementary_replied", _("Trả lời bổ sung")
    PETITIONER_TOLD = "petitioner_told", _("Thông báo cho người kiến nghị về việc chuyển")
    CONTRIBUTED = "contributed", _("Ý kiến của đơn vị phối hợp")
    DUE_RECOMPUTED = "due_recomputed", _("Hạn thay đổi do điều chỉnh lịch nghỉ")
    CLOCK_RESTARTED = "clock_restarted", _("Tính hạn từ ngày nhận thông báo")
    SUCCEEDED = "succeeded", _("Chuyển giao cho đơn vị kế thừa")


class PetitionEvent(models.Model):
    """Append-only timeline of a petition: who did what, when. Never updated, never deleted."""

    petition = models.ForeignKey(Petition, on_delete=models.PROTECT, related_name="events", verbose_name=_("kiến nghị"))
    kind = models.CharField(_("sự kiện"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    at = models.DateTimeField(_("thời điểm"), auto_now_add=True, db_index=True)
    message = BoundedTextField(_("nội dung"), max_length=TIMELINE_MAX_LENGTH, blank=True)
    data = models.JSONField(_("dữ liệu"), default=dict, blank=True)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("dòng thời gian")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise models.ProtectedError(_("Dòng thời gian chỉ được ghi thêm, không được sửa."), {self})
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Dòng thời gian chỉ được ghi thêm, không được xóa."), {self})


class Assessment(models.TextChoices):
    SATISFIED = "satisfied", _("Hài lòng")
    UNSATISFIED = "unsatisfied", _("Không hài lòng")


class ReplyAssessment(NoDeleteModel):
    """A Front monitor's assessment of a written reply (satisfied / not, with the reason)."""

    reply = models.ForeignKey(
        WrittenReply, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("văn bản trả lời")
    )
    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("kiến nghị")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người đánh giá")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("tổ chức giám sát")
    )
    result = models.CharField(_("kết quả"), max_length=20, choices=Assessment.choices)
    reason = BoundedTextField(_("lý do"), max_length=REASON_MAX_LENGTH, blank=True)
    assessed_on = models.DateField(_("ngày đánh giá"))
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá văn bản trả lời")
        verbose_name_plural = _("đánh giá văn bản trả lời")
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_result_display()} – {self.reply}"


class Publication(NoDeleteModel):
    """The public text of a petition's result (công khai): what the public pages show once it is
    published. Staff edit both texts before publishing (the draft has the petitioner's personal
    data removed, ``petitions.publicity``); unpublishing keeps the row and its history."""

    petition = models.OneToOneField(
        Petition, on_delete=models.PROTECT, related_name="publication", verbose_name=_("kiến nghị")
    )
    reply = models.ForeignKey(
        WrittenReply,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("văn bản trả lời được công khai"),
    )
    question = BoundedTextField(_("nội dung kiến nghị (công khai)"), max_length=LONG_TEXT_MAX_LENGTH)
    answer = BoundedTextField(_("nội dung trả lời (công khai)"), max_length=LONG_TEXT_MAX_LENGTH)
    is_published = models.BooleanField(_("đang công khai"), default=False, db_index=True)
    published_at = models.DateTimeField(_("công khai lúc"), null=True, blank=True, db_index=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người công khai"),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử công khai kết quả"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("kết quả công khai")
        verbose_name_plural = _("kết quả công khai")
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return f"#{self.petition_id} {self.question[:60]}"


class Direction(NoDeleteModel):
    """A head's direction (ý kiến chỉ đạo) on a petition reported to them, written by the head or
    by staff on the head's behalf; the responsible unit is notified."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="directions", verbose_name=_("kiến nghị")
    )
    leader = models.ForeignKey(
        Leader, on_delete=models.PROTECT, related_name="directions", verbose_name=_("người đứng đầu chỉ đạo")
    )
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị được chỉ đạo")
    )
    text = BoundedTextField(_("nội dung chỉ đạo"), max_length=LONG_TEXT_MAX_LENGTH)
    given_on = models.DateField(_("ngày chỉ đạo"), db_index=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("người ghi")
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến chỉ đạo")
        verbose_name_plural = _("ý kiến chỉ đạo")
        ordering = ["given_on", "id"]
        indexes = [models.Index(fields=["leader", "given_on"], name="direction_leader_idx")]

    def __str__(self):
        return f"{self.leader.full_name}: {self.text[:60]}"


class SupplementaryRequest(NoDeleteModel):
    """After the Front judged a reply unsatisfactory, the organising unit's staff ask the
    responsible unit for a supplementary reply: a new obligation with its own due date
    (``settings.DEADLINE_RULES["supplementary"]``), met by the supplementary reply."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="supplementary_requests", verbose_name=_("kiến nghị")
    )
    assessment = models.ForeignKey(
        ReplyAssessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đánh giá không hài lòng"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị trả lời bổ sung"))
    requested_on = models.DateField(_("ngày yêu cầu"))
    due_on = models.DateField(_("hạn trả lời bổ sung"), db_index=True)
    regulation = models.ForeignKey(
        Regulation, null=True, blank=True, on_delete=models.PROTECT, related_name="supplementary_requests",
        verbose_name=_("quy định áp dụng"),
    )  # fmt: skip
    reason = BoundedTextField(_("nội dung cần trả lời bổ sung"), max_length=REASON_MAX_LENGTH)
    reply = models.OneToOneField(
        WrittenReply,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supplementary_request",
        verbose_name=_("văn bản trả lời bổ sung"),
    )
    replied_on = models.DateField(_("ngày trả lời bổ sung"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử yêu cầu trả lời bổ sung"))

    class Meta:
        verbose_name = _("yêu cầu trả lời bổ sung")
        verbose_name_plural = _("yêu cầu trả lời bổ sung")
        ordering = ["requested_on", "id"]

    def __str__(self):
        return f"{self.requested_on:%d/%m/%Y} → {self.due_on:%d/%m/%Y}"


class Coordination(NoDeleteModel):
    """A coordinating unit (đơn vị phối hợp) of a petition: "Sở X chủ trì, phối hợp với Sở Y".
    It sees the petition, is reminded before the lead's reply due date and records its
    contribution; only the lead unit's reply meets R3."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="coordinations", verbose_name=_("kiến nghị")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị phối hợp"))
    assigned_on = models.DateField(_("ngày giao phối hợp"))
    contributed_on = models.DateField(_("ngày gửi ý kiến phối hợp"), null=True, blank=True)
    contribution = BoundedTextField(_("ý kiến phối hợp"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    letter = models.FileField(_("văn bản phối hợp"), upload_to=private_upload_to, blank=True)
    letter_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người ghi ý kiến"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử phối hợp"))

    class Meta:
        verbose_name = _("đơn vị phối hợp")
        verbose_name_plural = _("đơn vị phối hợp")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["petition", "unit"], name="unique_petition_coordination")]
        indexes = [models.Index(fields=["unit", "contributed_on"], name="coordination_unit_idx")]

    def __str__(self):
        return str(self.unit)


class PetitionOpening(NoDeleteModel):
    """The first time someone of a unit opened a petition given to it (assigned or forwarded).
    Until then the petition is marked "mới" (new) in the unit's work queue. One row per
    (petition, unit): later openings change nothing."""

    petition = models.ForeignKey(
        Petition, on_delete=models.PROTECT, related_name="openings", verbose_name=_("kiến nghị")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người mở"),
    )
    opened_at = models.DateTimeField(_("mở lần đầu lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lần mở đầu tiên của đơn vị")
        verbose_name_plural = _("lần mở đầu tiên của đơn vị")
        constraints = [models.UniqueConstraint(fields=["petition", "unit"], name="unique_petition_opening")]

    def __str__(self):
        return f"#{self.petition_id} – {self.unit_id}"
