"""Running a batch: worker processes, each with one Pipeline, and `run_batch`.

`run_batch` checks the articles whose report is not current in-process (jobs=1) or in a pool of
worker processes, each of which builds the checks and loads the translation model once
(`init_worker`) and takes the articles a few at a time, running Grammalecte once per group
(`run_chunk`); workers write the reports themselves (atomically), the parent records each
finished article as one line of OUTDIR/.mtqa-batch.journal (synced every `STATE_SAVE_SECONDS`)
and folds the journal into OUTDIR/.mtqa-batch.json (atomically) at the end, so that recording is
linear in the number of articles and an interrupted batch resumes. The batch holds a flock on OUTDIR (`lock_outdir`), and its workers
die with it (`_die_with_parent`). An
article that cannot be checked becomes an "error" row; the batch goes on.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from mtqa.batch.plan import (
    JOURNAL_FILE, STATE_FILE, STATE_SAVE_SECONDS, SUMMARY_HTML, SUMMARY_JSON, SUMMARY_XLSX, _fingerprint, foreign_file,
    is_current, journal_line, read_state, render_state, report_names, settings_hash, state_entry, summary_names,
)
from mtqa.batch.summary import (
    ArticleOutcome, error_outcome, outcome_from_flags, rank_outcomes, render_summary_html, render_summary_json,
    summary_dict,
)
from mtqa.core.escape import visible
from mtqa.errors import InputError, MtqaError
from mtqa.readers.manifest import BatchItem

# Articles a worker takes at a time: Grammalecte is started once per group (its start-up is most
# of the CPU time of a short article), while groups stay small enough to share out evenly.
MAX_CHUNK = 8


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to check articles; given once to each worker process."""

    outdir: str
    fmt: str
    fail_on: str
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    model: str | None = None
    device: str = "auto"
    compute_type: str = "auto"
    beam_size: int = 2
    back_translation_model: str | None = None  # thresholds for the manifest's back_translation files
    intra_threads: int = 0          # CTranslate2 threads per worker (0: its own choice)
    candidates: tuple = ()          # retrieval candidates (mtqa.core.document.Document), read once by the parent
    config: object = None           # mtqa.config.Config (check settings, severities, suppressions), or None

    def settings(self):
        """The run's mtqa.config.Config: the file's, with this batch's command-line options applied."""
        from mtqa.config import Config

        base = self.config if self.config is not None else Config()
        return base.override(fail_on=self.fail_on, enable=list(self.enable), disable=list(self.disable))


@dataclass(frozen=True)
class Job:
    item: BatchItem
    report: str


class _Worker:
    """Per-process state: one mtqa.pipeline.Pipeline (checks and translator built once) reused for
    every article; the articles of a group go through it together (Pipeline.check_many), so that
    checks with work across documents (Grammalecte) do it once per group."""

    def __init__(self, config: WorkerConfig):
        from mtqa.pipeline import Pipeline

        self.config = config
        translator = None
        if config.model:
            from mtqa.mt.base import load_translator

            translator = load_translator(config.model, device=config.device, compute_type=config.compute_type,
                                         beam_size=config.beam_size, intra_threads=config.intra_threads)
        self.pipeline = Pipeline(config.settings(), translator)
        self.render = _renderer(config.fmt)

    def check_group(self, jobs: Sequence[Job]) -> list[ArticleOutcome]:
        """Check these articles together; one that cannot be read or checked becomes an error row."""
        from mtqa.readers import read_input

        items: list = []
        for job in jobs:
            try:
                items.append(read_input(job.item.target, source=job.item.source,
                                        candidates=self.config.candidates or None))
            except Exception as exc:
                items.append(exc)
        shared = [i for job, i in zip(jobs, items) if not isinstance(i, BaseException)
                  and job.item.back_translation is None]
        checked = iter(self.pipeline.check_many(shared, capture=True))
        outcomes = []
        for job, item in zip(jobs, items):
            if isinstance(item, BaseException):
                outcomes.append(self._outcome(job, item))
            elif job.item.back_translation is None:
                outcomes.append(self._outcome(job, next(checked)))
            else:  # its own back-translation file: the same checks, a replayed translator
                outcomes.append(self._outcome(job, self._check_replayed(job.item, item)))
        return outcomes

    def _check_replayed(self, batch_item, item):
        from mtqa.mt.replay import replay_for
        from mtqa.pipeline import Pipeline

        try:
            translator = replay_for(item, batch_item.back_translation, self.config.back_translation_model)
            return Pipeline(self.pipeline.settings, translator, self.pipeline.checks).check(item)
        except Exception as exc:
            return exc

    def _outcome(self, job: Job, result) -> ArticleOutcome:
        from mtqa.report import write_output

        if isinstance(result, BaseException):
            return _error_of(job, result)
        try:
            write_output(Path(self.config.outdir) / job.report, self.render(result, self.config.fail_on))
        except Exception as exc:
            return _error_of(job, exc)
        used = result.source.path if result.source is not None and result.bilingual is None else None
        return outcome_from_flags(job.item, used, job.report, result.flags, self.config.fail_on, result.checked,
                                  result.provenance)


