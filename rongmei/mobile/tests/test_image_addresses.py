"""The H5 app's cover images load from the public site, never from the Site record's localhost.

The app shows the addresses the content API gives (ninjs renditions), so this reads those.
"""

import io

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PILImage

from rongmei.media.models import NewsImage
from rongmei.testing import publish_outside_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def story_with_cover(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PUBLIC_PAGE_CACHE_ENABLED = False
    buffer = io.BytesIO()
    PILImage.new("RGB", (960, 540), (30, 90, 160)).save(buffer, "JPEG")
    cover = NewsImage.objects.create(title="工地", file=ImageFile(buffer, name="h5.jpg"))
    story = newsroom.add_story(title="新区开工", cover_image=cover)
    publish_outside_review(story.save_revision(user=newsroom.reporter), user=newsroom.chief)
    return story


def cover_addresses(client, story, **headers):
    items = client.get("/api/v1/items", **headers).json()["items"]
    (item,) = [item for item in items if item["headlines"][0]["value"] == story.title]
    cover = next(a for a in item["associations"] if a["name"] == "featureimage")
    return [rendition["href"] for rendition in cover["renditions"]]


def test_cover_images_follow_site_url(client, story_with_cover, settings):
    settings.SITE_URL = "https://news.example.cn"
    hrefs = cover_addresses(client, story_with_cover)
    assert hrefs and all(href.startswith("https://news.example.cn/media/images/") for href in hrefs)


def test_cover_images_use_the_readers_host_while_the_site_record_says_localhost(client, story_with_cover):
    hrefs = cover_addresses(client, story_with_cover, HTTP_HOST="127.0.0.1:8000")
    assert hrefs and all(href.startswith("http://127.0.0.1:8000/media/images/") for href in hrefs)


def test_the_h5_header_links_the_search(client, newsroom):
    html = client.get("/h5/").content.decode()
    header = html.split('<header class="topbar">', 1)[1].split("</header>", 1)[0]
    assert '<a class="topbar__search" href="/search/" aria-label="搜索新闻">' in header
