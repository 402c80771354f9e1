"""Sentence alignment of a Norwegian (Bokmål) source with its French translation.

The aligner is the classic dynamic programme of Gale & Church (1993): the two
sentence lists are cut into *beads* — 1-1, 1-0, 0-1, 2-1, 1-2 and 2-2 groups of
consecutive sentences — and the cheapest sequence of beads that covers both
lists, in order, wins. The cost of a bead adds up

* the Gale-Church length cost: how surprising the French character length is
  given the Norwegian one (`LENGTH_RATIO`, `LENGTH_VARIANCE`), plus a prior per
  bead kind;
* anchor agreement: numbers (canonical values from `mtqa.text.anchors.find_numbers`)
  and @handles/URLs, names (consonant skeletons of `find_names`), cognates
  (first letters of long words), and the punctuation a translation keeps —
  question and exclamation marks, quotes or dash quotes, colons. Shared anchors
  lower the cost, unmatched ones raise it, each weighted by how rare it is in
  the document;
* optionally a caller's `similarity(source_text, target_text)` in [0, 1] (for
  instance chrF of a back-translation), weighted to be the largest single term.

Merged beads (2-1, 1-2, 2-2) are judged on the sentences taken together: their
lengths are summed and their anchors pooled, which is what comparing the
concatenated texts gives; `similarity` is called with the texts joined by a space.

The search is banded: only cells within `half` sentences of the diagonal
(scaled by the two lengths) are filled, so the work is linear in the length of
the documents. If the best path comes near the edge of the band, the band is
widened and the search redone, a bounded number of times. Everything is
deterministic (ties go to the bead kind listed first in `BEAD_KINDS`).
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Sequence

from mtqa.core.document import Bead
from mtqa.text.anchors import cognate_anchors, exact_anchors, name_anchors


class _LazyNumpy:
    """numpy, imported on the first attribute looked up (then bound as `np` in this module):
    commands that only list or configure checks (mtqa checks, mtqa --help) import this module
    for its constants and never pay for numpy."""

    def __getattr__(self, name: str):
        import numpy

        globals()["np"] = numpy
        return getattr(numpy, name)


if TYPE_CHECKING:
    import numpy as np
else:
    np = _LazyNumpy()

# --- length model -----------------------------------------------------------

# French characters per Norwegian character, and the variance of
# (len_fr - LENGTH_RATIO * len_nb) / sqrt(len_nb), both measured on the 997
# human nb/fr pairs of FLORES-200 dev (../shared/data/flores200-dev, nb.txt and
# fr.txt): sum(len fr) / sum(len nb) = 1.1726, variance = 3.698 (mean nb
# sentence 127 characters, fr 149). Gale & Church's own values were 1 and 6.8.
LENGTH_RATIO = 1.173
LENGTH_VARIANCE = 3.70

# Bead kinds as (source sentences, target sentences), in tie-breaking order.
BEAD_KINDS: tuple[tuple[int, int], ...] = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


@dataclass(frozen=True)
class CostWeights:
    """Weights of the bead cost, in nats. The defaults were tuned on development
    seed 1 of scripts/bench_align.py (both document layouts; see
    docs/benchmarks/align.md) and are reported on seed 2.

    Priors are probabilities of each bead kind (Gale & Church used 0.89, 0.0099,
    0.089, 0.011). Anchor terms are per anchor; `punctuation` is per unit of
    difference in the counts of ?, !, quotes and colons.
    """

    prior_1_1: float = 0.89
    prior_null: float = 0.005  # 1-0 and 0-1, each
    prior_merge: float = 0.01  # 2-1 and 1-2, each
    prior_2_2: float = 0.0001
    # Multiplies the length cost of 1-0 / 0-1 beads (Gale & Church: 1; 0 makes a
    # dropped sentence cost the same whatever its length).
    null_length: float = 0.0
    number_hit: float = 2.0
    number_miss: float = 1.0
    name_hit: float = 2.0
    name_miss: float = 1.0
    cognate_hit: float = 4.0
    cognate_miss: float = 0.0
    # Words the bilingual lexicon pairs (mtqa.text.lexicon: FreeDict stems): what tells a short
    # translation from one merged with its neighbour when no number or name does.
    lexicon_hit: float = 1.5
    lexicon_miss: float = 0.0
    punctuation: float = 2.0
    # similarity: a bead of k sentences costs `similarity * (1 - sim) * k / 2`, a
    # 1-0 or 0-1 bead `similarity * similarity_null`, so a pair scoring below
    # 1 - 2 * similarity_null is better left unaligned (other costs aside).
    # 0.5 makes similarity a pure reward for aligning: a model whose scores are
    # uniformly low (a weak or random model) then cannot push sentences into
    # empty beads; the length and anchor costs still decide those.
    similarity: float = 30.0
    similarity_null: float = 0.5
    # Paragraphs (lines), when the caller says which line each sentence is on: every line break
    # of either side that the alignment does not match with a line break of the other side (a
    # cut between beads that is a paragraph end on one side only, or a break inside a bead)
    # costs this much. Machine translation keeps the paragraphs of the source, so beads that
    # run across a paragraph end on both sides (a short translation merged with its neighbour)
    # pay twice; a dropped or inserted paragraph pays nothing; a text whose line breaks do
    # not correspond at all pays about the same on every path.
    paragraph: float = 8.0
    # ... and, with paragraphs known, a 1-0 or 0-1 bead costs this much more: a translation made
    # paragraph by paragraph rarely drops or adds a sentence, and an unrelated (hallucinated)
    # paragraph is better paired in place than shifted against its neighbours.
    paragraph_null: float = 3.0

    def prior(self, kind: tuple[int, int]) -> float:
        return {
            (1, 1): self.prior_1_1, (1, 0): self.prior_null, (0, 1): self.prior_null,
            (2, 1): self.prior_merge, (1, 2): self.prior_merge, (2, 2): self.prior_2_2,
        }[kind]


DEFAULT_WEIGHTS = CostWeights()

# Below this many DP cells the whole matrix is searched; above it, a band.
FULL_SEARCH_CELLS = 250_000
# Smallest half-width of the band, in sentences.
MIN_HALF_BAND = 20
# Widen the band at most this many times (x4 each), and never past this many cells.
MAX_WIDENINGS = 3
MAX_BAND_CELLS = 12_000_000
# Cells of the band whose bead costs are computed at once (a block of rows): the search's
# working memory, apart from one byte a cell for the back-pointers.
BLOCK_CELLS = 250_000


# --- per-sentence features --------------------------------------------------

# Numbers, names and cognates: mtqa.text.anchors (the coverage check reads them too).
_QUOTE_RE = re.compile(r"[«»\"“”„]|^\s*[–—-]\s")
_COLON_RE = re.compile(r"(?<!\d):|:(?!\d)")
_PUNCT_PATTERNS = (re.compile(r"\?"), re.compile(r"!"), _QUOTE_RE, _COLON_RE)


def _punctuation(text: str) -> list[int]:
    """Counts of question marks, exclamation marks, quotes (1 if any) and colons."""
    q, e, quote, colon = (len(p.findall(text)) for p in _PUNCT_PATTERNS)
    return [q, e, min(quote, 1), colon]


@lru_cache(maxsize=100_000)
def _lexicon_source(text: str) -> frozenset[str]:
    """The French stems that the bilingual lexicon (mtqa.text.lexicon) gives for the content words
    of a Norwegian sentence."""
    from mtqa.text.lexicon import _translations, content_words

    keys: set[str] = set()
    for w in content_words(text, "nb"):
        if not w.stem.isdigit():
            keys.update(_translations(w))
    return frozenset(keys)


@lru_cache(maxsize=100_000)
def _lexicon_target(text: str) -> frozenset[str]:
    """The stems of the content words of a French sentence."""
    from mtqa.text.lexicon import content_words

    return frozenset(w.stem for w in content_words(text, "fr") if not w.stem.isdigit())


# Anchor classes: name -> how a sentence's anchors are found (one function for both sides, or a
# (source, target) pair). Each class has a `<name>_hit` and `<name>_miss` weight in CostWeights.
ANCHORS: dict[str, Callable[[str], frozenset[str]] | tuple[Callable[[str], frozenset[str]], ...]] = {
    "number": exact_anchors,
    "name": name_anchors,
    "cognate": cognate_anchors,
    "lexicon": (_lexicon_source, _lexicon_target),
}


def _finder(find, side: int):
    return find[side] if isinstance(find, tuple) else find


@dataclass(frozen=True)
class _Side:
    """Features of one side. Counts are prefix sums so a run of sentences sums in O(1)."""

    texts: tuple[str, ...]
    length_sums: np.ndarray  # (n+1,) characters
    punct_sums: np.ndarray  # (4, n+1): ?, !, quotes, colons
    anchors: dict[str, tuple[tuple[str, ...], ...]]  # class -> anchors of each sentence, sorted
    # breaks[k]: 1 when the cut before sentence k (0 <= k <= n) is a paragraph end (k = 0 and k = n
    # always are); inner_sums: prefix sums of breaks, for the breaks inside a bead. None: no lines.
    breaks: np.ndarray | None = None
    inner_sums: np.ndarray | None = None


def _prefix(values) -> np.ndarray:
    arr = np.asarray(values, dtype=np.float64)
    return np.concatenate([np.zeros((1,) + arr.shape[1:]), np.cumsum(arr, axis=0)])


def _breaks(lines: Sequence | None, n: int) -> tuple[np.ndarray | None, np.ndarray | None]:
    if lines is None:
        return None, None
    if len(lines) != n:
        raise ValueError(f"{len(lines)} line numbers for {n} sentences")
    breaks = np.ones(n + 1)
    for k in range(1, n):
        breaks[k] = float(lines[k] != lines[k - 1])
    return breaks, np.cumsum(breaks)


def _side(texts: Sequence[str], pool: dict[str, str] | None = None, lines: Sequence | None = None,
          side: int = 0) -> _Side:
    """`pool`: one copy of every anchor string, shared by the sentences (and the two sides).
    `lines`: the paragraph (line) of each sentence, or None."""
    texts = tuple(texts)
    breaks, inner = _breaks(lines, len(texts))
    pool = {} if pool is None else pool
    # Sorted tuples of pooled strings rather than frozensets: a tenth of the memory on long
    # documents, and a fixed order for the float sums over them (no PYTHONHASHSEED dependence).
    anchors = {name: tuple(tuple(sorted(pool.setdefault(k, k) for k in _finder(find, side)(t))) for t in texts)
               for name, find in ANCHORS.items()}
    return _Side(
        texts=texts,
        length_sums=_prefix([len(t) for t in texts]),
        punct_sums=_prefix([_punctuation(t) for t in texts]).reshape(len(texts) + 1, -1).T.copy(),
        anchors=anchors,
        breaks=breaks,
        inner_sums=inner,
    )


# --- the band ---------------------------------------------------------------


@dataclass(frozen=True)
class _Band:
    """Which DP cells are searched: row i (source sentences consumed) covers
    target positions lo[i] .. lo[i] + width - 1."""

    n: int
    m: int
    lo: np.ndarray  # (n+1,) int64, nondecreasing
    width: int

    @property
    def full(self) -> bool:
        return self.width == self.m + 1

    @property
    def cells(self) -> int:
        return (self.n + 1) * self.width


def _band(n: int, m: int, half: int) -> _Band:
    # Rows must overlap enough for a path to step from one to the next.
    half = max(half, -(-m // max(n, 1)) + 2)
    width = min(2 * half + 1, m + 1)
    centre = np.floor(np.arange(n + 1) * (m / max(n, 1)) + 0.5).astype(np.int64)
    lo = np.clip(centre - half, 0, m + 1 - width)
    return _Band(n, m, lo, width)


# --- bead costs -------------------------------------------------------------


def _log_erfc(x: np.ndarray) -> np.ndarray:
    """log(erfc(x)) for x >= 0, without underflow (Numerical Recipes' erfcc, |rel err| < 1.2e-7)."""
    t = 1.0 / (1.0 + 0.5 * x)
    poly = -1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    return np.log(t) - x * x + poly


def length_cost(source_chars, target_chars, ratio: float = LENGTH_RATIO,
                variance: float = LENGTH_VARIANCE) -> np.ndarray:
    """Gale-Church: -log P(|delta| this large), delta = (lt - c*ls) / sqrt(s2 * mean length)."""
    ls = np.asarray(source_chars, dtype=np.float64)
    lt = np.asarray(target_chars, dtype=np.float64)
    mean = (ls + lt / ratio) / 2
    delta = np.abs(ratio * ls - lt) / np.sqrt(variance * np.maximum(mean, 1e-9))
    return -_log_erfc(delta / math.sqrt(2))


# --- anchor agreement ---------------------------------------------------------
#
# A bead pools the anchors of its sentences on each side, as multisets (an anchor
# found in both source sentences counts twice), and scores
#     hits   = sum over anchors v of min(source count of v, target count of v)
#     misses = source anchors + target anchors - 2 * hits
# with every anchor weighted by its rarity in the document (`_rarity`): a topic word
# that half the sentences repeat says little about which two sentences pair up.
#
# Hits are filled in for the whole band at once from sparse overlaps. With S[k]
# the anchor set of source sentence k, P[k] = S[k] & S[k+1] (what two neighbours
# share) and T, Q the same on the target side, let XY(di, dj) at cell (i, j) be
# the weight of X[i-di] & Y[j-dj]. By inclusion-exclusion a bead ending at (i, j)
# has hits =
_HIT_TERMS: dict[tuple[int, int], list[tuple[int, str, int, int]]] = {
    (1, 1): [(+1, "ST", 1, 1)],
    (2, 1): [(+1, "ST", 1, 1), (+1, "ST", 2, 1), (-1, "PT", 2, 1)],
    (1, 2): [(+1, "ST", 1, 1), (+1, "ST", 1, 2), (-1, "SQ", 1, 2)],
    (2, 2): [(+1, "ST", 1, 1), (+1, "ST", 1, 2), (+1, "ST", 2, 1), (+1, "ST", 2, 2),
             (-1, "PT", 2, 1), (-1, "PT", 2, 2), (-1, "SQ", 1, 2), (-1, "SQ", 2, 2),
             (+2, "PQ", 2, 2)],
}


def _neighbours(sets: Sequence[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """P[k] = sets[k] & sets[k+1] (empty for the last sentence), sorted."""
    return [tuple(sorted(set(a).intersection(b))) if a and b else () for a, b in zip(sets, sets[1:])] + [()]


def _rarity(src: Sequence[tuple[str, ...]], tgt: Sequence[tuple[str, ...]]) -> dict[str, float]:
    """Weight in (0, 1] of each anchor: 1 if it occurs in at most one sentence per side,
    falling like an inverse document frequency as more sentences repeat it."""
    df: dict[str, int] = defaultdict(int)
    for sets in (src, tgt):
        for keys in sets:
            for key in keys:
                df[key] += 1
    total = len(src) + len(tgt)
    scale = math.log(1 + total / 2)
    return {key: min(1.0, math.log(1 + total / d) / scale) for key, d in df.items()}


@dataclass(frozen=True)
class _Overlap:
    """Sparse (source unit, target unit, weight of shared anchors), near the band."""

    s: np.ndarray
    t: np.ndarray
    w: np.ndarray


def _overlap(src: Sequence[tuple[str, ...]], tgt: Sequence[tuple[str, ...]],
             weight: dict[str, float], band: _Band) -> _Overlap:
    """For every source unit s and every target unit t near the band that share anchors, the
    summed weight of those anchors: the entries (s, t, weight of one shared anchor) are listed in
    the order of s, then of s's anchors (sorted, see _side), then of t, and the weights of one
    pair summed in that order, so that the sums do not depend on hashing or set order."""
    ids: dict[str, int] = {}
    for keys in tgt:
        for key in keys:
            ids.setdefault(key, len(ids))
    src_units, src_keys = _flat(src, ids)
    tgt_units, tgt_keys = _flat(tgt, ids)
    n, m = band.n, band.m
    if not len(src_keys) or not len(tgt_keys):
        empty = np.zeros(0, np.int64)
        return _Overlap(empty, empty, np.zeros(0, np.float64))
    key_weight = np.zeros(len(ids), dtype=np.float64)
    for key, k in ids.items():
        key_weight[k] = weight[key]
    # Target occurrences sorted by (anchor, unit): those of one anchor near row s are one range.
    base = m + 2  # > every target unit index and every window end below
    codes = np.sort(tgt_keys * base + tgt_units)
    # Target units that can sit in a bead ending in row s+1 or s+2: first <= t < last.
    rows = np.minimum(np.arange(len(src), dtype=np.int64) + 1, n)
    first = np.clip(band.lo[rows] - 2, 0, base - 1)
    last = np.clip(band.lo[np.minimum(rows + 1, n)] + band.width, 0, base - 1)
    keep = src_keys >= 0  # anchors that no target unit has cannot be shared
    occ_units, occ_keys = src_units[keep], src_keys[keep]
    lo = np.searchsorted(codes, occ_keys * base + first[occ_units], side="left")
    hi = np.searchsorted(codes, occ_keys * base + last[occ_units], side="left")
    counts = hi - lo
    total = int(counts.sum())
    occurrence = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    s_arr = occ_units[occurrence]
    t_arr = codes[lo[occurrence] + offset] % base
    w_arr = key_weight[occ_keys[occurrence]]
    # One entry per pair, in (s, t) order: rows ascending, so that _place can take a block of
    # rows by bisection.
    pair_ids, inverse = np.unique(s_arr * (band.m + 1) + t_arr, return_inverse=True)
    weights = np.bincount(inverse.reshape(-1), weights=w_arr, minlength=len(pair_ids))
    return _Overlap(pair_ids // (band.m + 1), pair_ids % (band.m + 1), weights)


def _flat(units: Sequence[tuple[str, ...]], ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """(unit index, anchor id) of every anchor of every unit, in order; -1 for an anchor not in `ids`."""
    keys = [ids.get(key, -1) for keys in units for key in keys]
    owners = [u for u, keys in enumerate(units) for _ in keys]
    return np.array(owners, dtype=np.int64), np.array(keys, dtype=np.int64)


def _place(terms: list[tuple[float, _Overlap, int, int]], band: _Band, r0: int, r1: int) -> np.ndarray:
    """Sum of sign * XY(di, dj) over `terms`, as a table of rows r0..r1-1 of the band: the
    overlap of units s and t lands in cell (s + di, t + dj)."""
    cells, weights = [], []
    for sign, overlap, di, dj in terms:
        first, last = np.searchsorted(overlap.s, [r0 - di, r1 - di])  # overlap.s is sorted
        i = overlap.s[first:last] + di
        j = overlap.t[first:last] + dj
        ok = j <= band.m
        i, j, w = i[ok], j[ok], overlap.w[first:last][ok]
        c = j - band.lo[i]
        ok = (c >= 0) & (c < band.width)
        cells.append((i[ok] - r0) * band.width + c[ok])
        weights.append(sign * w[ok])
    size = (r1 - r0) * band.width
    return np.bincount(np.concatenate(cells), weights=np.concatenate(weights),
                       minlength=size).reshape(r1 - r0, band.width)


@dataclass(frozen=True)
class _AnchorTables:
    """For one anchor class: the four overlaps and the weighted anchor count of each sentence."""

    overlaps: dict[str, _Overlap]  # "ST", "PT", "SQ", "PQ"
    src_sums: np.ndarray  # (n+1,) prefix sums of weighted anchor counts
    tgt_sums: np.ndarray  # (m+1,)


# Anchors of a class that weigh less than this (`_rarity`) are left out: frequent words that the
# lexicon pairs everywhere say little and would cost most of the work.
ANCHOR_FLOOR = {"lexicon": 0.5}


def _anchor_tables(src_sets, tgt_sets, band: _Band, floor: float = 0.0) -> _AnchorTables:
    weight = _rarity(src_sets, tgt_sets)
    if floor > 0:
        kept = {k for k, w in weight.items() if w >= floor}
        src_sets = [tuple(k for k in keys if k in kept) for keys in src_sets]
        tgt_sets = [tuple(k for k in keys if k in kept) for keys in tgt_sets]
    units = {"S": src_sets, "P": _neighbours(src_sets), "T": tgt_sets, "Q": _neighbours(tgt_sets)}
    overlaps = {xy: _overlap(units[xy[0]], units[xy[1]], weight, band) for xy in ("ST", "PT", "SQ", "PQ")}

    def sums(sets):
        return _prefix([sum(weight[k] for k in keys) for keys in sets])

    return _AnchorTables(overlaps, sums(src_sets), sums(tgt_sets))


def _hits(tables: _AnchorTables, kind: tuple[int, int], band: _Band, r0: int, r1: int) -> np.ndarray:
    return _place([(sign, tables.overlaps[xy], di, dj) for sign, xy, di, dj in _HIT_TERMS[kind]], band, r0, r1)


def _bead_costs(kind: tuple[int, int], src: _Side, tgt: _Side, band: _Band,
                anchors: dict[str, _AnchorTables], similarity,
                weights: CostWeights, r0: int, r1: int, only: np.ndarray | None = None) -> np.ndarray:
    """Cost of the bead of `kind` ending at every cell of rows r0..r1-1 of the band (inf where
    impossible). `only`: a mask of the cells whose cost is wanted; `similarity` is then asked
    about those alone (the others' costs are left without it)."""
    a, b = kind
    n, m = band.n, band.m
    rows = np.arange(r0, r1)[:, None]  # i: source sentences consumed
    cols = band.lo[r0:r1, None] + np.arange(band.width)[None, :]  # j: target sentences consumed
    valid = (rows >= a) & (cols >= b) & (cols <= m)
    i0, i1 = np.clip(rows - a, 0, n), rows  # the bead holds source i0..i1-1
    j0, j1 = np.clip(cols - b, 0, m), np.clip(cols, 0, m)  # and target j0..j1-1

    ls = src.length_sums[i1] - src.length_sums[i0]
    lt = tgt.length_sums[j1] - tgt.length_sums[j0]
    lengths = length_cost(ls, lt) * np.ones(valid.shape)
    paragraphs = _paragraph_cost(src, tgt, i0, i1, j0, j1, a, b, weights)
    if a == 0 or b == 0:
        cost = -math.log(weights.prior(kind)) + weights.null_length * lengths + paragraphs
        if similarity is not None:
            cost = cost + weights.similarity * weights.similarity_null
        return np.where(valid, cost, np.inf)

    cost = -math.log(weights.prior(kind)) + lengths + paragraphs
    for name, tables in anchors.items():
        hits = _hits(tables, kind, band, r0, r1)
        misses = (tables.src_sums[i1] - tables.src_sums[i0]) + (tables.tgt_sums[j1] - tables.tgt_sums[j0]) - 2 * hits
        cost = cost + getattr(weights, f"{name}_miss") * misses - getattr(weights, f"{name}_hit") * hits
    for f in range(len(_PUNCT_PATTERNS)):
        ps, pt = src.punct_sums[f], tgt.punct_sums[f]
        cost += weights.punctuation * np.abs((ps[i1] - ps[i0]) - (pt[j1] - pt[j0]))

    if similarity is not None:
        sim = np.zeros_like(cost)
        for r, c in zip(*np.nonzero(valid if only is None else valid & only)):
            i = r0 + int(r)
            j = int(band.lo[i]) + int(c)
            score = similarity(" ".join(src.texts[i - a:i]), " ".join(tgt.texts[j - b:j]))
            sim[r, c] = min(max(float(score), 0.0), 1.0)
        # Per sentence, so that merging two good pairs into a 2-2 bead gains nothing.
        cost = cost + weights.similarity * (1.0 - sim) * (a + b) / 2
    return np.where(valid, cost, np.inf)


def _paragraph_cost(src: _Side, tgt: _Side, i0, i1, j0, j1, a: int, b: int, weights: CostWeights):
    """`weights.paragraph` per paragraph end left unmatched by the bead ending at (i1, j1): its end
    cut when it is a paragraph end on one side only, and the paragraph ends inside it."""
    if src.breaks is None or tgt.breaks is None or not weights.paragraph:
        return 0.0
    # _breaks gives breaks and inner_sums together (both None without lines)
    assert src.inner_sums is not None and tgt.inner_sums is not None
    unmatched = np.abs(src.breaks[i1] - tgt.breaks[j1])
    if a == 0 or b == 0:
        return weights.paragraph * unmatched + weights.paragraph_null
    if a >= 2:
        unmatched = unmatched + (src.inner_sums[i1 - 1] - src.inner_sums[i0])
    if b >= 2:
        unmatched = unmatched + (tgt.inner_sums[j1 - 1] - tgt.inner_sums[j0])
    return weights.paragraph * unmatched


# --- dynamic programme ------------------------------------------------------


def _block_rows(width: int) -> int:
    """Rows of the band whose bead costs are held at once: about BLOCK_CELLS cells."""
    return max(16, BLOCK_CELLS // max(width, 1))


def _search(src: _Side, tgt: _Side, band: _Band, similarity, weights: CostWeights
            ) -> tuple[list[Bead], bool]:
    """Best bead sequence within `band`, and whether it runs along the band's edge.

    Memory: the bead costs are computed a block of rows at a time and only the last three rows
    of cumulative costs are kept, so besides the back-pointers (one byte a cell) the search
    holds O(BLOCK_CELLS) numbers whatever the length of the documents. The costs of the beads
    on the best path are computed again, block by block, for the trace back.
    """
    n, m, width, lo = band.n, band.m, band.width, band.lo
    anchors = {name: _anchor_tables(src.anchors[name], tgt.anchors[name], band, ANCHOR_FLOOR.get(name, 0.0))
               for name in ANCHORS
               if getattr(weights, f"{name}_hit") or getattr(weights, f"{name}_miss")}
    insert = BEAD_KINDS.index((0, 1))
    block = _block_rows(width)

    # total[i % 3, PAD + c]: cheapest cost to cell (i, lo[i] + c), for the last three rows (a bead
    # spans at most two); padded with inf on both sides so that looking up a neighbouring row
    # is a plain slice.
    pad_left = 2
    pad_right = int(np.max(lo[2:] - lo[:-2], initial=0)) + 2 if n >= 2 else int(lo[-1] - lo[0]) + 2
    total = np.full((3, pad_left + width + pad_right), np.inf)
    back = np.full((n + 1, width), -1, dtype=np.int8)

    for r0 in range(0, n + 1, block):
        r1 = min(n + 1, r0 + block)
        costs = [_bead_costs(k, src, tgt, band, anchors, similarity, weights, r0, r1) for k in BEAD_KINDS]
        for i in range(r0, r1):
            best = np.full(width, np.inf)
            choice = np.full(width, -1, dtype=np.int8)
            if i == 0:
                best[0] = 0.0  # lo[0] == 0: the empty alignment
            for k, (a, b) in enumerate(BEAD_KINDS):
                if a == 0 or i < a:
                    continue
                start = pad_left + int(lo[i] - lo[i - a]) - b
                candidate = total[(i - a) % 3, start:start + width] + costs[k][i - r0]
                better = candidate < best
                best = np.where(better, candidate, best)
                choice[better] = k
            # 0-1 beads move along the row: best[c] = min(best[c], best[c-1] + insert[c]).
            # As a prefix minimum: best[c] = C[c] + min_{c' <= c}(best[c'] - C[c']).
            # (Every column of the band is a real target position: _band keeps it inside.)
            step = costs[insert][i - r0].copy()
            step[0] = 0.0
            running = np.cumsum(step)
            own = best - running
            lowest = np.minimum.accumulate(own)
            from_left = lowest < own
            best = running + lowest
            choice[from_left] = insert
            total[i % 3, pad_left:pad_left + width] = best
            back[i] = choice
        del costs

    # Trace back from (n, m).
    path: list[tuple[int, int, int]] = []  # (row, column in the band, bead kind), last bead first
    touched = False
    i, j = n, m
    while i > 0 or j > 0:
        c = j - int(lo[i])
        if (c < 2 and lo[i] > 0) or (c > width - 3 and lo[i] + width - 1 < m):
            touched = True
        k = int(back[i, c])
        if k < 0:
            raise RuntimeError("alignment band is disconnected")  # cannot happen: see _band
        path.append((i, c, k))
        a, b = BEAD_KINDS[k]
        i, j = i - a, j - b
    path.reverse()

    # The cost of each bead on the path, recomputed block by block (similarity only for those cells).
    beads: list[Bead] = []
    for r0 in range(0, n + 1, block):
        r1 = min(n + 1, r0 + block)
        here = path[bisect.bisect_left(path, (r0, -1, -1)):bisect.bisect_left(path, (r1, -1, -1))]
        if not here:
            continue
        table = {}
        for k in sorted({k for _, _, k in here}):
            only = np.zeros((r1 - r0, width), dtype=bool)
            for i, c, kk in here:
                if kk == k:
                    only[i - r0, c] = True
            table[k] = _bead_costs(BEAD_KINDS[k], src, tgt, band, anchors, similarity, weights, r0, r1, only)
        for i, c, k in here:
            a, b = BEAD_KINDS[k]
            j = int(lo[i]) + c
            beads.append(Bead(tuple(range(i - a, i)), tuple(range(j - b, j)), float(table[k][i - r0, c])))
    return beads, touched


def align(source: Sequence[str], target: Sequence[str],
          similarity: Callable[[str, str], float] | None = None,
          *, band: int | None = None, weights: CostWeights = DEFAULT_WEIGHTS,
          source_lines: Sequence | None = None, target_lines: Sequence | None = None) -> list[Bead]:
    """Align two sentence lists; return beads in order, covering every sentence once.

    `similarity(source_text, target_text)` in [0, 1], when given, is added to the
    cost of every candidate bead (it is called O(len(source) * band) times) and
    outweighs the length and anchor terms. `band` is the starting half-width of
    the search band in sentences; by default documents up to about 500 x 500
    sentences are searched in full and longer ones in a band of
    max(20, sqrt(length) / 4) sentences (25 for 10 000) that widens itself (x4, at
    most 3 times) if the path comes within two sentences of its edge. `weights`
    overrides the cost weights (for tuning; see scripts/bench_align.py --tune).

    `source_lines` / `target_lines`: the paragraph (line number) of each sentence. Given both,
    the alignment keeps paragraphs together (see `CostWeights.paragraph`): sentences are
    aligned inside paragraphs and across neighbouring ones only where the evidence outweighs a
    paragraph end on each side.
    """
    n, m = len(source), len(target)
    if n == 0 or m == 0:
        return ([Bead((i,), (), 0.0) for i in range(n)] + [Bead((), (j,), 0.0) for j in range(m)])
    pool: dict[str, str] = {}
    both = source_lines is not None and target_lines is not None
    src = _side(source, pool, source_lines if both else None)
    tgt = _side(target, pool, target_lines if both else None, side=1)

    if band is not None:
        half = max(int(band), 1)
    elif (n + 1) * (m + 1) <= FULL_SEARCH_CELLS:
        half = max(n, m)
    else:
        half = max(MIN_HALF_BAND, math.isqrt(max(n, m)) // 4)

    grid = _band(n, m, half)
    beads, touched = _search(src, tgt, grid, similarity, weights)
    for _ in range(MAX_WIDENINGS):
        if not touched or grid.full:
            break
        wider = _band(n, m, half * 4)
        if wider.cells > MAX_BAND_CELLS:
            break
        half, grid = half * 4, wider
        beads, touched = _search(src, tgt, grid, similarity, weights)
    return beads


# --- evaluation -------------------------------------------------------------


def bead_f1(predicted: Sequence[Bead], gold: Sequence[Bead]) -> dict:
    """Precision, recall and F1 of exact bead matches (same source and target indices),
    overall and per bead kind (precision per predicted kind, recall per gold kind)."""

    def key(bead) -> tuple[tuple[int, ...], tuple[int, ...]]:
        return tuple(bead.source), tuple(bead.target)

    def kind(k) -> str:
        return f"{len(k[0])}-{len(k[1])}"

    pred = {key(b) for b in predicted}
    ref = {key(b) for b in gold}
    hits = pred & ref

    def scores(tp: int, n_pred: int, n_gold: int) -> dict:
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gold if n_gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "tp": tp, "predicted": n_pred, "gold": n_gold}

    result = scores(len(hits), len(pred), len(ref))
    result["per_kind"] = {
        k: scores(sum(kind(h) == k for h in hits), sum(kind(x) == k for x in pred),
                  sum(kind(x) == k for x in ref))
        for k in sorted({kind(x) for x in pred | ref})
    }
    return result


def group_beads(beads: Sequence[Bead], source_units: Sequence, target_units: Sequence) -> list[Bead]:
    """Beads joined into the coarsest groups that a gold alignment of units can tell apart.

    `source_units[i]` / `target_units[j]`: the unit (for line-aligned files, the line number)
    of each sentence. Beads that hold sentences of one unit of the same side are joined
    (transitively), so the sentence alignment inside a pair of lines does not matter, but a
    bead that takes sentences of two lines joins them, and a line pair split into a 1-0 and a
    0-1 bead stays split. Scoring these groups against one bead per line pair (`mtqa.pipeline.beads_by_line`)
    with `bead_f1` gives the bead F1 of a damaged line-aligned document.
    """
    parent = list(range(len(beads)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[tuple[str, object], int] = {}
    for k, bead in enumerate(beads):
        for key in [("s", source_units[i]) for i in bead.source] + [("t", target_units[j]) for j in bead.target]:
            if key in owner:
                a, b = find(owner[key]), find(k)
                if a != b:
                    parent[max(a, b)] = min(a, b)
            else:
                owner[key] = k
    groups: dict[int, list[Bead]] = {}
    for k, bead in enumerate(beads):
        groups.setdefault(find(k), []).append(bead)
    out = []
    for root in sorted(groups):
        members = groups[root]
        out.append(Bead(tuple(sorted(i for b in members for i in b.source)),
                        tuple(sorted(j for b in members for j in b.target)), sum(b.cost for b in members)))
    return out
