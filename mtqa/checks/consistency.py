"""One source string, one rendering: the same Norwegian text translated two ways in one article."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import TERMINOLOGY, Severity

# Long sentences repeat rarely and legitimately vary; short strings (labels, buttons) should not.
MAX_WORDS = 6


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .:!").lower()


def _grouped(data: CheckInput, side: str) -> dict[str, dict[str, list]]:
    """One-sentence pairs of at most MAX_WORDS words on `side` ("source" or "target"), grouped by
    that side's normalised text, then by the other side's: the renderings of each string."""
    other = "target" if side == "source" else "source"
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for pair in data.pairs:
        key = getattr(pair, f"{side}_text")
        if len(pair.source) == 1 and len(pair.target) == 1 and len(key.split()) <= MAX_WORDS:
            groups[_norm(key)][_norm(getattr(pair, f"{other}_text"))].append(pair)
    return groups


class ConsistencyCheck(Check):
    """Inconsistent renderings of one source string ("Se mer" as both "Voir plus" and "Afficher plus")."""

    name = "consistency"
    category = TERMINOLOGY
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={"help": "severity of this check's flags"})

    def run(self, data: CheckInput):
        for source, by_target in sorted(_grouped(data, "source").items()):
            if len(by_target) < 2:
                continue
            variants = sorted({pairs[0].target_text for pairs in by_target.values()})
            for pairs in by_target.values():
                for pair in pairs:
                    yield self.flag(pair.target[0],
                                    f"{pair.source_text!r} is rendered {len(variants)} ways: " + " / ".join(variants),
                                    source_text=pair.source_text, evidence={"renderings": variants})


class TargetConsistencyCheck(Check):
    """One rendering for several source strings ("Les mer" and "Se mer" both "Voir plus"): the
    other direction of consistency, as Xbench and Verifika report it."""

    name = "target-consistency"
    category = TERMINOLOGY
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={"help": "severity of this check's flags"})

    def run(self, data: CheckInput):
        for target, by_source in sorted(_grouped(data, "target").items()):
            if len(by_source) < 2 or not target:
                continue
            variants = sorted({pairs[0].source_text for pairs in by_source.values()})
            for pairs in by_source.values():
                for pair in pairs:
                    yield self.flag(pair.target[0],
                                    f"{pair.target_text!r} translates {len(variants)} different source strings: "
                                    + " / ".join(variants), source_text=pair.source_text,
                                    evidence={"sources": variants})
