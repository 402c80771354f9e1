"""Flags (MQM-like category + severity + evidence) and the verdict they add up to."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """The flag taxonomy (MQM-like, DESIGN.md). Members are strings: "accuracy/number" == Category.NUMBER."""

    MISTRANSLATION = "accuracy/mistranslation"
    OMISSION = "accuracy/omission"
    ADDITION = "accuracy/addition"
    UNTRANSLATED = "accuracy/untranslated"
    NUMBER = "accuracy/number"
    NAMED_ENTITY = "accuracy/named-entity"
    GRAMMAR = "fluency/grammar"
    GARBLED = "fluency/garbled"
    KICKER = "style/kicker"
    QUOTATION = "locale/quotation"
    TERMINOLOGY = "terminology"
    MARKUP = "fluency/markup"
    DO_NOT_TRANSLATE = "accuracy/do-not-translate"
    PUNCTUATION = "fluency/punctuation"
    TYPOGRAPHY = "locale/typography"
    CAPITALIZATION = "fluency/capitalization"
    RULE = "style/rule"
    BOILERPLATE = "non-content/boilerplate"


class Severity(StrEnum):
    """Flag severities, in ascending order."""

    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


MISTRANSLATION = Category.MISTRANSLATION
OMISSION = Category.OMISSION
ADDITION = Category.ADDITION
UNTRANSLATED = Category.UNTRANSLATED
NUMBER = Category.NUMBER
NAMED_ENTITY = Category.NAMED_ENTITY
GRAMMAR = Category.GRAMMAR
GARBLED = Category.GARBLED
KICKER = Category.KICKER
QUOTATION = Category.QUOTATION
TERMINOLOGY = Category.TERMINOLOGY
BOILERPLATE = Category.BOILERPLATE
MARKUP = Category.MARKUP
DO_NOT_TRANSLATE = Category.DO_NOT_TRANSLATE
PUNCTUATION = Category.PUNCTUATION
TYPOGRAPHY = Category.TYPOGRAPHY
CAPITALIZATION = Category.CAPITALIZATION
RULE = Category.RULE
CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)

SEVERITIES: tuple[str, ...] = tuple(s.value for s in Severity)  # ascending
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}

SEGMENT_HASH_CHARS = 16  # hex digits of segment_hash() shown in reports


def segment_hash(text: str) -> str:
    """The sha256 (hex) of a segment's normalised text: NFC, whitespace runs as one space, trimmed.

    Suppressions name a segment by a prefix of this hash, so they survive re-wrapping and
    non-breaking-space changes but not a change of wording.
    """
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Flag:
    """One finding on one segment of the target (French) file."""

    check: str
    category: str
    severity: str
    line: int                 # 1-based line of the target file
    message: str
    text: str                 # the flagged target segment
    source_text: str = ""     # the aligned source text ("" when there is none)
    segment: int | None = None
    span: tuple[int, int] | None = None  # character offsets within the line
    evidence: dict = field(default_factory=dict, compare=False, hash=False)
    suppressed: str | None = None  # the reason, when a configured suppression matched: reported, never counted
    unit: str | None = None  # the id of the translation unit, when the input is a bilingual file (XLIFF, TMX, PO, JSONL)

    def __post_init__(self) -> None:
        # Enum members in, plain strings out: reports, hashes and messages never see an enum's repr.
        object.__setattr__(self, "category", str(self.category))
        object.__setattr__(self, "severity", str(self.severity))

    def to_dict(self) -> dict:
        return {
            "line": self.line,
            "segment": self.segment,
            "span": list(self.span) if self.span else None,
            "check": self.check,
            "category": self.category,
            "severity": self.severity,
            "message": self.message,
            "text": self.text,
            "source_text": self.source_text,
            "evidence": self.evidence,
            "segment_hash": segment_hash(self.text)[:SEGMENT_HASH_CHARS],
            "suppressed": self.suppressed,
            "unit": self.unit,
        }


def at_least(severity: str, threshold: str) -> bool:
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


def sort_flags(flags: list[Flag]) -> list[Flag]:
    """Stable, deterministic order: by line, span, then most severe first."""
    return sorted(flags, key=lambda f: (f.line, f.span or (0, 0), -SEVERITY_RANK[f.severity], f.check, f.message))


def active(flags: list[Flag]) -> list[Flag]:
    """The flags that count: all but the suppressed ones."""
    return [f for f in flags if f.suppressed is None]


VERDICTS = ("pass", "unchecked", "fail")


def verdict(flags: list[Flag], fail_on: str, checked: bool = True) -> str:
    """The verdict: "fail" when a flag that counts (not suppressed) reaches `fail_on`; else
    "unchecked" when the article had no source (`checked` false: the checks that compare with the
    Norwegian did not run, so nothing says the translation is right); else "pass"."""
    if any(at_least(f.severity, fail_on) for f in active(flags)):
        return "fail"
    return "pass" if checked else "unchecked"
