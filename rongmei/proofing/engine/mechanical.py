"""Mechanical checks: punctuation, doubled words, digits, traditional characters, impossible dates."""

import calendar
import re
import threading

from . import findings as f

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "【": "】", "〈": "〉", "「": "」", "『": "』"}
CLOSERS = {closer: opener for opener, closer in PAIRS.items()}
QUOTES = {"“", "‘", "「", "『"}
MARKS = re.compile("[" + "".join(PAIRS) + "".join(CLOSERS) + "]")
TITLE_MARKS = {"《", "》", "〈", "〉"}


def _kind(mark: str) -> str:
    """Which family a paired mark belongs to, for its message (GB/T 15834: 引号, 书名号, 括号)."""
    if mark in QUOTES or mark in {PAIRS[q] for q in QUOTES}:
        return "quote"
    return "title" if mark in TITLE_MARKS else "bracket"


def _unpaired(pos: int, mark: str, what: str, **params) -> f.Finding:
    """A mark with no partner: ``what`` is "unclosed" (an opener) or "unopened" (a closer)."""
    return f.make(
        pos,
        pos + 1,
        f.PUNCTUATION,
        f.WARN,
        f"punct.{what}.{_kind(mark)}",
        rule=f"punct.{what}",
        mark=mark,
        **params,
    )


def _unclosed(pos: int, mark: str) -> f.Finding:
    return _unpaired(pos, mark, "unclosed", closer=PAIRS[mark])


# --- brackets and quotation marks -------------------------------------------------------------
def check_pairs(text: str) -> list[f.Finding]:
    """Unbalanced paired marks, per paragraph.

    News copy continues a quotation over several paragraphs by opening each paragraph with “ and
    closing only the last one, so an unclosed quotation mark is accepted when the next paragraph
    opens one again.
    """
    out = []
    paragraphs = []
    start = 0
    for line in text.split("\n"):
        paragraphs.append((start, line))
        start += len(line) + 1
    # the next non-blank paragraph after each one, computed once (a 1 MB story has 40,000 lines)
    following = [""] * len(paragraphs)
    upcoming = ""
    for number in range(len(paragraphs) - 1, -1, -1):
        following[number] = upcoming
        if paragraphs[number][1].strip():
            upcoming = paragraphs[number][1]
    for number, (offset, line) in enumerate(paragraphs):
        stack: list[tuple[str, int]] = []
        for mark in MARKS.finditer(line):
            i, char = mark.start(), mark.group()
            if char in PAIRS:
                stack.append((char, offset + i))
            elif char in CLOSERS:
                opener = CLOSERS[char]
                if stack and stack[-1][0] == opener:
                    stack.pop()
                elif any(o == opener for o, _ in stack):
                    # close the matching opener; whatever was opened inside it was left open
                    while stack[-1][0] != opener:
                        inner, pos = stack.pop()
                        out.append(_unclosed(pos, inner))
                    stack.pop()
                elif stack and stack[-1][0] not in QUOTES:
                    mark, pos = stack.pop()
                    out.append(
                        f.make(
                            offset + i,
                            offset + i + 1,
                            f.PUNCTUATION,
                            f.WARN,
                            "punct.mismatch",
                            suggestion=PAIRS[mark],
                            mark=char,
                            opener=mark,
                            expected=PAIRS[mark],
                        )
                    )
                else:
                    out.append(_unpaired(offset + i, char, "unopened", opener=CLOSERS[char]))
        next_line = following[number]
        for mark, pos in stack:
            if mark in QUOTES and next_line.lstrip().startswith(mark):
                continue
            out.append(_unclosed(pos, mark))
    return out


HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
# A half-width mark ends a Chinese clause when Chinese (or a number or percentage, a closing quote
# or bracket) comes before it and Chinese (or an opening quote or bracket) after it; "." only after
# Chinese, so list numbers (1.) and decimals stay. Thousands separators, times and scores have
# digits on both sides and are never matched.
_AFTER = rf"(?=[ \t]*(?:[{HAN}“‘《（”’）》\"(]|\n|$))"
HALFWIDTH = re.compile(
    rf"(?<=[{HAN}])(?:([,;:?!.]){_AFTER}|([,;:?!])(?=[ \t]*[0-9]))"
    rf"|(?<=[”’》）\"')0-9%])([,;:?!])(?=[ \t]*[{HAN}“‘《（\"(])"
    rf"|(?<=[”’》）\"')%])(\.){_AFTER}"
)
ASCII_BRACKETS = re.compile(rf"\(([^()\n]*[{HAN}][^()\n]*)\)")
# Straight double quotes, paired in order within a paragraph; a quotation longer than a finding can
# hold is left to the editor.
ASCII_QUOTE_RUN = re.compile(r'"([^"\n]{0,190})"')
# Straight single quotes only around short Chinese text ('涂脂抹粉'), never across Latin words, so
# an apostrophe (Xi'an, it's) is not taken for a quotation mark.
ASCII_SINGLE_QUOTE_RUN = re.compile(r"'([^'\nA-Za-z]{1,60})'")


