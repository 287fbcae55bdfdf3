"""The one interface every channel adapter implements (website, RSS today; WeChat, Weibo, Douyin … later).

An adapter is a class registered under its ``kind`` (``Channel.kind`` names it) and built per
delivery with the ``Channel`` row: ``adapter = adapter_for(channel)``. The distribution sender
(``services.send_story``) decides which method to call for an act and stores the outcome; an
adapter only talks to its platform and answers:

* ``publish(item) -> Result``: put the story on the platform; the result names it (``remote_id``,
  ``remote_url``). A platform that names the item before it is done (WeChat's draft ``media_id``)
  calls ``item.record_remote(remote_id=…)`` at once, so a retry after a crash continues with it.
* ``update(item, remote_id) -> Result``: replace the text there (an update or a correction). Only
  called when ``capabilities.can_update``; otherwise the channel is marked "needs manual action".
* ``retract(item, remote_id) -> Result``: delete or withdraw it there (``capabilities.can_retract``).
* ``exists(item) -> Result | None``: on a retry, whether the item is already there (platforms
  without an idempotency key of their own): a ``Result`` naming it, or ``None``.

Failures are ``AdapterError(plain words, retryable=…)``: the message is shown to staff on the story
and the board, so it says what happened and never contains a credential.

Credentials never live in ``Channel.config``: ``self.credential("APP_SECRET")`` reads the environment
variable ``RONGMEI_CHANNEL_<CODE>_APP_SECRET`` (the seam for encrypted fields later).
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

from django.utils.translation import gettext as _


class AdapterError(Exception):
    """A delivery that did not happen, in plain words; ``retryable=False`` when repeating cannot help."""

    def __init__(self, message, *, retryable=True):
        super().__init__(str(message))
        self.message = str(message)
        self.retryable = retryable


@dataclass(frozen=True)
class Capabilities:
    can_update: bool = False  # can the item be replaced in place (update, correction)?
    can_retract: bool = False  # can it be deleted/withdrawn there?
    idempotent: bool = False  # does the platform itself refuse a second copy?


@dataclass(frozen=True)
class Result:
    remote_id: str = ""
    remote_url: str = ""
    note: str = ""  # something staff should know although it worked
    needs_manual: bool = False  # the platform cannot do it: someone has to, by hand


@dataclass(frozen=True)
class ChannelVersion:
    """The story as this channel shows it: the editor's channel version (approved in 三审 with the
    story), each blank field generated from the story (``distribution.versions.resolve``).

    One shape for every channel; each adapter uses the fields it has (``version_fields``):
    ``title`` (WeChat title, print headline, the app's short title 短标题: its list title),
    ``author``, ``summary`` (WeChat digest), ``text`` (Weibo text, Douyin caption),
    ``target_length`` (print), ``image`` (a Wagtail image: WeChat cover, app thumbnail), ``link``
    (the story's public address).
    """

    title: str = ""
    author: str = ""
    summary: str = ""
    text: str = ""
    target_length: int | None = None
    image: object = None
    link: str = ""


@dataclass(frozen=True)
class Item:
    """What is delivered: the story (loaded when the delivery runs) and the act's details."""

    story: object  # the StoryPage, specific
    revision_id: int | None
    act: str  # StoryChannelStatus.Act value
    idempotency_key: str
    corrections: tuple[str, ...] = ()
    reason: str = ""
    version: ChannelVersion = field(default_factory=ChannelVersion)
    # What a previous attempt recorded (``record_remote``): e.g. WeChat's draft media_id, publish_id.
    remote_id: str = ""
    record_remote: Callable = field(default=lambda **kwargs: None, repr=False, compare=False)


class ChannelAdapter:
    kind: ClassVar[str] = ""
    capabilities: ClassVar[Capabilities] = Capabilities()
    # Documented limits of the platform (cite the source next to each); a channel may narrow them.
    default_limits: ClassVar[dict] = {}
    # The channel-version fields this platform uses, with their label in the editor:
    # {"title": _("WeChat title"), ...}; each may have a limit in ``default_limits`` under the same
    # name ("title": {"max_chars": 32, "source": "…"}).
    version_fields: ClassVar[dict] = {}

    def __init__(self, channel):
        self.channel = channel

    @property
    def limits(self) -> dict:
        return {**self.default_limits, **(self.channel.limits or {})}

    @property
    def config(self) -> dict:
        return dict(self.channel.config or {})

    def credential(self, name: str) -> str:
        """A secret from the environment; a missing one is a plain error naming the variable, not the value."""
        variable = f"RONGMEI_CHANNEL_{self.channel.code.upper().replace('-', '_')}_{name.upper()}"
        value = os.environ.get(variable, "")
        if not value:
            raise AdapterError(
                _("The channel’s credential is missing: set %(variable)s in the server’s environment.")
                % {"variable": variable},
                retryable=False,
            )
        return value

    def default_version(self, story, base: ChannelVersion) -> ChannelVersion:
        """The version generated for this channel when the editor leaves a field blank.

        ``base`` is made the same way for every channel (``distribution.versions.generated``: the
        title, the lead as summary, ``【title】summary`` as text, each clipped to this channel's
        limits); a platform with its own convention (Douyin's ``#话题`` in the caption) returns
        it changed, within its limits. The editor's own fields still win (``versions.resolve``).
        """
        return base

    def check_version(self, story, version: ChannelVersion, *, edited: bool = True) -> list[str]:
        """What would stop this version's delivery, in plain words, found without calling the
        platform (a Weibo text that leaves no room for the link): the editor's form asks before
        三审 approves a version the platform would refuse."""
        return []

    def takes(self, story) -> bool:
        """Whether this channel takes ``story`` at all (a partner's sections and regions); a story
        it does not take gets no delivery and no status, rather than a "published" that was not."""
        return True

    def publish(self, item: Item) -> Result:
        raise NotImplementedError

    def update(self, item: Item, remote_id: str) -> Result:
        raise NotImplementedError

    def retract(self, item: Item, remote_id: str) -> Result:
        raise NotImplementedError

    def exists(self, item: Item) -> Result | None:
        return None
