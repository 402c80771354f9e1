"""Line-level scores of the flags against the labels, and the injected-errors measurement (`evaluate`).

Scoring (`score_documents`), for a label category c and a severity threshold t (a flag counts
when its severity is >= t):

* a labelled line is detected (TP) when it carries a flag at >= t whose category is in
  `DETECTS[c]` (for gold files: the category itself); otherwise it is a miss (FN);
* FP: a line not labelled c (in a document where c is measured) that carries such a flag;
  for injected sets these are the untouched lines of the set of c;
* "recall, any flag": labelled lines with any flag at >= t, whatever its category;
* FP rate: untouched lines (no label at all) with any flag at >= t, over untouched lines.
  The untouched FLORES lines are independent human translations of one English sentence,
  not translations of each other, so some of these "false" positives are real differences
  (FLORES line 3: 21:30 in nb, 9 h 30 in fr).

`EvalReport` holds the results with a sacrebleu-style `signature`; `kendall_tau_b` is the rank
correlation used against chrF (mtqa.eval.systems).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Sequence

from mtqa import __version__
from mtqa.core.flags import SEVERITIES
from mtqa.eval.inject import CATEGORIES, DETECTS, INJECTOR_VERSION, InjectedLine
from mtqa.eval.run import CheckedDocument, _resolve_checks, _run_documents, alignment_scores

if TYPE_CHECKING:
    from mtqa.eval.systems import SystemsReport

VIEWS = ("minor", "major")


@dataclass(frozen=True)
class CategoryScore:
    category: str
    support: int          # labelled lines
    tp: int
    fp: int
    fn: int
    precision: float | None
    recall: float | None
    f1: float | None
    detected_any: int     # labelled lines with any flag
    untouched: int        # unlabelled lines of the documents where the category is measured
    untouched_flagged: int

    @property
    def recall_any(self) -> float | None:
        return _ratio(self.detected_any, self.support)

    @property
    def fp_rate(self) -> float | None:
        return _ratio(self.untouched_flagged, self.untouched)

    def to_dict(self) -> dict:
        return {"category": self.category, "support": self.support, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": _round(self.precision), "recall": _round(self.recall), "f1": _round(self.f1),
                "recall_any_flag": _round(self.recall_any), "untouched_lines": self.untouched,
                "untouched_flagged": self.untouched_flagged, "fp_rate": _round(self.fp_rate)}


@dataclass(frozen=True)
class ViewScores:
    threshold: str
    rows: list[CategoryScore]
    any_flag: CategoryScore   # line level, whatever the category: flawed lines vs untouched lines

    @property
    def micro(self) -> dict:
        tp, fp, fn = (sum(getattr(r, k) for r in self.rows) for k in ("tp", "fp", "fn"))
        p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": _f1(p, r)}

    @property
    def macro_f1(self) -> float | None:
        values = [r.f1 or 0.0 for r in self.rows if r.support]
        return sum(values) / len(values) if values else None

    def to_dict(self) -> dict:
        micro = {k: (_round(v) if isinstance(v, float) else v) for k, v in self.micro.items()}
        return {"threshold": self.threshold, "categories": [r.to_dict() for r in self.rows],
                "micro": micro, "macro_f1": _round(self.macro_f1), "any_flag": self.any_flag.to_dict(),
                "fp_rate": _round(self.any_flag.fp_rate)}


def _ratio(a: int, b: int) -> float | None:
    return a / b if b else None


def _f1(p: float | None, r: float | None) -> float | None:
    if p is None or r is None:
        return None
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _round(x: float | None, nd: int = 4) -> float | None:
    return None if x is None else round(x, nd)


def score_documents(docs: Sequence[CheckedDocument], detects: dict[str, set[str]], threshold: str,
                    categories: Sequence[str]) -> ViewScores:
    """Line-level scores of flags at >= threshold against the documents' labels (see module doc)."""
    per_doc = [(d, d.line_flags(threshold)) for d in docs]
    rows = []
    for c in categories:
        tp = fp = fn = detected_any = untouched = untouched_flagged = 0
        for d, flagged in per_doc:
            if c not in d.scope:
                continue
            wanted = detects[c]
            for line in range(1, d.n_lines + 1):
                labels = d.labels.get(line, frozenset())
                cats = {f.category for f in flagged.get(line, ())}
                hit = bool(cats & wanted)
                if c in labels:
                    tp += hit
                    fn += not hit
                    detected_any += bool(cats)
                else:
                    fp += hit
                if not labels:
                    untouched += 1
                    untouched_flagged += bool(cats)
        p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
        rows.append(CategoryScore(c, tp + fn, tp, fp, fn, p, r, _f1(p, r), detected_any, untouched,
                                  untouched_flagged))
    # Line level: any label vs any flag, each document once.
    tp = fp = fn = untouched = untouched_flagged = 0
    for d, flagged in per_doc:
        for line in range(1, d.n_lines + 1):
            has_flag = bool(flagged.get(line))
            if d.labels.get(line):
                tp += has_flag
                fn += not has_flag
            else:
                fp += has_flag
                untouched += 1
                untouched_flagged += has_flag
    p, r = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    any_row = CategoryScore("(any)", tp + fn, tp, fp, fn, p, r, _f1(p, r), tp, untouched, untouched_flagged)
    return ViewScores(threshold, rows, any_row)


