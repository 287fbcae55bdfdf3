"""Channel adapters: one module per platform behind ``base.ChannelAdapter``; ``ADAPTERS`` maps a
``Channel.kind`` to its class. A new channel = one module here + its entry below + its contract
server in the tests."""

from .base import AdapterError, Capabilities, ChannelAdapter, Item, Result
from .rss import RssAdapter
from .website import WebsiteAdapter

ADAPTERS: dict[str, type[ChannelAdapter]] = {cls.kind: cls for cls in (WebsiteAdapter, RssAdapter)}


def adapter_kinds() -> list[str]:
    return sorted(ADAPTERS)


def adapter_for(channel) -> ChannelAdapter:
    try:
        return ADAPTERS[channel.kind](channel)
    except KeyError:
        raise AdapterError(f"no adapter called {channel.kind!r}", retryable=False) from None


__all__ = ["ADAPTERS", "AdapterError", "Capabilities", "ChannelAdapter", "Item", "Result", "adapter_for", "adapter_kinds"]
