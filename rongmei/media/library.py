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
    # Related names (or Prefetch objects) the library's queryset follows for each page of rows, so
    # thumbnail_url and edit_url make no query per row (e.g. ("renditions",) for video).
    prefetch: tuple = field(default=())
    select: tuple[str, ...] = field(default=())
    # Where the "used in" count links to (Wagtail's usage view for images); None shows the count alone.
    usage_url: Callable[[models.Model], str] | None = None
    # The items ``user`` may see; None: all of them (the library is for people with admin access).
    queryset_for: Callable[[object], models.QuerySet] | None = None
    # The bytes this kind keeps in storage (originals and the renditions counted for it), for its
    # quota (rongmei.media.quotas); None: not counted.
    used_bytes: Callable[[], int] | None = None


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


# --- the library's list ---------------------------------------------------------------------------------

EXPIRING_DAYS = 30


@dataclass(frozen=True)
class LibraryQuery:
    """What the library list is asked for (every field optional; empty means no filter)."""

    text: str = ""  # in title, caption, credit or keywords
    kind: str = ""
    credit: str = ""
    date_from: object = None  # datetime.date: date taken (else uploaded) on or after
    date_to: object = None
    rights: str = ""  # a Rights value
    rights_status: str = ""  # "expired" or "expiring" (within EXPIRING_DAYS, not yet expired)
    unused: bool = False  # no reference in Wagtail's reference index


@dataclass
class LibraryRow:
    kind: MediaKind
    item: models.Model
    used: int

    @property
    def thumbnail_url(self) -> str:
        return self.kind.thumbnail_url(self.item)

    @property
    def edit_url(self) -> str:
        return self.kind.edit_url(self.item)

    @property
    def usage_url(self) -> str:
        return self.kind.usage_url(self.item) if self.kind.usage_url else ""


def _references_to(model):
    from django.contrib.contenttypes.models import ContentType
    from django.db.models.functions import Cast
    from wagtail.models import ReferenceIndex

    # Wagtail indexes a reference under the referenced model's base content type.
    base = ContentType.objects.get_for_model(model)
    return ReferenceIndex.objects.filter(
        to_content_type=base, to_object_id=Cast(models.OuterRef("pk"), output_field=models.CharField())
    )


def filtered(kind: MediaKind, query: LibraryQuery, user=None, today=None) -> models.QuerySet:
    """``kind``'s items that match ``query``, as ``user`` may see them."""
    import datetime

    from django.db.models import Exists, Q
    from django.db.models.functions import Coalesce, TruncDate
    from django.utils import timezone

    items = kind.queryset_for(user) if (kind.queryset_for and user is not None) else kind.model.objects.all()
    if query.text:
        text = query.text.strip()
        tagged = kind.model.objects.filter(tags__name__icontains=text).values("pk")
        items = items.filter(
            Q(title__icontains=text)
            | Q(caption__icontains=text)
            | Q(credit__icontains=text)
            | Q(pk__in=tagged)
        )
    if query.credit:
        items = items.filter(credit__icontains=query.credit.strip())
    if query.date_from or query.date_to:
        items = items.annotate(library_date=TruncDate(Coalesce("taken_at", "created_at")))
        if query.date_from:
            items = items.filter(library_date__gte=query.date_from)
        if query.date_to:
            items = items.filter(library_date__lte=query.date_to)
    if query.rights:
        items = items.filter(rights=query.rights)
    today = today or timezone.localdate()
    if query.rights_status == "expired":
        items = items.filter(rights_expire_on__lt=today)
    elif query.rights_status == "expiring":
        items = items.filter(
            rights_expire_on__gte=today, rights_expire_on__lte=today + datetime.timedelta(days=EXPIRING_DAYS)
        )
    if query.unused:
        items = items.filter(~Exists(_references_to(kind.model)))
    return items


class LibraryList:
    """All kinds' items that match a query, newest first, as one list a ``Paginator`` can page: counting
    and slicing run one UNION query, and a page's rows are read with one query per kind on the page
    (with its prefetches) and one for all their usage counts."""

    def __init__(self, query: LibraryQuery, user=None, today=None):
        from django.db.models import CharField, F, Value
        from django.db.models.functions import Cast

        self.by_key = {k.key: k for k in kinds() if not query.kind or k.key == query.kind}
        parts = [
            filtered(k, query, user, today)
            .order_by()
            .annotate(
                row_id=Cast("pk", output_field=CharField()),
                row_created=F("created_at"),
                row_kind=Value(k.key, output_field=CharField()),
            )
            .values("row_id", "row_created", "row_kind")
            for k in self.by_key.values()
        ]
        if not parts:
            self.keys = None
        elif len(parts) == 1:
            self.keys = parts[0].order_by("-row_created", "-row_id")
        else:
            self.keys = parts[0].union(*parts[1:], all=True).order_by("-row_created", "-row_id")

    def count(self) -> int:
        return self.keys.count() if self.keys is not None else 0

    def __len__(self):
        return self.count()

    def __getitem__(self, index) -> list[LibraryRow]:
        if self.keys is None:
            return []
        keys = list(self.keys[index])
        return self.rows(keys)

    def rows(self, keys) -> list[LibraryRow]:
        from wagtail.models import ReferenceIndex

        wanted: dict[str, list[str]] = {}
        for key in keys:
            wanted.setdefault(key["row_kind"], []).append(key["row_id"])
        found = {}
        for kind_key, ids in wanted.items():
            k = self.by_key[kind_key]
            items = k.model.objects.filter(pk__in=ids)
            if k.select:
                items = items.select_related(*k.select)
            if k.prefetch:
                items = items.prefetch_related(*k.prefetch)
            for item in items:
                found[(kind_key, str(item.pk))] = item
        counts = ReferenceIndex.get_count_references_to_in_bulk(list(found.values())) if found else {}
        return [
            LibraryRow(self.by_key[key["row_kind"]], item, counts.get(item, 0))
            for key in keys
            if (item := found.get((key["row_kind"], key["row_id"]))) is not None
        ]
