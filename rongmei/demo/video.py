"""The demo's video: a title card encoded to a short H.264/AAC MP4 with the ffmpeg binary of the
imageio-ffmpeg wheel (docs/decisions/0025). Made once per demo database, no downloads."""

import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
)


def _font(size):
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default()


def title_card(lines, size=(720, 1280)) -> Image.Image:
    image = Image.new("RGB", size, (18, 64, 140))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, size[1] - 180, size[0], size[1]], fill=(200, 30, 45))
    y = size[1] // 3
    for index, line in enumerate(lines):
        font = _font(64 if index == 0 else 40)
        width = draw.textlength(line, font=font)
        draw.text(((size[0] - width) / 2, y), line, font=font, fill=(255, 255, 255))
        y += 110 if index == 0 else 70
    return image


def make_demo_video(lines, seconds=4) -> bytes:
    """An MP4 (portrait, 720×1280) showing ``lines`` for ``seconds`` with a quiet tone."""
    import imageio_ffmpeg

    with tempfile.TemporaryDirectory() as directory:
        card = Path(directory) / "card.png"
        out = Path(directory) / "demo.mp4"
        title_card(lines).save(card)
        command = [
            imageio_ffmpeg.get_ffmpeg_exe(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-loop",
            "1",
            "-i",
            str(card),
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:duration={seconds}",
            "-t",
            str(seconds),
            "-c:v",
            "libx264",
            "-pix_fmt",
            "yuv420p",
            "-r",
            "25",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-shortest",
            "-movflags",
            "+faststart",
            str(out),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return out.read_bytes()