def check_halfwidth(text: str) -> list[f.Finding]:
    out = []
    for match in HALFWIDTH.finditer(text):
        group = next(number for number in (1, 2, 3, 4) if match.group(number))
        mark = match.group(group)
        pos = match.start(group)
        if mark == "." and pos + 1 < len(text) and text[pos + 1].isdigit():
            continue
        if group == 4 and not _chinese_before(text, pos):
            continue  # 'He said "hello".' or 'up 5%.' ends an English sentence
        out.append(
            f.make(
                pos,
                pos + 1,
                f.PUNCTUATION,
                f.WARN,
                f"punct.halfwidth{mark}",
                rule="punct.halfwidth",
                suggestion=HALF_TO_FULL[mark],
                mark=mark,
            )
        )
    for match in ASCII_BRACKETS.finditer(text):
        before = text[match.start() - 1 : match.start()]
        inner = match.group(1)
        # Half-width brackets are fine around Latin text; flag them when Chinese is inside and around.
        if re.match(rf"[{HAN}]", before) or re.fullmatch(rf"[{HAN}\d，、：；。·\s]+", inner):
            out.append(
                f.make(
                    match.start(),
                    match.end(),
                    f.PUNCTUATION,
                    f.WARN,
                    "punct.ascii_brackets",
                    suggestion=f"（{inner}）",
                )
            )
    out.extend(check_ascii_quotes(text))
    return out


def _chinese_before(text: str, pos: int) -> bool:
    """Is the clause before ``pos`` Chinese (a Chinese character among the last few before the mark)?"""
    window = text[max(0, pos - 12) : pos].rsplit("\n", 1)[-1]
    return re.search(f"[{HAN}]", window) is not None


def check_ascii_quotes(text: str) -> list[f.Finding]:
    """Straight double quotes around Chinese text ("双减") should be Chinese quotation marks."""
    out = []
    offset = 0
    for line in text.split("\n"):
        for mark, pattern, opener, closer in (
            ('"', ASCII_QUOTE_RUN, "“", "”"),
            ("'", ASCII_SINGLE_QUOTE_RUN, "‘", "’"),
        ):
            if mark not in line:
                continue
            for match in pattern.finditer(line):
                inner = match.group(1)
                if re.search(f"[{HAN}]", inner):
                    out.append(
                        f.make(
                            offset + match.start(),
                            offset + match.end(),
                            f.PUNCTUATION,
                            f.WARN,
                            "punct.ascii_quotes" if mark == '"' else "punct.ascii_single_quotes",
                            suggestion=f"{opener}{inner}{closer}",
                        )
                    )
        offset += len(line) + 1
    return out


# --- doubled words ---------------------------------------------------------------------------
FUNCTION_CHARS = "的了是在和与对把被及并也就都而或向从于为以其之这那着过吗呢吧啊"
FUNCTION_WORDS = (
    "我们 他们 她们 它们 你们 已经 但是 因为 所以 以及 并且 而且 如果 进行 通过 对于 关于 目前 同时 "
    "今年 这些 那些 可以 就是 正在 一些 表示 认为 据悉 记者 其中 然后 还要 以来"
).split()
DOUBLED = re.compile(
    "(" + "|".join(sorted(FUNCTION_WORDS, key=len, reverse=True)) + f"|[{FUNCTION_CHARS}])\\1"
)
# Legitimate words and idioms containing a doubled function character.
DOUBLED_OK = (
    "不了了之",
    "是是非非",
    "和和气气",
    "和和美美",
    "实实在在",
    "自自在在",
    "对对碰",
    "对对联",
    "过过瘾",
    "的的确确",
    "了了之",
    "着着实实",
)


def check_doubled(text: str) -> list[f.Finding]:
    out = []
    for match in DOUBLED.finditer(text):
        start, end = match.span()
        word = match.group(1)
        if any(_covers(text, start, end, ok) for ok in DOUBLED_OK):
            continue
        if len(word) == 1 and start > 0 and text[start - 1] == text[start - 2 : start - 1] != "":
            continue  # AABB reduplication: 实实在在, 明明白白
        if len(word) == 1 and text[end : end + 1] == word:
            continue  # three or more in a row is deliberate (哈哈哈, quoted stammer)
        if not _standalone_twice(text, start, len(word)):
            continue  # 为了|了解, 与|与会, 是|是否, 对|对方: the second one starts another word
        out.append(f.make(start, end, f.DOUBLED, f.WARN, f.DOUBLED, suggestion=word, term=match.group()))
    return out


def _standalone_twice(text: str, start: int, size: int) -> bool:
    """Does jieba cut the clause into ``word`` + ``word`` at ``start``?"""
    import jieba

    lo = max(0, start - 8)
    hi = min(len(text), start + 2 * size + 8)
    boundaries = set()
    offset = lo
    for token in jieba.lcut(text[lo:hi]):
        boundaries.add(offset)
        offset += len(token)
    boundaries.add(offset)
    return {start, start + size, start + 2 * size} <= boundaries


