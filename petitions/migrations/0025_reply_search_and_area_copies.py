"""The copies a written reply keeps of its petition (issue 16): one search column and the
session and units that put it in an area, filled from the petitions, and the column's
``pg_trgm`` GIN index (``petitions.search``).

Not atomic: the fill commits every 2,000 replies and the GIN index is built ``CONCURRENTLY``.
A run cut short can simply be started again: the fill rewrites every reply.
"""

import django.db.models.deletion
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations, models

import common.models
from common.migration_ops import PostgresOnlyIndex


def fill_copies(apps, schema_editor):
    from petitions.search import replies_follow

    replies_follow(apps.get_model("petitions", "WrittenReply"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("dialogue_sessions", "0013_planned_dialogue_moved_from"),
        ("petitions", "0024_reply_replied_on_index"),
        ("units", "0005_bounded_cycle_texts"),
    ]

    operations = [
        migrations.AddField(
            model_name="writtenreply",
            name="petition_assigned_unit",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
                verbose_name="đơn vị được giao kiến nghị",
            ),
        ),
        migrations.AddField(
            model_name="writtenreply",
            name="petition_responsible_unit",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="units.unit",
                verbose_name="đơn vị chịu trách nhiệm kiến nghị",
            ),
        ),
        migrations.AddField(
            model_name="writtenreply",
            name="petition_session",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="dialogue_sessions.dialoguesession",
                verbose_name="hội nghị của kiến nghị",
            ),
        ),
        migrations.AddField(
            model_name="writtenreply",
            name="search_text",
            field=common.models.BoundedTextField(
                blank=True, default="", editable=False, max_length=11500, verbose_name="nội dung tìm kiếm"
            ),
        ),
        migrations.RunPython(fill_copies, migrations.RunPython.noop, elidable=True),
        PostgresOnlyIndex(
            "writtenreply", GinIndex(fields=["search_text"], opclasses=["gin_trgm_ops"], name="reply_search_trgm")
        ),
    ]
