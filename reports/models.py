"""Periodic reports that travel up the hierarchy: a province's reporting calendar, the rounds it
opens and the units that owe a report in each, the report itself as an official document
(draft → issued with a number, frozen figures, signed scan) and the units it is sent to, with
the day each received it.

The regulation: heads of party committees and governments report periodically on their
dialogues and on the settling of petitions to the Standing Committee at their level and the
level above, send it to the Mass Mobilisation Board at their level for synthesis and to the
Front and socio-political organisations at their level for supervision."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import NoDeleteModel, private_upload_to
from common.references import document_reference
from regulations.models import Regulation
from units.models import DocumentFormat, Unit, UnitLevel

from .periods import Cutoff, Period, PeriodKind


class ReportingCalendar(NoDeleteModel):
    """The periods a province reports on and the due day of each level's reports. Applies to
    the subtree of ``unit`` (a deeper calendar wins for its own subtree)."""

    unit = models.OneToOneField(
        Unit, on_delete=models.PROTECT, related_name="reporting_calendar", verbose_name=_("áp dụng cho đơn vị")
    )
    cutoff_day = models.PositiveSmallIntegerField(
        _("ngày chốt số liệu"), validators=[MinValueValidator(1), MaxValueValidator(28)]
    )
    cutoff_month = models.PositiveSmallIntegerField(
        _("tháng chốt số liệu"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    starts_on = models.DateField(
        _("áp dụng từ ngày"), help_text=_("Chỉ các kỳ báo cáo kết thúc từ ngày này trở đi mới phải báo cáo.")
    )
    is_active = models.BooleanField(_("đang áp dụng"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("lịch báo cáo")
        verbose_name_plural = _("lịch báo cáo")
        ordering = ["unit__path"]

    def __str__(self):
        return str(_("Lịch báo cáo của %(unit)s") % {"unit": self.unit})

    @property
    def cutoff(self) -> Cutoff:
        return Cutoff(day=self.cutoff_day, month=self.cutoff_month)


class CalendarEntry(models.Model):
    """A period the calendar reports on, with the due day of one level's reports: ``due_days``
    days after the period's last day (counted like every legal limit)."""

    calendar = models.ForeignKey(
        ReportingCalendar, on_delete=models.CASCADE, related_name="entries", verbose_name=_("lịch báo cáo")
    )
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10, choices=PeriodKind.CHOICES)
    level = models.CharField(_("cấp"), max_length=20, choices=UnitLevel.choices)
    due_days = models.PositiveSmallIntegerField(
        _("hạn gửi (số ngày sau ngày chốt số liệu)"), validators=[MaxValueValidator(120)]
    )

    class Meta:
        verbose_name = _("kỳ báo cáo và hạn gửi")
        verbose_name_plural = _("kỳ báo cáo và hạn gửi")
        ordering = ["calendar", "period_kind", "level"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "period_kind", "level"], name="unique_calendar_entry")
        ]

    def __str__(self):
        return f"{self.get_period_kind_display()} – {self.get_level_display()}: {self.due_days}"


