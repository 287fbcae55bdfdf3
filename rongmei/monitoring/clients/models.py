"""The customers of the monitoring service (舆情客户): every watch rule, alert, case and report is a client's."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
