"""The channel crops of one picture: each channel's box drawn over it (static/media/js/channel-cropper.js),
saved or reset by POST through ``services``."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rongmei.core.admin_views import ActView, AdminPage

from . import channels, services
from .models import NewsImage

PREVIEW_SPEC = "max-800x600"


def crop_rows(image):
    rows = []
    for chosen in channels.CHANNELS:
        box = channels.crop_box(image, chosen.key)
        rendition = image.get_rendition(channels.channel_spec(chosen.key))
        rows.append(
            {
                "key": chosen.key,
                "label": chosen.label,
                "ratio": chosen.ratio or "",
                "box": [round(box.x), round(box.y), round(box.width), round(box.height)],
                "overridden": image.channel_crop_override(chosen.key) is not None,
                "rendition": rendition,
            }
        )
    return rows


class CropsView(AdminPage):
    template_name = "media/crops.html"
    header_icon = "crop"
    refusal_message = gettext_lazy("Only people who may edit this picture may change its crops.")

    def setup(self, request, *args, **kwargs):
        self.image = get_object_or_404(NewsImage, pk=kwargs["image_id"])
        super().setup(request, *args, **kwargs)

    def may_see(self, user):
        return services.may_crop(user, self.image)

    def get_page_title(self):
        return _("Channel crops: %(title)s") % {"title": self.image.title}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            image=self.image,
            preview=self.image.get_rendition(PREVIEW_SPEC),
            rows=crop_rows(self.image),
            edit_url=reverse("wagtailimages:edit", args=[self.image.pk]),
        )
        return context


class CropActView(ActView):
    errors = (services.CropError,)

    def get_object(self, image_id, key):
        self.key = key
        return get_object_or_404(NewsImage, pk=image_id)

    def default_next(self, image):
        return reverse("media_channel_crops", args=[image.pk]) + f"#crop-{self.key}"


class SaveCropView(CropActView):
    def act(self, image):
        post = self.request.POST
        services.set_channel_crop(
            self.request.user,
            image,
            self.key,
            post.get("x"),
            post.get("y"),
            post.get("width"),
            post.get("height"),
        )
        return _("The crop for “%(channel)s” is saved.") % {"channel": channels.channel(self.key).label}


class ResetCropView(CropActView):
    def act(self, image):
        if self.key not in channels.CHANNELS_BY_KEY:
            raise services.CropError(_("There is no such channel."))
        services.reset_channel_crop(self.request.user, image, self.key)
        return _("“%(channel)s” is cropped around the focal point again.") % {
            "channel": channels.channel(self.key).label
        }
