"""`mtqa align` (sentence alignment of a source and its translation) and `mtqa translate` (back-translation)."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from mtqa.cli.options import (
    BeamSizeOption, ComputeType, ComputeTypeOption, Device, DeviceOption, ModelOption, _load_translator,
)
from mtqa.errors import EXIT_OK, InputError


class AlignFormat(str, Enum):
    text = "text"
    json = "json"


def align_cmd(
    source: Annotated[Path, typer.Argument(help="Norwegian source article.", show_default=False)],
    target: Annotated[Path, typer.Argument(help="French translation.", show_default=False)],
    fmt: Annotated[AlignFormat, typer.Option("--format", "-f", help="Output format.")] = AlignFormat("text"),
) -> int:
    """Align a source and its translation sentence by sentence and print the beads."""
    import json

    from mtqa.source.align import align
    from mtqa.readers import read_document
    from mtqa.errors import InputError
    from mtqa.pipeline import SOURCE_LANGUAGE, TARGET_LANGUAGE, source_language_error
    from mtqa.text.segment import segment_document

    source_doc = read_document(source)
    problem = source_language_error(source_doc)   # as `mtqa check` does: French given as the source
    if problem:
        raise InputError(problem + " (mtqa align takes the Norwegian first, then the French)")
    src = segment_document(source_doc, SOURCE_LANGUAGE)
    tgt = segment_document(read_document(target), TARGET_LANGUAGE)
    beads = align([s.text for s in src], [s.text for s in tgt])
    if fmt is AlignFormat.json:
        rows = [{"kind": b.kind, "cost": round(b.cost, 4),
                 "source": [{"line": src[i].line, "text": src[i].text} for i in b.source],
                 "target": [{"line": tgt[j].line, "text": tgt[j].text} for j in b.target]} for b in beads]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    for b in beads:
        s_lines = ",".join(str(src[i].line) for i in b.source) or "-"
        t_lines = ",".join(str(tgt[j].line) for j in b.target) or "-"
        print(f"{b.kind:>4}  nb {s_lines:>7} | fr {t_lines:>7}")
        for i in b.source:
            print(f"        nb: {src[i].text}")
        for j in b.target:
            print(f"        fr: {tgt[j].text}")
    return EXIT_OK


def translate_cmd(
    target: Annotated[Path, typer.Argument(help="French text (one paragraph per line).", show_default=False)],
    model: ModelOption = None,
    device: DeviceOption = Device.auto,
    compute_type: ComputeTypeOption = ComputeType.auto,
    beam_size: BeamSizeOption = 2,
) -> int:
    """Back-translate a French text into Norwegian, segment by segment (line numbers kept)."""
    from mtqa.readers import read_document
    from mtqa.pipeline import TARGET_LANGUAGE
    from mtqa.text.segment import segment_document

    if not model:
        raise InputError("no model: pass --model DIR or set MTQA_MODEL (see `mtqa models pull --help`)")
    translator = _load_translator(model, device, compute_type, beam_size)
    segments = segment_document(read_document(target), TARGET_LANGUAGE)
    for seg, out in zip(segments, translator.translate([s.text for s in segments])):
        print(f"{seg.line}\t{out}")
    stats = translator.stats
    print(f"{stats.translated} translated, {stats.cache_hits} from cache", file=sys.stderr)
    return EXIT_OK
