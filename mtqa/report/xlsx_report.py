"""The Excel report (--format xlsx): the CSV report's columns in a workbook, one sheet per article.

Frozen header row, autofilter, the severity cell filled by severity. Every text cell is written as
a string (data_type "s"): a segment holding "=HYPERLINK(...)" or "+1" stays that text and is never
evaluated as a formula by the spreadsheet. Characters a worksheet cannot hold (C0 controls) are
replaced by U+FFFD.
"""

from __future__ import annotations

import datetime
import io
import json
import re
from pathlib import Path

from mtqa.core.result import CheckResult
from mtqa.report.csv_report import COLUMNS
from mtqa.report.json_report import report_dict

FILLS = {"critical": "C00000", "major": "FF7C80", "minor": "FFE699", "info": "D9D9D9"}
WIDTHS = {"line": 7, "segment": 9, "span_start": 11, "span_end": 10, "check": 16, "category": 24, "severity": 10,
          "message": 60, "text": 70, "source_text": 70, "evidence": 40, "suppressed": 20, "unit": 16}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_FIXED_TIME = datetime.datetime(2000, 1, 1)   # the same bytes for the same result


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A worksheet name for an article (31 characters at most, no []:*?/\\, unique in `taken`)."""
    stem = Path(name).name
    for suffix in (".txt", ".fr"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    title = _SHEET_FORBIDDEN.sub("_", stem).strip("'") or "report"
    title = title[:31]
    taken = taken if taken is not None else set()
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def _rows(report: dict):
    for flag in report["flags"]:
        span = flag["span"] or (None, None)
        yield [flag["line"], flag["segment"], span[0], span[1], flag["check"], flag["category"], flag["severity"],
               flag["message"], flag["text"], flag["source_text"],
               json.dumps(flag["evidence"], ensure_ascii=False, sort_keys=True) if flag["evidence"] else "",
               flag.get("suppressed") or "", flag.get("unit") or ""]


def add_sheet(workbook, title: str, report: dict) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    for col, name in enumerate(COLUMNS, 1):
        cell = sheet.cell(row=1, column=col)
        cell.value, cell.data_type, cell.font = name, "s", bold
        sheet.column_dimensions[get_column_letter(col)].width = WIDTHS.get(name, 12)
    severity_col = COLUMNS.index("severity") + 1
    fills = {s: PatternFill("solid", start_color=c, end_color=c) for s, c in FILLS.items()}
    for r, values in enumerate(_rows(report), 2):
        for col, value in enumerate(values, 1):
            cell = sheet.cell(row=r, column=col)
            if value is None:
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                cell.value = value
            else:
                cell.value = _ILLEGAL.sub("\ufffd", str(value))
                cell.data_type = "s"     # never a formula, whatever the text starts with
        fill = fills.get(values[severity_col - 1])
        if fill is not None:
            sheet.cell(row=r, column=severity_col).fill = fill
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(COLUMNS))
    sheet.auto_filter.ref = f"A1:{last}{max(1, len(report['flags']) + 1)}"


def workbook_bytes(workbook) -> bytes:
    workbook.properties.created = workbook.properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_xlsx(result: CheckResult, fail_on: str = "major") -> bytes:
    """The report's flags as an .xlsx workbook (bytes): one sheet named after the article."""
    from openpyxl import Workbook

    report = report_dict(result, fail_on)
    workbook = Workbook()
    workbook.remove(workbook.active)
    target = report.get("target") or {}
    name = target.get("path") if isinstance(target, dict) else str(target or "")
    add_sheet(workbook, sheet_title(name or "report"), report)
    return workbook_bytes(workbook)
