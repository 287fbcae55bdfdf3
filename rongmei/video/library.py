"""Video and audio in the media library's list (rongmei.media.library)."""

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def _poster_url(video) -> str:
    poster = video.poster
    return poster.url if poster else ""


def _stored_bytes(asset_model, rendition_model):
    """The originals and their transcoded renditions: what the kind keeps in storage."""

    def total() -> int:
        originals = asset_model.objects.aggregate(total=Sum("file_size"))["total"] or 0
        return originals + (rendition_model.objects.aggregate(total=Sum("file_size"))["total"] or 0)

    return total


def register_library_kinds():
    from rongmei.media.library import MediaKind, register_kind

    from .models import AudioAsset, AudioRendition, VideoAsset, VideoRendition

    register_kind(
        MediaKind(
            key="video",
            label=_("video"),
            model=VideoAsset,
            thumbnail_url=_poster_url,
            edit_url=lambda video: reverse("video_edit", args=["video", video.pk]),
            prefetch=("renditions",),
            used_bytes=_stored_bytes(VideoAsset, VideoRendition),
        )
    )
    register_kind(
        MediaKind(
            key="audio",
            label=_("audio"),
            model=AudioAsset,
            thumbnail_url=lambda audio: "",
            edit_url=lambda audio: reverse("video_edit", args=["audio", audio.pk]),
            used_bytes=_stored_bytes(AudioAsset, AudioRendition),
        )
    )
