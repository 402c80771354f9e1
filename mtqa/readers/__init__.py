"""Readers: the only place that opens the user's files (nothing here writes to them).

One `InputFormat` record per format in `FORMATS`: its name, the file endings it claims, the XML
root element that identifies it in a `.xml` file, and its reader. `input_format(path)` picks the
record, `read_input(path, ...)` reads the file into what `mtqa.check` takes: an `Article` (plain
text, with its source or candidate sources) or a `BilingualDocument` (units already paired).
Adding a format is one module with a `read(data, name)` function and one line in `FORMATS`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from mtqa.core.document import Article, Document
from mtqa.errors import InputError
from mtqa.readers.bilingual import BilingualDocument, Unit, to_documents
from mtqa.readers.jsonl import read_jsonl
from mtqa.readers.po import read_po
from mtqa.readers.tmx import read_tmx
from mtqa.readers.xliff import read_xliff
from mtqa.readers.corpus import list_candidates, read_corpus, same_file
from mtqa.readers.text import display_name, read_document, read_input_bytes, read_text


@dataclass(frozen=True)
class InputFormat:
    """One input format: how it is recognised and read."""

    name: str
    suffixes: tuple[str, ...]                  # lower-case file endings that claim the format
    roots: tuple[str, ...] = ()                # XML root elements that claim a `.xml` file
    read: Callable[[bytes, str], BilingualDocument] | None = None  # None: a plain-text article
    description: str = ""

    @property
    def bilingual(self) -> bool:
        return self.read is not None


TEXT = InputFormat("text", (".txt",), description="French article, UTF-8, one paragraph per line")
FORMATS: tuple[InputFormat, ...] = (
    TEXT,
    InputFormat("xliff", (".xlf", ".xliff", ".xlf2"), ("xliff",), read_xliff, "XLIFF 1.2 or 2.0"),
    InputFormat("tmx", (".tmx",), ("tmx",), read_tmx, "TMX translation memory"),
    InputFormat("po", (".po",), (), read_po, "gettext PO catalogue"),
    InputFormat("jsonl", (".jsonl",), (), read_jsonl, 'JSON lines with "source" and "target"'),
)
BILINGUAL_SUFFIXES = tuple(s for f in FORMATS if f.bilingual for s in f.suffixes)


def format_named(name: str) -> InputFormat:
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def _xml_root(path: Path) -> str | None:
    try:
        head = read_input_bytes(path, expected="a file")[:4096]  # bounded; a FIFO or device is refused later
    except InputError:
        return None
    head = re.sub(rb"^(\xef\xbb\xbf)?(\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", b"", head, flags=re.S)
    match = re.match(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]", head)
    return match.group(1).decode() if match else None


def input_format(path: str | os.PathLike) -> InputFormat:
    """The format of `path`: by its ending, and for `.xml` by its root element; plain text otherwise."""
    p = Path(path)
    suffix = p.suffix.lower()
    for fmt in FORMATS:
        if suffix in fmt.suffixes:
            return fmt
    if suffix == ".xml":
        root = _xml_root(p)
        for fmt in FORMATS:
            if root in fmt.roots:
                return fmt
    return TEXT


def bilingual_kind(path: str | os.PathLike) -> str | None:
    """The name of the bilingual format of `path`, or None for a plain-text article."""
    fmt = input_format(path)
    return fmt.name if fmt.bilingual else None


def read_bilingual(path: str | os.PathLike, kind: str | None = None) -> BilingualDocument:
    """Read a bilingual file, or raise InputError naming the file (and line:column when malformed)."""
    p = Path(path)
    fmt = format_named(kind) if kind else input_format(p)
    if fmt.read is None:
        raise InputError(f"{p}: not a bilingual file (expected {', '.join(BILINGUAL_SUFFIXES)})")
    data = read_input_bytes(p, expected="a file")
    name = display_name(p)
    if not data.strip():
        raise InputError(f"{name}: file is empty")
    doc = fmt.read(data, name)
    if not doc.units:
        raise InputError(f"{name}: no translation units in the file")
    return doc


def read_input(path: str | os.PathLike, *, source: str | os.PathLike | None = None,
               corpus: str | os.PathLike | None = None,
               candidates: Sequence[Document] | None = None,
               default_corpus: str | os.PathLike | None = None) -> Article | BilingualDocument:
    """Read what `mtqa.check` takes from the user's files.

    A bilingual file (XLIFF, TMX, PO, JSONL) holds its own source: `source` and `corpus` are then
    an error. A text article gets its `source` when given, else the candidate sources of `corpus`
    (or the `candidates` already read, as a batch does once for all articles); the article itself
    is never its own candidate. `default_corpus` is used like `corpus` when neither a source nor a
    corpus is given, and only if it is a folder (`mtqa check` looks in ./corpora).
    """
    p: str | Path
    if os.fspath(path) == "-":  # the article on standard input (plain text)
        p = path = "-"
        fmt = TEXT
    else:
        p = Path(path)
        fmt = input_format(p)
    if fmt.bilingual:
        for option, value in (("--source", source), ("--corpus", corpus)):
            if value is not None:
                raise InputError(f"{option}: {p} is a bilingual file that holds its own source; drop {option}")
        return read_bilingual(p, fmt.name)
    target = read_document(p)
    if source is not None:
        if same_file(source, p):
            raise InputError(f"{source}: given as both the article and its source; --source takes the Norwegian "
                             "original")
        return Article(target, read_document(source))
    found: Sequence[Document] = ()
    if candidates is not None:
        found = candidates
    elif corpus is not None:
        found = read_corpus(Path(corpus))
    elif default_corpus is not None:
        found = read_corpus(Path(default_corpus), required=False)
    return Article(target, None, tuple(c for c in found if not same_file(c.path, p)))


__all__ = ["Article", "BilingualDocument", "FORMATS", "InputFormat", "Unit", "bilingual_kind", "input_format",
           "list_candidates", "read_bilingual", "read_corpus", "read_document", "read_input", "read_text",
           "same_file", "to_documents"]
