"""Probing and transcoding with the wheel's ffmpeg: renditions, sizes, codecs, failures."""

import io

import pytest

from rongmei.testing import fresh
from rongmei.video import ffmpeg, services
from rongmei.video.models import AudioRendition, State, VideoAsset, VideoRendition

from .media import make_clip, make_sound

Kind = VideoRendition.Kind


def add(newsroom, data, name="clip.mp4", on_commit=None):
    return services.make_asset_from_file(newsroom.reporter, name, io.BytesIO(data), transcode_now=True)


def probe_file(field_file):
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".bin") as local:
        with field_file.storage.open(field_file.name, "rb") as source:
            local.write(source.read())
        local.flush()
        return ffmpeg.probe(local.name)


def test_the_ladder_never_upscales_and_leaves_vertical_originals_alone():
    assert services.video_ladder(1920, 1080) == [
        (Kind.P720, 1280, 720),
        (Kind.P1080, 1920, 1080),
        (Kind.VERTICAL, 1080, 1920),
    ]
    assert services.video_ladder(1280, 720) == [(Kind.P720, 1280, 720), (Kind.VERTICAL, 720, 1280)]
    assert services.video_ladder(320, 240) == [(Kind.P720, 320, 240), (Kind.VERTICAL, 720, 1280)]
    assert services.video_ladder(1080, 1920) == [(Kind.P720, 720, 1280), (Kind.P1080, 1080, 1920)]


def test_a_probe_reads_duration_size_codecs_and_a_phones_rotation():
    text = (
        "Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'x.mp4':\n  Duration: 00:01:02.50, start: 0.000000\n"
        "  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv), 1920x1080, 25 fps\n"
        "      Side data:\n        displaymatrix: rotation of -90.00 degrees\n"
        "  Stream #0:1[0x2](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo\n"
    )
    found = ffmpeg.parse_probe(text)
    assert (found.duration, found.video_codec, found.audio_codec) == (62.5, "h264", "aac")
    assert (found.width, found.height) == (1080, 1920)  # upright, as it will be transcoded
    assert found.container.startswith("mov,mp4")
    broken = ffmpeg.parse_probe(
        "[mov,mp4 @ 0x1] moov atom not found\nx.mp4: Invalid data found when processing input\n"
    )
    assert not broken.has_video and broken.error.endswith("Invalid data found when processing input")


def test_a_1080p_video_gets_720p_1080p_vertical_and_a_poster(newsroom):
    asset = add(newsroom, make_clip("1920x1080", 1))
    assert asset.state == State.READY, asset.failure_message
    assert (asset.width, asset.height, asset.video_codec, asset.audio_codec) == (1920, 1080, "h264", "aac")
    assert asset.duration == pytest.approx(1.0, abs=0.1)
    sizes = {r.kind: (r.width, r.height) for r in asset.renditions.all()}
    assert sizes == {
        Kind.P720: (1280, 720),
        Kind.P1080: (1920, 1080),
        Kind.VERTICAL: (1080, 1920),
        Kind.POSTER: (1280, 720),
    }
    for rendition in asset.renditions.exclude(kind=Kind.POSTER):
        found = probe_file(rendition.file)
        assert (found.width, found.height) == (rendition.width, rendition.height)
        assert (found.video_codec, found.audio_codec) == ("h264", "aac")
        assert found.duration == pytest.approx(1.0, abs=0.15)
        assert rendition.file.name.startswith("video/") and rendition.file_size == rendition.file.size
    with asset.poster.file.open("rb") as poster:
        assert poster.read(3) == b"\xff\xd8\xff"
    assert asset.original.name.startswith("media_originals/")  # kept, and not in the public folder


def test_a_small_video_is_not_upscaled_and_has_no_1080p(newsroom):
    asset = add(newsroom, make_clip("320x240", 1, audio=False))
    assert asset.state == State.READY, asset.failure_message
    kinds = {r.kind: (r.width, r.height) for r in asset.renditions.all()}
    assert kinds[Kind.P720] == (320, 240) and Kind.P1080 not in kinds
    assert asset.audio_codec == "" and probe_file(asset.rendition(Kind.P720).file).audio_codec == ""


def test_a_vertical_video_gives_short_video_channels_its_720p(newsroom):
    asset = add(newsroom, make_clip("360x640", 1))
    assert asset.is_vertical and asset.rendition(Kind.VERTICAL) is None
    assert asset.short_video_rendition() == asset.rendition(Kind.P720)


def test_audio_gets_mp3_and_aac(newsroom):
    asset = add(newsroom, make_sound(1), name="interview.wav")
    assert asset.state == State.READY, asset.failure_message
    codecs = {r.kind: probe_file(r.file).audio_codec for r in asset.renditions.all()}
    assert codecs == {AudioRendition.Kind.MP3: "mp3", AudioRendition.Kind.AAC: "aac"}
    assert asset.duration == pytest.approx(1.0, abs=0.1)


def test_a_truncated_mp4_fails_with_a_message_and_the_next_job_still_runs(newsroom):
    whole = make_clip("320x240", 2)
    broken = add(newsroom, whole[: len(whole) // 2], name="broken.mp4")  # the moov atom is at the end
    assert broken.state == State.FAILED and "broken.mp4" in broken.failure_message
    assert broken.original and broken.renditions.count() == 0
    early = make_clip("320x240", 2, faststart=True)  # the index first: readable, but it stops early
    cut = add(newsroom, early[: len(early) // 2], name="cut.mp4")
    assert cut.state == State.FAILED and cut.failure_message
    assert add(newsroom, make_clip("320x240", 1)).state == State.READY


def test_an_unexpected_error_marks_the_asset_failed_and_does_not_escape(newsroom, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ffmpeg, "run_with_progress", explode)
    asset = add(newsroom, make_clip("320x240", 1))
    assert asset.state == State.FAILED and asset.failure_message


def test_progress_is_reported_while_ffmpeg_works(newsroom, monkeypatch):
    seen = []
    original = services._Progress.__call__

    def spy(self, fraction, seconds_left):
        original(self, fraction, seconds_left)
        seen.append(VideoAsset.objects.values_list("percent_done", "seconds_left").get(pk=self.pk))

    monkeypatch.setattr(services._Progress, "__call__", spy)
    real = ffmpeg.run_with_progress
    monkeypatch.setattr(
        ffmpeg, "run_with_progress", lambda *a, **k: real(*a, **{**k, "every": 0, "stats_period": 0.02})
    )
    asset = add(newsroom, make_clip("640x360", 2))
    assert fresh(asset).state == State.READY
    percents = [percent for percent, _left in seen]
    assert len(seen) >= 2 and all(0 <= percent < 100 and left is not None for percent, left in seen)
    assert percents == sorted(percents) and percents[-1] > percents[0]
