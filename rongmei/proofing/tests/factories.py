"""Proofreading test data shared by the proofing and review tests: made with the real models."""

from rongmei.proofing.models import Term, WordList

# A story body with the three planted errors: a misspelling (再接再励 → 再接再厉), a banned word
# (内部绝密, with ``banned_list()``) and an unpaired quotation mark.
PLANTED_BODY = (
    "<p>全市干部再接再励，推进项目建设。</p><p>会议强调，要严防内部绝密外泄，他说：“要抓紧落实。</p>"
)
BANNED_TERM = "内部绝密"


def banned_list(*terms) -> WordList:
    """A word list of banned words (severity *block*: they stop 终审), 内部绝密 by default."""
    word_list = WordList.objects.create(name="违禁词（测试）", category="banned", severity="block")
    for term in terms or (BANNED_TERM,):
        Term.objects.create(word_list=word_list, term=term)
    return word_list
