"""The rules in force: the calendar of rest days that the legal clock reads, and the regulations
(per province, with effective dates) that set every parameter of the cycle.

``CalendarDay`` was created by the ``petitions`` app and moved here with its table."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.models import NoDeleteModel
from units.models import Unit

from .rules import (
    CALENDAR,
    FORWARDED,
    NOTICE,
    REPLY,
    REPLY_FROM_ISSUE,
    REPLY_FROM_RECEIPT,
    REPORT_LEVELS,
    REPORT_PERIOD_CODES,
    SUPPLEMENTARY,
    WORKING,
    Rules,
    citation_text,
    format_days,
    parse_codes,
    parse_days,
)


class CalendarDayKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ (thêm)")
    WORKING_DAY = "working_day", _("Ngày làm việc (làm bù)")


class CalendarDay(models.Model):
    """An override of the public-holiday calendar: an extra day off, or a Saturday/Sunday
    worked to compensate for a bridged holiday. Wins over the ``holidays`` package."""

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=CalendarDayKind.choices)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        db_table = "petitions_calendarday"
        verbose_name = _("ngày nghỉ / ngày làm bù")
        verbose_name_plural = _("lịch ngày nghỉ, ngày làm bù")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day:%d/%m/%Y} – {self.get_kind_display()}"


# ---------------------------------------------------------------------------------------------
# Regulations: the rules of the cycle as data, per province and over time
# ---------------------------------------------------------------------------------------------


class DayType(models.TextChoices):
    CALENDAR = CALENDAR, _("ngày (theo lịch)")
    WORKING = WORKING, _("ngày làm việc")


class ReplyClockStart(models.TextChoices):
    ISSUE = REPLY_FROM_ISSUE, _("từ ngày ban hành thông báo kết luận")
    RECEIPT = REPLY_FROM_RECEIPT, _("từ ngày đơn vị nhận thông báo kết luận")


# Defaults of a new regulation: the settings in force (read when the form opens, never at import).
def default_notice_days():
    return Rules.from_settings().days(NOTICE)


def default_notice_day_type():
    return Rules.from_settings().limit(NOTICE).day_type


def default_reply_days():
    return Rules.from_settings().days(REPLY)


def default_reply_day_type():
    return Rules.from_settings().limit(REPLY).day_type


def default_forwarded_days():
    return Rules.from_settings().days(FORWARDED)


def default_forwarded_day_type():
    return Rules.from_settings().limit(FORWARDED).day_type


def default_supplementary_days():
    return Rules.from_settings().days(SUPPLEMENTARY)


def default_supplementary_day_type():
    return Rules.from_settings().limit(SUPPLEMENTARY).day_type


def default_reply_clock_start():
    return Rules.from_settings().reply_clock_start


def default_complex_max_days():
    return Rules.from_settings().complex_max_days


def default_notice_reminder_days():
    return format_days(Rules.from_settings().notice_reminder_days)


def default_reply_reminder_days():
    return format_days(Rules.from_settings().reply_reminder_days)


def default_plan_due_day():
    return Rules.from_settings().plan_due_day


def default_plan_due_month():
    return Rules.from_settings().plan_due_month


def default_plan_reminder_days():
    return format_days(Rules.from_settings().plan_reminder_days)


def default_commitment_reminder_days():
    return format_days(Rules.from_settings().commitment_reminder_days)


def default_dialogue_year_start_day():
    return Rules.from_settings().dialogue_year_start_day


def default_dialogue_year_start_month():
    return Rules.from_settings().dialogue_year_start_month


def default_report_cutoff_day():
    return Rules.from_settings().report_cutoff_day


def default_report_cutoff_month():
    return Rules.from_settings().report_cutoff_month


def default_report_period_kinds():
    return ",".join(Rules.from_settings().report_period_kinds)


def default_report_due_days():
    return dict(Rules.from_settings().report_due_days)


def default_report_reminder_days():
    return format_days(Rules.from_settings().report_reminder_days)


REMINDER_HELP = _("Số ngày trước hạn, cách nhau bởi dấu phẩy; ví dụ: 5,1.")
# The clock's parameters: fixed once the regulation governs an obligation (``Regulation.clean``).
CLOCK_FIELDS = (
    "notice_days", "notice_day_type", "reply_days", "reply_day_type", "reply_clock_start",
    "forwarded_days", "forwarded_day_type", "supplementary_days", "supplementary_day_type",
    "complex_max_days", "notice_reminder_days", "reply_reminder_days", "plan_due_day", "plan_due_month",
    "plan_reminder_days", "commitment_reminder_days", "report_reminder_days",
)  # fmt: skip


class Regulation(NoDeleteModel):
    """A regulation on direct dialogue (e.g. Quy chế 07-QC/TU of Hòa Bình's Standing Committee),
    in force for the subtree of ``unit`` (usually a province) from ``effective_from`` to
    ``effective_to``, with every parameter of the cycle.

    The clock picks, for an obligation, the most specific regulation in force for its unit on the
    day its clock starts (``regulations.selectors.regulation_for``) and records it on the
    obligation, which keeps it: a later regulation governs only obligations started after it.
    Without a regulation the settings apply."""

    document_type = models.CharField(
        _("loại văn bản"), max_length=50, default="Quy chế", help_text=_("Ví dụ: Quy chế, Quy định.")
    )
    number = models.CharField(_("số, ký hiệu"), max_length=50, help_text=_("Ví dụ: 07-QC/TU."))
    title = models.CharField(_("trích yếu"), max_length=500)
    issuing_body = models.CharField(
        _("cơ quan ban hành"), max_length=255, help_text=_("Ví dụ: Ban Thường vụ Tỉnh ủy Hòa Bình.")
    )
    issued_on = models.DateField(_("ngày ban hành"))
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="regulations",
        verbose_name=_("phạm vi áp dụng"),
        help_text=_("Đơn vị và toàn bộ đơn vị cấp dưới (thường là tỉnh). Quy định của cấp dưới được ưu tiên."),
    )
    effective_from = models.DateField(_("có hiệu lực từ ngày"))
    effective_to = models.DateField(
        _("hết hiệu lực sau ngày"), null=True, blank=True, help_text=_("Để trống nếu còn hiệu lực.")
    )
    # The legal clock (R2–R5)
    notice_days = models.PositiveSmallIntegerField(
        _("hạn gửi thông báo kết luận (số ngày)"), default=default_notice_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )  # fmt: skip
    notice_day_type = models.CharField(
        _("cách tính hạn thông báo"), max_length=10, choices=DayType.choices, default=default_notice_day_type
    )
    reply_days = models.PositiveSmallIntegerField(
        _("hạn trả lời bằng văn bản (số ngày)"), default=default_reply_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )  # fmt: skip
    reply_day_type = models.CharField(
        _("cách tính hạn trả lời"), max_length=10, choices=DayType.choices, default=default_reply_day_type
    )
    reply_clock_start = models.CharField(
        _("hạn trả lời tính"), max_length=10, choices=ReplyClockStart.choices, default=default_reply_clock_start
    )
    forwarded_days = models.PositiveSmallIntegerField(
        _("hạn giải quyết kiến nghị được chuyển đến (số ngày)"), default=default_forwarded_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )  # fmt: skip
    forwarded_day_type = models.CharField(
        _("cách tính hạn kiến nghị được chuyển đến"), max_length=10, choices=DayType.choices,
        default=default_forwarded_day_type,
    )  # fmt: skip
    supplementary_days = models.PositiveSmallIntegerField(
        _("hạn trả lời bổ sung (số ngày)"), default=default_supplementary_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )  # fmt: skip
    supplementary_day_type = models.CharField(
        _("cách tính hạn trả lời bổ sung"), max_length=10, choices=DayType.choices,
        default=default_supplementary_day_type,
    )  # fmt: skip
    complex_max_days = models.PositiveSmallIntegerField(
        _("thời hạn tối đa của vụ việc phức tạp (số ngày)"), default=default_complex_max_days,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
        help_text=_("Thời hạn giải quyết mới xa hơn số ngày này kể từ ngày thông báo phải nêu lý do."),
    )  # fmt: skip
    notice_reminder_days = models.CharField(
        _("nhắc hạn thông báo kết luận"), max_length=50, blank=True, default=default_notice_reminder_days,
        help_text=REMINDER_HELP,
    )  # fmt: skip
    reply_reminder_days = models.CharField(
        _("nhắc hạn trả lời"), max_length=50, blank=True, default=default_reply_reminder_days, help_text=REMINDER_HELP
    )
    # The heads' annual cycle
    plan_due_day = models.PositiveSmallIntegerField(
        _("ngày hạn ban hành kế hoạch năm"), default=default_plan_due_day,
        validators=[MinValueValidator(1), MaxValueValidator(31)],
    )  # fmt: skip
    plan_due_month = models.PositiveSmallIntegerField(
        _("tháng hạn ban hành kế hoạch năm"), default=default_plan_due_month,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )  # fmt: skip
    plan_reminder_days = models.CharField(
        _("nhắc hạn kế hoạch năm"), max_length=50, blank=True, default=default_plan_reminder_days,
        help_text=REMINDER_HELP,
    )  # fmt: skip
    commitment_reminder_days = models.CharField(
        _("nhắc hạn thực hiện cam kết"), max_length=50, blank=True, default=default_commitment_reminder_days,
        help_text=REMINDER_HELP,
    )  # fmt: skip
    dialogue_year_start_day = models.PositiveSmallIntegerField(
        _("năm đối thoại bắt đầu từ ngày"), default=default_dialogue_year_start_day,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )  # fmt: skip
    dialogue_year_start_month = models.PositiveSmallIntegerField(
        _("năm đối thoại bắt đầu từ tháng"), default=default_dialogue_year_start_month,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )  # fmt: skip
    # Reporting (R6): read by the reports layer when it sets up a province's reporting calendar.
    report_cutoff_day = models.PositiveSmallIntegerField(
        _("ngày chốt số liệu báo cáo"), default=default_report_cutoff_day,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )  # fmt: skip
    report_cutoff_month = models.PositiveSmallIntegerField(
        _("tháng chốt số liệu báo cáo"), default=default_report_cutoff_month,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )  # fmt: skip
    report_period_kinds = models.CharField(
        _("các kỳ báo cáo"), max_length=50, default=default_report_period_kinds,
        help_text=_("Cách nhau bởi dấu phẩy: month (tháng), q1 (quý I), 6m (6 tháng), 9m (9 tháng), year (năm)."),
    )  # fmt: skip
    report_due_days = models.JSONField(
        _("hạn gửi báo cáo theo cấp (số ngày sau ngày chốt)"), default=default_report_due_days,
        help_text=_('Ví dụ: {"commune": 5, "district": 7, "province": 10, "other": 10}.'),
    )  # fmt: skip
    report_reminder_days = models.CharField(
        _("nhắc hạn gửi báo cáo"), max_length=50, blank=True, default=default_report_reminder_days,
        help_text=REMINDER_HELP,
    )  # fmt: skip
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("lịch sử quy định"))

    class Meta:
        verbose_name = _("quy định về tiếp xúc, đối thoại")
        verbose_name_plural = _("quy định về tiếp xúc, đối thoại")
        ordering = ["unit__path", "-effective_from"]
        indexes = [models.Index(fields=["unit", "effective_from"], name="regulation_unit_from_idx")]

    def __str__(self):
        return self.citation

    @property
    def citation(self) -> str:
        return citation_text(
            document_type=self.document_type, number=self.number, issued_on=self.issued_on,
            issuing_body=self.issuing_body,
        )  # fmt: skip

    @property
    def rules(self) -> Rules:
        return Rules.of(self)

    def is_in_force_on(self, day) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def governed_count(self) -> int:
        """How many obligations recorded this regulation (their limits came from it). Read
        through the reverse relations, so the layers above (sessions, petitions, reports…) that
        point at a regulation are counted without being imported here."""
        if self.pk is None:
            return 0
        total = 0
        for relation in self._meta.related_objects:
            if relation.one_to_many and relation.related_model is not self.history.model:
                total += relation.related_model._default_manager.filter(**{relation.field.name: self}).count()
        return total

    def clean(self):
        errors = {}
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            errors["effective_to"] = _("Ngày hết hiệu lực không được trước ngày có hiệu lực.")
        for name in ("notice_reminder_days", "reply_reminder_days", "plan_reminder_days",
                     "commitment_reminder_days", "report_reminder_days"):  # fmt: skip
            value = getattr(self, name) or ""
            try:
                days = parse_days(value)
            except ValueError:
                days = None
            if days is None or any(d < 0 or d > 365 for d in days):
                errors[name] = _("Nhập các số ngày từ 0 đến 365, cách nhau bởi dấu phẩy (ví dụ: 5,1).")
        kinds = parse_codes(self.report_period_kinds)
        if not kinds or any(k not in REPORT_PERIOD_CODES for k in kinds):
            errors["report_period_kinds"] = _("Các kỳ báo cáo hợp lệ: %(codes)s.") % {
                "codes": ", ".join(REPORT_PERIOD_CODES)
            }
        due = self.report_due_days
        if (
            not isinstance(due, dict)
            or not due
            or any(
                level not in REPORT_LEVELS
                or not isinstance(days, int)
                or isinstance(days, bool)
                or not 0 <= days <= 120
                for level, days in due.items()
            )
        ):
            errors["report_due_days"] = _(
                'Ghi hạn theo cấp dạng {"commune": 5, "province": 10}; cấp hợp lệ: %(levels)s; số ngày từ 0 đến 120.'
            ) % {"levels": ", ".join(REPORT_LEVELS)}
        if self.plan_due_month and self.plan_due_day:
            try:
                dt.date(2025, self.plan_due_month, self.plan_due_day)  # a year without 29/02
            except ValueError:
                errors["plan_due_day"] = _("Ngày %(day)s/%(month)s không có trong năm.") % {
                    "day": self.plan_due_day, "month": self.plan_due_month,
                }  # fmt: skip
        if self.unit_id and self.effective_from and "effective_to" not in errors:
            overlapping = Regulation.objects.filter(unit_id=self.unit_id).exclude(pk=self.pk)
            overlapping = overlapping.filter(
                models.Q(effective_to__isnull=True) | models.Q(effective_to__gte=self.effective_from)
            )
            if self.effective_to:
                overlapping = overlapping.filter(effective_from__lte=self.effective_to)
            other = overlapping.first()
            if other is not None:
                errors["effective_from"] = _(
                    "Thời gian hiệu lực trùng với %(other)s của cùng đơn vị: hãy cho văn bản cũ hết hiệu lực trước."
                ) % {"other": other.citation}
        if self.pk is not None:
            before = Regulation.objects.filter(pk=self.pk).values(*CLOCK_FIELDS).first()
            changed = [name for name in CLOCK_FIELDS if before and before[name] != getattr(self, name)]
            if changed and (count := self.governed_count()):
                errors.update(
                    {
                        name: _(
                            "Quy định đã được áp dụng cho %(count)s nghĩa vụ, các nghĩa vụ này giữ thời hạn đã tính:"
                            " không sửa thông số này; hãy ghi nhận quy định mới có hiệu lực từ ngày sau."
                        )
                        % {"count": count}
                        for name in changed
                    }
                )
        if errors:
            raise ValidationError(errors)
