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


# ------------------------------------------------------------------ terms across the article

_FR_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
MAX_TERM_TOKENS = 3  # "taux directeur", "banque centrale européenne"


def _fr_tokens(text: str) -> list[tuple[str, int, int]]:
    """(lowercased token, start, end), elided articles split off ("l’inflation" -> "inflation")."""
    out = []
    for m in _FR_TOKEN.finditer(text):
        word, start = m.group(0), m.start()
        head = re.match(r"(?i)(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu)['’]", word)
        if head:
            word, start = word[head.end():], start + head.end()
        out.append((word.lower(), start, start + len(word)))
    return out


def _fr_terms(text: str) -> dict[tuple[str, ...], tuple[int, int]]:
    """French candidate terms of a text, keyed by their words' stems ("objectifs zoom" and
    "objectif zoom" are one term): runs of 1-3 words joined by spaces or an apostrophe (never
    across punctuation) that begin and end with a content word (stopwords may sit inside: "taux
    de change"), with the span of their first occurrence."""
    from mtqa.text.lexicon import STOPWORDS, stem

    stop = STOPWORDS["fr"]
    toks = _fr_tokens(text)
    stems = [stem(t, "fr") for t, _, _ in toks]
    content = [t not in stop and len(t) >= 3 for t, _, _ in toks]
    out: dict[tuple[str, ...], tuple[int, int]] = {}
    for i, (_, a, _) in enumerate(toks):
        if not content[i]:
            continue
        for j in range(i, min(len(toks), i + MAX_TERM_TOKENS)):
            if j > i and text[toks[j - 1][2]:toks[j][1]].strip(" '’"):
                break  # punctuation between: "milliards d’euros (14,7 milliards" is not a term
            if content[j]:
                out.setdefault(tuple(stems[i:j + 1]), (a, toks[j][2]))
    return out


class TermConsistencyCheck(Check):
    """A source term rendered one way through the article and another way once ("styringsrenten":
    "taux directeur" twice, then "taux de gouvernance"). Model-free and document-level: a French
    term that appears only, and then at least twice, with one Norwegian word is taken as its
    rendering; a sentence that has the word, keeps part of that rendering and not the rest
    renders it differently."""

    name = "term-consistency"
    category = TERMINOLOGY
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={"help": "severity of this check's flags"})
        min_occurrences: int = field(default=3, metadata={
            "help": "sentences a source word must appear in before its renderings are compared", "min": 3})
        min_letters: int = field(default=7, metadata={
            "help": "shortest source word compared (long words: compounds and terms, not light verbs)", "min": 1})

    def run(self, data: CheckInput):
        from mtqa.text.lexicon import content_words, stem

        pairs = [p for p in data.translated_pairs if p.target]
        source_terms: list[set[str]] = []
        target_terms: list[dict[tuple[str, ...], tuple[int, int]]] = []
        spelling: dict[str, str] = {}   # term -> a source word that has it
        names: set[str] = set()         # every source word as a French stem: carried-over names
        for pair in pairs:
            words = content_words(pair.source_text, "nb")
            names.update(stem(w.text.lower(), "fr") for w in words)
            terms = set()
            for w in words:
                if len(w.text) >= self.options.min_letters and w.text[:1].islower():
                    terms.add(w.lemma_stem or w.stem)
                    spelling.setdefault(w.lemma_stem or w.stem, w.text.lower())
            source_terms.append(terms)
            target_terms.append(_fr_terms(pair.target_text))
        line_of = [p.target[0].line for p in pairs]
        where: dict[str, list[int]] = defaultdict(list)
        for k, terms in enumerate(source_terms):
            for t in terms:
                where[t].append(k)
        found: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for k, french in enumerate(target_terms):
            for g in french:
                found[g].append(k)
        for term, beads in sorted(where.items()):
            if len(beads) < self.options.min_occurrences:
                continue
            rendering = self._rendering(term, spelling[term], beads, found, names, line_of, target_terms)
            if rendering is None:
                continue
            with_it = sorted(found[rendering])
            a, b = target_terms[with_it[0]][rendering]
            shown = pairs[with_it[0]].target_text[a:b]
            for k in beads:
                if k not in with_it:
                    yield from self._flag_variant(pairs[k], term, rendering, shown, target_terms[k],
                                                  sorted({line_of[j] for j in with_it}))

    @staticmethod
    def _rendering(term: str, word: str, beads: list[int], found, names: set[str],
                   line_of: list[int], target_terms) -> tuple[str, ...] | None:
        """The French term found with `term` in all of its sentences but one, and nowhere else: of
        those that open with a lexicon translation of the word or of a part of the compound (French
        terms open with their head noun: "taux directeur", "taux de change"), the longest. Terms with
        a word spelt like a source word (a name carried over) render that word, not this one."""
        from mtqa.text.lexicon import compound_translations, lexicon

        need, inside = max(2, len(beads) - 1), set(beads)
        nearby = {g for k in beads for g in target_terms[k]}  # only the French of the term's sentences
        candidates = [g for g in sorted(nearby) for ks in (found[g],)
                      if len(ks) == need and set(ks) <= inside and not names.intersection(g)
                      and len({line_of[k] for k in ks}) > 1]  # two lines, not two sentences of one
        if not candidates:
            return None
        known = lexicon().get(term, frozenset()) | compound_translations(word)
        supported = [g for g in candidates if g[0] in known]
        return max(supported, key=lambda g: (len(g), g)) if supported else None

    def _flag_variant(self, pair, term, rendering, rendering_text, terms, lines):
        """Flag the sentence's own term with the rendering's head noun and other words, if any."""
        variants = [(g, span) for g, span in terms.items()
                    if g != rendering and len(g) > 1 and g[0] == rendering[0]]
        if not variants:
            return  # no trace of the rendering: a pronoun or a rewording, not an inconsistency
        g, (a, b) = max(variants, key=lambda v: (len(v[0]), -v[1][0]))
        seg, a, b = pair.locate(a, b) or (pair.target[0], a, b)
        shown, other = seg.text[a:b], rendering_text
        yield self.flag(seg, f"“{shown}” here, “{other}” for the same source term in line"
                             f"{'s' if len(lines) > 1 else ''} {', '.join(map(str, lines))}",
                        source_text=pair.source_text, span=(seg.start + a, seg.start + b),
                        evidence={"source_term": term, "rendering": other, "lines": lines, "variant": shown})
