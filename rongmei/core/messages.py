"""Stored messages shown in the reader's language.

Rows keep a msgid (or a code naming one) and its parameters rather than translated text, so each
reader sees the message in their own language and it can be reworded later.
"""

from django.utils.translation import gettext


def format_message(msgid, params=None, *, fallback=None) -> str:
    """``msgid`` (a plain msgid or a lazy one) translated, with ``params`` filled in.

    A catalogue entry that lost or renamed a placeholder must not break the page that shows it: the
    message then comes without its parameters, or as ``fallback`` when one is given.
    """
    text = gettext(msgid) if isinstance(msgid, str) else str(msgid)
    try:
        return text % (params or {})
    except (KeyError, TypeError, ValueError):
        return text if fallback is None else fallback
