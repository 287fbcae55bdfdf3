"""Video and audio renditions are public files answered from disk (with Range); originals never are."""

import io

import pytest

from rongmei.media.tests import test_static_and_rendition_serving as serving
from rongmei.video import services
from rongmei.video.models import AudioRendition, VideoRendition

from .media import make_clip, make_sound

wsgi_get = serving.wsgi_get
django_calls = serving.django_calls  # the fixture: the paths that reached Django


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SERVE_MEDIA = True
    return settings.MEDIA_ROOT


def test_renditions_and_posters_are_served_from_disk_with_ranges_and_a_long_cache(
    newsroom, media, django_calls
):
    video = services.make_asset_from_file(
        newsroom.reporter, "a.mp4", io.BytesIO(make_clip()), transcode_now=True
    )
    mp4 = video.rendition(VideoRendition.Kind.P720)
    status, headers, body = wsgi_get(mp4.url, HTTP_RANGE="bytes=0-99")
    assert status == 206 and len(body) == 100 and body[4:8] == b"ftyp"
    assert headers["Content-Type"] == "video/mp4" and "immutable" in headers["Cache-Control"]
    assert headers["Content-Range"] == f"bytes 0-99/{mp4.file_size}"
    status, headers, body = wsgi_get(video.poster.url)
    assert (status, headers["Content-Type"], body[:3]) == (200, "image/jpeg", b"\xff\xd8\xff")
    audio = services.make_asset_from_file(
        newsroom.reporter, "a.wav", io.BytesIO(make_sound()), transcode_now=True
    )
    for kind, content_type in (
        (AudioRendition.Kind.MP3, "audio/mpeg"),
        (AudioRendition.Kind.AAC, "audio/mp4"),
    ):
        status, headers, _body = wsgi_get(audio.rendition(kind).url)
        assert (status, headers["Content-Type"]) == (200, content_type)
    assert django_calls == []


def test_originals_and_other_files_are_not_public(newsroom, media, django_calls, client):
    video = services.make_asset_from_file(
        newsroom.reporter, "a.mp4", io.BytesIO(make_clip()), transcode_now=True
    )
    assert wsgi_get(video.original.url)[0] == 404
    assert client.get(video.original.url).status_code == 404
    (media / "video" / "notes.txt").write_text("x")
    assert wsgi_get("/media/video/notes.txt")[0] == 404
    assert wsgi_get("/media/video/../media_originals/" + video.original.name.rsplit("/", 1)[-1])[0] == 404
    # The Django route answers a rendition like the WSGI server.
    response = client.get(video.rendition("720p").url, HTTP_RANGE="bytes=0-9")
    assert response.status_code == 206 and response["Content-Type"] == "video/mp4"
