"""Untranslated or mixed-language text: Norwegian left in the French translation."""

from __future__ import annotations

import re

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
    severity = "major"
    min_words = 3            # shorter strings are too short to call
    mixed_share = 0.3        # share of Norwegian words that makes a sentence "mixed"

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind in (HASHTAGS, UI, CREDIT):
                continue  # reported by the furniture checks
            words = _words(seg.text)
            if len(words) < self.min_words:
                continue
            source = data.source_text_for(seg)
            guess = guess_language(seg.text)
            share = norwegian_share(seg.text)
            if source and _norm(source) == _norm(seg.text) and (guess.lang in SCANDINAVIAN or share >= self.mixed_share):
                yield self.flag(seg, "copied from the source without translation", source_text=source,
                                evidence={"identical_to_source": True, "language": guess.lang})
                continue
            if guess.lang in SCANDINAVIAN:
                yield self.flag(seg, f"not French: detected {guess.lang} ({guess.confidence:.2f})", source_text=source,
                                evidence={"language": guess.lang, "confidence": round(guess.confidence, 3),
                                          "norwegian_share": round(share, 3)})
            elif share >= self.mixed_share:
                yield self.flag(seg, f"mixed language: {share:.0%} of the words are Norwegian", source_text=source,
                                evidence={"language": guess.lang, "norwegian_share": round(share, 3)})


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()
