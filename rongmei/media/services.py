"""Acts on pictures: setting or resetting a channel's crop. Who may is asked here: those who may
edit the picture in Wagtail (its collection permissions)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.images.permissions import permission_policy as image_permissions

from . import channels
from .models import ChannelCrop, NewsImage

# An editor's box is dragged on a scaled-down picture, so its shape is the channel's give or take
# a few pixels of the original.
RATIO_TOLERANCE = 0.02
MIN_SIDE = 16


class CropError(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


def may_crop(user, image) -> bool:
    return image_permissions.user_has_permission_for_instance(user, "change", image)


def _check(user, image):
    if not may_crop(user, image):
        raise PermissionDenied(_("Only people who may edit this picture may change its crops."))


def _forget_renditions(image, key):
    # The old crop's renditions would never be asked for again (their key is the old crop's).
    image.renditions.filter(filter_spec__startswith=f"channelcrop-{key}|").delete()
    image.renditions.filter(filter_spec=f"channelcrop-{key}").delete()
    image.forget_channel_crops()


def set_channel_crop(user, image: NewsImage, key: str, x, y, width, height) -> ChannelCrop:
    """Keep ``user``'s crop of ``image`` for channel ``key`` (pixels of the picture)."""
    _check(user, image)
    try:
        chosen = channels.channel(key)
    except ValueError:
        raise CropError(_("There is no such channel.")) from None
    try:
        x, y, width, height = (int(round(float(v))) for v in (x, y, width, height))
    except (TypeError, ValueError):
        raise CropError(_("The crop is not a box of whole numbers: draw it again.")) from None
    if width < MIN_SIDE or height < MIN_SIDE:
        raise CropError(
            _("The crop is too small: make it at least %(side)s pixels a side.") % {"side": MIN_SIDE}
        )
    if x < 0 or y < 0 or x + width > image.width or y + height > image.height:
        raise CropError(_("The crop goes outside the picture: draw it inside."))
    if chosen.ratio is not None and abs(width / height - chosen.ratio) / chosen.ratio > RATIO_TOLERANCE:
        raise CropError(
            _("This channel needs a box of %(ratio)s (width : height); draw it again.")
            % {"ratio": f"{chosen.ratio:.2f}:1"}
        )
    with transaction.atomic():
        crop, _created = ChannelCrop.objects.update_or_create(
            image=image,
            channel=key,
            defaults={"x": x, "y": y, "width": width, "height": height, "updated_by": user},
        )
        _forget_renditions(image, key)
    return crop


def reset_channel_crop(user, image: NewsImage, key: str) -> bool:
    """Go back to the focal point's crop for channel ``key``; False when there was no override."""
    _check(user, image)
    with transaction.atomic():
        deleted, _counts = ChannelCrop.objects.filter(image=image, channel=key).delete()
        _forget_renditions(image, key)
    return bool(deleted)
