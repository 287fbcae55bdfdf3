"""The media library's kinds: every model that holds media (images here, video and audio in
``rongmei.video``) registers one ``MediaKind`` so the library page lists them together.

A kind's model must inherit ``rongmei.media.metadata.MediaMetadata`` (caption, credit, taken_at, rights…)
and have ``title``, ``created_at`` and ``tags`` (a taggit manager), as Wagtail's images do; the library
searches, filters and orders every kind by those fields alike.

Register at import time of the app's ``wagtail_hooks.py`` (or ``AppConfig.ready``)::

    from rongmei.media.library import MediaKind, register_kind

    register_kind(MediaKind(
        key="video",
        label=_("video"),
        model=Video,
        thumbnail_url=lambda video: video.poster.url if video.poster else "",
        edit_url=lambda video: reverse("video_edit", args=[video.pk]),
    ))
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class MediaKind:
    key: str  # "image", "video", "audio": the library's type filter and its rows' type
    label: str  # shown in the type column and the filter (a lazy translation)
    model: type[models.Model]
    thumbnail_url: Callable[[models.Model], str]  # "" when the item has none yet (a video being transcoded)
    edit_url: Callable[[models.Model], str]
    # Related names the library's queryset follows for each page of rows, so thumbnail_url and
    # edit_url make no query per row (e.g. ("renditions",) for images, ("poster",) for video).
    prefetch: tuple[str, ...] = field(default=())
    select: tuple[str, ...] = field(default=())


_kinds: dict[str, MediaKind] = {}


def register_kind(kind: MediaKind) -> MediaKind:
    """Add a kind to the library (registering the same key again replaces it, so a reload is harmless)."""
    _kinds[kind.key] = kind
    return kind


def kinds() -> list[MediaKind]:
    """The registered kinds, in the order they were first registered."""
    return list(_kinds.values())


def kind(key: str) -> MediaKind | None:
    return _kinds.get(key)


def kind_for(instance_or_model) -> MediaKind | None:
    model = instance_or_model if isinstance(instance_or_model, type) else type(instance_or_model)
    for registered in _kinds.values():
        if issubclass(model, registered.model):
            return registered
    return None
