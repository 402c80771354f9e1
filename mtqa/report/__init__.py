"""Report formats: one `Renderer` record per format in RENDERERS, and the atomic file writer.

A renderer takes (result: CheckResult, fail_on: str) and returns the whole report, as text or
(binary formats) bytes. Each is imported on first use, so a run loads only the writer it uses.
The CLI builds its `--format` choices and batch its file names from this table: adding a format
is one module with a render function and one line here.
"""

from __future__ import annotations

import importlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from mtqa.core.result import CheckResult


@dataclass(frozen=True)
class Renderer:
    """One report format."""

    name: str
    target: str                     # "module:function" of the render function
    extension: str                  # report file ending in a batch's OUTDIR
    binary: bool = False            # the function returns bytes (a file in its own encoding)
    needs: str | None = None        # an input format the report needs ("xliff": annotates the input file)
    description: str = ""

    def load(self) -> Callable[..., str | bytes]:
        module, _, func = self.target.partition(":")
        return getattr(importlib.import_module(module), func)


RENDERERS: dict[str, Renderer] = {r.name: r for r in (
    # The text report gets a double extension so that a report can never be taken for (or replace) an article.
    Renderer("text", "mtqa.report.terminal:render_text", ".report.txt", description="for people, at a terminal"),
    Renderer("json", "mtqa.report.json_report:render_json", ".json", description="the full report (docs/report-schema.json)"),
    Renderer("html", "mtqa.report.html_report:render_html", ".html", description="one self-contained page"),
    Renderer("junit", "mtqa.report.junit_report:render_junit", ".junit.xml", description="JUnit XML for CI"),
    Renderer("sarif", "mtqa.report.sarif_report:render_sarif", ".sarif", description="SARIF 2.1.0"),
    Renderer("github", "mtqa.report.github_report:render_github", ".github.txt",
             description="GitHub Actions workflow commands"),
    Renderer("csv", "mtqa.report.csv_report:render_csv", ".csv", description="one row per flag"),
    Renderer("xlsx", "mtqa.report.xlsx_report:render_xlsx", ".xlsx", binary=True,
             description="Excel workbook: the CSV's columns, one sheet per article"),
    Renderer("xliff", "mtqa.report.xliff_report:render_xliff", ".xlf", binary=True, needs="xliff",
             description="the input XLIFF with mtqa's flags as notes"),
)}


def renderer(name: str) -> Callable[..., str | bytes]:
    """The render function registered for format `name` (KeyError when there is none)."""
    return RENDERERS[name].load()


def render(result: CheckResult, fmt: str = "json", fail_on: str | None = None) -> str | bytes:
    """The report of `result` in format `fmt` (see RENDERERS), as `mtqa check -f FMT` writes it."""
    return renderer(fmt)(result, fail_on or result.fail_on)


def write_atomic(path: str | os.PathLike, text: str | bytes) -> None:
    """Write `text` to `path` so that readers see the old file or the whole new one, never a part.
    Text is written as UTF-8; bytes (a file in its own encoding, e.g. --format xliff) as they are."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        binary = isinstance(text, bytes)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline="\n")) as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


__all__ = ["RENDERERS", "Renderer", "render", "renderer", "write_atomic"]
