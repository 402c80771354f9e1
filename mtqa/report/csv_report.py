"""The CSV report: one row per flag, for spreadsheets and quick scripts.

Columns: line, segment, span_start, span_end, check, category, severity, message, text,
source_text, evidence (compact JSON), suppressed (the suppression's reason, or empty), unit (the
translation unit's id for a bilingual input, else empty; last so that existing columns keep their place).
RFC 4180 quoting (csv.QUOTE_MINIMAL), "\\n" line ends; empty cells where the JSON report has null.
"""

from __future__ import annotations

import csv
import io
import json

from mtqa.core.result import CheckResult
from mtqa.report.json_report import report_dict

COLUMNS = ("line", "segment", "span_start", "span_end", "check", "category", "severity", "message", "text",
           "source_text", "evidence", "suppressed", "unit")


def _cell(value) -> str:
    return "" if value is None else str(value)


def render_csv(result: CheckResult, fail_on: str = "major") -> str:
    """The report's flags as CSV text (header line first)."""
    report = report_dict(result, fail_on)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    for flag in report["flags"]:
        span = flag["span"] or (None, None)
        writer.writerow([_cell(flag["line"]), _cell(flag["segment"]), _cell(span[0]), _cell(span[1]),
                         flag["check"], flag["category"], flag["severity"], flag["message"], flag["text"],
                         flag["source_text"],
                         json.dumps(flag["evidence"], ensure_ascii=False, sort_keys=True) if flag["evidence"] else "",
                         _cell(flag.get("suppressed")), _cell(flag.get("unit"))])
    return buffer.getvalue()
