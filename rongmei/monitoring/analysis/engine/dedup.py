"""Exact and near-duplicate grouping: one story reprinted by 40 sites is one group of 40 sightings.

Exact: the normalised URL (``rongmei.core.weburls.url_key``) and the content hash of the dedup form.
Near: MinHash over character shingles of ``normalize.for_dedup`` text, LSH banding to find
candidates, then a check of every candidate on the full signature:

- estimated Jaccard ≥ ``jaccard`` (edited copies, a changed headline, a source line added), or
- estimated containment of the smaller text in the larger ≥ ``containment`` (truncated copies),
  when both texts have at least ``min_shingles`` shingles, so a short generic post is not
  "contained" in every long story.

Estimates within ``MARGIN`` of a threshold are checked on the exact shingle sets when both are in
memory (documents added with their text).

A new document joins the group of its most similar verified candidate (first-seen member = the
group id); groups are never merged, which keeps precision when a later text resembles two
stories. Signatures are plain numpy arrays serialisable to bytes (``Signature.to_bytes``), so an
index can be rebuilt from a database column with ``DedupIndex.add_signature`` in first-seen order.
The hashing is ours (see docs/decisions/0008), so stored signatures stay valid across library
upgrades.
"""

import struct
from dataclasses import dataclass, field

import numpy as np

from rongmei.core.weburls import url_key

from . import normalize

SHINGLE = 3  # characters; see docs/decisions/0008 for the measurements behind these defaults
NUM_PERM = 128
BANDS = 32
ROWS = 4  # BANDS * ROWS of the NUM_PERM values feed LSH; all NUM_PERM verify
JACCARD = 0.45
CONTAINMENT = 0.75
MIN_SHINGLES = 20
# Estimates this close to a threshold are checked exactly when both shingle sets are at hand.
MARGIN = 0.12
# A new member this close to an indexed one adds no recall; not indexing its bands saves memory.
SKIP_INDEX_ABOVE = 0.90

_SEED = 20261126
_rng = np.random.default_rng(_SEED)
# h_i(x) = (a_i * x + b_i) mod 2**32, a_i odd, over x = a well-mixed 32-bit shingle hash: a
# permutation of 32-bit values per i. Measured against exact Jaccard on edited copies it is
# as unbiased as 64-bit multiply-shift (sd 0.035 vs 0.038 at 128 values) and twice as fast.
_A = _rng.integers(1, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32) | np.uint32(1)
_B = _rng.integers(0, 2**32, size=NUM_PERM, dtype=np.uint64).astype(np.uint32)
_BAND_MIX = _rng.integers(1, 2**63 - 1, size=(BANDS, ROWS), dtype=np.uint64) | np.uint64(1)
_BAND_SALT = _rng.integers(0, 2**63 - 1, size=BANDS, dtype=np.uint64)
_SHINGLE_BASE = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_EMPTY = np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)

_FORMAT = struct.Struct("<BBHI")  # version, shingle size, number of permutations, shingle count
_VERSION = 1


