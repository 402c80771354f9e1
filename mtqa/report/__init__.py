"""Report formats: one `Renderer` record per format in RENDERERS, and the atomic file writer.

A renderer takes (result: CheckResult, fail_on: str) and returns the whole report, as text or
(binary formats) bytes. Each is imported on first use, so a run loads only the writer it uses.
The CLI builds its `--format` choices and batch its file names from this table: adding a format
is one module with a render function and one line here.
"""

from __future__ import annotations

import errno
import importlib
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from mtqa.errors import InputError

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


def _umask() -> int:
    """The process umask, read without changing it where /proc allows."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def write_atomic(path: str | os.PathLike, text: str | bytes) -> None:
    """Write `text` to the regular file `path` so that readers see the old file or the whole new
    one, never a part. Text is written as UTF-8; bytes (a file in its own encoding, e.g. --format
    xliff) as they are. The file gets the mode an ordinary open() would give it (0o666 less the
    umask), or keeps the mode (and, where allowed, the owner) of the file it replaces."""
    import tempfile

    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        existing = os.stat(target)
    except OSError:
        existing = None
    if existing is not None and stat.S_ISREG(existing.st_mode):
        mode = stat.S_IMODE(existing.st_mode)
    else:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:200]}.", suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, mode)
        if existing is not None and stat.S_ISREG(existing.st_mode) and hasattr(os, "fchown"):
            try:
                if (existing.st_uid, existing.st_gid) != (os.geteuid(), os.getegid()):
                    os.fchown(fd, existing.st_uid, existing.st_gid)
            except OSError:
                pass
        with os.fdopen(fd, "wb") as fh:
            # text as UTF-8, lines as they are (what a text file opened with newline="\n" writes)
            fh.write(text if isinstance(text, bytes) else text.encode("utf-8"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _encode(text: str | bytes) -> bytes:
    # A lone surrogate (a file name that is not UTF-8) is written as its \\uDCNN escape: always valid UTF-8.
    return text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.flush()
        out = sys.stdout.buffer
        out.write(data)
        out.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError, AttributeError) as exc:  # closed, /dev/full, no buffer
        why = _why(exc) if isinstance(exc, OSError) else "standard output is closed"
        raise InputError(f"cannot write standard output: {why}") from None


def _same(a: str, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, TypeError, ValueError):
        return False


def write_output(path: str | os.PathLike, text: str | bytes,
                 protected: Iterable[str | os.PathLike | None] = ()) -> None:
    """Write an output of mtqa (a report, a summary, a configuration) to `path`; every file mtqa
    writes goes through here.

    "-": standard output. An existing character device, FIFO: opened and written in place (never
    replaced; a FIFO without a reader is an error, not a hang); a socket, directory or block device:
    refused. A symlink: its target is written, atomically, and the link stays. A regular file or a
    new name: written atomically (write_atomic). `protected`: inputs of the run, never written.
    Every failure is one InputError line, "cannot write PATH: why".
    """
    name = os.fspath(path)
    data = text
    if name == "-":
        _write_stdout(_encode(data))
        return
    for p in protected:
        if p is not None and str(p) != "-" and _same(name, p):
            raise InputError(f"{name}: refusing to overwrite an input file ({p})")
    try:
        real = os.path.realpath(name) if os.path.islink(name) else name
        try:
            st = os.stat(real)
        except FileNotFoundError:
            st = None
        if st is not None:
            kind = st.st_mode
            if stat.S_ISDIR(kind):
                raise InputError(f"cannot write {name}: is a directory; give a file name")
            if stat.S_ISSOCK(kind):
                raise InputError(f"cannot write {name}: is a socket")
            if stat.S_ISBLK(kind):
                raise InputError(f"cannot write {name}: is a block device")
            if stat.S_ISCHR(kind) or stat.S_ISFIFO(kind):
                flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
                if stat.S_ISFIFO(kind):
                    flags |= os.O_NONBLOCK
                try:
                    fd = os.open(real, flags)
                except OSError as exc:
                    if exc.errno == errno.ENXIO:
                        raise InputError(f"cannot write {name}: FIFO has no reader") from None
                    raise
                try:
                    if stat.S_ISFIFO(kind):
                        os.set_blocking(fd, True)
                    _write_fd(fd, _encode(data))
                finally:
                    os.close(fd)
                return
            if not stat.S_ISREG(kind):
                raise InputError(f"cannot write {name}: not a regular file")
        parent = os.path.dirname(real) or "."
        if not os.path.isdir(parent):
            raise InputError(f"cannot write {name}: folder {parent} does not exist")
        write_atomic(real, data)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(f"cannot write {name}: {_why(exc)}") from None


__all__ = ["RENDERERS", "Renderer", "render", "renderer", "write_atomic", "write_output"]
