"""Events (舆情事件) with their hourly volume, and reprints of our stories found on other sites."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One incident as the sources report it over time (舆情事件): groups of items with keywords."""

    title = models.CharField(_("title"), max_length=500)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    first_seen_at = models.DateTimeField(_("first seen"), db_index=True)
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    source_count = models.PositiveIntegerField(_("sources"), default=0)
    negative_share = models.FloatField(_("negative share"), default=0)
    heat = models.FloatField(_("heat"), default=0, db_index=True)
    spiking_since = models.DateTimeField(_("spiking since"), null=True, blank=True)

    class Meta:
        ordering = ["-heat", "-last_seen_at"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self):
        return self.title


class EventVolume(models.Model):
    """Items of an event per hour: the volume curve and the spike detector's input."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="volumes")
    hour = models.DateTimeField()
    items = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["event", "hour"]
        constraints = [models.UniqueConstraint(fields=["event", "hour"], name="monitoring_event_volume_hour")]


class Reprint(models.Model):
    """A near-copy of one of our published stories found on another site (转载)."""

    story = models.ForeignKey("newsroom.StoryPage", on_delete=models.CASCADE, related_name="reprints")
    item = models.ForeignKey("MonitoredItem", on_delete=models.CASCADE, related_name="reprints")
    site = models.CharField(_("site"), max_length=255)
    similarity = models.FloatField(_("similarity"))
    authorised = models.BooleanField(_("authorised"), default=False)
    found_at = models.DateTimeField(_("found"), db_index=True)

    class Meta:
        ordering = ["-found_at"]
        constraints = [
            models.UniqueConstraint(fields=["story", "item"], name="monitoring_reprint_story_item")
        ]
        verbose_name = _("reprint")
        verbose_name_plural = _("reprints")
