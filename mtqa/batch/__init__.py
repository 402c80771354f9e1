"""`mtqa batch`: check a whole feed of articles, one report per article plus a ranked summary.

The pieces, from the edges in:

- inputs: a manifest (CSV with a `target` and `source` column, or JSONL with those keys) or
  folders and glob patterns (`read_manifest`, `collect_inputs`) become BatchItems;
- planning: every item gets a report file name (`report_names`) and a fingerprint of what its
  report depends on (file hashes, mtqa version, run settings), so that `--resume` can skip the
  articles whose report is current (`load_state`, `is_current`);
- running: `run_batch` checks the remaining articles in-process (jobs=1) or in a pool of worker
  processes, each of which builds the checks and loads the translation model once
  (`init_worker`) and takes the articles a few at a time, running Grammalecte once per group
  (`run_chunk`); workers write the reports themselves (atomically), the parent records each
  finished article in OUTDIR/.mtqa-batch.json (atomically) so an interrupted batch resumes;
- summary: `summary_dict` ranks the articles (errors, then worst severity, flags, path) and is
  byte-identical whatever the number of jobs.

An article that cannot be checked (bad encoding, empty file, Grammalecte failing...) becomes a
row with verdict "error" and its one-line message; the batch goes on. `exit_status` is that of
the worst article: 3 internal error (a bug) > 2 input error > 1 fail at --fail-on > 0 pass.
"""

from __future__ import annotations

import csv
import glob
import hashlib
import html
import io
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Sequence

from mtqa import __version__
from mtqa.errors import EXIT_FLAGGED, EXIT_OK, EXIT_USAGE, InputError, MtqaError
from mtqa.core.escape import visible
from mtqa.core.flags import CATEGORIES, SEVERITIES, SEVERITY_RANK, active, verdict

SUMMARY_VERSION = "1.0"
STATE_VERSION = 1
STATE_FILE = ".mtqa-batch.json"
STATE_SAVE_SECONDS = 2.0            # the state is saved at most this often during a run (and at its end)
SUMMARY_JSON = "summary.json"
SUMMARY_HTML = "summary.html"
RESERVED_NAMES = frozenset({STATE_FILE, SUMMARY_JSON, SUMMARY_HTML})
EXIT_INTERNAL = 3

JSONL_SUFFIXES = (".jsonl", ".ndjson")
VERDICT_RANK = {"pass": 0, "fail": 1, "error": 2}
# Articles a worker takes at a time: Grammalecte is started once per group (its start-up is most
# of the CPU time of a short article), while groups stay small enough to share out evenly.
MAX_CHUNK = 8


# ---------------------------------------------------------------- what is checked


@dataclass(frozen=True)
class BatchItem:
    """One article of the batch: the French target, and its Norwegian source when it is known
    (None: found by retrieval among the --corpus articles)."""

    target: Path
    source: Path | None = None

    @property
    def key(self) -> str:
        """Identifies the item in the state file."""
        return json.dumps([str(self.target), None if self.source is None else str(self.source)], ensure_ascii=False)


def _resolve(base: Path, value: str) -> Path:
    p = Path(value)
    return p if p.is_absolute() else base / p


def _outside(base: Path, path: Path) -> bool:
    """True when `path` (links resolved) is not inside the folder `base`."""
    folder = os.path.realpath(base)
    return os.path.commonpath([folder, os.path.realpath(path)]) != folder


