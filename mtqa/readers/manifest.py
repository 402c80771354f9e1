"""Batch inputs: a manifest file (CSV or JSONL) or folders and glob patterns, as BatchItems.

`read_manifest` reads a CSV with a header naming `target` and `source` columns, or JSONL objects
with those keys (paths relative to the manifest's folder; missing files are errors of the
manifest, file:line); `collect_inputs` expands folders and glob patterns named on the command
line. A `BatchItem` is one French target with its Norwegian source when it is known.
`sibling_source` is the source stored beside an article (`mtqa hook`, the GitHub Action).
"""

from __future__ import annotations

import csv
import glob
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from mtqa.core.escape import visible
from mtqa.errors import InputError
from mtqa.readers.text import read_text

JSONL_SUFFIXES = (".jsonl", ".ndjson")
TARGET_SUFFIX = ".fr.txt"
SOURCE_SUFFIX = ".nb.txt"


def sibling_source(target: Path) -> Path | None:
    """The Norwegian source stored beside a French article, or None: `x/story.fr.txt` ->
    `x/story.nb.txt`, else `x/../nb/story.nb.txt` when the article's folder is `fr` (the layout
    of corpora/)."""
    target = Path(target)
    if not target.name.endswith(TARGET_SUFFIX):
        return None
    stem = target.name[:-len(TARGET_SUFFIX)]
    candidates = [target.with_name(stem + SOURCE_SUFFIX)]
    if target.parent.name == "fr":
        candidates.append(target.parent.parent / "nb" / (stem + SOURCE_SUFFIX))
    return next((c for c in candidates if c.is_file()), None)


@dataclass(frozen=True)
class BatchItem:
    """One article of the batch: the French target, and its Norwegian source when it is known
    (None: found by retrieval among the --corpus articles)."""

    target: Path
    source: Path | None = None
    back_translation: Path | None = None  # the manifest's back_translation column: a replayed file

    @property
    def key(self) -> str:
        """Identifies the item in the state file."""
        parts = [str(self.target), None if self.source is None else str(self.source)]
        if self.back_translation is not None:
            parts.append(str(self.back_translation))
        return json.dumps(parts, ensure_ascii=False)


