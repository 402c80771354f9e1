"""Omission and addition: translation length against what the language pair's length model expects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mtqa.source.align import LENGTH_RATIO, LENGTH_VARIANCE
from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import BODY, CAPTION, NON_CONTENT_KINDS, QUOTE
from mtqa.core.flags import ADDITION, OMISSION, Severity

_CONTENT = (BODY, QUOTE, CAPTION)


def length_z(source_chars: int, target_chars: int) -> float:
    """Gale-Church deviation: how many standard deviations the target length is from expected."""
    expected = source_chars * LENGTH_RATIO
    return (target_chars - expected) / math.sqrt(max(source_chars, 1) * LENGTH_VARIANCE)


class LengthCheck(Check):
    """Translations much shorter (omission) or longer (addition) than the source, and source
    sentences with no translation at all."""

    name = "length"
    category = OMISSION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "a source sentence with no translation, or the reverse"})
        # A length ratio alone is weak evidence (translators condense and expand): minor. The
        # `coverage` check weighs the ratio together with the words matched and flags at major.
        ratio_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a translation much shorter or longer than the length model expects"})
        # Thresholds from the FLORES nb/fr length model: about 0.4 % of human pairs lie below z = -2.5
        # and 0.1 % above z = 3.5 (translators expand more often than they condense); with the
        # 25-character floor they keep `mtqa check` on FLORES human pairs under 3 % of lines flagged.
        omission_z: float = field(default=2.5, metadata={
            "help": "omission when the length z-score is at or below -omission_z", "min": 0.0})
        addition_z: float = field(default=3.5, metadata={
            "help": "addition when the length z-score is at or above addition_z", "min": 0.0})
        min_difference: int = field(default=25, metadata={
            "help": "... and only when at least this many characters are missing or added", "min": 0})

    def run(self, data: CheckInput):
        for k, pair in enumerate(data.pairs):
            content_src = [s for s in pair.source if s.kind not in NON_CONTENT_KINDS]
            if pair.target and content_src:
                src_len = sum(len(s.text) for s in content_src)
                tgt = [s for s in pair.target if s.kind not in NON_CONTENT_KINDS]
                tgt_len = sum(len(s.text) for s in tgt)
                if not tgt:
                    continue
                z = length_z(src_len, tgt_len)
                diff = tgt_len - src_len * LENGTH_RATIO
                evidence = {"source_chars": src_len, "target_chars": tgt_len, "z": round(z, 2)}
                if z <= -self.options.omission_z and -diff >= self.options.min_difference:
                    yield self.flag(tgt[0], f"translation is {tgt_len} characters for a {src_len}-character source:"
                                    " part of the source may be missing", source_text=pair.source_text,
                                    evidence=evidence, severity=self.options.ratio_severity)
                elif z >= self.options.addition_z and diff >= self.options.min_difference:
                    yield self.flag(tgt[0], f"translation is {tgt_len} characters for a {src_len}-character source:"
                                    " text may have been added", source_text=pair.source_text, evidence=evidence,
                                    category=ADDITION, severity=self.options.ratio_severity)
            elif not pair.target and content_src and any(s.kind in _CONTENT for s in content_src):
                anchor = _nearest_target(data.pairs, k)
                if anchor is not None:
                    yield self.flag(anchor, "source sentence has no translation (omitted near this line)",
                                    source_text=pair.source_text, evidence={"bead": "1-0"})
            elif pair.target and not pair.source and data.has_source:
                for seg in pair.target:
                    if seg.kind in _CONTENT and len(seg.text) >= self.options.min_difference:
                        yield self.flag(seg, "sentence has no counterpart in the source (added?)",
                                        category=ADDITION, evidence={"bead": "0-1"})


def _nearest_target(pairs, k):
    for pair in pairs[k + 1:]:
        if pair.target:
            return pair.target[0]
    for pair in reversed(pairs[:k]):
        if pair.target:
            return pair.target[-1]
    return None