def _checked_item(where: str, base: Path, target: str, source: str | None,
                  allow_outside: bool = False) -> BatchItem:
    """A manifest row as a BatchItem; missing files are an error of the manifest (file:line), and
    so is a path outside the manifest's folder (absolute, "..", a link out) unless `allow_outside`."""
    if not target.strip():
        raise InputError(f"{where}: empty target")
    item = BatchItem(_resolve(base, target.strip()),
                     _resolve(base, source.strip()) if source and source.strip() else None)
    for role, path in (("target", item.target), ("source", item.source)):
        if path is None:
            continue
        if not allow_outside and _outside(base, path):
            raise InputError(f"{where}: {role} {visible(str(path))}: outside the manifest's folder; "
                             "pass --allow-outside to read it")
        try:
            exists, is_dir = path.exists(), path.is_dir()
        except (OSError, ValueError) as exc:  # a name over 255 bytes, a NUL byte
            raise InputError(f"{where}: {role} {visible(str(path))[:300]}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
        if not exists:
            raise InputError(f"{where}: {role} {visible(str(path))}: no such file")
        if is_dir:
            raise InputError(f"{where}: {role} {visible(str(path))}: is a directory, expected a text file")
    return item


def parse_manifest_csv(text: str, name: str, base: Path, allow_outside: bool = False) -> list[BatchItem]:
    """Rows of a CSV manifest whose header names a `target` column (and usually `source`).

    Other columns are ignored; paths are relative to `base` (the manifest's folder)."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = [c.strip().lower() for c in header or []]
    if "target" not in columns:
        raise InputError(f"{name}:1: no 'target' column in the header (expected a header line like target,source)")
    t_col = columns.index("target")
    s_col = columns.index("source") if "source" in columns else None
    items = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        where = f"{name}:{reader.line_num}"
        if len(row) <= t_col:
            raise InputError(f"{where}: no target (expected {len(columns)} columns, got {len(row)})")
        source = row[s_col] if s_col is not None and s_col < len(row) else None
        items.append(_checked_item(where, base, row[t_col], source, allow_outside))
    return items


def parse_manifest_jsonl(text: str, name: str, base: Path, allow_outside: bool = False) -> list[BatchItem]:
    """Lines of a JSONL manifest: objects with "target" and optional "source" (null or "": retrieval)."""
    items = []
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:  # thousands of digits, deep nesting
            raise InputError(f"{where}: not valid JSON ({' '.join(str(exc).split())[:120]})") from None
        if not isinstance(row, dict):
            raise InputError(f"{where}: expected a JSON object with \"target\" and \"source\"")
        target, source = row.get("target"), row.get("source")
        if not isinstance(target, str):
            raise InputError(f"{where}: no \"target\" string")
        if source is not None and not isinstance(source, str):
            raise InputError(f"{where}: \"source\" must be a string or null")
        items.append(_checked_item(where, base, target, source, allow_outside))
    return items


def read_manifest(path: Path, allow_outside: bool = False) -> list[BatchItem]:
    """The items of a manifest file (JSONL when it ends in .jsonl/.ndjson, else CSV)."""
    from mtqa.readers import read_text

    text, _ = read_text(path)
    parse = parse_manifest_jsonl if path.name.lower().endswith(JSONL_SUFFIXES) else parse_manifest_csv
    try:
        items = parse(text, visible(str(path)), path.parent, allow_outside)
    except csv.Error as exc:
        raise InputError(f"{visible(str(path))}: not a valid CSV manifest ({exc})") from None
    if not items:
        raise InputError(f"{path}: no articles listed")
    return items


def _folder_articles(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.glob("*.fr.txt") if p.is_file())
    return files or sorted(p for p in folder.glob("*.txt") if p.is_file())


def collect_inputs(arguments: Sequence[str]) -> list[BatchItem]:
    """Targets named on the command line: a folder gives its *.fr.txt files (every *.txt file
    when there is none), a glob pattern its matching files (expanded here, so quoting works the
    same in every shell), each sorted; a file is taken as it is. Duplicates are dropped."""
    paths: list[Path] = []
    for arg in arguments:
        p = Path(arg)
        if p.is_dir():
            found = _folder_articles(p)
            if not found:
                raise InputError(f"{arg}: no *.fr.txt or *.txt files in this folder")
        elif p.is_file():
            found = [p]
        elif glob.has_magic(arg):
            found = sorted(Path(m) for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            if not found:
                raise InputError(f"{arg}: no file matches this pattern")
        else:
            raise InputError(f"{arg}: no such file or folder")
        paths.extend(found)
    return [BatchItem(p) for p in dict.fromkeys(paths)]


# ---------------------------------------------------------------- planning


def report_extension(fmt: str) -> str:
    """The file ending of a report in format `fmt` (mtqa.report.RENDERERS)."""
    from mtqa.report import RENDERERS

    return RENDERERS[fmt].extension


def _base_name(target: Path) -> str:
    name = target.name
    return (name[:-4] if name.lower().endswith(".txt") else name) or "article"


def report_names(items: Sequence[BatchItem], fmt: str) -> list[str]:
    """One report file name per item, unique within the output folder and stable across runs.

    The target's name without ".txt" plus the format's extension; names shared by several
    items (same file name in different folders, or the summary's names) get a short hash of
    the item's paths, so each item keeps its name whatever else is in the batch with it.
    """
    ext = report_extension(fmt)
    plain = [_base_name(item.target) + ext for item in items]
    counts = Counter(n.lower() for n in plain)
    taken = {n.lower() for n in RESERVED_NAMES}
    names = []
    for item, name in zip(items, plain):
        if counts[name.lower()] > 1 or name.lower() in taken:
            digest = hashlib.sha256(item.key.encode("utf-8")).hexdigest()[:8]
            name = f"{_base_name(item.target)}-{digest}{ext}"
        n, candidate = 2, name
        while candidate.lower() in taken:  # the very same item listed twice
            candidate = f"{name[:-len(ext)]}-{n}{ext}"
            n += 1
        taken.add(candidate.lower())
        names.append(candidate)
    return names


def sha256_bytes_of(path: Path | None) -> str | None:
    """sha256 of a file's bytes; None for no file or one that cannot be read (it is then checked
    again, and the check says what is wrong with it)."""
    if path is None:
        return None
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def settings_hash(settings: dict) -> str:
    """A hash of everything besides the input files that a report depends on."""
    return hashlib.sha256(json.dumps(settings, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def corpus_hash(candidates: Sequence) -> str | None:
    """A hash of the retrieval candidates (path and text), or None without a corpus."""
    if not candidates:
        return None
    h = hashlib.sha256()
    for doc in candidates:
        h.update(doc.path.encode("utf-8") + b"\0" + hashlib.sha256(doc.text.encode("utf-8")).digest())
    return h.hexdigest()


# ---------------------------------------------------------------- outcomes and summary


@dataclass
class ArticleOutcome:
    """What the batch learned about one article: a row of summary.json."""

    target: str
    source: str | None          # the source used: given, or found by retrieval (None: none)
    report: str | None          # report file name in OUTDIR; None when the article could not be checked
    verdict: str                # "pass" | "fail" | "error"
    worst_severity: str | None = None
    flags: int = 0
    by_severity: dict = field(default_factory=dict)
    by_category: dict = field(default_factory=dict)
    error: str | None = None
    internal: bool = False      # the error is a bug in mtqa (exit status 3), not bad input

    def to_dict(self) -> dict:
        return {"target": self.target, "source": self.source, "report": self.report, "verdict": self.verdict,
                "worst_severity": self.worst_severity, "flags": self.flags, "by_severity": self.by_severity,
                "by_category": self.by_category, "error": self.error}

    @classmethod
    def from_dict(cls, row: dict, internal: bool = False) -> "ArticleOutcome":
        return cls(row["target"], row["source"], row["report"], row["verdict"], row["worst_severity"],
                   row["flags"], dict(row["by_severity"]), dict(row["by_category"]), row["error"], internal)


def outcome_from_flags(item: BatchItem, source: str | None, report: str, flags: Sequence,
                       fail_on: str) -> ArticleOutcome:
    """The summary row of a checked article; suppressed flags (mtqa.toml [[suppress]]) do not count."""
    flags = active(list(flags))
    by_severity = Counter(f.severity for f in flags)
    by_category = Counter(f.category for f in flags)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    worst = max((f.severity for f in flags), key=SEVERITY_RANK.__getitem__, default=None)
    return ArticleOutcome(
        target=str(item.target), source=source, report=report, verdict=verdict(list(flags), fail_on),
        worst_severity=worst, flags=len(flags),
        by_severity={s: by_severity[s] for s in SEVERITIES if by_severity[s]},
        by_category={c: by_category[c] for c in sorted(by_category, key=lambda c: (order.get(c, len(order)), c))})


def error_outcome(item: BatchItem, message: str, internal: bool = False) -> ArticleOutcome:
    return ArticleOutcome(str(item.target), None if item.source is None else str(item.source), None, "error",
                          error=" ".join(message.split()), internal=internal)


def rank_key(o: ArticleOutcome):
    """Errors first, then the worst severity, the number of flags, the target path (then the rest,
    so that the order is total and the summary deterministic)."""
    severity = SEVERITY_RANK[o.worst_severity] if o.worst_severity else -1
    return (-VERDICT_RANK[o.verdict], -severity, -o.flags, o.target, o.source or "", o.report or "")


def rank_outcomes(outcomes: Iterable[ArticleOutcome]) -> list[ArticleOutcome]:
    return sorted(outcomes, key=rank_key)


def exit_status(outcomes: Iterable[ArticleOutcome]) -> int:
    """The exit status of the worst article: 3 internal error > 2 input error > 1 fail > 0 pass."""
    status = EXIT_OK
    for o in outcomes:
        if o.verdict == "error":
            status = max(status, EXIT_INTERNAL if o.internal else EXIT_USAGE)
        elif o.verdict == "fail":
            status = max(status, EXIT_FLAGGED)
    return status


def summary_dict(outcomes: Iterable[ArticleOutcome], fail_on: str) -> dict:
    """summary.json: every article ranked worst first, and the totals."""
    rows = rank_outcomes(outcomes)
    verdicts = Counter(o.verdict for o in rows)
    return {
        "summary_version": SUMMARY_VERSION,
        "tool": {"name": "mtqa", "version": __version__},
        "fail_on": fail_on,
        "articles": [o.to_dict() for o in rows],
        "totals": {"articles": len(rows), "pass": verdicts["pass"], "fail": verdicts["fail"],
                   "error": verdicts["error"], "flags": sum(o.flags for o in rows)},
    }


def render_summary_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def render_summary_html(summary: dict) -> str:
    """summary.html: mtqa.report.html_report's page when it is there, else a plain table."""
    try:
        from mtqa.report.html_report import render_summary_html as render
    except ImportError:
        return minimal_summary_html(summary)
    return render(summary)


def minimal_summary_html(summary: dict) -> str:
    """A small, self-contained HTML table of summary.json (every value escaped)."""
    e = html.escape
    t = summary["totals"]
    rows = []
    for a in summary["articles"]:
        report = f'<a href="{e(a["report"], quote=True)}">{e(a["report"])}</a>' if a["report"] else ""
        counts = ", ".join(f"{e(k)} {v}" for k, v in a["by_severity"].items())
        rows.append(f"<tr><td>{e(a['verdict'])}</td><td>{e(a['worst_severity'] or '')}</td><td>{a['flags']}</td>"
                    f"<td>{counts}</td><td>{e(a['target'])}</td><td>{e(a['source'] or '')}</td><td>{report}</td>"
                    f"<td>{e(a['error'] or '')}</td></tr>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mtqa batch summary</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:2px 6px;text-align:left}</style></head><body>\n"
            f"<h1>mtqa batch summary</h1>\n<p>{t['articles']} articles: {t['pass']} pass, {t['fail']} fail, "
            f"{t['error']} error; {t['flags']} flags; fail on {e(summary['fail_on'])} "
            f"(mtqa {e(summary['tool']['version'])})</p>\n"
            "<table><thead><tr><th>verdict</th><th>worst</th><th>flags</th><th>by severity</th><th>target</th>"
            "<th>source</th><th>report</th><th>error</th></tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table></body></html>\n")


# ---------------------------------------------------------------- resume state


def read_state(outdir: Path) -> tuple[dict, set[str], str | None]:
    """The per-article records of OUTDIR/.mtqa-batch.json, the names of the files in OUTDIR that
    mtqa batch wrote (or claimed) there, and a warning when the state was unreadable (a missing
    or damaged state file only means that nothing is skipped, and that no file is mtqa's)."""
    path = outdir / STATE_FILE
    if not path.exists():
        return {}, set(), None
    try:
        from mtqa.readers.text import read_input_bytes

        state = json.loads(read_input_bytes(path, expected="a batch state file").decode("utf-8"))
        articles = state["articles"]
        if state.get("state_version") != STATE_VERSION or not isinstance(articles, dict):
            raise ValueError("unknown state version")
        files = {str(name) for name in state.get("files", [])}
        files |= {str((entry.get("outcome") or {}).get("report")) for entry in articles.values()
                  if isinstance(entry, dict) and (entry.get("outcome") or {}).get("report")}
        if "files" not in state and articles:  # a state written before "files": its summaries are mtqa's
            files |= {SUMMARY_JSON, SUMMARY_HTML}
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, InputError) as exc:
        return {}, set(), f"{visible(str(path))}: unreadable batch state ({exc}); every article is checked again"
    return articles, files, None


