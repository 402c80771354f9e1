"""Back-translation: the French segments in Norwegian, and how close that comes to the source.

A faithful translation, translated back, shares much of its character n-grams with the
source (chrF); a mistranslated or garbled one does not. The translator is any object
with `translate(texts) -> texts`, `score(sources, targets) -> floats` and `stats`
(the mtqa.mt.base.Translator protocol), so this module stays pure and testable.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Sequence

from mtqa.core.document import Segment
from mtqa.mt.base import Translator


@lru_cache(maxsize=1)
def _chrf():
    """chrF2, character 6-grams: sacrebleu's defaults (signature in the report). Built on first
    use: sacrebleu (and numpy under it) is imported only by runs that back-translate."""
    from sacrebleu.metrics import CHRF

    return CHRF()


@lru_cache(maxsize=1)
def _meaning():
    """The back-translation check's score: chrF++ (character 6-grams and word 1-2-grams), beta 1,
    lowercased. Chosen on FLORES-200 dev with the real back-translations of the human French
    (docs/BENCHMARKS.md, "Back-translation calibration"): recall-weighted chrF2 rewards any long
    back-translation, so an unrelated sentence scores close to a faithful but garbled one; with
    beta 1 and word bigrams the two separate (97 % of swapped lines below the 1.5 % faithful
    quantile with the 2020 model, against 85 % for chrF2). Built on first use, like _chrf."""
    from sacrebleu.metrics import CHRF

    return CHRF(word_order=2, beta=1, lowercase=True)


def _signature(metric) -> str:
    # sacrebleu knows the number of references only once it has scored something; mtqa always
    # scores against one reference, so a run with nothing to score (no source found) still has one.
    try:
        return str(metric.get_signature())
    except ValueError:  # "Number of references unknown": nothing scored yet
        metric.sentence_score("a", ["a"])
        return str(metric.get_signature())


def chrf_signature() -> str:
    return _signature(_chrf())


def meaning_signature() -> str:
    """The sacrebleu signature of the back-translation check's score (meaning_score)."""
    return _signature(_meaning())


def meaning_score(hypothesis: str, reference: str) -> float:
    """The back-translation check's score (0-100): chrF++, beta 1, lowercased, of a
    back-translation against the Norwegian source; 0 when either side is blank."""
    if not hypothesis.strip() or not reference.strip():
        return 0.0
    return _meaning().sentence_score(hypothesis, [reference]).score


def sentence_chrf(hypothesis: str, reference: str) -> float:
    """chrF (0-100) of a back-translation against the Norwegian source: sacrebleu's chrF2
    (`CHRF()`, its signature is chrf_signature()) computed here without sacrebleu's per-call
    overhead, the same counts and the same float operations in the same order, so the same
    value to the last bit (tests/mt/test_roundtrip.py compares the two)."""
    if not hypothesis.strip() or not reference.strip():
        return 0.0
    return _chrf2(hypothesis, reference)


_CHAR_ORDER = 6  # sacrebleu CHRF.CHAR_ORDER
_BETA = 2        # sacrebleu CHRF.BETA


# Below this many pairs chrf_many scores each pair on its own (numpy's per-call cost would dominate).
_BATCH_MIN = 32


def chrf_many(hypotheses: Sequence[str], references: Sequence[str]) -> list[float]:
    """sentence_chrf of each (hypothesis, reference) pair, the same values, computed for all the
    pairs at once: the character n-grams of every pair, as integers, are counted and matched with
    numpy (sorting instead of a Counter per pair), and each pair's score is then worked out from
    its integer counts exactly as sentence_chrf does."""
    pairs = list(zip(hypotheses, references))
    if len(pairs) < _BATCH_MIN:
        return [sentence_chrf(h, r) for h, r in pairs]
    todo = [k for k, (h, r) in enumerate(pairs) if h.strip() and r.strip()]
    hyps = ["".join(pairs[k][0].split()) for k in todo]
    refs = ["".join(pairs[k][1].split()) for k in todo]
    counts = _match_counts(hyps, refs)
    out = [0.0] * len(pairs)
    if counts is None:  # an alphabet too large to pack into integers: pair by pair
        for k in todo:
            out[k] = _chrf2(*pairs[k])
        return out
    for j, k in enumerate(todo):
        out[k] = _f_score(len(hyps[j]), len(refs[j]), [c[j] for c in counts])
    return out


