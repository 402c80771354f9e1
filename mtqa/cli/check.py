"""`mtqa check` (one article: find its source, align, run the checks, report) and `mtqa init` (write mtqa.toml)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from mtqa.cli.options import (
    BeamSizeOption, ComputeType, ComputeTypeOption, ConfigOption, Device, DeviceOption, DisableOption, EnableOption,
    FailOnOption, Format, ModelOption, Severity, TermbaseOption, _load_translator, _split, with_termbase,
)
from mtqa.errors import EXIT_FLAGGED, EXIT_OK, InputError


def _emit(text: str | bytes, output: Path | None, protected: list) -> None:
    """The report to stdout (no -o, or -o -) or to the -o file; every input of the run is protected."""
    from mtqa.report import write_output

    write_output("-" if output is None else output, text, protected=protected)


def _inputs(target: Path, source: Path | None, corpus: Path | None, settings,
            back_translation: Path | None = None) -> list:
    """Every file the run reads, none of which -o may name."""
    from mtqa.readers import list_candidates

    protected = [target, source, back_translation, settings.path]
    folder = corpus if corpus is not None else Path("corpora")
    if folder.is_dir():
        protected.extend(list_candidates(folder))
    return protected


def check(
    target: Annotated[Path, typer.Argument(help="French article (UTF-8 text, one paragraph per line; - reads "
                                                "standard input), or a bilingual file: .xlf/.xliff/.xlf2, .tmx, "
                                                ".po or .jsonl.",
                                           show_default=False)],
    source: Annotated[Optional[Path], typer.Option("--source", "-s", help="Norwegian source article; skips retrieval.")] = None,
    corpus: Annotated[Optional[Path], typer.Option("--corpus", "-c", help="Folder of candidate Norwegian articles "
                                                   "(default: ./corpora when it exists).")] = None,
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Report format.")] = Format("text"),
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Write the report to FILE (atomically; "
                                                   "a device or FIFO is written in place, - is standard output).")] = None,
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
    back_translation: Annotated[Optional[Path], typer.Option(
        "--back-translation", help="Bring your own back-translation instead of a model: one Norwegian line per "
                                   "French line (bilingual files: one line per unit, or JSONL with id/target and "
                                   "back_translation).", show_default=False)] = None,
    back_translation_model: Annotated[Optional[str], typer.Option(
        "--back-translation-model", help="Known model that produced --back-translation: use its calibrated "
                                         "thresholds (default: the generic ones).", show_default=False)] = None,
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
    from mtqa.core.flags import verdict
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
    if back_translation is not None and model and model != os.environ.get("MTQA_MODEL"):
        raise InputError("give either --model or --back-translation, not both")
    if back_translation_model is not None:
        from mtqa.mt.models import known

        known(back_translation_model)  # unknown names fail before any file is read
    item = read_input(target, source=source, corpus=corpus, default_corpus=Path("corpora"))
    if back_translation is not None:
        from mtqa.mt.replay import replay_for

        pipeline.translator = replay_for(item, back_translation, back_translation_model)
    else:
        pipeline.translator = _load_translator(model, device, compute_type, beam_size)
    result = pipeline.check(item)
    if result.backtranslation is not None:  # counters go to the log: the report stays byte-identical run to run
        from mtqa.errors import logger

        logger.info("back-translation: %d translated, %d from cache", result.backtranslation.translated,
                    result.backtranslation.cache_hits)
    protected = _inputs(target, source, corpus, settings, back_translation)
    if fmt.value == "text" and output is None:
        from mtqa.report.terminal import print_report

        try:
            print_report(result, Console(), fail, shown, quiet)
        except OSError as exc:  # stdout closed or full (/dev/full)
            if isinstance(exc, BrokenPipeError):
                raise
            raise InputError(f"cannot write standard output: {exc.strerror or exc}") from None
    elif fmt.value == "text":
        from mtqa.report.terminal import render_text

        _emit(render_text(result, fail, shown, quiet=quiet), output, protected)
    else:
        from mtqa.report import render

        _emit(render(result, fmt.value), output, protected)
    outcome = verdict(result.flags, fail, result.checked)
    return EXIT_FLAGGED if outcome == "fail" or (outcome == "unchecked" and require_source) else EXIT_OK


def init_cmd(
    path: Annotated[Optional[Path], typer.Argument(help="File to write, or a folder to write mtqa.toml into "
                                                   "(default: ./mtqa.toml; - writes to standard output).",
                                                   show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> int:
    """Write a commented mtqa.toml holding every setting at its default."""
    from mtqa.config import CONFIG_FILE, write_default_config

    written = write_default_config(path if path is not None else Path(CONFIG_FILE), force)
    if str(written) != "-":
        from mtqa.core.escape import visible

        print(f"wrote {visible(str(written))}")
    return EXIT_OK
