"""PostgreSQL: the ranked window in one statement (candidates, rank, visibility), and the vectors
kept in the entry's row (migrations 0004 and 0006; decision 0027)."""

import pytest
from django.db import connection, transaction

if connection.vendor != "postgresql":
    pytest.skip("the statement and the column storage are PostgreSQL's", allow_module_level=True)

from rongmei.newsroom.models import StoryPage  # noqa: E402
from rongmei.search import postgres_backend  # noqa: E402
from rongmei.search.queries import search_stories  # noqa: E402

pytestmark = pytest.mark.django_db


@pytest.fixture
def window_statements(monkeypatch):
    """The ranked window's statements, ``[(sql, params), …]``, as the searches run them."""
    statements = []
    fetch = postgres_backend._fetchall_sql

    def recording(connection, sql, params):
        statements.append((sql, params))
        return fetch(connection, sql, params)

    monkeypatch.setattr(postgres_backend, "_fetchall_sql", recording)
    return statements


def titles(results):
    return [page.title for page in results]


def test_the_title_body_and_document_vectors_are_stored_in_the_row():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute "
            "WHERE attrelid = 'wagtailsearch_indexentry'::regclass AND attname IN (%s, %s, %s)",
            ["title", "body", postgres_backend.DOCUMENT_COLUMN],
        )
        storage = dict(cursor.fetchall())
    # 'm' (MAIN): compressed if it helps, out of line only when the row cannot fit a page.
    assert storage == {"title": "m", "body": "m", postgres_backend.DOCUMENT_COLUMN: "m"}


def _buffers_to_read(column, entry_id):
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, FORMAT JSON) "
            f"SELECT length({column}) FROM wagtailsearch_indexentry WHERE id = %s",  # noqa: S608
            [entry_id],
        )
        plan = cursor.fetchone()[0][0]["Plan"]
    return plan["Shared Hit Blocks"] + plan["Shared Read Blocks"]


def test_ranking_reads_a_title_from_the_row_not_from_the_toast_table(newsroom):
    """A story of a few thousand characters: its row is over the 2 KB TOAST threshold with the body
    and document inline, which moved every other vector out of line, however small. A title read
    from the TOAST table cost ~3.5 µs per ranked candidate (migration 0006)."""
    body = "".join(f"<p>第{n}项民生工程按期完工，惠及沿线群众。</p>" for n in range(60))
    story = newsroom.add_story(title="城区改造工程全部完工", body=body, publish=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, pg_column_size(body) + pg_column_size(rongmei_document) "
            "FROM wagtailsearch_indexentry WHERE object_id = %s",
            [str(story.pk)],
        )
        entry_id, inline_vectors = cursor.fetchone()
    assert 2032 < inline_vectors < 8000  # the case in question: over the threshold, within a page
    # The autocomplete vector is still EXTENDED: the TOAST table is read for it, not for the title.
    assert _buffers_to_read("autocomplete", entry_id) > _buffers_to_read("object_id", entry_id)
    assert _buffers_to_read("title", entry_id) == _buffers_to_read("object_id", entry_id)


def test_a_hidden_candidate_takes_its_place_in_the_window_but_is_not_shown(newsroom, monkeypatch):
    monkeypatch.setattr(postgres_backend.ChinesePostgresSearchQueryCompiler, "RANK_MAX_MATCHES", 3)
    oldest = newsroom.add_story(title="最早一条", body="<p>全市经济持续发展。</p>", publish=True)
    shown = [
        newsroom.add_story(title=f"第{n}条", body="<p>全市经济持续发展。</p>", publish=True) for n in range(2)
    ]
    retracted = newsroom.add_story(title="已撤稿", body="<p>全市经济持续发展。</p>", publish=True)
    StoryPage.objects.filter(pk=retracted.pk).update(is_retracted=True)
    newsroom.add_story(title="草稿", body="<p>全市经济发展规划。</p>")  # never published

    results = search_stories("发展")
    # The newest three matches are the draft, the retracted story and 第1条; one more (第0条)
    # tells the window was full. Only 第1条 is visible among the three.
    assert results.ranking_window() == (None, 3)
    assert titles(results) == ["第1条"]
    assert results.count() == 1

    # A wider window reaches the older visible stories, best first by rank then newest.
    monkeypatch.setattr(postgres_backend.ChinesePostgresSearchQueryCompiler, "RANK_MAX_MATCHES", 10)
    results = search_stories("发展")
    assert results.ranking_window() is None
    assert titles(results) == [shown[1].title, shown[0].title, oldest.title]


def test_a_story_too_long_for_a_page_is_still_found_and_ranked(newsroom):
    # ~60,000 characters: its vectors cannot stay in the row and go out of line after all.
    paragraphs = "".join(f"<p>第{n}段：黄河流域生态保护和高质量发展，沿线城市协同推进。</p>" for n in range(2000))
    long_story = newsroom.add_story(title="长篇报道", body=paragraphs + "<p>蹴鞠起源于临淄。</p>", publish=True)
    short_story = newsroom.add_story(title="蹴鞠故里", body="<p>临淄是蹴鞠的故乡。</p>", publish=True)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_size(body) FROM wagtailsearch_indexentry WHERE object_id = %s",
            [str(long_story.pk)],
        )
        assert cursor.fetchone()[0] > 8192

    results = search_stories("蹴鞠")
    # The headline match ranks first; the long story is found by a word near its end.
    assert titles(results) == [short_story.title, long_story.title]


