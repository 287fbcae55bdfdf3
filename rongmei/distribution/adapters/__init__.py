"""Channel adapters: one module per platform behind ``base.ChannelAdapter``; ``ADAPTERS`` maps a
``Channel.kind`` to its class. A new channel = one module in this package (its class subclasses
``ChannelAdapter`` and sets ``kind``; it is found by itself) + its contract server in
``rongmei/distribution/contract/``."""

import importlib
import pkgutil

from .base import AdapterError, Capabilities, ChannelAdapter, ChannelVersion, Item, Result


def _discover() -> dict[str, type[ChannelAdapter]]:
    for module in pkgutil.iter_modules(__path__):
        if module.name != "base":
            importlib.import_module(f"{__name__}.{module.name}")
    found = {}
    stack = list(ChannelAdapter.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.kind:
            found[cls.kind] = cls
    return found


ADAPTERS: dict[str, type[ChannelAdapter]] = _discover()


def adapter_kinds() -> list[str]:
    return sorted(ADAPTERS)


def adapter_for(channel) -> ChannelAdapter:
    try:
        return ADAPTERS[channel.kind](channel)
    except KeyError:
        raise AdapterError(f"no adapter called {channel.kind!r}", retryable=False) from None


__all__ = [
    "ADAPTERS",
    "AdapterError",
    "Capabilities",
    "ChannelAdapter",
    "ChannelVersion",
    "Item",
    "Result",
    "adapter_for",
    "adapter_kinds",
]
