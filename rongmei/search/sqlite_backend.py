"""The Chinese search backend on SQLite FTS5 (see rongmei.search.backend)."""

import json

from django.db import connections, transaction
from django.db.models import Exists, ExpressionWrapper, F, FloatField, Func, IntegerField, OuterRef, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from modelsearch.backends.database.sqlite import sqlite as ms_sqlite
from modelsearch.backends.database.sqlite.query import (
    LexemeCombinable,
    MatchExpression,
    SearchQueryExpression,
    normalize,
)
from modelsearch.index import AutocompleteField
from modelsearch.query import And, Boost, MatchAll, Not, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from .backend import (
    EmptyQueryMixin,
    SegmentingIndexerMixin,
    combine,
    forget_title_stats,
    indexers_for,
    query_terms,
    refresh_batch_title_norms,
)
from .results import objects_in_rank_order

#: bm25() column weights on the FTS5 table (columns: autocomplete, body, title). A headline hit
#: counts five times a body hit; the autocomplete column is a copy of the title and only counts
#: for autocomplete queries.
SEARCH_BM25_WEIGHTS = (0.0, 1.0, 5.0)
AUTOCOMPLETE_BM25_WEIGHTS = (1.0, 0.0, 0.0)


class SQLiteSegmentingIndexer(SegmentingIndexerMixin, ms_sqlite.ObjectIndexer):
    pass


class ChineseSQLiteIndex(ms_sqlite.SQLiteIndex):
    indexer_class = SQLiteSegmentingIndexer

    def add_items(self, model, objs):
        # As modelsearch's SQLiteIndex.add_items, with the segmenting indexer, one bulk update for
        # changed entries instead of one UPDATE per entry, and title_norm reset on change (the
        # title's length changes, so its norm must be recomputed).
        indexers = indexers_for(self, model, objs)
        if not indexers:
            return
        IndexEntry = ms_sqlite.IndexEntry
        content_type_pk = get_content_type_pk(model)
        data = {indexer.id: (indexer.title, indexer.autocomplete, indexer.body) for indexer in indexers}
        existing = dict(
            self.entries.filter(content_type_id=content_type_pk, object_id__in=list(data))
            .values_list("object_id", "pk")
            .iterator()
        )
        changed, created = [], []
        for object_id, (title, autocomplete, body) in data.items():
            entry = IndexEntry(
                content_type_id=content_type_pk,
                object_id=object_id,
                title=title,
                autocomplete=autocomplete,
                body=body,
                title_norm=1.0,
            )
            if object_id in existing:
                entry.pk = existing[object_id]
                changed.append(entry)
            else:
                created.append(entry)
        with transaction.atomic(using=self.entries.db):  # one commit a chunk in a rebuild
            if changed:
                IndexEntry._default_manager.bulk_update(
                    changed, ["title", "autocomplete", "body", "title_norm"], batch_size=500
                )
            if created:
                self.entries.bulk_create(created, batch_size=500)
            refresh_batch_title_norms(self, content_type_pk, data, [entry.object_id for entry in created])


#: The FTS5 table of the newest index entries (migration 0003_recent_entries_fts, SQLite only).
RECENT_TABLE = "rongmei_search_recent_fts"


RECENT_SIZE_TABLE = "rongmei_search_recent_size"


def _has_recent_table(connection) -> bool:
    """Whether the recent entries' table exists and is current (not paused by a rebuild under way)."""
    known = connection.__dict__.get("_rongmei_recent_fts")
    if known is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [RECENT_TABLE])
            known = cursor.fetchone() is not None
        connection.__dict__["_rongmei_recent_fts"] = known
    if not known:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT paused FROM {RECENT_SIZE_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return row is not None and not row[0]


def pause_recent_table(connection) -> None:
    """Stop copying entries into the recent table (a full rebuild writes them all)."""
    if connection.vendor == "sqlite" and _table_exists(connection, RECENT_TABLE):
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {RECENT_SIZE_TABLE} SET paused = 1 WHERE id = 1")


def refill_recent_table(connection) -> None:
    """Make the recent table hold the newest entries again, and resume its triggers.

    Emptied by dropping and creating it (deleting 30,000 rows one by one costs seconds), then filled
    with one INSERT … SELECT of the newest entries.
    """
    if connection.vendor != "sqlite" or not _table_exists(connection, RECENT_TABLE):
        return
    entries = ms_sqlite.IndexEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {RECENT_TABLE}")
        cursor.execute(f"CREATE VIRTUAL TABLE {RECENT_TABLE} USING fts5(autocomplete, body, title)")
        cursor.execute(
            f"INSERT INTO {RECENT_TABLE} (rowid, autocomplete, body, title) "
            f"SELECT id, autocomplete, body, title FROM {entries} WHERE id > "
            f"(SELECT coalesce(max(id), 0) FROM {entries}) - (SELECT entries FROM {RECENT_SIZE_TABLE} WHERE id = 1)"
        )
        cursor.execute(f"UPDATE {RECENT_SIZE_TABLE} SET paused = 0 WHERE id = 1")


def _table_exists(connection, name) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [name])
        return cursor.fetchone() is not None


