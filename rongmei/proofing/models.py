"""Newsroom-managed word lists and the titles of people in the news.

Every change bumps ``ListsVersion`` (see signal_handlers), which is the cache key of the engine's
compiled lists in every process.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .engine import findings as f


class Category(models.TextChoices):
    BANNED = f.BANNED, _("Banned (违禁词)")
    CAUTION = f.CAUTION, _("Use with caution (慎用词)")
    STYLE = f.STYLE, _("House style (规范用语)")
    MISSPELLING = f.MISSPELLING, _("Misspelling (错别字)")
    CONFUSABLE = f.CONFUSABLE, _("Confusable (易混词)")
    ADLAW = f.ADLAW, _("Advertising Law (广告法)")
    ALLOW = f.ALLOW, _("Exceptions: never flag (白名单)")


class Severity(models.TextChoices):
    BLOCK = f.BLOCK, _("Block")
    WARN = f.WARN, _("Warning")
    INFO = f.INFO, _("Note")


class WordList(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(
        _("severity"),
        max_length=10,
        choices=Severity.choices,
        help_text=_("Block stops final review (终审) until the finding is fixed or overridden."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("word list")
        verbose_name_plural = _("word lists")

    def __str__(self):
        return self.name


class Term(models.Model):
    word_list = models.ForeignKey(
        WordList, on_delete=models.CASCADE, related_name="terms", verbose_name=_("list")
    )
    term = models.CharField(_("term"), max_length=100)
    suggestion = models.CharField(_("suggestion"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
        editable=False,
    )

    class Meta:
        ordering = ["word_list", "term"]
        constraints = [
            models.UniqueConstraint(fields=["word_list", "term"], name="proofing_term_unique_per_list")
        ]
        verbose_name = _("term")
        verbose_name_plural = _("terms")

    def __str__(self):
        return self.term


class PersonTitle(models.Model):
    name = models.CharField(_("name"), max_length=50)
    title = models.CharField(_("title"), max_length=50, help_text=_("Current title, e.g. 区长."))
    unit = models.CharField(_("region or unit"), max_length=100, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "title"]
        verbose_name = _("person and title")
        verbose_name_plural = _("people and titles")

    def __str__(self):
        return f"{self.name} {self.title}"


class ListsVersion(models.Model):
    """One row: bumped on every list change, so each process knows its compiled lists are stale."""

    number = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lists version")
