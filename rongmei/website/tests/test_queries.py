"""Query counts of the public pages are pinned and do not grow with the number of stories."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rongmei.newsroom.models import CreditRole, StoryCredit
from rongmei.testing import make_image

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


def add_stories(site, count, offset=0):
    newsroom = site.newsroom
    stories = []
    for n in range(offset, offset + count):
        story = site.story(
            title=f"稿件{n}",
            body=f'<p>正文</p><embed embedtype="image" id="{make_image().pk}" format="fullwidth" alt=""/>',
            is_headline=n % 3 == 0,
            cover_image=make_image(title=f"图{n}"),
            section=newsroom.section if n % 2 else newsroom.other_section,
            other_sections=[newsroom.section] if n % 4 == 0 else [],
            regions=[site.district],
            topics=[site.topic],
            tags=["标签"],
        )
        StoryCredit.objects.create(story=story, role=CreditRole.REPORTER, staff=newsroom.reporter)
        StoryCredit.objects.create(story=story, role=CreditRole.CORRESPONDENT, name="张通讯")
        stories.append(story)
    return stories


def count_queries(client, url):
    """The queries of a steady request: the fewer of two after a warm-up one. Once, in a full
    SQLite run on a saturated machine, one request re-read everything the memo keeps (15 queries
    instead of 4): something outside the request moved the clock between the two. A real extra
    query shows in both requests."""
    client.get(url)  # make the image renditions once
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries.captured_queries))
    return min(counts)


# Pinned counts with the cache off (a cache hit costs one query). About half are Wagtail's own:
# site lookup, routing (one query for a story, by url_path: newsroom.models.route_by_url_path),
# view restrictions (none when no page has any). The restricted pages' paths are read once per
# request, the section titles of a list of teasers by one plain query after it (website.queries).
# Before issue 12's render work: / 13, /yaowen/ 12, /region/zibo/ 11, /zhuanti/ 10,
# /zhuanti/zoujiceng/ 15, feeds 5 and 7, story 24.
PINNED = {
    "/": 9,
    "/yaowen/": 9,
    "/region/zibo/": 10,
    "/zhuanti/": 7,
    "/zhuanti/zoujiceng/": 11,
    "/feeds/latest.xml": 4,
    "/feeds/section/yaowen.xml": 6,
    "/sitemap.xml": 12,
    # the article's fragment cached (website/templatetags/articles.py): 21 before it
    "story": 11,
}
# With the process memo on (production: website/memo.py), while nothing changes the site, its home
# page, the navigation, the home page's sections, the restrictions, a story's section and the teasers'
# section titles cost none.
PINNED_WITH_MEMO = {
    "/": 3,
    "/yaowen/": 4,
    "/region/zibo/": 6,
    "/zhuanti/": 3,
    "/zhuanti/zoujiceng/": 6,
    "/feeds/latest.xml": 2,
    "/feeds/section/yaowen.xml": 4,
    "/sitemap.xml": 11,
    "story": 4,
}


@pytest.mark.parametrize("memo_on", [False, True], ids=["memo-off", "memo-on"])
@pytest.mark.parametrize("url", list(PINNED))
def test_query_count_is_pinned_and_flat(client, site, url, memo_on, settings):
    from rongmei.website import memo

    settings.PUBLIC_MEMO_ENABLED = memo_on
    settings.PUBLIC_PAGE_CACHE_CLOCK_SECONDS = 60  # the clock read once, as within one window
    memo.forget()
    stories = add_stories(site, 3)
    target = stories[0].url if url == "story" else url
    few = count_queries(client, target)
    more = add_stories(site, 6, offset=3)
    if url == "story":
        # a story with more related stories, images in its body and more credits
        body = "".join(
            f'<embed embedtype="image" id="{make_image().pk}" format="fullwidth" alt=""/>' for _ in range(3)
        )
        story = site.story(
            title="正文多图", body=body, topics=[site.topic], tags=["标签"], cover_image=make_image()
        )
        StoryCredit.objects.create(story=story, role=CreditRole.REPORTER, staff=site.newsroom.editor)
        target = story.url
    many = count_queries(client, target)
    memo.forget()
    assert many == few, f"{url}: {few} queries with 3 stories, {many} with {3 + len(more)}"
    pinned = PINNED_WITH_MEMO if memo_on else PINNED
    assert many == pinned[url], f"{url}: {many} queries"
