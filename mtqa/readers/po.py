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
