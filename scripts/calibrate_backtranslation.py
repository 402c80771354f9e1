"""Calibrate the back-translation check's chrF thresholds for a model on FLORES-200 dev.

    python scripts/calibrate_backtranslation.py --model DIR [--limit N] [--out FILE]

Back-translates the human French (fr.txt) and the four machine translations into
Norwegian with the model, scores each line's chrF against the human Norwegian (nb.txt),
and prints the distributions with suggested thresholds: `major_below` at the 1st and
`minor_below` at the 5th percentile of the human French, so at most ~1 % / ~5 % of
faithful human lines would be flagged. Paste the printed values into the configuration.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLORES = REPO.parent / "shared" / "data" / "flores200-dev"
sys.path.insert(0, str(REPO))

from mtqa.mt.roundtrip import chrf_signature, sentence_chrf  # noqa: E402
from mtqa.mt.ct2 import BackTranslator  # noqa: E402

SYSTEMS = ("fr.txt", "fr.mt-google.txt", "fr.mt-microsoft.txt", "fr.mt-bergamot-base-memory.txt",
           "fr.mt-bergamot-tiny.txt")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N lines")
    ap.add_argument("--compute-type", default="auto")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not (FLORES / "nb.txt").exists():
        print(f"flores200-dev not found at {FLORES}", file=sys.stderr)
        return 2
    nb = (FLORES / "nb.txt").read_text(encoding="utf-8").splitlines()
    limit = args.limit or len(nb)
    nb = nb[:limit]
    translator = BackTranslator(args.model, compute_type=args.compute_type)
    rows, human = [], []
    for name in SYSTEMS:
        fr = (FLORES / name).read_text(encoding="utf-8").splitlines()[:limit]
        scores = [sentence_chrf(bt, ref) for bt, ref in zip(translator.translate(fr), nb)]
        if name == "fr.txt":
            human = scores
        rows.append((name, statistics.mean(scores), percentile(scores, 1), percentile(scores, 5),
                     percentile(scores, 50)))
    lines = [f"model: {translator.model_dir} ({translator.compute_type}), {limit} lines; chrF {chrf_signature()}", "",
             "| French | mean chrF | p1 | p5 | median |", "| --- | --- | --- | --- | --- |"]
    lines += [f"| {n} | {m:.1f} | {p1:.1f} | {p5:.1f} | {p50:.1f} |" for n, m, p1, p5, p50 in rows]
    lines += ["", "[checks.back-translation]", f"major_below = {percentile(human, 1):.1f}",
              f"minor_below = {percentile(human, 5):.1f}"]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
