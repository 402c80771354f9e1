"""Word senses: a polysemous Norwegian word rendered in a sense the article does not use."""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import KICKER, MISTRANSLATION

# The context must name a sense at least this many times, and more than any other sense.
MIN_CUES = 2
# Context: source lines within this distance of the word (a page mixes topics: teasers, captions).
CONTEXT_LINES = 3


@dataclass(frozen=True)
class Sense:
    name: str
    renderings: frozenset[str]
    cues: frozenset[str]


@dataclass(frozen=True)
class AmbiguousWord:
    lemma: str
    forms: frozenset[str]
    senses: tuple[Sense, ...]


@lru_cache(maxsize=1)
def ambiguous_words() -> tuple[AmbiguousWord, ...]:
    with resources.files("mtqa.data").joinpath("senses.toml").open("rb") as fh:
        table = tomllib.load(fh)
    return tuple(
        AmbiguousWord(lemma, frozenset(entry["forms"]),
                      tuple(Sense(name, frozenset(s["fr"]), frozenset(s["cues"])) for name, s in entry["senses"].items()))
        for lemma, entry in table.items())


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_][\w-]*", text.lower())


def _has_rendering(text_lower: str, sense: Sense) -> str | None:
    for r in sorted(sense.renderings):
        if re.search(rf"(?<!\w){re.escape(r.lower())}(?!\w)", text_lower):
            return r
    return None


def context_sense(word: AmbiguousWord, context: Counter) -> Sense | None:
    """The sense the article's words point to, if one clearly wins."""
    counts = sorted(((sum(context[c] for c in s.cues), s.name, s) for s in word.senses), key=lambda t: (-t[0], t[1]))
    best = counts[0]
    if best[0] >= MIN_CUES and (len(counts) == 1 or best[0] > counts[1][0]):
        return best[2]
    return None


class WordSenseCheck(Check):
    """Ambiguous Norwegian words taken in the wrong sense ("kamper" in a war article rendered as
    "matchs"), judged from the source article's context words (data/senses.toml). A kicker with
    such an error is reported as style/kicker."""

    name = "word-sense"
    category = MISTRANSLATION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        """Only the base setting: severity (major)."""

    def run(self, data: CheckInput):
        words_by_line: dict[int, Counter] = {}
        for seg in data.source:
            words_by_line.setdefault(seg.line, Counter()).update(_words(seg.text))
        for pair in data.translated_pairs:
            source_words = set(_words(pair.source_text))
            target_lower = pair.target_text.lower()
            for word in ambiguous_words():
                if not source_words & word.forms:
                    continue
                line = pair.source[0].line
                context = sum((words_by_line.get(n, Counter()) for n in range(line - CONTEXT_LINES,
                                                                              line + CONTEXT_LINES + 1)), Counter())
                expected = context_sense(word, context)
                if expected is None or _has_rendering(target_lower, expected):
                    continue
                for other in word.senses:
                    rendering = other is not expected and _has_rendering(target_lower, other)
                    if not rendering:
                        continue
                    seg = next((s for s in pair.target if rendering.lower() in s.text.lower()), pair.target[0])
                    in_kicker = bool(seg.kicker) and rendering.lower() in seg.kicker.lower()
                    source_form = sorted(source_words & word.forms)[0]
                    cues = sorted(c for c in expected.cues if context[c])[:5]
                    yield self.flag(
                        seg,
                        f"{source_form!r} rendered as {rendering!r} ({other.name}) but the article is about "
                        f"{expected.name} ({', '.join(cues)}): expected e.g. {sorted(expected.renderings)[0]!r}",
                        source_text=pair.source_text, category=KICKER if in_kicker else self.category,
                        evidence={"source_word": source_form, "rendering": rendering, "rendered_sense": other.name,
                                  "context_sense": expected.name, "context_cues": cues,
                                  "kicker": seg.kicker})
                    break
