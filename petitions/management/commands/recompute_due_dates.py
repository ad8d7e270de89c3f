"""Recompute the stored due dates of open obligations from the calendar as it is now: run after
upgrading the ``holidays`` package (the admin's calendar changes recompute by themselves)."""

from django.core.management.base import BaseCommand

from regulations.services import calendar_changed


class Command(BaseCommand):
    help = (
        "Tính lại hạn đã lưu của mọi nghĩa vụ chưa hoàn thành theo lịch ngày nghỉ hiện hành "
        "(chạy sau khi nâng cấp gói holidays)."
    )

    def handle(self, *args, **options):
        moved = calendar_changed(days=None, actor=None)
        self.stdout.write(f"Đã tính lại hạn theo lịch hiện hành: {moved} hạn thay đổi.")
