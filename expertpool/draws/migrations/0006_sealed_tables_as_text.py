"""Large draw values stored as plain, uncompressed text on PostgreSQL (docs/performance.md).

The label table's columns become text instead of ``jsonb`` (the database never looks
inside them, and parsing megabytes into ``jsonb`` took longer than the rest of the
write). The commitment text and the label table skip ``pglz`` compression, which cost
more than writing the bytes. SQLite stores text as it is either way.
"""

from django.db import migrations

import expertpool.core.fields

UNCOMPRESSED = [("draws_draw", "commitment_text"), ("draws_drawlabeltable", "candidates")]


def _storage(kind):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        quote = schema_editor.quote_name
        for table, column in UNCOMPRESSED:
            schema_editor.execute(f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET STORAGE {kind}")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("draws", "0005_commitment_text"),
    ]

    operations = [
        migrations.AlterField(
            model_name="drawlabeltable",
            name="candidates",
            field=expertpool.core.fields.JSONTextField(),
        ),
        migrations.AlterField(
            model_name="drawlabeltable",
            name="excluded",
            field=expertpool.core.fields.JSONTextField(),
        ),
        migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED")),
    ]
