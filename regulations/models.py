"""The rules in force: the calendar of rest days that the legal clock reads.

``CalendarDay`` was created by the ``petitions`` app and moved here with its table."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
