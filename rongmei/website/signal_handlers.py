"""Invalidate the public page cache whenever what the public sees may have changed.

Publishing covers corrections (a correction note is published with a new revision) and retractions
approved through review; the post_save rule catches services that change a live story directly.

This stays on Wagtail's signals rather than the story events (``rongmei.newsroom.events``): the
cache holds every public page (home, sections, topics, regions) and must follow any change to
them, moves and deletions included, while story events describe only a story's acts for
distribution. A retraction or unpublication unpublishes the page, so it bumps the cache too.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache import bump_generation_on_commit

# Saves that only touch editing bookkeeping (a new draft revision, a lock) change nothing public.
BOOKKEEPING_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "draft_title",
        "has_unpublished_changes",
        "wagtail_admin_comments",
        "locked",
        "locked_at",
        "locked_by",
        "numchild",
    }
)


def page_changed(sender, **kwargs):
    bump_generation_on_commit()


def page_saved(sender, instance, update_fields=None, created=False, **kwargs):
    if not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    if instance.live or (update_fields is not None and "live" in update_fields):
        bump_generation_on_commit()


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.live:
        bump_generation_on_commit()


def region_changed(sender, **kwargs):
    from django.core.cache import cache
    from django.db import transaction

    from .queries import REGION_CHANNELS_KEY

    bump_generation_on_commit()
    # Now (this process) and after the commit (a request that read the old rows meanwhile).
    cache.delete(REGION_CHANNELS_KEY)
    transaction.on_commit(lambda: cache.delete(REGION_CHANNELS_KEY), robust=True)


def image_changed(sender, instance, created=False, **kwargs):
    # A new upload is on no page yet; an edited caption or credit is shown wherever it is used.
    if not created:
        bump_generation_on_commit()


def register_signal_handlers():
    from wagtail.images import get_image_model

    from rongmei.newsroom.models import Region

    page_published.connect(page_changed, dispatch_uid="website_cache_page_published")
    page_unpublished.connect(page_changed, dispatch_uid="website_cache_page_unpublished")
    post_page_move.connect(page_changed, dispatch_uid="website_cache_page_moved")
    post_save.connect(page_saved, dispatch_uid="website_cache_page_saved")
    post_delete.connect(page_deleted, dispatch_uid="website_cache_page_deleted")
    post_save.connect(region_changed, sender=Region, dispatch_uid="website_cache_region_saved")
    post_delete.connect(region_changed, sender=Region, dispatch_uid="website_cache_region_deleted")
    image_model = get_image_model()
    post_save.connect(image_changed, sender=image_model, dispatch_uid="website_cache_image_saved")
    post_delete.connect(image_changed, sender=image_model, dispatch_uid="website_cache_image_deleted")
