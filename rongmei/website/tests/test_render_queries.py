"""The uncached home page reads its lists in a fixed number of queries, whatever the number of
stories and teasers, and picking them from one window of the newest stories gives the same page as
one query per list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rongmei.newsroom.models import CreditRole, StoryCredit
from rongmei.testing import make_image
from rongmei.website import queries

pytestmark = pytest.mark.django_db

# 1 window of the newest stories + 1 of their cross-listings + 1 for the teasers + 1 plain query for
# their sections' titles (before: 2 per list and 1 per section block; then 4, with one for the
# teasers' renditions, which the teasers now read themselves, and only when they are not in the
# cache: templatetags/teasers.py).
HOME_LIST_QUERIES = 4

# A warm article (its fragment and the related teasers in the cache): see the test below.
ARTICLE_WARM_QUERIES = 10


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


def add_stories(site, count, offset=0):
    newsroom = site.newsroom
    for n in range(offset, offset + count):
        site.story(
            title=f"稿件{n}",
            is_headline=n % 3 == 0,
            cover_image=make_image(title=f"图{n}") if n % 2 else None,
            section=newsroom.section if n % 2 else newsroom.other_section,
            other_sections=[newsroom.section] if n % 4 == 0 else [],
        )


LAST = []


def captured_sql():
    return "\n".join(query["sql"][:120] for query in LAST)


def home_list_queries(home, stories=None):
    with CaptureQueriesContext(connection) as captured:
        headlines, latest, blocks = queries.home_lists(
            queries.home_sections(home),
            stories if stories is not None else queries.public_stories(),
            headline_count=home.headline_count,
            latest_count=12,
            per_section=6,
        )
    LAST[:] = captured.captured_queries
    teasers = len(headlines) + len(latest) + sum(len(block) for _section, block in blocks)
    return len(captured.captured_queries), teasers


def home_queries(client):
    client.get("/")  # renditions are made once
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode().count('class="story-item"')


def test_home_lists_cost_a_fixed_number_of_queries(site):
    home = site.newsroom.home
    add_stories(site, 6)
    stories = queries.public_stories()
    few, few_teasers = home_list_queries(home, stories)
    add_stories(site, 12, offset=6)
    stories = queries.public_stories()
    many, many_teasers = home_list_queries(home, stories)
    assert many_teasers >= 2 * few_teasers, (few_teasers, many_teasers)
    # home_sections costs two of its own: the restricted pages' paths (one plain SQL query, once per
    # request in a request) and the sections
    assert (few, many) == (HOME_LIST_QUERIES + 2, HOME_LIST_QUERIES + 2), captured_sql()


def test_home_page_queries_do_not_grow_with_teasers(client, site):
    add_stories(site, 6)
    few, few_teasers = home_queries(client)
    add_stories(site, 12, offset=6)
    many, many_teasers = home_queries(client)
    assert many_teasers >= 2 * few_teasers, (few_teasers, many_teasers)
    # site, home page, the restricted paths (once; with none anywhere Wagtail's view-restriction
    # check needs no query of its own), home sections, 4 for the lists, navigation (13 before issue
    # 12's render work: an ORM view-restriction query per public() and one for the teasers'
    # renditions). With the process memo (production) the site, home page, paths and navigation
    # cost none: test_queries.py pins both.
    assert many == few == 9


def without_nonces(html):
    return re.sub(r'nonce="[^"]*"', "", html)


@pytest.mark.parametrize("window", [1, 3, 8])
def test_a_small_window_gives_the_same_home_page(client, site, monkeypatch, window):
    """Lists the window cannot fill (a quiet section, few headlines) are read by their own query."""
    add_stories(site, 14)
    client.get("/")
    whole = without_nonces(client.get("/").content.decode())
    monkeypatch.setattr(queries, "HOME_WINDOW", window)
    assert without_nonces(client.get("/").content.decode()) == whole
    assert whole.count('class="story-item"') >= 10


def article_queries(client, story):
    client.get(story.url)  # renditions, the article's fragment and the related teasers are cached
    with CaptureQueriesContext(connection) as captured:
        response = client.get(story.url)
    assert response.status_code == 200
    LAST[:] = captured.captured_queries
    return len(captured.captured_queries)


def test_a_warm_article_render_costs_a_fixed_number_of_queries(client, site):
    """Site, three page queries (routing to the story and its section: ``HomePage.route``,
    ``queries.story_section``), the restricted paths (none anywhere: no view-restriction query), 3 for the related stories (by
    topic or tag, newest of the section, their sections' titles), navigation, and 1 for what the
    article shows from other records (its fragment's key: templatetags/articles.py). Credits,
    corrections, regions, tags, topics, outlet, the image and its renditions are not read when the
    article's fragment is in the cache (21 queries before)."""
    story = site.story(
        title="主稿",
        cover_image=make_image(title="主图", caption="现场"),
        regions=[site.district],
        topics=[site.topic],
        tags=["民生", "交通"],
    )
    StoryCredit.objects.create(story=story, role=CreditRole.REPORTER, staff=site.newsroom.reporter)
    site.correct(story)
    add_stories(site, 6)
    assert article_queries(client, story) == ARTICLE_WARM_QUERIES, captured_sql()
