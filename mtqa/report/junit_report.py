"""The JUnit XML report, for CI test dashboards (GitLab, Jenkins, Azure, GitHub test-report actions).

One <testsuite> per article (named by the target path), one <testcase> per target segment. Each
flag at or above --fail-on is a <failure> of its segment's test case; flags below it, and
suppressed flags with their reason, are listed in the test case's <system-out>. `tests` counts
test cases and `failures` counts <failure> elements, as junitparser's statistics do. No
timestamps, and time="0": the same input gives byte-identical XML.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

from mtqa.core.flags import at_least
from mtqa.core.result import CheckResult
from mtqa.report.json_report import report_dict

NAME_CHARS = 60

# Characters XML 1.0 cannot carry at all, even escaped; ElementTree would write them and make
# the file unreadable, so they become U+FFFD.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def _case_name(line: int, segment: int | None, text: str, unit: str | None = None) -> str:
    head = " ".join(text.split())
    head = head[:NAME_CHARS].rstrip() + "…" if len(head) > NAME_CHARS else head
    where = f"line {line} segment {segment}" if segment is not None else f"line {line}"
    if unit is not None:  # a bilingual input: the translation unit names the case
        where = f"unit {unit}" + (f" segment {segment}" if segment is not None else "")
    return f"{where}: {head}" if head else f"{where}: (no translation)"


def _detail(flag: dict) -> str:
    """The failure body: everything the JSON report says about the flag."""
    span = flag["span"]
    where = f"line {flag['line']}" + (f", characters {span[0]}-{span[1]}" if span else "")
    lines = [f"{where} [{flag['check']}] {flag['category']} {flag['severity']}: {flag['message']}",
             f"target: {flag['text']}",
             f"source: {flag['source_text'] or '(no aligned source)'}"]
    if flag["evidence"]:
        lines.append("evidence: " + json.dumps(flag["evidence"], ensure_ascii=False, sort_keys=True))
    return "\n".join(lines)


def _note(flag: dict) -> str:
    note = f"{flag['severity']} {flag['category']} [{flag['check']}]: {flag['message']}"
    return f"{note} (suppressed: {flag['suppressed']})" if flag.get("suppressed") else note


def _fails(flag: dict, fail_on: str) -> bool:
    """A suppressed flag is reported but never fails a test."""
    return at_least(flag["severity"], fail_on) and not flag.get("suppressed")


def render_junit(result: CheckResult, fail_on: str = "major") -> str:
    """The report as JUnit XML (UTF-8, with an XML declaration)."""
    report = report_dict(result, fail_on)
    path = report["target"]["path"]

    # Test cases: every target segment, plus one per line for flags that point at no segment.
    cases: dict[tuple, dict] = {}
    for seg in report["segments"]:
        cases[("segment", seg["index"])] = {"line": seg["line"], "segment": seg["index"], "text": seg["text"],
                                            "unit": seg.get("unit"), "flags": []}
    for flag in report["flags"]:
        key = ("segment", flag["segment"])
        if key not in cases:
            key = ("line", flag["line"])
            cases.setdefault(key, {"line": flag["line"], "segment": None, "text": flag["text"],
                                   "unit": flag.get("unit"), "flags": []})
        cases[key]["flags"].append(flag)
    ordered = sorted(cases.values(), key=lambda c: (c["line"], c["segment"] is None, c["segment"] or 0))

    failures = sum(1 for f in report["flags"] if _fails(f, fail_on))
    root = ET.Element("testsuites", {"name": "mtqa", "tests": str(len(ordered)), "failures": str(failures),
                                     "errors": "0", "skipped": "0", "time": "0"})
    suite = ET.SubElement(root, "testsuite", {"name": _xml(path), "tests": str(len(ordered)),
                                              "failures": str(failures), "errors": "0", "skipped": "0",
                                              "time": "0"})
    summary = report["summary"]
    props = ET.SubElement(suite, "properties")
    for name, value in (("tool", f"mtqa {report['tool']['version']}"),
                        ("source", report["source"]["path"] if report["source"] else ""),
                        ("verdict", summary["verdict"]), ("fail_on", fail_on),
                        ("flags", str(summary["flags"])),
                        ("checks_run", ",".join(summary["checks_run"])),
                        ("checks_skipped", "; ".join(f"{k}: {v}" for k, v in summary["checks_skipped"].items()))):
        ET.SubElement(props, "property", {"name": name, "value": _xml(value)})

    for case in ordered:
        element = ET.SubElement(suite, "testcase", {
            "classname": _xml(path), "name": _xml(_case_name(case["line"], case["segment"], case["text"],
                                                             case.get("unit"))),
            "time": "0"})
        below = []
        for flag in case["flags"]:
            if _fails(flag, fail_on):
                failure = ET.SubElement(element, "failure", {
                    "message": _xml(f"{flag['category']} {flag['severity']}: {flag['message']}"),
                    "type": flag["category"]})
                failure.text = _xml(_detail(flag))
            else:
                below.append(_note(flag))
        if below:
            ET.SubElement(element, "system-out").text = _xml("\n".join(below))

    ET.indent(root)
    buffer = io.BytesIO()
    ET.ElementTree(root).write(buffer, encoding="utf-8", xml_declaration=True)
    return buffer.getvalue().decode("utf-8") + "\n"