@dataclass(frozen=True, slots=True, eq=False)
class Signature:
    values: np.ndarray = field(repr=False)  # uint32[NUM_PERM]
    size: int  # distinct shingles in the text
    shingle: int = SHINGLE

    def to_bytes(self) -> bytes:
        return (
            _FORMAT.pack(_VERSION, self.shingle, len(self.values), self.size)
            + self.values.astype("<u4").tobytes()
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> "Signature":
        if len(data) < _FORMAT.size:
            raise ValueError("signature too short")
        version, shingle, perms, size = _FORMAT.unpack_from(data)
        if version != _VERSION or len(data) != _FORMAT.size + 4 * perms:
            raise ValueError(f"unsupported signature (version {version}, {len(data)} bytes)")
        values = np.frombuffer(data, dtype="<u4", offset=_FORMAT.size).astype(np.uint32)
        return cls(values=values, size=size, shingle=shingle)

    def jaccard(self, other: "Signature") -> float:
        if not self.size or not other.size:
            return 0.0
        return float(np.count_nonzero(self.values == other.values)) / len(self.values)


def shingle_hashes(dedup_text: str, k: int = SHINGLE) -> np.ndarray:
    """Distinct 32-bit hashes (sorted) of the character k-grams of an already normalised text.

    32 bits are plenty for sets of ~100–2,000 shingles and halve the memory of the exact check.
    """
    if not dedup_text:
        return np.empty(0, dtype=np.uint32)
    codes = np.frombuffer(dedup_text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < k:
        k = len(codes)
    # Polynomial hash over k consecutive code points (uint64 arithmetic wraps, as intended).
    acc = codes[: len(codes) - k + 1].copy()
    for j in range(1, k):
        acc = acc * _SHINGLE_BASE + codes[j : len(codes) - k + 1 + j]
    acc ^= acc >> np.uint64(31)
    acc *= _MIX
    acc ^= acc >> np.uint64(29)
    return np.unique((acc >> np.uint64(32)).astype(np.uint32))


def signature_of_hashes(hashes: np.ndarray) -> Signature:
    if not len(hashes):
        return Signature(values=_EMPTY.copy(), size=0)
    mixed = np.multiply.outer(hashes, _A)  # uint32 arithmetic wraps: mod 2**32 by design
    mixed += _B
    return Signature(values=mixed.min(axis=0), size=len(hashes))


def signature(text: str, *, normalized: bool = False) -> Signature:
    """MinHash signature of ``text`` (``normalized=True`` when it is already ``for_dedup`` form)."""
    return signature_of_hashes(shingle_hashes(text if normalized else normalize.for_dedup(text)))


def band_keys(values: np.ndarray) -> list[int]:
    rows = values[: BANDS * ROWS].astype(np.uint64).reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):
        keys = (rows * _BAND_MIX).sum(axis=1, dtype=np.uint64) + _BAND_SALT
    return keys.tolist()


@dataclass(frozen=True, slots=True)
class Sighting:
    """Where ``add`` put a document."""

    doc_id: object
    group_id: object  # the id of the group's first-seen member
    new_group: bool
    reason: str  # "new", "url", "hash" or "near"
    similarity: float  # to the member it matched (1.0 for url/hash, 0.0 for a new group)
    matched: object = None  # the member it matched
    signature: Signature | None = field(default=None, repr=False)


class DedupIndex:
    """Incremental grouping. Not thread-safe: one index per worker process, fed in time order."""

    def __init__(
        self,
        *,
        jaccard: float = JACCARD,
        containment: float = CONTAINMENT,
        min_shingles: int = MIN_SHINGLES,
    ):
        self.jaccard = jaccard
        self.containment = containment
        self.min_shingles = min_shingles
        self._ids: list = []  # internal index -> external id
        self._index_of: dict = {}  # external id -> internal index
        self._group: list[int] = []  # internal index -> internal index of the group's first member
        self._exact: list = []  # internal index -> sorted uint32 shingle hashes, or None
        self._sigs = np.empty((1024, NUM_PERM), dtype=np.uint32)
        self._size_array = np.empty(1024, dtype=np.float64)  # shingles per document
        self._bands: dict[int, int | list[int]] = {}
        self._by_url: dict[str, int] = {}
        self._by_hash: dict[str, int] = {}
        self.group_sizes: dict[object, int] = {}

    def __len__(self) -> int:
        return len(self._ids)

    # --- adding ---------------------------------------------------------------------------------

    def add(self, doc_id, text: str, *, url: str | None = None, matching: str | None = None) -> Sighting:
        """Group one document (title and body as one text) and remember it.

        ``matching`` may pass ``normalize.for_matching(text)`` when the caller already has it.
        """
        key = url_key(url) if url else None
        if key is not None and key in self._by_url:
            return self._join_exact(doc_id, self._by_url[key], "url", key, None)
        if matching is None:
            matching = normalize.for_matching(text)
        dedup_text = normalize.dedup_from_matching(matching)
        digest = normalize.content_hash_of_dedup(dedup_text)
        if digest in self._by_hash:
            return self._join_exact(doc_id, self._by_hash[digest], "hash", key, digest)
        hashes = shingle_hashes(dedup_text)
        sig = signature_of_hashes(hashes)
        return self._add(doc_id, sig, hashes, key, digest, None)

    def add_signature(
        self,
        doc_id,
        sig: Signature,
        *,
        url_key: str | None = None,
        content_hash: str | None = None,
        group_id=None,
    ) -> Sighting:
        """Add a document by its stored signature.

        With ``group_id`` (rebuilding from storage) the stored grouping is kept as it was; without
        it the document is grouped as ``add`` would, on signature estimates only (the shingles that
        ``add`` keeps for an exact check are not stored).
        """
        return self._add(doc_id, sig, None, url_key, content_hash, group_id)

    def _add(self, doc_id, sig: Signature, exact, url_key, content_hash, group_id) -> Sighting:
        keys = band_keys(sig.values) if sig.size else []
        best, best_sim = self._best_match(sig, keys, exact)
        if group_id is not None:
            group = self._find_group(group_id)
            new_group = group is None
        else:
            group = self._group[best] if best is not None else None
            new_group = group is None
        index = self._append(doc_id, sig, group, exact)
        if url_key is not None:
            self._by_url.setdefault(url_key, index)
        if content_hash is not None:
            self._by_hash.setdefault(content_hash, index)
        if keys and not (best is not None and best_sim >= SKIP_INDEX_ABOVE):
            self._index_bands(index, keys)
        if new_group:
            return Sighting(doc_id, doc_id, True, "new", 0.0, None, sig)
        matched = self._ids[best] if best is not None else None
        return Sighting(doc_id, self._ids[self._group[index]], False, "near", best_sim, matched, sig)

    def _join_exact(self, doc_id, other: int, reason: str, key, digest) -> Sighting:
        sig = Signature(values=self._sigs[other].copy(), size=int(self._size_array[other]))
        index = self._append(doc_id, sig, self._group[other])
        if key is not None:
            self._by_url.setdefault(key, index)
        if digest is not None:
            self._by_hash.setdefault(digest, index)
        return Sighting(doc_id, self._ids[self._group[index]], False, reason, 1.0, self._ids[other], sig)

    def _append(self, doc_id, sig: Signature, group: int | None, exact=None) -> int:
        index = len(self._ids)
        if index == len(self._sigs):
            grown = np.empty((len(self._sigs) * 2, NUM_PERM), dtype=np.uint32)
            grown[:index] = self._sigs
            self._sigs = grown
            sizes = np.empty(len(grown), dtype=np.float64)
            sizes[:index] = self._size_array[:index]
            self._size_array = sizes
        self._size_array[index] = sig.size
        self._sigs[index] = sig.values
        self._ids.append(doc_id)
        self._index_of.setdefault(doc_id, index)
        self._exact.append(exact)
        self._group.append(index if group is None else group)
        gid = self._ids[self._group[index]]
        self.group_sizes[gid] = self.group_sizes.get(gid, 0) + 1
        return index

    def _find_group(self, group_id) -> int | None:
        # Rebuilds add members in first-seen order, so the group's first member is already here.
        index = self._index_of.get(group_id)
        return None if index is None else self._group[index]

    def _index_bands(self, index: int, keys: list[int]) -> None:
        bands = self._bands
        for key in keys:
            found = bands.get(key)
            if found is None:
                bands[key] = index  # most buckets hold one document: no list for those
            elif isinstance(found, list):
                found.append(index)
            else:
                bands[key] = [found, index]

    # --- querying -------------------------------------------------------------------------------

    def _candidates(self, keys: list[int]) -> list[int]:
        seen: set[int] = set()
        bands = self._bands
        for key in keys:
            found = bands.get(key)
            if found is None:
                continue
            if isinstance(found, list):
                seen.update(found)
            else:
                seen.add(found)
        return list(seen)

    def _scores(self, sig: Signature, candidates: list[int], exact=None, *, best_only=False):
        """(indexes, similarity, verified) for the candidates, as arrays.

        The signature estimate (sd ~0.04 at 128 values) decides far from the thresholds; within
        ``MARGIN`` of them, members whose shingles are at hand are checked exactly.
        """
        cands = np.fromiter(candidates, dtype=np.int64, count=len(candidates))
        if not len(cands) or not sig.size:
            empty = np.empty(0)
            return cands, empty, empty.astype(bool)
        jac = np.count_nonzero(self._sigs[cands] == sig.values, axis=1) / NUM_PERM
        sizes = self._size_array[cands]
        threshold = self._thresholds(sizes, sig.size)
        ok = jac >= threshold
        certain = jac - MARGIN >= threshold
        # Only the best match matters: with a certain one at hand, the borderline ones need no check.
        if exact is not None and not (best_only and certain.any()):
            near = (jac + MARGIN >= threshold) & ~certain
            for pos in np.flatnonzero(near).tolist():
                other = self._exact[cands[pos]]
                if other is None:
                    continue
                inter = len(np.intersect1d(exact, other, assume_unique=True))
                jac[pos] = inter / (len(exact) + len(other) - inter)
                ok[pos] = jac[pos] >= self.jaccard or (
                    min(len(exact), len(other)) >= self.min_shingles
                    and inter >= self.containment * min(len(exact), len(other))
                )
        return cands, jac, ok

    def _thresholds(self, sizes: np.ndarray, size: int) -> np.ndarray:
        """The Jaccard each candidate needs: ``jaccard``, or less where containment decides.

        |A∩B| = J(|A|+|B|)/(1+J) ≥ c·min(|A|,|B|)  ⇔  J ≥ c·m / (|A|+|B| − c·m).
        """
        smaller = np.minimum(sizes, size)
        c_m = self.containment * smaller
        by_containment = np.where(smaller >= self.min_shingles, c_m / (sizes + size - c_m), np.inf)
        return np.minimum(self.jaccard, by_containment)

    def _best_match(self, sig: Signature, keys: list[int], exact=None) -> tuple[int | None, float]:
        if not keys:
            return None, 0.0
        cands, jac, ok = self._scores(sig, self._candidates(keys), exact, best_only=True)
        if not ok.any():
            return None, 0.0
        # Highest similarity wins; ties go to the earlier member, so a group's first copy wins.
        order = np.lexsort((cands[ok], -jac[ok]))
        return int(cands[ok][order[0]]), float(jac[ok][order[0]])

    def query(self, text: str, *, limit: int = 20) -> list[tuple[object, object, float]]:
        """Verified near-duplicates of ``text``: (doc id, group id, estimated Jaccard), best first."""
        hashes = shingle_hashes(normalize.for_dedup(text))
        sig = signature_of_hashes(hashes)
        if not sig.size:
            return []
        cands, jac, ok = self._scores(sig, self._candidates(band_keys(sig.values)), hashes)
        scored = sorted(zip(cands[ok].tolist(), jac[ok].tolist(), strict=True), key=lambda s: (-s[1], s[0]))
        return [(self._ids[i], self._ids[self._group[i]], j) for i, j in scored[:limit]]

    def group_of(self, doc_id):
        return self._ids[self._group[self._index_of[doc_id]]]


# --- reprints of our own stories -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Similarity:
    jaccard: float  # |A∩B| / |A∪B|
    containment: float  # share of the candidate's shingles found in the original
    overlap: float  # |A∩B| / min(|A|, |B|): a whole or abridged copy scores near 1
    score: float  # what to rank and threshold reprints by

    def is_reprint(self, threshold: float = 0.6) -> bool:
        return self.score >= threshold


def reprint_similarity(original: str, candidate: str, *, k: int = SHINGLE) -> Similarity:
    """Exact shingle comparison of one of our stories with a monitored item.

    A site that reprints the story whole, abridged or with its own lead paragraph keeps most of
    the candidate's or the original's shingles: ``overlap`` catches all three. Texts with fewer
    than ``MIN_SHINGLES`` shingles score by Jaccard only (a one-line post is not a reprint).
    """
    a = set(shingle_hashes(normalize.for_dedup(original), k).tolist())
    b = set(shingle_hashes(normalize.for_dedup(candidate), k).tolist())
    if not a or not b:
        return Similarity(0.0, 0.0, 0.0, 0.0)
    inter = len(a & b)
    jaccard = inter / len(a | b)
    containment = inter / len(b)
    overlap = inter / min(len(a), len(b))
    score = overlap if min(len(a), len(b)) >= MIN_SHINGLES else jaccard
    return Similarity(jaccard, containment, overlap, score)
