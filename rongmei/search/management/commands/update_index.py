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
    """Lists of at most ``chunk_size`` objects of ``queryset`` in primary-key order, each chunk the
    next key range of the model's table after the previous chunk's. Objects added while it runs
    past the last range read are included; none is read twice."""
    # Tags are read for each chunk with one query (backend.prefetch_tags), not Django's prefetch,
    # which builds a query object for every story.
    tag_names = [lookup for lookup in queryset._prefetch_related_lookups if isinstance(lookup, str)]
    queryset = without_tag_prefetches(queryset).order_by("pk")
    tag_names = [name for name in tag_names if name not in queryset._prefetch_related_lookups]
    # Each chunk is a key range, (last, upper], found on the model's own table first (its primary
    # key alone), then read through the queryset bounded on every table of the inheritance chain:
    # - with only `story.page_ptr_id > last`, PostgreSQL merge-joined the page table from its
    #   first row (0.54 s a chunk at 685,000 of a million stories instead of 6 ms);
    # - with the queryset's content-type filter, SQLite walked that index from `last` to the end
    #   and sorted it all (0.3 s a chunk at 500,000).
    # Both slowed a rebuild as it went. Django turns a filter on the page's id back into one on
    # the story's, so the parents' bounds are written out, on each table's own name (the alias
    # Django gives the first join to a table).
    quote = connections[queryset.db].ops.quote_name
    parents = [
        f"{quote(parent._meta.db_table)}.{quote(parent._meta.pk.column)}"
        for parent in queryset.model._meta.get_parent_list()
    ]
    own_keys = queryset.model._base_manager.using(queryset.db).order_by("pk").values_list("pk", flat=True)
    last = None
    while True:
        keys = list((own_keys if last is None else own_keys.filter(pk__gt=last))[:chunk_size])
        if not keys:
            return
        upper = keys[-1]
        page = queryset.filter(pk__lte=upper) if last is None else queryset.filter(pk__gt=last, pk__lte=upper)
        where, params = [f"{column} <= %s" for column in parents], [upper] * len(parents)
        if last is not None:
            where += [f"{column} > %s" for column in parents]
            params += [last] * len(parents)
        if where:
            page = page.extra(where=where, params=params)  # noqa: S610
        items = list(page)
        last = upper
        if not items:  # the queryset filtered out every object of this range
            continue
        for name in tag_names:
            prefetch_tags(queryset.model, items, name)
        yield items


class Command(RebuildCommand):
    def queryset_chunks(self, qs, chunk_size=DEFAULT_CHUNK_SIZE):
        return keyset_chunks(qs, chunk_size)
