"""People: one person's name spelt two ways in a story, and names used with the wrong title."""

import re
import threading

from . import findings as f
from .bundle import Compiled, load_table

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车"
    "项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲"
    "虞敖巩明佘池查麻苑迟邝"
)
HAN = re.compile("[\u4e00-\u9fff]")
_groups_lock = threading.Lock()
_similar: dict[str, frozenset[str]] | None = None


def _similar_chars() -> dict[str, frozenset[str]]:
    global _similar
    if _similar is None:
        with _groups_lock:
            table: dict[str, set[str]] = {}
            for group, *_rest in load_table("name_homophones.tsv"):
                for char in group:
                    table.setdefault(char, set()).update(c for c in group if c != char)
            _similar = {char: frozenset(others) for char, others in table.items()}
    return _similar


def check_name_consistency(text: str, tag) -> list[f.Finding]:
    """``tag(text, start, end)`` says whether jieba tags text[start:end] as one person name."""
    similar = _similar_chars()
    seen: dict[str, list[int]] = {}
    for i, char in enumerate(text[:-2]):
        if char in SURNAMES and HAN.match(text[i + 1]) and HAN.match(text[i + 2]):
            seen.setdefault(text[i : i + 3], []).append(i)
    out = []
    done = set()
    for name, positions in seen.items():
        for j in (1, 2):
            for other_char in similar.get(name[j], ()):
                other = name[:j] + other_char + name[j + 1 :]
                if other not in seen or frozenset((name, other)) in done:
                    continue
                done.add(frozenset((name, other)))
                if not (_is_name(text, name, positions, tag) and _is_name(text, other, seen[other], tag)):
                    continue
                # Flag the rarer spelling; on a tie, the one that appears later.
                a, b = (name, other)
                if (len(seen[a]), -seen[a][0]) > (len(seen[b]), -seen[b][0]):
                    keep, odd = a, b
                else:
                    keep, odd = b, a
                for pos in seen[odd]:
                    out.append(
                        f.make(pos, pos + 3, f.NAME, f.WARN, f.NAME, suggestion=keep, term=odd, other=keep)
                    )
    return out


def _is_name(text, name, positions, tag) -> bool:
    return any(tag(text, pos, pos + 3) for pos in positions[:3])


TITLE_FOLLOW = set("在说表示指出强调出席主持一行等、和与同志对到来带领率参加讲话介绍要求提出，。；：“）")


def check_titles(text: str, matchers: Compiled, extra_titles: frozenset[str]) -> list[f.Finding]:
    if matchers.people_matcher is None:
        return []
    vocabulary = extra_titles | {t for titles in matchers.people.values() for t in titles}
    longest = max(len(t) for t in vocabulary)
    out = []
    for index, start, end in matchers.people_matcher.find_matches_as_indexes(text):
        name = matchers.people_names[index]
        expected = matchers.people[name]
        found = None
        for length in range(min(longest, len(text) - end), 0, -1):
            if text[end : end + length] in vocabulary:
                found = (end, end + length)
                break
        if found is None:
            if len(name) == 2 and end < len(text) and HAN.match(text[end]) and text[end] not in TITLE_FOLLOW:
                continue  # probably a longer name that starts with this one (张三丰)
            for length in range(min(longest, start), 0, -1):
                if text[start - length : start] in vocabulary:
                    found = (start - length, start)
                    break
        if found is None:
            continue
        title = text[found[0] : found[1]]
        if title in expected:
            continue
        # A short form of the listed title is fine (书记 for 区委书记), a deputy one is not.
        preceded_by_deputy = text[found[0] - 1 : found[0]] == "副"
        if not title.startswith("副") and not preceded_by_deputy and any(e.endswith(title) for e in expected):
            continue
        ordered = sorted(expected)
        out.append(
            f.make(
                found[0],
                found[1],
                f.TITLE,
                f.WARN,
                f.TITLE,
                suggestion=ordered[0] if len(ordered) == 1 else None,
                name=name,
                expected="、".join(ordered),
                found=title,
            )
        )
    return out


def default_titles() -> frozenset[str]:
    return frozenset(row[0] for row in load_table("titles.tsv") if row and row[0])
