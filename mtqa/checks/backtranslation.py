"""Meaning, through back-translation: the French translated back into Norwegian should say
what the source says. Low chrF against the source flags mistranslation, omission and
hallucination; the forced-decoding score of the source given the French is a second signal."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.checks.length import length_z
from mtqa.core.document import NON_CONTENT_KINDS
from mtqa.core.flags import ADDITION, MISTRANSLATION, OMISSION, Severity

# Defaults, not yet calibrated with a real model here (no model can be downloaded in this
# environment): run scripts/calibrate_backtranslation.py --model DIR and set the printed
# thresholds in the configuration. chrF is 0-100.
MAJOR_BELOW = 20.0
MINOR_BELOW = 32.0
# Forced decoding: mean log-probability per source token given the French.
SCORE_MAJOR_BELOW = -4.0
# Below this the back-translation shares almost nothing with the source: a hallucination.
HALLUCINATION_BELOW = 10.0
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

    def run(self, data: CheckInput):
        from mtqa.mt.roundtrip import sentence_chrf  # mt is the layer above checks

        for k, pair in enumerate(data.pairs):
            content = [s for s in pair.target if s.kind not in NON_CONTENT_KINDS and s.index in data.back_translations]
            source = " ".join(s.text for s in pair.source if s.kind not in NON_CONTENT_KINDS)
            if not content or len(source) < self.options.min_source_chars:
                continue
            bt = " ".join(data.back_translations[s.index] for s in content)
            chrf = sentence_chrf(bt, source)
            score = data.forced_scores.get(k)
            evidence = {"back_translation": bt, "chrf": round(chrf, 2)}
            if score is not None:
                evidence["forced_score"] = round(score, 3)
            low_score = score is not None and score < self.options.score_major_below
            if chrf < self.options.major_below or (chrf < self.options.minor_below and low_score):
                category, what = self._diagnose(chrf, len(source), sum(len(s.text) for s in content))
                evidence["diagnosis"] = what
                yield self.flag(content[0], f"back-translation far from the source (chrF {chrf:.1f}): {what}",
                                source_text=pair.source_text, evidence=evidence, category=category)
            elif chrf < self.options.minor_below:
                yield self.flag(content[0], f"back-translation differs from the source (chrF {chrf:.1f})",
                                source_text=pair.source_text, evidence=evidence, severity="minor")

    def _diagnose(self, chrf: float, source_chars: int, target_chars: int) -> tuple[str, str]:
        z = length_z(source_chars, target_chars)
        if z <= -self.options.length_z:
            return OMISSION, "much shorter than the source: content omitted"
        if z >= self.options.length_z:
            return ADDITION, "much longer than the source: content added"
        if chrf < self.options.hallucination_below:
            return MISTRANSLATION, "unrelated to the source: hallucination"
        return MISTRANSLATION, "meaning differs from the source"
