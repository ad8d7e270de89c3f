"""Units, leaders, memberships, dialogue sessions and conclusion notices."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import NoDeleteModel, private_upload_to


class DocumentFormat(models.TextChoices):
    PARTY = "party", _("Văn bản của Đảng (Hướng dẫn 36-HD/VPTW)")
    STATE = "state", _("Văn bản hành chính (Nghị định 30/2020/NĐ-CP)")


class UnitKind(models.Model):
    """A kind of unit. Kinds are data: provinces rename and merge boards (e.g. 2025's
    "Ban Tuyên giáo và Dân vận"), so nothing in the code depends on a fixed list."""

    code = models.SlugField(_("mã"), max_length=50, unique=True)
    name = models.CharField(_("tên loại"), max_length=200)
    document_format = models.CharField(
        _("thể thức văn bản"), max_length=10, choices=DocumentFormat.choices, default=DocumentFormat.STATE
    )
    is_party_committee = models.BooleanField(_("là cấp ủy Đảng"), default=False)
    is_front = models.BooleanField(_("là Mặt trận hoặc tổ chức chính trị - xã hội"), default=False)
    receives_mass_mobilisation_reports = models.BooleanField(
        _("nhận báo cáo tổng hợp (Ban Dân vận, Ban Nội chính...)"), default=False
    )

    class Meta:
        verbose_name = _("loại đơn vị")
        verbose_name_plural = _("loại đơn vị")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (đến 30/6/2025)")
    COMMUNE = "commune", _("Cấp xã")
    OTHER = "other", _("Khác")


class Unit(NoDeleteModel):
    """A node of the unit tree, of any depth. ``path`` is a materialised path
    ("000001.000007.") so a subtree is one indexed prefix query."""

    PATH_STEP = 10

    name = models.CharField(_("tên đơn vị"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=100, blank=True)
    kind = models.ForeignKey(UnitKind, on_delete=models.PROTECT, verbose_name=_("loại đơn vị"))
    level = models.CharField(_("cấp"), max_length=20, choices=UnitLevel.choices, default=UnitLevel.COMMUNE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name=_("đơn vị cấp trên")
    )
    path = models.CharField(_("đường dẫn cây"), max_length=255, editable=False, db_index=True, default="")
    depth = models.PositiveSmallIntegerField(_("độ sâu"), editable=False, default=0)
    symbol = models.CharField(
        _("ký hiệu trên văn bản"), max_length=50, blank=True, help_text=_("Ví dụ: TU, HU, UBND, ĐU.")
    )
    place_name = models.CharField(
        _("địa danh ghi trên văn bản"), max_length=100, blank=True, help_text=_("Ví dụ: Hòa Bình, Tân Lạc.")
    )
    active_from = models.DateField(_("hoạt động từ ngày"), null=True, blank=True)
    active_to = models.DateField(_("hoạt động đến ngày"), null=True, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)

    history = HistoricalRecords(verbose_name=_("lịch sử đơn vị"))

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        is_new = self.pk is None
        old_parent_id = None if is_new else Unit.objects.filter(pk=self.pk).values_list("parent_id", flat=True).first()
        if is_new:
            super().save(*args, **kwargs)
            kwargs.pop("force_insert", None)
        self._set_path()
        super().save(*args, **kwargs)
        if not is_new and old_parent_id != self.parent_id:
            for child in self.children.all():
                child.save()

    def _set_path(self):
        own = f"{self.pk:0{self.PATH_STEP}d}."
        if self.parent_id:
            parent = Unit.objects.only("path", "depth").get(pk=self.parent_id)
            if self.path and parent.path.startswith(self.path):
                raise ValueError("A unit cannot be moved under its own subtree.")
            self.path = parent.path + own
            self.depth = parent.depth + 1
        else:
            self.path = own
            self.depth = 0

    @property
    def document_format(self) -> str:
        return self.kind.document_format

    def is_active_on(self, day) -> bool:
        return (self.active_from is None or self.active_from <= day) and (self.active_to is None or day <= self.active_to)


class Leader(NoDeleteModel):
    """The head (người đứng đầu) of a unit over a term."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leaders", verbose_name=_("đơn vị"))
    full_name = models.CharField(_("họ và tên"), max_length=200)
    position = models.CharField(_("chức vụ"), max_length=200, help_text=_("Ví dụ: Bí thư Tỉnh ủy."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leader_terms",
        verbose_name=_("tài khoản"),
    )
    term_start = models.DateField(_("bắt đầu nhiệm kỳ"))
    term_end = models.DateField(_("kết thúc nhiệm kỳ"), null=True, blank=True)

    class Meta:
        verbose_name = _("người đứng đầu")
        verbose_name_plural = _("người đứng đầu")
        ordering = ["unit__path", "-term_start"]

    def __str__(self):
        return f"{self.full_name} – {self.position}"


class Role(models.TextChoices):
    STAFF = "staff", _("Cán bộ văn phòng cấp ủy / UBND")
    LEADER = "leader", _("Người đứng đầu")
    AGENCY = "agency", _("Cán bộ cơ quan giải quyết")
    FRONT = "front", _("Giám sát MTTQ, tổ chức CT-XH")
    BOARD = "board", _("Ban Dân vận")
    ADMIN = "admin", _("Quản trị")


class Membership(models.Model):
    """A user's role over a unit's subtree; a user may hold several.

    ``unit`` is the root of the scope: a province's Front monitor holds the role on the province
    node and so sees its whole area; an agency officer holds it on the agency itself.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("người dùng")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("phạm vi (đơn vị)")
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("đơn vị công tác"),
        help_text=_("Cơ quan người dùng làm việc, nếu khác đơn vị phạm vi (ví dụ: Ủy ban MTTQ tỉnh giám sát địa bàn tỉnh)."),
    )
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)

    history = HistoricalRecords(verbose_name=_("lịch sử phân quyền"))

    class Meta:
        verbose_name = _("phân quyền theo đơn vị")
        verbose_name_plural = _("phân quyền theo đơn vị")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


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
        Leader, null=True, blank=True, on_delete=models.PROTECT, related_name="chaired_sessions", verbose_name=_("chủ trì")
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
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tạo")
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    withdrawn_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("lý do thu hồi"), blank=True)
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
        from common.text import normalise_search

        unit = self.organising_unit.name if self.organising_unit_id else ""
        return normalise_search(self.topic, self.place, self.chair_name, unit)[:1000]

    @property
    def chair_display(self) -> str:
        return str(self.chair) if self.chair_id else self.chair_name


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
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị"))
    role = models.CharField(_("thành phần"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.OTHER)
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
    body = models.TextField(_("nội dung kết luận"), blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signed_file = models.FileField(_("bản ký số / bản chụp"), upload_to=private_upload_to, blank=True)
    signed_file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("người tạo")
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
        """"Số 12-TB/TU" for Party documents, "Số: 12/TB-UBND" for State documents."""
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
