"""Options shared by several commands (check, batch, eval, translate): one definition each.

The choices (`Device`, `ComputeType`, `Severity`, `Format`), the reusable `Annotated[...]` option
types, so that an option has the same flags, help text and default in every command, `_split`
for comma-separated lists, and `_load_translator` for the model options.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from mtqa.report import RENDERERS


class Device(str, Enum):
    auto = "auto"
    cpu = "cpu"
    cuda = "cuda"


class ComputeType(str, Enum):
    auto = "auto"
    int8 = "int8"
    int8_float16 = "int8_float16"
    float16 = "float16"
    float32 = "float32"


class Severity(str, Enum):
    info = "info"
    minor = "minor"
    major = "major"
    critical = "critical"


# Report formats of `mtqa check`: one per renderer registered in mtqa.report.RENDERERS.
Format = Enum("Format", {name: name for name in RENDERERS}, type=str)  # type: ignore[misc]


FailOnOption = Annotated[Optional[Severity], typer.Option(
    "--fail-on", help="An article fails (exit 1) when a flag reaches this severity (default: major, or fail_on of "
                      "the configuration).", show_default=False)]
EnableOption = Annotated[Optional[list[str]], typer.Option("--enable", help="Run only these checks (comma-separated).")]
DisableOption = Annotated[Optional[list[str]], typer.Option("--disable", help="Skip these checks (comma-separated).")]
ModelOption = Annotated[Optional[str], typer.Option(
    "--model", "-m", envvar="MTQA_MODEL",
    help="Back-translation model: a CTranslate2 directory or a pulled model name (env MTQA_MODEL).")]
DeviceOption = Annotated[Device, typer.Option("--device", help="Where to run the model.")]
ComputeTypeOption = Annotated[ComputeType, typer.Option("--compute-type", help="Model precision.")]
BeamSizeOption = Annotated[int, typer.Option("--beam-size", min=1, max=16, help="Beam size for back-translation.")]
ConfigOption = Annotated[Optional[Path], typer.Option(
    "--config", help="Configuration file (default: mtqa.toml, or pyproject.toml with a \\[tool.mtqa] table, in the "
                     "current folder or a parent).", show_default=False)]

TermbaseOption = Annotated[Optional[list[Path]], typer.Option(
    "--termbase", help="Glossary for this run (.tbx, or .csv with columns nb, fr, context, forbidden), added to "
                       "the configuration's [termbase]; repeatable.", show_default=False)]


def with_termbase(settings, files: list[Path] | None):
    """`settings` with the terms of the --termbase files added."""
    if not files:
        return settings
    from dataclasses import replace

    from mtqa.readers.glossary import read_glossary

    terms = tuple(t for f in files for t in read_glossary(f))
    return replace(settings, terms=tuple(settings.terms) + terms)


def _split(values: list[str] | None) -> list[str]:
    """The values of a repeatable, comma-separated option (--enable a,b --enable c)."""
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _load_translator(model: str | None, device, compute_type, beam_size: int):
    """A BackTranslator for --model / MTQA_MODEL, or None (back-translation is then skipped)."""
    if not model:
        return None
    from mtqa.mt.base import load_translator

    return load_translator(model, device=(device or Device.auto).value,
                           compute_type=(compute_type or ComputeType.auto).value, beam_size=beam_size)
