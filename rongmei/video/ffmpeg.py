"""ffmpeg from the imageio-ffmpeg wheel (decision 0025): probing and the rendition commands.

The wheel has no ffprobe, so a file is probed with ``ffmpeg -hide_banner -i FILE``: with no output
ffmpeg prints the container, duration and streams to stderr and exits 1, or says why it cannot read
the file. That text has been stable for years; ``parse_probe`` reads only its ``Duration:`` line and
the first video and audio ``Stream`` lines.
"""

import dataclasses
import re
import subprocess
import time

PROBE_TIMEOUT = 60

_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_VIDEO = re.compile(r"Stream #\d+:\d+[^:]*: Video: (\w+).*?, (\d{2,5})x(\d{2,5})")
_AUDIO = re.compile(r"Stream #\d+:\d+[^:]*: Audio: (\w+)")
_ROTATION = re.compile(r"rotation of (-?\d+(?:\.\d+)?) degrees|rotate\s*: (-?\d+)")
_INPUT = re.compile(r"Input #0, ([^,]+(?:,[^,]+)*?), from")


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


@dataclasses.dataclass
class Probe:
    container: str = ""
    duration: float | None = None
    video_codec: str = ""
    width: int | None = None
    height: int | None = None
    audio_codec: str = ""
    error: str = ""  # ffmpeg's own last line when it could not read the file

    @property
    def has_video(self) -> bool:
        return bool(self.video_codec and self.width and self.height)


def parse_probe(text: str) -> Probe:
    probe = Probe()
    if (found := _INPUT.search(text)) is not None:
        probe.container = found.group(1).strip()[:80]
    if (found := _DURATION.search(text)) is not None:
        hours, minutes, seconds = found.groups()
        probe.duration = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    # Cover art in an MP3 or M4A shows up as a one-picture "video" stream: not a video.
    for found in _VIDEO.finditer(text):
        line_end = text.find("\n", found.start())
        line = text[found.start() : line_end if line_end >= 0 else None]
        if "attached pic" in line or found.group(1) in ("mjpeg", "png", "bmp"):
            continue
        probe.video_codec = found.group(1)
        probe.width, probe.height = int(found.group(2)), int(found.group(3))
        break
    if (found := _AUDIO.search(text)) is not None:
        probe.audio_codec = found.group(1)
    # Phones record sideways and say so; ffmpeg turns the picture upright when it transcodes.
    if probe.has_video and (found := _ROTATION.search(text)) is not None:
        angle = abs(round(float(found.group(1) or found.group(2)))) % 180
        if angle == 90:
            probe.width, probe.height = probe.height, probe.width
    if probe.duration is None and not probe.video_codec and not probe.audio_codec:
        lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
        probe.error = lines[-1] if lines else ""
    return probe


def probe(path: str) -> Probe:
    completed = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", path],
        capture_output=True,
        timeout=PROBE_TIMEOUT,
    )
    return parse_probe(completed.stderr.decode("utf-8", "replace"))


class FfmpegFailed(Exception):
    def __init__(self, message, tail=""):
        super().__init__(message)
        self.tail = tail


def run_with_progress(
    arguments: list, duration: float | None, report, *, every=1.0, stats_period=0.5, timeout=None
):
    """Run ffmpeg with ``-progress pipe:1`` (a block every ``stats_period`` seconds); call
    ``report(fraction, seconds_left)`` at most once per ``every`` seconds as it works. Raises
    FfmpegFailed with ffmpeg's last lines when it fails."""
    import tempfile

    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    command += ["-stats_period", str(stats_period), "-progress", "pipe:1"]
    # stderr goes to a file: a pipe nobody reads could fill up and stall ffmpeg.
    with tempfile.TemporaryFile() as errors:
        started = time.monotonic()
        last = best = 0.0
        process = subprocess.Popen(command + arguments, stdout=subprocess.PIPE, stderr=errors)
        try:
            for raw in process.stdout:
                key, _, value = raw.decode("ascii", "replace").strip().partition("=")
                if key != "out_time_us" or not duration:
                    continue
                try:
                    # With several outputs the reported time may step back a little: never show that.
                    done = max(best, min(1.0, int(value) / 1_000_000 / duration))
                except ValueError:
                    continue
                best = done
                now = time.monotonic()
                if now - last >= every and done > 0:
                    last = now
                    elapsed = now - started
                    report(done, elapsed * (1 - done) / done)
                if timeout and now - started > timeout:
                    process.kill()
                    break
            code = process.wait(timeout=timeout)
        except BaseException:
            process.kill()
            process.wait()
            raise
        if code != 0:
            errors.seek(0)
            tail = errors.read()[-2000:].decode("utf-8", "replace").strip()
            raise FfmpegFailed(f"ffmpeg exited with {code}", tail)