def _error_of(job: Job, exc: BaseException) -> ArticleOutcome:
    """The error row of an article that could not be checked: input errors as they are, anything
    else as an internal error (a bug in mtqa; the batch goes on)."""
    if isinstance(exc, MtqaError):
        return error_outcome(job.item, str(exc))
    if not isinstance(exc, Exception):  # KeyboardInterrupt, SystemExit: the batch stops
        raise exc
    if os.environ.get("MTQA_DEBUG"):
        raise exc
    return error_outcome(job.item, f"internal error: {type(exc).__name__}: {exc} "
                                   "(set MTQA_DEBUG=1 for the traceback)", internal=True)


def _renderer(fmt: str) -> Callable:
    from mtqa.report import renderer

    return renderer(fmt)


_WORKER: _Worker | None = None
_WORKER_ERROR: str | None = None


def init_worker(config: WorkerConfig) -> None:
    """Pool initializer: build the checks and load the model once for this process."""
    global _WORKER, _WORKER_ERROR
    try:
        _WORKER, _WORKER_ERROR = _Worker(config), None
    except MtqaError as exc:
        _WORKER, _WORKER_ERROR = None, str(exc)
    except Exception as exc:  # reported by the first task, as one line, instead of a broken pool
        if os.environ.get("MTQA_DEBUG"):
            raise
        _WORKER, _WORKER_ERROR = None, f"batch worker failed to start: {type(exc).__name__}: {exc}"


class _Stop(SystemExit):
    """Raised in a pool worker by SIGTERM: unwinds the article at hand (removing a report's
    temporary file, stopping Grammalecte and removing its folder), then the worker exits."""

    code: int  # always raised with the exit status, 128 + the signal number (_stop)


def _stop(signum, frame):
    raise _Stop(128 + signum)


