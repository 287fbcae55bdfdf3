"""PostgreSQL: keep the title vector in the entry's row too (issue 12).

Migration 0004 kept the body and document vectors in the row (``STORAGE MAIN``) and left the title
``EXTENDED``, small as it is. But a row that still exceeds PostgreSQL's 2 KB TOAST threshold with
its MAIN columns inline has *every* ``EXTENDED`` value moved out of line, however small: each
title went to the TOAST table, and ranking a thousand candidates fetched a thousand titles from
it, ~3.5 µs each (a TOAST index probe and a chunk), about a fifth of a search's statement at a
million stories. Existing entries keep their layout until they are written again: run
``rongmei update_index`` once after this migration (docs/decisions/0027-search-at-a-million.md).
"""

from django.db import migrations


def set_storage(storage):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"ALTER TABLE wagtailsearch_indexentry ALTER COLUMN title SET STORAGE {storage}")

    return run


class Migration(migrations.Migration):
    dependencies = [("rongmei_search", "0005_recent_entries_gin")]

    operations = [
        migrations.RunPython(set_storage("MAIN"), set_storage("EXTENDED"), elidable=False),
    ]
