"""The sessions' search column gets a pg_trgm GIN index too (PostgreSQL only, built
``CONCURRENTLY``): ``LIKE '%word%'`` cannot use its b-tree index."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from common.migration_ops import PostgresOnlyIndex, TrigramExtension


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dialogue_sessions", "0010_succeeded_event"),
    ]

    operations = [
        TrigramExtension(),
        PostgresOnlyIndex(
            "dialoguesession",
            GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="session_search_trgm"),
        ),
    ]
