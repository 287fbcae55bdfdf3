"""The picture a shared link shows (og:image): the cover's social-card crop, 1200×630, following the
editor's crop of that channel (the article fragment's key reads the cover's crops)."""

import re

import pytest

from rongmei.media.services import set_channel_crop
from rongmei.testing import make_image

pytestmark = pytest.mark.django_db


def meta(content, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', content)
    return match.group(1) if match else None


def test_the_shared_picture_is_the_social_card_crop_and_follows_the_editors_crop(client, site, on_commit):
    cover = make_image(title="封面", size=(1400, 900), noise=True)  # a crop of noise: other bytes
    story = site.story(title="分享图片", cover_image=cover)
    content = client.get(story.url).content.decode()
    first = meta(content, "og:image")
    assert "channelcrop-social_card" in first
    assert (meta(content, "og:image:width"), meta(content, "og:image:height")) == ("1200", "630")
    with on_commit():  # the crop's bump of the cached pages runs on commit
        set_channel_crop(site.newsroom.editor, cover, "social_card", 0, 0, 1000, 524)
    again = client.get(story.url).content.decode()
    assert meta(again, "og:image") != first  # a new crop, a new rendition: the fragment was not reused
    assert "channelcrop-social_card" in meta(again, "og:image")
