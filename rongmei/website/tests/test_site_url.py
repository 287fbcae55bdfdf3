"""Links readers and feed readers follow point at the public site, never at http://localhost/.

SITE_URL decides when set; else the Site record, unless it still says localhost (Wagtail's
default, which the demo used to keep): then the host the reader asked for.
"""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Site

from rongmei.testing import make_image
from rongmei.website import checks
from rongmei.website.site_url import SiteUrlError, apply_site_url, public_root

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = False


def canonical(content):
    return re.search(r'<link rel="canonical" href="([^"]+)">', content)[1]


def og(content, name):
    return re.search(rf'<meta property="og:{name}" content="([^"]+)">', content)[1]


def test_site_url_decides_every_public_link(client, site, settings):
    settings.SITE_URL = "https://news.example.cn/"
    story = site.story(title="开工", lead="导语", cover_image=make_image())

    content = client.get(story.url).content.decode()
    assert canonical(content) == f"https://news.example.cn{story.url}"
    assert og(content, "url") == f"https://news.example.cn{story.url}"
    assert og(content, "image").startswith("https://news.example.cn/media/images/")
    assert 'href="https://news.example.cn/feeds/latest.xml"' in content

    home = client.get("/").content.decode()
    assert canonical(home) == "https://news.example.cn/"
    assert canonical(client.get("/yaowen/").content.decode()) == "https://news.example.cn/yaowen/"

    feed = ET.fromstring(client.get("/feeds/latest.xml").content).find("channel")
    assert feed.findtext("link") == "https://news.example.cn/"
    assert [item.findtext("link") for item in feed.findall("item")] == [f"https://news.example.cn{story.url}"]
    section_feed = ET.fromstring(client.get("/feeds/section/yaowen.xml").content).find("channel")
    assert section_feed.findtext("link") == "https://news.example.cn/yaowen/"

    site.story(title="区县稿", regions=[site.district])
    locations = {n.text for n in ET.fromstring(client.get("/sitemap.xml").content).iter(f"{SITEMAP}loc")}
    assert f"https://news.example.cn{story.url}" in locations
    assert "https://news.example.cn/region/zhangdian/" in locations
    assert all(location.startswith("https://news.example.cn/") for location in locations)
    assert "Sitemap: https://news.example.cn/sitemap.xml" in client.get("/robots.txt").content.decode()
    region = client.get("/region/zibo/").content.decode()
    assert canonical(region) == "https://news.example.cn/region/zibo/"


def test_without_site_url_a_localhost_site_record_gives_the_readers_host(client, site):
    assert Site.objects.get(is_default_site=True).hostname == "localhost"
    story = site.story(title="开工")
    content = client.get(story.url, HTTP_HOST="127.0.0.1:8000").content.decode()
    assert canonical(content) == f"http://127.0.0.1:8000{story.url}"
    assert og(content, "url") == f"http://127.0.0.1:8000{story.url}"
    feed = client.get("/feeds/latest.xml", HTTP_HOST="127.0.0.1:8000").content.decode()
    assert "localhost" not in feed
    assert f"<link>http://127.0.0.1:8000{story.url}</link>" in feed


def test_without_site_url_a_real_site_record_decides(client, site):
    Site.objects.filter(is_default_site=True).update(hostname="www.zbrm.cn", port=443)
    story = site.story(title="开工")
    content = client.get(story.url).content.decode()  # testserver: the default site answers
    assert canonical(content) == f"https://www.zbrm.cn{story.url}"


def test_apply_site_url_sets_the_default_sites_hostname_and_port(newsroom):
    site = apply_site_url("http://127.0.0.1:8000")
    assert (site.hostname, site.port) == ("127.0.0.1", 8000)
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"
    assert public_root() == "http://127.0.0.1:8000"  # loopback, but no reader's host to prefer
    apply_site_url("https://news.example.cn")
    assert Site.objects.get(is_default_site=True).port == 443
    with pytest.raises(SiteUrlError):
        apply_site_url("news.example.cn")
    with pytest.raises(SiteUrlError):
        apply_site_url("https://news.example.cn/path/")


def test_site_url_command(newsroom, capsys):
    call_command("site_url", "http://127.0.0.1:8731")
    assert Site.objects.get(is_default_site=True).port == 8731
    assert "127.0.0.1:8731" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("site_url", "ftp://example.cn")


@pytest.mark.parametrize(
    ("url", "debug", "ids"),
    [
        ("", False, []),
        ("https://news.example.cn", False, []),
        ("https://news.example.cn:8443/", False, []),
        ("news.example.cn", False, ["website.E001"]),
        ("ftp://news.example.cn", True, ["website.E001"]),
        ("https://news.example.cn/zh/", False, ["website.E001"]),
        ("http://localhost", False, ["website.E002"]),
        ("http://127.0.0.1:8000", False, ["website.E002"]),
        ("http://127.0.0.1:8000", True, []),
    ],
)
def test_site_url_is_checked_at_start(settings, url, debug, ids):
    settings.SITE_URL = url
    settings.DEBUG = debug
    settings.RONGMEI_DEMO = False
    assert [message.id for message in checks.site_url_is_usable(None)] == ids