def load_state(outdir: Path) -> tuple[dict, str | None]:
    """The per-article records of OUTDIR/.mtqa-batch.json and a warning when it was unreadable."""
    articles, _, warning = read_state(outdir)
    return articles, warning


def state_entry(fingerprint: dict, outcome: ArticleOutcome) -> dict:
    return {**fingerprint, "outcome": outcome.to_dict()}


def is_current(entry: dict | None, fingerprint: dict, outdir: Path) -> bool:
    """True when a recorded article was checked from the same files with the same mtqa and
    settings into the same report, and that report is still there."""
    if not entry or any(entry.get(k) != v for k, v in fingerprint.items()):
        return False
    outcome = entry.get("outcome") or {}
    return outcome.get("verdict") in ("pass", "fail") and (outdir / fingerprint["report"]).is_file()


def render_state(articles: dict, files: Iterable[str] = ()) -> str:
    return json.dumps({"state_version": STATE_VERSION, "files": sorted(set(files)),
                       "articles": dict(sorted(articles.items()))}, ensure_ascii=False, indent=1) + "\n"


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


def foreign_file(outdir: Path, names: Iterable[str], owned: set[str]) -> str | None:
    """The first of `names` that exists in OUTDIR and that the state does not record as mtqa's."""
    for name in names:
        if name not in owned and os.path.lexists(outdir / name):
            return name
    return None


