"""The Chinese search backend on PostgreSQL (see rongmei.search.backend)."""

import re
import time
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import EmptyResultSet
from django.db import connections, transaction
from django.db.models import F, TextField
from django.db.models.expressions import RawSQL
from modelsearch.backends.database.postgres import postgres as pg
from modelsearch.backends.database.postgres.query import Lexeme
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.query import And, Boost, Or, Phrase, PlainText
from modelsearch.utils import get_content_type_pk, get_descendants_content_types_pks

from .backend import (
    EmptyQueryMixin,
    SegmentingIndexerMixin,
    combine,
    count_created_titles,
    forget_title_stats,
    indexers_for,
    query_terms,
    title_totals,
)
from .results import objects_in_rank_order

_PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")


class PostgresSegmentingIndexer(SegmentingIndexerMixin, pg.ObjectIndexer):
    def as_vector(self, texts, for_autocomplete=False):
        """``(sql, params)`` of the tsvector of ``texts``, as modelsearch's SearchVector expression
        writes it (``setweight(to_tsvector(config, text), weight) || …``), without compiling a
        Django expression for each field of each story: that was a fifth of a rebuild's time.
        The configuration and the weights (plain names and A–D) are written into the SQL, so each
        story's texts are its only parameters: psycopg converts every placeholder of a chunk's
        statement in Python."""
        texts = [(text.strip(), weight) for text, weight in texts]
        texts = [(text, weight) for text, weight in texts if text]
        if not texts:
            return "''::tsvector", []
        config = self.autocomplete_config if for_autocomplete else self.config
        parts, params = [], []
        plain_config = bool(_PLAIN_NAME.match(config))
        for text, weight in texts:
            if plain_config and weight in ("A", "B", "C", "D"):
                parts.append(f"setweight(to_tsvector('{config}'::regconfig, %s), '{weight}')")
                params.append(text)
            else:
                parts.append("setweight(to_tsvector(%s::regconfig, %s), %s)")
                params.extend((config, text, weight))
        return " || ".join(parts), params

    @cached_property
    def _entry_texts(self):
        """What modelsearch's five properties below each gather with their own walk over every
        search field (five walks of ~25 fields a story), in one walk: title and body as
        ``(text, weight)`` lists, autocomplete likewise, and the plain title and body texts."""
        title, body, autocomplete, title_text, body_text = [], [], [], [], []
        for field in self.search_fields:
            for current_field, weight, value in self.prepare_field(self.obj, field):
                if isinstance(current_field, SearchField):
                    is_title = current_field.field_name == "title"
                    (title if is_title else body).append((value, weight))
                    text = value.strip()
                    if text:
                        (title_text if is_title else body_text).append(text)
                elif isinstance(current_field, AutocompleteField):
                    autocomplete.append((value, weight))
        return title, body, autocomplete, " ".join(title_text), " ".join(body_text)

    @cached_property
    def title(self):
        return self.as_vector(self._entry_texts[0])

    @cached_property
    def body(self):
        return self.as_vector(self._entry_texts[1])

    @cached_property
    def autocomplete(self):
        return self.as_vector(self._entry_texts[2], for_autocomplete=True)

    @cached_property
    def title_text(self):
        return self._entry_texts[3]

    @cached_property
    def body_text(self):
        return self._entry_texts[4]


