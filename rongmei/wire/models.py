"""Incoming wire (稿源/入库稿): partners' sources and the items they send us.

A ``WireSource`` is a partner's feed we poll (ninjs JSON, RSS, Atom) or a partner that pushes
signed ninjs items to ``/wire/push/<id>/``. Every item becomes one ``WireItem`` per source and
remote id; a later version of the same item updates that row. An editor adopts an item into a
draft story (``adopted_story``); the item keeps where it came from and on what terms (``rights``),
since a story has no rights field of its own.
"""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rongmei.monitoring.sources.fetching.urls import source_url_problem

from . import crypto
from .messages import render

# Content, not interface text: what partners' copy usually allows (the site's language).
DEFAULT_RIGHTS_NOTE = "转载须注明来源"


def guid_key(guid: str) -> str:
    """The unique key of a remote id: a hash, so a 1,000-character URN fits any database index."""
    return hashlib.sha256(guid.encode("utf-8")).hexdigest()


class WireSource(models.Model):
    class Kind(models.TextChoices):
        NINJS = "ninjs", _("ninjs feed (JSON)")
        RSS = "rss", _("RSS feed")
        ATOM = "atom", _("Atom feed")
        PUSH = "push", _("Push (the partner sends signed ninjs)")

    MIN_INTERVAL_MINUTES = 5

    name = models.CharField(
        _("partner name"),
        max_length=100,
        help_text=_("Shown as the source (来源) of the stories adopted from it, e.g. 新华社."),
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.NINJS)
    url = models.URLField(
        _("address"), max_length=1000, blank=True, help_text=_("The feed's address; empty for push sources.")
    )
    active = models.BooleanField(_("switched on"), default=True)
    poll_interval_minutes = models.PositiveIntegerField(
        _("poll interval (minutes)"), default=15, help_text=_("At least 5 minutes.")
    )
    rights_note = models.CharField(
        _("rights note"),
        max_length=300,
        default=DEFAULT_RIGHTS_NOTE,
        help_text=_(
            "The terms of use agreed with the partner; kept with an item that states none of its own."
        ),
    )
    secret_encrypted = models.TextField(editable=False, blank=True)
    secret_set_at = models.DateTimeField(_("shared secret set"), null=True, blank=True, editable=False)

    # Fetch state, written by the services only.
    next_fetch_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    last_error_at = models.DateTimeField(_("last error at"), null=True, blank=True, editable=False)
    last_error_code = models.CharField(_("last error"), max_length=40, blank=True, editable=False)
    last_error_params = models.JSONField(default=dict, blank=True, editable=False)
    last_error_detail = models.TextField(blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0, editable=False)
    last_run_new = models.PositiveIntegerField(default=0, editable=False)
    last_run_updated = models.PositiveIntegerField(default=0, editable=False)
    # Items refused in the last run or push: [{"ref": ..., "errors": {field: [{"code", "params"}]}}]
    last_run_problems = models.JSONField(default=list, blank=True, editable=False)
    last_push_at = models.DateTimeField(_("last push"), null=True, blank=True, editable=False)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("wire source")
        verbose_name_plural = _("wire sources")
        ordering = ["name"]
        permissions = [("fetch_wiresource", _("Fetch a wire source now"))]

    def __str__(self):
        return self.name

    def __repr__(self):  # never the secret
        return f"<WireSource {self.pk} {self.kind} {self.name!r}>"

    @property
    def is_push(self) -> bool:
        return self.kind == self.Kind.PUSH

    @property
    def poll_interval(self) -> timedelta:
        return timedelta(minutes=max(self.poll_interval_minutes or 0, self.MIN_INTERVAL_MINUTES))

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    def set_secret(self, secret: str) -> None:
        self.secret_encrypted = crypto.encrypt(secret)
        self.secret_set_at = timezone.now()

    def shared_secret(self) -> str | None:
        return crypto.decrypt(self.secret_encrypted)

    @property
    def last_error_message(self) -> str:
        return render(self.last_error_code, self.last_error_params) if self.last_error_code else ""

    @property
    def problem_messages(self) -> list[dict]:
        """The refused items of the last run, each with its errors in words."""
        out = []
        for problem in self.last_run_problems or []:
            errors = [
                (field, render(error.get("code", ""), error.get("params")))
                for field, field_errors in (problem.get("errors") or {}).items()
                for error in field_errors
            ]
            out.append({"ref": problem.get("ref", ""), "errors": errors})
        return out

    def clean(self):
        errors = {}
        if self.poll_interval_minutes is not None and self.poll_interval_minutes < self.MIN_INTERVAL_MINUTES:
            errors["poll_interval_minutes"] = _("Poll at most every %(n)d minutes.") % {
                "n": self.MIN_INTERVAL_MINUTES
            }
        if self.kind != self.Kind.PUSH:
            if not self.url:
                errors["url"] = _("Give the feed's address; only push sources have none.")
            else:
                problem = source_url_problem(self.url)
                if problem:
                    errors["url"] = problem
        elif self.url:
            errors["url"] = _("A push source has no address: the partner sends to us. Leave it empty.")
        if errors:
            raise ValidationError(errors)