# ---------------------------------------------------------------- workers


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
        readable = [i for i in items if not isinstance(i, BaseException)]
        checked = iter(self.pipeline.check_many(readable, capture=True))
        return [self._outcome(job, item if isinstance(item, BaseException) else next(checked))
                for job, item in zip(jobs, items)]

    def _outcome(self, job: Job, result) -> ArticleOutcome:
        from mtqa.report import write_output

        if isinstance(result, BaseException):
            return _error_of(job, result)
        try:
            write_output(Path(self.config.outdir) / job.report, self.render(result, self.config.fail_on))
        except Exception as exc:
            return _error_of(job, exc)
        used = result.source.path if result.source is not None and result.bilingual is None else None
        return outcome_from_flags(job.item, used, job.report, result.flags, self.config.fail_on)


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


def chunk_size(articles: int, workers: int) -> int:
    """Articles per task: up to MAX_CHUNK, and at least four tasks per worker."""
    return max(1, min(MAX_CHUNK, articles // (workers * 4)))


# ---------------------------------------------------------------- the batch


@dataclass
class BatchResult:
    outcomes: list[ArticleOutcome]
    skipped: int                  # articles whose report was current (--resume)
    summary: dict


def _fingerprint(item: BatchItem, report: str, settings: str) -> dict:
    return {"target_sha256": sha256_bytes_of(item.target), "source_sha256": sha256_bytes_of(item.source),
            "mtqa_version": __version__, "settings": settings, "report": report}


def run_batch(items: Sequence[BatchItem], config: WorkerConfig, settings: dict, *, jobs: int, resume: bool,
              chunk: int | None = None,
              on_start: Callable[[int, int], None] = lambda total, skipped: None,
              on_done: Callable[[ArticleOutcome, bool], None] = lambda outcome, skipped: None,
              on_warning: Callable[[str], None] = lambda message: None) -> BatchResult:
    """Check `items` into config.outdir and write summary.json and summary.html there.

    on_start(total, skipped) is called once the workers are started; on_done(outcome, skipped)
    after each article (skipped: its report was current and it was not checked again). `chunk`:
    articles per task (default chunk_size()); the output does not depend on it.
    """
    import time

    from mtqa.report import write_output

    outdir = Path(config.outdir)
    lock = lock_outdir(outdir)
    try:
        return _run_locked(items, config, settings, outdir, jobs=jobs, resume=resume, chunk=chunk,
                           on_start=on_start, on_done=on_done, on_warning=on_warning, write_output=write_output,
                           clock=time.monotonic)
    finally:
        lock.close()


def _run_locked(items, config, settings, outdir, *, jobs, resume, chunk, on_start, on_done, on_warning,
                write_output, clock) -> BatchResult:
    from concurrent.futures import ProcessPoolExecutor, as_completed

    names = report_names(items, config.fmt)
    settings_id = settings_hash(settings)
    recorded, owned, warning = read_state(outdir)
    if warning and (resume or os.path.exists(outdir / STATE_FILE)):
        on_warning(warning)
    state = dict(recorded)
    foreign = foreign_file(outdir, [*names, SUMMARY_JSON, SUMMARY_HTML], owned)
    if foreign is not None:
        raise InputError(f"{visible(str(outdir / foreign))}: exists and was not written by mtqa batch (not recorded "
                         f"in {STATE_FILE}); move it away or choose another -o folder")
    # Claimed before any report is written: a batch killed at any point leaves only files that
    # its state records as mtqa's, and the next run may replace them.
    claimed = owned | {*names, SUMMARY_JSON, SUMMARY_HTML}
    saved = {"at": clock(), "pending": int(claimed != owned or not os.path.exists(outdir / STATE_FILE))}
    owned = claimed

    def save(force: bool = False) -> None:
        if not saved["pending"] or (not force and saved["pending"] < 500
                                    and clock() - saved["at"] < STATE_SAVE_SECONDS):
            return
        write_output(outdir / STATE_FILE, render_state(state, owned))
        saved["at"], saved["pending"] = clock(), 0

    save(force=True)

    done: list[ArticleOutcome] = []
    current: list[ArticleOutcome] = []
    todo: list[tuple[Job, dict]] = []
    for item, name in zip(items, names):
        fingerprint = _fingerprint(item, name, settings_id)
        entry = recorded.get(item.key)
        if resume and is_current(entry, fingerprint, outdir):
            current.append(ArticleOutcome.from_dict(entry["outcome"]))
        else:
            todo.append((Job(item, name), fingerprint))

    def finish(job: Job, fingerprint: dict, outcome: ArticleOutcome) -> None:
        previous = (state.get(job.item.key) or {}).get("outcome") or {}
        if outcome.verdict == "error" and previous.get("report") == job.report:
            # The report this batch wrote earlier no longer describes the article.
            (outdir / job.report).unlink(missing_ok=True)
        state[job.item.key] = state_entry(fingerprint, outcome)
        saved["pending"] += 1
        save()  # in batches: at most every STATE_SAVE_SECONDS (or 500 articles), and at the end
        done.append(outcome)
        on_done(outcome, False)

    try:
        return _run_jobs(items, config, outdir, todo, current, done, finish, jobs=jobs, chunk=chunk,
                         on_start=on_start, on_done=on_done, write_output=write_output,
                         pool_class=ProcessPoolExecutor, as_completed=as_completed)
    finally:
        save(force=True)  # also when interrupted: every finished article is recorded


def _run_jobs(items, config, outdir, todo, current, done, finish, *, jobs, chunk, on_start, on_done, write_output,
              pool_class, as_completed) -> BatchResult:
    workers = max(1, min(jobs, len(todo)))
    size = chunk or chunk_size(len(todo), workers)
    chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
    if workers == 1:
        on_start(len(items), len(current))
        for outcome in current:
            on_done(outcome, True)
        if todo:
            init_worker(config)
            for group in chunks:
                for (job, fingerprint), outcome in zip(group, _worker().check_group([job for job, _ in group])):
                    finish(job, fingerprint, outcome)
    else:
        # Workers are forked (Linux) before the progress display starts its thread.
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
    write_output(outdir / SUMMARY_JSON, render_summary_json(summary))
    write_output(outdir / SUMMARY_HTML, render_summary_html(summary))
    return BatchResult(rank_outcomes(outcomes), len(current), summary)


def worker_settings(config: WorkerConfig, checks: Sequence, model_id: str | None) -> dict:
    """The run settings a report depends on (hashed into the resume state)."""
    return {
        "format": config.fmt,
        "fail_on": config.fail_on,
        "checks": [c.name for c in checks],
        "unavailable": {c.name: reason for c in checks if (reason := c.unavailable())},
        "model": model_id,
        "device": config.device if config.model else None,
        "compute_type": config.compute_type if config.model else None,
        "beam_size": config.beam_size if config.model else None,
        "corpus": corpus_hash(config.candidates),
        "config": _config_fingerprint(config.config),
    }


def _config_fingerprint(cfg) -> str | None:
    """A hash of the configuration's values (not of where it was read from)."""
    if cfg is None:
        return None
    import dataclasses

    values = {f.name: getattr(cfg, f.name) for f in dataclasses.fields(cfg) if f.name != "path"}
    return hashlib.sha256(json.dumps(values, sort_keys=True, ensure_ascii=False, default=repr).encode()).hexdigest()


def output_collisions(inputs: Iterable[Path], outdir: Path, names: Iterable[str]) -> str | None:
    """The first input file that a report (or the summary, or the state) would overwrite."""
    real_inputs = {os.path.realpath(p) for p in inputs}
    for name in [*names, *sorted(RESERVED_NAMES)]:
        out = os.path.realpath(outdir / name)
        if out in real_inputs:
            return out
    return None


__all__ = ["ArticleOutcome", "BatchItem", "BatchResult", "Job", "WorkerConfig", "collect_inputs", "exit_status",
           "read_manifest", "report_names", "run_batch", "summary_dict"]
