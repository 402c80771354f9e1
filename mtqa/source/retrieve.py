"""Find the Norwegian source of a French article among candidate articles.

Translation changes words but keeps anchors: numbers, names (as consonant skeletons, so
Putin/Poutine match), @handles, and credited people. Candidates are ranked by the cosine
of TF-IDF weighted anchor bags; the confidence is the winner's margin over the runner-up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from mtqa.text.anchors import find_names, find_numbers, handles, skeleton

# Below this cosine the best candidate is not taken as the source.
MIN_SCORE = 0.08
# A cosine at or above this is strong evidence on its own.
GOOD_SCORE = 0.35
# Anchor weights: a shared 5-digit number says more than a shared name.
WEIGHTS = {"n": 1.5, "s": 1.0, "h": 2.0}


@dataclass(frozen=True)
class Candidate:
    path: str
    score: float
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class Retrieval:
    chosen: Candidate | None
    confidence: float
    candidates: tuple[Candidate, ...]
    reason: str

    def to_dict(self) -> dict:
        return {
            "chosen": self.chosen.path if self.chosen else None,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "candidates": [{"path": c.path, "score": round(c.score, 4), "shared_anchors": list(c.shared)}
                           for c in self.candidates],
        }


def anchors(text: str) -> Counter:
    """Bag of language-independent anchors of an article."""
    bag: Counter = Counter()
    for n in find_numbers(text):
        digits = re.sub(r"\D", "", n.value)
        if len(digits) >= 2:  # single digits are everywhere
            bag[f"n:{n.value}"] += 1
    for name in find_names(text, include_initial=True):
        sk = skeleton(name.text.split("-")[0])
        if len(sk) >= 3:
            bag[f"s:{sk}"] += 1
    for h in handles(text):
        bag[f"h:{h.lower()}"] += 1
    return bag


def _weighted(bag: Counter, idf: dict[str, float]) -> dict[str, float]:
    return {a: (1 + math.log(c)) * idf.get(a, 0.0) * WEIGHTS[a[0]] for a, c in bag.items()}


def rank_sources(target_text: str, candidates: list[tuple[str, str]]) -> Retrieval:
    """Rank (path, text) candidates as sources of `target_text`, best first."""
    if not candidates:
        return Retrieval(None, 0.0, (), "no candidate articles")
    target = anchors(target_text)
    bags = [anchors(text) for _, text in candidates]
    n = len(bags)
    df: Counter = Counter(a for bag in bags for a in bag)
    idf = {a: math.log((n + 1) / (df.get(a, 0) + 1)) + 1 for a in set(df) | set(target)}
    tv = _weighted(target, idf)
    tnorm = math.sqrt(sum(v * v for v in tv.values())) or 1.0
    scored = []
    for (path, _), bag in zip(candidates, bags):
        cv = _weighted(bag, idf)
        cnorm = math.sqrt(sum(v * v for v in cv.values())) or 1.0
        shared = sorted(set(tv) & set(cv))
        score = sum(tv[a] * cv[a] for a in shared) / (tnorm * cnorm)
        top = sorted(shared, key=lambda a: -tv[a] * cv[a])[:8]
        scored.append(Candidate(path, score, tuple(a.split(":", 1)[1] for a in top)))
    scored.sort(key=lambda c: (-c.score, c.path))
    best = scored[0]
    runner_up = scored[1].score if len(scored) > 1 else 0.0
    if best.score < MIN_SCORE:
        return Retrieval(None, 0.0, tuple(scored), f"no candidate shares enough anchors (best {best.score:.2f})")
    margin = 1 - runner_up / best.score
    confidence = margin * min(1.0, best.score / GOOD_SCORE)
    reason = (f"cosine {best.score:.2f} vs {runner_up:.2f} for the runner-up; shared anchors: "
              + ", ".join(best.shared[:5]))
    return Retrieval(best, confidence, tuple(scored), reason)
