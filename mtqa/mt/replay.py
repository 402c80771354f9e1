"""Back-translations the user brings: a file of Norwegian lines, replayed as a translation backend.

Many desks have an MT service but no local model. They translate the French back into Norwegian
themselves and give mtqa the result (`mtqa check FR --source NB --back-translation BT.txt`);
the back-translation check then runs exactly as with a CTranslate2 model, and the report names
the file and its sha256 instead of a model.

The file is aligned with what is checked:

- a text article: one Norwegian line per French line (blank for a blank French line);
- a bilingual file (XLIFF, TMX, PO, JSONL): one line per unit, or JSONL objects
  {"id": ..., "back_translation": ...} (matched by unit id) or {"target": ..., "back_translation": ...}
  (matched by the French text).

mtqa checks sentences, so a line's back-translation is mapped onto the line's French segments:
the Norwegian line is cut into sentences the way the source is; when it has as many sentences
as the French line, they are paired in order; otherwise the whole line's back-translation goes
to the line's first content segment and the others have none (they are not checked on their
own; the check joins a bead's segments, so a line-aligned bead still gets the whole line).
A French text the file does not cover gets no back-translation (None), never an empty one.

There is no forced-decoding score (score() returns None). The thresholds are those calibrated
for `thresholds_model` (a known model's name: the one that produced the file), or the generic ones.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable, Sequence

from mtqa.errors import InputError
from mtqa.mt.base import TranslationStats


def read_back_translations(path: str | os.PathLike) -> tuple[list[str] | None, list[dict] | None, bytes]:
    """The file as (lines, None) for plain text or (None, records) for JSONL, and its bytes."""
    from mtqa.readers.text import read_input_bytes

    path = Path(path)
    # Bounded, regular files only (a FIFO, a device: one line), like every other input.
    data = read_input_bytes(path, expected="a back-translation file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: the back-translation file is not UTF-8 (byte {exc.start})") from None
    lines = text.splitlines()
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        records = []
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(obj, dict) or not isinstance(obj.get("back_translation"), str) \
                    or not ("id" in obj or isinstance(obj.get("target"), str)):
                raise InputError(f'{path}:{n}: expected {{"id" or "target", "back_translation": "..."}}')
            records.append(obj)
        return None, records, data
    return lines, None, data


def _line_segments(lines: Sequence[str], lang: str) -> dict[int, list[str]]:
    """Segment texts by 0-based line, cut as the pipeline cuts them."""
    from mtqa.core.document import Document
    from mtqa.text.segment import segment_document

    out: dict[int, list[str]] = {}
    for seg in segment_document(Document(lang, tuple(lines)), lang):
        out.setdefault(seg.line - 1, []).append(seg.text)
    return out


def pair_lines(french: Sequence[str], norwegian: Sequence[str]) -> dict[str, str]:
    """French segment text -> its back-translation, from two line-aligned lists (see the module doc)."""
    if len(french) != len(norwegian):
        raise InputError(f"the back-translation has {len(norwegian)} lines but the French has {len(french)}: "
                         f"give one Norwegian line per French line")
    fr_segs = _line_segments(french, "fr")
    mapping: dict[str, str] = {}
    for i, fr in fr_segs.items():
        bt = norwegian[i].strip()
        if not bt:
            continue
        nb = _line_segments([bt], "nb").get(0, [])
        if len(nb) == len(fr) > 1:
            for f, b in zip(fr, nb):
                mapping.setdefault(f, b)
        else:
            mapping.setdefault(fr[0], bt)
    return mapping


class ReplayTranslator:
    """The Translator protocol over a mapping French segment -> Norwegian back-translation."""

    def __init__(self, path: str | os.PathLike, *, french: Sequence[str] | None = None,
                 unit_ids: Sequence[str] | None = None, mapping: dict[str, str] | None = None,
                 thresholds_model: str | None = None, **_ignored: Any):
        """
        path: the back-translation file (text, or JSONL with "id"/"target" and "back_translation").
        french: the French lines (article lines, or unit targets) the file is aligned with.
        unit_ids: the units' ids, for JSONL records keyed by "id".
        mapping: a ready French -> Norwegian mapping (then the file is only hashed).
        thresholds_model: the known model that produced the file; its calibrated thresholds apply.
        """
        self.path = Path(path)
        lines, records, data = read_back_translations(self.path)
        self.sha256 = hashlib.sha256(data).hexdigest()
        if mapping is None:
            if french is None:
                raise ValueError("ReplayTranslator needs the French lines the file is aligned with (french=)")
            french = list(french)
            if records is not None:
                norwegian = self._align_records(records, french, list(unit_ids or ()))
            else:
                assert lines is not None  # no records: a plain-text file, read as lines
                norwegian = lines
            mapping = pair_lines(french, norwegian)
        self.mapping = dict(mapping)
        self.lines = len(lines) if lines is not None else len(records or ())
        self.thresholds_model = thresholds_model
        self.thresholds = replay_thresholds(thresholds_model)
        self._translated = 0
        self._missing = 0

    def _align_records(self, records: list[dict], french: list[str], ids: list[str]) -> list[str]:
        by_id = {str(r["id"]): r["back_translation"] for r in records if "id" in r}
        by_target = {r["target"]: r["back_translation"] for r in records if isinstance(r.get("target"), str)}
        if by_id and ids:
            unknown = sorted(set(by_id) - set(ids))
            if unknown:
                raise InputError(f"{self.path}: back-translation for unit {unknown[0]!r}, which the input does not have")
        out = []
        for k, fr in enumerate(french):
            unit = ids[k] if k < len(ids) else None
            out.append(by_id.get(unit, by_target.get(fr, "")) if unit is not None else by_target.get(fr, ""))
        return out

    @property
    def stats(self) -> TranslationStats:
        return TranslationStats(self._translated, 0)

    @property
    def identity(self) -> dict:
        out = {"backend": "replay", "model": f"replay:{self.path.name}", "model_hash": self.sha256,
               "compute_type": "", "file": str(self.path), "sha256": self.sha256, "lines": self.lines,
               "thresholds_from": self.thresholds_model or "generic"}
        if self.thresholds:
            out["thresholds"] = dict(self.thresholds)
        return out

    def translate(self, texts: Sequence[str]) -> list[str | None]:
        out: list[str | None] = []
        for text in texts:
            if not text.strip():
                out.append("")
                continue
            found = self.mapping.get(text)
            if found is None:
                self._missing += 1
            else:
                self._translated += 1
            out.append(found)
        return out

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> None:
        return None  # no model behind the file: no forced decoding


def replay_thresholds(model: str | None) -> dict[str, float]:
    """The calibrated thresholds of known model `model` ({} for None: the check's generic ones)."""
    if not model:
        return {}
    from mtqa.mt import models

    return dict(models.known(model).thresholds)


def units_french(units: Iterable[Any]) -> tuple[list[str], list[str]]:
    """(targets, ids) of bilingual units, for ReplayTranslator(french=..., unit_ids=...)."""
    targets, ids = [], []
    for unit in units:
        targets.append(unit.target)
        ids.append(str(unit.id))
    return targets, ids


def replay_for(item: Any, path: str | os.PathLike, thresholds_model: str | None = None) -> ReplayTranslator:
    """The ReplayTranslator of back-translation file `path` for a read input (mtqa.read_input):
    an Article (the file is aligned with the French lines) or a BilingualDocument (with its units)."""
    units = getattr(item, "units", None)
    if units is not None:
        from mtqa.readers.bilingual import to_documents

        _, target, ids = to_documents(item)
        return ReplayTranslator(path, french=target.lines, unit_ids=ids, thresholds_model=thresholds_model)
    return ReplayTranslator(path, french=item.target.lines, thresholds_model=thresholds_model)