@dataclass
class EvalReport:
    kind: str                              # "inject" or "gold"
    signature: str
    config: dict
    categories: list[str]
    detects: dict[str, set[str]]
    docs: list[CheckedDocument]
    min_severity: str
    wall_seconds: float
    systems: "SystemsReport | None" = None

    @cached_property
    def views(self) -> dict[str, ViewScores]:
        """Scores at the requested threshold first, then the other usual ones (minor, major)."""
        thresholds = [self.min_severity] + [v for v in VIEWS if v != self.min_severity]
        return {t: score_documents(self.docs, self.detects, t, self.categories) for t in thresholds}

    def view(self, threshold: str | None = None) -> ViewScores:
        return score_documents(self.docs, self.detects, threshold or self.min_severity, self.categories)

    def scores(self, threshold: str | None = None) -> dict[str, CategoryScore]:
        return {r.category: r for r in self.view(threshold).rows}

    @property
    def checks_run(self) -> list[str]:
        return self.docs[0].checks_run if self.docs else []

    @property
    def alignment(self) -> dict | None:
        """Bead F1 of the aligner under the damage, per document and over all of them (micro:
        bead counts summed), or None when the lines were paired (`line_aligned`)."""
        scored = [d for d in self.docs if d.alignment is not None]
        if not scored:
            return None
        found = [d.alignment for d in scored if d.alignment is not None]  # (all of scored's)
        tp, pred, gold = (sum(a[k] for a in found) for k in ("tp", "predicted", "gold"))
        p, r = _ratio(tp, pred), _ratio(tp, gold)
        total = {"precision": _round(p), "recall": _round(r), "f1": _round(_f1(p, r)), "tp": tp,
                 "predicted": pred, "gold": gold}
        if all("damaged_lines" in a for a in found):
            total["damaged_lines"] = sum(a["damaged_lines"] for a in found)
            total["damaged_right"] = sum(a["damaged_right"] for a in found)
        return {"gold": "line N <-> line N (one bead per line pair; aligner beads joined per line pair)",
                "documents": {d.name: d.alignment for d in scored}, "all": total}

    @property
    def timings(self) -> dict:
        check_s = sum(d.seconds for d in self.docs)
        lines = sum(d.n_lines for d in self.docs)
        out = {"wall_seconds": round(self.wall_seconds, 2), "check_seconds_total": round(check_s, 2),
               "lines_checked": lines, "per_document": {d.name: round(d.seconds, 2) for d in self.docs}}
        if self.systems is not None:
            out["systems_wall_seconds"] = round(self.systems.wall_seconds, 2)
            out["systems_per_document"] = {r.system: round(r.seconds, 2) for r in self.systems.rows}
        return out

    def to_dict(self, details: bool = True) -> dict:
        out = {"signature": self.signature, "kind": self.kind, "config": self.config,
               "checks_run": self.checks_run,
               "checks_skipped": self.docs[0].checks_skipped if self.docs else {},
               "detects": {c: sorted(self.detects[c]) for c in self.categories},
               "documents": [{"name": d.name, "lines": d.n_lines, "labelled": len(d.labels),
                              "untouched": d.n_lines - len(d.labels)} for d in self.docs],
               "views": {t: v.to_dict() for t, v in self.views.items()}}
        if self.alignment is not None:
            out["alignment"] = self.alignment
        if self.systems is not None:
            out["systems"] = self.systems.to_dict()
        if details:
            out["details"] = [_doc_details(d, self.detects, self.min_severity) for d in self.docs]
        out["timings"] = self.timings  # the only field that changes from run to run
        return out


