"""The organisation: the unit tree (any depth), unit kinds (data), heads and memberships.

These tables were created by the ``sessions`` app (label ``dialogue_sessions``) and moved here
without copying a row: each model keeps its table name (``Meta.db_table``)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import NoDeleteModel


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
    # R1: the heads of these units must hold a dialogue at least once a year and issue an annual
    # dialogue plan; replies at their level are reported to them. Data, editable in the admin.
    bound_by_dialogue_rule = models.BooleanField(
        _("người đứng đầu phải tổ chức đối thoại hằng năm"),
        default=False,
        help_text=_(
            "Người đứng đầu đơn vị loại này phải xây dựng kế hoạch và tổ chức tiếp xúc, đối thoại ít nhất "
            "một lần mỗi năm (mặc định: cấp ủy Đảng và Ủy ban nhân dân các cấp)."
        ),
    )

    class Meta:
        db_table = "dialogue_sessions_unitkind"
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
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("đơn vị cấp trên"),
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

    history = HistoricalRecords(verbose_name=_("lịch sử đơn vị"), table_name="dialogue_sessions_historicalunit")

    class Meta:
        db_table = "dialogue_sessions_unit"
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
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )


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
        db_table = "dialogue_sessions_leader"
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
        help_text=_(
            "Cơ quan người dùng làm việc, nếu khác đơn vị phạm vi (ví dụ: Ủy ban MTTQ tỉnh giám sát địa bàn tỉnh)."
        ),
    )
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)

    history = HistoricalRecords(
        verbose_name=_("lịch sử phân quyền"), table_name="dialogue_sessions_historicalmembership"
    )

    class Meta:
        db_table = "dialogue_sessions_membership"
        verbose_name = _("phân quyền theo đơn vị")
        verbose_name_plural = _("phân quyền theo đơn vị")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_membership")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class Reorganisation(NoDeleteModel):
    """A reorganisation of units (sắp xếp, sáp nhập): from ``effective_on`` each old unit of its
    steps ends and its successor takes over what it still owed (``ops.reorganisation``). The old
    units' closed history stays theirs."""

    name = models.CharField(
        _("tên"), max_length=255, help_text=_("Ví dụ: Hợp nhất tỉnh Hòa Bình, Vĩnh Phúc, Phú Thọ thành tỉnh Phú Thọ.")
    )
    decision = models.CharField(
        _("văn bản quyết định"), max_length=255, blank=True, help_text=_("Ví dụ: Nghị quyết số 202/2025/QH15.")
    )
    effective_on = models.DateField(_("có hiệu lực từ ngày"))
    note = models.TextField(_("ghi chú"), blank=True)
    # When the obligations were moved (by the daily job on or after ``effective_on``, or by hand).
    applied_at = models.DateTimeField(_("đã chuyển giao lúc"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử sắp xếp đơn vị"))

    class Meta:
        verbose_name = _("sắp xếp, sáp nhập đơn vị")
        verbose_name_plural = _("sắp xếp, sáp nhập đơn vị")
        ordering = ["-effective_on", "-id"]

    def __str__(self):
        return f"{self.name} ({self.effective_on:%d/%m/%Y})"


class ReorganisationStep(models.Model):
    """One old unit of a reorganisation and its successor. A unit has at most one successor."""

    reorganisation = models.ForeignKey(
        Reorganisation, on_delete=models.PROTECT, related_name="steps", verbose_name=_("sắp xếp đơn vị")
    )
    predecessor = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="succession", verbose_name=_("đơn vị chấm dứt hoạt động")
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="predecessor_steps", verbose_name=_("đơn vị kế thừa")
    )

    history = HistoricalRecords(verbose_name=_("lịch sử bước sắp xếp"))

    class Meta:
        verbose_name = _("đơn vị cũ và đơn vị kế thừa")
        verbose_name_plural = _("đơn vị cũ và đơn vị kế thừa")
        ordering = ["reorganisation", "predecessor__path"]

    def __str__(self):
        return f"{self.predecessor} → {self.successor}"
