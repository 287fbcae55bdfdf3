"""The pictures each channel wants, cut from one photo: where each crop lies and the Wagtail filter
spec that makes its rendition.

A channel's crop is the editor's override for that photo and channel (``ChannelCrop``) when there is
one, else the largest box of the channel's shape around the photo's focal point (its middle when it
has none). The same box gives the rendition (the ``channelcrop-<channel>`` operation in
``operations.py``), WeChat's ``pic_crop_235_1``/``pic_crop_1_1`` and the app's list thumbnail, so all
of them show the same part of the picture.
"""

import hashlib
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Channel:
    key: str
    label: str
    # Width / height of the crop; None keeps the photo's own shape (print takes the whole picture
    # unless an editor cuts it).
    ratio: float | None
    # The rendition's size in pixels (never enlarged); None keeps the crop's own size.
    size: tuple[int, int] | None
    # Public renditions carry the outlet's watermark; print goes to the plate as it is.
    public: bool = True
    jpeg_quality: int = 85


CHANNELS = (
    Channel("wechat_cover", _("WeChat cover 2.35:1"), 2.35, (900, 383)),
    Channel("wechat_square", _("WeChat cover 1:1"), 1.0, (500, 500)),
    Channel("app_thumbnail", _("App list thumbnail 16:9"), 16 / 9, (480, 270)),
    # Open Graph / Weibo link cards: 1200×630 (1.91:1).
    Channel("social_card", _("Social card 1.91:1"), 1200 / 630, (1200, 630)),
    Channel("print", _("Print, full resolution"), None, None, public=False, jpeg_quality=95),
)
CHANNELS_BY_KEY = {channel.key: channel for channel in CHANNELS}


def channel(key: str) -> Channel:
    try:
        return CHANNELS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"Unknown picture channel: {key}") from None


@dataclass(frozen=True)
class Box:
    """A crop in the photo's own pixels (as Wagtail stores its width and height); the focal point's boxes
    keep fractions of a pixel, so WeChat's normalised crops are exact."""

    x: float
    y: float
    width: float
    height: float

    def normalised(self, image_width: int, image_height: int) -> tuple[float, float, float, float]:
        """Left, top, right, bottom as fractions 0–1 of the picture."""
        return (
            self.x / image_width,
            self.y / image_height,
            (self.x + self.width) / image_width,
            (self.y + self.height) / image_height,
        )


def focal_box(width: int, height: int, ratio: float | None, centre=None) -> Box:
    """The largest ``ratio`` box inside the picture, centred on ``centre`` (pixels; the middle when None)
    as far as the edges allow."""
    if ratio is None or width <= 0 or height <= 0:
        return Box(0, 0, max(width, 0), max(height, 0))
    if width / height > ratio:
        crop_w, crop_h = height * ratio, float(height)
    else:
        crop_w, crop_h = float(width), width / ratio
    cx, cy = centre if centre is not None else (width / 2, height / 2)
    left = min(max(cx - crop_w / 2, 0.0), width - crop_w)
    top = min(max(cy - crop_h / 2, 0.0), height - crop_h)
    return Box(left, top, crop_w, crop_h)


def fit_override(box: Box, width: int, height: int) -> Box:
    """An override kept inside the picture (a file replaced by a smaller one must not crop outside it)."""
    x = min(max(box.x, 0), max(width - 1, 0))
    y = min(max(box.y, 0), max(height - 1, 0))
    return Box(x, y, max(min(box.width, width - x), 1), max(min(box.height, height - y), 1))


def crop_box(image, key: str) -> Box:
    """The box of ``image`` that channel ``key`` shows: the editor's override, else the focal point's."""
    override = image.channel_crop_override(key)
    if override is not None:
        return fit_override(override, image.width, image.height)
    focal = image.get_focal_point()
    centre = (focal.centroid.x, focal.centroid.y) if focal is not None else None
    return focal_box(image.width, image.height, channel(key).ratio, centre)


def output_size(box: Box, key: str) -> tuple[int, int]:
    """The rendition's size for a crop: the channel's size, or the crop's own when it is smaller."""
    size = channel(key).size
    if size is None or box.width <= size[0]:
        return (box.width, box.height)
    return size


def watermark_stamp(outlet) -> str:
    """A short hash of the outlet's watermark settings, in the filter spec so a changed watermark makes
    new renditions (Wagtail keys renditions by their spec)."""
    logo = outlet.watermark_logo.name if outlet.watermark_logo else ""
    raw = f"{outlet.watermark_text}|{logo}|{outlet.watermark_position}|{outlet.watermark_opacity}"
    return hashlib.sha1(raw.encode()).hexdigest()[:8]


def channel_spec(key: str, outlet=None) -> str:
    """The Wagtail filter spec of channel ``key``'s rendition, with ``outlet``'s watermark when the channel
    is public and the outlet has one."""
    chosen = channel(key)
    parts = [f"channelcrop-{key}"]
    if chosen.public and outlet is not None and outlet.has_watermark:
        parts.append(f"watermark-{outlet.pk}-{watermark_stamp(outlet)}")
    parts += ["format-jpeg", f"jpegquality-{chosen.jpeg_quality}"]
    return "|".join(parts)


def with_watermark(spec: str, outlet) -> str:
    """Any public rendition's ``spec`` with ``outlet``'s watermark (when it has one), before its format."""
    if outlet is None or not outlet.has_watermark:
        return spec
    return f"{spec}|watermark-{outlet.pk}-{watermark_stamp(outlet)}"


def channel_rendition(image, key: str, outlet=None):
    return image.get_rendition(channel_spec(key, outlet))
