from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from .names import display_name


class Outlet(index.Indexed, models.Model):
    """A masthead that merged into the center: a daily's city bureau, a morning paper, a website."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    short_name = models.CharField(_("short name"), max_length=30, blank=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    copyright_line = models.CharField(
        _("copyright line"),
        max_length=255,
        help_text=_("Printed under every story of this outlet, e.g. who may reprint it."),
    )
    description = models.TextField(_("description"), blank=True)
    # A visible mark on this outlet's public picture renditions (rongmei.media.operations.WatermarkOperation):
    # the logo when there is one, else the text; none when both are empty.
    watermark_text = models.CharField(
        _("watermark text"),
        max_length=60,
        blank=True,
        help_text=_("E.g. the outlet's name. Leave empty for none."),
    )
    watermark_logo = models.ImageField(
        _("watermark logo"),
        upload_to="watermarks/",
        blank=True,
        help_text=_("A PNG with a transparent background; used instead of the text."),
    )
    watermark_position = models.CharField(
        _("watermark corner"),
        max_length=12,
        default="bottom-right",
        choices=[
            ("top-left", _("top left")),
            ("top-right", _("top right")),
            ("bottom-left", _("bottom left")),
            ("bottom-right", _("bottom right")),
        ],
    )
    watermark_opacity = models.PositiveSmallIntegerField(
        _("watermark opacity (%)"),
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(100)],
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("short_name"),
        FieldPanel("slug"),
        FieldPanel("copyright_line"),
        FieldPanel("description"),
        MultiFieldPanel(
            [
                FieldPanel("watermark_text"),
                FieldPanel("watermark_logo"),
                FieldPanel("watermark_position"),
                FieldPanel("watermark_opacity"),
            ],
            heading=_("Watermark on public pictures"),
        ),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("outlet")
        verbose_name_plural = _("outlets")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def has_watermark(self) -> bool:
        return bool(self.watermark_logo or self.watermark_text.strip())


class Department(models.Model):
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)

    panels = [FieldPanel("outlet"), FieldPanel("name")]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["outlet__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["outlet", "name"], name="department_unique_name_per_outlet")
        ]

    def __str__(self):
        return f"{self.outlet.short_name or self.outlet.name} · {self.name}"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    display_name = models.CharField(
        _("display name"), max_length=50, help_text=_("The name printed in bylines.")
    )
    outlet = models.ForeignKey(
        Outlet, verbose_name=_("outlet"), on_delete=models.PROTECT, null=True, blank=True
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.SET_NULL, null=True, blank=True
    )
    job_title = models.CharField(_("job title"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    panels = [
        FieldPanel("user"),
        FieldPanel("display_name"),
        FieldPanel("outlet"),
        FieldPanel("department"),
        FieldPanel("job_title"),
        FieldPanel("phone"),
    ]

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


def display_name_for(user) -> str:
    """The name colleagues know a user by; see ``rongmei.organisation.names.display_name``."""
    return display_name(user)