class EntryWriter:
    """Writes a rebuild's chunks of index entries from a second thread, on its own connection.

    A rebuild is otherwise one Python process at full CPU reading and segmenting a chunk while the
    database waits, then the database writing it while Python waits (bench/RESULTS.md, session
    12). With this the next chunk is prepared while the last one is written, so both cores work.
    One chunk at most is in flight (memory stays bounded), and a failed write is raised at the
    next chunk or at the end, stopping the rebuild there.
    """

    def __init__(self, alias):
        self.alias = alias
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rongmei-index-writer")
        self.pending = None

    def submit(self, write, rows):
        self.wait()
        self.pending = self.executor.submit(self._write, write, rows)

    def _write(self, write, rows):
        with transaction.atomic(using=self.alias):
            write(connections[self.alias], rows)

    def wait(self):
        pending, self.pending = self.pending, None
        if pending is None:
            return
        try:
            pending.result()
        except BaseException:
            self.close()  # the rebuild stops here: no thread or connection is left behind
            raise

    def close(self):
        if self.executor is None:
            return
        executor, self.executor = self.executor, None
        pending, self.pending = self.pending, None
        try:
            if pending is not None:
                pending.result()
        finally:
            # the thread's own connection (connections are per thread)
            executor.submit(lambda: connections[self.alias].close()).result()
            executor.shutdown()


class ChinesePostgresIndex(pg.PostgresIndex):
    indexer_class = PostgresSegmentingIndexer
    #: set by ChinesePostgresSearchRebuilder for the length of a rebuild
    writer: EntryWriter | None = None

    def add_items(self, model, objs):
        rows = self.entry_rows(model, objs)
        if rows is None:
            return
        writer = self.writer
        if writer is not None and not self.write_connection.in_atomic_block:
            writer.submit(self.write_entry_rows, rows)
            return
        if writer is not None:  # a caller's transaction: write in it, after what is in flight
            writer.wait()
        self.write_entry_rows(self.write_connection, rows)

    def entry_rows(self, model, objs):
        """The INSERT of ``objs``' index entries, ``(sql, params)``, or None when there is nothing
        to write. Python's part of indexing (segmenting included)."""
        # As modelsearch's PostgresIndex.add_items, with the segmenting indexer and its SQL.
        indexers = indexers_for(self, model, objs)
        if not indexers:
            return None
        IndexEntry = pg.IndexEntry
        content_type_pk = get_content_type_pk(model)
        rows_sql, data_params = [], []
        for indexer in indexers:
            row = ["%s", "%s"]
            data_params.extend((content_type_pk, indexer.id))
            for field_name in ("title", "autocomplete", "body"):
                sql, params = getattr(indexer, field_name)
                row.append(sql)
                data_params.extend(params)
            row += ["%s", "%s"]
            data_params.extend((indexer.title_text, indexer.body_text))
            rows_sql.append("(" + ", ".join(row) + ")")
        # The title norm is set by the INSERT itself, not by an UPDATE afterwards: PostgreSQL
        # writes an updated row again in full, vectors and all, and leaves the old version behind
        # as a dead row that every search for its words visited until a VACUUM (a rebuild of a
        # million left a million: a rare word's candidates took 16 ms instead of 7, bench/RESULTS.md
        # session 15). The norm is modelsearch's, average title length / this title's length, the
        # average including this batch's titles: the index's totals before the batch (the last two
        # placeholders, see write_entry_rows) plus the batch's (``batch``). An entry the batch
        # replaces is counted twice in that one average, its old title and its new one: a hair
        # among the thousands of a real index. Asking which entries already exist cost more than
        # the rest: with the table's statistics older than its growth (a build into an empty
        # index), PostgreSQL answered it by reading the whole table, 156 stories/s instead of 1,770.
        table = IndexEntry._meta.db_table
        sql = f"""
            WITH new_entries
                (content_type_id, object_id, title, autocomplete, body, title_text, body_text)
                AS (VALUES {", ".join(rows_sql)}),
            batch AS (
                SELECT coalesce(sum(length(title)), 0) AS total, count(*) AS titled
                FROM new_entries WHERE length(title) > 0
            )
            INSERT INTO {table}
                (content_type_id, object_id, title, autocomplete, body, title_norm, title_text, body_text)
            SELECT content_type_id, object_id, title, autocomplete, body,
                   coalesce(
                       (%s::float8 + batch.total) / nullif(%s::bigint + batch.titled, 0)
                       / nullif(length(title), 0),
                       1.0
                   ),
                   title_text, body_text
            FROM new_entries, batch
            ON CONFLICT (content_type_id, object_id)
            DO UPDATE SET title = EXCLUDED.title,
                          title_norm = EXCLUDED.title_norm,
                          autocomplete = EXCLUDED.autocomplete,
                          body = EXCLUDED.body,
                          title_text = EXCLUDED.title_text,
                          body_text = EXCLUDED.body_text
            RETURNING id, (xmax = 0) AS inserted, length(title)
            """  # noqa: S608
        return sql, data_params

    def write_entry_rows(self, connection, rows):
        """Run ``entry_rows``' INSERT on ``connection`` (the database's part of indexing), with the
        index's title totals as they stand before the batch, then bring the totals up to date
        with the titles it created (the lengths the INSERT returns)."""
        sql, params = rows
        total, titled = title_totals(self)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, total, titled])
            written = cursor.fetchall()
        count_created_titles(self, [length for _id, inserted, length in written if inserted])


