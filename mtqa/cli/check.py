"""`mtqa check` (one article: find its source, align, run the checks, report) and `mtqa init` (write mtqa.toml)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from mtqa.cli.options import (
    BeamSizeOption, ComputeType, ComputeTypeOption, ConfigOption, Device, DeviceOption, DisableOption, EnableOption,
    FailOnOption, Format, ModelOption, Severity, TermbaseOption, _load_translator, _split, with_termbase,
)
from mtqa.core.flags import verdict
from mtqa.errors import EXIT_FLAGGED, EXIT_OK, InputError


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _emit(text: str | bytes, output: Path | None, protected: list[Path]) -> None:
    from mtqa.report import write_atomic

    if output is None:
        if isinstance(text, bytes):  # a file in its own encoding (--format xliff)
            sys.stdout.flush()
            sys.stdout.buffer.write(text)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(text)
        return
    for p in protected:
        if p is not None and _same_file(output, p):
            raise InputError(f"{output}: refusing to overwrite an input file")
    if output.is_dir():
        raise InputError(f"{output}: is a directory; give a file name for -o")
    if not output.parent.exists():
        raise InputError(f"{output.parent}: output folder does not exist")
    write_atomic(output, text)


def check(
    target: Annotated[Path, typer.Argument(help="French article (UTF-8 text, one paragraph per line), or a "
                                                "bilingual file: .xlf/.xliff/.xlf2, .tmx, .po or .jsonl.",
                                           show_default=False)],
    source: Annotated[Optional[Path], typer.Option("--source", "-s", help="Norwegian source article; skips retrieval.")] = None,
    corpus: Annotated[Optional[Path], typer.Option("--corpus", "-c", help="Folder of candidate Norwegian articles "
                                                   "(default: ./corpora when it exists).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format("text"),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to FILE (atomically).")] = None,
    fail_on: FailOnOption = None,
    min_severity: Annotated[Optional[Severity], typer.Option("--min-severity", help="Hide flags below this severity in "
                                                             "the text report (default: info, or min_severity of the "
                                                             "configuration).", show_default=False)] = None,
    enable: EnableOption = None,
    disable: DisableOption = None,
    model: ModelOption = None,
    device: DeviceOption = Device.auto,
    compute_type: ComputeTypeOption = ComputeType.auto,
    beam_size: BeamSizeOption = 2,
    config: ConfigOption = None,
    termbase: TermbaseOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Text report: the header and the summary line only, "
                                                              "no flag.")] = False,
    require_source: Annotated[bool, typer.Option(
        "--require-source", help="Fail (exit 1) when no source is found: the verdict is then \"unchecked\", which "
                                 "otherwise exits 0.")] = False,
) -> int:
    """Check a French article: find its source, align, run the checks, report flagged segments."""
    from mtqa.config import load_config
    from mtqa.pipeline import Pipeline
    from mtqa.readers import input_format, read_input
    from mtqa.report import RENDERERS

    settings = load_config(config, Path.cwd()).override(
        fail_on=fail_on.value if fail_on is not None else None,  # the command line wins
        min_severity=min_severity.value if min_severity is not None else None,
        enable=_split(enable), disable=_split(disable))
    settings = with_termbase(settings, termbase)
    fail, shown = settings.fail_on, settings.min_severity
    pipeline = Pipeline(settings)  # unknown check names and bad options fail before any file is read
    needs = RENDERERS[fmt.value].needs
    if needs is not None and input_format(target).name != needs:
        raise InputError(f"--format {fmt.value}: {target} is not an {needs.upper()} file; only {needs.upper()} "
                         "input can be annotated")
    item = read_input(target, source=source, corpus=corpus, default_corpus=Path("corpora"))
    pipeline.translator = _load_translator(model, device, compute_type, beam_size)
    result = pipeline.check(item)
    if fmt.value == "text" and output is None:
        from mtqa.report.terminal import print_report

        print_report(result, Console(), fail, shown, quiet)
    elif fmt.value == "text":
        from mtqa.report.terminal import render_text

        _emit(render_text(result, fail, shown, quiet=quiet), output, [target, source])
    else:
        from mtqa.report import render

        _emit(render(result, fmt.value), output, [target, source])
    outcome = verdict(result.flags, fail, result.checked)
    return EXIT_FLAGGED if outcome == "fail" or (outcome == "unchecked" and require_source) else EXIT_OK


def init_cmd(
    path: Annotated[Optional[Path], typer.Argument(help="File to write, or a folder to write mtqa.toml into "
                                                   "(default: ./mtqa.toml).", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> int:
    """Write a commented mtqa.toml holding every setting at its default."""
    from mtqa.config import CONFIG_FILE, write_default_config

    written = write_default_config(path if path is not None else Path(CONFIG_FILE), force)
    print(f"wrote {written}")
    return EXIT_OK
