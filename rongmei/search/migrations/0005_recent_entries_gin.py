"""PostgreSQL: a GIN index over the newest index entries only, asked first by a search (issue 12).

A word of middling frequency (~19,000 of a million stories) has its newest thousand matches among
the newest ~100,000 entries; over the whole index PostgreSQL read one row per match or walked the
primary key past ~54,000 non-matching rows (85–153 ms). The index is partial, ``WHERE id > bound``,
its name the prefix and the bound; ``rongmei.search.postgres_backend.maintain_recent_gin_index``
makes it again over the newest entries as they grow (a periodic job) and after a rebuild
(docs/decisions/0027-search-at-a-million.md).
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry"
PREFIX = "rongmei_search_recent_gin_"
RECENT_ENTRIES = 100_000


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {TABLE} ORDER BY id DESC OFFSET %s LIMIT 1", [RECENT_ENTRIES])  # noqa: S608
        row = cursor.fetchone()
        bound = 0 if row is None else row[0]
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PREFIX}{bound} ON {TABLE} USING gin (rongmei_document) WHERE id > {bound}"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s", [TABLE, PREFIX + "%"])
        names = [name for (name,) in cursor.fetchall()]
    for name in names:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("rongmei_search", "0004_vectors_stored_inline")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
