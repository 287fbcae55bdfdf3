"""Alerts (舆情预警): the clients' alert rules, the alerts they raised, each alert's deliveries and
in-app notifications."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rongmei.core.models import OutboxMessage

from ..clients.models import Client
from ..events.models import Event


class AlertRule(models.Model):
    class Kind(models.TextChoices):
        NEGATIVE_MATCH = "negative_match", _("negative item matching the client's watchlist")
        SPIKE = "spike", _("event volume spike")
        TOP_SOURCE_KEYWORD = "top_source_keyword", _("keyword in a central or provincial source")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="alert_rules"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    keywords = models.CharField(_("keywords"), max_length=500, blank=True)
    min_negative_probability = models.FloatField(_("minimum negative probability"), default=0.6)
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("notify in the admin"), blank=True, related_name="+"
    )
    emails = models.TextField(_("e-mail recipients"), blank=True, help_text=_("One address per line."))
    wecom_webhook = models.URLField(_("WeCom bot webhook"), max_length=500, blank=True)
    dingtalk_webhook = models.URLField(_("DingTalk bot webhook"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("DingTalk signing secret"), max_length=200, blank=True)
    feishu_webhook = models.URLField(_("Feishu bot webhook"), max_length=500, blank=True)
    feishu_secret = models.CharField(_("Feishu signing secret"), max_length=200, blank=True)
    cooldown_minutes = models.PositiveIntegerField(
        _("quiet period (minutes)"),
        default=60,
        help_text=_(
            "After an alert about an event, more items of the same event send nothing for this long."
        ),
    )
    max_alerts_per_hour = models.PositiveIntegerField(_("at most alerts per hour"), default=10)
    enabled = models.BooleanField(_("enabled"), default=True)
    # The highest ItemAnalysis id this rule has looked at (analyses are written one batch at a
    # time, so ids grow in commit order); None: never evaluated.
    evaluated_upto = models.PositiveBigIntegerField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["client", "name"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self):
        return f"{self.client}: {self.name}"

    def clean(self):
        from rongmei.core.outbound import check_url

        # The bots' addresses are posted to by the worker: public internet only (or the allow-list).
        errors = {}
        for name in ("wecom_webhook", "dingtalk_webhook", "feishu_webhook"):
            url = getattr(self, name)
            refusal = check_url(url) if url else None
            if refusal is not None:
                errors[name] = refusal.message
        if errors:
            raise ValidationError(errors)


class Alert(models.Model):
    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="alerts")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="alerts")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts")
    item = models.ForeignKey(
        "MonitoredItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    dedup_key = models.CharField(max_length=200, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    created_at = models.DateTimeField(_("created"), db_index=True)
    suppressed_count = models.PositiveIntegerField(
        _("suppressed repeats"), default=0, help_text=_("Later triggers folded into this alert.")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return self.title


class AlertDelivery(models.Model):
    """The alert's side of one message: which channel, to whom (masked). The sending itself, its
    state, attempts and error are the core outbox's (`outbox_message`): one queue for everything sent
    outside. An in-app notification is done when it is written and has no outbox message."""

    class Channel(models.TextChoices):
        IN_APP = "in_app", _("in the admin")
        EMAIL = "email", _("e-mail")
        WECOM = "wecom", _("WeCom")
        DINGTALK = "dingtalk", _("DingTalk")
        FEISHU = "feishu", _("Feishu")

    Status = OutboxMessage.Status

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    recipient = models.CharField(max_length=500, blank=True)
    outbox_message = models.OneToOneField(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="alert_delivery"
    )

    class Meta:
        ordering = ["alert", "channel"]

    # The state as the alerts list shows it, read from the outbox message.
    @property
    def status(self) -> str:
        if self.outbox_message_id is None:
            return self.Status.SENT if self.channel == self.Channel.IN_APP else self.Status.CANCELLED
        return self.outbox_message.status

    @property
    def attempts(self) -> int:
        return self.outbox_message.attempts if self.outbox_message_id else 1

    @property
    def error(self) -> str:
        return self.outbox_message.error_text if self.outbox_message_id else ""

    @property
    def next_attempt_at(self):
        return self.outbox_message.next_attempt_at if self.outbox_message_id else None

    @property
    def sent_at(self):
        if self.outbox_message_id:
            return self.outbox_message.sent_at
        return self.alert.created_at if self.channel == self.Channel.IN_APP else None


class Notification(models.Model):
    """An in-app notice to one staff member (shown on the admin dashboard until read)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monitoring_notifications"
    )
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    created_at = models.DateTimeField(db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
