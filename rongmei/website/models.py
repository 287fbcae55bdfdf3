from django.db import models
from django.utils.translation import gettext_lazy as _


class CacheGeneration(models.Model):
    """The one row holding the public page cache's token and clock (docs/decisions/0029).

    ``token`` is drawn when the row is created, so a recreated row (a restored or rebuilt database)
    never matches an entry cached before it. ``number`` is the cache's clock: every invalidation
    advances it by one (``UPDATE … SET number = number + 1``) and gives the tags it invalidates
    (``CacheTag``) that new number as their version.
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


class CacheTag(models.Model):
    """The current version of one thing cached public pages show (``story:12``, ``home``, ``site``).

    A cached page keeps the versions of its tags as they were when it was rendered; it is served
    only while they are still these. ``version`` is the clock (``CacheGeneration.number``) at the
    tag's last invalidation; ``hard_version`` the clock at its last *hard* invalidation (a story
    taken off the site: pages showing it must not be served even while they are re-rendered). A tag
    without a row was never invalidated: version 0.
    """

    name = models.CharField(_("name"), max_length=100, primary_key=True)
    version = models.PositiveBigIntegerField(_("version"), default=0)
    hard_version = models.PositiveBigIntegerField(_("version of the last hard invalidation"), default=0)

    class Meta:
        verbose_name = _("public page cache tag")
        verbose_name_plural = _("public page cache tags")

    def __str__(self):
        return f"{self.name}@{self.version}"
