"""The chooser a story's ``video`` field uses (Wagtail's ChooserViewSet: a modal listing the videos)."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.chooser import ChooseResultsView, ChooseView
from wagtail.admin.viewsets.chooser import ChooserViewSet

from . import permissions
from .models import AudioAsset, VideoAsset


class _Columns:
    def dispatch(self, request, *args, **kwargs):
        # The media library's readers only (roles.py): 舆情分析师 and 线索编辑 have no videos to choose.
        if not permissions.may_see_library(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @property
    def columns(self):
        return [
            TitleColumn(
                "title",
                label=_("Title"),
                accessor="title",
                url_name=self.chosen_url_name,
                link_attrs={"data-chooser-modal-choice": True},
            ),
            Column("duration", label=_("Duration"), accessor="duration_text"),
            Column("state", label=_("State"), accessor="get_state_display"),
            Column("created_at", label=_("Uploaded at"), accessor="created_at"),
        ]


class VideoChooseView(_Columns, ChooseView):
    pass


class VideoChooseResultsView(_Columns, ChooseResultsView):
    pass


class MediaChooserViewSet(ChooserViewSet):
    icon = "media"
    choose_view_class = VideoChooseView
    choose_results_view_class = VideoChooseResultsView
    per_page = 20


class VideoChooserViewSet(MediaChooserViewSet):
    model = VideoAsset
    choose_one_text = _("Choose a video")
    choose_another_text = _("Choose another video")
    edit_item_text = _("Edit video")


video_chooser_viewset = VideoChooserViewSet("video_chooser", url_prefix="video-chooser")


class AudioChooserViewSet(MediaChooserViewSet):
    model = AudioAsset
    choose_one_text = _("Choose audio")
    choose_another_text = _("Choose other audio")
    edit_item_text = _("Edit audio")


audio_chooser_viewset = AudioChooserViewSet("audio_chooser", url_prefix="audio-chooser")
