"""Plain data that flows through the pipeline: documents, segments, beads, flags, results."""

from mtqa.core.document import KINDS, NON_CONTENT_KINDS, Article, Bead, Document, Segment
from mtqa.core.flags import CATEGORIES, SEVERITIES, Category, Flag, Severity, segment_hash, sort_flags, verdict
from mtqa.core.result import NO_MODEL_REASON, CheckResult

__all__ = ["CATEGORIES", "KINDS", "NON_CONTENT_KINDS", "SEVERITIES", "Article", "Bead", "Category", "CheckResult", "Document",
           "Flag", "NO_MODEL_REASON", "Segment", "Severity", "segment_hash", "sort_flags", "verdict"]
