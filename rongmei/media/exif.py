"""What a photo's EXIF says (date taken, camera), turning a phone photo upright on upload, and keeping
GPS out of every rendition.

Wagtail keeps an image's width and height as the file's pixels are stored, while browsers and its own
renditions turn the picture by its EXIF orientation: a phone photo taken upright is stored sideways, so
its focal point and our channel crops would fall in the wrong place. The upload is turned upright once
(``upright``), and everything after it (Wagtail's size, the focal point, the crops) speaks of the
picture as people see it.

Willow copies the original's EXIF block into every JPEG and PNG rendition, GPS position included.
``strip_gps_from_renditions`` replaces Willow's ``auto_orient`` (the first step of every Wagtail
rendition) with one that also drops the GPS block, so no rendition carries it; originals are never
served (``rongmei.media.views``).
"""

import datetime
from io import BytesIO

from django.utils import timezone
from PIL import Image, ImageOps

GPS_IFD = 0x8825
EXIF_IFD = 0x8769
ORIENTATION = 0x0112
MODEL = 0x0110
MAKE = 0x010F
DATETIME_ORIGINAL = 0x9003
DATETIME = 0x0132


def _read(file) -> Image.Image | None:
    file.seek(0)
    try:
        picture = Image.open(file)
        picture.getexif()
        return picture
    except Exception:  # noqa: BLE001 — a picture Pillow cannot read has no EXIF to give; the form refuses it
        return None
    finally:
        file.seek(0)


def _parse_taken(text) -> datetime.datetime | None:
    if not isinstance(text, str):
        return None
    try:
        naive = datetime.datetime.strptime(text.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    # EXIF has no zone (OffsetTimeOriginal is rare): a camera is set to the newsroom's local time.
    return timezone.make_aware(naive, timezone.get_default_timezone())


def read_exif(file) -> dict:
    """``{"taken_at": datetime | None, "camera": str, "orientation": int}`` from a picture's EXIF."""
    found = {"taken_at": None, "camera": "", "orientation": 1}
    picture = _read(file)
    if picture is None:
        return found
    exif = picture.getexif()
    found["orientation"] = exif.get(ORIENTATION, 1) or 1
    details = exif.get_ifd(EXIF_IFD)
    found["taken_at"] = _parse_taken(details.get(DATETIME_ORIGINAL)) or _parse_taken(exif.get(DATETIME))
    make = str(exif.get(MAKE, "") or "").strip("\x00 ")
    model = str(exif.get(MODEL, "") or "").strip("\x00 ")
    # "Canon" + "Canon EOS R5" is said once; "Apple" + "iPhone 15" keeps both.
    found["camera"] = (model if model.lower().startswith(make.lower()) else f"{make} {model}").strip()[:100]
    return found


def upright(file, orientation: int) -> bytes | None:
    """The JPEG turned as its EXIF orientation says, with the orientation tag reset (other EXIF kept:
    the original is private), or None when it is upright already or not a JPEG."""
    if orientation in (None, 1):
        return None
    picture = _read(file)
    if picture is None or picture.format != "JPEG":
        return None
    turned = ImageOps.exif_transpose(picture)  # also sets the orientation tag to 1 in its EXIF
    out = BytesIO()
    options = {"quality": 95, "exif": turned.getexif().tobytes()}
    if picture.info.get("icc_profile"):
        options["icc_profile"] = picture.info["icc_profile"]
    turned.save(out, "JPEG", **options)
    return out.getvalue()


def without_gps(picture: Image.Image) -> Image.Image:
    """``picture`` with the GPS block dropped from the EXIF that Willow writes into a rendition."""
    if not picture.info.get("exif"):
        return picture
    exif = picture.getexif()
    if GPS_IFD in exif:
        del exif[GPS_IFD]
        picture.info["exif"] = exif.tobytes()
    return picture


def strip_gps_from_renditions():
    """Make every rendition's first step (Willow's ``auto_orient`` on a Pillow image) drop GPS too."""
    from willow.plugins.pillow import PillowImage
    from willow.registry import registry

    def auto_orient_without_gps(image):
        turned = ImageOps.exif_transpose(image.image)
        if turned is image.image:  # nothing to turn: Pillow gave back the same picture
            turned = image.image.copy()
        return PillowImage(without_gps(turned))

    registry.register_operation(PillowImage, "auto_orient", auto_orient_without_gps)
