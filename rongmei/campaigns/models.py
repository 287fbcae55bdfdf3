"""大型采访活动: a campaign run for a partner (a district government or another body), with goals
per format, the planning topics (选题) it covers, and its public topic page (专题).

Every change goes through ``services.py`` (which checks who may) and is kept in Wagtail's audit log.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# A goal's field per planning format (``planning.models.Format``), in the order the screens show.
GOAL_FIELDS = (
    ("text", "goal_stories"),
    ("photo", "goal_photo_stories"),
    ("video", "goal_videos"),
    ("live", "goal_live_events"),
)


class Campaign(models.Model):
    class State(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")

    name = models.CharField(_("name"), max_length=200, help_text=_("For example 记者看张店."))
    partner_name = models.CharField(
        pgettext_lazy("campaign", "partner"),
        max_length=200,
        help_text=_("The district government or other body the campaign is run for."),
    )
    partner_region = models.ForeignKey(
        "newsroom.Region",
        verbose_name=_("partner's region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    description = models.TextField(_("description"), blank=True)
    goal_stories = models.PositiveIntegerField(_("goal: stories"), default=0)
    goal_photo_stories = models.PositiveIntegerField(_("goal: photo stories"), default=0)
    goal_videos = models.PositiveIntegerField(_("goal: videos"), default=0)
    goal_live_events = models.PositiveIntegerField(_("goal: live events"), default=0)
    wants_topic_page = models.BooleanField(_("has a topic page (专题)"), default=True)
    topic_page = models.ForeignKey(
        "newsroom.TopicPage",
        verbose_name=_("topic page (专题)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    topics = models.ManyToManyField(
        "planning.Topic", verbose_name=_("topics (选题)"), blank=True, related_name="campaigns"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PLANNED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "-pk"]
        permissions = [("manage_campaign", _("Can create and change campaigns"))]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A campaign cannot end before it starts.")})

    def goal_for(self, fmt: str) -> int:
        return getattr(self, dict(GOAL_FIELDS)[fmt])

    def days_left(self, today=None) -> int | None:
        """Days from today to the last day (0 on it); ``None`` once it is over."""
        today = today or timezone.localdate()
        if today > self.ends_on:
            return None
        return (self.ends_on - today).days

    def has_started(self, today=None) -> bool:
        return (today or timezone.localdate()) >= self.starts_on
