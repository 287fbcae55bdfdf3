"""The app channel (客户端): the app and the H5 client read the content API v1, which serves the
stories on the site as ninjs. Like the website, nothing is sent: the adapter confirms what the
API now answers for the story (the item, or ``pubstatus: canceled`` after a retraction) and
records the item's API address, so the app's status shows with the other channels'.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result


def item_url(story_id) -> str:
    from wagtail.models import Site

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        raise AdapterError(_("There is no default site, so the app’s API has no address."), retryable=False)
    return site.root_url + reverse("api-v1:item", kwargs={"story_id": story_id})


def answered(story_id):
    from rongmei.api import queries

    return queries.story_for_item(story_id)


class AppAdapter(ChannelAdapter):
    kind = "app"
    capabilities = Capabilities(can_update=True, can_retract=True, idempotent=True)
    # The app takes every public story; a version only overrides its list title and thumbnail.
    # The list title is the story's short title (短标题, issue 9's channel-version field): the API
    # sends it as the ninjs headline of role "short" (api/ninjs.py), so the editor's label says so.
    version_fields = {
        "title": gettext_lazy("Short title (app list title)"),
        "image": gettext_lazy("List thumbnail"),
    }

    def _confirm_served(self, item: Item) -> Result:
        story = answered(item.story.pk)
        if story is None or story.is_retracted:
            raise AdapterError(_("The app’s API does not serve the story yet."))
        if item.revision_id and (story.live_revision_id or 0) < item.revision_id:
            raise AdapterError(_("The app’s API does not serve the approved version yet."))
        return Result(remote_id=str(story.pk), remote_url=item_url(story.pk))

    def publish(self, item):
        return self._confirm_served(item)

    def update(self, item, remote_id):
        return self._confirm_served(item)

    def exists(self, item):
        story = answered(item.story.pk)
        return self._confirm_served(item) if story is not None and not story.is_retracted else None

    def retract(self, item, remote_id):
        story = answered(item.story.pk)
        if story is not None and not story.is_retracted:
            raise AdapterError(_("The app’s API still serves the story."))
        # A retracted story stays answerable as pubstatus "canceled", so apps that cached it drop it.
        return Result(remote_id=remote_id or str(item.story.pk), remote_url=item_url(item.story.pk))
