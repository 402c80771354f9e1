"""Real MT outputs: the four FLORES French MT outputs checked against nb.txt.

Lines flagged per category and check, and the segment-level Kendall tau-b between mtqa's line
score (`line_scores`: minus the severity-weighted flags, plus lexical coverage) and sentence
chrF against the human French reference (`evaluate_systems`, a `SystemsReport`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from mtqa.core.flags import CATEGORIES as FLAG_CATEGORIES, SEVERITY_RANK
from mtqa.errors import InputError
from mtqa.eval.inject import _flores_files, default_flores_dir, read_lines
from mtqa.eval.run import LineFlag, _resolve_checks, _run_documents
from mtqa.eval.score import _round, kendall_tau_b

# Per-line score of mtqa (real MT outputs): minus the severity-weighted number of flags.
SEVERITY_WEIGHTS = {"info": 0, "minor": 1, "major": 5, "critical": 10}
SYSTEMS = ("google", "microsoft", "bergamot-base-memory", "bergamot-tiny")


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

    def to_dict(self) -> dict:
        return {"system": self.system, "lines": self.lines, "flags": self.flags,
                "flags_per_line": round(self.flags / self.lines, 4), "lines_flagged": self.lines_flagged,
                "lines_flagged_major": self.lines_flagged_major, "per_category": self.per_category,
                "per_check": self.per_check,
                "mean_score": round(self.mean_score, 4),
                "mean_chrf": None if self.mean_chrf is None else round(self.mean_chrf, 2),
                "kendall_tau_b": _round(self.tau_b)}


@dataclass
class SystemsReport:
    rows: list[SystemScore]
    chrf_signature: str
    data: str
    wall_seconds: float = 0.0

    def row(self, system: str) -> SystemScore:
        return next(r for r in self.rows if r.system == system)

    @property
    def worst(self) -> dict:
        mt = [r for r in self.rows if r.system != "human"]
        most_flags = max(mt, key=lambda r: (r.flags / r.lines, r.system))
        lowest = min(mt, key=lambda r: (r.mean_score, r.system))
        return {"most_flags_per_line": most_flags.system, "lowest_mean_score": lowest.system,
                "bergamot_tiny_worst": most_flags.system == lowest.system == "bergamot-tiny"}

    def to_dict(self) -> dict:
        return {"data": self.data, "chrf": self.chrf_signature,
                "score": "minus severity-weighted flag count per line (info 0, minor 1, major 5, critical 10)",
                "rows": [r.to_dict() for r in self.rows], "worst": self.worst}


def evaluate_systems(flores_dir: Path | str | None = None, checks=None, *, systems: Sequence[str] = SYSTEMS,
                     jobs: int | None = None, include_human: bool = True, reuse: bool = True,
                     line_aligned: bool = False) -> SystemsReport:
    """Each FLORES French MT output checked against nb.txt; tau-b of mtqa's line score against
    sentence chrF of the line vs the human reference fr.txt. `human` (fr.txt itself) is a baseline
    row (no tau: its chrF is 100 everywhere)."""
    from mtqa.mt.roundtrip import chrf_signature, sentence_chrf

    t0 = time.perf_counter()
    flores_dir = Path(flores_dir) if flores_dir is not None else default_flores_dir()
    nb_path, fr_path = _flores_files(flores_dir)
    nb_lines, ref = read_lines(nb_path), read_lines(fr_path)
    outputs = {}
    if include_human:
        outputs["human"] = ref
    for s in systems:
        path = flores_dir / f"fr.mt-{s}.txt"
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        lines = read_lines(path)
        if len(lines) != len(nb_lines):
            raise InputError(f"{path}: {len(lines)} lines, nb.txt has {len(nb_lines)}")
        outputs[s] = lines
    checks = _resolve_checks(checks)
    results = _run_documents([(s, nb_lines, lines) for s, lines in outputs.items()], checks, jobs, reuse=reuse,
                             line_aligned=line_aligned)
    rows = []
    for (s, lines), (flags, _run, _skipped, seconds) in zip(outputs.items(), results):
        counted = [f for f in flags if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["minor"]]
        per_cat: dict[str, set[int]] = {}
        per_check: dict[str, set[int]] = {}
        for f in counted:
            per_cat.setdefault(f.category, set()).add(f.line)
            per_check.setdefault(f.check, set()).add(f.line)
        scores = line_scores(flags, len(lines), [_mean_coverage(a, b) for a, b in zip(nb_lines, lines)])
        if s == "human":
            chrf, tau = None, None
        else:
            values = [sentence_chrf(h, r) for h, r in zip(lines, ref)]
            chrf, tau = sum(values) / len(values), kendall_tau_b(scores, values)
        rows.append(SystemScore(
            s, len(lines), len(counted), len({f.line for f in counted}),
            len({f.line for f in flags if SEVERITY_RANK[f.severity] >= SEVERITY_RANK["major"]}),
            {c: len(per_cat[c]) for c in FLAG_CATEGORIES if c in per_cat},
            {c: len(per_check[c]) for c in sorted(per_check)},
            sum(scores) / len(scores), chrf, tau, seconds))
    return SystemsReport(rows, chrf_signature(), str(flores_dir), time.perf_counter() - t0)
