"""The fast rich-text reader of the index (``rich_text_for_index``) against Wagtail's own
``get_text_for_indexing``: the same text for anything an editor or an import can store, and the
rebuild command's keyset chunks."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.rich_text import get_text_for_indexing

from rongmei.search.backend import rich_text_for_index

FAST = settings(
    max_examples=400, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Pieces of stored rich text, regular and not: the editor's blocks, embeds, links with awkward
# attributes, entities, and the stray characters an import may bring.
PIECES = st.sampled_from(
    [
        '<p data-block-key="k1">',
        "</p>",
        "<h2>",
        "</h2>",
        "<ul>",
        "<li>",
        "</li>",
        "</ul>",
        "<blockquote>",
        "</blockquote>",
        "<br/>",
        "<br />",
        "<hr/>",
        "<b>",
        "</b>",
        '<a href="/yaowen/1/?a=1&amp;b=2">',
        "<a href='x>y'>",
        '<a title="a>b" linktype="page" id="3">',
        "</a>",
        '<embed embedtype="image" id="7" format="fullwidth" alt="淄博&gt;烧烤"/>',
        "<!-- 注释 -->",
        "<",
        ">",
        "a < b",
        "&amp;",
        "&lt;",
        "&nbsp;",
        "&#8220;",
        "&unknown;",
        "淄博烧烤",
        "周村古商城",
        " ",
        "\n",
        "Rongmei 2026",
    ]
)


@FAST
@given(st.lists(PIECES, max_size=30).map("".join))
def test_the_same_text_as_wagtail(source):
    assert rich_text_for_index(source) == get_text_for_indexing(source)


@FAST
@given(st.text(alphabet=st.sampled_from('<>/"\'=ap 淄博&;!-'), max_size=40))
def test_the_same_text_for_any_markup_at_all(source):
    assert rich_text_for_index(source) == get_text_for_indexing(source)


def test_a_story_body_is_indexed_with_its_words_and_without_its_tags(newsroom):
    from rongmei.newsroom.models import StoryPage
    from rongmei.search.backend import _fast_search_field

    body_field = next(f for f in StoryPage.get_search_fields() if getattr(f, "field_name", "") == "body")
    fast = _fast_search_field(StoryPage, body_field)
    assert fast is not body_field and fast.field_name == "body"
    story = newsroom.add_story(title="快读", body='<p data-block-key="x">淄博&amp;烧烤</p><p>周村</p>')
    assert fast.get_value(story) == body_field.get_value(story) == ["淄博&烧烤 周村"]
    title_field = next(f for f in StoryPage.get_search_fields() if getattr(f, "field_name", "") == "title")
    fast_title = _fast_search_field(StoryPage, title_field)
    assert fast_title is not title_field  # a plain column: read straight from the model field
    assert fast_title.get_value(story) == title_field.get_value(story) == "快读"
    tags_field = next(f for f in StoryPage.get_search_fields() if getattr(f, "field_name", "") == "tags")
    assert _fast_search_field(StoryPage, tags_field) is tags_field  # a relation: modelsearch's own way


@pytest.mark.django_db
def test_the_rebuild_reads_in_keyset_chunks_every_object_once():
    from django.contrib.auth.models import Group
    from django.core.management import get_commands

    from rongmei.search.management.commands.update_index import keyset_chunks

    assert get_commands()["update_index"] == "rongmei.search"
    Group.objects.bulk_create([Group(name=f"chunk-{n:02d}") for n in range(25)])
    everyone = list(Group.objects.order_by("pk").values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        chunks = list(keyset_chunks(Group.objects.all(), 10))
    assert [len(chunk) for chunk in chunks] == [min(10, len(everyone) - i) for i in range(0, len(everyone), 10)]
    assert [group.pk for chunk in chunks for group in chunk] == everyone
    assert not any("OFFSET" in query["sql"].upper() for query in queries.captured_queries)


@pytest.mark.django_db
def test_a_chunk_of_stories_is_bounded_on_the_story_and_on_the_page_table(newsroom):
    from rongmei.newsroom.models import StoryPage
    from rongmei.search.management.commands.update_index import keyset_chunks

    stories = [newsroom.add_story(title=f"第{n}条", publish=True) for n in range(5)]
    with CaptureQueriesContext(connection) as queries:
        chunks = list(keyset_chunks(StoryPage.objects.all(), 2))
    assert [story.pk for chunk in chunks for story in chunk] == sorted(story.pk for story in stories)
    reads = [query["sql"] for query in queries.captured_queries if "JOIN" in query["sql"]]
    assert len(reads) == 3 and all('"wagtailcore_page"."id" <=' in sql for sql in reads)
    assert all('"wagtailcore_page"."id" >' in sql for sql in reads[1:])
    assert all('"newsroom_storypage"."page_ptr_id" >' in sql for sql in reads[1:])
    # a range the queryset filters out entirely does not end the walk
    ends = StoryPage.objects.filter(title__in=["第0条", "第4条"])
    assert [[story.title for story in chunk] for chunk in keyset_chunks(ends, 2)] == [["第0条"], ["第4条"]]
