"""`mtqa batch`: check a whole feed of articles (logic in mtqa.batch).

Mounted by mtqa.cli as `app.command("batch")(batch_cmd)`. Reports and the summary go to
OUTDIR; progress goes to standard error (a progress bar on a terminal, one line per article
otherwise).
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from mtqa.cli.options import (
    BeamSizeOption, ComputeType, ComputeTypeOption, ConfigOption, Device, DeviceOption, DisableOption, EnableOption,
    FailOnOption, ModelOption, _split,
)
from mtqa.core.escape import visible
from mtqa.errors import InputError


class Engine(str, Enum):
    local = "local"
    ray = "ray"


class _Lines:
    """Plain progress: one line per article on stderr ("[3/200] path: fail (5 flags)")."""

    def __init__(self):
        self.total = self.count = 0

    def start(self, total: int, skipped: int) -> None:
        self.total = total

    def done(self, outcome, skipped: bool) -> None:
        self.count += 1
        print(f"[{self.count}/{self.total}] {describe(outcome, skipped)}", file=sys.stderr, flush=True)

    def stop(self) -> None:
        pass


class _Bar:
    """A rich progress bar on stderr, for terminals; errors are printed above it."""

    def __init__(self):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.console = Console(stderr=True)
        self.progress = Progress(TextColumn("checking"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                                 TextColumn("{task.fields[last]}"), console=self.console, transient=True)
        self.task = None

    def start(self, total: int, skipped: int) -> None:
        self.progress.start()  # stopped by stop(), also when the batch is interrupted
        self.task = self.progress.add_task("batch", total=total, last="")

    def done(self, outcome, skipped: bool) -> None:
        if outcome.verdict == "error":
            self.progress.console.print(f"{visible(str(outcome.target))}: error: {visible(str(outcome.error))}",
                                        markup=False, highlight=False)
        self.progress.update(self.task, advance=1, last=visible(Path(outcome.target).name))

    def stop(self) -> None:
        if self.task is not None:
            self.progress.stop()


def describe(outcome, skipped: bool = False) -> str:
    """One log line for an article: "path: fail (5 flags)", "path: error: message"."""
    target = visible(str(outcome.target))  # a file name with a newline or ESC stays one inert line
    if outcome.verdict == "error":
        return f"{target}: error: {visible(str(outcome.error))}"
    n = outcome.flags
    note = ", report current: skipped" if skipped else ""
    return f"{target}: {outcome.verdict} ({n} flag{'' if n == 1 else 's'}{note})"


def batch_cmd(
    inputs: Annotated[Optional[list[str]], typer.Argument(
        help="French articles: folders (their *.fr.txt files, else every *.txt) or glob patterns "
             "(expanded by mtqa). Needs --corpus to find the sources.", show_default=False)] = None,
    manifest: Annotated[Optional[Path], typer.Option(
        "--manifest", help="CSV with a header naming `target` and `source` columns, or JSONL (.jsonl/.ndjson) "
                           "objects with those keys; paths relative to the manifest's folder; an empty source "
                           "is found by retrieval in --corpus. An optional `back_translation` column names a "
                           "file of Norwegian back-translations for that article (as check --back-translation).")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Folder for the reports, summary.json "
                                                   "and summary.html (created when missing).")] = None,
    corpus: Annotated[Optional[Path], typer.Option("--corpus", "-c", help="Folder of candidate Norwegian articles "
                                                   "for the articles without a source.")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Worker processes (default: one per "
                                                "CPU); reports and summary do not depend on it.")] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Skip the articles whose report in OUTDIR is current "
                                         "(same files, mtqa version and settings).")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Format of the per-article reports (json, or any "
                                     "format of `mtqa check --format`).")] = "json",
    fail_on: FailOnOption = None,
    enable: EnableOption = None,
    disable: DisableOption = None,
    model: ModelOption = None,
    device: DeviceOption = Device.auto,
    compute_type: ComputeTypeOption = ComputeType.auto,
    beam_size: BeamSizeOption = 2,
    engine: Annotated[Engine, typer.Option("--engine", help="Where the articles are checked: worker processes on "
                                           "this machine, or a Ray cluster (pip install 'mtqa[ray]'); the outputs "
                                           "are the same.")] = Engine("local"),
    address: Annotated[Optional[str], typer.Option("--address", help="With --engine ray: the cluster to use (auto, "
                                                   "HOST:PORT, ray://HOST:10001); default: a local Ray instance "
                                                   "started and stopped by mtqa.", show_default=False)] = None,
    gpus_per_worker: Annotated[float, typer.Option("--gpus-per-worker", min=0.0, help="With --engine ray and "
                                                   "--model: back-translation in separate actors holding this "
                                                   "share of a GPU each (0.25: four per GPU); 0: each worker "
                                                   "loads the model itself.")] = 0.0,
    config_file: ConfigOption = None,
    allow_outside: Annotated[bool, typer.Option("--allow-outside", help="Accept manifest rows naming files outside "
                                                "the manifest's folder (absolute paths, ..).")] = False,
    require_source: Annotated[bool, typer.Option(
        "--require-source", help="An article with no source found (verdict \"unchecked\") fails the batch (exit 1); "
                                 "otherwise it exits 0.")] = False,
) -> int:
    """Check many articles: one report each in OUTDIR, plus summary.json and summary.html ranked worst first.

    Exit status of the worst article: 0 all pass, 1 some article fails at --fail-on, 2 some article
    could not be checked (unreadable, empty, not UTF-8...: an "error" row; the others are still
    checked) or a usage/manifest error, 3 internal error.
    """
    from mtqa import batch
    from mtqa.config import load_config
    from mtqa.readers import input_format, read_document
    from mtqa.report import RENDERERS
    from mtqa.readers.corpus import list_candidates

    settings_file = load_config(config_file, Path.cwd())
    fail_on_value = fail_on.value if fail_on is not None else settings_file.fail_on  # the command line wins
    device_value = getattr(device, "value", device)
    compute_value = getattr(compute_type, "value", compute_type)
    if output is None:
        raise InputError("give the output folder with -o OUTDIR")
    formats = sorted(name for name, r in RENDERERS.items() if r.needs is None)  # xliff annotates its own input
    if fmt not in formats:
        raise InputError(f"--format {fmt}: unknown report format; available: {', '.join(formats)}")
    if manifest is not None and inputs:
        raise InputError("give either --manifest FILE or articles (folders, globs), not both")
    if manifest is None and not inputs:
        raise InputError("nothing to check: give --manifest FILE, or folders or glob patterns of articles")
    checks = settings_file.build_checks(_split(enable), _split(disable))
    ray_engine = getattr(engine, "value", engine) == "ray"
    if not ray_engine and (address is not None or gpus_per_worker):
        raise InputError("--address and --gpus-per-worker are options of --engine ray")
    if gpus_per_worker and not model:
        raise InputError("--gpus-per-worker: give the back-translation model with --model")
    if ray_engine:
        from mtqa.batch.ray_engine import import_ray

        import_ray()  # not installed: one line saying how, before anything is read

    items = (batch.read_manifest(manifest, allow_outside) if manifest is not None
             else batch.collect_inputs(inputs or []))  # (not empty: refused above)
    needs_corpus = [i for i in items if i.source is None and input_format(i.target).name == "text"]
    candidates: tuple = ()
    if corpus is not None:
        if not corpus.is_dir():
            raise InputError(f"{corpus}: corpus folder does not exist")
        paths = list_candidates(corpus)
        if not paths:
            raise InputError(f"{corpus}: no Norwegian articles (*.nb.txt or *.txt) in the corpus folder")
        if needs_corpus:
            candidates = tuple(read_document(p) for p in paths)
    elif needs_corpus:
        where = f"{manifest}: " if manifest is not None else ""
        raise InputError(f"{where}{needs_corpus[0].target} has no source: pass --corpus DIR to find the sources "
                         "by retrieval")

    if output.exists() and not output.is_dir():
        raise InputError(f"{output}: is a file; -o takes a folder")
    names = batch.report_names(items, fmt)
    inputs_used = [p for i in items for p in (i.target, i.source, i.back_translation) if p is not None]
    inputs_used += [Path(c.path) for c in candidates] + ([manifest] if manifest is not None else [])
    if corpus is not None:
        inputs_used += list_candidates(corpus)
    if settings_file.path is not None:
        inputs_used.append(settings_file.path)
    clash = batch.output_collisions(inputs_used, output, names)
    if clash:
        raise InputError(f"{clash}: an output in {output} would overwrite this input file; choose another -o folder")

    model_dir = model_id = None
    if model:
        from mtqa.mt.ct2 import model_hash, resolve_model_dir

        model_dir = resolve_model_dir(model)  # a bad model is one error before any worker starts
        model_id = model_hash(model_dir)
    jobs_given = jobs
    jobs = jobs or os.cpu_count() or 1
    config = batch.WorkerConfig(
        outdir=str(output), fmt=fmt, fail_on=fail_on_value, enable=tuple(_split(enable)),
        disable=tuple(_split(disable)), model=None if model_dir is None else str(model_dir), device=device_value,
        compute_type=compute_value, beam_size=beam_size,
        # CTranslate2 threads: share the CPUs between the workers instead of oversubscribing them.
        intra_threads=max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else 0,
        candidates=candidates, config=settings_file)
    settings = batch.worker_settings(config, checks, model_id)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot write {visible(str(output))}: {exc.strerror or exc}") from None

    display = _Bar() if sys.stderr.isatty() else _Lines()

    def run(engine_=None):
        return batch.run_batch(items, config, settings, jobs=jobs, resume=resume, engine=engine_,
                               on_start=display.start, on_done=display.done,
                               on_warning=lambda m: print(f"mtqa: warning: {m}", file=sys.stderr))

    try:
        if ray_engine:
            from mtqa.batch.ray_engine import RayEngine, RayOptions, RaySession

            with RaySession(RayOptions(address=address, num_cpus=jobs_given, gpus_per_worker=gpus_per_worker)) as ray:
                jobs = jobs_given or ray.cpus()  # default: one check actor per CPU of the cluster
                result = run(RayEngine(ray, jobs))
        else:
            result = run()
    finally:
        display.stop()
    totals = result.summary["totals"]
    skipped = f" ({result.skipped} skipped: report current)" if resume else ""
    print(f"{totals['articles']} articles{skipped}: {totals['pass']} pass, {totals['fail']} fail, "
          f"{totals['error']} error; {totals['flags']} flags; summary: {visible(str(output / batch.SUMMARY_JSON))}",
          file=sys.stderr)
    return batch.exit_status(result.outcomes, require_source)
