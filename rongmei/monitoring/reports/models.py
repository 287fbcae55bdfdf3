"""A client's daily or weekly 舆情报告 (HTML and PDF)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rongmei.core.storage import private_storage

from ..clients.models import Client


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
