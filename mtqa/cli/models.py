"""`mtqa models ...`: list, pull, locate, verify and remove translation models.

Exit status: 0 done; 1 `verify` found a problem; 2 usage error (unknown model, hub unreachable, ...).
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, Iterator, Optional

import typer

from mtqa.errors import EXIT_FLAGGED, EXIT_OK

models_app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Manage the translation models used for back-translation (CTranslate2 format).",
)


class Quantization(str, Enum):
    int8 = "int8"
    int8_float16 = "int8_float16"
    float16 = "float16"
    float32 = "float32"


@contextmanager
def _progress(title: str) -> Iterator:
    """A callback for models.pull's progress: a rich spinner on a terminal, plain lines otherwise."""
    if sys.stderr.isatty():
        from rich.console import Console

        console = Console(stderr=True, log_path=False, highlight=False)
        with console.status(title) as status:
            def report(message: str) -> None:
                console.log(message)
                status.update(message)

            yield report
    else:
        def report(message: str) -> None:
            print(f"mtqa: {message}", file=sys.stderr, flush=True)

        yield report


@models_app.command("list")
def list_cmd() -> int:
    """List the known models and those installed, with size and quantization."""
    from mtqa.mt.models import human_size, list_models, models_dir

    print(f"# models folder: {models_dir()}")
    for row in list_models():
        status = "installed" if row.installed else "-"
        size = human_size(row.size) if row.installed else "-"
        quant = row.quantization or "-"
        print(f"{row.name:29} {status:9} {size:>9} {quant:13} {row.family or '-':10} {row.licence or '-':12} "
              f"{row.quality or '-'}")
        print(f"{'':29} {row.repo or '-'}: {row.description}")
    return EXIT_OK


@models_app.command("pull")
def pull_cmd(
    name: Annotated[str, typer.Argument(help="Model name (see `mtqa models list`).", show_default=False)],
    quantization: Annotated[Quantization, typer.Option("--quantization", "-q",
                                                       help="Weight type of the converted model.")] = Quantization.int8,
    revision: Annotated[Optional[str], typer.Option("--revision", help="Hub revision (branch, tag or commit).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Convert again even when installed.")] = False,
) -> int:
    """Download a model from the Hugging Face hub and convert it to CTranslate2 (needs the convert extra)."""
    from mtqa.mt.models import pull

    with _progress(f"pulling {name}") as report:
        path = pull(name, quantization=quantization.value, revision=revision, force=force, progress=report)
    print(path)
    return EXIT_OK


@models_app.command("path")
def path_cmd(name: Annotated[str, typer.Argument(help="Installed model name.", show_default=False)]) -> int:
    """Print the directory of an installed model."""
    from mtqa.mt.models import model_path

    print(model_path(name))
    return EXIT_OK


@models_app.command("verify")
def verify_cmd(
    target: Annotated[str, typer.Argument(help="Installed model name, or a model directory.", metavar="NAME|DIR",
                                          show_default=False)],
    no_translate: Annotated[bool, typer.Option("--no-translate", help="Check files and hashes only.")] = False,
) -> int:
    """Check a model: files present, hashes match its manifest, it loads and translates a sentence."""
    from mtqa.mt.models import verify

    report = verify(target, translate=not no_translate)
    print(f"{report.path}: {'ok' if report.ok else 'FAILED'} "
          f"({report.files_checked} file{'s' if report.files_checked != 1 else ''} hashed)")
    for problem in report.problems:
        print(f"  problem: {problem}")
    for note in report.notes:
        print(f"  note: {note}")
    if report.sample is not None:
        print(f"  sample: {report.sample[0]} -> {report.sample[1]}")
    return EXIT_OK if report.ok else EXIT_FLAGGED


@models_app.command("remove")
def remove_cmd(name: Annotated[str, typer.Argument(help="Installed model name.", show_default=False)]) -> int:
    """Delete an installed model."""
    from mtqa.mt.models import remove

    path: Path = remove(name)
    print(f"removed {path}")
    return EXIT_OK
