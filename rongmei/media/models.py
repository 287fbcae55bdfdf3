from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image

from .metadata import MediaMetadata


class NewsImage(MediaMetadata, AbstractImage):
    """A picture with what a photo desk attaches to it once (caption, credit, date, place, rights), shown
    wherever it is used."""

    admin_form_fields = Image.admin_form_fields + MediaMetadata.metadata_form_fields

    def alt_text(self, attrs=None) -> str:
        """The text for a screen reader: the editor's alt in the body (``attrs``), else the caption, else the title."""
        return (attrs or {}).get("alt") or self.caption or self.title

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class NewsImageRendition(AbstractRendition):
    image = models.ForeignKey(NewsImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
