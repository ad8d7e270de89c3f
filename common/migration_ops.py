"""Operations for migrations that move a model to another app without copying a row: the model
keeps its table (``Meta.db_table``); only Django's state and its content type change app."""

from __future__ import annotations

from django.contrib.postgres import operations as postgres_operations
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


class PostgresOnlyIndex(migrations.operations.base.Operation):
    """Create ``index`` on PostgreSQL only (``CONCURRENTLY``, so writes go on during the build;
    the migration must be ``atomic = False``), and leave Django's model state alone: SQLite
    cannot build a GIN index, and its table rebuilds recreate every index of the state."""

    reversible = True

    def __init__(self, model_name: str, index):
        self.model_name = model_name
        self.index = index

    def state_forwards(self, app_label, state):
        pass

    def _applies(self, schema_editor, app_label) -> bool:
        from django.db import router

        return schema_editor.connection.vendor == "postgresql" and router.allow_migrate(
            schema_editor.connection.alias, app_label
        )

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies(schema_editor, app_label):
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [self.index.name])
            if cursor.fetchone():  # a run cut short after the build: nothing to do
                return
        schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if not self._applies(schema_editor, app_label):
            return
        model = from_state.apps.get_model(app_label, self.model_name)
        schema_editor.remove_index(model, self.index, concurrently=True)

    def describe(self):
        return f"Create index {self.index.name} on {self.model_name} (PostgreSQL only)"


class TrigramExtension(postgres_operations.TrigramExtension):
    """Django's ``TrigramExtension`` (a no-op on other databases when applied), also a no-op on
    them when reversed (Django's would query ``pg_extension`` on SQLite)."""

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
