"""Read a UTF-8 article, one paragraph per line.

A BOM and CRLF/CR line ends are accepted (and noted); anything that is not
UTF-8 text is refused with an InputError naming the problem.
"""

from __future__ import annotations

import os
from pathlib import Path

from mtqa.core.document import Document
from mtqa.errors import InputError

# Share of control characters (other than tab/newline/CR/FF) beyond which bytes are not text.
_MAX_CONTROL_SHARE = 0.01


# The largest input file mtqa reads, in MiB (MTQA_MAX_INPUT_MB overrides it): every read is bounded,
# so that /dev/zero, a runaway file or a hostile upload cannot take the machine's memory.
DEFAULT_MAX_INPUT_MB = 100
MAX_INPUT_VARIABLE = "MTQA_MAX_INPUT_MB"


def max_input_bytes() -> int:
    """The size limit of one input file, in bytes (MTQA_MAX_INPUT_MB, default 100 MiB)."""
    raw = os.environ.get(MAX_INPUT_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_INPUT_MB * 1024 * 1024
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not (0 < value <= 1024 * 1024):  # NaN fails too
        raise InputError(f"{MAX_INPUT_VARIABLE}={raw!r}: expected a size in MiB between 0 and 1048576")
    return int(value * 1024 * 1024)


def display_name(p: str | os.PathLike) -> str:
    """A file name as one-line messages show it: control characters and undecodable bytes escaped."""
    from mtqa.core.escape import visible

    return visible(os.fspath(p))


def _too_large(name: str, limit: int) -> InputError:
    return InputError(f"{name}: larger than the input limit of {limit / 1024 / 1024:g} MiB "
                      f"(set {MAX_INPUT_VARIABLE} to raise it)")


def _read_bounded(fh, name: str, limit: int) -> bytes:
    data = fh.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, limit)
    return data


def read_input_bytes(p: str | os.PathLike, expected: str = "a text file") -> bytes:
    """The bytes of an input file, or InputError: missing, a directory, not a regular file (a device,
    FIFO or socket), larger than max_input_bytes(), unreadable. "-" reads standard input (bounded)."""
    import stat
    import sys

    limit = max_input_bytes()
    name = display_name(p)
    if os.fspath(p) == "-":
        try:
            return _read_bounded(sys.stdin.buffer, "standard input", limit)
        except (OSError, ValueError, AttributeError) as exc:
            raise InputError(f"standard input: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        # O_NONBLOCK: opening a FIFO without a writer must not wait; regular files ignore it.
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise InputError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{name}: is a directory, expected {expected}") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{name}: is a directory, expected {expected}")
        if not stat.S_ISREG(info.st_mode):
            kind = ("a character device" if stat.S_ISCHR(info.st_mode) else "a FIFO" if stat.S_ISFIFO(info.st_mode)
                    else "a socket" if stat.S_ISSOCK(info.st_mode) else "a block device"
                    if stat.S_ISBLK(info.st_mode) else "not a regular file")
            raise InputError(f"{name}: is {kind}, expected {expected} (only regular files are read)")
        if info.st_size > limit:
            raise _too_large(name, limit)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            return _read_bounded(fh, name, limit)
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    finally:
        if fd >= 0:
            os.close(fd)


def read_text(path: str | os.PathLike) -> tuple[str, tuple[str, ...]]:
    """Return (text, notes) for a UTF-8 text file, or raise InputError."""
    p = path if os.fspath(path) == "-" else Path(path)
    return decode_text(read_input_bytes(p), display_name(p))


def decode_text(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    notes: list[str] = []
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("UTF-8 byte order mark removed")
    elif data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError(f"{name}: file is UTF-32; convert it to UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: file is UTF-16; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)")
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16:
            raise InputError(f"{name}: file looks like {utf16} without a byte order mark; convert it to UTF-8 "
                             f"(e.g. iconv -f {utf16} -t UTF-8)")
        raise InputError(f"{name}: binary file (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("cp1252")
            hint = "; it looks like Latin-1/Windows-1252: convert it with iconv -f LATIN1 -t UTF-8"
        except UnicodeDecodeError:
            pass
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start}){hint}") from None
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if control > max(1, len(text) * _MAX_CONTROL_SHARE):
        raise InputError(f"{name}: binary file (control characters), expected UTF-8 text")
    if "\r" in text:
        notes.append("CRLF line ends normalised")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(f"{name}: file is empty (whitespace only)")
    return text, tuple(notes)


def _utf16_without_bom(data: bytes) -> str | None:
    """"UTF-16LE" or "UTF-16BE" for mostly Latin text in UTF-16 without a BOM (NUL in nearly every
    other byte, and only there), else None."""
    sample = data[:4096]
    even, odd = sample[0::2], sample[1::2]
    if len(odd) < 2:
        return None
    if odd.count(0) >= 0.8 * len(odd) and even.count(0) == 0:
        return "UTF-16LE"  # "B\0o\0..."
    if even.count(0) >= 0.8 * len(even) and odd.count(0) == 0:
        return "UTF-16BE"
    return None


def read_document(path: str | os.PathLike) -> Document:
    """Read a text file into a Document whose lines keep their 1-based numbering."""
    text, notes = read_text(path)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # a final newline ends the last line; it does not start a new one
    return Document(path=str(path), lines=tuple(lines), notes=notes)
