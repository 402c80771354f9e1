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


def negations(text: str, pattern: re.Pattern) -> list[str]:
    return [m.group(0) for m in pattern.finditer(text)]


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
            src = negations(pair.source_text, _NB_NEGATION)
            tgt = negations(pair.target_text, _FR_NEGATION)
            if bool(src) == bool(tgt):
                continue
            seg = pair.target[0]
            if src:
                message = f"the source is negated ({', '.join(src)}) but the translation is not"
            else:
                message = f"the translation is negated ({', '.join(tgt)}) but the source is not"
            yield self.flag(seg, message, source_text=pair.source_text,
                            evidence={"source_negators": src, "target_negators": tgt})
