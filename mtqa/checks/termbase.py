"""Terminology: source terms that the user's termbase says must be rendered a given way."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import TERMINOLOGY, Severity

# Context: source lines within this distance of the term (as for word senses, a page mixes topics).
CONTEXT_LINES = 3


@dataclass(frozen=True)
class Term:
    """One termbase entry: a Norwegian term, its accepted French renderings, and optional context
    words of which one must occur near the term for the entry to apply, and French renderings that
    are forbidden (flagged wherever they occur in the translation). `nb` is "" for an entry that
    only forbids."""

    nb: str
    fr: tuple[str, ...]
    context: tuple[str, ...] = ()
    forbidden: tuple[str, ...] = ()


def _fold_source(text: str) -> str:
    # Norwegian: case only. Accents are letters there (å, æ, ø), not decoration.
    return unicodedata.normalize("NFC", text).casefold()


def _fold_target(text: str) -> str:
    """Case- and accent-insensitive French: "Combats" = "combats", "Armée" = "armee"."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def prefix_pattern(phrase: str) -> re.Pattern:
    """A phrase as whole words, the last one as a word prefix (so inflections match:
    "kamp" finds kamp, kampen, kamper, kampene). `phrase` must already be folded."""
    words = phrase.split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"\w*")


class TermbaseCheck(Check):
    """Terms rendered otherwise than the termbase says (runs when mtqa.toml has [[termbase.terms]]).

    A war article's "kamper" rendered "matchs" when the termbase expects "combat". A forbidden
    French term (CSV column forbidden, TBX administrativeStatus deprecated) is flagged wherever it
    occurs, source or not."""

    name = "termbase"
    category = TERMINOLOGY
    needs_source = False      # the forbidden terms need none; the expected renderings are checked where there is one
    enabled_by = "terms"          # in the default set of checks only when terms are configured

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a term rendered otherwise than [termbase] says"})
        forbidden_severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "a French term the termbase forbids, wherever it occurs"})
        terms: tuple[Term, ...] = field(default=(), metadata={
            "help": "the termbase: set from [[termbase.terms]], not from [checks.termbase]", "config": False})

    def unavailable(self) -> str | None:
        return None if self.options.terms else "no termbase configured ([[termbase.terms]] in mtqa.toml)"

    def run(self, data: CheckInput):
        forbidden_on = yield from self._forbidden(data)
        compiled = [(term, prefix_pattern(_fold_source(term.nb)),
                     [prefix_pattern(_fold_source(c)) for c in term.context],
                     [prefix_pattern(_fold_target(r)) for r in term.fr]) for term in self.options.terms
                    if term.nb and term.fr]
        text_by_line: dict[int, list[str]] = {}
        for seg in data.source:
            text_by_line.setdefault(seg.line, []).append(_fold_source(seg.text))
        for pair in data.translated_pairs:
            source = _fold_source(pair.source_text)
            target = _fold_target(pair.target_text)
            lines = [s.line for s in pair.source]
            window = " \n ".join(t for n in range(min(lines) - CONTEXT_LINES, max(lines) + CONTEXT_LINES + 1)
                                 for t in text_by_line.get(n, ()))
            for term, pattern, context, renderings in compiled:
                found = pattern.search(source)
                if found is None:
                    continue
                cues = sorted({m.group(0) for c in context for m in c.finditer(window)})
                if context and not cues:
                    continue
                if any(r.search(target) for r in renderings) or (pair.target[0].index, term) in forbidden_on:
                    continue
                form = pair.source_text[found.start():found.end()] if len(source) == len(pair.source_text) \
                    else found.group(0)
                expected = " / ".join(repr(r) for r in term.fr)
                yield self.flag(
                    pair.target[0],
                    f"{form!r} (termbase: {term.nb!r}) should be rendered {expected}; none is in the translation",
                    source_text=pair.source_text,
                    evidence={"term": term.nb, "source_form": form, "expected": list(term.fr), "context": cues})

    def _forbidden(self, data: CheckInput):
        """Flags for the forbidden French terms; returns {(segment index, term)} flagged."""
        flagged: set[tuple[int, Term]] = set()
        entries = [(term, [(f, whole_words(_fold_target(f))) for f in term.forbidden],
                    [prefix_pattern(_fold_source(c)) for c in term.context]) for term in self.options.terms if term.forbidden]
        if not entries:
            return flagged
        for seg in data.target:
            target = _fold_target(seg.text)
            # None: folding changed the length, so offsets in `target` are not offsets in the text
            folded = target if len(target) == len(seg.text) else None
            for term, patterns, context in entries:
                if context:
                    source = _fold_source(data.source_text_for(seg))
                    if not source or not any(c.search(source) for c in context):
                        continue
                for form, pattern in patterns:
                    found = pattern.search(target)
                    if found is None:
                        continue
                    span = (seg.start + found.start(), seg.start + found.end()) if folded is not None else None
                    expected = " / ".join(repr(r) for r in term.fr)
                    yield self.flag(seg, f"{found.group(0) if folded is None else seg.text[found.start():found.end()]!r}:"
                                    f" the termbase forbids {form!r}" + (f" (use {expected})" if term.fr else ""),
                                    source_text=data.source_text_for(seg), severity=self.options.forbidden_severity,
                                    evidence={"term": term.nb, "forbidden": form, "expected": list(term.fr)}, span=span)
                    flagged.add((seg.index, term))
                    break
        return flagged


def whole_words(phrase: str) -> re.Pattern:
    """A folded French phrase as whole words, a plural -s/-x allowed ("match" finds matchs)."""
    words = phrase.split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"[sx]?(?!\w)")