def _doc_details(d: CheckedDocument, detects: dict[str, set[str]], threshold: str) -> dict:
    flagged = d.line_flags(threshold)

    def fl(line):
        return [f"{f.category}:{f.severity}:{f.check}" for f in flagged.get(line, ())]

    labelled = []
    for line in sorted(d.labels):
        cats = {f.category for f in flagged.get(line, ())}
        wanted = set().union(*(detects[c] for c in d.labels[line] if c in detects))
        labelled.append({"line": line, "labels": sorted(d.labels[line]), "detected": bool(cats & wanted),
                         "note": d.notes.get(line, ""), "target": d.targets.get(line, ""),
                         "original": d.originals.get(line, ""), "flags": fl(line)})
    false_positives = [{"line": line, "flags": fl(line),
                        "messages": [f.message for f in flagged[line]]}
                       for line in sorted(flagged) if line not in d.labels]
    return {"name": d.name, "threshold": threshold, "labelled": labelled, "flagged_untouched": false_positives}


def signature(kind: str, config: dict, checks_run: Sequence[str]) -> str:
    """A sacrebleu-style signature: everything needed to reproduce the numbers."""
    parts = [f"mtqa-eval:{kind}", f"v:{__version__}", f"inj:{INJECTOR_VERSION}" if kind == "inject" else None,
             f"seed:{config['seed']}" if "seed" in config else None,
             f"rate:{config['rate']}" if "rate" in config else None,
             f"data:{config.get('data')}", f"sha:{config.get('data_sha256')}",
             f"cats:{','.join(config['categories'])}" if kind == "inject" else None,
             f"align:{config['alignment']}" if "alignment" in config else None,
             f"checks:{'+'.join(checks_run)}"]
    return "|".join(p for p in parts if p)


def evaluate(sets: dict[str, list[InjectedLine]], checks=None, min_severity: str = "minor", *,
             jobs: int | None = None, translator=None, reuse: bool = True,
             line_aligned: bool = False) -> EvalReport:
    """Run the checks on each injected set as ONE nb/fr document pair and score the lines.

    By default each set goes through mtqa's aligner, as an article through `mtqa check` (what
    users run), and the report gives the aligner's bead F1 under the damage next to the
    detection figures (`alignment_scores`: the gold is still line N <-> line N).
    `line_aligned` (`mtqa eval --pair-lines`, a diagnostic): line N of the French pairs with
    line N of the Norwegian, as the corpus is built, which measures the checks alone.

    `reuse`: Grammalecte's answer for a French segment is computed once for all sets, in `jobs`
    background processes (default: one per CPU) while the sets are checked; the flags are
    exactly those of separate runs (see _run_documents). Results do not depend on `jobs`.
    """
    if min_severity not in SEVERITIES:
        raise ValueError(f"unknown severity {min_severity!r}")
    checks = _resolve_checks(checks)
    t0 = time.perf_counter()
    names = [c for c in CATEGORIES if c in sets] + [c for c in sets if c not in CATEGORIES]
    spec = [(c, [x.source for x in sets[c]], [x.target for x in sets[c]]) for c in names]
    checked: list = []
    results = _run_documents(spec, checks, jobs, translator, reuse, line_aligned, checked)
    docs = []
    for c, (flags, run, skipped, seconds), result in zip(names, results, checked):
        lines = sets[c]
        labels = {x.line: frozenset({x.category}) for x in lines if x.category}
        docs.append(CheckedDocument(
            c, (c,), len(lines), labels, flags, run, skipped, seconds,
            notes={x.line: x.note for x in lines if x.category},
            targets={x.line: x.target for x in lines if x.category},
            originals={x.line: x.original for x in lines if x.category},
            alignment=None if line_aligned else alignment_scores(result, labels)))
    wall = time.perf_counter() - t0
    meta = dict(getattr(sets, "meta", {}))
    config = {**meta, "categories": names, "min_severity": min_severity,
              "alignment": "lines" if line_aligned else "aligner",
              "lines": {c: len(sets[c]) for c in names},
              "damaged": {c: sum(1 for x in sets[c] if x.category) for c in names},
              "eligible": {c: sum(1 for x in sets[c] if x.category or x.note) for c in names}}
    checks_run = docs[0].checks_run if docs else [c.name for c in checks]
    return EvalReport("inject", signature("inject", config, checks_run), config, names,
                      {c: set(DETECTS.get(c, set())) for c in names}, docs, min_severity, wall)


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties corrected): (C - D) / sqrt((n0 - n1)(n0 - n2)). O(n^2); None when undefined."""
    n = len(x)
    if n != len(y):
        raise ValueError("x and y differ in length")
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        xi, yi = x[i], y[i]
        for j in range(i + 1, n):
            dx, dy = xi - x[j], yi - y[j]
            if dx == 0:
                ties_x += 1
            if dy == 0:
                ties_y += 1
            if dx and dy:
                if (dx > 0) == (dy > 0):
                    concordant += 1
                else:
                    discordant += 1
    n0 = n * (n - 1) // 2
    denom = math.sqrt((n0 - ties_x) * (n0 - ties_y))
    return (concordant - discordant) / denom if denom else None
