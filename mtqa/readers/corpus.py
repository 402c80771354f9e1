"""A corpus of candidate Norwegian sources: a folder of articles, read once."""

from __future__ import annotations

import os
from pathlib import Path

from mtqa.core.document import Document
from mtqa.errors import InputError
from mtqa.readers.text import read_document


def list_candidates(corpus: Path) -> list[Path]:
    """Norwegian articles of a corpus folder: *.nb.txt / *.nn.txt / *.no.txt, else every non-French *.txt."""
    files = sorted(p for pat in ("*.nb.txt", "*.nn.txt", "*.no.txt") for p in corpus.rglob(pat))
    if not files:
        files = sorted(p for p in corpus.rglob("*.txt") if not p.name.endswith((".fr.txt", ".en.txt")))
    return files


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """True when both paths name one existing file (links and relative paths resolved)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def read_corpus(folder: Path, *, required: bool = True) -> tuple[Document, ...]:
    """Every Norwegian article of `folder`. `required`: the folder was named by the user, so a
    missing or empty folder is an InputError (a default folder that is absent gives no candidates)."""
    if not folder.is_dir():
        if required:
            raise InputError(f"{folder}: corpus folder does not exist")
        return ()
    paths = list_candidates(folder)
    if required and not paths:
        raise InputError(f"{folder}: no Norwegian articles (*.nb.txt or *.txt) in the corpus folder")
    return tuple(read_document(p) for p in paths)
