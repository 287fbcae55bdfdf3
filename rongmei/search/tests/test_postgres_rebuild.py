"""PostgreSQL: a rebuild into an empty index builds its GIN indexes once at the end; a rebuild of
an index with entries keeps them (ChinesePostgresSearchRebuilder, decision 0027)."""

import pytest
from django.core.management import call_command
from django.db import connection

if connection.vendor != "postgresql":
    pytest.skip("the GIN indexes are PostgreSQL's", allow_module_level=True)

from wagtail.search.backends import get_search_backend  # noqa: E402
from wagtail.search.models import IndexEntry  # noqa: E402

from rongmei.newsroom.models import StoryPage  # noqa: E402
from rongmei.search import postgres_backend  # noqa: E402

pytestmark = pytest.mark.django_db

KNOWN = set(postgres_backend.gin_index_statements(connection))


def gin_indexes() -> set:
    return postgres_backend.existing_gin_indexes(connection) & KNOWN


def recent_indexes() -> list[str]:
    return [name for name, _bound, valid in postgres_backend.recent_gin_indexes(connection) if valid]


def titles(query):
    return [page.title for page in StoryPage.objects.live().search(query)]


def test_the_four_gin_indexes_are_known_and_exist_after_migrate():
    assert postgres_backend.DOCUMENT_GIN_INDEX in KNOWN
    assert len(KNOWN) == 4  # title, body, autocomplete (modelsearch) and the document column
    assert gin_indexes() == KNOWN


def test_a_rebuild_into_an_empty_index_writes_without_gin_indexes_and_builds_them_at_the_end(newsroom):
    newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    IndexEntry.objects.all().delete()
    backend = get_search_backend()
    index = backend.get_index_for_model(StoryPage)
    rebuilder = backend.rebuilder_class(index)
    assert isinstance(rebuilder, postgres_backend.ChinesePostgresSearchRebuilder)

    recent_before = recent_indexes()
    assert len(recent_before) == 1  # the migration's

    index = rebuilder.start()
    assert gin_indexes() == set() and recent_indexes() == []
    assert set(rebuilder.dropped) == KNOWN | set(recent_before)
    index.add_items(StoryPage, list(StoryPage.objects.all()))
    rebuilder.finish()

    assert gin_indexes() == KNOWN
    assert len(recent_indexes()) == 1  # made again over the newest entries
    assert titles("通车") == ["桥梁通车"]


def test_a_rebuild_of_an_index_with_entries_keeps_its_gin_indexes_and_remakes_a_missing_one(newsroom):
    newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX {postgres_backend.DOCUMENT_GIN_INDEX}")
    backend = get_search_backend()
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(StoryPage))

    rebuilder.start()

    assert rebuilder.dropped == []
    assert gin_indexes() == KNOWN


def test_update_index_leaves_the_gin_indexes_and_the_title_norms_in_place(newsroom):
    short = newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    long = newsroom.add_story(title="城市书房开放夜读", body="<p>书房开到夜里十点。</p>", publish=True)
    IndexEntry.objects.all().delete()

    call_command("update_index", verbosity=0)

    assert gin_indexes() == KNOWN
    assert titles("通车") == ["桥梁通车"]
    norms = dict(IndexEntry.objects.values_list("object_id", "title_norm"))
    # average title length / this title's length: the shorter title weighs more, neither is 1.0
    assert norms[str(short.pk)] > 1.0 > norms[str(long.pk)]


def test_the_rebuild_is_not_one_transaction_unless_asked_for():
    backend = get_search_backend()
    assert backend.rebuilder_class is postgres_backend.ChinesePostgresSearchRebuilder
    atomic = postgres_backend.ChinesePostgresSearchBackend({"ATOMIC_REBUILD": True})
    assert atomic.rebuilder_class is postgres_backend.ChinesePostgresSearchAtomicRebuilder


@pytest.mark.parametrize("for_autocomplete", [False, True])
def test_the_indexer_s_sql_gives_the_tsvector_modelsearch_s_expression_gives(newsroom, for_autocomplete):
    from modelsearch.backends.database.postgres import postgres as pg

    story = newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    indexer = postgres_backend.PostgresSegmentingIndexer(story, get_search_backend())
    texts = [("桥梁 通车 Bridge", "A"), ("  ", "B"), ("新桥 今天 通车 2026", "D")]

    sql, params = indexer.as_vector(texts, for_autocomplete=for_autocomplete)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", params)
        ours = cursor.fetchone()[0]
    expression = pg.ObjectIndexer.as_vector(indexer, texts, for_autocomplete=for_autocomplete)
    theirs = IndexEntry.objects.annotate(v=expression).values_list("v", flat=True)[:1]
    theirs = list(theirs)[0]

    assert ours == str(theirs)
    assert "'bridge':3A" in ours and "'2026':" in ours
    assert indexer.as_vector([("  ", "A")]) == ("''::tsvector", [])


