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


def _ngrams(text: str, n: int) -> list[str]:
    """The character n-grams of `text`, in order (sacrebleu's extract_all_char_ngrams, as a list)."""
    return list(text) if n == 1 else list(map("".join, zip(*[text[k:] for k in range(n)])))


def _chrf2(hypothesis: str, reference: str) -> float:
    """sacrebleu's CHRF().sentence_score(hypothesis, [reference]).score (char order 6, no word
    n-grams, beta 2, case kept, whitespace removed, no epsilon smoothing)."""
    hyp, ref = "".join(hypothesis.split()), "".join(reference.split())
    factor = _BETA ** 2
    avg_prec = avg_rec = 0.0
    effective_order = 0
    for n in range(1, _CHAR_ORDER + 1):
        hyp_grams, ref_grams = _ngrams(hyp, n), _ngrams(ref, n)
        if not hyp_grams or not ref_grams:
            continue  # sacrebleu: this order counts for nothing
        hyp_set, ref_set = set(hyp_grams), set(ref_grams)
        if len(hyp_set) == len(hyp_grams) or len(ref_set) == len(ref_grams):
            n_match = len(hyp_set & ref_set)  # no n-gram repeated on one side: each match counts once
        else:
            h, r = Counter(hyp_grams), Counter(ref_grams)
            n_match = sum(min(h[g], r[g]) for g in hyp_set & ref_set)
        avg_prec += n_match / len(hyp_grams)
        avg_rec += n_match / len(ref_grams)
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