def _f_score(hyp_chars: int, ref_chars: int, matches: Sequence[int]) -> float:
    """chrF2 from the n-gram match counts of orders 1.._CHAR_ORDER, as sacrebleu computes it: an
    order that one side is too short for counts for nothing."""
    factor = _BETA ** 2
    avg_prec = avg_rec = 0.0
    effective_order = 0
    for n, n_match in enumerate(matches, 1):
        n_hyp, n_ref = hyp_chars - n + 1, ref_chars - n + 1
        if n_hyp <= 0 or n_ref <= 0:
            continue
        avg_prec += n_match / n_hyp
        avg_rec += n_match / n_ref
        effective_order += 1
    if effective_order == 0:
        return 0.0
    avg_prec /= effective_order
    avg_rec /= effective_order
    if avg_prec + avg_rec:
        score = (1 + factor) * avg_prec * avg_rec
        score /= ((factor * avg_prec) + avg_rec)
        return 100 * score
    return 0.0


def _match_counts(hyps: Sequence[str], refs: Sequence[str]) -> list[list[int]] | None:
    """For each order n = 1.._CHAR_ORDER, the chrF match count of each pair: the sum over its
    n-grams of min(count in the hypothesis, count in the reference). None when the characters
    are too many distinct ones to pack an n-gram and its pair number into 63 bits."""
    import numpy as np

    def codes(texts: Sequence[str]):
        joined = "".join(texts).encode("utf-32-le", "surrogatepass")
        return np.frombuffer(joined, dtype=np.uint32).astype(np.int64)

    hyp_codes, ref_codes = codes(hyps), codes(refs)
    alphabet, dense = np.unique(np.concatenate([hyp_codes, ref_codes]), return_inverse=True)
    base = len(alphabet) + 1  # 0 is never a character's number: ids run from 1
    dense = dense.reshape(-1) + 1
    hyp_ids, ref_ids = dense[:len(hyp_codes)], dense[len(hyp_codes):]
    bits = max(1, (base - 1).bit_length())
    pair_bits = max(1, (len(hyps) - 1).bit_length())
    if _CHAR_ORDER * bits + pair_bits > 62:
        return None
    hyp_len = np.array([len(t) for t in hyps], dtype=np.int64)
    ref_len = np.array([len(t) for t in refs], dtype=np.int64)

    def layout(lengths):
        """Per character: its pair number, and how many characters of its text follow it."""
        ends = np.cumsum(lengths)
        pair = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        return pair, np.repeat(ends, lengths) - np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)

    def grams(ids, side, n: int):
        """(pair number, packed n-gram) of every n-gram of every text, as one int64 each."""
        pair, left = side
        first = np.nonzero(left >= n)[0]
        key = ids[first]
        for k in range(1, n):
            key = (key << bits) | ids[first + k]
        return (pair[first] << (n * bits)) | key

    hyp_side, ref_side = layout(hyp_len), layout(ref_len)
    out = []
    for n in range(1, _CHAR_ORDER + 1):
        h_keys, h_counts = np.unique(grams(hyp_ids, hyp_side, n), return_counts=True)
        r_keys, r_counts = np.unique(grams(ref_ids, ref_side, n), return_counts=True)
        _, hi, ri = np.intersect1d(h_keys, r_keys, assume_unique=True, return_indices=True)
        matched = np.minimum(h_counts[hi], r_counts[ri])
        per_pair = np.bincount(h_keys[hi] >> (n * bits), weights=matched, minlength=len(hyps))
        out.append([int(x) for x in per_pair])
    return out


