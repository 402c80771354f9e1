#!/usr/bin/env python3
"""Fit mtqa's segment quality score (mtqa/data/quality-model.json) on FLORES-200 dev MT outputs.

    python scripts/fit_quality.py features [--flores DIR] [--cache DIR] [--embeddings]
    python scripts/fit_quality.py measure  [--cache DIR]       # each feature's Kendall tau-b vs chrF
    python scripts/fit_quality.py fit      [--cache DIR] [--write]
    python scripts/fit_quality.py swap     [--cache DIR]       # faithful vs swapped lines, +/- back-translation

Data: nb.txt, fr.txt and the Norwegian->French system outputs in mt-nb-fr/ (FLORES-200 *dev*
only; no other split is read). The target of the fit is each line's sentence chrF against the
human fr.txt (sacrebleu, signature printed). The human fr.txt is not fitted on (its
lines translate English, not nb.txt, and read as less literal than MT): it calibrates the
thresholds, and it must score above the systems.

Validation holds out whole systems AND lines: for each system S in turn, fit on the even lines
of the other systems (and of the human file) and test on the odd lines of S. Shipped: a fit on
all lines of all systems, with the thresholds calibrated so that the human fr.txt gets at most
MAJOR_HUMAN_SHARE of its lines at major.

Fitting uses numpy only (ridge least squares on standardised, clipped features).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtqa.text import quality as Q  # noqa: E402

HUMAN = "human"
HUMAN_TARGET = 70.0        # stand-in chrF of a faithful human line
MAJOR_HUMAN_SHARE = 0.002  # calibrate: at most this share of the human lines at major: the other checks already
                           # flag 2.7 % of FLORES human lines at major, and the whole tool must stay under 3 %
MINOR_HUMAN_SHARE = 0.08
RIDGE = 1.0
BAD_CHRF = 30.0


def default_flores() -> Path:
    return ROOT.parent / "shared" / "data" / "flores200-dev"


def read(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def systems(flores: Path) -> dict[str, Path]:
    return {p.stem: p for p in sorted((flores / "mt-nb-fr").glob("*.txt"))}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- features


def cmd_features(args) -> None:
    from sacrebleu.metrics import CHRF

    flores = Path(args.flores)
    nb, ref = read(flores / "nb.txt"), read(flores / "fr.txt")
    chrf = CHRF()
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    outputs = {HUMAN: flores / "fr.txt", **systems(flores)}
    bts = {p.stem: read(p) for p in sorted((flores / "bt-fr-nb").glob("*.txt"))}
    for name, path in outputs.items():
        lines = read(path)
        t0 = time.perf_counter()
        rows = []
        for i, (s, t) in enumerate(zip(nb, lines)):
            f = Q.features(s, t)
            row = {"line": i + 1, **f.values,
                   "chrf": HUMAN_TARGET if name == HUMAN else chrf.sentence_score(t, [ref[i]]).score}
            if name == HUMAN:
                row["true_chrf"] = 100.0
            rows.append(row)
        dt = time.perf_counter() - t0
        print(f"{name}: {len(rows)} lines, {dt:.1f} s features", flush=True)
        if name == HUMAN:
            # the swapped set: line i's French with line j's Norwegian (j far away), bt of the French
            shift = 17
            swapped = []
            for i in range(len(nb)):
                j = (i + shift) % len(nb)
                f = Q.features(nb[i], lines[j])
                swapped.append({"line": i + 1, "donor": j + 1, **f.values})
            (cache / "swapped.json").write_text(json.dumps(swapped))
            for b, bt in bts.items():
                (cache / f"bt-{b}.json").write_text(json.dumps(
                    {"faithful": [chrf.sentence_score(bt[i], [nb[i]]).score for i in range(len(nb))],
                     "swapped": [chrf.sentence_score(bt[(i + shift) % len(nb)], [nb[i]]).score
                                 for i in range(len(nb))]}))
        (cache / f"{name}.json").write_text(json.dumps(rows))
    if args.embeddings:
        embed(flores, outputs, cache)
    meta = {"chrf_signature": str(chrf.get_signature()),
            "data": {p.name if p.parent == flores else f"{p.parent.name}/{p.name}": sha256(p)
                     for p in [flores / "nb.txt", flores / "fr.txt", *systems(flores).values(),
                               *sorted((flores / "bt-fr-nb").glob("*.txt"))]}}
    (cache / "meta.json").write_text(json.dumps(meta, indent=1))
    print("chrF:", meta["chrf_signature"])


def embed(flores: Path, outputs: dict[str, Path], cache: Path) -> None:
    from mtqa.text.embeddings import encode

    nb = read(flores / "nb.txt")
    t0 = time.perf_counter()
    e_nb = encode(nb)
    print(f"nb: {len(nb)} sentences embedded in {time.perf_counter() - t0:.1f} s", flush=True)
    shift = 17
    for name, path in outputs.items():
        t0 = time.perf_counter()
        e_fr = encode(read(path))
        cos = (e_nb * e_fr).sum(1)
        print(f"{name}: embedded in {time.perf_counter() - t0:.1f} s", flush=True)
        (cache / f"emb-{name}.json").write_text(json.dumps([float(c) for c in cos]))
        if name == HUMAN:
            sw = (e_nb * np.roll(e_fr, -shift, axis=0)).sum(1)
            (cache / "emb-swapped.json").write_text(json.dumps([float(c) for c in sw]))


def load(cache: Path) -> dict[str, list[dict]]:
    data = {}
    meta = json.loads((cache / "meta.json").read_text())
    for p in sorted(cache.glob("*.json")):
        if p.stem in ("meta", "swapped") or p.stem.startswith(("emb-", "bt-")):
            continue
        rows = json.loads(p.read_text())
        emb = cache / f"emb-{p.stem}.json"
        if emb.exists():
            for r, c in zip(rows, json.loads(emb.read_text())):
                r["embedding_cosine"] = c
        data[p.stem] = rows
    data["_meta"] = meta
    return data


def tau(x, y) -> float:
    from scipy.stats import kendalltau

    return float(kendalltau(x, y, variant="b").statistic)


def cmd_measure(args) -> None:
    data = load(Path(args.cache))
    meta = data.pop("_meta")
    print("chrF:", meta["chrf_signature"])
    names = [n for n in data if n != HUMAN]
    feats = [f for f in list(Q.BASE_FEATURES) + list(Q.EMBEDDING_FEATURES) if f in data[names[0]][0]]
    print(f"{'feature':20s}" + "".join(f"{n[-12:]:>14s}" for n in names) + f"{'human mean':>12s}" +
          "".join(f"{'mean ' + n[-8:]:>14s}" for n in names))
    for f in feats:
        taus = [tau([r[f] for r in data[n]], [r["chrf"] for r in data[n]]) for n in names]
        means = [np.mean([r[f] for r in data[n]]) for n in [HUMAN] + names]
        print(f"{f:20s}" + "".join(f"{t:14.3f}" for t in taus) + "".join(f"{m:12.3f}" for m in means))


# --------------------------------------------------------------------------- the fit


def design(rows: list[dict], feats, clip=None):
    X = np.array([[r[f] for f in feats] for r in rows], dtype=float)
    if clip is None:
        lo, hi = np.percentile(X, 0.5, axis=0), np.percentile(X, 99.5, axis=0)
        hi = np.where(hi > lo, hi, lo + 1.0)
        clip = (lo, hi)
    return np.clip(X, clip[0], clip[1]), clip


def fit(rows: list[dict], feats) -> dict:
    X, (lo, hi) = design(rows, feats)
    y = np.array([r["chrf"] for r in rows], dtype=float)
    mu, sd = X.mean(0), X.std(0)
    sd = np.where(sd > 0, sd, 1.0)
    Z = (X - mu) / sd
    A = np.c_[np.ones(len(Z)), Z]
    reg = RIDGE * np.eye(A.shape[1])
    reg[0, 0] = 0
    w = np.linalg.solve(A.T @ A + reg, A.T @ y)
    return {"features": list(feats), "intercept": float(w[0]), "coef": [float(v) for v in w[1:]],
            "mean": [float(v) for v in mu], "scale": [float(v) for v in sd],
            "clip_low": [float(v) for v in lo], "clip_high": [float(v) for v in hi]}


def predict(variant: dict, rows: list[dict]) -> np.ndarray:
    return np.array([Q.score(r, variant)[0] for r in rows])


def threshold_for(scores: np.ndarray, share: float) -> float:
    """The score below which at most `share` of `scores` fall."""
    s = np.sort(scores)
    k = int(math.floor(share * len(s)))
    return float(s[k]) if k < len(s) else float(s[-1])


def figures(variant: dict, data: dict, names, lines=None, major=None, minor=None) -> dict:
    out = {}
    for n in names:
        rows = [r for r in data[n] if lines is None or lines(r["line"])]
        p = predict(variant, rows)
        y = np.array([r["chrf"] for r in rows])
        row = {"tau": tau(p, y) if n != HUMAN else None, "mean": float(p.mean()),
               "pearson": float(np.corrcoef(p, y)[0, 1]) if n != HUMAN else None}
        if major is not None:
            bad = y < BAD_CHRF
            flagged = p < major
            row["major_share"] = float(flagged.mean())
            row["recall_major"] = float((flagged & bad).sum() / bad.sum()) if bad.sum() and n != HUMAN else None
            row["precision_major"] = float((flagged & bad).sum() / flagged.sum()) if flagged.sum() and n != HUMAN else None
            if minor is not None:
                row["recall_minor"] = float(((p < minor) & bad).sum() / bad.sum()) if bad.sum() and n != HUMAN else None
        out[n] = row
    return out


VARIANT_SETS = {
    "embeddings": list(Q.BASE_FEATURES) + list(Q.EMBEDDING_FEATURES),
    "model-free": list(Q.BASE_FEATURES),
}


def cmd_fit(args) -> None:
    data = load(Path(args.cache))
    meta = data.pop("_meta")
    names = [n for n in data if n != HUMAN]
    have = set(data[names[0]][0])
    sets = {k: v for k, v in VARIANT_SETS.items() if set(v) <= have}
    report = {}
    for vname, feats in sets.items():
        print(f"== {vname}: {', '.join(feats)}")
        held = {}
        for test in names:
            train = [r for n in names if n != test for r in data[n] if r["line"] % 2 == 0]
            v = fit(train, feats)
            human_even = predict(v, [r for r in data[HUMAN] if r["line"] % 2 == 0])
            major, minor = threshold_for(human_even, MAJOR_HUMAN_SHARE), threshold_for(human_even, MINOR_HUMAN_SHARE)
            f = figures(v, data, [test, HUMAN], lines=lambda k: k % 2 == 1, major=major, minor=minor)
            held[test] = f[test] | {"human_major_share_odd": f[HUMAN]["major_share"], "major": major}
            print(f"  held out {test} (odd lines; fit on even lines of the others): "
                  + ", ".join(f"{k} {val:.3f}" for k, val in held[test].items() if val is not None))
        v = fit([r for n in names for r in data[n]], feats)
        human = predict(v, data[HUMAN])
        v["major_below"] = round(threshold_for(human, MAJOR_HUMAN_SHARE), 2)
        v["minor_below"] = round(threshold_for(human, MINOR_HUMAN_SHARE), 2)
        v["name"] = vname
        full = figures(v, data, [HUMAN] + names, major=v["major_below"], minor=v["minor_below"])
        for n, f in full.items():
            print(f"  all lines {n}: " + ", ".join(f"{k} {val:.3f}" for k, val in f.items() if val is not None))
        print("  coef: " + ", ".join(f"{a} {b:+.2f}" for a, b in zip(v["features"], v["coef"])),
              f"intercept {v['intercept']:.2f}; major < {v['major_below']}, minor < {v['minor_below']}")
        report[vname] = {"variant": v, "held_out": held, "all": full}
    bt_variant = backtranslation_variant(Path(args.cache), report["model-free"]["variant"]) if args.write else None
    if args.write:
        model = {
            "version": 1,
            "what": "mtqa segment quality score: an estimate of the segment's sentence chrF against a human "
                    "reference (0-100), a ridge regression over clipped, standardised features",
            "scale": "0-100, higher is better: an estimate of the segment's sentence chrF against a human "
                     "reference translation. FLORES-200 dev means (model-free): "
                     + ", ".join(f"{n} {f['mean']:.1f}" for n, f in report["model-free"]["all"].items()),
            "training": {
                "script": "scripts/fit_quality.py fit --write",
                "data": "FLORES-200 dev (nb.txt -> mt-nb-fr/*.txt, human fr.txt); the dev split only",
                "files_sha256": meta["data"],
                "systems": names, "lines": "all 997 of each system; human fr.txt for the thresholds only",
                "target": f"sentence chrF against fr.txt ({meta['chrf_signature']})",
                "ridge": RIDGE,
                "thresholds": f"major: {MAJOR_HUMAN_SHARE:.1%} of the human fr.txt lines below; "
                              f"minor: {MINOR_HUMAN_SHARE:.0%}",
                "held_out": {k: r["held_out"] for k, r in report.items()},
            },
            "variants": ([bt_variant] if bt_variant else [])
                        + [report[k]["variant"] for k in ("embeddings", "model-free") if k in report],
        }
        out = ROOT / "mtqa" / "data" / Q.MODEL_FILE
        out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print("wrote", out)


BT_SYSTEM = "opus-mt-fra-nor-2020"   # mtqa's default back-translation model (opus-mt-fr-no)


def backtranslation_variant(cache: Path, base: dict) -> dict | None:
    """The model-free variant plus back-translation chrF. No system output has a back-translation
    here, so the chrF weight cannot be fitted against sentence chrF: it is the weight a logistic
    regression gives bt chrF beside the model-free score when telling faithful lines (fr.txt) from
    swapped ones (fit on even lines), in score points; the thresholds are recalibrated on the
    faithful lines with their back-translation."""
    from sklearn.linear_model import LogisticRegression

    path = cache / f"bt-{BT_SYSTEM}.json"
    if not path.exists():
        return None
    bt = json.loads(path.read_text())
    faithful = json.loads((cache / "human.json").read_text())
    swapped = json.loads((cache / "swapped.json").read_text())
    sf = np.array([Q.score(r, base)[0] for r in faithful])
    ss = np.array([Q.score(r, base)[0] for r in swapped])
    bf, bs = np.array(bt["faithful"]), np.array(bt["swapped"])
    even = np.array([r["line"] % 2 == 0 for r in faithful])
    X = np.r_[np.c_[sf, bf][even], np.c_[ss, bs][even]]
    y = np.r_[np.ones(even.sum()), np.zeros(even.sum())]
    mu, sd = X.mean(0), X.std(0)
    a, b = LogisticRegression().fit((X - mu) / sd, y).coef_[0]
    v = json.loads(json.dumps(base))
    v["name"] = "back-translation"
    v["features"].append("bt_chrf")
    v["coef"].append(float(b / a * sd[0]))
    v["mean"].append(float(bf.mean()))
    v["scale"].append(float(sd[1]))
    v["clip_low"].append(0.0)
    v["clip_high"].append(100.0)
    with_bt = np.array([Q.score({**r, "bt_chrf": c}, v)[0] for r, c in zip(faithful, bf)])
    v["major_below"] = round(threshold_for(with_bt, MAJOR_HUMAN_SHARE), 2)
    v["minor_below"] = round(threshold_for(with_bt, MINOR_HUMAN_SHARE), 2)
    v["fitted"] = (f"bt_chrf weight from faithful vs swapped fr.txt lines ({BT_SYSTEM} back-translations, "
                   "even lines); thresholds on the faithful lines")
    print(f"back-translation variant: bt_chrf {v['coef'][-1]:+.2f} points per sd ({sd[1]:.1f} chrF); "
          f"major < {v['major_below']}, minor < {v['minor_below']}")
    return v


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["features", "measure", "fit", "swap"])
    ap.add_argument("--flores", default=str(default_flores()))
    ap.add_argument("--cache", default="/tmp/mtqa-quality-cache")
    ap.add_argument("--embeddings", action="store_true")
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    {"features": cmd_features, "measure": cmd_measure, "fit": cmd_fit, "swap": cmd_swap}[args.command](args)


def auc(pos, neg) -> float:
    """P(score of a faithful line > score of a swapped one), ties half."""
    from scipy.stats import mannwhitneyu

    return float(mannwhitneyu(pos, neg).statistic / (len(pos) * len(neg)))


def cmd_swap(args) -> None:
    """Faithful lines (fr.txt with its nb line) against swapped ones (another line's French, with
    that French's back-translation): how well the score separates them, model-free, with the
    embedding cosine, and with back-translation chrF (each shared bt-fr-nb/ system). The
    combinations are a logistic regression of score + extra feature fitted on even lines, measured
    on odd lines."""
    cache = Path(args.cache)
    model = Q.load_model()
    v = Q.variant_for(Q.BASE_FEATURES, model)
    faithful = json.loads((cache / "human.json").read_text())
    swapped = json.loads((cache / "swapped.json").read_text())
    sf = np.array([Q.score(r, v)[0] for r in faithful])
    ss = np.array([Q.score(r, v)[0] for r in swapped])
    odd = np.array([r["line"] % 2 == 1 for r in faithful])
    print(f"model-free score: AUC faithful > swapped {auc(sf[odd], ss[odd]):.3f} (odd lines); "
          f"swapped lines at major {np.mean(ss < v['major_below']):.3f}, faithful at major {np.mean(sf < v['major_below']):.3f}")
    extras = {}
    if (cache / "emb-human.json").exists() and (cache / "emb-swapped.json").exists():
        extras["embedding cosine"] = (np.array(json.loads((cache / "emb-human.json").read_text())),
                                      np.array(json.loads((cache / "emb-swapped.json").read_text())))
    for p in sorted(cache.glob("bt-*.json")):
        d = json.loads(p.read_text())
        extras[f"bt chrF ({p.stem[3:]})"] = (np.array(d["faithful"]), np.array(d["swapped"]))
    from sklearn.linear_model import LogisticRegression

    for name, (ef, es) in extras.items():
        print(f"{name} alone: AUC {auc(ef[odd], es[odd]):.3f}")
        X = np.r_[np.c_[sf, ef], np.c_[ss, es]]
        y = np.r_[np.ones(len(sf)), np.zeros(len(ss))]
        train = np.r_[~odd, ~odd]
        mu, sd = X[train].mean(0), X[train].std(0)
        m = LogisticRegression().fit((X[train] - mu) / sd, y[train])
        p = m.decision_function((X - mu) / sd)
        n = len(sf)
        print(f"score + {name}: AUC {auc(p[:n][odd], p[n:][odd]):.3f} (weights {m.coef_[0].round(2).tolist()})")


if __name__ == "__main__":
    main()
