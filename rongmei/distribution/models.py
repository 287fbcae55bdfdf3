"""The channel registry and each story's status per channel (issue 9, 融合发布)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

# Keys a channel's configuration may not hold: credentials come from the environment (see
# ``adapters.base.ChannelAdapter.credential``) or, later, encrypted fields; never plain JSON that
# the admin shows and backups copy.
SECRET_WORDS = ("secret", "token", "password", "passwd", "key", "credential", "cookie")


class Channel(models.Model):
    """One outlet channel (the website, the RSS feed, later WeChat, Weibo …): a registry row."""

    code = models.SlugField(_("code"), max_length=50, unique=True, help_text=_("Used in the outbox target."))
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("adapter"), max_length=50, help_text=_("Which adapter sends to this channel."))
    enabled = models.BooleanField(_("enabled"), default=True)
    limits = models.JSONField(_("limits"), default=dict, blank=True)
    config = models.JSONField(_("configuration"), default=dict, blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Selection(models.TextChoices):
        # The website, its feeds and the app show every public story: no editor chooses them.
        ALWAYS = "always", _("every published story")
        DEFAULT = "default", _("chosen for new stories (per section)")
        OPTIONAL = "optional", _("only when the editor chooses it")

    selection = models.CharField(
        _("which stories"), max_length=20, choices=Selection.choices, default=Selection.OPTIONAL
    )
    default_sections = models.ManyToManyField(
        "newsroom.SectionPage",
        verbose_name=_("default for sections"),
        blank=True,
        related_name="default_channels",
        help_text=_("New stories in these sections have this channel chosen; none means every section."),
    )

    # A center runs several outlets (a daily, a morning paper, the website), each with its own
    # accounts: a channel serves the stories of the outlets named here, or of every outlet.
    outlets = models.ManyToManyField(
        "organisation.Outlet",
        verbose_name=_("outlets"),
        blank=True,
        related_name="channels",
        help_text=_("Only stories of these outlets go to this channel; none means every outlet."),
    )

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    def clean(self):
        from .adapters import adapter_kinds

        if self.pk:
            before = Channel.objects.filter(pk=self.pk).values_list("code", flat=True).first()
            if before and before != self.code and self.statuses.exists():
                # The outbox knows a channel's deliveries by its code: a new code would orphan them.
                raise ValidationError(
                    {
                        "code": _(
                            "Stories have gone to this channel under its code; the code cannot change now."
                        )
                    }
                )

        if self.kind not in adapter_kinds():
            raise ValidationError({"kind": _("There is no adapter called “%(kind)s”.") % {"kind": self.kind}})
        for field in ("limits", "config"):
            value = getattr(self, field)
            if not isinstance(value, dict):
                raise ValidationError({field: _("Write an object of names and values.")})
            for name in value:
                if any(word in str(name).lower() for word in SECRET_WORDS):
                    raise ValidationError(
                        {
                            field: _(
                                "“%(name)s” looks like a credential: credentials are read from the "
                                "environment, never stored here."
                            )
                            % {"name": name}
                        }
                    )

    def serves(self, story) -> bool:
        """Whether this channel takes stories of ``story``'s outlet (see ``outlets``)."""
        outlet_ids = {outlet.pk for outlet in self.outlets.all()}
        return not outlet_ids or getattr(story, "outlet_id", None) in outlet_ids

    @property
    def outbox_target(self) -> str:
        return f"distribution.{self.code}"


class StoryChannelStatus(models.Model):
    """Where a story stands on one channel: the last act asked for and what came of it."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        # "published" alone is also the monitoring items' publication time (发布时间): say which.
        PUBLISHED = "published", pgettext_lazy("delivery state", "published")
        FAILED = "failed", _("failed")
        RETRACTED = "retracted", _("retracted")
        UNPUBLISHED = "unpublished", _("taken off")
        NEEDS_MANUAL = "needs_manual", _("needs manual action")

    class Act(models.TextChoices):
        PUBLISH = "publish", _("publish")
        UPDATE = "update", _("update")
        CORRECT = "correct", _("correction")
        RETRACT = "retract", _("retraction")
        UNPUBLISH = "unpublish", _("take off")

    story = models.ForeignKey(
        "newsroom.StoryPage",
        on_delete=models.CASCADE,
        related_name="channel_statuses",
        verbose_name=_("story"),
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="statuses", verbose_name=_("channel")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.QUEUED, db_index=True
    )
    act = models.CharField(_("act"), max_length=20, choices=Act.choices)
    # The approved revision of the last act (the act's outbox message is sent for this one only).
    revision_id = models.PositiveBigIntegerField(_("revision"), null=True, blank=True)
    outbox_message = models.ForeignKey(
        "core.OutboxMessage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remote_id = models.CharField(_("remote id"), max_length=255, blank=True)
    remote_url = models.URLField(_("remote address"), max_length=1000, blank=True)
    error = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last updated"), null=True, blank=True)
    corrections_delivered = models.PositiveIntegerField(_("corrections delivered"), default=0)
    retracted_at = models.DateTimeField(_("retracted"), null=True, blank=True)
    changed_at = models.DateTimeField(_("changed"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("story channel status")
        verbose_name_plural = _("story channel statuses")
        ordering = ["-changed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["story", "channel"], name="distribution_one_status_per_story_channel"
            )
        ]

    def __str__(self):
        return f"{self.story_id} @ {self.channel_id}: {self.state}"


class StoryChannelVersion(Orderable):
    """The story as one channel shows it (WeChat title and digest, Weibo text, print headline …).

    A child of the story page, so it is saved in the story's revisions: 三审 approves it with the
    story, and a delivery uses the approved revision's version (``versions.resolve``). Having a
    version row is how an editor chooses a channel; a blank field is generated from the story.
    """

    story = ParentalKey("newsroom.StoryPage", on_delete=models.CASCADE, related_name="channel_versions")
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), on_delete=models.CASCADE, related_name="story_versions"
    )
    title = models.CharField(pgettext_lazy("channel version", "title"), max_length=200, blank=True)
    author = models.CharField(pgettext_lazy("channel version", "author"), max_length=100, blank=True)
    summary = models.TextField(pgettext_lazy("channel version", "summary"), max_length=1000, blank=True)
    text = models.TextField(pgettext_lazy("channel version", "text"), max_length=5000, blank=True)
    target_length = models.PositiveIntegerField(_("target length (characters)"), null=True, blank=True)
    image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta(Orderable.Meta):
        verbose_name = _("channel version")
        verbose_name_plural = _("channel versions")

    def __str__(self):
        return f"{self.channel_id}: {self.title}"
