"""The audit chain: one row per state change or read of a tipster's contact, each linked by hash.

No foreign keys on purpose: deleting a user, a page or a tip must never touch the chain (the
database refuses every UPDATE and DELETE of it; see migrations/0002_append_only.py).
"""

from datetime import UTC

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditRecord(models.Model):
    """One link of the chain. ``hash`` = SHA-256(prev_hash + canonical JSON of ``payload()``)."""

    seq = models.PositiveBigIntegerField(_("sequence number"), unique=True)
    at = models.DateTimeField(_("time"), db_index=True)
    actor_id = models.BigIntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("actor"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=255)
    object_type = models.CharField(_("object type"), max_length=255, blank=True)
    object_id = models.CharField(_("object id"), max_length=255, blank=True)
    object_label = models.TextField(_("object"), blank=True)
    source_table = models.CharField(_("source table"), max_length=100)
    source_pk = models.BigIntegerField(_("source row"))
    source_digest = models.CharField(_("source digest"), max_length=64)
    data = models.TextField(_("details"), blank=True, default="{}")  # canonical JSON text, hashed as is
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit record")
        verbose_name_plural = _("audit records")
        constraints = [
            models.UniqueConstraint(
                fields=["source_table", "source_pk"], name="audit_one_record_per_source_row"
            ),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action}"

    def payload(self) -> dict:
        """What the hash covers. Not ``seq``: the position is proven by the ``prev_hash`` link, so a
        moved record shows as moved rather than as edited."""
        return {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_label": self.object_label,
            "source_table": self.source_table,
            "source_pk": self.source_pk,
            "source_digest": self.source_digest,
            "data": self.data,
        }