def _entries():
    from django.contrib.contenttypes.models import ContentType

    stories = IndexEntry.objects.filter(content_type=ContentType.objects.get_for_model(StoryPage))
    return sorted(stories.values_list("object_id", "title", "autocomplete", "body", "title_text", "body_text"))


@pytest.mark.django_db(transaction=True)
def test_update_index_writes_from_a_second_thread_and_gives_the_entries_a_single_thread_gives(
    newsroom, monkeypatch
):
    import threading

    for n in range(5):
        story = newsroom.add_story(title=f"桥梁{n}号通车", body=f"<p>新桥第{n}座今天通车。</p>", publish=True)
    story.tags.add("蹴鞠联赛")
    story.save()
    index = get_search_backend().get_index_for_model(StoryPage)
    IndexEntry.objects.all().delete()
    index.add_items(StoryPage, list(StoryPage.objects.all()))  # no rebuilder: written inline
    inline = _entries()
    assert any("蹴鞠" in row[3] for row in inline)

    writers = []
    write = postgres_backend.ChinesePostgresIndex.write_entry_rows

    def recording(self, connection, rows):
        writers.append((threading.current_thread().name, connection is not index.write_connection))
        return write(self, connection, rows)

    monkeypatch.setattr(postgres_backend.ChinesePostgresIndex, "write_entry_rows", recording)
    IndexEntry.objects.all().delete()
    call_command("update_index", "--chunk_size", "2", verbosity=0)

    assert _entries() == inline
    story_chunks = [w for w in writers if w[0].startswith("rongmei-index-writer")]
    assert len(story_chunks) >= 3  # five stories in chunks of two, each from the writer thread
    assert all(own_connection for _name, own_connection in story_chunks)
    assert gin_indexes() == KNOWN
    assert titles("蹴鞠") == [story.title]
    assert not [t for t in threading.enumerate() if t.name.startswith("rongmei-index-writer")]


@pytest.mark.django_db(transaction=True)
def test_a_failed_write_stops_the_rebuild_with_its_error_and_the_next_rebuild_completes(newsroom, monkeypatch):
    for n in range(4):
        newsroom.add_story(title=f"桥梁{n}号通车", body="<p>新桥今天通车。</p>", publish=True)
    IndexEntry.objects.all().delete()
    write = postgres_backend.ChinesePostgresIndex.write_entry_rows
    calls = []

    def failing(self, connection, rows):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("磁盘已满")
        return write(self, connection, rows)

    monkeypatch.setattr(postgres_backend.ChinesePostgresIndex, "write_entry_rows", failing)
    with pytest.raises(RuntimeError, match="磁盘已满"):
        call_command("update_index", "--chunk_size", "1", verbosity=0)
    monkeypatch.setattr(postgres_backend.ChinesePostgresIndex, "write_entry_rows", write)

    call_command("update_index", verbosity=0)

    assert gin_indexes() == KNOWN
    assert len(titles("通车")) == 4


