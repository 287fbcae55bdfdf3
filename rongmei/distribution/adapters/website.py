"""The website channel: the site is Wagtail itself, so the story is on it when the event fires.

This adapter does not publish anything: it checks that what the act says is true on the site (the
approved revision is the live one, corrections shown, a retracted story gone) and records the
story's address, so the website's status shows with the other channels'. A check that fails is a
retryable error (another process may not have committed yet), never a made-up success.
"""

from django.utils.translation import gettext as _

from rongmei.website.site_url import page_url

from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result


def on_site(story_id):
    from rongmei.newsroom.models import StoryPage

    return StoryPage.objects.on_site().filter(pk=story_id).first()


class WebsiteAdapter(ChannelAdapter):
    kind = "website"
    capabilities = Capabilities(can_update=True, can_retract=True, idempotent=True)

    def _confirm_live(self, item: Item) -> Result:
        story = on_site(item.story.pk)
        if story is None:
            raise AdapterError(_("The story is not on the site."))
        if item.revision_id and (story.live_revision_id or 0) < item.revision_id:
            raise AdapterError(_("The site does not show the approved version yet."))
        shown = {" ".join(note.text.split()) for note in story.corrections.all()}
        missing = [text for text in item.corrections if text not in shown]
        if missing:
            raise AdapterError(
                _("The site does not show the correction yet: %(text)s") % {"text": missing[0]}
            )
        url = page_url(story)
        if not url:
            raise AdapterError(_("The story has no address: its site is not set up."), retryable=False)
        return Result(remote_id=str(story.pk), remote_url=url)

    def publish(self, item):
        return self._confirm_live(item)

    def update(self, item, remote_id):
        return self._confirm_live(item)

    def exists(self, item):
        return self._confirm_live(item) if on_site(item.story.pk) is not None else None

    def retract(self, item, remote_id):
        if on_site(item.story.pk) is not None:
            raise AdapterError(_("The story is still on the site."))
        return Result(remote_id=remote_id)
