"""French quotation conventions: « guillemets », not Norwegian dash quotes or English “quotes”."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import HASHTAGS, UI
from mtqa.core.flags import QUOTATION, Severity

_DASH_QUOTE = re.compile(r"^\s*(?:[\w .’'\-]{1,40}:\s*)?[–—]\s")
_ENGLISH_QUOTES = re.compile(r"[“”]")


class QuotationCheck(Check):
    """Norwegian dash-quotes ("– Motet deres …") or English quotes (“…”) in French text."""

    name = "quotation"
    category = QUOTATION

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={"help": "severity of this check's flags"})

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind in (HASHTAGS, UI):
                continue
            if _DASH_QUOTE.match(seg.text):
                yield self.flag(seg, "Norwegian dash quote: French uses « … »", source_text=data.source_text_for(seg),
                                evidence={"mark": "–"})
            elif _ENGLISH_QUOTES.search(seg.text):
                yield self.flag(seg, "English quotation marks “…”: French uses « … »",
                                source_text=data.source_text_for(seg), evidence={"mark": "“”"})
