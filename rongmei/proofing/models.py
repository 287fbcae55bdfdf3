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


# --- Checks of stories ---------------------------------------------------------------------------
class ProofCheck(models.Model):
    """One run of the engine over one revision of a story: the findings as they stood then."""

    class Trigger(models.TextChoices):
        SAVE = "save", _("saved")
        SUBMIT = "submit", _("submitted for review")
        REVIEW = "review", _("before a review step")
        SUGGESTION = "suggestion", _("after a suggestion was accepted")
        MANUAL = "manual", _("checked on request")
        LISTS = "lists", _("after the word lists changed")

    story = models.ForeignKey(
        "newsroom.StoryPage", verbose_name=_("story"), on_delete=models.CASCADE, related_name="proof_checks"
    )
    revision = models.ForeignKey(
        "wagtailcore.Revision",
        verbose_name=_("revision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    trigger = models.CharField(_("trigger"), max_length=20, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    lists_version = models.CharField(_("lists version"), max_length=100)
    text_length = models.PositiveIntegerField(_("characters"), default=0)
    duration_ms = models.FloatField(_("duration (ms)"), default=0)
    block_count = models.PositiveIntegerField(_("open blocking findings"), default=0)
    warn_count = models.PositiveIntegerField(_("open warnings"), default=0)
    info_count = models.PositiveIntegerField(_("open notes"), default=0)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        indexes = [models.Index(fields=["story", "revision"])]
        verbose_name = _("proofreading check")
        verbose_name_plural = _("proofreading checks")

    def __str__(self):
        return f"{self.story_id} @ {self.checked_at:%Y-%m-%d %H:%M}"


class ProofFinding(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DISMISSED = "dismissed", _("not an error")

    check_run = models.ForeignKey(
        ProofCheck, verbose_name=_("check"), on_delete=models.CASCADE, related_name="findings"
    )
    field = models.CharField(_("field"), max_length=20)
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    category = models.CharField(_("category"), max_length=20, db_index=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    rule = models.CharField(_("rule"), max_length=50, blank=True)
    message = models.CharField(_("message"), max_length=300)  # English msgid, translated on display
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    suggestion = models.CharField(_("suggestion"), max_length=200, blank=True)
    flagged_text = models.CharField(_("flagged text"), max_length=200)
    context_before = models.CharField(max_length=30, blank=True)
    context_after = models.CharField(max_length=30, blank=True)
    fingerprint = models.CharField(max_length=64, db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["check_run", "pk"]
        verbose_name = _("proofreading finding")
        verbose_name_plural = _("proofreading findings")

    def __str__(self):
        return f"{self.category}: {self.flagged_text}"


class ProofDecision(models.Model):
    """What an editor decided about a finding; a "not an error" holds for the story from then on."""

    class Kind(models.TextChoices):
        NOT_AN_ERROR = "not_error", _("marked not an error")
        ACCEPTED = "accepted", _("suggestion accepted")
        OVERRIDDEN = "overridden", _("block overridden at final review")
        REOPENED = "reopened", _("reopened")

    story = models.ForeignKey(
        "newsroom.StoryPage",
        verbose_name=_("story"),
        on_delete=models.CASCADE,
        related_name="proof_decisions",
    )
    finding = models.ForeignKey(
        ProofFinding,
        verbose_name=_("finding"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="decisions",
    )
    fingerprint = models.CharField(max_length=64, db_index=True)
    # A decision on a whole group of findings (all 119 half-width commas at once) is one row: it
    # names every occurrence it covered, so "not an error" holds for each of them.
    fingerprints = models.JSONField(default=list, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    kind = models.CharField(_("decision"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20)
    flagged_text = models.CharField(_("flagged text"), max_length=200)
    replacement = models.CharField(_("replaced with"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("proofreading decision")
        verbose_name_plural = _("proofreading decisions")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.flagged_text}"


# Every category a finding can have, for reports and the findings list.
CATEGORY_LABELS = {
    **dict(Category.choices),
    f.PUNCTUATION: _("Punctuation (标点)"),
    f.DOUBLED: _("Repeated words (重复字词)"),
    f.DIGITS: _("Full-width digits (数字)"),
    f.TRADITIONAL: _("Traditional characters (繁体字)"),
    f.NAME: _("Name spelled two ways (人名)"),
    f.DATE: _("Impossible dates (日期)"),
    f.TITLE: _("Titles of people (职务)"),
}