class ReportingRound(models.Model):
    """One period of a calendar that has begun (e.g. "6 tháng năm 2026"): its units owe a
    report (``ReportDue``). Opened by the daily job (``reports.services.rounds_open``)."""

    calendar = models.ForeignKey(
        ReportingCalendar, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("lịch báo cáo")
    )
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10, choices=PeriodKind.CHOICES)
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    cutoff_day = models.PositiveSmallIntegerField(_("ngày chốt số liệu"))
    cutoff_month = models.PositiveSmallIntegerField(_("tháng chốt số liệu"))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    opened_at = models.DateTimeField(_("mở lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("kỳ báo cáo đã mở")
        verbose_name_plural = _("kỳ báo cáo đã mở")
        ordering = ["-period_end", "period_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "period_kind", "period_start", "period_end"], name="unique_reporting_round"
            )
        ]

    def __str__(self):
        return self.period.label

    @property
    def period(self) -> Period:
        return Period(
            kind=self.period_kind,
            year=self.year,
            month=self.month,
            cutoff=Cutoff(day=self.cutoff_day, month=self.cutoff_month),
        )


class ReportDue(models.Model):
    """A unit that owes its report for a round, and by when. Met by the unit's issued report for
    the same period (matched on unit, kind and bounds, never copied here)."""

    round = models.ForeignKey(ReportingRound, on_delete=models.PROTECT, related_name="dues", verbose_name=_("kỳ"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_dues", verbose_name=_("đơn vị"))
    due_on = models.DateField(_("hạn gửi báo cáo"), db_index=True)
    # The regulation in force for the unit when the round opened: its reminder stages chase this
    # due (kept for good). Empty: the settings.
    regulation = models.ForeignKey(
        Regulation, null=True, blank=True, on_delete=models.PROTECT, related_name="report_dues",
        verbose_name=_("quy định áp dụng"),
    )  # fmt: skip
    # A reorganisation passed the unit's open obligation to its successor (``unit`` is then the
    # successor); the unit that owed it first is kept here.
    moved_from = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("chuyển từ đơn vị tiền thân"),
    )  # fmt: skip
    # The successor already owed the same round: this due is covered by the successor's and no
    # longer chased (kept, with its unit, as history).
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("gộp vào nghĩa vụ báo cáo của đơn vị kế thừa"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("đơn vị phải báo cáo")
        verbose_name_plural = _("đơn vị phải báo cáo")
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unique_report_due")]

    def __str__(self):
        return f"{self.unit} – {self.round}"


class ReportKind(models.TextChoices):
    UNIT = "unit", _("Báo cáo của đơn vị")
    COMPILED = "compiled", _("Báo cáo tổng hợp")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ISSUED = "issued", _("Đã ban hành")


# The narrative sections of a report, in the order of the document.
SECTION_FIELDS = ("situation", "results", "supervision", "assessment", "proposals")


class PeriodicReport(NoDeleteModel):
    """A report on the dialogues and the settling of petitions over a period, as an official
    document of ``unit``. A unit's report covers its own subtree; a compiled report is issued by
    a unit of ``scope_unit`` (the locality) and sums the reports its units submitted.

    A draft shows the live figures; issuing numbers it, freezes its figures and tables (JSON)
    and sends it to its recipients."""

    kind = models.CharField(_("loại báo cáo"), max_length=10, choices=ReportKind.choices, default=ReportKind.UNIT)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="periodic_reports", verbose_name=_("cơ quan ban hành")
    )
    scope_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("phạm vi số liệu"))
    period_kind = models.CharField(_("kỳ báo cáo"), max_length=10, choices=PeriodKind.CHOICES)
    year = models.PositiveSmallIntegerField(_("năm"))
    month = models.PositiveSmallIntegerField(_("tháng"), null=True, blank=True)
    cutoff_day = models.PositiveSmallIntegerField(_("ngày chốt số liệu"))
    cutoff_month = models.PositiveSmallIntegerField(_("tháng chốt số liệu"))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    # The document
    number = models.PositiveIntegerField(_("số"), null=True, blank=True)
    symbol = models.CharField(_("ký hiệu"), max_length=50, blank=True, help_text=_("Ví dụ: BC/TU hoặc BC-UBND."))
    numbering_period = models.CharField(_("kỳ đánh số"), max_length=20, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True, db_index=True)
    subject = models.CharField(_("trích yếu"), max_length=500)
    situation = models.TextField(_("tình hình tổ chức tiếp xúc, đối thoại"), blank=True)
    results = models.TextField(_("kết quả giải quyết ý kiến, kiến nghị"), blank=True)
    supervision = models.TextField(_("giám sát của MTTQ, các tổ chức chính trị - xã hội"), blank=True)
    assessment = models.TextField(_("đánh giá chung: ưu điểm, hạn chế"), blank=True)
    proposals = models.TextField(_("nhiệm vụ, đề xuất, kiến nghị"), blank=True)
    signer_capacity = models.CharField(
        _("thẩm quyền ký"), max_length=200, blank=True, help_text=_("Ví dụ: T/M Ban Thường vụ; TM. Ủy ban nhân dân.")
    )
    signer_position = models.CharField(_("chức vụ người ký"), max_length=200, blank=True)
    signer_name = models.CharField(_("người ký"), max_length=200, blank=True)
    extra_recipients = models.TextField(
        _("nơi nhận khác"),
        blank=True,
        help_text=_("Mỗi dòng một nơi nhận ngoài hệ thống (ví dụ: Ban Dân vận Trung ương)."),
    )
    # Frozen when issued: every figure of the period and the tables of the annex.
    figures = models.JSONField(_("số liệu khi ban hành"), null=True, blank=True)
    tables = models.JSONField(_("bảng số liệu khi ban hành"), null=True, blank=True)
    signed_file = models.FileField(_("bản đã ký"), upload_to=private_upload_to, blank=True)
    signed_file_name = models.CharField(_("tên tệp"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người lập"),
    )  # fmt: skip
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người ban hành"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("lịch sử báo cáo định kỳ"), excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-period_end", "unit__path", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "scope_unit", "period_kind", "period_start", "period_end"],
                name="unique_report_per_unit_period",
            ),
            models.UniqueConstraint(
                fields=["unit", "symbol", "numbering_period", "number"],
                condition=Q(number__isnull=False),
                name="unique_report_number_per_period",
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "period_kind", "period_start", "period_end"], name="report_unit_period_idx")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.unit} – {self.period.label}"

    def get_absolute_url(self):
        return reverse("reports:report_detail", args=[self.pk])

    @property
    def period(self) -> Period:
        return Period(
            kind=self.period_kind,
            year=self.year,
            month=self.month,
            cutoff=Cutoff(day=self.cutoff_day, month=self.cutoff_month),
        )

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED

    @property
    def is_party(self) -> bool:
        return self.unit.kind.document_format == DocumentFormat.PARTY

    @property
    def reference(self) -> str:
        """ "Số 3-BC/TU" (Party) or "Số: 3/BC-UBND" (State); the number is blank on a draft."""
        return document_reference(party=self.is_party, number=self.number, symbol=self.symbol)

    @property
    def extra_recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.extra_recipients.splitlines() if line.strip()]


class RecipientRole(models.TextChoices):
    UPPER_COMMITTEE = "upper_committee", _("Ban Thường vụ cấp ủy cấp trên")
    COMMITTEE = "committee", _("Ban Thường vụ cấp ủy cùng cấp")
    BOARD = "board", _("Ban Dân vận cùng cấp (để tổng hợp)")
    FRONT = "front", _("MTTQ, tổ chức chính trị - xã hội cùng cấp (để giám sát)")


class ReportRecipient(models.Model):
    """A unit an issued report was sent to, and the day it received it (recorded when one of its
    people opens the report, or marked by hand)."""

    report = models.ForeignKey(
        PeriodicReport, on_delete=models.PROTECT, related_name="recipients", verbose_name=_("báo cáo")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("nơi nhận"))
    role = models.CharField(_("gửi để"), max_length=20, choices=RecipientRole.choices)
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("người nhận"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("nơi nhận báo cáo")
        verbose_name_plural = _("nơi nhận báo cáo")
        ordering = ["report", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "unit"], name="unique_report_recipient")]

    def __str__(self):
        return str(self.unit)

    def delete(self, *args, **kwargs):
        raise models.ProtectedError(_("Dữ liệu không được xóa cứng; hãy dùng chức năng thu hồi."), {self})
