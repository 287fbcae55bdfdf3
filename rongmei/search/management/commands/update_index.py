"""`rongmei update_index`: Wagtail's (modelsearch's) full rebuild, reading the objects in keyset
chunks instead of OFFSET pages.

modelsearch reads chunk n as ``qs[n * 1000:][:1000]``: the database walks past every row before
the chunk, so a rebuild reads n²/2 rows in all — at a million stories the last chunks skip a
million rows each. Here each chunk starts after the last key of the one before (``pk > last``),
one index range scan each, whatever the table's size (decision 0027, "PostgreSQL rebuilds").
"""

from modelsearch.management.commands.rebuild_modelsearch_index import (
    DEFAULT_CHUNK_SIZE,
)
from modelsearch.management.commands.rebuild_modelsearch_index import (
    Command as RebuildCommand,
)


def keyset_chunks(queryset, chunk_size=DEFAULT_CHUNK_SIZE):
    """Lists of at most ``chunk_size`` objects of ``queryset`` in primary-key order, each chunk read
    with ``pk > the previous chunk's last``. Objects added while it runs past the last chunk read
    are included; none is read twice."""
    queryset = queryset.order_by("pk")
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        items = list(page[:chunk_size])
        if not items:
            return
        yield items
        last = items[-1].pk


class Command(RebuildCommand):
    def queryset_chunks(self, qs, chunk_size=DEFAULT_CHUNK_SIZE):
        return keyset_chunks(qs, chunk_size)
