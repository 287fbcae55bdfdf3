"""The print channel (报纸): the paper is made by people on a page plan (``rongmei.printing``), so
this adapter sends nothing. It tells where the story stands in print, so its status shows with
the other channels':

* not on a page plan yet → "needs manual action: awaiting placement on a page plan";
* placed on a page not yet signed off → "needs manual action", naming the page;
* on a signed-off page → published, naming the page and who signed it off.

The printing app moves the status on by itself when a page is signed off or reopened
(``printing.services.sync_print_status``). A printed story cannot be changed or withdrawn:
an update, correction or retraction after print is "needs manual action" (a 更正 in a later issue).
"""

from django.utils.translation import gettext_lazy as _

from .base import Capabilities, ChannelAdapter, Item, Result


class PrintAdapter(ChannelAdapter):
    kind = "print"
    capabilities = Capabilities(can_update=False, can_retract=False, idempotent=True)
    version_fields = {
        "title": _("Print headline"),
        "target_length": _("Target length (characters)"),
    }

    def _standing(self, item: Item) -> Result:
        from rongmei.printing.queries import print_standing

        standing = print_standing(item.story)
        if standing.printed:
            return Result(remote_id=standing.remote_id, note=standing.note)
        return Result(needs_manual=True, note=standing.note)

    def publish(self, item):
        return self._standing(item)

    def exists(self, item):
        return None  # nothing is created anywhere: publish() is a look-up, safe to repeat
