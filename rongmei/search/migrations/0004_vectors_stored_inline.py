"""PostgreSQL: keep the body and document vectors in the entry's own row (issue 12).

A story's body vector is ~2.4 KB and does not compress (pglz gives up on it), so with PostgreSQL's
default storage each body and each ``title || body`` document went to the TOAST table: every
candidate a search looks at cost two TOAST fetches (an index probe and two chunks each), ~7 ms per
thousand rows, more than half of a search's time at a million stories. ``STORAGE MAIN`` keeps them in
the row while it fits in a page (a story of a few thousand characters); longer ones still go out of
line. Existing entries keep their old layout until they are written again: run
``rongmei update_index`` once after this migration (docs/decisions/0027-search-at-a-million.md).
"""

from django.db import migrations

COLUMNS = ("body", "rongmei_document")


def set_storage(storage):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            "ALTER TABLE wagtailsearch_indexentry "
            + ", ".join(f"ALTER COLUMN {column} SET STORAGE {storage}" for column in COLUMNS)
        )

    return run


class Migration(migrations.Migration):
    dependencies = [("rongmei_search", "0003_recent_entries_fts")]

    operations = [
        migrations.RunPython(set_storage("MAIN"), set_storage("EXTENDED"), elidable=False),
    ]
