"""Small media files for the tests, made with ffmpeg's test sources."""

import subprocess
import tempfile
from pathlib import Path

from rongmei.video.ffmpeg import ffmpeg_exe


def make_clip(size="320x240", seconds=1, *, audio=True, extension="mp4", faststart=False, extra=()) -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / f"clip.{extension}"
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        command += ["-f", "lavfi", "-i", f"testsrc=size={size}:rate=25:duration={seconds}"]
        if audio:
            command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}"]
        if extension in ("mp4", "mov"):
            command += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
            if audio:
                command += ["-c:a", "aac"]
            if faststart:
                command += ["-movflags", "+faststart"]
        command += [*extra, str(out)]
        subprocess.run(command, check=True, timeout=60)
        return out.read_bytes()


def make_sound(seconds=1, extension="wav") -> bytes:
    with tempfile.TemporaryDirectory() as directory:
        out = Path(directory) / f"sound.{extension}"
        command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        command += ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", str(out)]
        subprocess.run(command, check=True, timeout=60)
        return out.read_bytes()