def _ngrams(text: str, n: int) -> list[str]:
    """The character n-grams of `text`, in order (sacrebleu's extract_all_char_ngrams, as a list)."""
    return list(text) if n == 1 else list(map("".join, zip(*[text[k:] for k in range(n)])))


def _chrf2(hypothesis: str, reference: str) -> float:
    """sacrebleu's CHRF().sentence_score(hypothesis, [reference]).score (char order 6, no word
    n-grams, beta 2, case kept, whitespace removed, no epsilon smoothing)."""
    hyp, ref = "".join(hypothesis.split()), "".join(reference.split())
    matches = []
    for n in range(1, _CHAR_ORDER + 1):
        hyp_grams, ref_grams = _ngrams(hyp, n), _ngrams(ref, n)
        hyp_set, ref_set = set(hyp_grams), set(ref_grams)
        if len(hyp_set) == len(hyp_grams) or len(ref_set) == len(ref_grams):
            matches.append(len(hyp_set & ref_set))  # no n-gram repeated on one side: each match counts once
        else:
            h, r = Counter(hyp_grams), Counter(ref_grams)
            matches.append(sum(min(h[g], r[g]) for g in hyp_set & ref_set))
    return _f_score(len(hyp), len(ref), matches)


@dataclass
class BackTranslation:
    """Back-translations of target segments (by segment index) and where they came from."""

    texts: dict[int, str]
    model: str
    model_hash: str
    compute_type: str
    translated: int
    cache_hits: int
    scores: dict[int, float] = field(default_factory=dict)  # bead index -> forced-decoding log-prob
    identity: dict = field(default_factory=dict)  # the translator's identity (backend, file, thresholds...)

    def summary(self) -> dict:
        out = {"skipped": False, "backend": str(self.identity.get("backend", "")), "model": self.model,
               "model_hash": self.model_hash, "compute_type": self.compute_type,
               "chrf_signature": meaning_signature()}
        for key in ("file", "sha256", "lines", "thresholds_from"):  # a replayed back-translation's provenance
            if key in self.identity:
                out[key] = self.identity[key]
        if isinstance(self.identity.get("thresholds"), dict):
            out["thresholds"] = dict(self.identity["thresholds"])
        return out


def back_translate(segments: Sequence[Segment], translator: Translator) -> BackTranslation:
    """Translate every segment back into Norwegian. Furniture is translated too (it is cheap):
    the report shows what "Voir plus" reads as, and the aligner can match it to "Se mer"."""
    wanted = list(segments)
    before = translator.stats
    outputs = translator.translate([s.text for s in wanted])
    after = translator.stats
    identity = translator.identity
    return BackTranslation(
        # None: the backend has no back-translation for that text (a replayed file that does not
        # cover it); the segment is then left out, never scored as an empty back-translation.
        texts={s.index: out for s, out in zip(wanted, outputs) if out is not None},
        model=str(identity.get("model", "")),
        model_hash=str(identity.get("model_hash", "")),
        compute_type=str(identity.get("compute_type", "")),
        translated=after.translated - before.translated,
        cache_hits=after.cache_hits - before.cache_hits,
        identity=dict(identity),
    )


def similarity_function(segments: Sequence[Segment], bt: BackTranslation) -> Callable[[str, str], float]:
    """The aligner's similarity: chrF of the back-translation of a target text against a source text.

    The aligner asks about single target segments and about two neighbours joined by a space;
    both are answered from the per-segment back-translations, so no extra model call is needed.
    """
    by_text: dict[str, str] = {}
    for a, b in zip(segments, list(segments[1:]) + [None]):
        if a.index in bt.texts:
            by_text.setdefault(a.text, bt.texts[a.index])
            if b is not None and b.index in bt.texts:
                by_text.setdefault(f"{a.text} {b.text}", f"{bt.texts[a.index]} {bt.texts[b.index]}")

    @lru_cache(maxsize=None)
    def similarity(source_text: str, target_text: str) -> float:
        hyp = by_text.get(target_text)
        if hyp is None:
            return 0.0
        return sentence_chrf(hyp, source_text) / 100.0

    return similarity
