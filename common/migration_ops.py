"""Operations for migrations that move a model to another app without copying a row: the model
keeps its table (``Meta.db_table``); only Django's state and its content type change app."""

from __future__ import annotations

from django.db import migrations


def move_content_types(from_label: str, to_label: str, model_names: list[str]) -> migrations.RunPython:
    """Re-label the content types (and so the permissions and admin log entries) of the moved
    models, unless the new label already has them."""

    def forwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for name in model_names:
            if ContentType.objects.using(db).filter(app_label=to_label, model=name).exists():
                continue
            ContentType.objects.using(db).filter(app_label=from_label, model=name).update(app_label=to_label)

    def backwards(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for name in model_names:
            if ContentType.objects.using(db).filter(app_label=from_label, model=name).exists():
                continue
            ContentType.objects.using(db).filter(app_label=to_label, model=name).update(app_label=from_label)

    return migrations.RunPython(forwards, backwards)
