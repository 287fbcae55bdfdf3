"""PostgreSQL: the index entries' ``title || body`` stored once, as a generated column with its own
GIN index (issue 12). Matching against the expression concatenated two tsvectors per row checked:
~3× slower for a very common word (docs/decisions/0027-search-at-a-million.md). PostgreSQL keeps
the column current itself, whatever writes the entries (our indexer, modelsearch's).
The expression index of 0001 is replaced by the column's.
"""

from django.db import migrations

COLUMN = "rongmei_document"
INDEX_NAME = "rongmei_search_document_gin"
OLD_INDEX_NAME = "rongmei_search_title_body_gin"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE wagtailsearch_indexentry ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
        "GENERATED ALWAYS AS (title || body) STORED"
    )
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} ON wagtailsearch_indexentry USING gin ({COLUMN})"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX_NAME}")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {OLD_INDEX_NAME} ON wagtailsearch_indexentry USING gin ((title || body))"
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")
    schema_editor.execute(f"ALTER TABLE wagtailsearch_indexentry DROP COLUMN IF EXISTS {COLUMN}")


class Migration(migrations.Migration):
    dependencies = [("rongmei_search", "0001_title_body_gin_index")]

    operations = [migrations.RunPython(add_column, drop_column, elidable=False)]
