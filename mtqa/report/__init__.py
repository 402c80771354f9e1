"""Report writers. Every file is written atomically: a temporary file in the same folder, then rename."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


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


# Machine and file formats of `mtqa check --format`: name -> "module:function", where the function
# takes (result: CheckResult, fail_on: str) and returns the whole report as text. Imported lazily
# so that `mtqa check` loads only the writer it uses. The text report is printed by
# mtqa.report.terminal instead (it draws on a rich Console).
RENDERERS: dict[str, str] = {
    "json": "mtqa.report.json_report:render_json",
    "html": "mtqa.report.html_report:render_html",
    "junit": "mtqa.report.junit_report:render_junit",
    "sarif": "mtqa.report.sarif_report:render_sarif",
    "github": "mtqa.report.github_report:render_github",
    "csv": "mtqa.report.csv_report:render_csv",
    "xliff": "mtqa.report.xliff_report:render_xliff",  # returns bytes: the input XLIFF in its own encoding
}


def renderer(name: str):
    """The render function registered for format `name` (KeyError when there is none)."""
    import importlib

    module, _, func = RENDERERS[name].partition(":")
    return getattr(importlib.import_module(module), func)
