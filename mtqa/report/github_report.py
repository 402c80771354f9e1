"""GitHub Actions workflow commands: one annotation per flag, shown on the run and in the PR diff.

`::error` for flags at or above --fail-on, `::warning` for the others down to minor, `::notice`
for info; suppressed flags are left out. Values are escaped as the Actions runner unescapes
them (actions/toolkit `escapeData`/`escapeProperty`): data % CR LF, properties also : and ,.
"""

from __future__ import annotations

import json

from mtqa.core.flags import at_least
from mtqa.core.result import CheckResult
from mtqa.report.json_report import report_dict


def escape_data(text: str) -> str:
    """Escape the message part of a workflow command (after `::`)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value of a workflow command (file=…, title=…)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command_level(severity: str, fail_on: str) -> str:
    if at_least(severity, fail_on):
        return "error"
    return "notice" if severity == "info" else "warning"


def annotation(flag: dict, path: str, fail_on: str, unit_line: int | None = None) -> str:
    """One workflow command for one flag (a dict of the JSON report). `unit_line`: for a bilingual
    input, the line of the file where the flag's unit starts; its span then counts within the unit's
    text, not that line, so no columns are given."""
    props = [("file", path), ("line", str(unit_line if unit_line is not None else flag["line"]))]
    span = flag["span"]
    if span is not None and span[1] > span[0] and unit_line is None:
        # 1-based columns; the end column is the last flagged character (inclusive).
        props += [("col", str(span[0] + 1)), ("endColumn", str(span[1]))]
    unit = f" unit {flag['unit']}" if flag.get("unit") is not None else ""
    props.append(("title", f"mtqa {flag['check']}: {flag['category']} ({flag['severity']}){unit}"))
    message = [flag["message"], f"target: {flag['text']}"]
    if flag["source_text"]:
        message.append(f"source: {flag['source_text']}")
    if flag["evidence"]:
        message.append("evidence: " + json.dumps(flag["evidence"], ensure_ascii=False, sort_keys=True))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{command_level(flag['severity'], fail_on)} {head}::{escape_data(chr(10).join(message))}"


def render_github(result: CheckResult, fail_on: str = "major") -> str:
    """The report as GitHub Actions workflow commands, one line per flag (nothing when no flag)."""
    report = report_dict(result, fail_on)
    path = report["target"]["path"]
    units = report["bilingual"]["units"] if report.get("bilingual") else None

    def unit_line(flag: dict) -> int | None:
        return units[flag["line"] - 1]["line"] if units and 1 <= flag["line"] <= len(units) else None

    # Suppressed flags are silenced on purpose: annotating them would undo the suppression.
    return "".join(annotation(flag, path, fail_on, unit_line(flag)) + "\n"
                   for flag in report["flags"] if not flag.get("suppressed"))
