"""SQLite: a second FTS5 table holding only the newest index entries, kept by triggers (issue 12).

bm25() counts every row matching each word to get its IDF; for a word in most of a million stories
that count is nearly all of a search's time (docs/decisions/0027-search-at-a-million.md). The
newest RECENT_ENTRIES entries are copied into ``rongmei_search_recent_fts``; a word that matches
more than the ranking window there is ranked from it (the window is the newest matches anyway, so
the same rows, with the IDF of the recent entries). Triggers on modelsearch's entry table keep it
current, as modelsearch's own triggers keep its FTS table; each insert drops the entries that fell
out of the newest RECENT_ENTRIES (by id: ids only grow).
"""

from django.db import migrations

TABLE = "rongmei_search_recent_fts"
SIZE_TABLE = "rongmei_search_recent_size"
ENTRIES = "wagtailsearch_indexentry"
RECENT_ENTRIES = 30_000


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM sqlite_master WHERE name = '{ENTRIES}_fts'")
        if cursor.fetchone() is None:
            return  # no FTS5 in this SQLite: modelsearch searches without it, so do we
    statements = [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5(autocomplete, body, title)",
        f"CREATE TABLE {SIZE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), entries INTEGER NOT NULL)",
        f"INSERT INTO {SIZE_TABLE} (id, entries) VALUES (1, {RECENT_ENTRIES})",
        f"INSERT INTO {TABLE} (rowid, autocomplete, body, title) SELECT id, autocomplete, body, title "
        f"FROM {ENTRIES} WHERE id > (SELECT coalesce(max(id), 0) FROM {ENTRIES}) - {RECENT_ENTRIES}",
        f"CREATE TRIGGER insert_{TABLE} AFTER INSERT ON {ENTRIES} BEGIN "
        f"INSERT INTO {TABLE} (rowid, autocomplete, body, title) "
        "VALUES (NEW.id, NEW.autocomplete, NEW.body, NEW.title); "
        f"DELETE FROM {TABLE} WHERE rowid <= NEW.id - (SELECT entries FROM {SIZE_TABLE} WHERE id = 1); END",
        f"CREATE TRIGGER update_{TABLE} AFTER UPDATE ON {ENTRIES} BEGIN "
        f"UPDATE {TABLE} SET autocomplete = NEW.autocomplete, body = NEW.body, title = NEW.title "
        "WHERE rowid = NEW.id; END",
        f"CREATE TRIGGER delete_{TABLE} AFTER DELETE ON {ENTRIES} BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = OLD.id; END",
    ]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        f"DROP TRIGGER IF EXISTS insert_{TABLE}",
        f"DROP TRIGGER IF EXISTS update_{TABLE}",
        f"DROP TRIGGER IF EXISTS delete_{TABLE}",
        f"DROP TABLE IF EXISTS {TABLE}",
        f"DROP TABLE IF EXISTS {SIZE_TABLE}",
    ):
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("rongmei_search", "0002_document_column"), ("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
