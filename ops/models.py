"""Operations: a record of every run of a periodic job (Celery task or its twin command).

A ``JobRun`` is an operational log, not a record of the dialogue process: it is kept for
``JOB_RUN_RETENTION_DAYS`` (a year by default) and then purged by the daily cleanup job
(``ops.tasks.job_runs_cleanup``). Nobody edits or deletes one by hand (the admin is read-only).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobOutcome(models.TextChoices):
    RUNNING = "running", _("Đang chạy")
    SUCCESS = "success", _("Thành công")
    RETRY = "retry", _("Lỗi, sẽ chạy lại")
    FAILURE = "failure", _("Thất bại")
    # Started and never reported back: the worker was killed, or lost its database, mid-run.
    LOST = "lost", _("Không rõ kết quả")


class JobSource(models.TextChoices):
    WORKER = "worker", _("Celery worker")
    COMMAND = "command", _("Lệnh quản trị")


class JobRun(models.Model):
    job = models.CharField(
        _("công việc"), max_length=200, help_text=_("Tên tác vụ, ví dụ notifications.enforce_deadlines.")
    )
    source = models.CharField(_("chạy bởi"), max_length=10, choices=JobSource.choices, default=JobSource.WORKER)
    task_id = models.CharField(_("mã tác vụ"), max_length=255, blank=True)
    attempt = models.PositiveSmallIntegerField(_("lần thử lại"), default=0)
    host = models.CharField(_("máy"), max_length=255, blank=True)
    started = models.DateTimeField(_("bắt đầu"))
    finished = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=JobOutcome.choices, default=JobOutcome.RUNNING)
    counts = models.JSONField(
        _("số liệu"), default=dict, blank=True, help_text=_("Số nghĩa vụ đến mốc và số thông báo mới theo từng mốc.")
    )
    error = models.TextField(_("lỗi"), blank=True)

    class Meta:
        verbose_name = _("lần chạy công việc định kỳ")
        verbose_name_plural = _("lần chạy công việc định kỳ")
        ordering = ["-started", "-id"]
        indexes = [
            # The last success of each job (readiness, banner, metrics) and the per-job history.
            models.Index(fields=["job", "outcome", "started"], name="jobrun_job_outcome_started"),
            models.Index(fields=["started"], name="jobrun_started"),
        ]

    def __str__(self):
        return f"{self.job} {self.started:%d/%m/%Y %H:%M}"

    @property
    def duration(self):
        return self.finished - self.started if self.finished else None
