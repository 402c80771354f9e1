"""mtqa's own chrF2 gives sacrebleu's CHRF() value to the last bit."""

from __future__ import annotations

import random

import pytest

from mtqa.mt.roundtrip import _chrf, sentence_chrf

pytest.importorskip("sacrebleu")

PAIRS = [
    ("Lundi, des scientifiques de l'École de médecine de l'Université de Stanford ont annoncé",
     "På mandag kunngjorde forskere fra Stanford University School of Medicine"),
    ("aaaa aaaa aaaa", "aaa aa"), ("abcabcabc", "abcabc"), ("a", "a"), ("ab", "a"), ("é", "e"),
    ("\u00a0é\u2003x", "é x"), ("Le 12 mai 2024", "12. mai 2024"), ("x" * 7, "x" * 3),
]


def test_sentence_chrf_equals_sacrebleu():
    rnd = random.Random(1)
    pairs = list(PAIRS)
    alphabet = "ab cdé"
    for _ in range(500):
        pairs.append(("".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30))),
                      "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30)))))
    metric = _chrf()
    for hyp, ref in pairs:
        expected = metric.sentence_score(hyp, [ref]).score if hyp.strip() and ref.strip() else 0.0
        assert sentence_chrf(hyp, ref) == expected, (hyp, ref)


def test_blank_sides_score_zero():
    assert sentence_chrf("  ", "abc") == 0.0 and sentence_chrf("abc", "") == 0.0


def test_chrf_many_equals_sentence_chrf():
    from mtqa.mt.roundtrip import chrf_many

    rnd = random.Random(2)
    alphabet = "ab cdéøå\u00a0Œ𝔘"
    hyps, refs = [], []
    for k in range(300):
        hyps.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))))
        refs.append("".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))))
    hyps += [h for h, _ in PAIRS] + ["   ", "x"]
    refs += [r for _, r in PAIRS] + ["abc", "  "]
    assert chrf_many(hyps, refs) == [sentence_chrf(h, r) for h, r in zip(hyps, refs)]
    assert chrf_many(hyps[:3], refs[:3]) == [sentence_chrf(h, r) for h, r in zip(hyps[:3], refs[:3])]
    assert chrf_many([], []) == []
