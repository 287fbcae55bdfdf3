from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image


def caption_line(caption, credit) -> str:
    """The line under a picture: its caption, then its credit (记者 王明 摄)."""
    return " ".join(part for part in (caption, credit) if part)


class NewsImage(AbstractImage):
    """A picture with the caption and credit a photo desk attaches to it once, shown wherever it is used."""

    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=100, blank=True, help_text=_("Photographer or source, e.g. 记者 王明 摄")
    )

    admin_form_fields = Image.admin_form_fields + ("caption", "credit")

    @property
    def caption_line(self) -> str:
        return caption_line(self.caption, self.credit)

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
