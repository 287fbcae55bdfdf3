"""Monitored sources, fetched items and their analysis (舆情监测).

Sources and fetching own `Source`, `HostThrottle`, `RobotsCache` and `MonitoredItem`; the analysis
part adds its own models and fields through its own functions.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from rongmei.core.models import OutboxMessage
from rongmei.core.storage import private_storage

from .fetching.urls import source_url_problem
from .messages import render_message, render_notes


class Source(models.Model):
    """A place we watch: a feed, a list page, a sitemap or a partner's ninjs API."""

    class Kind(models.TextChoices):
        FEED = "feed", _("RSS/Atom feed")
        LIST_PAGE = "list_page", _("Web list page")
        SITEMAP = "sitemap", _("Sitemap")
        NINJS = "ninjs", _("Partner ninjs API")

    class Category(models.TextChoices):
        CENTRAL = "central", _("Central media")
        PROVINCIAL = "provincial", _("Provincial media")
        LOCAL = "local", _("Local media")
        GOVERNMENT = "government", _("Government site")
        FORUM = "forum", _("Forum")
        SOCIAL = "social", _("Social media")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.FEED)
    url = models.URLField(_("address"), max_length=1000)
    link_selector = models.CharField(
        _("link selector"),
        max_length=300,
        blank=True,
        help_text=_(
            "List pages only: a CSS selector for the article links, e.g. “ul.news-list a”. "
            "Leave empty to find article links automatically."
        ),
    )
    region = models.ForeignKey(
        "newsroom.Region",
        verbose_name=_("region"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="monitored_sources",
    )
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    fetch_interval_minutes = models.PositiveIntegerField(
        _("fetch interval (minutes)"), default=30, help_text=_("At least 5 minutes.")
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    authorised_to_reprint = models.BooleanField(
        _("authorised to reprint"),
        default=False,
        help_text=_("The site has our permission to reprint our stories."),
    )

    # Fetch state, written by the fetching service only.
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True, db_index=True)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True)
    last_error_code = models.CharField(_("last error"), max_length=40, blank=True)
    last_error_params = models.JSONField(default=dict, blank=True)
    last_error_detail = models.TextField(_("technical detail"), blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_run_new_items = models.PositiveIntegerField(_("new items in last run"), default=0)
    last_run_notes = models.JSONField(default=list, blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("kind"), FieldPanel("url"), FieldPanel("link_selector")],
            heading=_("Source"),
        ),
        FieldRowPanel([FieldPanel("region"), FieldPanel("category")]),
        FieldRowPanel(
            [FieldPanel("fetch_interval_minutes"), FieldPanel("enabled"), FieldPanel("authorised_to_reprint")]
        ),
    ]

    class Meta:
        verbose_name = _("monitored source")
        verbose_name_plural = _("monitored sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    MIN_INTERVAL_MINUTES = 5

    def clean(self):
        errors = {}
        if (
            self.fetch_interval_minutes is not None
            and self.fetch_interval_minutes < self.MIN_INTERVAL_MINUTES
        ):
            errors["fetch_interval_minutes"] = _("Fetch at most every %(n)d minutes, to be polite.") % {
                "n": self.MIN_INTERVAL_MINUTES
            }
        if self.url:
            problem = source_url_problem(self.url)
            if problem:
                errors["url"] = problem
        if self.link_selector:
            if self.kind != self.Kind.LIST_PAGE:
                errors["link_selector"] = _("A link selector is only used by list pages.")
            else:
                from .fetching.parsers import check_selector

                problem = check_selector(self.link_selector)
                if problem:
                    errors["link_selector"] = problem
        if errors:
            raise ValidationError(errors)

    @property
    def fetch_interval(self):
        return timedelta(minutes=max(self.fetch_interval_minutes, 1))

    @property
    def last_error_message(self):
        """The last error in plain words, in the reader's language."""
        if not self.last_error_code:
            return ""
        return render_message(self.last_error_code, self.last_error_params)

    @property
    def last_run_note_messages(self):
        return render_notes(self.last_run_notes)


class HostThrottle(models.Model):
    """When a host may next be asked; claimed with a conditional UPDATE, so every worker obeys it."""

    host = models.CharField(max_length=255, unique=True)
    next_allowed_at = models.DateTimeField()

    def __str__(self):
        return self.host


class RobotsCache(models.Model):
    """A host's robots.txt as last fetched; shared by every worker process."""

    host = models.CharField(max_length=255, unique=True)
    body = models.TextField(blank=True)
    # allow_all: robots.txt missing (4xx); deny_all: the server failed (5xx), try again later.
    rule = models.CharField(max_length=10, default="parse")
    fetched_at = models.DateTimeField()

    def __str__(self):
        return self.host


class MonitoredItem(models.Model):
    """One article or post found on a source: the original text, and a simplified copy for matching."""

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="items"
    )
    url = models.URLField(_("address"), max_length=2000)
    normalized_url = models.CharField(max_length=2000, unique=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, db_index=True)
    fetched_at = models.DateTimeField(_("fetched"), db_index=True)
    body = models.TextField(_("body"), blank=True)
    body_simplified = models.TextField(_("body (simplified Chinese, for matching)"), blank=True)
    title_simplified = models.CharField(max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, db_index=True, blank=True)
    raw_encoding = models.CharField(_("encoding"), max_length=40, blank=True)
    # The stored values name the tool (fetching/extract.py); people read what it did.
    EXTRACTION_CHOICES = [
        ("trafilatura", _("article text extractor")),
        ("fallback", _("page structure (fallback)")),
        ("feed", _("feed entry")),
        ("ninjs", _("ninjs item")),
    ]
    extraction = models.CharField(_("extracted by"), max_length=20, blank=True, choices=EXTRACTION_CHOICES)
    notes = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("monitored item")
        verbose_name_plural = _("monitored items")
        ordering = ["-fetched_at"]
        indexes = [models.Index(fields=["source", "fetched_at"])]

    def __str__(self):
        return self.title or self.url

    @property
    def note_messages(self):
        return render_notes(self.notes)


