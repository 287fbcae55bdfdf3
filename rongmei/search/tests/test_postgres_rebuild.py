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

    index = rebuilder.start()
    assert gin_indexes() == set()
    assert sorted(rebuilder.dropped) == sorted(KNOWN)
    index.add_items(StoryPage, list(StoryPage.objects.all()))
    rebuilder.finish()

    assert gin_indexes() == KNOWN
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
