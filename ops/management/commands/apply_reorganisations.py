"""Apply the reorganisations of units in effect (the daily job does it too): the old units'
open obligations pass to their successors. Idempotent."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ops.reorganisation import reorganisations_due_apply


class Command(BaseCommand):
    help = "Chuyển giao nghĩa vụ còn mở của các đơn vị chấm dứt hoạt động cho đơn vị kế thừa (sắp xếp đã có hiệu lực)."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Chạy như thể hôm nay là ngày này (YYYY-MM-DD).")

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today phải có dạng YYYY-MM-DD, nhận được: {today!r}") from None
        counts = reorganisations_due_apply(today=day)
        if not counts:
            self.stdout.write("Không có sắp xếp đơn vị nào cần áp dụng.")
            return
        for name, count in sorted(counts.items()):
            self.stdout.write(f"  {name:<12} {count:>5}")
