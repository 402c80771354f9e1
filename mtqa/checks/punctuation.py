"""End punctuation and paired marks: a question or exclamation lost or added, brackets and
quotes left unbalanced where the source's are balanced."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import PUNCTUATION, Severity

_CLOSING = " \u00a0\u202f\t«»\"“”‘’'()[]*…"
PAIRS = (("(", ")"), ("[", "]"), ("{", "}"), ("«", "»"), ("“", "”"))


def end_mark(text: str) -> str:
    """"?", "!" or "" : the mark that ends `text`, quotes and brackets after it ignored."""
    stripped = text.rstrip(_CLOSING)
    return stripped[-1] if stripped and stripped[-1] in "?!" else ""


def balance(text: str) -> list[str]:
    """The paired marks of `text` that are unbalanced ("(", "«", '"')."""
    bad = [o for o, c in PAIRS if text.count(o) != text.count(c)]
    if text.count('"') % 2:
        bad.append('"')
    return bad


class PunctuationCheck(Check):
    """A question mark or exclamation mark lost or added; brackets or quotes left open.

    "Hvorfor kom han?" rendered "Pourquoi il est venu." loses the question."""

    name = "punctuation"
    category = PUNCTUATION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a ? or ! of the source lost, or one added"})
        balance_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "brackets or quotes unbalanced in the translation, balanced in the source"})

    def run(self, data: CheckInput):
        for pair in data.translated_pairs:
            seg = pair.target[-1]
            source, target = end_mark(pair.source_text), end_mark(pair.target_text)
            if source != target and (source or target):
                if source:
                    message = f"the source ends with {source!r}, the translation " + (
                        f"with {target!r}" if target else "does not")
                else:
                    message = f"the translation ends with {target!r}, the source does not"
                end = seg.start + len(seg.text.rstrip(_CLOSING))
                yield self.flag(seg, message, source_text=pair.source_text,
                                evidence={"source_end": source, "target_end": target},
                                span=(max(seg.start, end - 1), end) if target else None)
            if not balance(pair.source_text):
                broken = balance(pair.target_text)
                lines = {seg.line for seg in pair.target}
                if data.target_lines:   # a quote may span sentences: only a line left unbalanced counts
                    broken = [b for b in broken if all(b in balance(data.target_lines[n - 1]) for n in lines
                                                       if 0 < n <= len(data.target_lines))]
                if broken:
                    yield self.flag(pair.target[0], "unbalanced " + " ".join(broken) + " (balanced in the source)",
                                    source_text=pair.source_text, severity=self.options.balance_severity,
                                    evidence={"unbalanced": broken})
