"""Running documents through mtqa.pipeline, as `mtqa check` does, and keeping what the scoring needs.

`_run_documents` checks each (name, Norwegian lines, French lines) as one article pair through a
`mtqa.pipeline.Pipeline` (together, so that Grammalecte's work is done once across documents);
`CheckedDocument` holds a document's flags (`LineFlag`) with its line labels.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from mtqa.core.flags import SEVERITY_RANK

@dataclass(frozen=True)
class LineFlag:
    line: int
    category: str
    severity: str
    check: str
    message: str


@dataclass
class CheckedDocument:
    """One checked document with its line labels: what the scoring needs."""

    name: str
    scope: tuple[str, ...]                 # label categories measured on this document
    n_lines: int
    labels: dict[int, frozenset[str]]      # line -> label categories (damaged / flawed lines only)
    flags: list[LineFlag]
    checks_run: list[str]
    checks_skipped: dict[str, str]
    seconds: float
    notes: dict[int, str] = field(default_factory=dict)
    targets: dict[int, str] = field(default_factory=dict)     # labelled lines: the checked French
    originals: dict[int, str] = field(default_factory=dict)   # labelled lines: the French before injection
    alignment: dict | None = None  # bead F1 of the aligner against line N <-> line N (`alignment_scores`)

    def line_flags(self, threshold: str) -> dict[int, list[LineFlag]]:
        out: dict[int, list[LineFlag]] = {}
        for f in self.flags:
            if SEVERITY_RANK[f.severity] >= SEVERITY_RANK[threshold]:
                out.setdefault(f.line, []).append(f)
        return out


def _line_flags(result) -> list[LineFlag]:
    return [LineFlag(f.line, f.category, f.severity, f.check, f.message) for f in result.flags]


def _resolve_checks(checks, jobs: int | None = None):
    """The checks to measure (default: every default check); `jobs` sets the grammar check's
    parallel Grammalecte processes (results do not depend on it)."""
    from mtqa.checks import build_checks

    checks = build_checks() if checks is None else list(checks)
    if jobs:
        for check in checks:
            if check.name == "grammar":
                check.options = dataclasses.replace(check.options, jobs=jobs)
    return checks


def alignment_scores(result, labels: dict[int, frozenset[str]] | None = None) -> dict:
    """Bead F1 of a checked line-aligned document's alignment against its gold (line N of the
    source translates line N of the target: one bead per line pair, `mtqa.pipeline.beads_by_line`),
    the aligner's beads joined per line pair first (`mtqa.source.align.group_beads`: the sentence
    alignment inside a line pair does not matter; a bead across two lines, or a line pair split
    into unmatched sentences, does). `damaged_right`: labelled lines whose line pair came out as
    its own bead."""
    from mtqa.pipeline import beads_by_line
    from mtqa.source.align import bead_f1, group_beads

    src, tgt = result.source_segments, result.target_segments
    gold = beads_by_line(src, tgt)
    groups = group_beads(result.beads, [s.line for s in src], [t.line for t in tgt])
    scores = bead_f1(groups, gold)
    found = {(g.source, g.target) for g in groups}
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in scores.items() if k != "per_kind"}
    if labels is not None:
        line_of = {b: (src[b.source[0]].line if b.source else tgt[b.target[0]].line) for b in gold}
        damaged = [b for b in gold if line_of[b] in labels]
        out["damaged_lines"] = len(damaged)
        out["damaged_right"] = sum((b.source, b.target) in found for b in damaged)
    return out


def _line_quality(result) -> dict[int, list[float]]:
    """Line -> the quality scores (mtqa.checks.quality) of its segments."""
    out: dict[int, list[float]] = {}
    for seg in result.target_segments:
        q = result.segment_data.get(seg.index, {}).get("quality")
        if q is not None:
            out.setdefault(seg.line, []).append(q["score"])
    return out


def _run_documents(jobs_spec: list[tuple[str, list[str], list[str]]], checks, jobs: int | None, translator=None,
                   reuse: bool = True, line_aligned: bool = False, results_out: list | None = None,
                   quality: bool = False):
    """Check each (name, sources, targets) as one nb/fr article pair through mtqa.pipeline, as
    `mtqa check` does. With `reuse` the documents go through the pipeline together
    (Pipeline.check_many): checks with work across documents (Grammalecte, asked once about each
    distinct French segment, in `jobs` background processes while the other checks run) do it
    once; the flags are those of separate runs. Returns (flags, checks run, skipped, seconds) each,
    and with `quality` the line -> segment quality scores as a fifth item; `results_out`, when
    given, receives the CheckResults."""
    from mtqa.core.document import Article, Document
    from mtqa.pipeline import Pipeline

    pipeline = Pipeline(None, translator, _resolve_checks(checks, jobs))
    articles = [Article(Document(f"{name}.fr", tuple(targets)), Document(f"{name}.nb", tuple(sources)),
                        line_aligned=line_aligned) for name, sources, targets in jobs_spec]
    t0 = time.perf_counter()
    results = pipeline.check_many(articles) if reuse else [pipeline.check(a) for a in articles]
    seconds = (time.perf_counter() - t0) / max(1, len(articles))
    if results_out is not None:
        results_out.extend(results)
    return [(_line_flags(r), list(r.checks_run), dict(r.checks_skipped), seconds)
            + ((_line_quality(r),) if quality else ()) for r in results]
