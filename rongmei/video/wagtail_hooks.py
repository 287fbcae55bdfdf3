from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import permissions
from .chooser import audio_chooser_viewset, video_chooser_viewset


@hooks.register("register_admin_urls")
def register_video_urls():
    return [path("video/", include("rongmei.video.urls"))]


@hooks.register("register_admin_viewset")
def register_video_chooser():
    return video_chooser_viewset


@hooks.register("register_admin_viewset")
def register_audio_chooser():
    return audio_chooser_viewset


class VideoMenuItem(MenuItem):
    def is_shown(self, request):
        return permissions.may_see_library(request.user)


@hooks.register("register_admin_menu_item")
def register_video_menu_item():
    return VideoMenuItem(_("Video and audio"), reverse("video_index"), icon_name="media", order=310)
