"""Untranslated or mixed-language text: Norwegian left in the French translation."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import CREDIT, HASHTAGS, UI
from mtqa.core.flags import UNTRANSLATED
from mtqa.text.langid import guess_language, norwegian_share

SCANDINAVIAN = {"nb", "nn", "da", "sv", "no"}


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+", text)


class UntranslatedCheck(Check):
    """Text left in Norwegian (a whole sentence, or part of one) inside the French translation."""

    name = "untranslated"
    category = UNTRANSLATED

    @dataclass(frozen=True)
    class Options(Check.Options):
        min_words: int = field(default=3, metadata={
            "help": "segments with fewer words are too short to call", "min": 0})
        mixed_share: float = field(default=0.3, metadata={
            "help": "share of Norwegian words that makes a French sentence mixed", "min": 0.0, "max": 1.0})

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind in (HASHTAGS, UI, CREDIT):
                continue  # reported by the furniture checks
            words = _words(seg.text)
            if len(words) < self.options.min_words:
                continue
            source = data.source_text_for(seg)
            guess = guess_language(seg.text)
            share = norwegian_share(seg.text)
            if source and _norm(source) == _norm(seg.text) and (guess.lang in SCANDINAVIAN or share >= self.options.mixed_share):
                yield self.flag(seg, "copied from the source without translation", source_text=source,
                                evidence={"identical_to_source": True, "language": guess.lang})
                continue
            if guess.lang in SCANDINAVIAN:
                yield self.flag(seg, f"not French: detected {guess.lang} ({guess.confidence:.2f})", source_text=source,
                                evidence={"language": guess.lang, "confidence": round(guess.confidence, 3),
                                          "norwegian_share": round(share, 3)})
            elif share >= self.options.mixed_share:
                yield self.flag(seg, f"mixed language: {share:.0%} of the words are Norwegian", source_text=source,
                                evidence={"language": guess.lang, "norwegian_share": round(share, 3)})


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()
