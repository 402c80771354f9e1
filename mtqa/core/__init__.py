"""Plain data that flows through the pipeline: documents, segments, beads, flags, results.

The names below are imported from their modules on first use, so that importing one module of
the package (mtqa.core.escape, for the command line's help) does not load the others."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mtqa._lazy import lazy_exports

__all__ = ["CATEGORIES", "KINDS", "NON_CONTENT_KINDS", "SEVERITIES", "Article", "Bead", "Category", "CheckResult", "Document",
           "Flag", "NO_MODEL_REASON", "Segment", "Severity", "segment_hash", "sort_flags", "verdict"]

_MODULE = {
    **dict.fromkeys(("KINDS", "NON_CONTENT_KINDS", "Article", "Bead", "Document", "Segment"), "mtqa.core.document"),
    **dict.fromkeys(("CATEGORIES", "SEVERITIES", "Category", "Flag", "Severity", "segment_hash", "sort_flags",
                     "verdict"), "mtqa.core.flags"),
    **dict.fromkeys(("NO_MODEL_REASON", "CheckResult"), "mtqa.core.result"),
}

if TYPE_CHECKING:
    from mtqa.core.document import KINDS, NON_CONTENT_KINDS, Article, Bead, Document, Segment
    from mtqa.core.flags import CATEGORIES, SEVERITIES, Category, Flag, Severity, segment_hash, sort_flags, verdict
    from mtqa.core.result import NO_MODEL_REASON, CheckResult


__getattr__, __dir__ = lazy_exports(globals(), _MODULE, __all__)
