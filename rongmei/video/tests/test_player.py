"""The public players (the include the article page and the H5 app use) and the story's chooser."""

import io

from django.template.loader import render_to_string
from django.urls import reverse

from rongmei.testing import login
from rongmei.video import services
from rongmei.video.models import State, VideoAsset

from .media import make_clip, make_sound


def test_the_video_player_offers_720p_then_1080p_with_poster_size_and_caption(newsroom):
    video = services.make_asset_from_file(
        newsroom.reporter, "a.mp4", io.BytesIO(make_clip("1920x1080", 1)), transcode_now=True
    )
    video.caption, video.credit = "市民在广场参加活动", "记者 王明 摄像"
    html = render_to_string("video/player.html", {"video": video})
    p720, p1080 = video.rendition("720p"), video.rendition("1080p")
    assert html.index(p720.url) < html.index(p1080.url)
    assert (
        f'<source src="{p720.url}" type="video/mp4" data-quality="720p" media="(max-width: 1199px)">' in html
    )
    assert f'<source src="{p1080.url}" type="video/mp4" data-quality="1080p">' in html
    assert 'preload="metadata"' in html and 'width="1280" height="720"' in html
    assert f'poster="{video.poster.url}"' in html
    assert "<figcaption>市民在广场参加活动 记者 王明 摄像</figcaption>" in html


def test_a_video_not_transcoded_yet_shows_no_player(newsroom):
    video = VideoAsset.objects.create(title="转码中", state=State.TRANSCODING)
    assert "<video" not in render_to_string("video/player.html", {"video": video})


def test_the_audio_player_offers_aac_and_mp3(newsroom):
    audio = services.make_asset_from_file(
        newsroom.reporter, "a.wav", io.BytesIO(make_sound()), transcode_now=True
    )
    html = render_to_string("video/audio_player.html", {"audio": audio})
    assert f'<source src="{audio.rendition("aac").url}" type="audio/mp4">' in html
    assert f'<source src="{audio.rendition("mp3").url}" type="audio/mpeg">' in html


def test_a_storys_video_is_chosen_from_the_library(newsroom, client):
    video = VideoAsset.objects.create(title="现场视频", state=State.READY, duration=62)
    story = newsroom.add_story(title="有视频")
    login(client, newsroom.reporter)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    assert reverse("video_chooser:choose") in edit
    chooser = client.get(reverse("video_chooser:choose"))
    assert (
        chooser.status_code == 200
        and "现场视频" in chooser.json()["html"]
        and "1:02" in chooser.json()["html"]
    )
    chosen = client.get(reverse("video_chooser:chosen", args=[video.pk])).json()
    assert chosen["result"]["id"] == str(video.pk) and chosen["result"]["title"] == "现场视频"


def test_a_storys_audio_is_chosen_from_the_library(newsroom, client):
    from rongmei.video.models import AudioAsset

    audio = AudioAsset.objects.create(title="专访录音", state=State.READY, duration=75)
    story = newsroom.add_story(title="有音频")
    login(client, newsroom.reporter)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    assert reverse("audio_chooser:choose") in edit
    chooser = client.get(reverse("audio_chooser:choose")).json()["html"]
    assert "专访录音" in chooser and "1:15" in chooser
    story.audio = audio
    story.save()
    assert type(story).objects.get(pk=story.pk).audio == audio
