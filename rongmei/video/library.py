"""Video and audio in the media library's list (rongmei.media.library)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _poster_url(video) -> str:
    poster = video.poster
    return poster.url if poster else ""


def register_library_kinds():
    from rongmei.media.library import MediaKind, register_kind

    from .models import AudioAsset, VideoAsset

    register_kind(
        MediaKind(
            key="video",
            label=_("video"),
            model=VideoAsset,
            thumbnail_url=_poster_url,
            edit_url=lambda video: reverse("video_edit", args=["video", video.pk]),
            prefetch=("renditions",),
        )
    )
    register_kind(
        MediaKind(
            key="audio",
            label=_("audio"),
            model=AudioAsset,
            thumbnail_url=lambda audio: "",
            edit_url=lambda audio: reverse("video_edit", args=["audio", audio.pk]),
        )
    )