# --- Analysis: clients, watch rules, groups of copies, events, reprints -------------------------
# (schema shared by the analysis, alerting, case and report services; see docs/architecture.md)
class Client(models.Model):
    """A customer of the monitoring service, e.g. a district government (区政府)."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    region = models.ForeignKey(
        "newsroom.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="monitoring_clients",
    )
    report_emails = models.TextField(
        _("report recipients"), blank=True, help_text=_("One e-mail address per line.")
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitoring client")
        verbose_name_plural = _("monitoring clients")

    def __str__(self):
        return self.name


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
        from .services.analysis import check_rule

        problem = check_rule(self.expression or "")
        if problem:
            raise ValidationError({"expression": problem})


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


# --- Alerts and cases (舆情应对) ------------------------------------------------------------------
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


class Case(models.Model):
    """舆情应对: an alert worked by an owner from verification to a published response."""

    class State(models.TextChoices):
        NEW = "new", _("new")
        VERIFYING = "verifying", _("verifying")
        RESPONDING = "responding", _("responding")
        RESOLVED = "resolved", _("resolved")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.NEW, db_index=True
    )
    alert = models.ForeignKey(Alert, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    items = models.ManyToManyField(
        "MonitoredItem", verbose_name=_("linked items"), blank=True, related_name="cases"
    )
    response_url = models.URLField(_("published response"), max_length=1000, blank=True)
    response_text = models.TextField(_("response"), blank=True)
    created_at = models.DateTimeField(_("opened"), db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.title


class CaseEntry(models.Model):
    """One line of a case's timeline: a note, a state change, a linked item, the response."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("opened")
        NOTE = "note", _("note")
        STATE = "state", _("state changed")
        OWNER = "owner", _("owner changed")
        LINK = "link", _("item linked")
        RESPONSE = "response", _("response published")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="entries")
    at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    # A state change keeps the codes (stable across languages); the timeline shows the labels.
    @property
    def state_before_label(self):
        return Case.State(self.data["before"]).label if self.data.get("before") in Case.State.values else ""

    @property
    def state_after_label(self):
        return Case.State(self.data["after"]).label if self.data.get("after") in Case.State.values else ""


# --- Reports ---------------------------------------------------------------------------------------
class Report(models.Model):
    """A client's 舆情报告 for one day or week, as HTML and PDF."""

    class Period(models.TextChoices):
        DAILY = "daily", _("daily")
        WEEKLY = "weekly", _("weekly")

    client = models.ForeignKey(
        Client, verbose_name=_("client"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.CharField(_("period"), max_length=10, choices=Period.choices)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    generated_at = models.DateTimeField(_("generated"), db_index=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    html = models.TextField(blank=True)
    # A client's confidential report: private storage, downloaded only through report_pdf (permission checked).
    pdf = models.FileField(upload_to="monitoring/reports/%Y/%m/", blank=True, storage=private_storage)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-generated_at"]
        constraints = [
            models.UniqueConstraint(fields=["client", "period", "starts_at"], name="monitoring_report_period")
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.client} {self.get_period_display()} {self.starts_at:%Y-%m-%d}"
