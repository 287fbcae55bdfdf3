"""Lists of e-mail addresses that staff type into one text field (alert recipients, a client's report
recipients): one parser, so every such field accepts the same separators.

Addresses are separated by newlines, ``,`` ``;`` and their full-width forms ``，`` ``；``, the
enumeration comma ``、``, or whitespace (an address has none). An entry that is not an address is
reported as its line was written (``not an address``, not three words), so a form can show it.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

_SEPARATORS = re.compile(r"[\n\r,;，；、]+")


def parse_emails(text: str) -> tuple[list[str], list[str]]:
    """``(valid addresses, invalid entries)`` of ``text``, each in the order first written and
    once (addresses compared without regard to case; the first spelling is kept)."""
    valid, invalid = [], []
    seen_valid, seen_invalid = set(), set()
    for entry in _SEPARATORS.split(text or ""):
        rest = []
        for word in entry.split():
            if _is_email(word):
                if word.lower() not in seen_valid:
                    seen_valid.add(word.lower())
                    valid.append(word)
            else:
                rest.append(word)
        if rest:
            wrong = " ".join(rest)
            if wrong.lower() not in seen_invalid:
                seen_invalid.add(wrong.lower())
                invalid.append(wrong)
    return valid, invalid


def _is_email(word: str) -> bool:
    try:
        validate_email(word)
    except ValidationError:
        return False
    return True