def test_visibility_is_asked_per_candidate_never_by_hashing_every_visible_story(newsroom, window_statements):
    # Given the choice, PostgreSQL answers the EXISTS by hashing every visible story when that
    # looks cheaper than 1,000 probes: at 50,000 stories a very common word took 77 ms that way
    # and 15 ms by probes. In a small newsroom it always looks cheaper, so the plan shows it.
    for n in range(6):
        newsroom.add_story(title=f"第{n}条", body="<p>全市经济持续发展。</p>", publish=True)
    assert len(titles(search_stories("发展"))) == 6
    (sql, params), = window_statements
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "SubPlan" in plan
    assert "hashed SubPlan" not in plan and "Hash" not in plan, plan


def _ranked_window(word):
    results = search_stories(word)
    results.count()
    compiler = results.query_compiler
    return compiler.ranked_window(compiler.get_config(results.backend)), compiler.capped


def test_the_newest_entries_are_asked_first_and_the_older_ones_fill_what_they_leave(
    newsroom, monkeypatch, window_statements
):
    # Old stories: 经济 in every one, 蹴鞠 in two. New stories (above the recent index's bound):
    # 经济 in every one, 蹴鞠 in one. Window of 3.
    monkeypatch.setattr(postgres_backend.ChinesePostgresSearchQueryCompiler, "RANK_MAX_MATCHES", 3)
    for n in range(4):
        newsroom.add_story(title=f"旧闻{n}", body=f"<p>经济{'，蹴鞠比赛' if n < 2 else ''}。</p>", publish=True)
    for n in range(4):
        newsroom.add_story(title=f"新闻{n}", body=f"<p>经济{'，蹴鞠比赛' if n == 0 else ''}。</p>", publish=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM wagtailsearch_indexentry")
        last_id = cursor.fetchone()[0]

    postgres_backend.forget_recent_bound()
    monkeypatch.setattr(postgres_backend, "recent_entries_bound", lambda connection: None)
    whole = {word: _ranked_window(word) for word in ("经济", "蹴鞠", "不存在的词")}

    # The bound between the old and the new: the recent part fills the window for 经济, and
    # holds one of the three matches of 蹴鞠, the older part giving the other two.
    window_statements.clear()
    monkeypatch.setattr(postgres_backend, "recent_entries_bound", lambda connection: last_id - 4)
    split = {word: _ranked_window(word) for word in whole}

    assert all("older AS MATERIALIZED" in sql for sql, _params in window_statements)
    assert split == whole
    assert [page.title for page in search_stories("蹴鞠")] == ["新闻0", "旧闻1", "旧闻0"]
    window, capped = split["经济"]
    assert capped and len(window) == 3
    assert split["不存在的词"] == ([], False)


@pytest.mark.django_db(transaction=True)
def test_the_recent_entries_index_answers_the_first_part(newsroom, window_statements):
    # The bound reaches PostgreSQL as a constant, so the planner can prove the partial index's
    # predicate and answer the recent part from it. (Outside a transaction, as the periodic job
    # and a rebuild make it: an index made in a transaction that rewrote some of the table's rows
    # is not used until that transaction is over.)
    for n in range(30):
        newsroom.add_story(title=f"第{n}条", body=f"<p>全市经济{'，蹴鞠' if n % 10 == 9 else ''}。</p>", publish=True)
    try:
        postgres_backend.maintain_recent_gin_index(connection, entries=10)
        (name, bound, valid), superseded = postgres_backend.recent_gin_indexes(connection)
        assert valid and superseded[1] < bound  # the one before, kept for one more run
        postgres_backend.maintain_recent_gin_index(connection, entries=10)
        assert postgres_backend.recent_gin_indexes(connection) == [(name, bound, True)]
        assert postgres_backend.recent_entries_bound(connection) == bound

        assert titles(search_stories("蹴鞠")) == ["第29条", "第19条", "第9条"]
        ((sql, params),) = window_statements
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("ANALYZE wagtailsearch_indexentry")
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            # In a table this small every index of the word costs the planner the same, the whole
            # index's too, so that one is taken out (rolled back below); and weighing each index
            # entry read picks the index that reads fewest, as at a million entries, rather than
            # the primary key's.
            cursor.execute(f"DROP INDEX {postgres_backend.DOCUMENT_GIN_INDEX}")
            cursor.execute("SET LOCAL cpu_index_tuple_cost = 10")  # (default 0.005)
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
        recent_part, older_part = plan.split("CTE older")
        assert f"Bitmap Index Scan on {name}" in recent_part, plan
        assert name not in older_part, plan  # the older entries are not in it
    finally:
        # As the migration left it for the tests that follow: one index over every entry.
        with connection.cursor() as cursor:
            for name, _bound, _valid in postgres_backend.recent_gin_indexes(connection):
                cursor.execute(f"DROP INDEX {name}")
        postgres_backend.create_recent_gin_index(connection, entries=10**12)
