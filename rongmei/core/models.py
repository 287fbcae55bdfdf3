from django.contrib.contenttypes.fields import GenericForeignKey
from django.db import models
from django.utils.translation import gettext_lazy as _


class SchedulerTick(models.Model):
    """One row per periodic job per time slot.

    Several scheduler processes may run (one per host); the unique constraint makes exactly one of
    them enqueue a job for a given slot, so scaling out never doubles the work.
    """

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("time slot"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_result_id = models.CharField(_("task result id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduler tick")
        verbose_name_plural = _("scheduler ticks")
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="scheduler_tick_unique_slot")]
        indexes = [models.Index(fields=["job", "-slot"])]

    def __str__(self):
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """One thing to send outside (an alert to a bot, later a story to a channel), sent once.

    The row is the queue: `rongmei.core.outbox` claims it with one conditional UPDATE (a lease),
    calls the sender registered for `target`, and stores the outcome here. The idempotency key is
    unique, so asking twice to send the same thing finds this row instead of sending again.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        NEEDS_MANUAL = "needs_manual", _("needs manual action")

    target = models.CharField(_("target"), max_length=100, db_index=True)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # Pending or failed: claimable from this time on. None on a failed row: no more automatic tries.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    # The lease of the worker sending it: past lease_until, a row still "sending" is taken over.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # The outbox's own errors as msgid + parameters, so the list shows them in the reader's language.
    last_error_i18n = models.JSONField(null=True, blank=True, editable=False)
    remote_id = models.CharField(_("remote id"), max_length=255, blank=True)
    remote_url = models.URLField(_("remote address"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # What the message is about (an alert, a story), so it can list its deliveries.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    about = GenericForeignKey("content_type", "object_id")

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.target} #{self.pk} ({self.status})"

    @property
    def error_text(self) -> str:
        """The last error in the reader's language where the outbox wrote it, else as the sender gave it."""
        if self.last_error_i18n:
            from .messages import format_message

            i18n = self.last_error_i18n
            return format_message(i18n["msgid"], i18n.get("params"), fallback=self.last_error)
        return self.last_error

    @property
    def will_retry(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.FAILED) and self.next_attempt_at is not None
