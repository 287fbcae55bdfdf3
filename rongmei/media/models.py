import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from .channels import CHANNELS, Box
from .metadata import MediaMetadata


class NewsImage(MediaMetadata, AbstractImage):
    """A picture with what a photo desk attaches to it once (caption, credit, date, place, rights), shown
    wherever it is used."""

    camera = models.CharField(_("camera"), max_length=100, blank=True, editable=False)

    admin_form_fields = Image.admin_form_fields + MediaMetadata.metadata_form_fields

    def alt_text(self, attrs=None) -> str:
        """The text for a screen reader: the editor's alt in the body (``attrs``), else the caption, else the title."""
        return (attrs or {}).get("alt") or self.caption or self.title

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def create_renditions(self, *filters):
        # Wagtail makes several renditions at once on worker threads, each with its own database
        # connection (one that cannot see this transaction's rows, and is left open): what the
        # operations read from the database is read here, on this thread, first.
        self._channel_crops()
        for rendition_filter in filters:
            for operation in rendition_filter.operations:
                prepare = getattr(operation, "prepare", None)
                if prepare is not None:
                    prepare()
        return super().create_renditions(*filters)

    def _channel_crops(self) -> dict:
        # Read once per instance (prefetch_related("channel_crops") fills the same cache).
        cache = getattr(self, "_prefetched_objects_cache", {}).get("channel_crops")
        rows = cache if cache is not None else None
        if rows is None:
            if "_channel_crop_rows" not in self.__dict__:
                self.__dict__["_channel_crop_rows"] = list(self.channel_crops.all()) if self.pk else []
            rows = self.__dict__["_channel_crop_rows"]
        return {row.channel: row for row in rows}

    def forget_channel_crops(self):
        self.__dict__.pop("_channel_crop_rows", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("channel_crops", None)

    def channel_crop_override(self, key: str) -> Box | None:
        row = self._channel_crops().get(key)
        return row.box if row is not None else None

    def channel_crop_key(self, key: str) -> str:
        """A digest of channel ``key``'s override ("" when there is none): one of the rendition's vary fields."""
        box = self.channel_crop_override(key)
        if box is None:
            return ""
        return hashlib.sha1(f"{box.x},{box.y},{box.width},{box.height}".encode()).hexdigest()[:8]


def _crop_key_property(key):
    return property(lambda image: image.channel_crop_key(key))


# ChannelCropOperation's vary fields: Wagtail reads each as an attribute of the image.
for _channel in CHANNELS:
    setattr(NewsImage, f"crop_key_{_channel.key}", _crop_key_property(_channel.key))


class NewsImageRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class ChannelCrop(models.Model):
    """An editor's crop of one picture for one channel, in the picture's pixels (left, top, width, height)."""

    image = models.ForeignKey(
        NewsImage, verbose_name=_("image"), on_delete=models.CASCADE, related_name="channel_crops"
    )
    channel = models.CharField(
        _("channel"), max_length=32, choices=[(channel.key, channel.label) for channel in CHANNELS]
    )
    x = models.PositiveIntegerField()
    y = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("channel crop")
        verbose_name_plural = _("channel crops")
        constraints = [
            models.UniqueConstraint(fields=["image", "channel"], name="media_channelcrop_one_per_channel")
        ]

    def __str__(self):
        return f"{self.image_id} {self.channel}"

    @property
    def box(self) -> Box:
        return Box(self.x, self.y, self.width, self.height)
