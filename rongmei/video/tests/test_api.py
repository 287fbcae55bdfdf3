"""The story's video in the app's content API: a valid ninjs 2.1 association with its MP4s and poster."""

import io

import pytest

from rongmei.api.tests.factories import ninjs_validator, valid  # noqa: F401 (fixtures)
from rongmei.video import services
from rongmei.video.models import State, VideoAsset
from rongmei.website.tests.factories import PublicSite

from .media import make_clip, make_sound


@pytest.fixture
def api_site(newsroom, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return PublicSite(newsroom, clocked=True)


def test_an_item_carries_its_transcoded_video(client, api_site, valid):  # noqa: F811
    video = services.make_asset_from_file(
        api_site.newsroom.reporter, "a.mp4", io.BytesIO(make_clip("320x240", 1)), transcode_now=True
    )
    video.caption, video.credit = "现场画面", "记者 王明 摄像"
    video.save()
    story = api_site.story(title="有视频", video=video)
    item = valid(client.get(f"/api/v1/items/{story.pk}").json())
    (association,) = [a for a in item["associations"] if a["name"] == "featurevideo"]
    assert association["type"] == "video" and association["uri"].endswith(f":video:{video.pk}")
    assert association["descriptions"][0]["value"] == "现场画面" and association["by"] == "记者 王明 摄像"
    p720, poster = association["renditions"]
    assert p720["name"] == "720p" and p720["contenttype"] == "video/mp4"
    assert (p720["width"], p720["height"]) == (320, 240) and p720["duration"] == pytest.approx(1.0, abs=0.1)
    assert p720["href"] == "http://testserver" + video.rendition("720p").url
    assert p720["sizeinbytes"] == video.rendition("720p").file_size
    assert poster["name"] == "poster" and poster["contenttype"] == "image/jpeg"
    # Lists stay partial: no video lookups per story.
    listed = client.get("/api/v1/items").json()["items"][0]
    assert all(a["name"] != "featurevideo" for a in listed.get("associations", []))


def test_a_video_still_transcoding_is_left_out(client, api_site, valid):  # noqa: F811
    video = VideoAsset.objects.create(title="转码中", state=State.TRANSCODING)
    story = api_site.story(title="视频转码中", video=video)
    item = valid(client.get(f"/api/v1/items/{story.pk}").json())
    assert "associations" not in item


def test_an_item_carries_its_transcoded_audio(client, api_site, valid):  # noqa: F811
    audio = services.make_asset_from_file(
        api_site.newsroom.reporter, "a.wav", io.BytesIO(make_sound(1)), transcode_now=True
    )
    story = api_site.story(title="有音频", audio=audio)
    item = valid(client.get(f"/api/v1/items/{story.pk}").json())
    (association,) = item["associations"]
    assert (association["name"], association["type"]) == ("featureaudio", "audio")
    assert [(r["name"], r["contenttype"]) for r in association["renditions"]] == [
        ("aac", "audio/mp4"),
        ("mp3", "audio/mpeg"),
    ]
    assert association["renditions"][1]["href"] == "http://testserver" + audio.rendition("mp3").url
