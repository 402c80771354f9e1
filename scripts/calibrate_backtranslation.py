"""Calibrate the back-translation check's thresholds on FLORES-200 dev (the dev split only).

    python scripts/calibrate_backtranslation.py --back-translation FILE [--name NAME] [--out FILE]
    python scripts/calibrate_backtranslation.py --model DIR [--limit N] [--out FILE]

Faithful pairs: the back-translation of line i of the human French (fr.txt) against line i of
the human Norwegian (nb.txt). Hallucinations: the back-translation of line i+k against the
Norwegian of line i, for k in 10, 37 and 101 (far enough to leave the FLORES article: FLORES
takes a few consecutive sentences per article), i.e. a French line that says something else.
Both are scored with the check's score (mtqa.mt.roundtrip.meaning_score; signature printed).

`major_below` is the FIT_QUANTILE (1.5 %) quantile of the faithful scores, `minor_below` their
5 % quantile, `hallucination_below` the median of the swapped pairs (capped at major_below).
Against overfitting, thresholds are fitted on the even lines and reported on the odd ones (and
the reverse); the thresholds printed for shipping are fitted on all lines.

--back-translation FILE replays a file of Norwegian lines aligned with fr.txt (e.g. the shared
bt-fr-nb/*.txt); --model DIR back-translates fr.txt with a CTranslate2 model and also calibrates
the forced-decoding score (score_batch of nb given fr, faithful vs swapped): `score_major_below`
at its 1.5 % faithful quantile, and the check's combined rule is reported.

--pipeline also runs mtqa's own pipeline (line-aligned article, back-translation check only,
with the fitted thresholds) on faithful and swapped French, and counts major flags: the
acceptance measurement of issue 14.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLORES = REPO.parent / "shared" / "data" / "flores200-dev"
sys.path.insert(0, str(REPO))

from mtqa.mt.roundtrip import meaning_score, meaning_signature  # noqa: E402

OFFSETS = (10, 37, 101)
FIT_QUANTILE = 0.015
MINOR_QUANTILE = 0.05


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def fit(faithful: list[float], swapped: list[float]) -> dict[str, float]:
    major = round(quantile(faithful, FIT_QUANTILE), 1)
    return {"major_below": major, "minor_below": round(max(major, quantile(faithful, MINOR_QUANTILE)), 1),
            "hallucination_below": round(min(major, statistics.median(swapped)), 1)}


def rate(values: list[float], below: float) -> float:
    return 100.0 * sum(v < below for v in values) / max(1, len(values))


def swapped_pairs(n: int) -> list[tuple[int, int]]:
    """(source line i, back-translated line j) for the hallucination pairs."""
    return [(i, (i + k) % n) for i in range(n) for k in OFFSETS]


def calibrate(bt: list[str], nb: list[str]) -> dict:
    n = len(nb)
    faithful = [meaning_score(bt[i], nb[i]) for i in range(n)]
    pairs = swapped_pairs(n)
    swapped = [meaning_score(bt[j], nb[i]) for i, j in pairs]
    held = []
    for fit_parity in (0, 1):
        t = fit([faithful[i] for i in range(fit_parity, n, 2)],
                [s for (i, _), s in zip(pairs, swapped) if i % 2 == fit_parity])
        test_f = [faithful[i] for i in range(1 - fit_parity, n, 2)]
        test_s = [s for (i, _), s in zip(pairs, swapped) if i % 2 != fit_parity]
        held.append({"fit_on": "even" if fit_parity == 0 else "odd", "major_below": t["major_below"],
                     "faithful_major_pct": round(rate(test_f, t["major_below"]), 1),
                     "faithful_minor_pct": round(rate(test_f, t["minor_below"]), 1),
                     "hallucination_caught_pct": round(rate(test_s, t["major_below"]), 1)})
    shipped = fit(faithful, swapped)
    return {"lines": n, "swapped_pairs": len(swapped), "faithful_mean": round(statistics.mean(faithful), 1),
            "swapped_mean": round(statistics.mean(swapped), 1), "held_out": held, "thresholds": shipped,
            "in_sample": {"faithful_major_pct": round(rate(faithful, shipped["major_below"]), 1),
                          "faithful_minor_pct": round(rate(faithful, shipped["minor_below"]), 1),
                          "hallucination_caught_pct": round(rate(swapped, shipped["major_below"]), 1)},
            "_faithful": faithful, "_swapped": swapped}


def calibrate_score(model: str, fr: list[str], nb: list[str], result: dict, compute_type: str) -> dict:
    """The forced-decoding score on faithful and swapped pairs, and the check's combined rule."""
    from mtqa.mt.ct2 import BackTranslator

    translator = BackTranslator(model, compute_type=compute_type, cache_dir=False)
    n = len(nb)
    pairs = swapped_pairs(n)
    faithful = translator.score(fr, nb)
    swapped = translator.score([fr[j] for _, j in pairs], [nb[i] for i, _ in pairs])
    threshold = round(quantile(faithful, FIT_QUANTILE), 3)
    t = result["thresholds"]

    def major(chrf: float, score: float) -> bool:
        return chrf < t["major_below"] or (chrf < t["minor_below"] and score < threshold)

    return {"score_major_below": threshold, "faithful_mean": round(statistics.mean(faithful), 3),
            "swapped_mean": round(statistics.mean(swapped), 3),
            "score_only_caught_pct": round(rate(swapped, threshold), 1),
            "combined_faithful_major_pct": round(100 * sum(map(major, result["_faithful"], faithful)) / n, 1),
            "combined_caught_pct": round(100 * sum(map(major, result["_swapped"], swapped)) / len(swapped), 1)}


