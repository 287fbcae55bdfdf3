"""Cases (舆情应对): an alert worked from verification to a published response, with its timeline."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..alerts.models import Alert
from ..clients.models import Client
from ..events.models import Event


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