def _fetchall_sql(connection, sql, params) -> list[tuple]:
    """The rows of a statement as plain tuples (a thousand candidates per search)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def tsquery_for(text, operator, prefix_last):
    """A raw tsquery for a query string: groups ANDed, a group of characters as a phrase."""
    parts = [
        # to_tsquery('simple', '京 出') parses the quoted text into '京' <-> '出'.
        combine([Lexeme(" ".join(group), prefix=prefix) for group, prefix in groups])
        for groups in query_terms(text, prefix_last=prefix_last)
    ]
    return combine(parts, all_of=str(operator).lower() != "or")


#: ``title || body`` of each index entry, a generated column with its own GIN index (migration 0002).
DOCUMENT_COLUMN = "rongmei_document"
DOCUMENT_GIN_INDEX = "rongmei_search_document_gin"  # its GIN index, as migration 0002 names it


class ChinesePostgresSearchQueryCompiler(pg.PostgresSearchQueryCompiler):
    #: As on SQLite: above this many matching index entries only the newest this many are ranked.
    #: modelsearch's query joins the page tables to every matching entry through a text cast of the
    #: page id and ranks them all: 0.8–2.7 s for a word in most of 100,000 stories. Here the index
    #: entries are queried directly (``ranked_window``), in one statement: a walk down their
    #: primary key that stops after N + 1 matches of the stored ``title || body`` (PostgreSQL takes
    #: its GIN index for a rare word), each one ranked and checked against the queryset's filters.
    RANK_MAX_MATCHES = 1000

    #: Set by ``ranked_window``: more than RANK_MAX_MATCHES entries matched (their exact number is
    #: not counted: that would cost the full match the cap avoids).
    capped = False

    CAPS_RANKING = True
    _ranked_window = None

    def ranked_window(self, config):
        """The visible matches, best first, as ``[(object pk, rank), …]``, built once for the count and
        the page of results; None for the queries left to modelsearch (field-restricted searches,
        negations, match-all, autocomplete, other orderings)."""
        if not (
            self.CAPS_RANKING
            and self.order_by_relevance
            and self.fields is None
            and isinstance(self.query, (PlainText, Phrase, And, Or, Boost))
        ):
            return None
        if self._ranked_window is None:
            self._ranked_window = self._build_ranked_window(config)
        return self._ranked_window

    def _build_ranked_window(self, config):
        search_query = self.build_tsquery(self.query, config=config)
        if search_query is None:
            return []
        limit = self.RANK_MAX_MATCHES
        # modelsearch's rank, on the entry's own columns: ts_rank(title) × title_norm + ts_rank(body).
        rank = self._build_rank_expression([(F("title"), F("title_norm")), (F("body"), 1.0)], config)
        content_types = get_descendants_content_types_pks(self.queryset.model)
        entries = pg.IndexEntry._default_manager
        matches = (
            entries.filter(content_type_id__in=content_types)
            .annotate(_vector_=RawSQL(f'"{DOCUMENT_COLUMN}"', [], SearchVectorField()))
            .filter(_vector_=search_query)
            .annotate(_tid_=RawSQL(f'"{entries.model._meta.db_table}".ctid', [], output_field=TextField()))
            .values_list("pk", "object_id", "_tid_")
        )
        # The candidates carry their row's address (ctid), not its vectors: a match found by a
        # bitmap scan is sorted by id with all it carries, and sorting ~1,800 rows of 2.5 KB took
        # 6 ms of a rare word's 13; the chosen thousand are read again by address (a TID scan,
        # ~2 µs a row, the same row versions: one statement, one snapshot), one by one: as a
        # plain join PostgreSQL may hash every entry of the table by its address instead.
        # The rank, compiled against the entry table's name, reads the rows joined that way. It is
        # computed for the candidates only: in the candidates' own SELECT PostgreSQL ranks every
        # match a bitmap scan finds before sorting them by id (a word with ~17,500 matches at a
        # million: 270 ms against 130 ms).
        rank_query = entries.annotate(_rank_=rank).query
        connection = connections[self.queryset.db]
        rank_sql, rank_params = rank_query.get_compiler(connection=connection).compile(
            rank_query.annotations["_rank_"]
        )
        # Which candidates the queryset lets through, asked in the same statement: for each of the
        # (at most limit + 1) candidates, its row looked up by primary key with the queryset's
        # filters (a nested loop of index probes). The candidates are materialised first, so
        # PostgreSQL cannot turn this into a join over every visible story of the archive; and one
        # statement saves a round trip, the planning of a thousand-element array (~1 ms) and its
        # quoting in Python (~3 ms). "OFFSET 0" keeps the EXISTS a probe per candidate: without
        # it PostgreSQL may answer it by hashing every visible story instead, which it judged
        # cheaper below a few hundred thousand stories (at 50,000, a very common word: 77 ms
        # against 15 ms by probes).
        model = self.queryset.model
        pk_field = model._meta.pk
        to_python = (pk_field.target_field if pk_field.is_relation else pk_field).to_python
        # The candidates are asked of the newest entries first (``id > bound``, which PostgreSQL
        # answers from the recent-entries GIN index, see RECENT_GIN_PREFIX), and of the older ones
        # only for what the newest did not fill: the LIMIT of ``older`` is what is left of the
        # window, and a LIMIT of 0 never starts its scan. Without a recent index (a build into an
        # empty index dropped it) all entries are asked at once.
        bound = recent_entries_bound(connection)
        try:
            visible_sql, visible_params = self.queryset.order_by().values_list("pk").query.sql_with_params()
            matches_sql, matches_params = matches.query.sql_with_params()
        except EmptyResultSet:  # no content type to search, or a queryset that matches nothing
            return []

        def newest(where=""):
            # The ORM's statement compiled once, narrowed here; PostgreSQL flattens the subquery,
            # so the bound is a condition on the entry table's id, as the partial index needs.
            return f"SELECT * FROM ({matches_sql}) AS matches {where} ORDER BY matches.pk DESC LIMIT {limit + 1}"

        if bound is None:
            with_sql = f"WITH candidates AS MATERIALIZED ({newest()}) "
            candidates_params = matches_params
        else:
            with_sql = (
                f"WITH recent AS MATERIALIZED ({newest(f'WHERE matches.pk > {bound:d}')}), "
                f"older AS MATERIALIZED ({newest(f'WHERE matches.pk <= {bound:d}')}), "
                "candidates AS (SELECT * FROM recent UNION ALL (SELECT * FROM older "
                f"LIMIT {limit + 1} - (SELECT count(*) FROM recent))) "
            )
            candidates_params = (*matches_params, *matches_params)
        table = connection.ops.quote_name(pg.IndexEntry._meta.db_table)
        rows = _fetchall_sql(
            connection,
            with_sql + f"SELECT candidates.pk, candidates.object_id, {rank_sql}, EXISTS ("
            f"SELECT 1 FROM ({visible_sql}) AS visible (pk) "
            f"WHERE visible.pk = CAST(candidates.object_id AS {pk_field.db_type(connection)}) OFFSET 0"
            f") FROM candidates, LATERAL (SELECT title, title_norm, body FROM {table} "
            f"WHERE {table}.ctid = candidates._tid_ OFFSET 0) AS {table}",
            (*candidates_params, *rank_params, *visible_params),
        )
        if len(rows) > limit:
            self.capped = True
            # The oldest candidate (lowest entry id) is the one past the window.
            rows.remove(min(rows, key=lambda row: row[0]))
        ranked = sorted(
            (-entry_rank, -entry_id, to_python(object_id))
            for entry_id, object_id, entry_rank, visible in rows
            if visible
        )
        return [(pk, -negative_rank) for negative_rank, _entry, pk in ranked]

    def build_tsquery_content(self, query, config=None, invert=False):
        if isinstance(query, (PlainText, Phrase)):
            operator = getattr(query, "operator", "and")
            lexemes = tsquery_for(query.query_string, operator, self.LAST_TERM_IS_PREFIX)
            if lexemes is None:
                return None
            return SearchQuery(lexemes, search_type="raw", config=config, invert=invert)
        if isinstance(query, (And, Or)):
            parts = [
                self.build_tsquery_content(subquery, config=config, invert=invert)
                for subquery in query.subqueries
            ]
            return combine(parts, all_of=isinstance(query, And) != invert)
        return super().build_tsquery_content(query, config=config, invert=invert)

    def get_search_vectors(self, search_query):
        if self.fields is None:
            return self.get_index_vectors(search_query)
        # The model's own columns are not segmented; search the segmented index columns.
        if set(self.fields) <= {"title"}:
            return [(F("index_entries__title"), F("index_entries__title_norm"))]
        return self.get_index_vectors(search_query)


class ChinesePostgresSearchResults(pg.PostgresSearchResults):
    """Relevance-ordered results come from the compiler's ``ranked_window`` (best first)."""

    def _ranked(self):
        compiler = self.query_compiler
        if compiler.queryset.query.is_sliced:
            return None
        return compiler.ranked_window(compiler.get_config(self.backend))

    def _do_search(self):
        ranked = self._ranked()
        if ranked is None:
            return super()._do_search()
        ranked = ranked[self.start : self.stop]
        return objects_in_rank_order(self.query_compiler.queryset, ranked, self._score_field)

    def _do_count(self):
        ranked = self._ranked()
        if ranked is None:
            return super()._do_count()
        return len(ranked)

    def ranking_window(self):
        """(None, N) when only the newest N matches were ranked (the total is not counted); else None."""
        self.count()  # builds the ranked window, which decides the cap
        compiler = self.query_compiler
        return (None, compiler.RANK_MAX_MATCHES) if compiler.capped else None


