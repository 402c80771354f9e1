"""URLs, e-mail addresses, @handles and #tags: never translated, so identical in the translation."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import HASHTAGS, UI
from mtqa.core.flags import DO_NOT_TRANSLATE, Severity

URL = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+", re.IGNORECASE)
EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
HANDLE = re.compile(r"(?<![\w@./])@[A-Za-z_][\w.]*\w|(?<![\w@./])@[A-Za-z_]")
TAG = re.compile(r"(?<![\w&#/])#[^\W\d_][\w-]*", re.UNICODE)
_TRAILING = ".,;:!?)]}'’"


def tokens(text: str) -> list[tuple[str, str, int, int]]:
    """(kind, token, start, end) of the URLs, e-mails, handles and tags in `text`."""
    out = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (("url", URL), ("e-mail", EMAIL), ("handle", HANDLE), ("tag", TAG)):
        for m in pattern.finditer(text):
            start, end = m.start(), m.end()
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            if any(s <= start < e for s, e in taken):
                continue
            taken.append((start, end))
            out.append((kind, text[start:end], start, end))
    return sorted(out, key=lambda t: t[2])


class UrlHandleCheck(Check):
    """URLs, e-mail addresses, @handles and #tags changed, lost or added in the translation.

    Hashtag lines (a line of #tags) are the hashtags check's: not flagged here again."""

    name = "urls-handles"
    category = DO_NOT_TRANSLATE
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "a URL, e-mail address, @handle or #tag of the source missing from the translation"})
        added_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "one in the translation that is not in the source"})

    def run(self, data: CheckInput):
        for pair in data.translated_pairs:
            if any(s.kind in (HASHTAGS, UI) for s in pair.source):
                continue
            source = tokens(pair.source_text)
            if not source and not any(c in pair.target_text for c in "@#/"):
                continue
            target = [(seg, t) for seg in pair.target for t in tokens(seg.text)]
            have = Counter(t[1] for _, t in target)
            want = Counter(t[1] for t in source)
            for kind, token, _, _ in source:
                if have[token] < want[token]:
                    have[token] = want[token]  # one flag per token
                    yield self.flag(pair.target[0], f"{kind} {token} of the source is not in the translation "
                                    "(never translate or change it)", source_text=pair.source_text,
                                    evidence={"kind": kind, "expected": token})
            seen = Counter(t[1] for t in source)
            for seg, (kind, token, start, end) in target:
                if seen[token] > 0:
                    seen[token] -= 1
                    continue
                yield self.flag(seg, f"{kind} {token} is not in the source", source_text=pair.source_text,
                                severity=self.options.added_severity, evidence={"kind": kind, "found": token},
                                span=(seg.start + start, seg.start + end))
