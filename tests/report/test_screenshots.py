"""The reports as people see them (issue 15): the text report in a real terminal (tmux) at 80 and
140 columns, the HTML report printed by Chromium. The functions are those of scripts/screenshots.py,
which makes the pictures in docs/screenshots/.

How a flagged span is found in the terminal: the report prints a header line per flagged segment
("line N  K flags  segment HASH"), then the segment, its flags and its source, wrapped by words at
the terminal's width with a hanging indent. The lines of one block (header to next header), each
stripped of its indent, are joined by one space; a span is intact when its text, whitespace
collapsed to single spaces, is part of a block whose header names the span's line. Nothing else
is allowed: no line longer than the terminal (which would fold it), no "…" in a segment that
is shown in full.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from conftest import script_fixture

REPO = Path(__file__).resolve().parents[2]
ARTICLES = ("dagbladet-russland-nekter", "e24-rentemote-krone")
HEADER = re.compile(r"^line (\d+)  \d+ flags?  segment [0-9a-f]+")
SUMMARY = re.compile(r"^\d+ flags? on \d+ lines?")
UNDERLINE = re.compile(r"\x1b\[(?:\d+;)*4(?:;\d+)*m")     # SGR with 4: underline


shots = script_fixture("screenshots", "shots")


def need(shots, *tools):
    missing = shots.missing_tools(*tools)
    if missing:
        pytest.skip(f"{', '.join(missing)} not installed (Debian: tmux, chromium, poppler-utils)")


_REPORTS: dict[str, dict] = {}


def json_report(shots, article: str) -> dict:
    """The JSON report of the same check (one run per article for the whole module)."""
    if article in _REPORTS:
        return _REPORTS[article]
    proc = subprocess.run(shots.check_command(article, "json"), cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    _REPORTS[article] = json.loads(proc.stdout)
    return _REPORTS[article]


def flagged_spans(report: dict, article: str) -> list[tuple[int, str]]:
    """(line, text) of every flag's span: the span's characters of its line in the article."""
    lines = (REPO / "corpora" / "fr" / f"{article}.fr.txt").read_text(encoding="utf-8").splitlines()
    out = []
    for flag in report["flags"]:
        if flag["span"]:
            start, end = flag["span"]
            out.append((flag["line"], lines[flag["line"] - 1][start:end]))
        else:
            out.append((flag["line"], flag["text"]))
    return out


def blocks(pane: str) -> list[tuple[int, str]]:
    """(line, text) of each flagged-segment block of the pane: lines stripped and joined by one space."""
    found: list[tuple[int, list[str]]] = []
    for raw in pane.splitlines():
        m = HEADER.match(raw)
        if m:
            found.append((int(m.group(1)), []))
        elif SUMMARY.match(raw):
            break  # the summary line ends the last block
        elif found and raw.strip():
            found[-1][1].append(raw.strip())
    return [(line, " ".join(parts)) for line, parts in found]


def collapse(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("width", (80, 140))
@pytest.mark.parametrize("article", ARTICLES)
def test_no_flagged_span_is_cut_off_in_a_terminal(shots, article, width):
    need(shots, "tmux")
    plain, ansi = shots.run_in_tmux(shots.check_command(article, "text"), width)
    assert all(len(line) <= width for line in plain.splitlines()), "a line wider than the terminal"
    assert UNDERLINE.search(ansi) and "[[" not in plain  # a terminal: spans underlined, not marked [[…]]
    report = json_report(shots, article)
    shown = blocks(plain)
    assert len(shown) == len({(f["line"], f["segment"]) for f in report["flags"]})
    for line, span in flagged_spans(report, article):
        assert any(at == line and collapse(span) in text for at, text in shown), (line, span)
    for flag in report["flags"]:  # each flagged segment in full
        assert any(at == flag["line"] and collapse(flag["text"]) in text for at, text in shown), flag["text"]
    assert re.search(rf"{len(report['flags'])} flags on \d+ lines", collapse(plain))


def squash(text: str) -> str:
    """Text without whitespace: PDF text breaks lines where the page wrapped them."""
    return re.sub(r"\s+", "", text)


def pdf_pages(pdf: Path) -> list[str]:
    count = int(re.search(r"^Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                              text=True, check=True).stdout, re.M).group(1))
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for n in range(1, count + 1)]


def test_the_printed_html_report_holds_every_flag_and_no_controls(shots, tmp_path):
    need(shots, "chromium", "pdftotext", "pdfinfo")
    article = ARTICLES[0]
    html, pdf = tmp_path / "report.html", tmp_path / "report.pdf"
    proc = subprocess.run(shots.check_command(article, "html", html), cwd=REPO, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    shots.print_to_pdf(html, pdf)
    pages = pdf_pages(pdf)
    assert len(pages) > 1
    sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(len(pages)), str(pdf)], capture_output=True, text=True, check=True).stdout)
    assert len(sizes) == len(pages)
    assert all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in sizes), sizes  # A4, upright
    paper = "\n".join(pages)
    # the filters' texts: their legends (Category, Severity; the charts' titles are in capitals),
    # the "only flagged" box, the "N of M flags shown" line
    for control in ("only flagged segments", "flags shown", "Category", "Severity"):
        assert control not in paper, control
    report = json_report(shots, article)
    for flag in report["flags"]:  # every flag on paper, whole on one page: not split across two
        assert any(squash(flag["message"]) in squash(page) for page in pages), flag["message"]
    summary = report["summary"]
    assert f"{summary['flags']}flagson{summary['flagged_lines']}lines" in squash(pages[0])