def pipeline_rates(fr: list[str], nb: list[str], bt: list[str], thresholds: dict) -> dict:
    """Major back-translation flags of mtqa's pipeline (replayed back-translations, line-aligned)."""
    from mtqa.checks.backtranslation import BackTranslationCheck
    from mtqa.core.document import Document
    from mtqa.mt.replay import ReplayTranslator, pair_lines
    from mtqa.pipeline import check_article

    class Replay(ReplayTranslator):
        def __init__(self, mapping):  # no file: the mapping is given
            self.path, self.sha256, self.lines = Path("flores"), "", len(bt)
            self.mapping, self.thresholds_model, self.thresholds = mapping, "calibration", dict(thresholds)
            self._translated = self._missing = 0

    translator = Replay(pair_lines(fr, bt))
    n = len(nb)

    def majors(target: list[str]) -> int:
        result = check_article(Document("fr", tuple(target)), Document("nb", tuple(nb)),
                               checks=[BackTranslationCheck()], translator=translator, line_aligned=True)
        return len({f.line for f in result.flags if f.severity == "major"})

    faithful = majors(fr)
    caught = sum(majors([fr[(i + k) % n] for i in range(n)]) for k in OFFSETS)
    return {"faithful_major_pct": round(100 * faithful / n, 1),
            "hallucination_caught_pct": round(100 * caught / (n * len(OFFSETS)), 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    what = ap.add_mutually_exclusive_group(required=True)
    what.add_argument("--back-translation", type=Path, help="Norwegian lines aligned with fr.txt")
    what.add_argument("--model", help="CTranslate2 model directory (or pulled name) to back-translate with")
    ap.add_argument("--name", help="label for the output (default: the file or model name)")
    ap.add_argument("--flores", type=Path, default=FLORES)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N lines")
    ap.add_argument("--compute-type", default="auto")
    ap.add_argument("--pipeline", action="store_true", help="also measure with mtqa's pipeline")
    ap.add_argument("--out", type=Path, help="write the figures as JSON")
    args = ap.parse_args()
    if not (args.flores / "nb.txt").exists():
        print(f"flores200-dev not found at {args.flores}", file=sys.stderr)
        return 2
    nb = (args.flores / "nb.txt").read_text(encoding="utf-8").splitlines()
    fr = (args.flores / "fr.txt").read_text(encoding="utf-8").splitlines()
    limit = args.limit or len(nb)
    nb, fr = nb[:limit], fr[:limit]
    if args.back_translation:
        bt = args.back_translation.read_text(encoding="utf-8").splitlines()[:limit]
        if len(bt) != len(nb):
            print(f"{args.back_translation}: {len(bt)} lines, fr.txt has {len(nb)}", file=sys.stderr)
            return 2
        name = args.name or args.back_translation.name
    else:
        from mtqa.mt.ct2 import BackTranslator

        bt = BackTranslator(args.model, compute_type=args.compute_type).translate(fr)
        name = args.name or str(args.model)
    result = calibrate(bt, nb)
    if args.model:
        result["forced_score"] = calibrate_score(args.model, fr, nb, result, args.compute_type)
        result["thresholds"]["score_major_below"] = result["forced_score"]["score_major_below"]
    if args.pipeline:
        result["pipeline"] = pipeline_rates(fr, nb, bt, result["thresholds"])
    result = {"name": name, "score": meaning_signature(), **{k: v for k, v in result.items() if not k.startswith("_")}}
    print(f"{name}: {result['lines']} lines, {result['swapped_pairs']} swapped pairs; score {result['score']}")
    print(f"  mean score: faithful {result['faithful_mean']}, swapped {result['swapped_mean']}")
    for h in result["held_out"]:
        print(f"  fit on {h['fit_on']:4s} lines: major_below {h['major_below']:5.1f} -> held-out faithful major "
              f"{h['faithful_major_pct']:.1f} % (minor {h['faithful_minor_pct']:.1f} %), "
              f"hallucinations caught {h['hallucination_caught_pct']:.1f} %")
    s = result["in_sample"]
    print(f"  fit on all lines: faithful major {s['faithful_major_pct']:.1f} %, minor {s['faithful_minor_pct']:.1f} %,"
          f" hallucinations caught {s['hallucination_caught_pct']:.1f} %")
    if "forced_score" in result:
        print(f"  forced score: {json.dumps(result['forced_score'])}")
    if "pipeline" in result:
        p = result["pipeline"]
        print(f"  mtqa pipeline: faithful lines flagged major {p['faithful_major_pct']:.1f} %, "
              f"hallucinations flagged major {p['hallucination_caught_pct']:.1f} %")
    print("\n[checks.back-translation]")
    for key, value in result["thresholds"].items():
        print(f"{key} = {value}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
