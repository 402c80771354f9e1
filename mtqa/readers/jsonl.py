"""JSONL bilingual files: one {"id", "source", "target"} object per line."""

from __future__ import annotations

import json

from mtqa.errors import InputError
from mtqa.readers.bilingual import JSONL, BilingualDocument, Unit
from mtqa.readers.text import decode_text


def read_jsonl(data: bytes, name: str) -> BilingualDocument:
    text, notes = decode_text(data, name)
    units: list[Unit] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{n}:{exc.colno}: invalid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise InputError(f"{name}:{n}: expected a JSON object with id, source and target")
        missing = [k for k in ("id", "source", "target") if k not in obj]
        if missing:
            raise InputError(f"{name}:{n}: missing {', '.join(repr(k) for k in missing)} "
                             "(each line is {\"id\", \"source\", \"target\"})")
        uid = obj["id"]
        if isinstance(uid, bool) or not isinstance(uid, (str, int)) or str(uid) == "":
            raise InputError(f"{name}:{n}: 'id' must be a non-empty string or an integer")
        uid = str(uid)
        if not isinstance(obj["source"], str):
            raise InputError(f"{name}:{n}: 'source' must be a string")
        target = obj["target"]
        if target is not None and not isinstance(target, str):
            raise InputError(f"{name}:{n}: 'target' must be a string (or null: untranslated)")
        if uid in first_line:
            raise InputError(f"{name}:{n}: duplicate id {uid!r} (first on line {first_line[uid]})")
        first_line[uid] = n
        units.append(Unit(uid, obj["source"], target or "", n))
    return BilingualDocument(name, JSONL, tuple(units), notes, data=data)
