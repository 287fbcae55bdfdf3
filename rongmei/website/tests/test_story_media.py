"""A story's video and audio from the media library on its public page: the player in place of the
cover picture, the audio under the lead, and a transcode that finishes after publication shown on
the cached page at once (the story is bumped, the article fragment's key changes)."""

import io

import pytest
from django.core.cache import cache

from rongmei.testing import make_image
from rongmei.video import services
from rongmei.video.models import State, VideoAsset, VideoRendition
from rongmei.video.tests.media import make_clip, make_sound

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache_on(settings):
    settings.PUBLIC_PAGE_CACHE_ENABLED = True
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    cache.clear()


def html(client, story):
    response = client.get(story.url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_video_story_opens_with_its_player_and_plays_its_audio(site, on_commit):
    video = services.make_asset_from_file(
        site.newsroom.reporter, "clip.mp4", io.BytesIO(make_clip("640x360", 1)), transcode_now=True
    )
    video.caption = "现场视频"
    video.save()
    audio = services.make_asset_from_file(
        site.newsroom.reporter, "talk.wav", io.BytesIO(make_sound()), transcode_now=True
    )
    with on_commit():
        story = site.story(title="视频新闻", video=video, audio=audio, cover_image=make_image(title="封面"))
    from django.test import Client

    page = html(Client(), story)
    assert '<video controls preload="metadata"' in page
    assert video.rendition("720p").url in page and video.poster.url in page
    assert "<figcaption>现场视频</figcaption>" in page
    assert 'class="story__cover"' not in page  # the poster stands for the cover picture
    assert "<audio controls" in page and audio.rendition("mp3").url in page


def test_a_transcode_finishing_after_publication_shows_the_player_on_the_cached_page(
    site, client, on_commit, page_cache_on
):
    video = VideoAsset.objects.create(title="转码中的视频", state=State.TRANSCODING)
    with on_commit():
        story = site.story(title="先发布后转码", video=video)
    assert "<video" not in html(client, story)
    assert client.get(story.url)["X-Cache"] == "hit"
    clip = services.make_asset_from_file(
        site.newsroom.reporter, "clip.mp4", io.BytesIO(make_clip("640x360", 1)), transcode_now=True
    )
    with on_commit():
        # What the transcode leaves: the renditions (moved onto this asset), then the state.
        VideoRendition.objects.filter(asset=clip).update(asset=video)
        for rendition in VideoRendition.objects.filter(asset=video):
            rendition.save()
        VideoAsset.objects.filter(pk=video.pk).update(state=State.READY)
    response = client.get(story.url)
    assert response["X-Cache"] == "miss"
    assert "<video" in response.content.decode()
