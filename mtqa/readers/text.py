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


def read_input_bytes(p: Path, expected: str = "a text file") -> bytes:
    """The bytes of an input file, or InputError: missing, a directory, unreadable."""
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, expected {expected}")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read ({exc.strerror or exc})") from None


def read_text(path: str | os.PathLike) -> tuple[str, tuple[str, ...]]:
    """Return (text, notes) for a UTF-8 text file, or raise InputError."""
    p = Path(path)
    return decode_text(read_input_bytes(p), str(p))


def decode_text(data: bytes, name: str) -> tuple[str, tuple[str, ...]]:
    notes: list[str] = []
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        notes.append("UTF-8 byte order mark removed")
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
