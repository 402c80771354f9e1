"""Meaning, through back-translation: the French translated back into Norwegian should say
what the source says. Low chrF against the source flags mistranslation, omission and
hallucination; the forced-decoding score of the source given the French is a second signal."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.checks.length import length_z
from mtqa.core.document import NON_CONTENT_KINDS
from mtqa.core.flags import ADDITION, MISTRANSLATION, OMISSION, Severity

# The score is mtqa.mt.roundtrip.meaning_score (chrF++, beta 1, lowercased; 0-100). Thresholds
# come, in this order, from the configuration ([checks.back-translation]), from the translator
# (a known model's calibrated thresholds: its registry entry or its manifest; a replayed file
# names its model with --back-translation-model), and else from these generic defaults: the
# calibration of the weaker known model, Tatoeba fra-nor 2020 (opus-mt-fr-no), on FLORES-200
# dev, so that an unknown back-translation flags few faithful lines (docs/BENCHMARKS.md,
# "Back-translation calibration"; scripts/calibrate_backtranslation.py).
MAJOR_BELOW = 20.4
MINOR_BELOW = 23.6
# Forced decoding: mean log-probability per source token given the French. Not calibrated on a
# real model (none can be downloaded where mtqa is developed): run the calibration script with
# --model DIR to measure it.
SCORE_MAJOR_BELOW = -4.0
# Below this the back-translation shares almost nothing with the source: a hallucination.
HALLUCINATION_BELOW = 15.2
THRESHOLDS = ("major_below", "minor_below", "score_major_below", "hallucination_below")
# Length deviation (Gale-Church z) that turns a low chrF into an omission or an addition.
LENGTH_Z = 2.0


class BackTranslationCheck(Check):
    """Segments whose back-translation is far from the aligned source (mistranslation, garbling,
    omission or hallucination), with the back-translation and its chrF as evidence."""

    name = "back-translation"
    category = MISTRANSLATION
    needs_source = True
    needs_model = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "a segment whose back-translation is far from the source"})
        major_below: float = field(default=MAJOR_BELOW, metadata={
            "help": "chrF (0-100) of the back-translation below which a segment is major", "min": 0.0, "max": 100.0})
        minor_below: float = field(default=MINOR_BELOW, metadata={
            "help": "chrF below which it is minor (major when the forced score is low too)", "min": 0.0, "max": 100.0})
        score_major_below: float = field(default=SCORE_MAJOR_BELOW, metadata={
            "help": "mean log-probability per source token given the French: below it a minor chrF is major",
            "max": 0.0})
        hallucination_below: float = field(default=HALLUCINATION_BELOW, metadata={
            "help": "chrF below which a far segment is called a hallucination", "min": 0.0, "max": 100.0})
        length_z: float = field(default=LENGTH_Z, metadata={
            "help": "length z-score that makes a low chrF an omission or an addition", "min": 0.0})
        # chrF of very short strings says little
        min_source_chars: int = field(default=20, metadata={
            "help": "shorter sources are not compared (chrF of short strings says little)", "min": 0})

    def thresholds(self, data: CheckInput) -> dict[str, float]:
        """The thresholds in force: configured ones win, then the translator's calibrated ones."""
        out = {}
        for key in THRESHOLDS:
            if key in self.configured or key not in data.bt_thresholds:  # configured, or nothing better
                out[key] = float(getattr(self.options, key))
            else:
                out[key] = float(data.bt_thresholds[key])
        return out

    def run(self, data: CheckInput):
        from mtqa.mt.roundtrip import meaning_score  # mt is the layer above checks

        th = self.thresholds(data)
        major_below, minor_below = th["major_below"], th["minor_below"]
        for k, pair in enumerate(data.pairs):
            content = [s for s in pair.target if s.kind not in NON_CONTENT_KINDS and s.index in data.back_translations]
            source = " ".join(s.text for s in pair.source if s.kind not in NON_CONTENT_KINDS)
            if not content or len(source) < self.options.min_source_chars:
                continue
            bt = " ".join(data.back_translations[s.index] for s in content)
            chrf = meaning_score(bt, source)
            score = data.forced_scores.get(k)
            evidence = {"back_translation": bt, "chrf": round(chrf, 2)}
            if score is not None:
                evidence["forced_score"] = round(score, 3)
            low_score = score is not None and score < th["score_major_below"]
            if chrf < major_below or (chrf < minor_below and low_score):
                category, what = self._diagnose(chrf, len(source), sum(len(s.text) for s in content),
                                                th["hallucination_below"])
                evidence["diagnosis"] = what
                yield self.flag(content[0], f"back-translation far from the source (chrF {chrf:.1f}): {what}",
                                source_text=pair.source_text, evidence=evidence, category=category)
            elif chrf < minor_below:
                yield self.flag(content[0], f"back-translation differs from the source (chrF {chrf:.1f})",
                                source_text=pair.source_text, evidence=evidence, severity="minor")

    def _diagnose(self, chrf: float, source_chars: int, target_chars: int,
                  hallucination_below: float) -> tuple[str, str]:
        z = length_z(source_chars, target_chars)
        if z <= -self.options.length_z:
            return OMISSION, "much shorter than the source: content omitted"
        if z >= self.options.length_z:
            return ADDITION, "much longer than the source: content added"
        if chrf < hallucination_below:
            return MISTRANSLATION, "unrelated to the source: hallucination"
        return MISTRANSLATION, "meaning differs from the source"
