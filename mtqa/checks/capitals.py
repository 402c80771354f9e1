"""Capitals: a sentence start capitalised as in the source, acronyms kept in capitals, proper
names (capitalised mid-sentence in the source and found again in the translation) kept capitalised."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import CAPITALIZATION, Severity

WORD = re.compile(r"[^\W\d_][\w'’-]*")
_LEAD = re.compile(r"^[\s«»\"“”‘’'(\[–—\-•*]*")


def first_letter(text: str) -> str:
    m = _LEAD.match(text)
    rest = text[m.end():] if m else text
    return rest[:1]


class CapitalsCheck(Check):
    """A sentence start, an acronym (NRK, NATO) or a proper name capitalised in the source and not
    in the translation ("nrk", "oslo")."""

    name = "capitals"
    category = CAPITALIZATION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "an acronym or a proper name of the source written in lower case"})
        start_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a sentence that starts with a lower-case letter where the source's starts with a capital"})
        min_length: int = field(default=3, metadata={"help": "shortest proper name compared", "min": 2})

    def run(self, data: CheckInput):
        for pair in data.translated_pairs:
            seg = pair.target[0]
            src, tgt = first_letter(pair.source_text), first_letter(seg.text)
            if src.isupper() and tgt.islower():
                lead = _LEAD.match(seg.text)
                assert lead is not None  # a run of zero or more characters: matches every text
                start = seg.start + len(seg.text) - len(seg.text[len(lead.group(0)):])
                yield self.flag(seg, "the sentence starts with a lower-case letter (the source's with a capital)",
                                source_text=pair.source_text, severity=self.options.start_severity,
                                evidence={"source_start": src, "target_start": tgt}, span=(start, start + 1))
            yield from self._words(pair)

    def _words(self, pair):
        source_words = list(WORD.finditer(pair.source_text))
        targets = [(seg, m) for seg in pair.target for m in WORD.finditer(seg.text)]
        by_fold: dict[str, list] = {}
        for seg, m in targets:
            by_fold.setdefault(m.group(0).casefold(), []).append((seg, m))
        done = set()
        for i, m in enumerate(source_words):
            word = m.group(0)
            fold = word.casefold()
            if fold in done or fold not in by_fold:
                continue
            acronym = len(word) >= 2 and word.isupper() and word.isalpha()
            before = pair.source_text[:m.start()].rstrip()
            name = (not acronym and word[:1].isupper() and len(word) >= self.options.min_length and i > 0
                    and before and before[-1] not in ".!?:«\"“–—-")
            if not (acronym or name):
                continue
            found = by_fold[fold]
            if acronym and any(t.group(0).isupper() for _, t in found):
                continue
            if name and any(t.group(0)[:1].isupper() for _, t in found):
                continue
            done.add(fold)
            seg, t = found[0]
            what = "acronym" if acronym else "name"
            yield self.flag(seg, f"{what} {word!r} written {t.group(0)!r} in the translation",
                            source_text=pair.source_text, evidence={"source": word, "target": t.group(0)},
                            span=(seg.start + t.start(), seg.start + t.end()))
