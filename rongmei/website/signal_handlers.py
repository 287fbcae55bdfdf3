"""Invalidate the public page cache whenever what the public sees may have changed (docs/decisions/0029).

A story's acts invalidate the story (``story:<id>``) and the lists it now appears in; acts that take
it off the site (unpublication, retraction, deletion, a move to another address) do so *hard*, so
no page showing it is served again, not even while it is re-rendered. Publishing covers corrections
(a correction note is published with a new revision) and retractions (published with
``is_retracted``; the newsroom app also unpublishes a story whose retraction is approved); the
post_save rule catches services that change a live story directly. Changes to the structure (other
pages, regions, image captions) invalidate the whole site.

This stays on Wagtail's signals rather than the story events (``rongmei.newsroom.events``): the
cache holds every public page (home, sections, topics, regions) and must follow any change to
them, moves and deletions of other pages included, while story events describe only a story's acts
for distribution.
"""

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .cache import bump_site_on_commit, bump_story_on_commit, story_list_tags

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


def _is_story(page) -> bool:
    from rongmei.newsroom.models import StoryPage

    # A deletion also signals the story's plain ``Page`` row: its content type says what it is.
    return isinstance(page, StoryPage) or issubclass(page.specific_class or type(page), StoryPage)


def page_published_handler(sender, instance, **kwargs):
    if _is_story(instance):
        # A retracted story still live answers 410 Gone: nothing may show it any more.
        bump_story_on_commit(instance.pk, hard=getattr(instance, "is_retracted", False))
    else:
        bump_site_on_commit()  # its title is in the navigation, teasers, story pages


def page_unpublished_handler(sender, instance, **kwargs):
    if _is_story(instance):
        bump_story_on_commit(instance.pk, hard=True)
    else:
        bump_site_on_commit(hard=True)


def page_moved(sender, instance, parent_page_before=None, **kwargs):
    if not instance.live:
        return
    if _is_story(instance):
        before = getattr(parent_page_before, "pk", None)
        extra = (f"section:{before}", f"feed:section:{before}") if before is not None else ()
        bump_story_on_commit(instance.pk, hard=True, extra=extra)  # its old address is gone
    else:
        bump_site_on_commit(hard=True)


def page_saved(sender, instance, update_fields=None, created=False, **kwargs):
    if not isinstance(instance, Page):
        return
    if update_fields is not None and set(update_fields) <= BOOKKEEPING_FIELDS:
        return
    taken_off = not instance.live and update_fields is not None and "live" in update_fields
    if not (instance.live or taken_off):
        return
    if _is_story(instance):
        bump_story_on_commit(instance.pk, hard=taken_off or getattr(instance, "is_retracted", False))
    else:
        bump_site_on_commit(hard=taken_off)


_LISTS_BEFORE_DELETION = "_rongmei_cache_lists"


def page_deleting(sender, instance, **kwargs):
    # Where a live story appears must be read before its rows go.
    if isinstance(instance, Page) and instance.live and _is_story(instance):
        setattr(instance, _LISTS_BEFORE_DELETION, tuple(story_list_tags(instance.pk)))


def page_deleted(sender, instance, **kwargs):
    if not (isinstance(instance, Page) and instance.live):
        return
    if _is_story(instance):
        bump_story_on_commit(instance.pk, hard=True, extra=getattr(instance, _LISTS_BEFORE_DELETION, ()))
    else:
        bump_site_on_commit(hard=True)


def region_changed(sender, **kwargs):
    from django.core.cache import cache
    from django.db import transaction

    from .queries import REGION_CHANNELS_KEY

    # Regions are in the home page's channels, region pages' breadcrumbs and children, story pages.
    bump_site_on_commit(hard=True)
    # Now (this process) and after the commit (a request that read the old rows meanwhile).
    cache.delete(REGION_CHANNELS_KEY)
    transaction.on_commit(lambda: cache.delete(REGION_CHANNELS_KEY), robust=True)


