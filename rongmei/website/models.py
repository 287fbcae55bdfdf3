from django.db import models
from django.utils.translation import gettext_lazy as _


class CacheGeneration(models.Model):
    """The one row holding the site-wide generation of the public page cache.

    Every cache key contains ``token`` and ``number``; publishing bumps ``number`` with a single
    ``UPDATE … SET number = number + 1``, so every web process sees the change on its next request
    and old entries are simply never read again. ``token`` is drawn when the row is created, so a
    recreated row (a restored or rebuilt database) never matches keys cached before it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    token = models.CharField(_("token"), max_length=16)
    number = models.PositiveBigIntegerField(_("generation"), default=1)
    bumped_at = models.DateTimeField(_("last invalidated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public page cache generation")
        verbose_name_plural = _("public page cache generation")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="website_cache_generation_one_row")
        ]

    def __str__(self):
        return f"{self.token}.{self.number}"
