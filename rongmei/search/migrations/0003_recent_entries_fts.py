"""SQLite: a second FTS5 table holding only the newest index entries, kept by triggers (issue 12).

bm25() counts every row matching each word to get its IDF; for a word in most of a million stories
that count is nearly all of a search's time (docs/decisions/0027-search-at-a-million.md). The
newest RECENT_ENTRIES entries are copied into ``rongmei_search_recent_fts``; a word that matches
more than the ranking window there is ranked from it (the window is the newest matches anyway, so
the same rows, with the IDF of the recent entries). Triggers on modelsearch's entry table keep it
current, as modelsearch's own triggers keep its FTS table; every PRUNE_EVERY-th id drops the entries
that fell out of the newest RECENT_ENTRIES (by id: ids only grow; one statement per PRUNE_EVERY
inserts cost a third of one per insert). A full rebuild pauses the triggers (``paused``) and fills the
table from the newest entries when it finishes; searches do not use it while paused.

The update triggers, ours and modelsearch's (replaced here), fire only when a text column is set:
the indexer sets ``title_norm`` alone on every new entry right after inserting it, and FTS5 turns an
update into a delete and an insert of the whole row, so each new entry was written to the index
twice (measured on a 100k database: inserting a batch with its title norms ~2× faster without).
"""

from django.db import migrations

TABLE = "rongmei_search_recent_fts"
SIZE_TABLE = "rongmei_search_recent_size"
ENTRIES = "wagtailsearch_indexentry"
RECENT_ENTRIES = 30_000
PRUNE_EVERY = 256
TEXT_COLUMNS = "autocomplete, body, title"
# A full rebuild pauses the triggers and fills the table once at its end (sqlite_backend's rebuilder):
# writing every entry of a million twice cost a third of the rebuild's speed.
RUNNING = f"WHEN (SELECT paused FROM {SIZE_TABLE} WHERE id = 1) = 0"
MODELSEARCH_UPDATE = (
    f"CREATE TRIGGER update_{ENTRIES}_fts AFTER UPDATE{{of}} ON {ENTRIES} BEGIN UPDATE {ENTRIES}_fts "
    "SET title=NEW.title, body=NEW.body, autocomplete=NEW.autocomplete WHERE rowid=NEW.id; END"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM sqlite_master WHERE name = '{ENTRIES}_fts'")
        if cursor.fetchone() is None:
            return  # no FTS5 in this SQLite: modelsearch searches without it, so do we
    statements = [
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5(autocomplete, body, title)",
        f"CREATE TABLE {SIZE_TABLE} (id INTEGER PRIMARY KEY CHECK (id = 1), entries INTEGER NOT NULL, "
        "prune_every INTEGER NOT NULL, paused INTEGER NOT NULL DEFAULT 0)",
        f"INSERT INTO {SIZE_TABLE} (id, entries, prune_every) VALUES (1, {RECENT_ENTRIES}, {PRUNE_EVERY})",
        f"INSERT INTO {TABLE} (rowid, autocomplete, body, title) SELECT id, autocomplete, body, title "
        f"FROM {ENTRIES} WHERE id > (SELECT coalesce(max(id), 0) FROM {ENTRIES}) - {RECENT_ENTRIES}",
        f"CREATE TRIGGER insert_{TABLE} AFTER INSERT ON {ENTRIES} {RUNNING} BEGIN "
        f"INSERT INTO {TABLE} (rowid, autocomplete, body, title) "
        "VALUES (NEW.id, NEW.autocomplete, NEW.body, NEW.title); "
        f"DELETE FROM {TABLE} WHERE NEW.id % (SELECT prune_every FROM {SIZE_TABLE} WHERE id = 1) = 0 "
        f"AND rowid <= NEW.id - (SELECT entries FROM {SIZE_TABLE} WHERE id = 1); END",
        f"CREATE TRIGGER update_{TABLE} AFTER UPDATE OF {TEXT_COLUMNS} ON {ENTRIES} {RUNNING} BEGIN "
        f"UPDATE {TABLE} SET autocomplete = NEW.autocomplete, body = NEW.body, title = NEW.title "
        "WHERE rowid = NEW.id; END",
        f"CREATE TRIGGER delete_{TABLE} AFTER DELETE ON {ENTRIES} {RUNNING} BEGIN "
        f"DELETE FROM {TABLE} WHERE rowid = OLD.id; END",
        f"DROP TRIGGER IF EXISTS update_{ENTRIES}_fts",
        MODELSEARCH_UPDATE.format(of=f" OF {TEXT_COLUMNS}"),
    ]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in (
        f"DROP TRIGGER IF EXISTS update_{ENTRIES}_fts",
        MODELSEARCH_UPDATE.format(of=""),
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
