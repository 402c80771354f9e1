"""The whole check of one article: read -> segment -> attribute -> retrieve -> align -> check -> score.

Pure over Documents: reading files and writing reports happen in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.align import Bead, align
from mtqa.checks import Check, CheckInput, build_checks
from mtqa.document import NON_CONTENT_KINDS, Document, Segment
from mtqa.flags import Flag, sort_flags
from mtqa.provenance import Provenance, attribute
from mtqa.retrieve import Retrieval, rank_sources
from mtqa.segment import segment_document

SOURCE_LANGUAGE = "nb"
TARGET_LANGUAGE = "fr"


@dataclass
class CheckResult:
    target: Document
    source: Document | None
    target_segments: list[Segment]
    source_segments: list[Segment]
    beads: list[Bead]
    provenance: Provenance
    retrieval: Retrieval | None
    flags: list[Flag]
    checks_run: list[str]
    checks_skipped: dict[str, str] = field(default_factory=dict)


def pair_orphans(beads: list[Bead], source: list[Segment], target: list[Segment]) -> list[Bead]:
    """Join a source sentence left unaligned with an adjacent unaligned translation sentence.

    The aligner prefers two empty beads to one badly mismatched pair; for checking, a content
    sentence next to an unmatched content translation is its (bad) translation, so the checks
    should compare them (omission, numbers) rather than report both as missing.
    """
    out: list[Bead] = []
    for bead in beads:
        prev = out[-1] if out else None
        if prev is not None and {prev.kind, bead.kind} == {"1-0", "0-1"}:
            src = prev.source or bead.source
            tgt = prev.target or bead.target
            if source[src[0]].kind not in NON_CONTENT_KINDS and target[tgt[0]].kind not in NON_CONTENT_KINDS:
                out[-1] = Bead(src, tgt, prev.cost + bead.cost)
                continue
        out.append(bead)
    return out


def check_article(target: Document, source: Document | None = None, candidates: list[Document] | None = None,
                  checks: list[Check] | None = None) -> CheckResult:
    """Check a French article against its Norwegian source, found among `candidates` when not given."""
    checks = build_checks() if checks is None else checks
    target_segments = segment_document(target, TARGET_LANGUAGE)
    provenance = attribute(target_segments)
    retrieval = None
    if source is None and candidates:
        retrieval = rank_sources(target.text, [(c.path, c.text) for c in candidates])
        if retrieval.chosen is not None:
            source = next(c for c in candidates if c.path == retrieval.chosen.path)
    source_segments = segment_document(source, SOURCE_LANGUAGE) if source is not None else []
    beads = align([s.text for s in source_segments], [s.text for s in target_segments]) if source_segments else []
    beads = pair_orphans(beads, source_segments, target_segments)
    data = CheckInput(target=target_segments, source=source_segments, beads=beads, provenance=provenance)
    flags: list[Flag] = []
    run, skipped = [], {}
    for check in checks:
        if check.needs_source and not data.has_source:
            skipped[check.name] = "needs a source text"
            continue
        flags.extend(check.run(data))
        run.append(check.name)
    return CheckResult(target, source, target_segments, source_segments, beads, provenance, retrieval,
                       sort_flags(flags), run, skipped)