class ChinesePostgresAutocompleteQueryCompiler(ChinesePostgresSearchQueryCompiler):
    CAPS_RANKING = False  # titles only, a prefix query: modelsearch's query as it is
    LAST_TERM_IS_PREFIX = True
    TARGET_SEARCH_FIELD_TYPE = AutocompleteField

    def get_config(self, backend):
        return backend.autocomplete_config

    def get_search_fields_for_model(self):
        return self.queryset.model.get_autocomplete_search_fields()

    def get_index_vectors(self, search_query):
        return [(F("index_entries__autocomplete"), 1.0)]

    def get_search_vectors(self, search_query):
        return self.get_index_vectors(search_query)


def _index_entry_model():
    from wagtail.search.models import IndexEntry

    return IndexEntry


def gin_index_statements(connection) -> dict[str, str]:
    """``{name: CREATE INDEX … USING gin …}`` of every GIN index the index table should have:
    modelsearch's three (title, body, autocomplete; from the model's Meta) and the document
    column's (migration 0002). Taken from the code, not the database, so an index dropped by a
    rebuild that died before its end can still be made again."""
    model = _index_entry_model()
    statements = {}
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for index in model._meta.indexes:
            if index.__class__.__name__ == "GinIndex":
                statements[index.name] = str(index.create_sql(model, editor))
    statements[DOCUMENT_GIN_INDEX] = (
        f"CREATE INDEX {DOCUMENT_GIN_INDEX} ON {model._meta.db_table} USING gin ({DOCUMENT_COLUMN})"
    )
    return statements


