"""Rendered help kept in the user cache, so that a repeated `mtqa --help` imports neither Typer nor Rich.

Typer and Rich cost about 0.3 s of CPU to import and lay out the help, six times the interpreter's
own start; the text they print depends only on the request, mtqa's code, the installed packages and
the terminal. So the first `mtqa [COMMAND...] --help` (or a bare `mtqa`) is rendered as usual and
its output kept under a key made of all of these; a later identical request prints the kept text.
Anything that could change the text changes the key: the arguments, the version, the size and
modification time of every file of the package, the modification time of each directory on
sys.path (pip touches site-packages when it installs or removes a package), whether stdout is a
terminal and its size, and the environment variables Rich and Typer read (COLUMNS, TERM,
NO_COLOR, FORCE_COLOR...). Only help that exited 0 is kept; MTQA_NO_HELP_CACHE=1 turns it off;
an unwritable cache just means no caching. This module imports nothing heavy.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import sys
from pathlib import Path

# Environment variables that change how Rich or Typer lay out or colour the help.
_ENV = re.compile(r"COLUMNS|LINES|TERM.*|COLORTERM|.*COLOR.*|TTY_.*|.*TYPER.*|JUPYTER.*|PYTHONIOENCODING|"
                  r"LANG|LANGUAGE|LC_.*|MTQA_.*")
_COMMAND_WORD = re.compile(r"[a-z][a-z0-9-]{0,30}")


def help_request(argv: list[str]) -> bool:
    """`mtqa`, `mtqa --help` or `mtqa COMMAND [SUBCOMMAND] --help`: nothing else is read, so the
    output depends on no file the user names."""
    if not argv:
        return True
    *words, last = argv
    return last == "--help" and len(words) <= 2 and all(_COMMAND_WORD.fullmatch(w) for w in words)


def _package_fingerprint(root: Path) -> list[str]:
    out = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".pyc", ".pyo")):
                continue
            st = os.stat(os.path.join(folder, name))
            out.append(f"{os.path.relpath(os.path.join(folder, name), root)}:{st.st_size}:{st.st_mtime_ns}")
    return out


def _terminal() -> str:
    try:
        tty = sys.stdout.isatty()
    except (AttributeError, ValueError):
        return "no-stdout"
    if not tty:
        return f"pipe:{getattr(sys.stdout, 'encoding', '')}"
    try:
        size = os.get_terminal_size(sys.stdout.fileno())
    except (OSError, ValueError):
        size = None
    return f"tty:{size}:{getattr(sys.stdout, 'encoding', '')}"


def cache_key(argv: list[str]) -> str:
    import mtqa

    parts = ["mtqa-help-1", mtqa.__version__, sys.version, "\0".join(argv), _terminal()]
    parts += [f"{k}={v}" for k, v in sorted(os.environ.items()) if _ENV.fullmatch(k)]
    for entry in sys.path:
        try:
            parts.append(f"{entry}:{os.stat(entry or '.').st_mtime_ns}")
        except OSError:
            parts.append(f"{entry}:-")
    parts += _package_fingerprint(Path(mtqa.__file__).resolve().parent)
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def cache_file(key: str) -> Path:
    from mtqa.text.tables import cache_dir

    return cache_dir().parent / "help" / f"{key}.txt"


class _Tee(io.TextIOBase):
    """Stdout as Rich sees it (same terminal, same size), with a copy of what is written."""

    def __init__(self, stream):
        self._stream = stream
        self.copy = io.StringIO()
        self.failed = False  # a write or flush failed (`mtqa --help | head -1`): the copy may be cut short

    def write(self, text: str) -> int:
        self.copy.write(text)
        try:
            return self._stream.write(text)
        except (OSError, ValueError):
            self.failed = True
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except (OSError, ValueError):
            self.failed = True
            raise

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self):  # the wrapped stream's
        return self._stream.encoding

    @property
    def errors(self):  # the wrapped stream's
        return self._stream.errors


def enabled() -> bool:
    return os.environ.get("MTQA_NO_HELP_CACHE", "").strip() not in ("1", "true", "yes")


def replay(argv: list[str]) -> str | None:
    """The kept help for `argv`, or None (no entry, unreadable, turned off)."""
    if not enabled() or not help_request(argv):
        return None
    try:
        return cache_file(cache_key(argv)).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def render_and_keep(argv: list[str], run) -> None:
    """Run `run()` (the normal command line) with stdout copied; keep the copy when it exits 0."""
    if not enabled() or not help_request(argv) or sys.stdout is None:
        run()
        return
    key = cache_key(argv)  # before the run: what it imports does not change the key
    real, tee = sys.stdout, _Tee(sys.stdout)
    sys.stdout = tee
    status: object = "unfinished"  # an exception other than SystemExit: nothing is kept
    try:
        run()
        status = 0
    except SystemExit as exc:
        status = exc.code
        raise
    finally:
        sys.stdout = real
        if status in (0, None) and not tee.failed and tee.copy.getvalue():
            _keep(cache_file(key), tee.copy.getvalue())


KEEP = 64  # entries kept: a new version or terminal size makes new ones, the oldest go


def _keep(path: Path, text: str) -> None:
    """Write atomically; a cache that cannot be written is no error."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
        kept = sorted(path.parent.glob("*.txt"), key=lambda p: p.stat().st_mtime_ns)
        for old in kept[:-KEEP]:
            old.unlink()
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass
