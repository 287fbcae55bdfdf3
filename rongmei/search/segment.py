"""Chinese word segmentation for the search index and for search queries.

Both sides use jieba in search-engine mode (``cut_for_search``) with the HMM new-word finder
switched off: a long word is indexed together with the dictionary words inside it
(新闻发布会 → 新闻 发布 发布会 新闻发布会), and text jieba does not know stays as single characters
on both sides, so a query is segmented exactly the way the same words are segmented in a story.

The tokenizer loads its dictionary (about 0.8 s, ~95 MB) once per process, on first use, from
the files shipped inside the jieba package; nothing is downloaded. When rjieba (jieba-rs: the same
algorithm and dictionary, compiled) is installed it cuts the text instead, ~6× faster with the
same tokens (``segmenter_name``; docs/decisions/0027-search-at-a-million.md).
"""

import functools
import html
import logging
import multiprocessing
import os
import re
import threading
import unicodedata

from django.utils.html import strip_tags

#: Queries are cut to this many characters before segmentation. A longer "query" is a pasted
#: paragraph, not a search; 100 characters is several sentences of Chinese.
QUERY_MAX_CHARS = 100

_TAG_RE = re.compile(r"</?[a-zA-Z][^>]*>|<!--")
# A token is kept when it holds at least one letter or digit (CJK characters are letters).
_WORDISH_RE = re.compile(r"[^\W_]")
# Characters that would break the quoting of a full-text query; jieba never puts them inside a
# word, but a token is cleaned anyway so no query can smuggle syntax through.
_QUOTE_RE = re.compile(r"[\"'\\]")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")

_lock = threading.Lock()
_tokenizer = None


def get_tokenizer():
    """The process-wide jieba tokenizer, loaded on first use."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                # jieba logs "Building prefix dict…" and timings on every load.
                logging.getLogger("jieba").setLevel(logging.WARNING)
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                _tokenizer = tokenizer
    return _tokenizer


def plain_text(text: str) -> str:
    """Rich text (HTML) to plain text; plain text is returned unchanged apart from entities."""
    if not text:
        return ""
    if _TAG_RE.search(text):
        # Block ends become spaces so words of adjacent paragraphs do not run together.
        text = re.sub(r"(?i)<br\s*/?>|</(p|h[1-6]|li|blockquote|div)>", " ", text)
        text = strip_tags(text)
    return html.unescape(text)


def _normalise(text: str) -> str:
    # Full-width Latin letters and digits (ＧＤＰ, ２０２４) become their ASCII forms.
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=200_000)
def _clean_token(token: str) -> str:
    # Cached: a story's tokens are mostly dictionary words seen many times before, and cleaning
    # each one with two regular expressions was ~15 % of segmenting.
    token = _QUOTE_RE.sub("", token.strip().lower())
    return token if _WORDISH_RE.search(token) else ""


#: Which implementation cuts the text: None picks rjieba (jieba-rs: jieba's algorithm and
#: dictionary in Rust, ~6× faster, the same tokens; tests compare them) when it is installed and
#: jieba otherwise; "jieba" or "rjieba" forces one (settings.RONGMEI_SEARCH_SEGMENTER).
_forced_segmenter = None
_chosen = None


def segmenter_name() -> str:
    """ "rjieba" or "jieba": what ``segment_for_index`` and ``query_groups`` use in this process."""
    global _chosen
    wanted = _forced_segmenter
    if wanted is None:
        try:
            from django.conf import settings

            wanted = getattr(settings, "RONGMEI_SEARCH_SEGMENTER", None)
        except ImportError:  # pragma: no cover - Django is always there in the project
            wanted = None
    if wanted in ("jieba", "rjieba"):
        return wanted
    if _chosen is None:
        try:
            import rjieba  # noqa: F401
        except ImportError:
            _chosen = "jieba"
        else:
            _chosen = "rjieba"
    return _chosen


class using_segmenter:
    """Context manager (tests, the benchmark): force "jieba" or "rjieba", or None to choose again."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        global _forced_segmenter, _chosen
        self.saved = (_forced_segmenter, _chosen)
        _forced_segmenter, _chosen = self.name, None
        return self

    def __exit__(self, *exc):
        global _forced_segmenter, _chosen
        _forced_segmenter, _chosen = self.saved


def _raw_tokens(text: str):
    if segmenter_name() == "rjieba":
        import rjieba

        return rjieba.cut_for_search(text, False)
    return get_tokenizer().cut_for_search(text, HMM=False)


def _cut(text: str):
    # map() and filter() run the cached cleaning in C: a generator here cost a Python frame per
    # token, a tenth of a story's indexing time.
    return filter(None, map(_clean_token, _raw_tokens(text)))


