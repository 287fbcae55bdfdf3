"""的/地/得: the structural particles, decided from the neighbouring words.

Only clear patterns are flagged (precision first):
- 的 → 地: manner word + 的 + verb, with a left context that makes it a predicate (a modal or an
  adverb before it) or a right context that does (了/着/过, a directional complement, an object);
- 的/地 → 得: verb + 的/地 + degree adverb (很, 非常, …) + adjective, or a one-character verb +
  的 + adjective at the end of a clause;
- 地 → 的: a noun or adjective + 地 + a noun ending the phrase.
jieba's part-of-speech tagger is slow, so it runs only on the clause around a 的/地 that a cheap
dictionary look-up marks as a candidate.
"""

import re
import threading

from . import findings as f

PARTICLE = re.compile("[的地]")
BREAKS = set("，。；！？、：“”‘’「」『』《》（）【】()\n\r\t ,.;!?:…—")
WINDOW = 14

MANNER = frozenset(
    """积极 认真 深入 全面 扎实 努力 大力 不断 逐步 稳步 切实 有效 充分 主动 高效 有序 精准 仔细
    热情 耐心 悄悄 慢慢 紧紧 牢牢 默默 静静 激动 兴奋 高兴 愉快 坚定 不停 飞快 迅速 快速 顺利 圆满
    合理 依法 严格 细致 亲切 热烈 广泛 持续 稳妥 审慎 妥善 及时 尽快 深刻 清醒 自觉 轻松 开心 欣喜
    满意 清楚 明显 大幅 显著 集中 统一 高度 认认真真 踏踏实实 扎扎实实 仔仔细细 高高兴兴 稳稳 缓缓
    渐渐 轻轻 深深 好好 狠狠 偷偷 暗暗 匆匆 紧张 小心 反复 逐一 一一 公开 勇敢 果断 坚决 彻底 全力
    尽力 用心 精心 悉心 细心 专心 诚恳 真诚 热心 顽强 勤奋 耐心细致 井然有序 有条不紊 不约而同
    兴致勃勃 津津有味 争先恐后 小心翼翼 全力以赴 一步步 一点点 默默无闻 悄无声息 大踏步 自发
    生动 详细 形象 深情 动情 清晰 准确 完整 系统 具体 客观 如实 密切 紧密 有力 不懈 坦率 郑重
    """.split()
)
MODALS = frozenset(
    """要 应 应该 应当 必须 能 能够 会 将 正在 已经 已 都 也 还 更 又 仍 仍然 在 就 才 均 一直 始终 正
    再 需要 需 可以 可 敢 愿意 想 继续 坚持 纷纷 不仅 并 便 只 只有 总是 经常 常常 依然 共同 一起 一同
    """.split()
)
NOMINALISERS = frozenset(
    "进行 开展 作出 做出 给予 受到 得到 加以 经过 通过 予以 展开 提供 获得 赢得 有 是".split()
)
DEGREE = (
    "非常",
    "十分",
    "特别",
    "格外",
    "极其",
    "相当",
    "更加",
    "越来越",
    "极为",
    "异常",
    "尤为",
    "很",
    "太",
    "挺",
)
NOT_DEGREE = frozenset("很多 很少 更多 更少 太多 太少 非常多 特别多 十分多".split())
DIRECTIONAL = frozenset("起来 下去 进来 出来 上来 过来 下来 进去 出去 起 到 在 好 完 成".split())
ASPECT = ("ul", "uz", "ug")  # 了 着 过
VERB_BLOCK = frozenset("是 有 为 像 叫 姓 让 被 在 给".split())

_pseg = None
_lock = threading.Lock()


def _tagger():
    global _pseg
    if _pseg is None:
        with _lock:
            if _pseg is None:
                import jieba
                import jieba.posseg

                jieba.setLogLevel(60)
                jieba.posseg.dt.initialize()
                _pseg = jieba.posseg
    return _pseg


def _tag_table():
    return _tagger().dt.word_tag_tab


def _clause(text: str, pos: int) -> tuple[int, int]:
    start = pos
    while start > 0 and pos - start < WINDOW and text[start - 1] not in BREAKS:
        start -= 1
    end = pos + 1
    while end < len(text) and end - pos < WINDOW and text[end] not in BREAKS:
        end += 1
    # keep the punctuation mark that ends the clause: “说：” tells a verb from a noun
    return start, min(end + 1, len(text))