def _index_table_changes():
    """(rows inserted, rows updated) in the index table by this transaction so far."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_ins, n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [IndexEntry._meta.db_table],
        )
        row = cursor.fetchone()
    return row or (0, 0)


def test_a_batch_s_title_norms_are_written_by_its_insert_not_by_an_update(newsroom):
    # An UPDATE rewrites the whole row (vectors and all) and leaves a dead copy that every search
    # for its words visits until a VACUUM: the norms go into the INSERT.
    from rongmei.search.backend import forget_title_stats

    newsroom.add_story(title="城市书房开放夜读", body="<p>书房开到夜里十点。</p>", publish=True)
    short = newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    long = newsroom.add_story(title="黄河流域生态保护座谈会召开", body="<p>座谈会在淄博召开。</p>", publish=True)
    batch = [short, long]
    IndexEntry.objects.filter(object_id__in=[str(story.pk) for story in batch]).delete()
    forget_title_stats(connection.alias)
    inserted, updated = _index_table_changes()

    get_search_backend().get_index_for_model(StoryPage).add_items(StoryPage, batch)

    now_inserted, now_updated = _index_table_changes()
    assert (now_inserted - inserted, now_updated - updated) == (2, 0)
    # modelsearch's average: over every titled entry, the batch's own titles included
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT avg(length(title)) FROM {IndexEntry._meta.db_table} WHERE length(title) > 0")
        average = float(cursor.fetchone()[0])
    rows = IndexEntry.objects.filter(object_id__in=[str(story.pk) for story in batch])
    rows = rows.extra(select={"length": "length(title)"}).values_list("object_id", "title_norm", "length")
    norms = {object_id: (norm, length) for object_id, norm, length in rows}
    for story in batch:
        norm, length = norms[str(story.pk)]
        assert norm == pytest.approx(average / length)
    assert norms[str(short.pk)][0] > norms[str(long.pk)][0]


def test_the_first_batch_of_an_empty_index_gets_its_norms_from_its_own_titles(newsroom):
    # No title in the index before the first batch: its INSERT takes the average from its own titles.
    from rongmei.search.backend import forget_title_stats

    short = newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    long = newsroom.add_story(title="黄河流域生态保护座谈会召开", body="<p>座谈会在淄博召开。</p>", publish=True)
    IndexEntry.objects.all().delete()
    forget_title_stats(connection.alias)

    get_search_backend().get_index_for_model(StoryPage).add_items(StoryPage, [short, long])

    rows = IndexEntry.objects.extra(select={"length": "length(title)"}).values_list("title_norm", "length")
    average = sum(length for _norm, length in rows) / len(rows)
    assert sorted(norm for norm, _length in rows) == pytest.approx(sorted(average / length for _n, length in rows))
    assert all(norm != 1.0 for norm, _length in rows)


def _last_vacuum():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = %s",
            [IndexEntry._meta.db_table],
        )
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_ends_with_a_vacuum_of_the_index_table(newsroom):
    # A rebuild of an index with entries replaces each one; the old versions are dead rows that
    # searches visit until a VACUUM, so the rebuild ends with one (and an ANALYZE).
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        newsroom.add_story(title=f"桥梁{n}号通车", body="<p>新桥今天通车。</p>", publish=True)
    vacuumed_before, analysed_before = _last_vacuum()

    with CaptureQueriesContext(connection) as queries:
        call_command("update_index", verbosity=0)

    vacuums = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("VACUUM")]
    assert vacuums == [f'VACUUM (ANALYZE) "{IndexEntry._meta.db_table}"']
    vacuumed, analysed = _last_vacuum()
    assert vacuumed is not None and (vacuumed_before is None or vacuumed > vacuumed_before)
    assert analysed is not None and (analysed_before is None or analysed > analysed_before)
    assert len(titles("通车")) == 3


def test_the_recent_entries_index_moves_once_twice_its_size_is_above_its_bound(newsroom):
    def story(n):
        newsroom.add_story(title=f"第{n}条", body="<p>新桥今天通车。</p>", publish=True)

    for n in range(5):
        story(n)
    entries = IndexEntry.objects.count()
    ids = list(IndexEntry.objects.order_by("-pk").values_list("pk", flat=True))
    ((migrations_index, bound, _valid),) = postgres_backend.recent_gin_indexes(connection)
    assert bound == 0  # the migration's, over an empty table

    # Every entry is above its bound: no more than twice as many as it is for.
    nothing = {"dropped": [], "created": [], "busy": False}
    assert postgres_backend.maintain_recent_gin_index(connection, entries=entries) == nothing
    # More than twice two: a new index over the newest two entries (counted in entries: a
    # re-indexed story takes a new id without a new entry); the old one stays for one run.
    done = postgres_backend.maintain_recent_gin_index(connection, entries=2)
    assert done == {"dropped": [], "created": [f"rongmei_search_recent_gin_{ids[2]}"], "busy": False}
    assert postgres_backend.recent_entries_bound(connection) == ids[2]
    done = postgres_backend.maintain_recent_gin_index(connection, entries=2)
    assert done == {"dropped": [migrations_index], "created": [], "busy": False}

    story(5)
    story(6)  # four above the bound: not yet
    assert postgres_backend.maintain_recent_gin_index(connection, entries=2) == nothing
    story(7)
    newest = IndexEntry.objects.order_by("-pk").values_list("pk", flat=True)[2]
    done = postgres_backend.maintain_recent_gin_index(connection, entries=2)
    assert done["created"] == [f"rongmei_search_recent_gin_{newest}"]
    assert postgres_backend.recent_entries_bound(connection) == newest


def test_an_invalid_recent_index_is_dropped_and_none_is_left_without_one(newsroom):
    newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    (name, _bound, _valid), = postgres_backend.recent_gin_indexes(connection)
    with connection.cursor() as cursor:
        # What a CREATE INDEX CONCURRENTLY that died halfway leaves: an index marked invalid.
        cursor.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = %s::regclass", [name])
    postgres_backend.forget_recent_bound()
    assert postgres_backend.recent_entries_bound(connection) is None  # searches go without it

    done = postgres_backend.maintain_recent_gin_index(connection)
    assert done["dropped"] == [name] and len(done["created"]) == 1
    assert postgres_backend.recent_gin_indexes(connection) == [(done["created"][0], 0, True)]


def test_the_upkeep_is_a_periodic_job_that_runs_the_maintenance():
    from rongmei.core.scheduler import registered_jobs
    from rongmei.search.tasks import maintain_recent_search_index

    job = next(job for job in registered_jobs() if job.name == "search_recent_index")
    assert job.task_path == "rongmei.search.tasks.maintain_recent_search_index" and job.every_minutes == 60
    assert maintain_recent_search_index.call() == "dropped= created="
