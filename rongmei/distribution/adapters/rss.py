"""The RSS channel: the feeds regenerate themselves from the stories on the site.

The adapter confirms the story is in (or has left) the latest-stories feed, as the feed view
selects its items (``website.feeds.LatestStoriesFeed``: ``on_site()``, newest first, 30 items),
and records the feed's address and the item's guid.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from .base import AdapterError, Capabilities, ChannelAdapter, Result
from .website import on_site


def feed_url():
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        raise AdapterError(_("There is no default site, so the feed has no address."), retryable=False)
    return site.root_url + reverse("website:feed_latest")


def guid(story_id) -> str:
    return f"urn:rongmei:story:{story_id}"  # as LatestStoriesFeed.item_guid


def in_feed(story_id) -> bool:
    from rongmei.website import queries
    from rongmei.website.feeds import FEED_LENGTH

    return story_id in set(queries.public_stories().newest_first().values_list("pk", flat=True)[:FEED_LENGTH])


class RssAdapter(ChannelAdapter):
    kind = "rss"
    capabilities = Capabilities(can_update=True, can_retract=True, idempotent=True)

    def _confirm_in_feed(self, item):
        from rongmei.website.feeds import FEED_LENGTH

        story = on_site(item.story.pk)
        if story is None:
            raise AdapterError(_("The story is not on the site, so it is not in the feed."))
        note = ""
        if not in_feed(story.pk):
            # Readers have it from before; the feed lists only the newest stories.
            note = _(
                "The story is older than the feed’s newest %(n)d stories; it is not listed there now."
            ) % {"n": FEED_LENGTH}
        return Result(remote_id=guid(story.pk), remote_url=feed_url(), note=note)

    def publish(self, item):
        return self._confirm_in_feed(item)

    def update(self, item, remote_id):
        return self._confirm_in_feed(item)

    def exists(self, item):
        return self._confirm_in_feed(item) if in_feed(item.story.pk) else None

    def retract(self, item, remote_id):
        if on_site(item.story.pk) is not None:
            raise AdapterError(_("The story is still in the feed."))
        return Result(remote_id=remote_id or guid(item.story.pk), remote_url=feed_url())