def _candidate(text: str, pos: int, table) -> bool:
    """A cheap dictionary look-up: could this 的/地 be one of the patterns at all?"""
    after = text[pos + 1 : pos + 5]
    if after.startswith(DEGREE):
        return True
    char = text[pos]
    for length in (4, 3, 2, 1):
        tag = table.get(after[:length])
        if tag is None:
            continue
        if char == "的" and tag.startswith("v"):
            return True
        if char == "地" and tag.startswith("n"):
            return True
    if char == "的" and "了" in after[1:3]:
        return True  # 认真的记录了: a noun-tagged word used as a verb
    if char == "的":
        # one-character verb + 的 + adjective at a clause end
        before = text[pos - 1 : pos]
        return table.get(before, "").startswith("v") and table.get(after[:1], "") == "a"
    return False


def _is_degree(word: str) -> bool:
    return word.startswith(DEGREE) and word not in NOT_DEGREE


def _is_verb(tok, following) -> bool:
    """A verb by its tag, by an aspect marker after it (记录了), or an idiom that starts with one."""
    word, flag = tok
    if flag in ("v", "vd", "vi"):
        return True
    if flag in ("n", "vn") and following is not None and following[1] in ASPECT:
        return True
    if flag in ("l", "i") and len(word) >= 4:
        return _tag_table().get(word[:2], "").startswith("v")
    return False


def _is_break(tok) -> bool:
    return tok is None or tok[1] == "x" or tok[0] in BREAKS


def _is_manner(tok) -> bool:
    word, flag = tok
    return word in MANNER or flag in ("ad", "z") or (flag == "d" and len(word) >= 2 and word not in MODALS)


def check_particles(text: str) -> list[f.Finding]:
    out = []
    table = None
    for match in PARTICLE.finditer(text):
        pos = match.start()
        if table is None:
            table = _tag_table()
        if not _candidate(text, pos, table):
            continue
        start, end = _clause(text, pos)
        tokens = []
        offset = start
        for pair in _tagger().cut(text[start:end]):
            tokens.append((pair.word, pair.flag, offset))
            offset += len(pair.word)
        index = next((i for i, t in enumerate(tokens) if t[2] == pos and t[0] == match.group()), None)
        if index is None:
            continue  # the particle is part of a word (目的, 的确, 地方 …)
        toks = [(w, fl) for w, fl, _ in tokens]

        def at(i, toks=toks):
            return toks[i] if 0 <= i < len(toks) else None

        finding = _decide(match.group(), at(index - 2), at(index - 1), at(index + 1), at(index + 2))
        if finding:
            key, suggestion = finding
            out.append(
                f.make(
                    pos,
                    pos + 1,
                    f.CONFUSABLE,
                    f.WARN,
                    key,
                    suggestion=suggestion,
                    rule=f"particle.{key}",
                    term=text[max(start, pos - 2) : pos + 3],
                )
            )
    return out


def _decide(char, prev2, prev, nxt, nxt2):
    if prev is None or nxt is None:
        return None
    if char == "的":
        # verb + 的 + degree adverb (+ adjective): complement, 得
        if prev[1] == "v" and prev[0] not in VERB_BLOCK and len(prev[0]) <= 2 and _is_degree(nxt[0]):
            if (prev2 is None or prev2[0] != "所") and (nxt2 is None or nxt2[0] != "的"):
                return "de.de", "得"
        if (
            prev[1] == "v"
            and len(prev[0]) == 1
            and prev[0] not in VERB_BLOCK
            and nxt[1] == "a"
            and _is_break(nxt2)
            and (prev2 is None or prev2[0] != "所")
        ):
            return "de.de", "得"
        # manner word + 的 + verb: adverbial, 地
        if _is_manner(prev) and _is_verb(nxt, nxt2) and nxt[0] not in VERB_BLOCK:
            if prev2 is not None and not _is_break(prev2):
                if prev2[0] in NOMINALISERS or prev2[1] in ("m", "q", "mq", "uj", "ul", "p", "f"):
                    return None
                if prev2[1].startswith("v") and prev2[0] not in MODALS:
                    return None
            if nxt2 is not None and nxt2[0] == "的":
                return None
            strong_left = prev2 is not None and (prev2[0] in MODALS or prev2[1] == "d")
            strong_right = nxt2 is not None and (
                nxt2[1] in ASPECT
                or nxt2[0] in ("：", ":")  # a verb introducing a quotation
                or nxt2[0] in DIRECTIONAL
                or nxt2[1] in ("n", "nr", "ns", "nt", "nz", "r", "vn")
            )
            if strong_left or strong_right:
                return "de.di", "地"
        return None
    # 地
    if prev[1] == "v" and len(prev[0]) <= 2 and _is_degree(nxt[0]):
        return "de.de", "得"
    if (
        nxt[1] in ("n", "nz")
        and not _is_manner(prev)
        and prev[1] in ("r", "a", "an", "n", "ns", "b")
        and (_is_break(nxt2) or nxt2[1] in ("uj", "c") or nxt2[0] in ("是", "和", "与"))
    ):
        return "di.de", "的"
    return None
