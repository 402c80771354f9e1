"""The Excel report (--format xlsx): the CSV report's columns in a workbook, one sheet per article;
`mtqa batch -f xlsx` adds summary.xlsx, a summary sheet and every article's sheet in one workbook.

Frozen header row, autofilter, the severity cell filled by severity. Every text cell is written as
a string (data_type "s"): a segment holding "=HYPERLINK(...)" or "+1" stays that text and is never
evaluated as a formula by the spreadsheet. Characters a worksheet cannot hold (C0 controls) are
replaced by U+FFFD. The same input gives the same bytes: the workbook's dates are fixed and the
zip is rewritten with fixed entry dates (`stable_zip`).
"""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Iterable, Sequence

from mtqa.core.flags import SEVERITIES
from mtqa.core.result import CheckResult
from mtqa.errors import InputError
from mtqa.report.csv_report import COLUMNS
from mtqa.report.json_report import report_dict

FILLS = {"critical": "C00000", "major": "FF7C80", "minor": "FFE699", "info": "D9D9D9"}
WIDTHS = {"line": 7, "segment": 9, "span_start": 11, "span_end": 10, "check": 16, "category": 24, "severity": 10,
          "message": 60, "text": 70, "source_text": 70, "evidence": 40, "suppressed": 20, "unit": 16}
SUMMARY_SHEET = "summary"
# The summary sheet of a batch workbook: one row per article, worst first (as summary.json).
SUMMARY_COLUMNS = ("rank", "article", "verdict", "worst_severity", "flags", *reversed(SEVERITIES), "outlet",
                   "outlet_confidence", "source", "sheet", "error")
SUMMARY_WIDTHS = {"rank": 6, "article": 50, "verdict": 10, "worst_severity": 14, "flags": 7, "outlet": 18,
                  "outlet_confidence": 17, "source": 50, "sheet": 32, "error": 60}
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# No date in the file depends on when it was written: the earliest a zip entry can hold.
FIXED_TIME = datetime.datetime(1980, 1, 1)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MODIFIED_RE = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def sheet_title(name: str, taken: set[str] | None = None) -> str:
    """A worksheet name for an article (31 characters at most, no []:*?/\\, unique in `taken`)."""
    stem = Path(name).name
    for suffix in (".txt", ".fr"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    title = _SHEET_FORBIDDEN.sub("_", stem)[:31].strip("'") or "report"   # no ' at either end either
    if title.lower() == "history":  # a name Excel keeps for itself
        title += "_"
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


def write_sheet(workbook, title: str, columns: Sequence[str], rows: Iterable[Sequence], widths: dict[str, int],
                severity_columns: Sequence[str] = ("severity",)) -> None:
    """One worksheet: a bold, frozen header, an autofilter over every row, the cells of
    `severity_columns` filled by severity; numbers as numbers, anything else as a string cell
    (never a formula)."""
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    bold = Font(bold=True)
    for col, name in enumerate(columns, 1):
        cell = sheet.cell(row=1, column=col)
        cell.value, cell.data_type, cell.font = name, "s", bold
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(name, 12)
    coloured = [columns.index(name) for name in severity_columns]
    fills = {s: PatternFill("solid", start_color=c, end_color=c) for s, c in FILLS.items()}
    last_row = 1
    for r, values in enumerate(rows, 2):
        last_row = r
        for col, value in enumerate(values, 1):
            _set_cell(sheet.cell(row=r, column=col), value)
        for index in coloured:
            fill = fills.get(values[index])
            if fill is not None:
                sheet.cell(row=r, column=index + 1).fill = fill
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last_row}"


def _set_cell(cell, value) -> None:
    if value is None:
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    else:
        cell.value = _ILLEGAL.sub("\ufffd", str(value))
        cell.data_type = "s"     # never a formula, whatever the text starts with


def add_sheet(workbook, title: str, report: dict) -> None:
    """The sheet of one article: the CSV report's columns, one row per flag."""
    write_sheet(workbook, title, COLUMNS, _rows(report), WIDTHS)


def stable_zip(data: bytes) -> bytes:
    """The workbook `data` with nothing that depends on when it was saved: openpyxl stamps the
    time of saving on every zip entry and in docProps/core.xml's `modified`. Entries are rewritten
    with a fixed date, in a fixed order ([Content_Types].xml first, then by name)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        entries = {info.filename: source.read(info) for info in source.infolist()}
    if "docProps/core.xml" in entries:
        stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode("ascii")
        entries["docProps/core.xml"] = _MODIFIED_RE.sub(rb"\g<1>" + stamp + rb"\g<2>", entries["docProps/core.xml"])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in sorted(entries, key=lambda n: (n != "[Content_Types].xml", n)):
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0          # the same on every platform
            info.external_attr = 0o644 << 16
            target.writestr(info, entries[name])
    return out.getvalue()


def workbook_bytes(workbook) -> bytes:
    """The workbook as .xlsx bytes, the same for the same content (`stable_zip`)."""
    workbook.properties.created = workbook.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return stable_zip(buffer.getvalue())


def _new_workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    return workbook


def render_xlsx(result: CheckResult, fail_on: str = "major") -> bytes:
    """The report's flags as an .xlsx workbook (bytes): one sheet named after the article."""
    report = report_dict(result, fail_on)
    workbook = _new_workbook()
    target = report.get("target") or {}
    name = target.get("path") if isinstance(target, dict) else str(target or "")
    add_sheet(workbook, sheet_title(name or "report"), report)
    return workbook_bytes(workbook)


def read_report_rows(path: Path) -> list[list]:
    """The flag rows of an article's .xlsx report (its first sheet, header left out), as written."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True)
        try:
            rows = [list(row) for row in workbook.worksheets[0].iter_rows(min_row=2, values_only=True)]
        finally:
            workbook.close()
    except (OSError, zipfile.BadZipFile, KeyError, IndexError, ValueError) as exc:
        raise InputError(f"cannot read the report {path} for summary.xlsx: {exc}") from None
    return [row + [None] * (len(COLUMNS) - len(row)) for row in rows]


def _summary_row(rank: int, article: dict, sheet: str | None) -> list:
    by_severity = article.get("by_severity") or {}
    provenance = article.get("provenance") or {}
    return [rank, article["target"], article["verdict"], article.get("worst_severity"), article.get("flags", 0),
            *(by_severity.get(s, 0) for s in reversed(SEVERITIES)), provenance.get("outlet"), provenance.get("confidence"),
            article.get("source"), sheet, article.get("error")]


def render_batch_xlsx(summary: dict, outdir: Path) -> bytes:
    """summary.xlsx of `mtqa batch -f xlsx`: a summary sheet (one row per article, worst first, as
    summary.json) and one sheet per checked article with the rows of its own .xlsx report in
    `outdir`. Sheet names are unique (the summary's name is taken first)."""
    workbook = _new_workbook()
    taken = {SUMMARY_SHEET}
    titles = [sheet_title(a["target"], taken) if a.get("report") else None for a in summary["articles"]]
    rows = [_summary_row(rank, a, title) for rank, (a, title) in enumerate(zip(summary["articles"], titles), 1)]
    write_sheet(workbook, SUMMARY_SHEET, SUMMARY_COLUMNS, rows, SUMMARY_WIDTHS, severity_columns=("worst_severity",))
    for article, title in zip(summary["articles"], titles):
        if title is not None:
            write_sheet(workbook, title, COLUMNS, read_report_rows(outdir / article["report"]), WIDTHS)
    return workbook_bytes(workbook)
