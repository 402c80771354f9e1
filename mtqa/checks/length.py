"""Omission and addition: translation length against what the language pair's length model expects."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from mtqa.source.align import LENGTH_RATIO, LENGTH_VARIANCE
from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import BODY, CAPTION, NON_CONTENT_KINDS, QUOTE
from mtqa.core.flags import ADDITION, OMISSION, Flag, Severity

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
                flag = self._unmatched_source(data.pairs, k)
                if flag is not None:
                    yield flag
            elif pair.target and not pair.source and data.has_source:
                for seg in pair.target:
                    if seg.kind in _CONTENT and len(seg.text) >= self.options.min_difference:
                        yield self.flag(seg, "sentence has no counterpart in the source (added?)",
                                        category=ADDITION, evidence={"bead": "0-1"})

    def _unmatched_source(self, pairs, k):
        """The flag of a source sentence with no translation (a 1-0 bead), on the line where its
        translation belongs: the line of the translated neighbour whose source paragraph it
        shares; when its neighbours' translations are one line, that line; when it is a source
        paragraph of its own, the gap between its neighbours' lines (the line after the previous
        translation when there is one in between, a blank line or furniture, else that
        translation's line), with no target segment; never the first segment of whatever line
        comes next."""
        pair = pairs[k]
        src_lines = {s.line for s in pair.source}
        before = next((p for p in reversed(pairs[:k]) if p.target), None)
        after = next((p for p in pairs[k + 1:] if p.target), None)
        evidence = {"bead": "1-0"}
        message = "source sentence has no translation (omitted from this line)"
        if before is not None and src_lines & {s.line for s in before.source}:
            return self.flag(before.target[-1], message, source_text=pair.source_text, evidence=evidence)
        if after is not None and src_lines & {s.line for s in after.source}:
            return self.flag(after.target[0], message, source_text=pair.source_text, evidence=evidence)
        if before is not None and after is not None and before.target[-1].line == after.target[0].line:
            return self.flag(before.target[-1], message, source_text=pair.source_text, evidence=evidence)
        if before is None and after is None:
            return None
        first = before.target[-1].line if before is not None else 0
        last = after.target[0].line if after is not None else first + 2
        line = first + 1 if first + 1 < last else first
        evidence = {**evidence, "between_lines": [first or None, last if after is not None else None]}
        where = (f"between lines {first} and {last}" if before is not None and after is not None
                 else f"after line {first}" if before is not None else f"before line {last}")
        return Flag(check=self.name, category=self.category, severity=self.options.severity, line=max(line, 1),
                    message=f"source paragraph has no translation (missing {where})", text="",
                    source_text=pair.source_text, evidence=evidence)
