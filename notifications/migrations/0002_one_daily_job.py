"""Events already notified stay notified; the two daily beat jobs (notices; replies) became one job that chases every registered
obligation, and the tasks moved from ``petitions`` to ``notifications``: rename the stored
schedule entries (keeping an administrator's time and switches) instead of adding new ones."""

from django.db import migrations

OLD_NOTICE = "petitions.enforce_notice_deadlines"
OLD_REPLY = "petitions.enforce_reply_deadlines"
OLD_EMAIL = "petitions.send_notification_emails"
NEW_DEADLINES = "notifications.enforce_deadlines"
NEW_EMAIL = "notifications.send_emails"
DEADLINE_JOB = "Nhắc hạn, báo quá hạn các nghĩa vụ (hằng ngày)"


def mark_past_events_dispatched(apps, schema_editor):
    """Events recorded before the dispatcher existed were notified by their services already."""
    PetitionEvent = apps.get_model("petitions", "PetitionEvent")
    DispatchedEvent = apps.get_model("notifications", "DispatchedEvent")
    db = schema_editor.connection.alias
    ids = PetitionEvent.objects.using(db).filter(kind="assessed").values_list("pk", flat=True)
    DispatchedEvent.objects.using(db).bulk_create(
        [DispatchedEvent(event_id=pk) for pk in ids], ignore_conflicts=True, batch_size=1000
    )


def forwards(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    db = schema_editor.connection.alias
    tasks = PeriodicTask.objects.using(db)
    if not tasks.filter(name=DEADLINE_JOB).exists():
        tasks.filter(task=OLD_NOTICE).update(task=NEW_DEADLINES, name=DEADLINE_JOB)
    tasks.filter(task__in=[OLD_NOTICE, OLD_REPLY]).delete()
    tasks.filter(task=OLD_EMAIL).update(task=NEW_EMAIL)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("petitions", "0006_session_units_backfill"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(mark_past_events_dispatched, migrations.RunPython.noop),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
