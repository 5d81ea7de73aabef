"""PostgreSQL: fill the search vectors and index them with GIN (nothing on SQLite)."""

from django.db import migrations

from statements.migrations._search import FILL




def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FILL)
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS statement_search_gin "
        "ON statements_statement USING gin (search_vector)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS statement_search_gin")


class Migration(migrations.Migration):
    dependencies = [("statements", "0009_search_vector")]

    operations = [migrations.RunPython(create, drop)]
