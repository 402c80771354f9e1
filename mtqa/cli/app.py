"""The mtqa command line: a thin shell over mtqa.pipeline.

Exit status: 0 no flag at or above --fail-on; 1 at least one; 2 usage or input error;
3 internal error (a bug: please report it).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from mtqa import __version__
from mtqa.cli.options import ComputeType, Device, Format, Severity
from mtqa.errors import EXIT_FLAGGED, EXIT_OK, EXIT_USAGE, InputError, MtqaError
from mtqa.core.flags import verdict

EXIT_INTERNAL = 3

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Check French machine translations of Norwegian news articles.\n\n"
         "Exit status: 0 no flag at or above --fail-on, 1 flags found, 2 usage or input error.",
)


class AlignFormat(str, Enum):
    text = "text"
    json = "json"


def _load_translator(model: str | None, device, compute_type, beam_size: int):
    """A BackTranslator for --model / MTQA_MODEL, or None (back-translation is then skipped)."""
    if not model:
        return None
    from mtqa.mt.base import load_translator

    return load_translator(model, device=(device or Device.auto).value,
                           compute_type=(compute_type or ComputeType.auto).value, beam_size=beam_size)


def _version(value: bool) -> None:
    if value:
        print(f"mtqa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    pass


def _mount_subcommands() -> None:
    from mtqa.cli.models import models_app

    from mtqa.cli.eval import eval_cmd
    from mtqa.cli.batch import batch_cmd

    app.add_typer(models_app, name="models", help="Pull, list, verify and remove translation models.")
    app.command("eval")(eval_cmd)
    app.command("batch")(batch_cmd)


_mount_subcommands()


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


def _emit(text: str | bytes, output: Path | None, protected: list) -> None:
    """The report to stdout (no -o, or -o -) or to the -o file; every input of the run is protected."""
    from mtqa.report import write_output

    write_output("-" if output is None else output, text, protected=protected)


def _inputs(target: Path, source: Path | None, corpus: Path | None, settings) -> list:
    """Every file the run reads, none of which -o may name."""
    from mtqa.readers import list_candidates

    protected = [target, source, settings.path]
    folder = corpus if corpus is not None else Path("corpora")
    if folder.is_dir():
        protected.extend(list_candidates(folder))
    return protected


@app.command()
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
    fail_on: Annotated[Optional[Severity], typer.Option("--fail-on", help="Exit 1 when a flag reaches this severity "
                                                        "(default: major, or fail_on of the configuration).",
                                                        show_default=False)] = None,
    min_severity: Annotated[Optional[Severity], typer.Option("--min-severity", help="Hide flags below this severity in "
                                                             "the text report (default: info, or min_severity of the "
                                                             "configuration).", show_default=False)] = None,
    enable: Annotated[Optional[list[str]], typer.Option("--enable", help="Run only these checks (comma-separated).")] = None,
    disable: Annotated[Optional[list[str]], typer.Option("--disable", help="Skip these checks (comma-separated).")] = None,
    model: Annotated[Optional[str], typer.Option("--model", "-m", envvar="MTQA_MODEL",
                                                 help="Back-translation model: a CTranslate2 directory or a pulled "
                                                      "model name (env MTQA_MODEL).")] = None,
    device: Annotated[Device, typer.Option("--device", help="Where to run the model.")] = None,
    compute_type: Annotated[ComputeType, typer.Option("--compute-type", help="Model precision.")] = None,
    beam_size: Annotated[int, typer.Option("--beam-size", min=1, max=16, help="Beam size for back-translation.")] = 2,
    config: Annotated[Optional[Path], typer.Option("--config", help="Configuration file (default: mtqa.toml, or "
                                                   "pyproject.toml with a tool.mtqa table, in the current folder "
                                                   "or a parent).", show_default=False)] = None,
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
    fail, shown = settings.fail_on, settings.min_severity
    pipeline = Pipeline(settings)  # unknown check names and bad options fail before any file is read
    needs = RENDERERS[fmt.value].needs
    if needs is not None and input_format(target).name != needs:
        raise InputError(f"--format {fmt.value}: {target} is not an {needs.upper()} file; only {needs.upper()} "
                         "input can be annotated")
    item = read_input(target, source=source, corpus=corpus, default_corpus=Path("corpora"))
    pipeline.translator = _load_translator(model, device, compute_type, beam_size)
    result = pipeline.check(item)
    protected = _inputs(target, source, corpus, settings)
    if fmt.value == "text" and output is None:
        from mtqa.report.terminal import print_report

        try:
            print_report(result, Console(), fail, shown)
        except OSError as exc:  # stdout closed or full (/dev/full)
            if isinstance(exc, BrokenPipeError):
                raise
            raise InputError(f"cannot write standard output: {exc.strerror or exc}") from None
    elif fmt.value == "text":
        from mtqa.report.terminal import render_text

        _emit(render_text(result, fail, shown), output, protected)
    else:
        from mtqa.report import render

        _emit(render(result, fmt.value), output, protected)
    return EXIT_FLAGGED if verdict(result.flags, fail) == "fail" else EXIT_OK


@app.command("init")
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


@app.command("align")
def align_cmd(
    source: Annotated[Path, typer.Argument(help="Norwegian source article.", show_default=False)],
    target: Annotated[Path, typer.Argument(help="French translation.", show_default=False)],
    fmt: Annotated[AlignFormat, typer.Option("--format", "-f", help="Output format.")] = AlignFormat("text"),
) -> int:
    """Align a source and its translation sentence by sentence and print the beads."""
    import json

    from mtqa.source.align import align
    from mtqa.readers import read_document
    from mtqa.pipeline import SOURCE_LANGUAGE, TARGET_LANGUAGE
    from mtqa.text.segment import segment_document

    src = segment_document(read_document(source), SOURCE_LANGUAGE)
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


@app.command("translate")
def translate_cmd(
    target: Annotated[Path, typer.Argument(help="French text (one paragraph per line).", show_default=False)],
    model: Annotated[Optional[str], typer.Option("--model", "-m", envvar="MTQA_MODEL",
                                                 help="CTranslate2 model directory or pulled model name.")] = None,
    device: Annotated[Device, typer.Option("--device", help="Where to run the model.")] = None,
    compute_type: Annotated[ComputeType, typer.Option("--compute-type", help="Model precision.")] = None,
    beam_size: Annotated[int, typer.Option("--beam-size", min=1, max=16)] = 2,
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


@app.command("checks")
def list_checks() -> int:
    """List the checks with their category, default severity and what they catch."""
    from mtqa.checks import REGISTRY

    for name, cls in REGISTRY.items():
        check = cls()
        needs = " (needs source)" if check.needs_source else ""
        print(f"{name:16} {check.category:26} {check.severity:6} {check.description}{needs}")
    return EXIT_OK


def _error(message: str) -> None:
    from mtqa.core.escape import visible

    try:
        print(f"mtqa: error: {visible(message)}", file=sys.stderr)  # one line, control characters escaped
    except (OSError, ValueError):  # stderr closed or full: the exit status still says it
        pass


def _click_family(exc: BaseException) -> set[str]:
    """Class names in the exception's ancestry. Typer vendors its own copy of click, so
    matching by name handles both `click` and `typer._click` exceptions."""
    return {cls.__name__ for cls in type(exc).__mro__}


EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143   # SIGTERM
_signals: list[int] = []  # the signals that stopped this run


def _on_signal(signum, frame) -> None:
    # Unwind like Ctrl-C, so that `finally` blocks run: write_atomic removes its temporary file,
    # Grammalecte is stopped, batch workers are told to stop.
    _signals.append(signum)
    raise KeyboardInterrupt


def _stopped() -> None:
    """One line and the status of the signal that stopped the run."""
    import signal

    if _signals and _signals[-1] == signal.SIGTERM:
        _error("terminated")
        sys.exit(EXIT_TERMINATED)
    _error("interrupted")
    sys.exit(EXIT_INTERRUPTED)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps every failure to one line and a documented exit status."""
    import signal

    _signals.clear()
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:  # a signal the parent ignores (nohup, a background job) stays ignored
            if signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler):
                previous[sig] = signal.signal(sig, _on_signal)
        except ValueError:  # not the main thread: leave signals alone
            pass
    try:
        _main(argv)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's own flush at exit has nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _main(argv: list[str] | None) -> None:
    try:
        status = app(args=argv, prog_name="mtqa", standalone_mode=False)
    except MtqaError as exc:
        if str(exc).startswith("cannot write standard output"):
            _quiet_stdout()
        _error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _stopped()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
    except Exception as exc:
        family = _click_family(exc)
        if "Exit" in family:
            sys.exit(getattr(exc, "exit_code", EXIT_OK))
        if "Abort" in family:
            _stopped()
        if "ClickException" in family:  # usage errors: bad option, missing argument, bad choice
            _error(" ".join(exc.format_message().split()))
            sys.exit(EXIT_USAGE)
        if os.environ.get("MTQA_DEBUG"):
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (set MTQA_DEBUG=1 for the traceback)")
        sys.exit(EXIT_INTERNAL)
    if _signals or status == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into a silent return of 130
        _stopped()
    try:  # what is still buffered: a full or closed stdout is an error now, not a warning at exit
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
    except (OSError, ValueError) as exc:
        _quiet_stdout()
        _error(f"cannot write standard output: {getattr(exc, 'strerror', None) or exc}")
        sys.exit(EXIT_USAGE)
    sys.exit(status if isinstance(status, int) else EXIT_OK)
