"""The segment quality score (mtqa.text.quality) of every translated bead, and a flag on the low ones.

The score estimates the segment's sentence chrF against a human reference (0-100): a linear
model over model-free features (non-words, invented names, repetition, lexical coverage,
length, numbers, names, untranslated share, cross-lingual chrF, punctuation), fitted by
scripts/fit_quality.py on real Norwegian->French MT of FLORES-200 dev (mtqa/data/quality-model.json).
With `embeddings = true` (mtqa[embeddings]) a cross-lingual sentence similarity joins them.
Every segment of the report carries {score, features}; a score below the model's calibrated
thresholds is flagged, with the features that pulled it down as evidence.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from typing import Any

from mtqa.checks.base import AlignedPair, Check, CheckInput
from mtqa.core.document import HASHTAGS, UI
from mtqa.core.flags import GARBLED, MISTRANSLATION, Severity, at_least

FLUENCY_FEATURES = {"nonword_rate", "unknown_name_rate", "repetition_rate"}
ARTICLE_VARIANT = "model-free"  # the score scale the article calibration was measured on
MAX_CHARS = 5000         # pairs longer than this (not a sentence: a pasted blob) get no score


class QualityCheck(Check):
    """A reference-free quality score for each translated segment (an estimated sentence chrF,
    0-100) and a flag when it is low: garbled French (non-words, invented names, repetition) or
    a translation whose meaning drifted from its source (coverage, names, numbers, length)."""

    name = "quality"
    category = MISTRANSLATION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={"help": "a segment scored below major_below"})
        embeddings: bool = field(default=False, metadata={
            "help": "add the multilingual-e5-small cosine (mtqa[embeddings]; slow on 2 cores)"})
        major_below: float = field(default=0.0, metadata={
            "help": "flag major below this score (0: the model's calibrated threshold)", "min": 0.0, "max": 100.0})
        minor_below: float = field(default=0.0, metadata={
            "help": "flag minor below this score (0: the model's, used only with flag_minor)", "min": 0.0,
            "max": 100.0})
        flag_minor: bool = field(default=False, metadata={
            "help": "also flag minor (8 % of human FLORES lines fall below the model's minor threshold)"})
        article_calibration: bool = field(default=True, metadata={
            "help": "in an article that reads as weak MT overall, flag major below weak_major_below"})
        weak_article_below: float = field(default=50.5, metadata={
            "help": "an article is weak when its unflagged segments' mean score is surely below this",
            "min": 0.0, "max": 100.0})
        weak_major_below: float = field(default=42.0, metadata={
            "help": "the major threshold in a weak article", "min": 0.0, "max": 100.0})
        article_min_segments: int = field(default=10, metadata={
            "help": "fewest unflagged segments an article needs for its calibration", "min": 2})
        # Short segments' chrF, and so their estimate, is low whatever their quality.
        min_words: int = field(default=8, metadata={
            "help": "segments with fewer source words are scored but never flagged", "min": 0})

    def unavailable(self) -> str | None:
        if self.options.embeddings:
            from mtqa.text.embeddings import PACKAGE, available

            if not available():
                return f"embeddings = true needs the {PACKAGE} package (pip install 'mtqa[embeddings]')"
        return None

    def scores(self, data: CheckInput) -> list[tuple[AlignedPair, dict]]:
        """(pair, quality) for each translated pair: quality = {score, model, features, contributions}."""
        from mtqa.mt.roundtrip import chrf_many, sentence_chrf
        from mtqa.text import quality as Q

        todo = [(k, pair) for k, pair in _with_orphans(data.pairs)
                if pair.source and pair.target and not any(s.kind in (HASHTAGS, UI) for s in pair.target)
                and len(pair.source_text) + len(pair.target_text) <= MAX_CHARS]
        if not todo:
            return []
        cosines = None
        if self.options.embeddings:
            from mtqa.text.embeddings import cosines as embed

            cosines = embed([p.source_text for _, p in todo], [p.target_text for _, p in todo])
        cross = chrf_many([p.target_text for _, p in todo], [p.source_text for _, p in todo])  # Q.cross_chrf, at once
        out = []
        for n, (k, pair) in enumerate(todo):
            f = Q.features(pair.source_text, pair.target_text, cross[n])
            values = dict(f.values)
            if cosines is not None:
                values["embedding_cosine"] = cosines[n]
            bt = [data.back_translations[s.index] for s in pair.target if s.index in data.back_translations]
            if bt:
                values["bt_chrf"] = sentence_chrf(" ".join(bt), pair.source_text)
            if k in data.forced_scores:
                values["forced_score"] = data.forced_scores[k]
            variant = Q.variant_for(values)
            s, parts = Q.score(values, variant)
            quality = {"score": round(s, 1), "model": variant["name"],
                       "features": {name: round(values[name], 3) for name in variant["features"]},
                       "contributions": {name: round(v, 1) for name, v in parts.items()},
                       "evidence": f.evidence, "major_below": variant["major_below"],
                       "minor_below": variant["minor_below"]}
            out.append((pair, quality))
        return out

    def run(self, data: CheckInput):
        scored = self.scores(data)
        data.check_state[self.name] = scored  # for review(): the article's calibration
        for pair, quality in scored:
            for seg in pair.target:
                data.segment_data.setdefault(seg.index, {})["quality"] = {
                    k: quality[k] for k in ("score", "model", "features")}
            major = self.options.major_below or quality["major_below"]
            minor = self.options.minor_below or quality["minor_below"]
            if not self.options.flag_minor and not self.options.minor_below:
                minor = major
            s = quality["score"]
            if s >= max(minor, major) or len(pair.source_text.split()) < self.options.min_words:
                continue
            yield self._flag(pair, quality, "major" if s < major else "minor", major, minor)

    def review(self, data: CheckInput, flags):
        """Article calibration: in an article that reads as weak machine translation overall, a
        segment scoring below weak_major_below (not only below major_below) is major.

        A line's chance of being wrong depends on the translation it comes from: about one line in
        seven of a weak MT system (FLORES-200 dev, sentence chrF < 30) against none of a human one.
        The article's level is the mean score of its segments on lines no check flagged at major
        (what is left once the evident damage is set aside, so that an article with a few
        hallucinated lines is not taken for a weak translation as a whole); the article is weak when
        even the upper end of that mean's 95 % one-sided confidence interval lies below
        weak_article_below, which a short article, whose mean is uncertain, rarely reaches.
        Measured on FLORES-200 dev (model-free): weak system 49.2, the two stronger 52.1 and 54.3,
        the human reference 52.8, every injected-error set 51.8 or more."""
        # Measured on the model-free variant's scale only (the back-translation variant's is not an
        # estimated chrF): segments another variant scored take no part.
        scored = [(pair, q) for pair, q in data.check_state.pop(self.name, []) if q["model"] == ARTICLE_VARIANT]
        if not self.options.article_calibration or not scored:
            return
        major_lines = {f.line for f in flags if at_least(f.severity, "major") and not f.suppressed}
        rest = [q["score"] for pair, q in scored
                if not any(seg.line in major_lines for seg in pair.target)]
        if len(rest) < self.options.article_min_segments:
            return
        mean = statistics.fmean(rest)
        upper = mean + 1.645 * statistics.stdev(rest) / math.sqrt(len(rest))
        if upper >= self.options.weak_article_below:
            return
        for pair, quality in scored:
            major = self.options.major_below or quality["major_below"]
            s = quality["score"]
            if (not major <= s < self.options.weak_major_below
                    or len(pair.source_text.split()) < self.options.min_words
                    or any(seg.line in major_lines for seg in pair.target)):
                continue
            yield self._flag(pair, quality, "major", self.options.weak_major_below, quality["minor_below"],
                             article={"mean": round(mean, 1), "upper": round(upper, 1), "segments": len(rest),
                                      "weak_below": self.options.weak_article_below})

    def _flag(self, pair: AlignedPair, quality: dict, severity: str, major: float, minor: float,
              article: dict | None = None):
        s = quality["score"]
        worst = sorted((v, k) for k, v in quality["contributions"].items() if v < 0)[:3]
        fluency_share = -sum(v for v, k in worst if k in FLUENCY_FEATURES)
        category = GARBLED if worst and fluency_share > -sum(v for v, _ in worst) / 2 else MISTRANSLATION
        reasons = ", ".join(f"{k} {quality['features'][k]:g} ({v:+.0f})" for v, k in worst)
        what = "garbled French" if category == GARBLED else "the meaning may have drifted from the source"
        words = quality["evidence"]
        detail = "; ".join(f"{k.replace('_', ' ')}: {', '.join(v[:5])}" for k, v in words.items())
        where = (f", below {major:g} in an article that reads as weak MT overall (its unflagged segments "
                 f"average {article['mean']:g})" if article else "")
        return self.flag(pair.target[0],
                         f"low quality score {s:.0f}/100 ({what}){where}: {reasons}" + (f"; {detail}" if detail else ""),
                         source_text=pair.source_text, category=category, severity=severity,
                         evidence={"score": s, "model": quality["model"], "major_below": major,
                                   "minor_below": minor, "features": quality["features"],
                                   "contributions": quality["contributions"], **words,
                                   **({"article": article} if article else {})})


def _with_orphans(pairs: list[AlignedPair]) -> list[tuple[int, AlignedPair]]:
    """(bead index, pair) with each source sentence the aligner left without a translation (a 1-0
    bead) joined to the neighbouring translated pair of the same source paragraph: the
    translation of that paragraph dropped it, and its score should say so (an omission inside a
    line is seen the same way whether the lines are paired or aligned)."""
    out: list[list[Any]] = [[k, p.source, p.target] for k, p in enumerate(pairs)]
    for i, (k, src, tgt) in enumerate(out):
        if tgt or not src:
            continue
        line = src[0].line
        for j in (i - 1, i + 1):
            if 0 <= j < len(out) and out[j][2] and out[j][1] and any(s.line == line for s in out[j][1]):
                out[j][1] = out[j][1] + src if j < i else src + out[j][1]
                out[i][1] = ()
                break
    return [(k, AlignedPair(tuple(src), tuple(tgt))) for k, src, tgt in out]
