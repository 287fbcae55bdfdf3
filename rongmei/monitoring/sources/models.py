"""The places we watch and what fetching found there: `Source`, `HostThrottle`, `RobotsCache` and
`MonitoredItem` (舆情监测). The analysis, events, alerts, cases and reports keep their own models."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from ..messages import render_message, render_notes
from .fetching.urls import source_url_problem


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
    # The stored values name the tool (sources/fetching/extract.py); people read what it did.
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
