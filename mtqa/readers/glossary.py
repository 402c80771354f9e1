"""Glossary files for the termbase: TBX (read with translate-toolkit's translate.storage.tbx) and
CSV (columns nb, fr, context, forbidden; several values in a cell separated by ";" or "|").

A TBX French term whose administrativeStatus is deprecated, superseded or forbidden is a forbidden
rendering; the entry's other French terms are the accepted ones; a note or descrip of type
"context" gives context words (of which one must occur near the Norwegian term)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from mtqa.checks.termbase import Term
from mtqa.errors import InputError

FORBIDDEN_STATUS = ("deprecatedterm-admn", "supersededterm-admn", "deprecated", "superseded", "forbidden",
                    "notrecommended", "notrecommendedterm-admn")
_SPLIT = re.compile(r"\s*[;|]\s*")
COLUMNS = ("nb", "fr", "context", "forbidden")


def _values(cell) -> tuple[str, ...]:
    return tuple(v for v in _SPLIT.split((cell or "").strip()) if v)


def read_glossary(path: Path, where: str | None = None) -> tuple[Term, ...]:
    """The terms of a .tbx or .csv glossary, or InputError naming the file."""
    where = where or str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{where}: glossary not found") from None
    except OSError as exc:
        raise InputError(f"{where}: cannot read the glossary: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix == ".tbx":
        return _read_tbx(data, where)
    if suffix in (".csv", ".tsv"):
        return _read_csv(data, where, "\t" if suffix == ".tsv" else ",")
    raise InputError(f"{where}: unknown glossary format {suffix or '(no extension)'}: use .tbx or .csv")


def _read_csv(data: bytes, where: str, delimiter: str) -> tuple[Term, ...]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{where}: not UTF-8 text") from None
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
    if "nb" not in header and "forbidden" not in header:
        raise InputError(f"{where}: the first row must name the columns {', '.join(COLUMNS)} "
                         f"(found {', '.join(h for h in header if h) or 'nothing'})")
    unknown = [h for h in header if h and h not in COLUMNS]
    if unknown:
        raise InputError(f"{where}: unknown column {unknown[0]!r} (known: {', '.join(COLUMNS)})")
    terms = []
    for n, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): v for k, v in row.items() if k}
        nb, fr = (row.get("nb") or "").strip(), _values(row.get("fr"))
        forbidden = _values(row.get("forbidden"))
        if not nb and not forbidden and not fr:
            continue
        if nb and not fr and not forbidden:
            raise InputError(f"{where}:{n}: {nb!r} has neither an fr rendering nor a forbidden one")
        if fr and not nb:
            raise InputError(f"{where}:{n}: fr {' / '.join(fr)!r} without the Norwegian term (nb)")
        terms.append(Term(nb, fr, _values(row.get("context")), forbidden))
    return tuple(terms)


def _read_tbx(data: bytes, where: str) -> tuple[Term, ...]:
    from translate.storage import tbx

    from mtqa.readers.bilingual import parse_xml

    parse_xml(data, where)   # not well-formed: refused with file:line:column, entities not expanded
    try:
        store = tbx.tbxfile.parsestring(data)
    except Exception as exc:  # translate-toolkit's refusals
        raise InputError(f"{where}: translate-toolkit cannot read the TBX: {' '.join(str(exc).split())}") from None
    terms = []
    for unit in store.units:
        nb = [t for lang in ("nb", "no", "nn", "nb-NO", "no-NO") for t in unit.get_target_terms(lang=lang)] \
            or [t for t in unit.get_source_terms() if t.text]
        french = [t for lang in ("fr", "fr-FR") for t in unit.get_target_terms(lang=lang)]
        if not french and not nb:
            continue
        accepted = tuple(t.text.strip() for t in french
                         if (t.administrative_status or "").lower() not in FORBIDDEN_STATUS and t.text.strip())
        forbidden = tuple(t.text.strip() for t in french
                          if (t.administrative_status or "").lower() in FORBIDDEN_STATUS and t.text.strip())
        context = tuple(dict.fromkeys(v for t in nb + french for note in t.notes if note.category == "context"
                                      for v in re.split(r"\s*[,;|]\s*", note.text.strip()) if v))
        source = next((t.text.strip() for t in nb if t.text.strip()), "")
        if not source and not forbidden:
            continue
        terms.append(Term(source, accepted if source else (), context, forbidden))
    return tuple(terms)
