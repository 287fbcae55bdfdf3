"""Every query parameter the public site reads, and a few it does not, with hostile values: never a 500."""

import pytest

from .hostile import HOSTILE_VALUES

pytestmark = pytest.mark.django_db

PARAMETERS = ["page", "next", "q", "utm_source"]


@pytest.fixture
def urls(site):
    story = site.newsroom.add_story(title="淄博新闻", publish=True)
    return [
        "/",
        "/yaowen/",
        story.url,
        "/region/zibo/",
        "/zhuanti/",
        "/zhuanti/zoujiceng/",
        "/feeds/latest.xml",
        "/feeds/section/yaowen.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/language/en/",
    ]


def test_hostile_query_values_never_give_a_server_error(client, urls):
    client.raise_request_exception = False
    failures = []
    for url in urls:
        for name in PARAMETERS:
            for value in HOSTILE_VALUES:
                status = client.get(url, {name: value}).status_code
                if status >= 500:
                    failures.append((url, name, value[:30], status))
    assert failures == []


def test_hostile_values_in_the_path_never_give_a_server_error(client, urls):
    client.raise_request_exception = False
    failures = []
    for value in HOSTILE_VALUES:
        for pattern in ("/region/{}/", "/feeds/section/{}.xml", "/language/{}/", "/yaowen/{}/"):
            url = pattern.format(value.replace("/", "_"))
            status = client.get(url).status_code
            if status >= 500:
                failures.append((url[:40], status))
    assert failures == []
