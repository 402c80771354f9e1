"""Spacing: double spaces, leading and trailing spaces, and (with the french-nbsp typography
profile) the non-breaking space French typography puts before : ; ! ?"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import HASHTAGS, UI, Segment
from mtqa.core.flags import TYPOGRAPHY, Severity

DOUBLE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
NBSP = "\u00a0\u202f"
# a high punctuation mark after a word or an ordinary space: 12:30, http://, "?!" and ":)" excluded
HIGH = re.compile(r"(?<=[^\s\d:;!?\u00a0\u202f(\[])( ?)([:;!?])(?![\d/:;!?)\w])|(?<=\d)( ?)([;!?])")
URLISH = re.compile(r"\S+://\S+|www\.\S+|\S+@\S+")


class SpacingCheck(Check):
    """Double spaces, leading or trailing spaces not in the source; with profile = "french-nbsp",
    a missing non-breaking space before : ; ! ? (house style, so off by default)."""

    name = "spacing"
    category = TYPOGRAPHY
    needs_source = False

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a double space, or a leading/trailing space, not in the source"})
        profile: Literal["none", "french-nbsp"] = field(default="none", metadata={
            "help": "typography profile: french-nbsp wants a non-breaking space before : ; ! ?"})
        nbsp_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a space before : ; ! ? that is missing or breaking (profile french-nbsp)"})

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind in (HASHTAGS, UI):
                continue
            source = data.source_text_for(seg)
            for m in DOUBLE.finditer(seg.text):
                if not DOUBLE.search(source):
                    yield self.flag(seg, "double space", source_text=source, evidence={"spaces": len(m.group(0))},
                                    span=(seg.start + m.start(), seg.start + m.end()))
                    break
            if self.options.profile == "french-nbsp":
                yield from self._nbsp(seg, source)
        yield from self._edges(data)

    def _edges(self, data: CheckInput):
        if not data.target_lines:
            return
        first: dict[int, Segment] = {}
        for seg in data.target:
            first.setdefault(seg.line, seg)
        for n, seg in sorted(first.items()):
            if seg.kind in (HASHTAGS, UI) or n > len(data.target_lines):
                continue
            line = data.target_lines[n - 1]
            pair = data.pair_of_target.get(seg.index)
            source_lines = [data.source_lines[s.line - 1] for s in (pair.source if pair else ())
                            if 0 < s.line <= len(data.source_lines)]
            if data.has_source and not source_lines:
                continue
            for where, present, span in (("leading", line[:1].isspace(), (0, len(line) - len(line.lstrip()))),
                                         ("trailing", line[-1:].isspace(), (len(line.rstrip()), len(line)))):
                in_source = any((s[:1] if where == "leading" else s[-1:]).isspace() for s in source_lines)
                if present and line.strip() and not in_source:
                    yield self.flag(seg, f"{where} space on the line", source_text=pair.source_text if pair else "",
                                    evidence={"where": where}, span=span)

    def _nbsp(self, seg, source: str):
        urls = [(m.start(), m.end()) for m in URLISH.finditer(seg.text)]
        for m in HIGH.finditer(seg.text):
            space, mark = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
            pos = m.start(2) if m.group(2) else m.start(4)
            if any(s <= pos < e for s, e in urls):
                continue
            problem = "an ordinary space" if space else "no space"
            yield self.flag(seg, f"{problem} before {mark!r}: French typography wants a non-breaking space",
                            source_text=source, severity=self.options.nbsp_severity,
                            evidence={"mark": mark, "profile": self.options.profile},
                            span=(seg.start + m.start(), seg.start + pos + 1))
