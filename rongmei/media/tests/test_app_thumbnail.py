"""The app's list thumbnail in the content API is the media library's app crop (override or focal
point), with the outlet's watermark when it has one; the H5 app lists that picture."""

from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image
from wagtail.images.models import Filter

from rongmei.distribution.models import Channel, StoryChannelVersion
from rongmei.distribution.services import ensure_channels
from rongmei.media.channels import channel_spec
from rongmei.media.models import ChannelCrop, NewsImage, NewsImageRendition
from rongmei.testing import make_image
from rongmei.website.tests.factories import PublicSite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def site(newsroom, media_root):
    return PublicSite(newsroom, clocked=True)


def renditions_of(item, name):
    found = [a for a in item.get("associations", []) if a["name"] == name]
    return {r["name"]: r for r in found[0]["renditions"]} if found else {}


def rendition_by_href(href) -> NewsImageRendition:
    return next(r for r in NewsImageRendition.objects.all() if href.endswith(r.url))


def test_the_cover_thumbnail_is_the_app_crop(client, site):
    cover = make_image(size=(2000, 1000))
    ChannelCrop.objects.create(image=cover, channel="app_thumbnail", x=1000, y=100, width=960, height=540)
    story = site.story(title="封面", cover_image=cover)
    item = client.get(reverse("api-v1:item", kwargs={"story_id": story.pk})).json()
    thumb = renditions_of(item, "featureimage")["thumbnail"]
    assert (thumb["width"], thumb["height"]) == (480, 270)
    rendition = rendition_by_href(thumb["href"])
    assert rendition.filter_spec == channel_spec("app_thumbnail")
    # Made from the override: its key is the one the crop gives, not the focal point's alone.
    with_crop = Filter(channel_spec("app_thumbnail")).get_cache_key(NewsImage.objects.get(pk=cover.pk))
    ChannelCrop.objects.all().delete()
    without_crop = Filter(channel_spec("app_thumbnail")).get_cache_key(NewsImage.objects.get(pk=cover.pk))
    assert rendition.focal_point_key == with_crop != without_crop


def test_the_app_versions_thumbnail_follows_its_crop_and_the_outlets_watermark(client, site, newsroom):
    ensure_channels()
    newsroom.outlet.watermark_text = "融媒"
    newsroom.outlet.save()
    picture = make_image(size=(1600, 900), caption="列表图")
    app = Channel.objects.get(code="app")
    story = site.story(
        title="客户端版本",
        channel_versions=[StoryChannelVersion(channel=app, title="短标题", image=picture)],
    )
    item = client.get(reverse("api-v1:item", kwargs={"story_id": story.pk})).json()
    thumb = renditions_of(item, "thumbnail")["thumbnail"]
    rendition = rendition_by_href(thumb["href"])
    assert rendition.filter_spec == channel_spec("app_thumbnail", newsroom.outlet)
    assert "watermark-" in rendition.filter_spec
    with rendition.file.open("rb") as handle:
        shown = Image.open(BytesIO(handle.read()))
        shown.load()
    assert shown.size == (480, 270)
    # The outlet's white text in the bottom right corner of a red picture.
    corner = shown.crop((240, 200, 480, 270)).convert("L").tobytes()
    assert max(corner) > 150  # the red alone is about 80
    assert max(shown.crop((0, 0, 200, 100)).convert("L").tobytes()) < 120