def picture_settings_changed(sender, **kwargs):
    # An editor's channel crop of a picture (the shared picture, og:image, is the social-card crop) or
    # an outlet's copyright line and watermark: shown on the pages of its stories, as a caption is.
    bump_site_on_commit()


def image_changed(sender, instance, created=False, **kwargs):
    # A new upload is on no page yet; an edited caption or credit is shown wherever it is used.
    if not created:
        bump_site_on_commit()


def _stories_using(asset_model, asset_id) -> list:
    from rongmei.newsroom.models import StoryPage
    from rongmei.video.models import VideoAsset

    field = "video_id" if issubclass(asset_model, VideoAsset) else "audio_id"
    return list(StoryPage.objects.filter(live=True, **{field: asset_id}).values_list("pk", flat=True))


def media_asset_changed(sender, instance, **kwargs):
    # A story's video or audio (rongmei.video): a rendition made by the transcode, a new caption, a
    # deletion. The article's fragment key follows them (templatetags/articles.py); the pages showing
    # the story are bumped so the player appears once its first rendition exists.
    if hasattr(instance, "asset_id"):  # a rendition
        asset_model, asset_id = type(instance)._meta.get_field("asset").related_model, instance.asset_id
    else:
        asset_model, asset_id = type(instance), instance.pk
    for story_id in _stories_using(asset_model, asset_id):
        bump_story_on_commit(story_id)


def structure_changed(sender, **kwargs):
    # A site's host name or home page, or a page's view restriction: every page may now be another's
    # or private, so nothing cached may be served again (and memo.py reads them afresh).
    bump_site_on_commit(hard=True)


def register_signal_handlers():
    from wagtail.images import get_image_model

    from rongmei.newsroom.models import Region

    page_published.connect(page_published_handler, dispatch_uid="website_cache_page_published")
    page_unpublished.connect(page_unpublished_handler, dispatch_uid="website_cache_page_unpublished")
    post_page_move.connect(page_moved, dispatch_uid="website_cache_page_moved")
    post_save.connect(page_saved, dispatch_uid="website_cache_page_saved")
    pre_delete.connect(page_deleting, dispatch_uid="website_cache_page_deleting")
    post_delete.connect(page_deleted, dispatch_uid="website_cache_page_deleted")
    post_save.connect(region_changed, sender=Region, dispatch_uid="website_cache_region_saved")
    post_delete.connect(region_changed, sender=Region, dispatch_uid="website_cache_region_deleted")
    for model in (Site, PageViewRestriction):
        label = model._meta.model_name
        post_save.connect(structure_changed, sender=model, dispatch_uid=f"website_cache_{label}_saved")
        post_delete.connect(structure_changed, sender=model, dispatch_uid=f"website_cache_{label}_deleted")
    from rongmei.video.models import AudioAsset, AudioRendition, VideoAsset, VideoRendition

    for model in (VideoAsset, AudioAsset, VideoRendition, AudioRendition):
        label = model._meta.model_name
        post_save.connect(media_asset_changed, sender=model, dispatch_uid=f"website_cache_{label}_saved")
        # Before the deletion: an asset's stories lose it (SET_NULL) in the same transaction.
        pre_delete.connect(media_asset_changed, sender=model, dispatch_uid=f"website_cache_{label}_deleting")
    from rongmei.media.models import ChannelCrop
    from rongmei.organisation.models import Outlet

    for model in (ChannelCrop, Outlet):
        label = model._meta.model_name
        post_save.connect(picture_settings_changed, sender=model, dispatch_uid=f"website_cache_{label}_saved")
        post_delete.connect(
            picture_settings_changed, sender=model, dispatch_uid=f"website_cache_{label}_deleted"
        )
    image_model = get_image_model()
    post_save.connect(image_changed, sender=image_model, dispatch_uid="website_cache_image_saved")
    post_delete.connect(image_changed, sender=image_model, dispatch_uid="website_cache_image_deleted")
