"""Real MT outputs checked against nb.txt: by default every system file of FLORES-200 dev's
`mt-nb-fr/` (real Norwegian->French MT of nb.txt); without that folder, the `fr.mt-*.txt` files.

Per system: lines flagged per category and severity; the segment-level Kendall tau-b and Pearson
correlation between mtqa's line score and sentence chrF against the human French reference
(sacrebleu); recall and precision of the "bad" lines (sentence chrF < BAD_CHRF) among the lines
flagged at each severity, by any check and by the quality check alone; and whether the mean
score orders the systems as corpus chrF does. The human fr.txt is a row of its own: the share of
its lines flagged at major is the false-alarm rate on good translations.

The line score is the quality check's segment score (mtqa.checks.quality: an estimated sentence
chrF, 0-100; the mean over the line's segments) when that check runs; otherwise `line_scores`
(minus the severity-weighted flags, plus lexical coverage).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from mtqa.core.flags import CATEGORIES as FLAG_CATEGORIES, SEVERITY_RANK
from mtqa.errors import InputError
from mtqa.eval.inject import _flores_files, default_flores_dir, read_lines
from mtqa.eval.run import LineFlag, _resolve_checks, _run_documents
from mtqa.eval.score import _round, kendall_tau_b

# Per-line score of mtqa (real MT outputs): minus the severity-weighted number of flags.
SEVERITY_WEIGHTS = {"info": 0, "minor": 1, "major": 5, "critical": 10}
SYSTEMS = ("google", "microsoft", "bergamot-base-memory", "bergamot-tiny")   # the fr.mt-*.txt files (English->French)
SYSTEMS_DIR = "mt-nb-fr"   # real Norwegian->French MT of nb.txt, one file per system
BAD_CHRF = 30.0
VIEW_SEVERITIES = ("minor", "major")


def line_scores(flags: Iterable[LineFlag], n_lines: int, coverage: Sequence[float] | None = None) -> list[float]:
    """mtqa's score of each line: minus the severity-weighted number of its flags
    (info 0, minor 1, major 5, critical 10), plus, when given, the line's lexical coverage
    (0-1, mtqa.text.lexicon: the share of content words matched across the two languages), which
    orders the many lines without flags and weighs less than one minor flag."""
    scores = list(coverage) if coverage is not None else [0.0] * n_lines
    for f in flags:
        if 1 <= f.line <= n_lines:
            scores[f.line - 1] -= SEVERITY_WEIGHTS[f.severity]
    return scores


def _mean_coverage(source: str, target: str) -> float:
    from mtqa.text.lexicon import coverage

    cov = coverage(source, target)
    return ((cov.source or 0.0) + (cov.target or 0.0)) / 2


@dataclass(frozen=True)
class SystemScore:
    system: str
    lines: int
    flags: int                     # flags at >= minor
    lines_flagged: int             # lines with a flag at >= minor
    lines_flagged_major: int
    per_category: dict[str, int]   # lines with a flag of that category at >= minor
    per_check: dict[str, int]      # lines with a flag of that check at >= minor
    mean_score: float
    mean_chrf: float | None
    tau_b: float | None            # mtqa line score vs sentence chrF against fr.txt
    seconds: float
    pearson: float | None = None
    corpus_chrf: float | None = None
    per_category_severity: dict[str, dict[str, int]] = field(default_factory=dict)  # category -> severity -> lines
    bad_lines: int | None = None   # lines with sentence chrF < BAD_CHRF
    detection: dict[str, dict[str, float | None]] = field(default_factory=dict)  # "any/major" -> recall, precision, flagged
    score_kind: str = "flags"

    def to_dict(self) -> dict:
        return {"system": self.system, "lines": self.lines, "flags": self.flags,
                "flags_per_line": round(self.flags / self.lines, 4), "lines_flagged": self.lines_flagged,
                "lines_flagged_major": self.lines_flagged_major,
                "share_flagged_major": round(self.lines_flagged_major / self.lines, 4),
                "per_category": self.per_category, "per_category_severity": self.per_category_severity,
                "per_check": self.per_check, "score": self.score_kind,
                "mean_score": round(self.mean_score, 4),
                "mean_chrf": None if self.mean_chrf is None else round(self.mean_chrf, 2),
                "corpus_chrf": None if self.corpus_chrf is None else round(self.corpus_chrf, 2),
                "kendall_tau_b": _round(self.tau_b), "pearson": _round(self.pearson),
                "bad_lines": self.bad_lines,
                "detection": {k: {m: _round(v) for m, v in d.items()} for k, d in self.detection.items()}}


@dataclass
class SystemsReport:
    rows: list[SystemScore]
    chrf_signature: str
    data: str
    wall_seconds: float = 0.0
    line_aligned: bool = True

    def row(self, system: str) -> SystemScore:
        return next(r for r in self.rows if r.system == system)

    @property
    def worst(self) -> dict:
        mt = [r for r in self.rows if r.system != "human"]
        most_flags = max(mt, key=lambda r: (r.flags / r.lines, r.system))
        lowest = min(mt, key=lambda r: (r.mean_score, r.system))
        by_chrf = [r.system for r in sorted(mt, key=lambda r: (r.corpus_chrf or 0.0, r.system))]
        by_score = [r.system for r in sorted(mt, key=lambda r: (r.mean_score, r.system))]
        return {"most_flags_per_line": most_flags.system, "lowest_mean_score": lowest.system,
                "bergamot_tiny_worst": most_flags.system == lowest.system == "bergamot-tiny",
                "order_by_corpus_chrf": by_chrf, "order_by_mean_score": by_score,
                "mean_score_orders_like_chrf": by_chrf == by_score}

    def to_dict(self) -> dict:
        kind = self.rows[0].score_kind if self.rows else "flags"
        return {"data": self.data, "chrf": self.chrf_signature, "line_aligned": self.line_aligned,
                "bad_chrf_below": BAD_CHRF,
                "score": ("quality: the quality check's segment score (estimated sentence chrF, 0-100), mean over "
                          "the line's segments" if kind == "quality" else
                          "minus severity-weighted flag count per line (info 0, minor 1, major 5, critical 10)"),
                "rows": [r.to_dict() for r in self.rows], "worst": self.worst}


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy) if sxx and syy else None


def system_files(flores_dir: Path, systems_dir: Path | None = None,
                 systems: Sequence[str] | None = None) -> dict[str, Path]:
    """name -> file of each system: the .txt files of `systems_dir` (default FLORES/mt-nb-fr when it
    exists), or, with `systems` (or without that folder), FLORES/fr.mt-<name>.txt."""
    if systems is None:
        folder = systems_dir if systems_dir is not None else flores_dir / SYSTEMS_DIR
        if systems_dir is not None or folder.is_dir():
            if not folder.is_dir():
                raise InputError(f"{folder}: no such folder")
            files = {p.stem: p for p in sorted(folder.glob("*.txt"))}
            if not files:
                raise InputError(f"{folder}: no system files (*.txt)")
            return files
        systems = SYSTEMS
    return {s: flores_dir / f"fr.mt-{s}.txt" for s in systems}


def _detection(flagged: set[int], bad: set[int], n: int) -> dict[str, float | None]:
    hit = len(flagged & bad)
    return {"recall": hit / len(bad) if bad else None, "precision": hit / len(flagged) if flagged else None,
            "flagged_share": len(flagged) / n if n else None}


def evaluate_systems(flores_dir: Path | str | None = None, checks=None, *, systems: Sequence[str] | None = None,
                     systems_dir: Path | str | None = None, jobs: int | None = None, include_human: bool = True,
                     reuse: bool = True, line_aligned: bool = False) -> SystemsReport:
    """Each system output checked against nb.txt (line N with line N, or with `line_aligned` off,
    the whole file as one document through mtqa's aligner); its line scores against sentence
    chrF of the line vs the human reference fr.txt. `human` (fr.txt itself) is a baseline row
    (no tau: its chrF is 100 everywhere)."""
    from sacrebleu.metrics import CHRF

    from mtqa.mt.roundtrip import chrf_signature, sentence_chrf

    t0 = time.perf_counter()
    flores_dir = Path(flores_dir) if flores_dir is not None else default_flores_dir()
    nb_path, fr_path = _flores_files(flores_dir)
    nb_lines, ref = read_lines(nb_path), read_lines(fr_path)
    outputs = {}
    if include_human:
        outputs["human"] = ref
    for s, path in system_files(flores_dir, Path(systems_dir) if systems_dir is not None else None,
                                systems).items():
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        lines = read_lines(path)
        if len(lines) != len(nb_lines):
            raise InputError(f"{path}: {len(lines)} lines, nb.txt has {len(nb_lines)}")
        outputs[s] = lines
    checks = _resolve_checks(checks)
    with_quality = any(c.name == "quality" for c in checks)
    results = _run_documents([(s, nb_lines, lines) for s, lines in outputs.items()], checks, jobs, reuse=reuse,
                             line_aligned=line_aligned, quality=with_quality)
    rows = []
    for (s, lines), result in zip(outputs.items(), results):
        flags, _run, _skipped, seconds = result[:4]
        counted = [f for f in flags if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["minor"]]
        per_cat: dict[str, set[int]] = {}
        per_check: dict[str, set[int]] = {}
        per_cat_sev: dict[str, dict[str, set[int]]] = {}
        for f in counted:
            per_cat.setdefault(f.category, set()).add(f.line)
            per_check.setdefault(f.check, set()).add(f.line)
            per_cat_sev.setdefault(f.category, {}).setdefault(f.severity, set()).add(f.line)
        if with_quality:
            quality = result[4]
            known = [sum(v) / len(v) for v in quality.values()]
            neutral = sum(known) / len(known) if known else 50.0
            scores = [sum(quality[n]) / len(quality[n]) if quality.get(n) else neutral
                      for n in range(1, len(lines) + 1)]
        else:
            scores = line_scores(flags, len(lines), [_mean_coverage(a, b) for a, b in zip(nb_lines, lines)])
        detection = {}
        if s == "human":
            chrf = tau = r = corpus = None
            bad: set[int] = set()
        else:
            values = [sentence_chrf(h, x) for h, x in zip(lines, ref)]
            chrf, tau, r = sum(values) / len(values), kendall_tau_b(scores, values), pearson(scores, values)
            corpus = CHRF().corpus_score(lines, [ref]).score
            bad = {i + 1 for i, v in enumerate(values) if v < BAD_CHRF}
        for sev in VIEW_SEVERITIES:
            at = [f for f in flags if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[sev]]
            detection[f"any/{sev}"] = _detection({f.line for f in at}, bad, len(lines))
            if with_quality:
                detection[f"quality/{sev}"] = _detection({f.line for f in at if f.check == "quality"}, bad, len(lines))
        rows.append(SystemScore(
            s, len(lines), len(counted), len({f.line for f in counted}),
            len({f.line for f in flags if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["major"]}),
            {c: len(per_cat[c]) for c in FLAG_CATEGORIES if c in per_cat},
            {c: len(per_check[c]) for c in sorted(per_check)},
            sum(scores) / len(scores), chrf, tau, seconds, pearson=r, corpus_chrf=corpus,
            per_category_severity={c: {v: len(per_cat_sev[c][v]) for v in ("minor", "major", "critical")
                                       if v in per_cat_sev[c]} for c in FLAG_CATEGORIES if c in per_cat_sev},
            bad_lines=None if s == "human" else len(bad), detection=detection,
            score_kind="quality" if with_quality else "flags"))
    return SystemsReport(rows, chrf_signature(), str(flores_dir), time.perf_counter() - t0, line_aligned)
