from django.db.models import Prefetch, Sum
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.images.permissions import permission_policy as image_permissions

from .library import MediaKind, register_kind
from .models import NewsImage, NewsImageRendition
from .operations import ChannelCropOperation, WatermarkOperation
from .views_crops import CropsView, ResetCropView, SaveCropView
from .views_library import LibraryView

LIBRARY_THUMBNAIL = "max-165x165"


@hooks.register("register_image_operations")
def register_channel_operations():
    return [("channelcrop", ChannelCropOperation), ("watermark", WatermarkOperation)]


register_kind(
    MediaKind(
        key="image",
        label=_("photo"),
        model=NewsImage,
        # An admin thumbnail: no watermark (only channel renditions carry it).
        thumbnail_url=lambda image: image.get_rendition(LIBRARY_THUMBNAIL).url,
        edit_url=lambda image: reverse("wagtailimages:edit", args=[image.pk]),
        prefetch=(
            Prefetch("renditions", queryset=NewsImageRendition.objects.filter(filter_spec=LIBRARY_THUMBNAIL)),
        ),
        usage_url=lambda image: image.usage_url,
        queryset_for=lambda user: image_permissions.instances_user_has_any_permission_for(
            user, ["change", "choose"]
        ),
        # The originals (renditions are made again on demand and are a fraction of them).
        used_bytes=lambda: NewsImage.objects.aggregate(total=Sum("file_size"))["total"] or 0,
    )
)


@hooks.register("register_admin_urls")
def register_media_urls():
    return [
        path("media-library/", LibraryView.as_view(), name="media_library"),
        path("media-library/images/<int:image_id>/crops/", CropsView.as_view(), name="media_channel_crops"),
        path(
            "media-library/images/<int:image_id>/crops/<str:key>/",
            SaveCropView.as_view(),
            name="media_channel_crop_save",
        ),
        path(
            "media-library/images/<int:image_id>/crops/<str:key>/reset/",
            ResetCropView.as_view(),
            name="media_channel_crop_reset",
        ),
    ]


class LibraryMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("wagtailadmin.access_admin")


@hooks.register("register_admin_menu_item")
def register_library_menu_item():
    return LibraryMenuItem(
        _("Media library (媒资库)"), reverse("media_library"), icon_name="folder-open-inverse", order=305
    )
