"""Seed the calendar override table with the government's known day swaps (day off moved onto a
weekday, worked back on a Saturday). Administrators add new ones in the admin each year."""

import datetime as dt

from django.db import migrations

SWAPS = [
    # (day off, working Saturday, note)
    ("2018-12-31", "2019-01-05", "Nghỉ bù Tết Dương lịch 2019"),
    ("2019-04-29", "2019-05-04", "Hoán đổi ngày làm việc dịp 30/4 – 1/5/2019"),
    ("2024-04-29", "2024-05-04", "Hoán đổi ngày làm việc dịp 30/4 – 1/5/2024"),
    ("2025-05-02", "2025-04-26", "Hoán đổi ngày làm việc dịp 30/4 – 1/5/2025"),
    ("2026-08-31", "2026-08-22", "Hoán đổi ngày làm việc dịp Quốc khánh 2/9/2026"),
]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("petitions", "CalendarDay")
    for day_off, working, note in SWAPS:
        CalendarDay.objects.get_or_create(
            day=dt.date.fromisoformat(day_off), defaults={"kind": "day_off", "note": note}
        )
        CalendarDay.objects.get_or_create(
            day=dt.date.fromisoformat(working), defaults={"kind": "working_day", "note": note + " (làm bù)"}
        )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("petitions", "CalendarDay")
    days = [dt.date.fromisoformat(d) for pair in SWAPS for d in pair[:2]]
    CalendarDay.objects.filter(day__in=days).delete()


class Migration(migrations.Migration):
    dependencies = [("petitions", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
