from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    from common.text import normalise_search

    DialogueSession = apps.get_model("dialogue_sessions", "DialogueSession")
    batch = []
    for session in DialogueSession.objects.select_related("organising_unit").iterator(chunk_size=500):
        session.search_text = normalise_search(
            session.topic, session.place, session.chair_name, session.organising_unit.name
        )[:1000]
        batch.append(session)
        if len(batch) >= 500:
            DialogueSession.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        DialogueSession.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("dialogue_sessions", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="dialoguesession",
            name="search_text",
            field=models.CharField(
                blank=True, db_index=True, default="", editable=False, max_length=1000, verbose_name="nội dung tìm kiếm"
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
