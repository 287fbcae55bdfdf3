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
