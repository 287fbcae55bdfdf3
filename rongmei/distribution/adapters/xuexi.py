"""The 学习强国 channel: no public API for outlets, so a delivery is a package made for a person.

``publish`` builds the contribution package (``distribution/packages.py``: the story as text and
HTML, the original pictures, a manifest) in the private storage and answers "needs manual action":
an editor downloads it from the story's 学习强国 page, uploads it on the 学习强国 contributor
platform and records the submission there (``distribution/xuexi.py``: who, when, the platform's
address), which marks the channel published. Updates, corrections and retractions cannot be sent
either (``can_update``/``can_retract`` False): the sender marks them "needs manual action", and the
same page makes the package of the corrected version and records what was done.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks

from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result


class XuexiAdapter(ChannelAdapter):
    kind = "xuexi"
    capabilities = Capabilities(can_update=False, can_retract=False, idempotent=True)
    version_fields = {
        "title": gettext_lazy("Xuexi title"),
        "summary": pgettext_lazy("channel version", "summary"),
    }

    def publish(self, item: Item) -> Result:
        from .. import packages

        if item.story is None:
            raise AdapterError(_("The story no longer exists."), retryable=False)
        try:
            packages.build_package(item.story, revision_id=item.revision_id, version=item.version)
        except packages.PackageError as error:
            raise AdapterError(error.message, retryable=False) from error
        return Result(
            needs_manual=True,
            note=_("package ready: download and submit on the 学习强国 contributor platform"),
        )

    def update(self, item, remote_id):  # never called: can_update is False
        raise AdapterError(_("学习强国 stories are corrected by hand."), retryable=False)

    def retract(self, item, remote_id):  # never called: can_retract is False
        raise AdapterError(_("学习强国 stories are taken down by hand."), retryable=False)


@hooks.register("register_log_actions")
def register_xuexi_log_actions(actions):
    from .. import xuexi

    xuexi.register_log_actions(actions)