class WireItem(models.Model):
    class State(models.TextChoices):
        NEW = "new", pgettext_lazy("wire item state", "new")
        ADOPTED = "adopted", pgettext_lazy("wire item state", "adopted")
        IGNORED = "ignored", pgettext_lazy("wire item state", "ignored")

    class PubStatus(models.TextChoices):
        USABLE = "usable", _("usable")
        WITHHELD = "withheld", _("withheld by the source")
        CANCELED = "canceled", _("withdrawn by the source")

    source = models.ForeignKey(
        WireSource, verbose_name=_("source"), on_delete=models.PROTECT, related_name="items"
    )
    guid = models.CharField(_("id at the source"), max_length=1000)
    guid_key = models.CharField(max_length=64, editable=False)
    headline = models.CharField(_("headline"), max_length=500)
    lead = models.TextField(_("lead"), blank=True)
    body_html = models.TextField(_("body"), blank=True)  # sanitised (sanitise.clean_body) before it is stored
    byline = models.CharField(_("byline"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published at the source"), null=True, blank=True)
    original_url = models.URLField(_("original address"), max_length=1000, blank=True)
    rights = models.TextField(_("rights and terms of use"), blank=True)
    pubstatus = models.CharField(
        _("status at the source"), max_length=10, choices=PubStatus.choices, default=PubStatus.USABLE
    )
    version = models.CharField(_("version"), max_length=100, blank=True)
    version_created_at = models.DateTimeField(_("version created"), null=True, blank=True)
    versions_received = models.PositiveIntegerField(_("versions received"), default=1)
    language = models.CharField(_("language"), max_length=20, blank=True)
    raw = models.JSONField(_("as received"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("last update"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn by the source at"), null=True, blank=True)

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.NEW)
    adopted_story = models.ForeignKey(
        "newsroom.StoryPage",
        verbose_name=_("adopted as"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_items",
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)
    updated_after_adoption = models.BooleanField(_("updated by the source after adoption"), default=False)
    ignored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ignored_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("incoming wire item")
        verbose_name_plural = _("incoming wire items")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid_key"], name="wire_item_unique_per_source")
        ]
        indexes = [models.Index(fields=["state", "-received_at"], name="wire_item_state_received")]
        permissions = [("adopt_wireitem", _("Adopt or ignore incoming wire items"))]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        self.guid_key = guid_key(self.guid)
        super().save(*args, **kwargs)

    @property
    def is_withdrawn(self) -> bool:
        return self.pubstatus == self.PubStatus.CANCELED


class WirePushReceipt(models.Model):
    """A push we stored, by its Idempotency-Key: the same key again gets the same answer."""

    source = models.ForeignKey(WireSource, on_delete=models.CASCADE, related_name="push_receipts")
    idempotency_key = models.CharField(max_length=200)
    body_sha256 = models.CharField(max_length=64)
    item = models.ForeignKey(WireItem, null=True, on_delete=models.SET_NULL, related_name="+")
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField(default=dict)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "idempotency_key"], name="wire_push_receipt_unique_key")
        ]
