"""The CSV report: one row per flag, for spreadsheets and quick scripts.

Columns: line, segment, span_start, span_end, check, category, severity, message, text,
source_text, evidence (compact JSON), suppressed (the suppression's reason, or empty), unit (the
translation unit's id for a bilingual input, else empty; last so that existing columns keep their place).
RFC 4180 quoting (csv.QUOTE_MINIMAL), "\\n" line ends; empty cells where the JSON report has null.
A cell that starts with =, +, -, @, tab or CR (which a spreadsheet may run as a formula) gets a
leading ' in every column (OWASP CSV injection); a negative number such as a span is left as it is.
"""

from __future__ import annotations

import csv
import io
import json

from mtqa.core.result import CheckResult
from mtqa.report.json_report import report_dict

COLUMNS = ("line", "segment", "span_start", "span_end", "check", "category", "severity", "message", "text",
           "source_text", "evidence", "suppressed", "unit")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def render_csv(result: CheckResult, fail_on: str = "major") -> str:
    """The report's flags as CSV text (header line first)."""
    report = report_dict(result, fail_on)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(COLUMNS)
    for flag in report["flags"]:
        span = flag["span"] or (None, None)
        writer.writerow([_cell(flag["line"]), _cell(flag["segment"]), _cell(span[0]), _cell(span[1]),
                         _cell(flag["check"]), _cell(flag["category"]), _cell(flag["severity"]),
                         _cell(flag["message"]), _cell(flag["text"]), _cell(flag["source_text"]),
                         _cell(json.dumps(flag["evidence"], ensure_ascii=False, sort_keys=True))
                         if flag["evidence"] else "",
                         _cell(flag.get("suppressed")), _cell(flag.get("unit"))])
    return buffer.getvalue()