def _resolve(base: Path, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else base / p


def _outside(base: Path, path: Path) -> bool:
    """True when `path` (links resolved) is not inside the folder `base`."""
    folder = os.path.realpath(base)
    return os.path.commonpath([folder, os.path.realpath(path)]) != folder


def _checked_item(where: str, base: Path, target: str, source: str | None,
                  back_translation: str | None = None, allow_outside: bool = False) -> BatchItem:
    """A manifest row as a BatchItem; missing files are an error of the manifest (file:line), and
    so is a path outside the manifest's folder (absolute, "..", a link out) unless `allow_outside`."""
    if not target.strip():
        raise InputError(f"{where}: empty target")
    for role, value in (("target", target), ("source", source), ("back_translation", back_translation)):
        try:
            if value is not None:
                os.fsencode(value)
        except UnicodeEncodeError:  # a lone surrogate from a JSON escape ("\ud800"): no file has that name
            raise InputError(f"{where}: {role} {visible(str(value))[:300]}: not a valid file name") from None
    item = BatchItem(_resolve(base, target.strip()),
                     _resolve(base, source.strip()) if source and source.strip() else None,
                     _resolve(base, back_translation.strip()) if back_translation and back_translation.strip()
                     else None)
    for role, path in (("target", item.target), ("source", item.source), ("back_translation", item.back_translation)):
        if path is None:
            continue
        if not allow_outside and _outside(base, path):
            raise InputError(f"{where}: {role} {visible(str(path))}: outside the manifest's folder; "
                             "pass --allow-outside to read it")
        try:
            exists, is_dir = path.exists(), path.is_dir()
        except (OSError, ValueError) as exc:  # a name over 255 bytes, a NUL byte
            raise InputError(f"{where}: {role} {visible(str(path))[:300]}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
        if not exists:
            raise InputError(f"{where}: {role} {visible(str(path))}: no such file")
        if is_dir:
            raise InputError(f"{where}: {role} {visible(str(path))}: is a directory, expected a text file")
    return item


def parse_manifest_csv(text: str, name: str, base: Path, allow_outside: bool = False) -> list[BatchItem]:
    """Rows of a CSV manifest whose header names a `target` column (and usually `source`).

    Other columns are ignored; paths are relative to `base` (the manifest's folder)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = [c.strip().lower() for c in header or []]
    if "target" not in columns:
        raise InputError(f"{name}:1: no 'target' column in the header (expected a header line like target,source)")
    t_col = columns.index("target")
    s_col = columns.index("source") if "source" in columns else None
    b_col = columns.index("back_translation") if "back_translation" in columns else None
    items = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name}:{reader.line_num}"
        if len(row) <= t_col:
            raise InputError(f"{where}: no target (expected {len(columns)} columns, got {len(row)})")
        source = row[s_col] if s_col is not None and s_col < len(row) else None
        bt = row[b_col] if b_col is not None and b_col < len(row) else None
        items.append(_checked_item(where, base, row[t_col], source, bt, allow_outside))
    return items


def parse_manifest_jsonl(text: str, name: str, base: Path, allow_outside: bool = False) -> list[BatchItem]:
    """Lines of a JSONL manifest: objects with "target" and optional "source" (null or "": retrieval)."""
    items = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:  # thousands of digits, deep nesting
            raise InputError(f"{where}: not valid JSON ({' '.join(str(exc).split())[:120]})") from None
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected a JSON object with \"target\" and \"source\"")
        target, source = row.get("target"), row.get("source")
        if not isinstance(target, str):
            raise InputError(f"{where}: no \"target\" string")
        if source is not None and not isinstance(source, str):
            raise InputError(f"{where}: \"source\" must be a string or null")
        bt = row.get("back_translation")
        if bt is not None and not isinstance(bt, str):
            raise InputError(f"{where}: \"back_translation\" must be a string or null")
        items.append(_checked_item(where, base, target, source, bt, allow_outside))
    return items


def read_manifest(path: Path, allow_outside: bool = False) -> list[BatchItem]:
    """The items of a manifest file (JSONL when it ends in .jsonl/.ndjson, else CSV)."""
    text, _ = read_text(path)
    parse = parse_manifest_jsonl if path.name.lower().endswith(JSONL_SUFFIXES) else parse_manifest_csv
    try:
        items = parse(text, visible(str(path)), path.parent, allow_outside)
    except csv.Error as exc:
        raise InputError(f"{visible(str(path))}: not a valid CSV manifest ({exc})") from None
    if not items:
        raise InputError(f"{path}: no articles listed")
    return items


def _folder_articles(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.glob("*.fr.txt") if p.is_file())
    return files or sorted(p for p in folder.glob("*.txt") if p.is_file())


def collect_inputs(arguments: Sequence[str]) -> list[BatchItem]:
    """Targets named on the command line: a folder gives its *.fr.txt files (every *.txt file
    when there is none), a glob pattern its matching files (expanded here, so quoting works the
    same in every shell), each sorted; a file is taken as it is. Duplicates are dropped."""
    paths: list[Path] = []
    for arg in arguments:
        p = Path(arg)
        if p.is_dir():
            found = _folder_articles(p)
            if not found:
                raise InputError(f"{arg}: no *.fr.txt or *.txt files in this folder")
        elif p.is_file():
            found = [p]
        elif glob.has_magic(arg):
            found = sorted(Path(m) for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            if not found:
                raise InputError(f"{arg}: no file matches this pattern")
        else:
            raise InputError(f"{arg}: no such file or folder")
        paths.extend(found)
    return [BatchItem(p) for p in dict.fromkeys(paths)]
