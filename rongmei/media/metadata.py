"""What a photo desk records once about any piece of media (photo, video, audio), kept by each model
that holds media so the library can search and filter them alike.

Keywords are the model's own ``tags`` (Wagtail images already have them; the video and audio models
add a ``TaggableManager``), and "the stories it is used in" is Wagtail's reference index, which tracks
every model that points at a piece of media; neither is repeated here.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def caption_line(caption, credit) -> str:
    """The line under a picture or a player: its caption, then its credit (记者 王明 摄)."""
    return " ".join(part for part in (caption, credit) if part)


class Rights(models.TextChoices):
    OWN = "own", _("own (本中心)")
    PARTNER = "partner", _("partner (合作单位)")
    AGENCY = "agency", _("agency (通讯社/图片社)")
    OTHER = "other", _("other (其他，见说明)")


class MediaMetadata(models.Model):
    """Caption, credit, when and where it was taken, and the rights to use it."""

    caption = models.CharField(_("caption"), max_length=500, blank=True)
    credit = models.CharField(
        _("credit"), max_length=100, blank=True, help_text=_("Photographer or source, e.g. 记者 王明 摄")
    )
    taken_at = models.DateTimeField(
        _("date taken"),
        null=True,
        blank=True,
        help_text=_("Read from the file's EXIF or metadata when it has one."),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    # blank=True so an upload that sends only the file (Wagtail's multiple upload) is not refused for it;
    # clean() makes an empty choice our own.
    rights = models.CharField(
        _("rights"), max_length=16, choices=Rights.choices, default=Rights.OWN, blank=True
    )
    rights_holder = models.CharField(
        _("rights holder"),
        max_length=200,
        blank=True,
        help_text=_("The partner or agency, when not our own."),
    )
    rights_expire_on = models.DateField(
        _("rights expire on"),
        null=True,
        blank=True,
        help_text=_("Leave empty when the rights do not expire."),
    )

    metadata_form_fields = (
        "caption",
        "credit",
        "taken_at",
        "place",
        "rights",
        "rights_holder",
        "rights_expire_on",
    )

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if not self.rights:
            self.rights = Rights.OWN

    @property
    def caption_line(self) -> str:
        return caption_line(self.caption, self.credit)

    def rights_expired(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.rights_expire_on is not None and self.rights_expire_on < today
