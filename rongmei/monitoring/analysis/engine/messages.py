"""Messages the analysis engine reports, as English msgids with %(name)s parameters.

The engine stays free of Django; the app layer translates with ``gettext(msgid) % params``.
"""


def gettext_noop(message: str) -> str:
    # Django's gettext_noop needs configured settings; this twin keeps the engine importable from
    # the bench and the worker, and makemessages still extracts the msgids by the function's name.
    return message


RULE_EMPTY = gettext_noop("The rule is empty.")
RULE_UNCLOSED_PAREN = gettext_noop("Opening parenthesis at character %(position)s is never closed.")
RULE_UNOPENED_PAREN = gettext_noop(
    "Closing parenthesis at character %(position)s has no opening parenthesis."
)
RULE_EMPTY_GROUP = gettext_noop("Empty parentheses at character %(position)s.")
RULE_UNCLOSED_QUOTE = gettext_noop("Quotation mark at character %(position)s is never closed.")
RULE_EMPTY_PHRASE = gettext_noop("Empty quoted phrase at character %(position)s.")
RULE_STRAY_QUOTE = gettext_noop(
    "Closing quotation mark at character %(position)s has no opening quotation mark."
)
RULE_MISSING_LEFT = gettext_noop("“%(operator)s” at character %(position)s needs a term before it.")
RULE_MISSING_RIGHT = gettext_noop("“%(operator)s” at character %(position)s needs a term after it.")
RULE_NEAR_DISTANCE = gettext_noop(
    "“%(operator)s” at character %(position)s needs a distance in characters, e.g. NEAR/10."
)
RULE_NEAR_OPERAND = gettext_noop(
    "NEAR at character %(position)s joins terms, phrases or (A OR B) groups, not AND or NOT."
)
RULE_EMPTY_NAME = gettext_noop("“%(prefix)s” at character %(position)s needs a name after the colon.")
RULE_UNKNOWN_REGION = gettext_noop("Unknown region “%(name)s” at character %(position)s.")
RULE_UNKNOWN_PERSON = gettext_noop("Unknown person “%(name)s” at character %(position)s.")
RULE_ONLY_NEGATIVE = gettext_noop(
    "The rule matches text that contains none of its terms; add a term that must appear."
)
RULE_TOO_LONG = gettext_noop(
    "The rule is %(length)s characters long; a rule has at most %(limit)s. Split it into several rules."
)
RULE_TOO_DEEP = gettext_noop(
    "Parentheses and NOT are nested more than %(limit)s deep at character %(position)s; write the rule more simply."
)
RULE_TOO_MANY_TERMS = gettext_noop(
    "The rule has more than %(limit)s terms (at character %(position)s); split it into several rules."
)
RULE_TOO_MANY_OPERATORS = gettext_noop(
    "The rule has more than %(limit)s operators (at character %(position)s); split it into several rules."
)
RULE_TOO_MANY_NEAR = gettext_noop(
    "The rule has more than %(limit)s NEAR operators (at character %(position)s); split it into several rules."
)
RULE_NEAR_TOO_FAR = gettext_noop(
    "The NEAR distance at character %(position)s is too large; at most NEAR/%(limit)s."
)
RULE_TOO_COMPLEX = gettext_noop("The rule is too complex to read; write it more simply or split it.")
