"""Negation: a "not" of the source lost in the translation, or one added to it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import MISTRANSLATION, Severity

# Norwegian negators (Bokmål and Nynorsk forms).
_NB_NEGATION = re.compile(r"\b(?:ikke|ikkje|aldri|ingen|ingenting|intet|ingensteds|verken|hverken|uten|unntatt)\b",
                          re.IGNORECASE)
# French negation: "ne/n' … pas/plus/jamais/rien/personne/aucun/guère/ni", "sans", "aucun", "personne ne",
# "rien ne". Not "ne … que" (restriction), nor a bare "jamais" ("le plus violent jamais vu").
_FR_NEGATION = re.compile(
    r"\b(?:ne\s+|n['’])(?:[\w'’-]+\s+){0,4}?(?:pas|plus|jamais|rien|personne|aucune?|guère|nullement|ni)\b"
    r"|\b(?:sans|aucune?|ni)\b|\b(?:personne|rien)\s+n(?:e\b|['’])",
    re.IGNORECASE)


# Fixed phrases built on a negator that do not negate: "sans doute" (probably), "sans cesse"
# (constantly), "non sans" (not without = with), "sans aucun doute" (certainly).
_FR_NOT_NEGATION = re.compile(r"\b(?:non\s+sans|sans\s+(?:aucun\s+)?doute|sans\s+cesse|sans\s+arrêt)\b",
                              re.IGNORECASE)
# "uten" / "unntatt" (without, except) are prepositions that French often renders without a negator:
# "uten strøm" = "privés d'électricité", "uten energi" = "hors énergie", "unntatt" = "sauf".
_NB_PRIVATIVE = {"uten", "unntatt"}
_FR_PRIVATIVE = re.compile(
    r"\b(?:hors|sauf|excepté(?:e?s?)|à\s+l['’]exception|privée?s?\s+d|dépourvue?s?\s+d|démunie?s?\s+d"
    r"|faute\s+d|en\s+l['’]absence|à\s+part|exempte?s?\s+d|dénuée?s?\s+d|manqu\w*\s+d)",
    re.IGNORECASE)


def negations(text: str, pattern: re.Pattern) -> list[str]:
    if pattern is _FR_NEGATION:
        text = _FR_NOT_NEGATION.sub(lambda m: " " * len(m.group(0)), text)
    return [m.group(0) for m in pattern.finditer(text)]


def polarity_differs(source: str, target: str) -> tuple[list[str], list[str]] | None:
    """The negators of each side when the polarity differs, else None."""
    src = negations(source, _NB_NEGATION)
    tgt = negations(target, _FR_NEGATION)
    if bool(src) == bool(tgt):
        return None
    if src and all(w.lower() in _NB_PRIVATIVE for w in src) and _FR_PRIVATIVE.search(target):
        return None
    return src, tgt


class NegationCheck(Check):
    """Polarity flips: a negated source sentence translated as affirmative ("ikke" lost), or an
    affirmative one translated with "ne … pas". Counts negators on both sides of a bead."""

    name = "negation"
    category = MISTRANSLATION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "Human translators turn negations into antonyms (\"ikke skadet\" -> \"indemne\") in about 4 % "
                    "of FLORES lines, so a polarity difference alone is a hint to review, not a verdict."})

    def run(self, data: CheckInput):
        for pair in data.translated_pairs:
            differs = polarity_differs(pair.source_text, pair.target_text)
            if differs is None:
                continue
            src, tgt = differs
            seg = pair.target[0]
            if src:
                message = f"the source is negated ({', '.join(src)}) but the translation is not"
            else:
                message = f"the translation is negated ({', '.join(tgt)}) but the source is not"
            yield self.flag(seg, message, source_text=pair.source_text,
                            evidence={"source_negators": src, "target_negators": tgt})