def _fetchall(queryset) -> list[tuple]:
    """The rows of a values_list queryset as plain tuples, without Django's per-row conversion
    (thousands of candidate rows per search)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class RawFTSQuery(LexemeCombinable, Value):
    """An already-built FTS5 query string (tokens quoted by ``_fts_query``)."""

    def as_sql(self, compiler, connection):
        return "%s", [self.value]


def _fts_phrase(group, prefix=False):
    return '"' + " ".join(group).replace('"', '""') + '"' + ("*" if prefix else "")


def _fts_query(text, operator, prefix_last):
    """FTS5 MATCH text for a query string, or None when it has no searchable token."""
    parts = [
        "(" + " AND ".join(_fts_phrase(group, prefix=prefix) for group, prefix in groups) + ")"
        for groups in query_terms(text, prefix_last=prefix_last)
    ]
    if not parts:
        return None
    joiner = " OR " if str(operator).lower() == "or" else " AND "
    return "(" + joiner.join(parts) + ")"


class WeightedBM25(Func):
    output_field = FloatField()

    def __init__(self, weights):
        self.weights = weights
        super().__init__()

    def as_sql(self, compiler, connection, function=None, template=None):
        table = ms_sqlite.SQLiteFTSIndexEntry._meta.db_table
        return f"bm25({table}, {', '.join(str(float(w)) for w in self.weights)})", []


class ChineseSQLiteSearchQueryCompiler(ms_sqlite.SQLiteSearchQueryCompiler):
    BM25_WEIGHTS = SEARCH_BM25_WEIGHTS
    #: Above this many full-text matches only the newest this many are ranked. Each candidate costs
    #: a bm25() score (~2 µs) and a check against the queryset's filters (~3 µs: three primary-key
    #: lookups), whatever the archive's size: 5,000 took ~35–40 ms of CPU a search, 2,000 ~18–24 ms,
    #: 1,000 ~11–14 ms at 100,000 stories with the recent entries' table
    #: (issue 12: p95 ≤ 30 ms at 1,000,000 stories; docs/decisions/0027-search-at-a-million.md).
    #: Readers of a newsroom's archive want the recent stories of such a word anyway, and narrow it
    #: with more words or the filters (the page says so). "Newest" is the highest FTS rowid: a
    #: story's index entry is created when it is first indexed and keeps its id when it changes.
    RANK_MAX_MATCHES = 1000

    #: Set by ``ranked_entries``: how many rows matched the words before the cap, and whether the cap cut.
    matched_before_cap = None

    def build_search_query_content(self, query, config=None):
        if isinstance(query, (PlainText, Phrase)):
            # A phrase is matched like plain text: the index interleaves a long word's parts with
            # the word itself, so token positions cannot express "these words in this order".
            operator = getattr(query, "operator", "and")
            fts = _fts_query(query.query_string, operator, self.LAST_TERM_IS_PREFIX)
            return SearchQueryExpression(RawFTSQuery(fts)) if fts else None
        if isinstance(query, (And, Or)):
            parts = [
                self.build_search_query_content(subquery, config=config) for subquery in query.subqueries
            ]
            return combine(parts, all_of=isinstance(query, And))
        if isinstance(query, Boost):
            return self.build_search_query_content(query.subquery, config=config)
        return super().build_search_query_content(query, config=config)

    def build_tsrank(self, vector, query, config=None, boost=1.0):
        if isinstance(query, (Phrase, PlainText, Not)):
            rank = WeightedBM25(self.BM25_WEIGHTS)
            return rank * boost if boost != 1.0 else rank
        if isinstance(query, Boost):
            return self.build_tsrank(vector, query.subquery, config=config, boost=boost * query.boost)
        return super().build_tsrank(vector, query, config=config, boost=boost)

    def get_search_vectors(self):
        # Used by modelsearch's own search() (results not ordered by relevance, facets): bm25()
        # already scores all columns with their weights; scaled for short headlines as there.
        return [(None, 1.0 + F("index_entry__title_norm"))]

    #: When the newest RANK_MAX_MATCHES matches suggest at most this many in all, they are counted
    #: exactly (FTS5 counts ~1–2 million matches a second); above it the total is estimated from
    #: how densely the newest matches fill the newest index entries, and shown as "about".
    EXACT_COUNT_MAX = 20_000

    #: Set by ``ranked_window``: how many rows matched the words before the cap (exact, or an
    #: estimate rounded to two significant digits for a very common word), whether the cap cut.
    matched_before_cap = None

    _ranked_window = None

    def ranked_window(self):
        """``_build_ranked_window``, built once: the count and the page of results share it."""
        if self._ranked_window is None:
            self._ranked_window = self._build_ranked_window()
        return self._ranked_window

    def _match(self):
        """The MATCH condition for the query, or None for the shapes left to modelsearch
        (negations, match-all) and for queries without a searchable token."""
        query = normalize(self.query)
        if isinstance(query, (MatchAll, Not)) or not isinstance(query, (PlainText, Phrase, And, Or, Boost)):
            return None
        search_query = self.build_search_query(query)
        if search_query is None:
            return None
        return MatchExpression(self.fields or self.FTS_TABLE_FIELDS, search_query)

    def _build_ranked_window(self):
        """The visible matches, best first, as ``[(index entry id, score), …]``; None when not ours.

        Three statements, none of which grows with the archive for a common word:

        1. FTS5 alone: the newest RANK_MAX_MATCHES + 1 matching rows (FTS5 walks the words' rowids
           newest first and stops at the LIMIT) with their bm25() scores (title 5 : body 1; bm25
           normalises by field length). A rare word returns all its matches here.
        2. Which of them the queryset lets through: each index entry by primary key, then its
           object through the queryset's filters.

        Sorting the survivors by score happens here (at most RANK_MAX_MATCHES of them). The
        earlier version joined the filters into the ranked statement and ran it twice (count and
        page), and counted every match of the words: 128–170 ms p95 at 1,000,000 stories.
        """
        match = self._match()
        if match is None:
            return None
        limit = self.RANK_MAX_MATCHES
        candidates = self._recent_candidates(match, limit)
        if candidates is None or len(candidates) <= limit:
            # Not enough matches among the recent entries to fill the window (or no such table):
            # the whole index, where such a word's count for bm25() is small.
            candidates = _fetchall(
                ms_sqlite.SQLiteFTSIndexEntry.objects.filter(match)
                .annotate(score=WeightedBM25(self.BM25_WEIGHTS))
                .order_by("-index_entry_id")
                .values_list("index_entry_id", "score")[: limit + 1]
            )
        if len(candidates) > limit:
            candidates = candidates[:limit]
            self.matched_before_cap = self._total_matches(match, candidates)
        else:
            self.matched_before_cap = len(candidates)
        if not candidates:
            return []
        # Which candidates the queryset lets through, in one statement: the candidates' ids travel
        # as one JSON parameter (a 5,000-item IN list costs Django ~40 ms to build), each is looked
        # up by primary key, then its object through the queryset's filters (EXISTS, correlated:
        # `pk__in=queryset` would make SQLite list every visible story first).
        pk_field = self.queryset.model._meta.pk
        object_pk = pk_field.target_field if pk_field.is_relation else pk_field
        candidate = self.queryset.order_by().filter(pk=Cast(OuterRef("object_id"), object_pk.__class__()))
        visible = {
            row[0]
            for row in _fetchall(
                ms_sqlite.IndexEntry._default_manager.alias(
                    # "+ 0": the unique (content type, object id) index would make SQLite walk
                    # every entry of the content type; the candidates' primary keys must drive.
                    _content_type=ExpressionWrapper(F("content_type_id") + 0, output_field=IntegerField())
                )
                .filter(
                    pk__in=RawSQL(
                        "SELECT value FROM json_each(%s)",
                        [json.dumps([entry_id for entry_id, _score in candidates])],
                    ),
                    _content_type__in=get_descendants_content_types_pks(self.queryset.model),
                )
                .filter(Exists(candidate))
                .values_list("pk")
            )
        }
        # bm25() is lower for a better match; ties: the newer entry first.
        ranked = sorted(((score, -entry_id) for entry_id, score in candidates if entry_id in visible))
        return [(-negative_id, score) for score, negative_id in ranked]

    def _recent_candidates(self, match, limit):
        """The newest ``limit + 1`` matches among the recent entries (migration 0003's table) with
        their bm25() scores, or None where that table does not exist.

        A word that fills the window there gets the same rows as from the whole index (the
        newest matches), scored with the IDF of the recent entries instead of all of them: bm25()
        counts every matching row for its IDF, ~40 ms for a word in most of a million stories and
        ~2 ms among 30,000. For one word the order is the same (the IDF scales every score alike);
        for several, their IDFs come from a sample of the archive's newest 30,000 stories.
        """
        connection = connections[self.queryset.db]
        if not _has_recent_table(connection):
            return None
        compiler = ms_sqlite.SQLiteFTSIndexEntry.objects.all().query.get_compiler(connection=connection)
        _template, (match_text,) = match.as_sql(compiler, connection)
        weights = ", ".join(str(float(weight)) for weight in self.BM25_WEIGHTS)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, bm25({RECENT_TABLE}, {weights}) FROM {RECENT_TABLE} "
                f"WHERE {RECENT_TABLE} MATCH %s ORDER BY rowid DESC LIMIT %s",
                [match_text, limit + 1],
            )
            return cursor.fetchall()

    def object_pks(self, entry_ids):
        """{index entry id: object pk} for a page of ranked entries."""
        pk_field = self.queryset.model._meta.pk
        to_python = (pk_field.target_field if pk_field.is_relation else pk_field).to_python
        return {
            entry_id: to_python(object_id)
            for entry_id, object_id in ms_sqlite.IndexEntry._default_manager.filter(
                pk__in=entry_ids
            ).values_list("pk", "object_id")
        }

    def _total_matches(self, match, newest):
        """How many rows match, ``newest`` being the newest RANK_MAX_MATCHES of them (rowid desc)."""
        entries = ms_sqlite.IndexEntry._default_manager
        top, floor = newest[0][0], newest[-1][0]
        lowest = entries.order_by("pk").values_list("pk", flat=True).first() or floor
        # The newest matches fill (top - floor + 1) entries; the older ones are assumed as dense.
        estimate = len(newest) * (top - lowest + 1) / (top - floor + 1)
        if estimate <= self.EXACT_COUNT_MAX:
            return ms_sqlite.SQLiteFTSIndexEntry.objects.filter(match).count()
        return int(float(f"{estimate:.2g}"))


class ChineseSQLiteAutocompleteQueryCompiler(ChineseSQLiteSearchQueryCompiler):
    LAST_TERM_IS_PREFIX = True
    TARGET_SEARCH_FIELD_TYPE = AutocompleteField
    FTS_TABLE_FIELDS = ["autocomplete"]
    BM25_WEIGHTS = AUTOCOMPLETE_BM25_WEIGHTS

    def get_config(self, backend):
        return backend.autocomplete_config

    def get_search_fields_for_model(self):
        return self.queryset.model.get_autocomplete_search_fields()

    def get_search_vectors(self):
        return [(None, 1.0)]


class ChineseSQLiteSearchResults(ms_sqlite.SQLiteSearchResults):
    """Relevance-ordered results come from the compiler's ``ranked_window`` (best first)."""

    def _ranked(self):
        compiler = self.query_compiler
        if not compiler.order_by_relevance or compiler.queryset.query.is_sliced:
            return None
        return compiler.ranked_window()

    def _do_search(self):
        ranked = self._ranked()
        if ranked is None:
            return super()._do_search()
        ranked = ranked[self.start : self.stop]
        pks = self.query_compiler.object_pks([entry_id for entry_id, _score in ranked])
        ranked = [(pks.get(entry_id), score) for entry_id, score in ranked]
        return objects_in_rank_order(self.query_compiler.queryset, ranked, self._score_field)

    def ranking_window(self):
        """(words matched in about how many index entries, how many of the newest were ranked) when
        the cap of ``RANK_MAX_MATCHES`` cut the ranking; None when every match was ranked."""
        compiler = self.query_compiler
        self.count()  # counting builds the ranked window, which records the matches before the cap
        total = compiler.matched_before_cap
        if total is None or total <= compiler.RANK_MAX_MATCHES:
            return None
        return total, compiler.RANK_MAX_MATCHES

    def _do_count(self):
        ranked = self._ranked()
        if ranked is None:
            return super()._do_count()
        return len(ranked)


class RecentTableRebuilding:
    """A full rebuild (``update_index``) pauses the recent table's triggers and fills it at the end."""

    def start(self):
        forget_title_stats(self.index.entries.db)
        pause_recent_table(self.index.write_connection)
        return super().start()

    def finish(self):
        super().finish()
        refill_recent_table(self.index.write_connection)


class ChineseSQLiteSearchRebuilder(RecentTableRebuilding, ms_sqlite.SQLiteSearchRebuilder):
    pass


class ChineseSQLiteSearchAtomicRebuilder(RecentTableRebuilding, ms_sqlite.SQLiteSearchAtomicRebuilder):
    pass


class ChineseSQLiteSearchBackend(EmptyQueryMixin, ms_sqlite.SQLiteSearchBackend):
    results_class = ChineseSQLiteSearchResults
    rebuilder_class = ChineseSQLiteSearchRebuilder
    atomic_rebuilder_class = ChineseSQLiteSearchAtomicRebuilder
    query_compiler_class = ChineseSQLiteSearchQueryCompiler
    autocomplete_query_compiler_class = ChineseSQLiteAutocompleteQueryCompiler
    index_class = ChineseSQLiteIndex
