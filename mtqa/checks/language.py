"""Untranslated or mixed-language text: Norwegian left in the French translation."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import CREDIT, HASHTAGS, UI
from mtqa.core.flags import UNTRANSLATED
from mtqa.text.langid import guess_language, norwegian_share, norwegian_words

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
        # A clause left in Norwegian inside a French sentence is too small a share to call mixed, but
        # it is a verbatim copy of the source: on FLORES dev no human or MT line copies 3 words with 2
        # Norwegian ones among them, while 20 of the 21 partly untranslated lines under 30 % do.
        copied_words: int = field(default=3, metadata={
            "help": "words in a row copied from the source that make a run left untranslated", "min": 1})
        copied_norwegian: int = field(default=2, metadata={
            "help": "Norwegian words such a copied run must hold (names and numbers are copied legitimately)",
            "min": 1})

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
            elif source and share > 0:
                run = copied_run(source, seg.text)
                if run and run.words >= self.options.copied_words and run.norwegian >= self.options.copied_norwegian:
                    copied = seg.text[run.start:run.end]
                    yield self.flag(seg, f"left untranslated: “{copied}” is copied from the source",
                                    source_text=source, span=(seg.start + run.start, seg.start + run.end),
                                    evidence={"copied_from_source": copied, "words": run.words,
                                              "norwegian_words": run.norwegian,
                                              "norwegian_share": round(share, 3)})


class CopiedRun(NamedTuple):
    start: int       # character offsets in the (NFC) target
    end: int
    words: int       # words in the run
    norwegian: int   # of them, labelled Norwegian


_WORD = re.compile(r"[^\W_]+")


def copied_run(source: str, target: str) -> CopiedRun | None:
    """The run of consecutive target words found word for word (case aside) in the source that
    holds the most Norwegian words (then the longest); None when no Norwegian word is copied."""
    target = unicodedata.normalize("NFC", target)
    nb_starts = {start for start, _ in norwegian_words(target)}
    if not nb_starts:
        return None
    src = [m.group().lower() for m in _WORD.finditer(unicodedata.normalize("NFC", source))]
    where: dict[str, list[int]] = {}
    for j, word in enumerate(src):
        where.setdefault(word, []).append(j)
    tgt = [(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(target)]
    best: CopiedRun | None = None
    for i, (word, _, _) in enumerate(tgt):
        if word not in where:
            continue
        length = 0
        for j in where[word]:
            k = 0
            while i + k < len(tgt) and j + k < len(src) and tgt[i + k][0] == src[j + k]:
                k += 1
            length = max(length, k)
        run = tgt[i:i + length]
        found = CopiedRun(run[0][1], run[-1][2], length, sum(start in nb_starts for _, start, _ in run))
        if found.norwegian and (best is None or (found.norwegian, found.words) > (best.norwegian, best.words)):
            best = found
    return best


def _norm(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()
