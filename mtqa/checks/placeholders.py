"""Placeholders and inline markup: printf (%s, %1$d), ICU/brace ({0}, {name}, {{name}}) and the
XLIFF inline tags of a unit (<g>, <x/>, <ph>, <bx/>/<ex/>, <pc>, <sc/>/<ec/>), kept and balanced."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import MARKUP, Severity

# printf: %s %d %1$s %-5.2f %@ ; not "50 % des" (no space flag) nor "%" before a letter of a word.
PRINTF = re.compile(r"%(?:\d+\$)?[-+#0]?\d*(?:\.\d+)?[sdifuxXeEgGc@](?![A-Za-zÀ-ÿ])|%%")
# {0} {name} {{name}} {count, plural, ...} (the argument part only)
BRACE = re.compile(r"\{\{\s*[\w.]+\s*\}\}|\{\s*[\w.]+\s*(?:,[^{}]*)?\}")

OPENERS = {"bx": "ex", "bpt": "ept", "sc": "ec"}
CLOSERS = {v: k for k, v in OPENERS.items()}


def placeholders(text: str) -> list[tuple[str, int, int]]:
    """(placeholder, start, end) of every printf or brace placeholder in `text` ("%%" excluded)."""
    found = [(m.group(0), m.start(), m.end()) for m in PRINTF.finditer(text) if m.group(0) != "%%"]
    found += [(re.sub(r"\s+", "", m.group(0).split(",")[0].rstrip("}")) + "}" if "," in m.group(0)
               else re.sub(r"\s+", "", m.group(0)), m.start(), m.end()) for m in BRACE.finditer(text)]
    return sorted(found, key=lambda p: p[1])


def unbalanced(tags: tuple[str, ...]) -> list[str]:
    """The paired codes of `tags` that are not closed, closed twice or closed before they open."""
    open_: list[str] = []
    bad = []
    for tag in tags:
        kind, _, key = tag.partition(":")
        if kind in OPENERS:
            open_.append(f"{OPENERS[kind]}:{key}")
        elif kind in CLOSERS:
            if tag in open_:
                open_.remove(tag)
            else:
                bad.append(tag)
    return bad + [f"{CLOSERS[t.partition(':')[0]]}:{t.partition(':')[2]}" for t in open_]


class PlaceholderCheck(Check):
    """Placeholders (%s, {0}, {name}) and inline tags lost, added or unbalanced in the translation.

    A lost placeholder breaks the string in the product; a lost or unclosed XLIFF tag breaks the
    formatting the file carries (bold, links)."""

    name = "placeholders"
    category = MARKUP
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "a placeholder or inline tag lost, added or unbalanced"})
        printf: bool = field(default=True, metadata={"help": "compare printf placeholders (%s, %1$d)"})
        braces: bool = field(default=True, metadata={"help": "compare brace placeholders ({0}, {name}, {{name}})"})

    def _kept(self, found):
        return [p for p in found if (p[0].startswith("%") and self.options.printf)
                or (p[0].startswith("{") and self.options.braces)]

    def run(self, data: CheckInput):
        for pair in data.pairs:
            if not pair.source or not pair.target:
                continue
            seg = pair.target[0]
            source = Counter(p[0] for p in self._kept(placeholders(pair.source_text)))
            target_found = self._kept(placeholders(seg.text)) if len(pair.target) == 1 else \
                self._kept(placeholders(pair.target_text))
            target = Counter(p[0] for p in target_found)
            lost = sorted((source - target).elements())
            added = sorted((target - source).elements())
            if lost:
                yield self.flag(seg, "placeholder lost: " + " ".join(lost), source_text=pair.source_text,
                                evidence={"lost": lost, "added": added})
            elif added:
                first = next(p for p in target_found if p[0] in added)
                span = (seg.start + first[1], seg.start + first[2]) if len(pair.target) == 1 else None
                yield self.flag(seg, "placeholder added: " + " ".join(added), source_text=pair.source_text,
                                evidence={"lost": [], "added": added}, span=span)
        for line, (source_tags, target_tags) in sorted(data.markup.items()):
            tagged = next((s for s in data.target if s.line == line), None)
            if tagged is None:
                continue
            source_text = data.source_text_for(tagged)
            lost = sorted((Counter(source_tags) - Counter(target_tags)).elements())
            added = sorted((Counter(target_tags) - Counter(source_tags)).elements())
            broken = unbalanced(target_tags)
            if lost or added:
                parts = ([f"lost {' '.join(lost)}"] if lost else []) + ([f"added {' '.join(added)}"] if added else [])
                yield self.flag(tagged, "inline tags differ from the source: " + "; ".join(parts),
                                source_text=source_text, evidence={"lost": lost, "added": added})
            elif broken:
                yield self.flag(tagged, "inline tags not balanced: " + " ".join(broken), source_text=source_text,
                                evidence={"unbalanced": broken})
