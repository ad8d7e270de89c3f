"""Fill the petitions' search columns and index them for substring search.

Not atomic: the fill commits every 2,000 rows (a national table is never locked as a whole) and
the GIN indexes are built ``CONCURRENTLY`` (writes go on meanwhile). A run cut short can simply
be started again: the fill rewrites every row and an index already built is kept. On PostgreSQL
the role that migrates needs to be allowed to create the ``pg_trgm`` extension (a trusted
extension since PostgreSQL 13: the database owner may).
"""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

from common.migration_ops import PostgresOnlyIndex, TrigramExtension


def fill_search_columns(apps, schema_editor):
    from petitions.search import search_columns_refresh

    search_columns_refresh(
        apps.get_model("petitions", "Petition"),
        apps.get_model("units", "Unit"),
        apps.get_model("petitions", "Field"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("petitions", "0019_petition_search_columns"),
    ]

    operations = [
        migrations.RunPython(fill_search_columns, migrations.RunPython.noop, elidable=True),
        TrigramExtension(),
        PostgresOnlyIndex(
            "petition", GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="petition_search_trgm")
        ),
        PostgresOnlyIndex(
            "petition",
            GinIndex(fields=["petitioner_search"], opclasses=["gin_trgm_ops"], name="petition_petitioner_trgm"),
        ),
    ]
