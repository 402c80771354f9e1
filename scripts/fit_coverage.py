#!/usr/bin/env python3
"""Fit the omission / addition model of the `coverage` check (mtqa/checks/coverage.py).

Training data: injected omissions and additions (mtqa.eval, seed 0) on the EVEN lines of
FLORES-200 dev, with the untouched lines as negatives; the ODD lines are held out and scored
here. A logistic regression over the check's features (standardised); its threshold is set so
that at most --fp of the untouched training lines are flagged. Writes mtqa/data/coverage-model.json.

    pip install -e '.[bench]'
    python scripts/fit_coverage.py [--flores DIR] [--fp 0.005]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mtqa.checks.coverage import FEATURES, features  # noqa: E402
from mtqa.eval import build_eval_set, default_flores_dir  # noqa: E402
from mtqa.text.lexicon import coverage  # noqa: E402


def rows(lines, parity: int):
    X, y = [], []
    for x in lines:
        if x.line % 2 != parity:
            continue
        X.append(features(coverage(x.source, x.target), x.source, x.target))
        y.append(1 if x.category else 0)
    return np.array(X), np.array(y)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flores", type=Path, default=None)
    ap.add_argument("--fp", type=float, default=0.005, help="share of untouched training lines allowed over the threshold")
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "mtqa" / "data" / "coverage-model.json")
    args = ap.parse_args()
    flores = args.flores or default_flores_dir()
    if not flores.is_dir():
        sys.exit(f"{flores}: FLORES folder not found")
    sets = build_eval_set(flores, seed=0, categories=["omission", "addition"])
    out = {"features": list(FEATURES), "trained_on": "FLORES-200 dev even lines, mtqa.eval seed 0",
           "fp_target": args.fp}
    for kind in ("omission", "addition"):
        X, y = rows(sets[kind], 0)
        mean, scale = X.mean(axis=0), X.std(axis=0) + 1e-9
        lr = LogisticRegression(C=1.0, max_iter=5000).fit((X - mean) / scale, y)
        p_train = lr.predict_proba((X - mean) / scale)[:, 1]
        threshold = float(np.quantile(p_train[y == 0], 1 - args.fp))
        Xh, yh = rows(sets[kind], 1)
        ph = lr.predict_proba((Xh - mean) / scale)[:, 1] >= threshold
        tp, fp = int((ph & (yh == 1)).sum()), int((ph & (yh == 0)).sum())
        fn = int((~ph & (yh == 1)).sum())
        p, r = tp / max(1, tp + fp), tp / max(1, tp + fn)
        f1 = 2 * p * r / max(1e-9, p + r)
        print(f"{kind}: held-out odd lines  P {p:.3f}  R {r:.3f}  F1 {f1:.3f}  "
              f"FP rate {fp / max(1, int((yh == 0).sum())):.4f}  (threshold {threshold:.3f})")
        out[kind] = {"intercept": round(float(lr.intercept_[0]), 6),
                     "coef": [round(float(c), 6) for c in lr.coef_[0]],
                     "mean": [round(float(v), 6) for v in mean], "scale": [round(float(v), 6) for v in scale],
                     "threshold": round(threshold, 6),
                     "held_out": {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f1, 4)}}
    args.output.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"-> {args.output}")


if __name__ == "__main__":
    main()