def segment_for_index(text: str) -> str:
    """The text to store in the full-text index: segmented tokens joined by spaces.

    HTML is stripped first; tokens are lower-cased; punctuation-only tokens are dropped; Latin
    words and numbers are kept as they are.
    """
    text = _normalise(plain_text(text or ""))
    if not text.strip():
        return ""
    return " ".join(_cut(text))


#: ``segment_many`` hands texts to worker processes only when there are at least this many: a
#: single save segments inline; a rebuild's batches (hundreds of stories) go to the pool.
PARALLEL_MIN_TEXTS = 64


def default_workers() -> int:
    """Worker processes for a batch: settings.RONGMEI_SEARCH_INDEX_WORKERS, else one per CPU with
    jieba, and one (no pool) with rjieba, which segments a story in ~0.2 ms: about what handing
    the text to another process and back costs (bench/search.py compares the four)."""
    from django.conf import settings

    configured = getattr(settings, "RONGMEI_SEARCH_INDEX_WORKERS", None)
    if configured is None:
        if segmenter_name() == "rjieba":
            return 1
        configured = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, int(configured or 1))


def _forked_pool(workers: int):
    """A pool of ``workers`` forked processes for one batch; the caller closes it (``with``).

    Not kept between batches: a pool that outlives its batch holds copies of every file the
    process had open when it forked (a subprocess's pipes among them: a Playwright or ffmpeg
    child then never sees its input close and never exits). Forking per batch costs a few
    milliseconds against the hundreds of stories a batch segments.
    """
    # Load the dictionary first: the forked workers share its memory instead of each loading it
    # (0.8 s, ~95 MB). The workers only segment text; they never touch the database.
    _raw_tokens("北京")
    return multiprocessing.get_context("fork").Pool(workers)


def segment_many(texts, *, workers=None, min_parallel=PARALLEL_MIN_TEXTS) -> list[str]:
    """``segment_for_index`` of each text, in order, in ``workers`` processes when there are many.

    jieba is pure Python and holds the GIL: segmenting is most of a rebuild's time, and only more
    processes make it faster (bench/search.py; docs/decisions/0027-search-at-a-million.md).
    """
    texts = list(texts)
    if workers is None:
        workers = default_workers()
    if workers <= 1 or len(texts) < max(min_parallel, 2):
        return [segment_for_index(text) for text in texts]
    chunksize = max(1, min(64, len(texts) // (workers * 4)))
    with _forked_pool(workers) as pool:
        return pool.map(segment_for_index, texts, chunksize)


def truncate_query(text: str) -> tuple[str, bool]:
    """The query cut to ``QUERY_MAX_CHARS`` characters, and whether it was cut."""
    text = (text or "").strip()
    if len(text) > QUERY_MAX_CHARS:
        return text[:QUERY_MAX_CHARS].strip(), True
    return text, False


def _is_single_cjk(token: str) -> bool:
    return len(token) == 1 and bool(_CJK_RE.match(token))


def query_groups(text: str) -> list[list[str]]:
    """The query as groups of tokens; every group must match, the groups are ANDed.

    A group of one token matches that token. A group of several tokens is a run of single Chinese
    characters jieba could not join into a word (e.g. 京出): they must appear next to each other,
    as a phrase, so 京出 does not match a story that has 京 and 出 in unrelated places. Words
    separated by spaces in the query are segmented separately. The query is cut to
    ``QUERY_MAX_CHARS`` characters first.
    """
    text, _truncated = truncate_query(text)
    text = _normalise(plain_text(text))
    groups: list[list[str]] = []
    seen: set[tuple[str, ...]] = set()

    def add(group):
        key = tuple(group)
        if key not in seen:
            seen.add(key)
            groups.append(list(group))

    for part in text.split():
        run: list[str] = []
        for token in _cut(part):
            if _is_single_cjk(token):
                run.append(token)
                continue
            if run:
                add(run)
                run = []
            add([token])
        if run:
            add(run)
    return groups


def segment_query(text: str) -> list[str]:
    """The query's tokens, segmented like the index (see ``query_groups`` for how they match)."""
    tokens: list[str] = []
    for group in query_groups(text):
        for token in group:
            if token not in tokens:
                tokens.append(token)
    return tokens


def highlight_terms(text: str) -> list[str]:
    """The strings to mark in a result: each word of the query, each single-character run joined."""
    terms = ["".join(group) for group in query_groups(text)]
    longer = [term for term in terms if len(term) > 1]
    # A lone single character (的, 在 …) would light up half a page; mark it only when the query
    # has nothing longer.
    return longer or terms
