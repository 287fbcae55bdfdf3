"""SQLite: the FTS5 table of the newest index entries (migration 0003) and the ranking that uses it
for a word that fills the ranking window there (docs/decisions/0027-search-at-a-million.md)."""

import pytest
from django.db import connection

if connection.vendor != "sqlite":
    # sqlite_backend imports modelsearch's SQLite models, which exist only on SQLite.
    pytest.skip(
        "the recent entries' table is SQLite's (PostgreSQL walks its GIN index)", allow_module_level=True
    )

from wagtail.search.models import IndexEntry  # noqa: E402

from rongmei.newsroom.models import StoryPage  # noqa: E402
from rongmei.search import sqlite_backend  # noqa: E402
from rongmei.testing import publish_outside_review  # noqa: E402

pytestmark = pytest.mark.django_db

RECENT = sqlite_backend.RECENT_TABLE


def recent_ids() -> set:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid FROM {RECENT}")
        return {row[0] for row in cursor.fetchall()}


def recent_text(entry_id) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT title || ' ' || body FROM {RECENT} WHERE rowid = %s", [entry_id])
        row = cursor.fetchone()
    return row[0] if row else None


def keep_newest(entries, prune_every=1):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE rongmei_search_recent_size SET entries = %s, prune_every = %s WHERE id = 1",
            [entries, prune_every],
        )


def entry_of(story):
    return IndexEntry.objects.get(object_id=str(story.pk), content_type__model="storypage")


def titles(results):
    return [page.title for page in results]


def test_entries_are_copied_changed_and_deleted_with_the_index(newsroom):
    story = newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    entry = entry_of(story)
    assert entry.pk in recent_ids()
    assert "通车" in recent_text(entry.pk)
    story.title = "桥梁改名"
    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    assert "改名" in recent_text(entry_of(story).pk)
    story.delete()
    assert entry.pk not in recent_ids()


def test_only_the_newest_entries_are_kept(newsroom):
    keep_newest(3)
    stories = [newsroom.add_story(title=f"稿件{n}", body="<p>正文。</p>", publish=True) for n in range(5)]
    newest = max(IndexEntry.objects.values_list("pk", flat=True))
    assert recent_ids() == {newest - 2, newest - 1, newest}
    assert entry_of(stories[-1]).pk in recent_ids()
    assert entry_of(stories[0]).pk not in recent_ids()


def test_old_entries_are_dropped_every_so_many_inserts(newsroom):
    keep_newest(2, prune_every=4)
    for n in range(9):
        newsroom.add_story(title=f"稿件{n}", body="<p>正文。</p>", publish=True)
    newest = max(IndexEntry.objects.values_list("pk", flat=True))
    last_prune = newest - newest % 4
    assert min(recent_ids()) == last_prune - 1  # the two newest at the last prune, and every one since
    assert max(recent_ids()) == newest


def test_setting_only_the_title_norm_leaves_both_indexes_alone(newsroom):
    story = newsroom.add_story(title="桥梁通车", body="<p>新桥今天通车。</p>", publish=True)
    entry = entry_of(story)
    with connection.cursor() as cursor:
        cursor.execute("SELECT total_changes()")
        (before,) = cursor.fetchone()
        IndexEntry.objects.filter(pk=entry.pk).update(title_norm=0.25)
        cursor.execute("SELECT total_changes()")
        (after,) = cursor.fetchone()
    # total_changes() counts rows changed by triggers too: only the entry's own row changed
    assert after - before == 1


def test_a_word_filling_the_window_among_recent_entries_is_ranked_there_as_over_the_whole_index(
    newsroom, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(sqlite_backend.ChineseSQLiteSearchQueryCompiler, "RANK_MAX_MATCHES", 3)
    newsroom.add_story(title="发展大会", body="<p>发展。</p>", publish=True)
    for n in range(4):
        body = "<p>" + "全市经济持续发展。" * (n + 1) + "其他内容。" * (4 - n) + "</p>"
        newsroom.add_story(title=f"第{n}条", body=body, publish=True)
    statements = []

    def seen(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(seen):
        from_recent = titles(StoryPage.objects.live().search("发展"))
    assert any(RECENT in sql for sql in statements)
    assert not any("bm25(" in sql and RECENT not in sql for sql in statements)

    monkeypatch.setattr(sqlite_backend, "_has_recent_table", lambda connection: False)
    from_whole_index = titles(StoryPage.objects.live().search("发展"))
    assert from_recent == from_whole_index == ["第3条", "第2条", "第1条"]


def test_a_word_with_few_recent_matches_is_ranked_over_the_whole_index(newsroom, monkeypatch):
    monkeypatch.setattr(sqlite_backend.ChineseSQLiteSearchQueryCompiler, "RANK_MAX_MATCHES", 3)
    old = newsroom.add_story(title="蹴鞠起源", body="<p>蹴鞠是古老的运动。</p>", publish=True)
    keep_newest(2)
    for n in range(3):
        newsroom.add_story(title=f"新闻{n}", body="<p>今日天气晴。</p>", publish=True)
    assert entry_of(old).pk not in recent_ids()
    assert titles(StoryPage.objects.live().search("蹴鞠")) == ["蹴鞠起源"]


def paused() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT paused FROM rongmei_search_recent_size WHERE id = 1")
        return bool(cursor.fetchone()[0])


def test_a_full_rebuild_pauses_the_copies_and_fills_the_table_once_at_the_end(newsroom, monkeypatch):
    from modelsearch.backends import get_search_backend

    monkeypatch.setattr(sqlite_backend.ChineseSQLiteSearchQueryCompiler, "RANK_MAX_MATCHES", 1)
    for n in range(3):
        newsroom.add_story(title=f"发展新闻{n}", body="<p>全市经济持续发展。</p>", publish=True)
    keep_newest(2)
    backend = get_search_backend()
    rebuilder = backend.rebuilder_class(backend.get_index_for_model(StoryPage))
    index = rebuilder.start()
    assert paused()
    copies_before = recent_ids()
    index.add_items(StoryPage, list(StoryPage.objects.all()))
    assert recent_ids() == copies_before  # nothing copied while the rebuild runs
    statements = []

    def seen(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(seen):
        during = titles(StoryPage.objects.live().search("发展"))
    assert during == ["发展新闻2"] and not any(f"FROM {RECENT}" in sql for sql in statements)
    rebuilder.finish()
    assert not paused()
    newest = sorted(IndexEntry.objects.values_list("pk", flat=True))[-2:]
    assert recent_ids() == set(newest)
    assert titles(StoryPage.objects.live().search("发展")) == ["发展新闻2"]


def test_update_index_leaves_the_recent_table_current(newsroom):
    from django.core.management import call_command

    for n in range(3):
        newsroom.add_story(title=f"稿件{n}", body="<p>正文。</p>", publish=True)
    keep_newest(2)
    call_command("update_index", verbosity=0)
    assert not paused()
    assert recent_ids() == set(sorted(IndexEntry.objects.values_list("pk", flat=True))[-2:])


def test_the_hourly_recent_index_upkeep_has_nothing_to_do_on_sqlite():
    # Its triggers keep the table current; the periodic job is PostgreSQL's recent GIN index.
    from rongmei.search.tasks import maintain_recent_search_index

    assert maintain_recent_search_index.call() == "skipped: not the PostgreSQL search backend"