#: The GIN index over the newest entries only, partial (``WHERE id > bound``), its name the prefix
#: and the bound. A search asks it first (``ChinesePostgresSearchQueryCompiler``): a word of
#: middling frequency has its newest thousand matches among the newest ~100,000 entries, where a
#: bitmap scan reads a few thousand rows; over the whole index it read one row per match (18,902 at
#: a million stories: 85 ms) or walked the primary key past ~54,000 non-matching rows (153 ms).
RECENT_GIN_PREFIX = "rongmei_search_recent_gin_"
#: How many of the newest entries a new recent index covers; it is made again over the newest
#: this many once more than twice as many are above its bound (``maintain_recent_gin_index``).
RECENT_ENTRIES = 100_000
#: Seconds a process keeps the bound it read from the catalog: a replaced index stays (superseded,
#: still valid) until the next maintenance run, much longer than this, so no search plans against
#: a bound whose index is gone.
RECENT_BOUND_SECONDS = 60
_PREDICATE = re.compile(r"^\(?id > '?(\d+)'?(?:::bigint)?\)?$")
_recent_bounds: dict[str, tuple[float, int | None]] = {}
_RECENT_UPKEEP_LOCK = 0x726D5F726563  # an advisory lock key of this upkeep's own ("rm_rec")


def recent_gin_indexes(connection) -> list[tuple[str, int, bool]]:
    """``[(name, bound, valid), …]`` of the recent-entries GIN indexes the table has, newest bound
    first. ``valid`` is False for one whose ``CREATE INDEX CONCURRENTLY`` died before its end."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_get_expr(i.indpred, i.indrelid), i.indisvalid "
            "FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND c.relname LIKE %s",
            [_index_entry_model()._meta.db_table, RECENT_GIN_PREFIX + "%"],
        )
        found = []
        for name, predicate, valid in cursor.fetchall():
            match = _PREDICATE.match(predicate or "")
            if match:
                found.append((name, int(match.group(1)), valid))
    return sorted(found, key=lambda index: -index[1])


def recent_entries_bound(connection) -> int | None:
    """The bound of the newest valid recent-entries index (entries above it are in it), or None
    when there is none (a build into an empty index dropped it): kept per process for
    RECENT_BOUND_SECONDS, so a search does not read the catalog each time."""
    now = time.monotonic()
    kept = _recent_bounds.get(connection.alias)
    if kept is not None and kept[0] > now:
        return kept[1]
    bound = next((bound for _name, bound, valid in recent_gin_indexes(connection) if valid), None)
    _recent_bounds[connection.alias] = (now + RECENT_BOUND_SECONDS, bound)
    return bound


def forget_recent_bound() -> None:
    _recent_bounds.clear()


def create_recent_gin_index(connection, *, entries=RECENT_ENTRIES) -> str:
    """Make a recent-entries index over the newest ``entries`` entries; return its name. Outside a
    transaction it is built ``CONCURRENTLY``, so indexing goes on meanwhile."""
    table = _index_entry_model()._meta.db_table
    with connection.cursor() as cursor:
        # Counted in entries, not ids: every re-index of an entry takes an id from the sequence
        # (INSERT … ON CONFLICT draws it before it finds the conflict), so ids run ahead of entries.
        cursor.execute(f"SELECT id FROM {table} ORDER BY id DESC OFFSET %s LIMIT 1", [entries])  # noqa: S608
        row = cursor.fetchone()
        bound = 0 if row is None else row[0]
        name = f"{RECENT_GIN_PREFIX}{bound}"
        create = f"ON {table} USING gin ({DOCUMENT_COLUMN}) WHERE id > {bound}"
        # More memory than the 64 MB default, so it is built in one sorted pass.
        if connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as in create_missing_gin_indexes
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} {create}")
        else:
            cursor.execute("SET maintenance_work_mem = '512MB'")
            try:
                cursor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {create}")
            finally:
                cursor.execute("RESET maintenance_work_mem")
    forget_recent_bound()
    return name


def maintain_recent_gin_index(connection, *, entries=RECENT_ENTRIES) -> dict:
    """The periodic upkeep of the recent-entries index (``rongmei.search.tasks``), also run at the
    end of a rebuild. It drops what an earlier run superseded and what a dead build left invalid,
    then makes a new index when more than ``2 × entries`` entries are above the newest one's
    bound (it then covers too much to be quick) or when there is none. A superseded index
    is dropped by the next run, not this one: processes keep the bound they read for a minute."""
    with connection.cursor() as cursor:
        # One upkeep at a time (the periodic job and a rebuild's end may meet): the other one's
        # half-built index would look invalid to this one, which would drop it.
        if connection.in_atomic_block:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_RECENT_UPKEEP_LOCK])
            if not cursor.fetchone()[0]:
                return {"dropped": [], "created": [], "busy": True}
            return _maintain_recent_gin_index(connection, entries)
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [_RECENT_UPKEEP_LOCK])
        if not cursor.fetchone()[0]:
            return {"dropped": [], "created": [], "busy": True}
        try:
            return _maintain_recent_gin_index(connection, entries)
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [_RECENT_UPKEEP_LOCK])


def _maintain_recent_gin_index(connection, entries):
    dropped, created = [], []
    indexes = recent_gin_indexes(connection)
    newest = next(((name, bound) for name, bound, valid in indexes if valid), None)
    with connection.cursor() as cursor:
        for name, _bound, _valid in indexes:
            if newest is None or name != newest[0]:
                cursor.execute(f"DROP INDEX {'' if connection.in_atomic_block else 'CONCURRENTLY '}IF EXISTS {name}")
                dropped.append(name)
        if newest is not None:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {_index_entry_model()._meta.db_table} "  # noqa: S608
                "WHERE id > %s LIMIT %s) AS above",
                [newest[1], 2 * entries + 1],
            )
            above = cursor.fetchone()[0]
    if newest is None or above > 2 * entries:
        created.append(create_recent_gin_index(connection, entries=entries))
    forget_recent_bound()
    return {"dropped": dropped, "created": created, "busy": False}


def existing_gin_indexes(connection) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [_index_entry_model()._meta.db_table, "% USING gin %"],
        )
        return {name for (name,) in cursor.fetchall()}


def drop_gin_indexes(connection) -> list[str]:
    """Drop the GIN indexes of ``gin_index_statements`` and the recent-entries ones (every entry of
    a build into an empty index is newer than their bound); return their names."""
    names = sorted(existing_gin_indexes(connection) & set(gin_index_statements(connection)))
    names += [name for name, _bound, _valid in recent_gin_indexes(connection)]
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    forget_recent_bound()
    return names


def create_missing_gin_indexes(connection) -> list[str]:
    """Build the GIN indexes the index table lacks (after ``drop_gin_indexes``), with more memory
    than PostgreSQL's 64 MB default for maintenance so each is built in one sorted pass."""
    missing = {
        name: sql
        for name, sql in gin_index_statements(connection).items()
        if name not in existing_gin_indexes(connection)
    }
    if missing:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            # Django's foreign keys are checked at commit; PostgreSQL builds no index on a table
            # with such checks pending in the transaction, so they are run now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for sql in missing.values():
                cursor.execute(sql)
    return sorted(missing)


