"""The JSON report: documented in docs/report-schema.json, versioned, byte-identical for the same input."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from mtqa import __version__
from mtqa.core.document import Document
from mtqa.core.flags import CATEGORIES, SEVERITIES, active, at_least, verdict
from mtqa.core.result import NO_MODEL_REASON, CheckResult

REPORT_VERSION = "1.2"  # 1.1: flags carry segment_hash and suppressed; summary.suppressed
# 1.2: a segment's source_text is given once per bead, on the bead's first segment
SCHEMA_ID = "https://mtqa.dev/schemas/report-1.json"


def _document_info(doc: Document | None) -> dict | None:
    if doc is None:
        return None
    return {"path": doc.path, "lines": len(doc.lines),
            "sha256": hashlib.sha256(doc.text.encode("utf-8")).hexdigest(), "notes": list(doc.notes)}


def _bilingual_info(doc) -> dict | None:
    """The bilingual file (XLIFF, TMX, PO, JSONL) that was checked, or None for a text article:
    line N of `target` and `source` is units[N - 1], which starts on `line` of the file."""
    if doc is None:
        return None
    return {"format": doc.format, "path": doc.path, "sha256": hashlib.sha256(doc.data).hexdigest(),
            "source_language": doc.source_language, "target_language": doc.target_language,
            "units": [{"id": u.id, "line": u.line, "translated": u.translated} for u in doc.units]}


def report_dict(result: CheckResult, fail_on: str = "major") -> dict:
    """Everything a report shows. The summary counts the flags that count: suppressed flags are
    listed under "flags" with their reason and only counted in summary.suppressed."""
    counted = active(result.flags)
    by_severity = Counter(f.severity for f in counted)
    by_category = Counter(f.category for f in counted)
    bt = result.backtranslation
    bead_of = result.bead_of_target()
    bilingual = getattr(result, "bilingual", None)  # the bilingual file checked, or None
    units = bilingual.units if bilingual is not None else None
    segments = []
    given: set[int] = set()  # beads whose source text a segment already carries
    for seg in result.target_segments:
        k = bead_of.get(seg.index)
        # The aligned source is stored once per bead, on its first segment (the bead's later
        # segments name it by "bead"): a unit of N sentences must not give N copies of its source.
        source_text = ""
        if k is not None and k not in given:
            given.add(k)
            source_text = " ".join(result.source_segments[i].text for i in result.beads[k].source)
        row = {"index": seg.index, "line": seg.line, "kind": seg.kind, "text": seg.text, "bead": k,
               "source_text": source_text}
        row["unit"] = units[seg.line - 1].id if units and 1 <= seg.line <= len(units) else None
        row["quality"] = getattr(result, "segment_data", {}).get(seg.index, {}).get("quality")
        if bt is not None:
            row["back_translation"] = bt.texts.get(seg.index)
            chrf = result.bead_chrf.get(k) if k is not None else None
            row["chrf"] = round(chrf, 2) if chrf is not None else None
        segments.append(row)
    backtranslation = bt.summary() if bt is not None else {"skipped": True, "reason": NO_MODEL_REASON}
    return {
        "$schema": SCHEMA_ID,
        "report_version": REPORT_VERSION,
        "tool": {"name": "mtqa", "version": __version__},
        "target": _document_info(result.target),
        "source": _document_info(result.source),
        "provenance": result.provenance.to_dict(),
        "retrieval": result.retrieval.to_dict() if result.retrieval else None,
        "bilingual": _bilingual_info(bilingual),
        "summary": {
            "verdict": verdict(result.flags, fail_on, result.checked),
            **({"unchecked": result.unchecked_reason} if not result.checked else {}),
            "fail_on": fail_on,
            "flags": len(counted),
            "flagged_lines": len({f.line for f in counted}),
            "flagged_lines_at_fail_on": len({f.line for f in counted if at_least(f.severity, fail_on)}),
            "suppressed": len(result.flags) - len(counted),
            "by_severity": {s: by_severity[s] for s in SEVERITIES if by_severity[s]},
            "by_category": {c: by_category[c] for c in CATEGORIES if by_category[c]},
            "checks_run": result.checks_run,
            "checks_skipped": result.checks_skipped,
            "backtranslation": backtranslation,
        },
        "alignment": [{"source": list(b.source), "target": list(b.target), "kind": b.kind} for b in result.beads],
        "segments": segments,
        "flags": [f.to_dict() for f in result.flags],
    }


def render_json(result: CheckResult, fail_on: str = "major") -> str:
    return json.dumps(report_dict(result, fail_on), ensure_ascii=False, indent=2) + "\n"
