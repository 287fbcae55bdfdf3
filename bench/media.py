"""Media library throughput (issue 13): how fast the worker transcodes video and audio on this
machine, relative to real time, and how many channel renditions of a photo it makes a second.

Run from the repository root:  .venv/bin/python bench/media.py [--seconds 60]

Video: a generated 1080p clip (ffmpeg's testsrc2 with a tone, BENCH_VIDEO_SECONDS or --seconds, 60
by default) is transcoded with the worker's own command (rongmei.video.services: one ffmpeg run making
the 720p, 1080p and 9:16 MP4s, then the poster), timed by wall clock; ``video_realtime_x`` is the
clip's length over that time (2.0 = twice as fast as it plays). Audio: the same length of tone to
MP3 and AAC. Nothing touches a database. Each part is a function returning its figures; the last
line is every part's figures as one ``key=value`` line.

Image: the five channel renditions of a generated 12 MP JPEG (``image_figures``), three rounds;
``image_renditions_per_s`` over all of them, ``image_<channel>_ms`` the fastest of each.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rongmei.test_settings")


def _setup():
    import django

    django.setup()


def _generate(arguments: list, output: str):
    from rongmei.video.ffmpeg import ffmpeg_exe

    subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", *arguments, output],
        check=True,
        timeout=3600,
    )


def video_figures(seconds: int) -> dict:
    """Transcode a ``seconds``-long 1080p clip as the worker does; its speed relative to real time."""
    from rongmei.video import ffmpeg, services

    with tempfile.TemporaryDirectory(prefix="bench-media-") as directory:
        source = os.path.join(directory, "source.mp4")
        _generate(
            [
                "-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds}",
                "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
                "-c:v", "libx264", "-preset", "ultrafast", "-crf", "18", "-pix_fmt", "yuv420p",
                "-c:a", "aac",
            ],
            source,
        )  # fmt: skip
        found = ffmpeg.probe(source)
        ladder = services.video_ladder(found.width, found.height)
        outputs = [os.path.join(directory, f"{kind}.mp4") for kind, _w, _h in ladder]
        started = time.perf_counter()
        ffmpeg.run_with_progress(
            services.video_arguments(source, ladder, outputs, True), found.duration, lambda *_: None
        )
        ladder_seconds = time.perf_counter() - started
        poster_started = time.perf_counter()
        ffmpeg.run_with_progress(
            ["-ss", "1", "-i", outputs[0], "-frames:v", "1", "-q:v", "3", os.path.join(directory, "p.jpg")],
            None,
            None,
        )
        poster_seconds = time.perf_counter() - poster_started
        total = ladder_seconds + poster_seconds
        sizes = {kind: os.path.getsize(path) for (kind, _w, _h), path in zip(ladder, outputs, strict=True)}
    return {
        "video_clip_s": seconds,
        "video_renditions": "+".join(str(kind) for kind, _w, _h in ladder) + "+poster",
        "video_transcode_s": round(total, 1),
        "video_realtime_x": round(seconds / total, 2),
        "video_1080p_mb": round(sizes.get("1080p", 0) / 1024 / 1024, 1),
        "cpus": os.cpu_count(),
    }


def audio_figures(seconds: int) -> dict:
    from rongmei.video import ffmpeg, services

    with tempfile.TemporaryDirectory(prefix="bench-media-") as directory:
        source = os.path.join(directory, "source.wav")
        _generate(["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", "-ac", "2"], source)
        mp3, m4a = os.path.join(directory, "a.mp3"), os.path.join(directory, "a.m4a")
        started = time.perf_counter()
        ffmpeg.run_with_progress(
            ["-i", source, "-map", "0:a:0", "-c:a", "libmp3lame", "-b:a", f"{services.AUDIO_KBITS}k", mp3]
            + [
                "-map",
                "0:a:0",
                "-c:a",
                "aac",
                "-b:a",
                f"{services.AUDIO_KBITS}k",
                "-movflags",
                "+faststart",
                m4a,
            ],
            float(seconds),
            lambda *_: None,
        )
        elapsed = time.perf_counter() - started
    return {"audio_transcode_s": round(elapsed, 2), "audio_realtime_x": round(seconds / elapsed, 1)}


def _twelve_megapixel_jpeg() -> bytes:
    """A 4000×3000 JPEG with a camera's kind of detail (gradients and grain), quality 90."""
    from io import BytesIO

    from PIL import Image

    size = (4000, 3000)
    light = Image.linear_gradient("L").resize(size)
    tint = Image.radial_gradient("L").resize(size)
    grain = Image.effect_noise(size, 48)
    picture = Image.merge("RGB", (light, tint, grain))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def image_figures(_seconds: int, rounds: int = 3) -> dict:
    """Channel renditions (rongmei.media.channels: WeChat 2.35:1 and 1:1, app thumbnail, social card,
    print) of a 12 MP JPEG, made by Wagtail's own filter run as a rendition is, on one thread; the
    picture is not saved, so no database or storage is involved, only decoding, cutting and encoding."""
    from io import BytesIO

    from wagtail.images.models import Filter

    from rongmei.media.channels import CHANNELS, channel_spec
    from rongmei.media.models import NewsImage

    data = _twelve_megapixel_jpeg()
    image = NewsImage(title="bench", width=4000, height=3000, collection_id=0)  # no root collection lookup
    filters = [Filter(channel_spec(channel.key)) for channel in CHANNELS]
    timings = {}
    started = time.perf_counter()
    for _ in range(rounds):
        for rendition_filter in filters:
            begun = time.perf_counter()
            rendition_filter.run(image, BytesIO(), source=BytesIO(data))
            timings.setdefault(rendition_filter.spec.split("|")[0], []).append(time.perf_counter() - begun)
    elapsed = time.perf_counter() - started
    made = rounds * len(filters)
    figures = {
        "image_source_mp": 12,
        "image_renditions": made,
        "image_renditions_per_s": round(made / elapsed, 2),
    }
    for spec, seconds in timings.items():
        figures[f"image_{spec.removeprefix('channelcrop-')}_ms"] = round(min(seconds) * 1000)
    return figures


# Each part: (name, function taking the clip length).
PARTS = [("video", video_figures), ("audio", audio_figures), ("image", image_figures)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_VIDEO_SECONDS", "60")))
    parser.add_argument("--only", choices=[name for name, _f in PARTS], help="run one part")
    arguments = parser.parse_args()
    _setup()
    figures = {}
    for name, part in PARTS:
        if arguments.only and name != arguments.only:
            continue
        found = part(arguments.seconds)
        print(f"{name}: " + ", ".join(f"{key} {value}" for key, value in found.items()), flush=True)
        figures.update(found)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
