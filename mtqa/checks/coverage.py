"""Meaning without a model: how much of the source has a counterpart in the translation, and the
other way round (mtqa.text.lexicon), read as three errors.

- unrelated: almost no word of either side matches the other, and the numbers, names and
  cognates that a translation keeps do not either (a sentence from elsewhere, a hallucination);
- omission: the translation is short for its source and a run of source words has no counterpart;
- addition: the translation is long for its source and ends in, or holds, a run of unmatched words.

The three are scored by logistic models over a handful of features (coverage of each side, longest
unmatched runs, the length ratio; for unrelated, the anchors shared and left unmatched), fitted by
scripts/fit_coverage.py on injected errors (for unrelated: another line's French) in half of
FLORES-200 dev and checked on the other half; their coefficients and thresholds live in
mtqa/data/coverage-model.json.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import ADDITION, MISTRANSLATION, OMISSION
from mtqa.text.anchors import cognate_anchors, exact_anchors, name_anchors
from mtqa.text.lexicon import Coverage, coverage

FEATURES = ("source_coverage", "target_coverage", "coverage_gap", "source_run", "source_run_share",
            "target_run", "target_run_share", "target_tail_run", "target_tail_share", "log_length_ratio",
            "log_source_words", "log_target_words")


def _longest_run(matched, tail: bool = False) -> int:
    best = cur = 0
    for ok in matched:
        cur = 0 if ok else cur + 1
        best = max(best, cur)
    return cur if tail else best


def features(cov: Coverage, source: str, target: str) -> list[float]:
    """The model's inputs, in FEATURES order."""
    ns, nt = max(1, len(cov.source_matched)), max(1, len(cov.target_matched))
    cs, ct = cov.source or 0.0, cov.target or 0.0
    src_run, tgt_run = _longest_run(cov.source_matched), _longest_run(cov.target_matched)
    tail = _longest_run(cov.target_matched, tail=True)
    return [cs, ct, cs - ct, src_run, src_run / ns, tgt_run, tgt_run / nt, tail, tail / nt,
            math.log(max(1, len(target)) / max(1, len(source))), math.log(ns), math.log(nt)]


UNRELATED_FEATURES = ("source_coverage", "target_coverage", "mean_coverage", "log_source_words", "log_target_words",
                      "source_matched", "target_matched",
                      "number_shared", "number_source_only", "number_target_only",
                      "name_shared", "name_source_only", "name_target_only",
                      "cognate_shared", "cognate_source_only", "cognate_target_only", "abs_log_length_ratio")


def unrelated_features(cov: Coverage, source: str, target: str) -> list[float]:
    """The unrelated model's inputs, in UNRELATED_FEATURES order: a chance match or two of common
    words ("gått"/"volent") weighs little beside names and numbers that have no counterpart."""
    cs, ct = cov.source or 0.0, cov.target or 0.0
    out = [cs, ct, (cs + ct) / 2, math.log1p(len(cov.source_words)), math.log1p(len(cov.target_words)),
           float(sum(cov.source_matched)), float(sum(cov.target_matched))]
    for anchors in (exact_anchors, name_anchors, cognate_anchors):
        a, b = anchors(source), anchors(target)
        out += [float(len(a & b)), float(len(a - b)), float(len(b - a))]
    out.append(abs(math.log(max(1, len(target)) / max(1, len(source)))))
    return out


@lru_cache(maxsize=1)
def model() -> dict:
    with resources.files("mtqa.data").joinpath("coverage-model.json").open(encoding="utf-8") as fh:
        return json.load(fh)


def probability(kind: str, x: list[float]) -> float:
    m = model()[kind]
    z = m["intercept"] + sum(w * (v - mu) / sd for w, v, mu, sd in zip(m["coef"], x, m["mean"], m["scale"]))
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


