"""Fill ``SessionUnit`` (the units a session gives work to) from the existing petitions: their
responsible units and the units they were forwarded to."""

from django.db import migrations


def backfill(apps, schema_editor):
    Petition = apps.get_model("petitions", "Petition")
    Forwarding = apps.get_model("petitions", "Forwarding")
    SessionUnit = apps.get_model("dialogue_sessions", "SessionUnit")
    db = schema_editor.connection.alias
    pairs = set(
        Petition.objects.using(db)
        .exclude(status="withdrawn")
        .exclude(assigned_unit__isnull=True)
        .values_list("session_id", "assigned_unit_id")
    )
    pairs |= set(
        Forwarding.objects.using(db)
        .exclude(petition__status="withdrawn")
        .values_list("petition__session_id", "to_unit_id")
    )
    SessionUnit.objects.using(db).bulk_create(
        [SessionUnit(session_id=s, unit_id=u) for s, u in sorted(pairs)], ignore_conflicts=True, batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("petitions", "0005_calendar_notifications_moved"),
        ("dialogue_sessions", "0005_units_moved_session_units"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