def _init_pool_worker(config: WorkerConfig) -> None:
    """Initializer of a pool worker: Ctrl-C is the parent's to handle; the parent stops the
    workers with SIGTERM, which unwinds cleanly (_Stop)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _stop)
    _die_with_parent()
    init_worker(config)


def _die_with_parent() -> None:
    """Make this worker exit when the batch's main process dies, even by SIGKILL: the kernel sends
    SIGTERM (Linux prctl PR_SET_PDEATHSIG), or else a watchdog thread notices the new parent."""
    import signal
    import threading

    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, int(signal.SIGTERM), 0, 0, 0) == 0:  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(143)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        import time

        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(143)

    threading.Thread(target=watch, name="mtqa-parent-watch", daemon=True).start()


class WorkerFailed(MtqaError):
    """A worker could not start (the model did not load...): the whole batch stops."""


def _worker() -> _Worker:
    if _WORKER is None:
        raise WorkerFailed(_WORKER_ERROR or "batch worker not initialised")
    return _WORKER


def run_chunk(jobs: Sequence[Job]) -> list[ArticleOutcome]:
    """Check a group of articles in this (worker) process."""
    try:
        return _worker().check_group(jobs)
    except _Stop as stop:
        os._exit(stop.code)  # not back to the pool's loop, which would take the next task


def chunk_size(articles: int, workers: int | None = None) -> int:
    """Articles per task: up to MAX_CHUNK, and at least eight tasks. It does not depend on the
    number of workers (`workers` is ignored): a group is one Grammalecte run, so --jobs 2 starts
    Grammalecte as often as --jobs 1 does."""
    return max(1, min(MAX_CHUNK, articles // 8))


def preload_shared() -> None:
    """Load, in the parent before the workers fork, what every worker would otherwise load for
    itself: the modules of the pipeline and its checks, the lingua models (low accuracy; see
    mtqa.text.langid), the bilingual lexicons, exonyms and outlet lists. The workers share these
    pages with the parent (copy-on-write) instead of each spending the CPU time again."""
    import mtqa.pipeline  # noqa: F401  (imports every check)
    from mtqa.checks import entities
    from mtqa.text import langid, lexicon

    langid.preload()
    lexicon.lexicon()
    lexicon.french_stems()
    lexicon.english_to_norwegian()
    entities.exonyms()
    entities._folded_exonyms()



class _Journal:
    """The run's journal (plan.JOURNAL_FILE): finished articles appended one line each, the file
    synced to disk at most every STATE_SAVE_SECONDS; removed once the state holds them all."""

    def __init__(self, path: Path, clock: Callable[[], float]):
        self.path, self.clock = path, clock
        self.fd = -1
        self.appended = 0
        self.synced_at = clock()

    def exists(self) -> bool:
        return os.path.lexists(self.path)

    def start(self) -> None:
        """A new, empty journal (what an earlier one held is in the state file by now)."""
        self.path.unlink(missing_ok=True)
        self.fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o666)

    def append(self, key: str, entry: dict) -> None:
        view = memoryview(journal_line(key, entry))
        while view:
            view = view[os.write(self.fd, view):]
        self.appended += 1
        if self.clock() - self.synced_at >= STATE_SAVE_SECONDS:
            os.fsync(self.fd)
            self.synced_at = self.clock()

    def remove(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        self.path.unlink(missing_ok=True)


class OutdirLocked(InputError):
    """Another mtqa batch is writing into the same OUTDIR."""


class _Lock:
    def __init__(self, fd: int):
        self.fd = fd

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)  # releases the flock
            self.fd = -1


def lock_outdir(outdir: Path) -> _Lock:
    """Hold an exclusive flock on the OUTDIR folder itself for this batch (no lock file is left
    behind): a second batch into the same folder is refused instead of silently dropping the
    first's records. The kernel releases it when the batch exits, however it exits."""
    import fcntl

    try:
        fd = os.open(outdir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError as exc:
        raise InputError(f"cannot write {visible(str(outdir))}: {exc.strerror or exc}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise OutdirLocked(f"{visible(str(outdir))}: another mtqa batch is writing into this folder; wait for it "
                           "to finish or choose another -o folder") from None
    return _Lock(fd)


@dataclass
class BatchResult:
    outcomes: list[ArticleOutcome]
    skipped: int                  # articles whose report was current (--resume)
    summary: dict



def run_batch(items: Sequence[BatchItem], config: WorkerConfig, settings: dict, *, jobs: int, resume: bool,
              chunk: int | None = None, engine=None,
              on_start: Callable[[int, int], None] = lambda total, skipped: None,
              on_done: Callable[[ArticleOutcome, bool], None] = lambda outcome, skipped: None,
              on_warning: Callable[[str], None] = lambda message: None) -> BatchResult:
    """Check `items` into config.outdir and write summary.json and summary.html there.

    on_start(total, skipped) is called once the workers are started; on_done(outcome, skipped)
    after each article (skipped: its report was current and it was not checked again). `chunk`:
    articles per task (default chunk_size()); the output does not depend on it. `engine`: None
    (worker processes on this machine), or an engine whose run(config, groups) yields
    (group index, outcomes) as groups finish (mtqa.batch.ray_engine.RayEngine: --engine ray).
    """
    import time

    from mtqa.report import write_output

    outdir = Path(config.outdir)
    lock = lock_outdir(outdir)
    try:
        return _run_locked(items, config, settings, outdir, jobs=jobs, resume=resume, chunk=chunk,
                           on_start=on_start, on_done=on_done, on_warning=on_warning, write_output=write_output,
                           clock=time.monotonic, engine=engine)
    finally:
        lock.close()


def _run_locked(items, config, settings, outdir, *, jobs, resume, chunk, on_start, on_done, on_warning,
                write_output, clock, engine=None) -> BatchResult:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    names = report_names(items, config.fmt)
    settings_id = settings_hash(settings)
    recorded, owned, warning = read_state(outdir)
    if warning and (resume or os.path.exists(outdir / STATE_FILE)):
        on_warning(warning)
    state = dict(recorded)
    summaries = summary_names(config.fmt)
    foreign = foreign_file(outdir, [*names, *summaries], owned)
    if foreign is not None:
        raise InputError(f"{visible(str(outdir / foreign))}: exists and was not written by mtqa batch (not recorded "
                         f"in {STATE_FILE}); move it away or choose another -o folder")
    # Claimed before any report is written: a batch killed at any point leaves only files that
    # its state records as mtqa's, and the next run may replace them.
    claimed = owned | {*names, *summaries}
    journal = _Journal(outdir / JOURNAL_FILE, clock)
    replayed = journal.exists()  # an interrupted run's records: folded into the state now
    if claimed != owned or replayed or not os.path.exists(outdir / STATE_FILE):
        write_output(outdir / STATE_FILE, render_state(state, claimed))
    journal.start()
    owned = claimed

    done: list[ArticleOutcome] = []
    current: list[ArticleOutcome] = []
    todo: list[tuple[Job, dict]] = []
    for item, name in zip(items, names):
        fingerprint = _fingerprint(item, name, settings_id)
        entry = recorded.get(item.key)
        if resume and entry is not None and is_current(entry, fingerprint, outdir):
            current.append(ArticleOutcome.from_dict(entry["outcome"]))
        else:
            todo.append((Job(item, name), fingerprint))

    def finish(job: Job, fingerprint: dict, outcome: ArticleOutcome) -> None:
        previous = (state.get(job.item.key) or {}).get("outcome") or {}
        if outcome.verdict == "error" and previous.get("report") == job.report:
            # The report this batch wrote earlier no longer describes the article.
            (outdir / job.report).unlink(missing_ok=True)
        state[job.item.key] = entry = state_entry(fingerprint, outcome)
        journal.append(job.item.key, entry)  # one line; on disk at most every STATE_SAVE_SECONDS
        done.append(outcome)
        on_done(outcome, False)

    try:
        return _run_jobs(items, config, outdir, todo, current, done, finish, jobs=jobs, chunk=chunk,
                         on_start=on_start, on_done=on_done, write_output=write_output,
                         pool_class=ProcessPoolExecutor, as_completed=as_completed, engine=engine)
    finally:  # also when interrupted: every finished article is recorded in the state, once
        if journal.appended or replayed:
            write_output(outdir / STATE_FILE, render_state(state, owned))
        journal.remove()


def _run_jobs(items, config, outdir, todo, current, done, finish, *, jobs, chunk, on_start, on_done, write_output,
              pool_class, as_completed, engine=None) -> BatchResult:
    workers = max(1, min(jobs, len(todo)))
    size = chunk or chunk_size(len(todo), workers)
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    if engine is not None:  # the same groups, checked elsewhere (Ray actors); recorded here as they finish
        on_start(len(items), len(current))
        for outcome in current:
            on_done(outcome, True)
        for index, outcomes in engine.run(config, [[job for job, _ in group] for group in chunks]):
            for (job, fingerprint), outcome in zip(chunks[index], outcomes):
                finish(job, fingerprint, outcome)
    elif workers == 1:
        on_start(len(items), len(current))
        for outcome in current:
            on_done(outcome, True)
        if todo:
            init_worker(config)
            for group in chunks:
                for (job, fingerprint), outcome in zip(group, _worker().check_group([job for job, _ in group])):
                    finish(job, fingerprint, outcome)
    else:
        # Workers are forked (Linux) before the progress display starts its thread, and after
        # the parent has loaded what they all need.
        preload_shared()
        pool = pool_class(max_workers=workers, initializer=_init_pool_worker, initargs=(config,))
        try:
            futures = {pool.submit(run_chunk, [job for job, _ in group]): group for group in chunks}
            on_start(len(items), len(current))
            for outcome in current:
                on_done(outcome, True)
            for future in as_completed(futures):
                group = futures[future]
                try:
                    outcomes = future.result()
                except MtqaError:
                    raise
                except Exception as exc:  # the worker process died (killed, out of memory)
                    if os.environ.get("MTQA_DEBUG"):
                        raise
                    outcomes = [error_outcome(job.item, f"internal error: {type(exc).__name__}: {exc}",
                                              internal=True) for job, _ in group]
                for (job, fingerprint), outcome in zip(group, outcomes):
                    finish(job, fingerprint, outcome)
        except BaseException:  # Ctrl-C, or a worker that could not start: stop the others now
            processes = list((getattr(pool, "_processes", None) or {}).values())  # shutdown() forgets them
            pool.shutdown(wait=False, cancel_futures=True)
            for process in processes:
                process.terminate()
            raise
        finally:
            pool.shutdown(wait=True)

    outcomes = current + done
    summary = summary_dict(outcomes, config.fail_on)
    write_summaries(outdir, config.fmt, summary, write_output)
    return BatchResult(rank_outcomes(outcomes), len(current), summary)


def write_summaries(outdir: Path, fmt: str, summary: dict, write_output: Callable) -> None:
    """summary.json and summary.html; with -f xlsx also summary.xlsx, every article's sheet in one
    workbook (built from the article reports in OUTDIR, so resumed articles are in it too)."""
    write_output(outdir / SUMMARY_JSON, render_summary_json(summary))
    write_output(outdir / SUMMARY_HTML, render_summary_html(summary))
    if fmt == "xlsx":
        from mtqa.report.xlsx_report import render_batch_xlsx

        write_output(outdir / SUMMARY_XLSX, render_batch_xlsx(summary, outdir))