class LexicalCoverageCheck(Check):
    """Translations that share almost no words with their source (unrelated: major), that drop a
    run of source words while coming out short (omission), or that carry a run of words the
    source does not have while coming out long (addition). Model-free: a FreeDict pivot lexicon,
    cognates and numbers; back-translation, when available, measures meaning better."""

    name = "coverage"
    category = MISTRANSLATION
    severity = "major"
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        min_words: int = field(default=4, metadata={
            "help": "content words needed on each side before coverage means anything", "min": 0})
        # Mean share of matched words on the two sides (lemmas, then stems: 0.09 keeps the share of
        # shuffled FLORES pairs caught where 0.07 had it with stems alone). 1 % of FLORES human pairs fall below 0.13 and
        # 90 % of mismatched pairs below 0.08; a chance match or two in a short unrelated sentence
        # lifts it above (the omission/addition model may still catch it; back-translation will).
        unrelated_below: float = field(default=0.09, metadata={
            "help": "mean share of content words matched below which a pair is unrelated (major)",
            "min": 0.0, "max": 1.0})
        # None: the model's own threshold (coverage-model.json), set so that 0.3 % of human pairs pass it
        unrelated_threshold: float | None = field(default=None, metadata={
            "help": "unrelated probability (0-1) at which a pair is flagged, besides unrelated_below; unset: the "
                    "fitted model's threshold (coverage-model.json)", "min": 0.0, "max": 1.0})
        # None: the model's own threshold (coverage-model.json)
        omission_threshold: float | None = field(default=None, metadata={
            "help": "omission probability (0-1) at which a pair is flagged; unset: the fitted model's threshold "
                    "(coverage-model.json)", "min": 0.0, "max": 1.0})
        addition_threshold: float | None = field(default=None, metadata={
            "help": "addition probability (0-1) at which a pair is flagged; unset: the fitted model's threshold "
                    "(coverage-model.json)", "min": 0.0, "max": 1.0})

    def run(self, data: CheckInput):
        unrelated_at = self.options.unrelated_threshold
        unrelated_at = unrelated_at if unrelated_at is not None else model()["unrelated"]["threshold"]
        for pair in data.translated_pairs:
            source, target = pair.source_text, pair.target_text
            cov = coverage(source, target)
            if len(cov.source_words) < self.options.min_words or len(cov.target_words) < self.options.min_words:
                continue
            seg = pair.target[0]
            mean = ((cov.source or 0.0) + (cov.target or 0.0)) / 2
            evidence = {"source_coverage": round(cov.source or 0.0, 3), "target_coverage": round(cov.target or 0.0, 3)}
            # Shorter pairs were tried (from 2 content words a side): 2 more hallucinations caught, 5 more
            # untouched FLORES lines flagged (FLORES dev, seed 0). Numbers written as words are no anchor.
            p_unrelated = probability("unrelated", unrelated_features(cov, source, target))
            if mean < self.options.unrelated_below or p_unrelated >= unrelated_at:
                yield self.flag(seg, f"translation shares almost no words with its source "
                                     f"({mean:.0%} of content words matched): unrelated or garbled text",
                                source_text=source, evidence={**evidence, "probability": round(p_unrelated, 3)})
                continue
            x = features(cov, source, target)
            p_omit, p_add = probability("omission", x), probability("addition", x)
            omit_at, add_at = self.options.omission_threshold, self.options.addition_threshold
            omit_at = omit_at if omit_at is not None else model()["omission"]["threshold"]
            add_at = add_at if add_at is not None else model()["addition"]["threshold"]
            if p_omit >= omit_at and p_omit >= p_add:
                runs = cov.unmatched_runs("source", 2)
                missing = [source[a:b] for a, b in runs]
                yield self.flag(seg, "part of the source has no counterpart in the translation"
                                     + (f": “{max(missing, key=len)}”" if missing else ""),
                                source_text=source, category=OMISSION,
                                evidence={**evidence, "probability": round(p_omit, 3), "unmatched_source": missing})
            elif p_add >= add_at:
                runs = cov.unmatched_runs("target", 2)
                span = None
                if runs:
                    found = pair.locate(*max(runs, key=lambda r: r[1] - r[0]))
                    if found:
                        seg, a, b = found
                        span = (seg.start + a, seg.start + b)
                extra = [target[a:b] for a, b in runs]
                yield self.flag(seg, "the translation has words the source does not"
                                     + (f": “{max(extra, key=len)}”" if extra else ""),
                                source_text=source, category=ADDITION, span=span,
                                evidence={**evidence, "probability": round(p_add, 3), "unmatched_target": extra})
