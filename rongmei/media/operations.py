"""Wagtail image operations for channel renditions (registered in wagtail_hooks.py).

``channelcrop-<channel>`` cuts the channel's box (the editor's override, else around the focal point;
``channels.crop_box``) and scales it down to the channel's size. Wagtail keys a rendition by its
filter spec and a hash of the operation's ``vary_fields`` read from the image (``focal_point_key``):
this operation varies by the focal point and by the image's ``crop_key_<channel>`` (a digest of that
channel's override), so moving the focal point or the crop makes a new rendition and a new URL.

``watermark-<outlet id>-<stamp>`` lays the outlet's text or logo over a public rendition; the stamp
(``channels.watermark_stamp``) changes with the outlet's watermark settings, so the spec does too.
"""

from django.utils.functional import cached_property
from PIL import Image, ImageDraw, ImageFont
from wagtail.images.image_operations import FilterOperation, TransformOperation
from wagtail.images.rect import Rect

from . import channels

FOCAL_POINT_FIELDS = ("focal_point_x", "focal_point_y", "focal_point_width", "focal_point_height")


class ChannelCropOperation(TransformOperation):
    def construct(self, key):
        channels.channel(key)  # an unknown channel is an invalid spec (ValueError → InvalidFilterSpecError)
        self.key = key
        self.vary_fields = FOCAL_POINT_FIELDS + (f"crop_key_{key}",)

    def run(self, transform, image):
        box = channels.crop_box(image, self.key)
        width, height = transform.size
        # Wagtail's sizes and ours are the upright picture's (exif.upright); were they to differ (a file
        # replaced outside the admin), the box is scaled to what was opened.
        sx, sy = width / max(image.width, 1), height / max(image.height, 1)
        # Whole pixels, the size rounded on its own so the shape stays the channel's (Rect.round() widens).
        crop_w = min(max(round(box.width * sx), 1), width)
        crop_h = min(max(round(box.height * sy), 1), height)
        left = min(max(round(box.x * sx), 0), width - crop_w)
        top = min(max(round(box.y * sy), 0), height - crop_h)
        transform = transform.crop(Rect(left, top, left + crop_w, top + crop_h))
        target = channels.output_size(channels.Box(0, 0, *transform.size), self.key)
        if target != transform.size:
            transform = transform.resize(target)
        return transform


CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


class WatermarkOperation(FilterOperation):
    def construct(self, outlet_id, stamp):
        self.outlet_id = int(outlet_id)
        self.stamp = stamp

    @cached_property
    def outlet(self):
        from rongmei.organisation.models import Outlet

        return Outlet.objects.filter(pk=self.outlet_id).first()

    @cached_property
    def logo(self):
        return _logo(self.outlet) if self.outlet is not None else None

    def prepare(self):
        """Read the outlet and its logo now (NewsImage.create_renditions: before Wagtail's threads)."""
        return self.logo

    def run(self, willow, image, env):
        outlet = self.outlet
        if outlet is None or not outlet.has_watermark:
            return willow
        from willow.plugins.pillow import PillowImage

        picture = willow.get_pillow_image()
        marked = apply_watermark(picture, outlet, logo=self.logo)
        return PillowImage(marked)


def _logo(outlet) -> Image.Image | None:
    if not outlet.watermark_logo:
        return None
    try:
        with outlet.watermark_logo.open("rb") as handle:
            logo = Image.open(handle)
            logo.load()
    except (OSError, ValueError):
        return None
    return logo.convert("RGBA")


def _font(size: int):
    for name in ("NotoSansCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "wqy-microhei.ttc", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def _text_mark(text: str, height: int) -> Image.Image:
    font = _font(height)
    left, top, right, bottom = font.getbbox(text)
    pad = max(height // 4, 2)
    mark = Image.new("RGBA", (right - left + 2 * pad, bottom - top + 2 * pad), (0, 0, 0, 0))
    draw = ImageDraw.Draw(mark)
    # A dark outline keeps white text readable on a light sky.
    draw.text(
        (pad - left, pad - top), text, font=font, fill=(255, 255, 255, 255),
        stroke_width=max(height // 16, 1), stroke_fill=(0, 0, 0, 255),
    )  # fmt: skip
    return mark


def apply_watermark(picture: Image.Image, outlet, logo=None) -> Image.Image:
    """``picture`` with the outlet's logo (else its text) in its chosen corner, at its opacity."""
    width, height = picture.size
    margin = max(min(width, height) // 40, 4)
    mark = logo.copy() if logo is not None else _logo(outlet)
    if mark is not None:
        # The logo takes at most a fifth of the width and a sixth of the height.
        scale = min(width / 5 / mark.width, height / 6 / mark.height, 1.0)
        mark = mark.resize((max(int(mark.width * scale), 1), max(int(mark.height * scale), 1)))
    else:
        mark = _text_mark(outlet.watermark_text, max(min(width, height) // 18, 10))
        if mark.width > width - 2 * margin:
            scale = (width - 2 * margin) / mark.width
            mark = mark.resize((max(int(mark.width * scale), 1), max(int(mark.height * scale), 1)))
    alpha = mark.getchannel("A").point(lambda value: value * outlet.watermark_opacity // 100)
    mark.putalpha(alpha)
    corner = outlet.watermark_position if outlet.watermark_position in CORNERS else "bottom-right"
    x = margin if corner.endswith("left") else width - mark.width - margin
    y = margin if corner.startswith("top") else height - mark.height - margin
    base = picture.convert("RGBA")
    base.alpha_composite(mark, (max(x, 0), max(y, 0)))
    result = base.convert(picture.mode if picture.mode in ("RGB", "RGBA", "L") else "RGB")
    result.info = dict(picture.info)  # keep the (GPS-free) EXIF and colour profile Willow writes back
    return result
