"""A GIN index on title || body of Wagtail's search index entries (PostgreSQL only).

modelsearch's PostgreSQL query filters on the concatenated vector ``title || body``; with only
per-column indexes every candidate row is checked, and a query over a large archive scans it all.
"""

from django.db import migrations

INDEX_NAME = "rongmei_search_title_body_gin"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON wagtailsearch_indexentry USING gin ((title || body))"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
