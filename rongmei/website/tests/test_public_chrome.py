"""What every public page carries (search box, favicon), the error pages, and the article's lead image.

Assertions on new Chinese texts (搜索新闻, 区县频道, 起始日期) need the merged zh-Hans catalogue.
"""

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from rongmei.testing import make_image
from rongmei.website import views

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


def header(content):
    return content.split('<header class="masthead">', 1)[1].split("</header>", 1)[0]


def test_every_public_page_has_a_search_box_in_its_header(client, site):
    story = site.story(title="开工", regions=[site.district])
    for url in ["/", "/yaowen/", story.url, "/region/zibo/", "/zhuanti/", site.topic.url, "/search/?q=开工"]:
        response = client.get(url)
        assert response.status_code == 200, url
        masthead = header(response.content.decode())
        form = re.search(
            r'<form class="masthead__search" action="/search/" method="get" role="search"', masthead
        )
        assert form, url
        assert '<input id="masthead-q" type="search" name="q"' in masthead, url
        assert '<label class="visually-hidden" for="masthead-q">搜索新闻</label>' in masthead, url
        assert '<button type="submit">搜索</button>' in masthead, url


def test_the_search_page_is_styled_like_the_site_with_chinese_labels(client, site):
    content = client.get("/search/", {"q": "开工"}).content.decode()
    assert "/static/website/site.css" in content
    # The CSS rules the page's form relies on (date inputs and selects in the site's look).
    from django.contrib.staticfiles import finders

    stylesheet = open(finders.find("website/site.css"), encoding="utf-8").read()
    assert ".search-form input" in stylesheet and 'input[type="date"]' in stylesheet
    assert ".search-form__filters" in stylesheet and ".search-result__headline" in stylesheet
    assert '<label for="id_from">起始日期</label>' in content
    assert '<label for="id_to">截止日期</label>' in content
    assert '<label for="id_section">栏目</label>' in content
    assert "应用筛选" in content


def test_a_missing_page_is_chinese_and_styled(client, site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "这个页面不存在" in page and '<html lang="zh-hans"' in page
    assert "/static/website/site.css" in page and 'class="masthead"' in page
    assert "Not Found" not in page


def test_a_server_error_page_is_chinese_styled_and_needs_no_database(db, django_assert_num_queries):
    request = RequestFactory().get("/")
    with translation.override("zh-hans"), django_assert_num_queries(0):
        response = views.server_error(request)
    page = response.content.decode()
    assert response.status_code == 500
    assert "服务器出了问题" in page and '<html lang="zh-hans"' in page
    assert "/static/website/site.css" in page and 'class="masthead"' in page
    assert "Something went wrong" not in page


def test_a_server_error_through_the_stack_is_chinese(site, settings):
    from django.urls import clear_url_caches

    settings.ROOT_URLCONF = "rongmei.website.tests.broken_urls"
    clear_url_caches()
    try:
        response = Client(raise_request_exception=False).get("/broken/")
    finally:
        clear_url_caches()
    assert response.status_code == 500
    assert "服务器出了问题" in response.content.decode()


def test_favicon(client, site):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    home = client.get("/").content.decode()
    assert re.search(
        r'<link rel="icon" href="/static/website/favicon[^"]*\.svg" type="image/svg\+xml">', home
    )


def test_the_lead_image_is_not_repeated_in_the_body(client, site):
    cover = make_image(title="开工现场", caption="开工现场")
    other = make_image(title="车间", caption="车间一角")
    body = (
        f'<embed embedtype="image" id="{cover.pk}" format="fullwidth" alt="开工现场"/>'
        "<p>第一段。</p>"
        f'<embed embedtype="image" id="{other.pk}" format="left" alt="车间"/>'
        f'<embed alt="again" format="right" id="{cover.pk}" embedtype="image"/>'
    )
    story = site.story(title="重点项目开工", body=body, cover_image=cover)
    content = client.get(story.url).content.decode()
    body_html = content.split('class="story__body">', 1)[1].split("</div>", 1)[0]
    assert "第一段。" in body_html
    assert "车间一角" in body_html  # other images stay
    assert "开工现场" not in body_html
    assert content.count("<figcaption>") == 2  # the cover's and the other image's, once each


def test_a_body_image_stays_when_the_story_has_no_lead_image(client, site):
    image = make_image(caption="唯一的图")
    story = site.story(
        title="无题图", body=f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt=""/>'
    )
    assert "唯一的图" in client.get(story.url).content.decode()


def test_home_page_lists_region_channels(client, site):
    site.story(title="区县稿", regions=[site.district])
    content = client.get("/").content.decode()
    channels = content.split('id="block-regions"', 1)[1].split("</nav>", 1)[0]
    assert "区县频道" in content
    assert channels.index("淄博市") < channels.index("张店区")
    assert 'href="/region/zhangdian/"' in channels
    assert "济南市" not in channels  # a city without districts is no channel of ours
