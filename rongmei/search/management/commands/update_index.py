"""`rongmei update_index`: Wagtail's (modelsearch's) full rebuild, reading the objects in keyset
chunks instead of OFFSET pages.

modelsearch reads chunk n as ``qs[n * 1000:][:1000]``: the database walks past every row before
the chunk, so a rebuild reads n²/2 rows in all — at a million stories the last chunks skip a
million rows each. Here each chunk starts after the last key of the one before (``pk > last``),
one index range scan each, whatever the table's size (decision 0027, "PostgreSQL rebuilds").
"""

from django.db import connections
from modelsearch.management.commands.rebuild_modelsearch_index import (
    DEFAULT_CHUNK_SIZE,
)
from modelsearch.management.commands.rebuild_modelsearch_index import (
    Command as RebuildCommand,
)

from rongmei.search.backend import prefetch_tags, without_tag_prefetches


def keyset_chunks(queryset, chunk_size=DEFAULT_CHUNK_SIZE):
    """Lists of at most ``chunk_size`` objects of ``queryset`` in primary-key order, each chunk read
    with ``pk > the previous chunk's last``. Objects added while it runs past the last chunk read
    are included; none is read twice."""
    # Tags are read for each chunk with one query (backend.prefetch_tags), not Django's prefetch,
    # which builds a query object for every story.
    tag_names = [lookup for lookup in queryset._prefetch_related_lookups if isinstance(lookup, str)]
    queryset = without_tag_prefetches(queryset).order_by("pk")
    tag_names = [name for name in tag_names if name not in queryset._prefetch_related_lookups]
    # A story's key is also its page's: bound every table of the inheritance chain, or PostgreSQL
    # merge-joins the page table from its first row up to the chunk (0.54 s a chunk at 685,000 of
    # a million stories instead of 6 ms: the rebuild slowed as it went).
    # (Django would turn a filter on the page's id back into one on the story's, so it is written
    # out, on the table's own name: the alias Django gives the first join to a table.)
    quote = connections[queryset.db].ops.quote_name
    parent_keys = [
        f"{quote(parent._meta.db_table)}.{quote(parent._meta.pk.column)} > %s"
        for parent in queryset.model._meta.get_parent_list()
    ]
    last = None
    while True:
        page = queryset
        if last is not None:
            page = queryset.filter(pk__gt=last)
            if parent_keys:
                page = page.extra(where=parent_keys, params=[last] * len(parent_keys))  # noqa: S610
        items = list(page[:chunk_size])
        if not items:
            return
        for name in tag_names:
            prefetch_tags(queryset.model, items, name)
        yield items
        last = items[-1].pk


class Command(RebuildCommand):
    def queryset_chunks(self, qs, chunk_size=DEFAULT_CHUNK_SIZE):
        return keyset_chunks(qs, chunk_size)
