"""What the analysis finds in fetched items: clients' watch rules and their matches, groups of copies,
each item's analysis (dedup, sentiment)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..clients.models import Client
from ..events.models import Event


class WatchRule(models.Model):
    """One watchlist rule of a client (AND / OR / NOT, quotes, NEAR/n, region: and person: names)."""

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="rules"
    )
    name = models.CharField(_("name"), max_length=120)
    expression = models.TextField(_("rule"))
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["client", "name"]
        verbose_name = _("watch rule")
        verbose_name_plural = _("watch rules")

    def __str__(self):
        return f"{self.client}: {self.name}"

    def clean(self):
        from .services import check_rule

        problem = check_rule(self.expression or "")
        if problem:
            raise ValidationError({"expression": problem})


class ItemGroup(models.Model):
    """Copies of one text (exact or near): one story reprinted by 40 sites is one group, 40 items."""

    first_item = models.ForeignKey(
        "MonitoredItem",
        verbose_name=_("first seen item"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_seen_at = models.DateTimeField(_("first seen"), db_index=True)
    item_count = models.PositiveIntegerField(_("sightings"), default=1)
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="groups",
    )

    class Meta:
        ordering = ["-first_seen_at"]
        verbose_name = _("group of copies")
        verbose_name_plural = _("groups of copies")


class ItemAnalysis(models.Model):
    """What the analysis found in one item (one row per item, written by the analysis task)."""

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative", _("negative")
        NEUTRAL = "neutral", _("neutral")
        POSITIVE = "positive", _("positive")

    item = models.OneToOneField("MonitoredItem", on_delete=models.CASCADE, related_name="analysis")
    group = models.ForeignKey(ItemGroup, on_delete=models.CASCADE, related_name="analyses")
    dedup_reason = models.CharField(max_length=20, blank=True)  # "", url, hash, near
    similarity = models.FloatField(default=1.0)
    signature = models.BinaryField()  # dedup.Signature.to_bytes(), to rebuild the index after a restart
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, db_index=True)
    sentiment_probability = models.FloatField(_("probability"))
    analysed_at = models.DateTimeField(_("analysed"), db_index=True)

    class Meta:
        verbose_name = _("item analysis")
        verbose_name_plural = _("item analyses")


class RuleMatch(models.Model):
    """An item matched a client's rule: which rule, and where in the text."""

    item = models.ForeignKey("MonitoredItem", on_delete=models.CASCADE, related_name="rule_matches")
    rule = models.ForeignKey(WatchRule, on_delete=models.CASCADE, related_name="matches")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="matches")
    spans = models.JSONField(default=list)  # [[start, end, text], ...] in the item's title + body
    matched_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-matched_at"]
        constraints = [models.UniqueConstraint(fields=["item", "rule"], name="monitoring_match_item_rule")]
        verbose_name = _("rule match")
        verbose_name_plural = _("rule matches")
