"""gettext PO catalogues, read by translate-toolkit (contexts and plurals kept)."""

from __future__ import annotations

import re

from mtqa.errors import InputError
from mtqa.readers.bilingual import PO, BilingualDocument, Unit, _language_note, _text


def read_po(data: bytes, name: str) -> BilingualDocument:
    from translate.storage import po

    if b"\x00" in data:
        raise InputError(f"{name}: binary file (contains NUL bytes); a compiled .mo? expected a .po text file")
    try:
        store = po.pofile.parsestring(data)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: cannot decode the file with its declared charset ({exc.reason})") from None
    except (ValueError, LookupError) as exc:  # translate.storage.poparser.PoParseError is a ValueError
        message = " ".join(str(exc).split())
        match = re.search(r"^(.*?) on line (\d+)", message)
        if match:
            raise InputError(f"{name}:{match.group(2)}: PO syntax error: {match.group(1)}") from None
        raise InputError(f"{name}: PO syntax error: {message}") from None
    except Exception as exc:  # translate-toolkit itself failed on the file (one of its bugs)
        line = _failing_entry(data)
        raise InputError(f"{name}:{line}: PO entry that translate-toolkit cannot read "
                         f"({type(exc).__name__}: {' '.join(str(exc).split())[:200]})") from None
    units: list[Unit] = []
    seen: set[str] = set()
    for unit in store.units:
        if unit.isheader() or unit.isobsolete():
            continue
        # Plural entries are checked by their singular forms (msgid, msgstr[0]).
        source = _text(unit.source)
        uid = str(unit.getid() or source).replace("\x04", "|")  # msgctxt|msgid, as gettext keys it
        if uid in seen:
            raise InputError(f"{name}:{unit.line_number}: duplicate entry {uid!r}")
        seen.add(uid)
        units.append(Unit(uid, source, _text(unit.target), int(unit.line_number or 1)))
    header = store.parseheader() if hasattr(store, "parseheader") else {}
    target_language = header.get("Language") or None
    notes = _language_note(None, target_language)
    return BilingualDocument(name, PO, tuple(units), notes, None, target_language, data=data)


def _failing_entry(data: bytes) -> int:
    """The 1-based line of the first PO entry whose prefix of the file translate-toolkit fails on
    (a binary search over the entries' first lines), or 1."""
    from translate.storage import po

    lines = data.split(b"\n")
    starts = [i for i, line in enumerate(lines)
              if line.startswith(b"msgid") and not line.startswith(b"msgid_plural")
              and not (i and lines[i - 1].startswith(b"msgctxt"))]
    if not starts:
        return 1

    def fails(k: int) -> bool:  # the file up to (and with) entry k
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        try:
            po.pofile.parsestring(b"\n".join(lines[:end]))
        except Exception:
            return True
        return False

    lo, hi = 0, len(starts) - 1
    if not fails(hi):
        return 1
    while lo < hi:
        mid = (lo + hi) // 2
        if fails(mid):
            hi = mid
        else:
            lo = mid + 1
    return starts[lo] + 1
