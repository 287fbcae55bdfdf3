"""Storage quotas per kind of media (photos, video, audio).

A center buys its storage by the terabyte and video fills it fastest, so each kind may have its own
ceiling (``MEDIA_QUOTA_BYTES``, from the environment: ``MEDIA_QUOTA_IMAGE_BYTES``,
``MEDIA_QUOTA_VIDEO_BYTES``, ``MEDIA_QUOTA_AUDIO_BYTES``; 0 or unset: none). An upload that would pass
its kind's ceiling is refused before anything is stored, saying how much is used and what to do; the
library page shows each kind's use. What a kind counts is its ``MediaKind.used_bytes`` (originals,
and for video and audio the transcoded renditions too, which are most of it).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .library import kind as media_kind
from .library import kinds

GB = 1024**3
MB = 1024**2


class QuotaExceeded(Exception):
    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Usage:
    key: str
    label: str
    used: int
    quota: int | None

    @property
    def percent(self) -> int | None:
        return min(100, round(self.used * 100 / self.quota)) if self.quota else None

    @property
    def used_text(self) -> str:
        return size_text(self.used)

    @property
    def quota_text(self) -> str:
        return size_text(self.quota) if self.quota else ""


def size_text(size: int) -> str:
    if size >= GB:
        return f"{size / GB:.1f} GB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / 1024:.0f} KB"


def quota_bytes(key: str) -> int | None:
    value = (getattr(settings, "MEDIA_QUOTA_BYTES", None) or {}).get(key)
    return int(value) if value else None


def used_bytes(key: str) -> int:
    found = media_kind(key)
    return int(found.used_bytes() or 0) if found and found.used_bytes else 0


def check_room(key: str, size: int, *, replacing: int = 0) -> None:
    """Refuse (QuotaExceeded) a new file of ``size`` bytes of kind ``key`` that would pass its quota;
    ``replacing``: the bytes of a file it replaces, freed when it is stored."""
    quota = quota_bytes(key)
    if not quota:
        return
    used = used_bytes(key)
    if used - replacing + size <= quota:
        return
    label = media_kind(key).label if media_kind(key) else key
    raise QuotaExceeded(
        _(
            "The library's space for %(kind)s is %(quota)s and %(used)s of it is used, so this "
            "%(size)s file does not fit. Delete %(kind)s nobody uses (the library's “unused” filter "
            "finds them), or ask an administrator to raise the quota."
        )
        % {"kind": label, "quota": size_text(quota), "used": size_text(used), "size": size_text(size)}
    )


def usage() -> list[Usage]:
    """Each counted kind's use and quota, for the library page."""
    return [
        Usage(key=k.key, label=str(k.label), used=used_bytes(k.key), quota=quota_bytes(k.key))
        for k in kinds()
        if k.used_bytes
    ]