def vacuum_index_table(connection) -> None:
    """``VACUUM (ANALYZE)`` the index table, outside any transaction (VACUUM refuses one).

    A rebuild of an index that has entries replaces each of them (``ON CONFLICT DO UPDATE``): the
    old versions stay in the table, and in its GIN indexes, as dead rows until a VACUUM. Every
    search for a word then reads twice the rows, live and dead, and a rare word's candidates took
    twice as long at a million stories (bench/RESULTS.md, session 15). Autovacuum would get there in
    its own time, slowly on a table this wide, and not at all where it is turned off. ANALYZE gives
    the planner the table's new size. Measured at a million stories: 53 s with a million dead rows,
    1 s after a build into an empty index (no dead rows)."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(_index_entry_model()._meta.db_table)}")


class ChinesePostgresSearchRebuilder(pg.PostgresSearchRebuilder):
    """``update_index`` on PostgreSQL.

    Into an empty index (a first build, an archive imported, a reset) the entries are written
    without the four GIN indexes, which are built once at the end: PostgreSQL otherwise adds each
    story's few hundred words to four inverted indexes row by row, most of a rebuild's database
    time (bench/search.py). Searches during such a build find nothing either way. Rebuilding an
    index that has entries keeps its GIN indexes, so searches stay fast meanwhile; it also makes
    again any GIN index a build that died before its end left missing.

    modelsearch's ``finish`` rewrites the title norm of every entry (at a million stories, a
    million non-HOT updates, each adding the row's words to every GIN index again); here the norms
    were already set batch by batch, by each batch's INSERT, so it is left out. The rebuild ends
    with a ``VACUUM (ANALYZE)`` of the table (``vacuum_index_table``).
    """

    dropped: list[str] = []

    def start(self):
        index = super().start()
        connection = self.index.write_connection
        forget_title_stats(self.index.entries.db)
        if self.index.entries.exists():
            create_missing_gin_indexes(connection)
        else:
            self.dropped = drop_gin_indexes(connection)
        if not connection.in_atomic_block:
            # A caller's transaction would be invisible to a second connection (its stories
            # included): then every chunk is written inline, in that transaction.
            index.writer = EntryWriter(connection.alias)
        return index

    def finish(self):
        writer, self.index.writer = self.index.writer, None
        if writer is not None:
            writer.close()
        connection = self.index.write_connection
        create_missing_gin_indexes(connection)
        maintain_recent_gin_index(connection)
        if not connection.in_atomic_block:
            vacuum_index_table(connection)


class ChinesePostgresSearchAtomicRebuilder(pg.PostgresSearchAtomicRebuilder):
    """The rebuild in one transaction (``ATOMIC_REBUILD``): readers see the old index until it
    commits, so the GIN indexes stay (dropping one would lock the table for the whole rebuild);
    the title norms were set batch by batch, as above."""

    def finish(self):
        self.transaction.__exit__(None, None, None)
        self.transaction_opened = False


class ChinesePostgresSearchBackend(EmptyQueryMixin, pg.PostgresSearchBackend):
    results_class = ChinesePostgresSearchResults
    rebuilder_class = ChinesePostgresSearchRebuilder
    atomic_rebuilder_class = ChinesePostgresSearchAtomicRebuilder
    query_compiler_class = ChinesePostgresSearchQueryCompiler
    autocomplete_query_compiler_class = ChinesePostgresAutocompleteQueryCompiler
    index_class = ChinesePostgresIndex

    def __init__(self, params):
        # A rebuild is not one transaction unless asked for (ATOMIC_REBUILD): entries are written
        # batch by batch, searches keep working meanwhile, and a build into an empty index can
        # leave its GIN indexes to the end (ChinesePostgresSearchRebuilder).
        super().__init__({"ATOMIC_REBUILD": False, **params})
        # The text is already segmented: 'simple' lower-cases and splits on the spaces, with
        # no stemming or stop words that would drop or change tokens.
        self.config = params.get("SEARCH_CONFIG") or "simple"
        self.autocomplete_config = "simple"
