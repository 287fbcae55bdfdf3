"""Partner media centers (四级融合: central, provincial, municipal, county) that take our published
stories: pulled as ninjs with an API token, or pushed to them signed (see services.py)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop, pgettext_lazy


class Partner(models.Model):
    class Level(models.TextChoices):
        CENTRAL = "central", _("central")
        PROVINCIAL = "provincial", _("provincial")
        MUNICIPAL = "municipal", _("municipal")
        COUNTY = "county", _("county")

    name = models.CharField(_("name"), max_length=100, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    contact = models.TextField(
        _("contact"), blank=True, help_text=_("Who to call there: name, telephone, e-mail.")
    )
    active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Switched off, the partner can neither pull nor receive pushes."),
    )
    pull_allowed = models.BooleanField(
        _("may pull stories"),
        default=True,
        help_text=_("The partner may read our stories with its API tokens."),
    )
    push_url = models.URLField(
        _("push address"),
        max_length=500,
        blank=True,
        help_text=_(
            "Where we send each published story, correction and retraction, signed with the shared secret. "
            "Leave empty if the partner only pulls."
        ),
    )
    sections = models.ManyToManyField(
        "newsroom.SectionPage",
        verbose_name=_("sections"),
        blank=True,
        related_name="+",
        help_text=_("Only stories of these sections. None chosen: every section."),
    )
    regions = models.ManyToManyField(
        "newsroom.Region",
        verbose_name=_("regions"),
        blank=True,
        related_name="+",
        help_text=_(
            "Only stories about these regions (a city includes its districts). None chosen: every region. "
            "With sections and regions both chosen, a story must match both."
        ),
    )
    rights_note = models.TextField(
        _("rights"),
        blank=True,
        help_text=_("What the partner may do with our stories (the agreement, reprint terms, credit line)."),
    )
    # Fernet-sealed (crypto.seal), never shown again after it is set.
    signing_secret_sealed = models.TextField(editable=False, blank=True)
    signing_secret_set_at = models.DateTimeField(
        _("signing secret set"), null=True, blank=True, editable=False
    )
    last_pull_at = models.DateTimeField(_("last pull"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("partner center")
        verbose_name_plural = _("partner centers")
        ordering = ["name"]
        # Django stores this name as written; the group screens translate it (core's permission_label).
        permissions = [
            ("manage_partner", gettext_noop("Can manage partner centers, their tokens and secrets"))
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from rongmei.core.outbound import check_url

        if self.push_url:
            refusal = check_url(self.push_url)
            if refusal is not None:
                raise ValidationError({"push_url": refusal.message})

    @property
    def has_signing_secret(self) -> bool:
        return bool(self.signing_secret_sealed)

    @property
    def channel_code(self) -> str:
        return f"partner-{self.pk}"


class PartnerToken(models.Model):
    """An API token of a partner: only its SHA-256 and its first characters are kept."""

    partner = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("partner")
    )
    label = models.CharField(
        pgettext_lazy("partner token", "label"),
        max_length=100,
        blank=True,
        help_text=_("E.g. which system of theirs uses it."),
    )
    shown_part = models.CharField(_("token starts with"), max_length=20)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("partner token")
        verbose_name_plural = _("partner tokens")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.shown_part}…"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
