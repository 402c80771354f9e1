"""JSONL bilingual files: one {"id", "source", "target"} object per line."""

from __future__ import annotations

import json
import re

from mtqa.errors import InputError
from mtqa.readers.bilingual import JSONL, BilingualDocument, Unit
from mtqa.readers.text import decode_text


MAX_DIGITS = 100  # an id (or any number) longer than this is refused, not converted
_SURROGATE = re.compile("[\ud800-\udfff]")


def _loads(line: str, name: str, n: int):
    def parse_int(digits: str) -> int:
        if len(digits.lstrip("-")) > MAX_DIGITS:
            raise InputError(f"{name}:{n}: a number with {len(digits)} digits (at most {MAX_DIGITS})")
        return int(digits)

    try:
        return json.loads(line, parse_int=parse_int)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{n}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise InputError(f"{name}:{n}: JSON nested too deeply") from None


def _no_surrogate(value: str, key: str, name: str, n: int) -> str:
    match = _SURROGATE.search(value)
    if match:
        raise InputError(f"{name}:{n}: {key!r} holds a lone surrogate \\u{ord(match.group()):04x} "
                         "(not a character; the text cannot be written as UTF-8)")
    return value


def read_jsonl(data: bytes, name: str) -> BilingualDocument:
    text, notes = decode_text(data, name)
    units: list[Unit] = []
    first_line: dict[str, int] = {}
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        obj = _loads(line, name, n)
        if not isinstance(obj, dict):
            raise InputError(f"{name}:{n}: expected a JSON object with id, source and target")
        missing = [k for k in ("id", "source", "target") if k not in obj]
        if missing:
            raise InputError(f"{name}:{n}: missing {', '.join(repr(k) for k in missing)} "
                             "(each line is {\"id\", \"source\", \"target\"})")
        uid = obj["id"]
        if isinstance(uid, bool) or not isinstance(uid, (str, int)) or str(uid) == "":
            raise InputError(f"{name}:{n}: 'id' must be a non-empty string or an integer")
        uid = _no_surrogate(str(uid), "id", name, n)
        if not isinstance(obj["source"], str):
            raise InputError(f"{name}:{n}: 'source' must be a string")
        target = obj["target"]
        if target is not None and not isinstance(target, str):
            raise InputError(f"{name}:{n}: 'target' must be a string (or null: untranslated)")
        _no_surrogate(obj["source"], "source", name, n)
        _no_surrogate(target or "", "target", name, n)
        if uid in first_line:
            raise InputError(f"{name}:{n}: duplicate id {uid!r} (first on line {first_line[uid]})")
        first_line[uid] = n
        units.append(Unit(uid, obj["source"], target or "", n))
    return BilingualDocument(name, JSONL, tuple(units), notes, data=data)
