"""Twin of the daily beat job: runs the same services synchronously (cron, embedded, demo), and
records the run like the task's (``ops.models.JobRun``, job ``notifications.enforce_deadlines``),
so a portal run from cron is watched the same way. It lives in ``ops``, above the services it
calls, because recording the run is this layer's business."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.formats import date_format

from notifications.engine import deadlines_enforce
from notifications.events import events_dispatch
from notifications.outbox import notification_emails_send
from notifications.schedule import DEADLINE_TASK
from ops.models import JobSource
from ops.services import job_run_record


class Command(BaseCommand):
    help = "Nhắc hạn và báo quá hạn mọi nghĩa vụ như công việc hằng ngày của Celery beat, chạy đồng bộ."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Chạy như thể hôm nay là ngày này (YYYY-MM-DD).")
        parser.add_argument("--no-email", action="store_true", help="Chỉ ghi thông báo, không gửi thư điện tử.")

    def handle(self, *args, today=None, no_email=False, **options):
        if today:
            try:
                day = dt.date.fromisoformat(today)
            except ValueError:
                raise CommandError(f"--today phải có dạng YYYY-MM-DD, nhận được: {today!r}") from None
        else:
            day = timezone.localdate()
        with job_run_record(job=DEADLINE_TASK, source=JobSource.COMMAND) as run:
            report = deadlines_enforce(today=day)
            events = events_dispatch()
            run.counts = {**report.as_dict(), "events": events}
            for (obligation, stage), count in report.created.items():
                found = report.obligations.get((obligation, stage), 0)
                self.stdout.write(
                    f"  {obligation:<13} {stage:<10} nghĩa vụ đến mốc: {found:>5}  thông báo mới: {count:>5}"
                )
            if events:
                self.stdout.write(f"  Sự kiện đã thông báo: {events}")
            if not no_email:
                mail = notification_emails_send()
                run.counts.update(mail.as_dict())
                self.stdout.write(f"  Thư điện tử: đã gửi {mail.sent}, chờ gửi lại {mail.retrying}, lỗi {mail.failed}")
        self.stdout.write(f"Kiểm tra thời hạn ngày {date_format(day, 'd/m/Y')}: thông báo mới {report.total_created}")
