"""Small files for the upload tests, made in memory."""

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def huge_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A 1-bit black PNG of ``width`` × ``height`` pixels that compresses to a few dozen KB.

    Written row by row with zlib, so making it never holds the decoded picture in memory.
    """
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1 bit, greyscale
    row = b"\x00" + b"\x00" * ((width + 7) // 8)  # filter byte + the row's bits
    packer = zlib.compressobj(9)
    parts = [packer.compress(row) for _ in range(height)]
    parts.append(packer.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", b"".join(parts))
        + _chunk(b"IEND", b"")
    )


def small_png(width: int = 40, height: int = 30) -> bytes:
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_exif(
    width: int = 600,
    height: int = 400,
    *,
    gps: bool = True,
    orientation: int = 1,
    taken: str = "2026:03:14 09:26:53",
    model: str = "Canon EOS R5",
) -> bytes:
    """A JPEG whose EXIF has a date taken, a camera, an orientation and (when ``gps``) a GPS position.

    The left half is red and the right half blue, so a turned picture can be told from an upright one.
    """
    from io import BytesIO

    from PIL import Image

    picture = Image.new("RGB", (width, height), (220, 20, 20))
    picture.paste((20, 20, 220), (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = model
    exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        exif.get_ifd(0x8825).update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 50.0)})
    buffer = BytesIO()
    picture.save(buffer, "JPEG", exif=exif.tobytes(), quality=90)
    return buffer.getvalue()


def exif_of(data: bytes):
    from io import BytesIO

    from PIL import Image

    return Image.open(BytesIO(data)).getexif()