def _covers(text: str, start: int, end: int, word: str) -> bool:
    lo = max(0, start - len(word) + 1)
    index = text.find(word, lo, end + len(word) - 1)
    return index != -1 and index <= start and index + len(word) >= end


# --- digits ----------------------------------------------------------------------------------
FULLWIDTH_DIGITS = re.compile("[０-９]+(?:[．.][０-９]+)?")
HALFWIDTH_DIGIT = re.compile("[0-9]")
TO_HALF = str.maketrans("０１２３４５６７８９．", "0123456789.")


def check_digits(text: str) -> list[f.Finding]:
    out = []
    mixed = HALFWIDTH_DIGIT.search(text) is not None
    for match in FULLWIDTH_DIGITS.finditer(text):
        run = match.group()
        out.append(
            f.make(
                match.start(),
                match.end(),
                f.DIGITS,
                f.WARN if mixed else f.INFO,
                f.DIGITS if mixed else "digits.only",
                suggestion=run.translate(TO_HALF),
                term=run,
                half=run.translate(TO_HALF),
            )
        )
    return out


# --- traditional characters ------------------------------------------------------------------
_converter = None
_conv_lock = threading.Lock()
# Characters OpenCC's t2s changes that are also correct simplified characters in common words
# (surnames, 乾坤, 瞭望 …); they are flagged only inside a run of other traditional characters.
AMBIGUOUS = set("乾著瞭於餘鍾夥麽么藉蘋隻纔祇閒甦唸囉嚮覆噁")


def _t2s():
    global _converter
    if _converter is None:
        with _conv_lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def check_traditional(text: str) -> list[f.Finding]:
    converted = _t2s().convert(text)
    out = []
    if len(converted) != len(text):
        # OpenCC never changes lengths for t2s today; if it ever does, compare line by line.
        return _traditional_by_line(text)
    i = 0
    n = len(text)
    while i < n:
        if text[i] == converted[i]:
            i += 1
            continue
        j = i
        while j < n and text[j] != converted[j]:
            j += 1
        run = text[i:j]
        if not all(c in AMBIGUOUS for c in run):
            out.append(
                f.make(i, j, f.TRADITIONAL, f.WARN, f.TRADITIONAL, suggestion=converted[i:j], term=run)
            )
        i = j
    return out


def _traditional_by_line(text: str) -> list[f.Finding]:
    out = []
    offset = 0
    for line in text.split("\n"):
        converted = _t2s().convert(line)
        if converted != line and len(converted) == len(line):
            for finding in check_traditional(line):
                out.append(
                    f.Finding(
                        finding.start + offset,
                        finding.end + offset,
                        finding.category,
                        finding.severity,
                        finding.message,
                        finding.suggestion,
                        finding.rule,
                        finding.params,
                    )
                )
        offset += len(line) + 1
    return out


# --- dates -----------------------------------------------------------------------------------
CN_NUM = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "十": 10,
}
NUM = "[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}"
YEAR = "[0-9０-９]{4}|[〇零一二三四五六七八九]{4}"
DATE = re.compile(rf"(?:({YEAR})年)?({NUM})月(?:({NUM})[日号])?")


def _number(token: str) -> int | None:
    token = token.translate(TO_HALF)
    if token.isdigit():
        return int(token)
    if len(token) == 4 and all(c in CN_NUM for c in token):  # 二〇二六
        return int("".join(str(CN_NUM[c]) for c in token))
    if "十" in token:
        tens, _, ones = token.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        return CN_NUM.get(tens, 1) * 10 + (CN_NUM.get(ones, 0) if ones else 0)
    if len(token) == 1:
        return CN_NUM.get(token)
    return None


def check_dates(text: str) -> list[f.Finding]:
    out = []
    for match in DATE.finditer(text):
        year_s, month_s, day_s = match.groups()
        month = _number(month_s)
        if month is None:
            continue
        start, end = match.span()
        if month_s and start == match.start(2) and start > 0 and text[start - 1] in "0123456789个第每":
            continue  # part of a larger number, or a count of months (十三个月)
        if month < 1 or month > 12:
            # a bare "13月" is flagged only with a year or a day, or as a 月份/月底 …
            if year_s or day_s or text[end : end + 1] in ("份", "底", "初", "中", "末"):
                out.append(f.make(start, end, f.DATE, f.WARN, "date.month", month=month))
            continue
        if not day_s:
            continue
        day = _number(day_s)
        if day is None:
            continue
        year = _number(year_s) if year_s else None
        if (
            day < 1
            or day > 31
            or (month != 2 and day > calendar.monthrange(2001, month)[1])
            or (month == 2 and day > 29)
        ):
            out.append(f.make(start, end, f.DATE, f.WARN, "date.day", month=month, day=day))
        elif month == 2 and day == 29 and year and not calendar.isleap(year):
            out.append(f.make(start, end, f.DATE, f.WARN, "date.leap", year=year))
    return out
