"""Public pages are routed by url_path in one query (newsroom.models.route_by_url_path) and their
view restrictions read in one (view_restrictions_in_one_query): the same pages, statuses, privacy
and 404s as Wagtail's walk down the tree, with fewer queries."""

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from rongmei.website import queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


def components(page):
    return [part for part in page.url.split("/") if part]


def route(home, parts):
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as captured:
        try:
            result = home.specific.route(request, parts)
        except Http404:
            result = None
    return result, len(captured.captured_queries)


def walk(home, parts):
    """Wagtail's own routing, one level at a time."""
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    with CaptureQueriesContext(connection) as captured:
        try:
            result = Page.route(home.specific, request, parts)
        except Http404:
            result = None
    return result, len(captured.captured_queries)


def test_a_story_is_routed_in_one_query(site):
    story = site.story(title="路由稿件")
    (page, *_rest), ours = route(site.newsroom.home, components(story))
    (walked, *_rest), wagtails = walk(site.newsroom.home, components(story))
    assert type(page) is type(walked) and page.pk == walked.pk == story.pk
    assert (ours, wagtails) == (1, 4)


@pytest.mark.parametrize("name", ["section", "topic_index", "topic"])
def test_other_pages_route_to_what_wagtail_routes_to(site, name):
    page = {"section": site.newsroom.section, "topic_index": site.topic_index, "topic": site.topic}[name]
    (ours, *_rest), queries_ours = route(site.newsroom.home, components(page))
    (walked, *_rest), queries_walked = walk(site.newsroom.home, components(page))
    assert type(ours) is type(walked) is type(page.specific)
    assert ours.pk == walked.pk
    assert queries_ours <= queries_walked


def test_drafts_unpublished_and_made_up_addresses_are_404(client, site):
    draft = site.story(title="草稿", publish=False)
    withdrawn = site.story(title="撤下的稿件")
    withdrawn.unpublish()
    story = site.story(title="正常稿件")
    home = site.newsroom.home
    for parts in (
        components(draft),
        components(withdrawn),
        [*components(story), "extra"],
        ["nope"],
        ["yaowen", "nope"],
    ):
        assert route(home, parts)[0] is None, parts
        assert walk(home, parts)[0] is None, parts
    assert client.get(draft.url).status_code == 404
    assert client.get(withdrawn.url).status_code == 404
    assert client.get(story.url + "extra/").status_code == 404
    assert client.get(story.url).status_code == 200


def test_an_address_without_its_trailing_slash_is_redirected(client, site):
    story = site.story(title="斜杠稿件")
    response = client.get(story.url.rstrip("/"))
    assert response.status_code == 301
    assert response["Location"] == story.url


def test_a_restricted_section_keeps_its_stories_private(client, site):
    story = site.story(title="内部稿件")
    section = site.newsroom.section
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert list(story.specific.get_view_restrictions()) == list(Page.get_view_restrictions(story))
    response = client.get(story.url)
    html = response.content.decode()
    assert response.status_code == 200  # Wagtail's password form, as before
    assert 'name="password"' in html
    assert "内部稿件" not in html
    assert not queries.public_stories().filter(pk=story.pk).exists()
    assert set(queries.public_stories().values_list("pk", flat=True)) == set(
        queries.StoryPage.objects.on_site().values_list("pk", flat=True)
    )


def test_view_restrictions_are_read_in_one_query(site):
    story = site.story(title="限制稿件")
    PageViewRestriction.objects.create(page=site.newsroom.home, restriction_type=PageViewRestriction.LOGIN)
    with CaptureQueriesContext(connection) as captured:
        ours = list(story.get_view_restrictions())
    # the restricted paths (in a request read once for the whole page, kept by the memo), then
    # the restrictions themselves
    assert len(captured.captured_queries) == 2, [query["sql"] for query in captured.captured_queries]
    assert ours == list(Page.get_view_restrictions(story))


def test_with_no_restriction_anywhere_the_check_reads_only_the_paths(site):
    story = site.story(title="公开稿件")
    with CaptureQueriesContext(connection) as captured:
        ours = list(story.get_view_restrictions())
    assert ours == list(Page.get_view_restrictions(story)) == []
    assert [query["sql"] for query in captured.captured_queries] == [
        f"SELECT p.path FROM {connection.ops.quote_name('wagtailcore_pageviewrestriction')} r "
        f"INNER JOIN {connection.ops.quote_name('wagtailcore_page')} p ON p.id = r.page_id"
    ]


def test_an_alias_ancestor_uses_its_sources_restrictions(site):
    section = site.newsroom.section
    alias = section.create_alias(update_slug="yaowen-alias")
    story = site.story(title="别名下的稿件", section=alias.specific)
    restriction = PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    story.refresh_from_db()
    assert list(story.get_view_restrictions()) == list(Page.get_view_restrictions(story)) == [restriction]


def test_a_restriction_added_between_two_requests_applies_to_the_second(client, site):
    story = site.story(title="即将受限的稿件")
    assert "即将受限的稿件" in client.get("/").content.decode()
    PageViewRestriction.objects.create(
        page=site.newsroom.section, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    html = client.get("/").content.decode()
    assert "即将受限的稿件" not in html
    assert f'href="{site.newsroom.section.url}"' not in html  # nor the section in the navigation
    assert story.pk not in set(queries.public_stories().values_list("pk", flat=True))
