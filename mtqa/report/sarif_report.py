"""The SARIF 2.1.0 report, for code-scanning UIs (GitHub code scanning, Azure DevOps, VS Code SARIF viewer).

One run; one rule per check that flagged something (ruleId = the check name); one result per
flag, located at its line and span of the target file. Columns are 1-based UTF-16 code units,
SARIF's default `columnKind`, because that is what GitHub and editors count in. Deterministic:
no timestamps, no absolute paths that the input did not give.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from urllib.parse import quote
from typing import Any

from mtqa.core.result import CheckResult
from mtqa.report.json_report import report_dict

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"critical": "error", "major": "error", "minor": "warning", "info": "note"}
FINGERPRINT = "mtqaCheckLineHash/v1"


def artifact_location(path: str) -> dict:
    """A SARIF artifactLocation for a path as the user gave it: relative paths stay relative to
    %SRCROOT% (the checkout root of code-scanning uploads); absolute ones become file: URIs."""
    posix = path.replace(os.sep, "/")
    if os.path.isabs(path):
        absolute = posix if posix.startswith("/") else "/" + posix  # C:/x -> file:///C:/x
        return {"uri": "file://" + quote(absolute, safe="/:")}
    return {"uri": quote(posix, safe="/"), "uriBaseId": "%SRCROOT%"}


def utf16_column(line: str, offset: int) -> int:
    """1-based UTF-16 column of the character at code-point `offset` of `line`."""
    return len(line[:offset].encode("utf-16-le")) // 2 + 1


def _rule(check: str, categories: list[str], severities: list[str]) -> dict:
    from mtqa.checks import REGISTRY

    cls = REGISTRY.get(check)
    # The docstring's first paragraph: its first line alone often stops mid-sentence.
    description = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split()) if cls is not None else ""
    category = cls.category if cls is not None else categories[0]
    default = cls.Options().severity if cls is not None else severities[0]
    return {"id": check, "name": check,
            "shortDescription": {"text": description or f"mtqa check {check}"},
            "defaultConfiguration": {"level": LEVELS[default]},
            "properties": {"category": category, "categories": categories,
                           "tags": ["translation-quality", *categories]}}


def _region(flag: dict, line_text: str | None) -> dict:
    region = {"startLine": flag["line"]}
    span = flag["span"]
    if span is not None and line_text is not None and 0 <= span[0] <= span[1] <= len(line_text):
        region["startColumn"] = utf16_column(line_text, span[0])
        region["endColumn"] = utf16_column(line_text, span[1])  # exclusive, as SARIF wants
        if span[1] > span[0]:
            region["snippet"] = {"text": line_text[span[0]:span[1]]}
    return region


def _location(flag: dict, artifact: dict, line_text: str | None, units: list[dict] | None) -> dict:
    if units is not None and 1 <= flag["line"] <= len(units):
        location: dict[str, Any] = {"physicalLocation": {
            "artifactLocation": dict(artifact), "region": {"startLine": units[flag["line"] - 1]["line"]}}}
        if flag.get("unit") is not None:
            location["logicalLocations"] = [{"name": flag["unit"], "fullyQualifiedName": flag["unit"],
                                             "kind": "element"}]
        return location
    return {"physicalLocation": {"artifactLocation": dict(artifact), "region": _region(flag, line_text)}}


def render_sarif(result: CheckResult, fail_on: str = "major") -> str:
    """The report as a SARIF 2.1.0 log (JSON text)."""
    report = report_dict(result, fail_on)
    path = report["target"]["path"]
    lines = result.target.lines
    flags = report["flags"]

    checks = list(dict.fromkeys(f["check"] for f in flags))  # first-flag order, deterministic
    rules = [_rule(c, list(dict.fromkeys(f["category"] for f in flags if f["check"] == c)),
                   [f["severity"] for f in flags if f["check"] == c]) for c in checks]
    rule_index = {c: i for i, c in enumerate(checks)}

    location = artifact_location(path)
    # A bilingual input: a flag points at the line where its unit starts in the file (its span counts
    # within the unit's text, so no columns), and names the unit as a logical location.
    units = report["bilingual"]["units"] if report.get("bilingual") else None
    seen: Counter = Counter()
    results = []
    for flag in flags:
        line_text = lines[flag["line"] - 1] if 1 <= flag["line"] <= len(lines) else None
        # Tracks the flag across edits that move its line: the check, the line's text, the
        # flagged text, and which occurrence of that triple it is.
        key = "\n".join((flag["check"], line_text or "", flag["text"]))
        seen[key] += 1
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        entry = {
            "ruleId": flag["check"],
            "ruleIndex": rule_index[flag["check"]],
            "level": LEVELS[flag["severity"]],
            "message": {"text": flag["message"]},
            "locations": [_location(flag, location, line_text, units)],
            "partialFingerprints": {FINGERPRINT: f"{digest}:{seen[key]}"},
            "properties": {"category": flag["category"], "severity": flag["severity"],
                           "segment": flag["segment"], "text": flag["text"],
                           "source_text": flag["source_text"], "evidence": flag["evidence"]},
        }
        if flag.get("segment_hash"):
            entry["properties"]["segment_hash"] = flag["segment_hash"]
        if flag.get("unit") is not None:
            entry["properties"]["unit"] = flag["unit"]
        if flag.get("suppressed"):
            # A configured suppression: code-scanning UIs show the result as dismissed.
            entry["suppressions"] = [{"kind": "external", "status": "accepted",
                                      "justification": flag["suppressed"]}]
        results.append(entry)

    summary = report["summary"]
    notifications = [{"level": "note", "descriptor": {"id": name},
                      "message": {"text": f"check {name} skipped: {reason}"}}
                     for name, reason in summary["checks_skipped"].items()]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    target = report["target"]
    run = {
        "tool": {"driver": {"name": "mtqa", "version": report["tool"]["version"],
                            "semanticVersion": report["tool"]["version"], "rules": rules}},
        "invocations": [invocation],
        "artifacts": [{"location": dict(location), "roles": ["analysisTarget"], "encoding": "utf-8",
                       "hashes": {"sha-256": report["bilingual"]["sha256"] if units else target["sha256"]}}],
        "columnKind": "utf16CodeUnits",
        "results": results,
        "properties": {"verdict": summary["verdict"], "fail_on": fail_on, "flags": summary["flags"],
                       "by_severity": summary["by_severity"], "by_category": summary["by_category"],
                       "checks_run": summary["checks_run"], "source": report["source"],
                       "provenance": report["provenance"], "backtranslation": summary["backtranslation"]},
    }
    log = {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
