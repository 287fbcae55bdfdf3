"""What a check reports: a Finding, plus the categories, severities and messages.

Messages are English msgids with %(name)s parameters, kept untranslated in the finding so the
engine stays pure; ``render_message`` translates them in whatever language is active.
"""

from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    # Django's gettext_noop needs configured settings; this twin keeps the engine importable
    # anywhere (bench, scripts) while makemessages still extracts the msgids by name.
    return message


BLOCK = "block"
WARN = "warn"
INFO = "info"
SEVERITIES = (BLOCK, WARN, INFO)
SEVERITY_RANK = {BLOCK: 3, WARN: 2, INFO: 1}

# Word-list categories (newsroom-managed and shipped defaults)
BANNED = "banned"
CAUTION = "caution"
STYLE = "style"
MISSPELLING = "misspelling"
CONFUSABLE = "confusable"
ADLAW = "adlaw"
ALLOW = "allow"  # exceptions: correct words that contain a flagged string; never reported
# Mechanical and structural checks
PUNCTUATION = "punctuation"
DOUBLED = "doubled"
DIGITS = "digits"
TRADITIONAL = "traditional"
NAME = "name"
DATE = "date"
TITLE = "title"

LIST_CATEGORIES = (BANNED, CAUTION, STYLE, MISSPELLING, CONFUSABLE, ADLAW, ALLOW)
CATEGORIES = LIST_CATEGORIES[:-1] + (PUNCTUATION, DOUBLED, DIGITS, TRADITIONAL, NAME, DATE, TITLE)
DEFAULT_SEVERITY = {
    BANNED: BLOCK,
    CAUTION: WARN,
    STYLE: INFO,
    MISSPELLING: WARN,
    CONFUSABLE: WARN,
    ADLAW: WARN,
    ALLOW: INFO,
}

# One msgid per kind of finding, so translators see a short, stable set.
MESSAGES = {
    BANNED: gettext_noop("Banned term “%(term)s” (list: %(list)s)."),
    CAUTION: gettext_noop("Use with caution: “%(term)s” (list: %(list)s)."),
    STYLE: gettext_noop("House style: “%(term)s” (list: %(list)s)."),
    MISSPELLING: gettext_noop("Probable misspelling: “%(term)s”."),
    CONFUSABLE: gettext_noop("Commonly confused wording: “%(term)s”."),
    ADLAW: gettext_noop("Absolute term restricted by the Advertising Law (广告法): “%(term)s”."),
    "de.di": gettext_noop("Adverbial particle: “%(term)s” before a verb is usually written with 地."),
    "de.de": gettext_noop("Complement particle: “%(term)s” after a verb is usually written with 得."),
    "di.de": gettext_noop("Attributive particle: “%(term)s” before a noun is usually written with 的."),
    # Paired marks: quotation marks are named, not shown (a quotation mark inside quotation marks
    # reads as noise); book-title marks and brackets are shown in Chinese quotes.
    "punct.unclosed.quote": gettext_noop("This opening quotation mark has no closing one in its paragraph."),
    "punct.unclosed.title": gettext_noop(
        "The opening book-title mark “%(mark)s” has no closing “%(closer)s” in its paragraph."
    ),
    "punct.unclosed.bracket": gettext_noop(
        "The opening bracket “%(mark)s” has no closing “%(closer)s” in its paragraph."
    ),
    "punct.unopened.quote": gettext_noop("This closing quotation mark has no opening one in its paragraph."),
    "punct.unopened.title": gettext_noop(
        "The closing book-title mark “%(mark)s” has no opening “%(opener)s” before it in its paragraph."
    ),
    "punct.unopened.bracket": gettext_noop(
        "The closing bracket “%(mark)s” has no opening “%(opener)s” before it in its paragraph."
    ),
    "punct.mismatch": gettext_noop(
        "The closing mark “%(mark)s” does not match the opening “%(opener)s”; it should be “%(expected)s”."
    ),
    # Half-width marks: one message per mark, so each reads as a plain sentence in Chinese.
    "punct.halfwidth,": gettext_noop("Half-width comma “,” in a Chinese sentence; use the full-width “，”."),
    "punct.halfwidth;": gettext_noop(
        "Half-width semicolon “;” in a Chinese sentence; use the full-width “；”."
    ),
    "punct.halfwidth:": gettext_noop("Half-width colon “:” in a Chinese sentence; use the full-width “：”."),
    "punct.halfwidth?": gettext_noop(
        "Half-width question mark “?” in a Chinese sentence; use the full-width “？”."
    ),
    "punct.halfwidth!": gettext_noop(
        "Half-width exclamation mark “!” in a Chinese sentence; use the full-width “！”."
    ),
    "punct.halfwidth.": gettext_noop(
        "Half-width full stop “.” after a Chinese sentence; use the Chinese full stop “。”."
    ),
    "punct.ascii_brackets": gettext_noop(
        "Half-width brackets “()” around Chinese text; use the full-width “（）”."
    ),
    "punct.ascii_quotes": gettext_noop(
        'Straight quotation marks "" around Chinese text; use the Chinese quotation marks “”.'
    ),
    "punct.ascii_single_quotes": gettext_noop(
        "Straight single quotation marks '' around Chinese text; use the Chinese quotation marks ‘’."
    ),
    DOUBLED: gettext_noop("Repeated word: “%(term)s”."),
    DIGITS: gettext_noop(
        "Full-width digits “%(term)s” in a story that otherwise uses half-width digits; use “%(half)s”."
    ),
    "digits.only": gettext_noop("Full-width digits “%(term)s”; news copy uses half-width digits."),
    TRADITIONAL: gettext_noop("Traditional characters in simplified text: “%(term)s”."),
    NAME: gettext_noop("“%(term)s” is also written “%(other)s” in this story; check the name."),
    "date.month": gettext_noop("Month %(month)s does not exist."),
    "date.day": gettext_noop("%(month)s月 has no day %(day)s."),
    "date.leap": gettext_noop("%(year)s is not a leap year: 2月 has no day 29."),
    TITLE: gettext_noop("“%(name)s” is listed as %(expected)s, not %(found)s."),
}


@dataclass(frozen=True, slots=True)
class Finding:
    start: int  # character offsets into the checked text, end exclusive
    end: int
    category: str
    severity: str
    message: str  # msgid from MESSAGES, not yet translated
    suggestion: str | None = None
    rule: str = ""
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self, *, rendered: bool = True) -> dict:
        return {
            "start": self.start,
            "end": self.end,
            "category": self.category,
            "severity": self.severity,
            "message": render_message(self) if rendered else self.message,
            "suggestion": self.suggestion,
        }


def render_message(finding: Finding) -> str:
    """The finding's message in the active language."""
    from django.utils.translation import gettext

    text = gettext(finding.message)
    try:
        return text % finding.params
    except (KeyError, ValueError, TypeError):
        # A broken translation must not hide the finding: fall back to the English msgid.
        return finding.message % finding.params


def make(start, end, category, severity, key, *, suggestion=None, rule="", **params) -> Finding:
    return Finding(
        start=start,
        end=end,
        category=category,
        severity=severity,
        message=MESSAGES[key],
        suggestion=suggestion,
        rule=rule or key,
        params=params,
    )
