"""Planning a batch: report file names, fingerprints and the resume state.

Every item gets a report file name (`report_names`) and a fingerprint of what its report depends
on (file hashes, mtqa version, run settings: `worker_settings`, `settings_hash`, `corpus_hash`),
so that `--resume` can skip the articles whose report is current (`load_state`, `is_current`);
the state is OUTDIR/.mtqa-batch.json (`render_state`), which also records the files mtqa batch
wrote or claimed there (`read_state`; any other file in the way is refused: `foreign_file`), with
the journal of a run (OUTDIR/.mtqa-batch.journal, one line per finished article: `journal_line`,
`read_journal`) on top of it until the run folds it in. `output_collisions` finds an input file
that an output would overwrite.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Sequence

from mtqa import __version__
from mtqa.core.escape import visible
from mtqa.errors import InputError
from mtqa.readers.manifest import BatchItem

if TYPE_CHECKING:
    from mtqa.batch.runner import WorkerConfig
    from mtqa.batch.summary import ArticleOutcome

STATE_VERSION = 1
STATE_FILE = ".mtqa-batch.json"
# During a run each finished article is appended to the journal, one JSON line (so that recording
# n articles costs O(n), not a rewrite of the whole state per save); the journal reaches the disk
# (fsync) at most this often, and at the end it is folded into the state file and removed.
JOURNAL_FILE = ".mtqa-batch.journal"
STATE_SAVE_SECONDS = 2.0
SUMMARY_JSON = "summary.json"
SUMMARY_HTML = "summary.html"
SUMMARY_XLSX = "summary.xlsx"       # with -f xlsx: the summary and every article's sheet in one workbook
RESERVED_NAMES = frozenset({STATE_FILE, JOURNAL_FILE, SUMMARY_JSON, SUMMARY_HTML, SUMMARY_XLSX})


def summary_names(fmt: str) -> list[str]:
    """The summary files a batch writes with report format `fmt`."""
    return [SUMMARY_JSON, SUMMARY_HTML] + ([SUMMARY_XLSX] if fmt == "xlsx" else [])


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
    from mtqa.readers.text import read_input_bytes

    try:  # bounded, regular files only: a FIFO or a device named in a manifest never blocks here
        return hashlib.sha256(read_input_bytes(path)).hexdigest()
    except (OSError, InputError):
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
    for key, entry in read_journal(outdir):  # the articles an interrupted run finished after its last save
        articles[key] = entry
        outcome = entry.get("outcome")
        if isinstance(outcome, dict) and outcome.get("report"):
            files.add(str(outcome["report"]))
    return articles, files, None


def journal_line(key: str, entry: dict) -> bytes:
    """One finished article as a line of the journal."""
    return (json.dumps({"key": key, "entry": entry}, ensure_ascii=False) + "\n").encode("utf-8")


def read_journal(outdir: Path) -> list[tuple[str, dict]]:
    """The (key, state entry) lines of OUTDIR's journal, in order; reading stops at the first line
    that is not a whole record (the last line of a run killed while writing it)."""
    try:
        with open(outdir / JOURNAL_FILE, "rb") as fh:
            data = fh.read()
    except OSError:
        return []
    out = []
    for line in data.split(b"\n")[:-1]:  # a last piece without its newline was never finished
        try:
            record = json.loads(line.decode("utf-8"))
            key, entry = record["key"], record["entry"]
        except (ValueError, KeyError, TypeError, RecursionError):
            break
        if not isinstance(key, str) or not isinstance(entry, dict):
            break
        out.append((key, entry))
    return out


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
    return outcome.get("verdict") in ("pass", "fail", "unchecked") and (outdir / fingerprint["report"]).is_file()


def render_state(articles: dict, files: Iterable[str] = ()) -> str:
    return json.dumps({"state_version": STATE_VERSION, "files": sorted(set(files)),
                       "articles": dict(sorted(articles.items()))}, ensure_ascii=False, indent=1) + "\n"


def foreign_file(outdir: Path, names: Iterable[str], owned: set[str]) -> str | None:
    """The first of `names` that exists in OUTDIR and that the state does not record as mtqa's."""
    for name in names:
        if name not in owned and os.path.lexists(outdir / name):
            return name
    return None


def _fingerprint(item: BatchItem, report: str, settings: str) -> dict:
    fingerprint = {"target_sha256": sha256_bytes_of(item.target), "source_sha256": sha256_bytes_of(item.source),
                   "mtqa_version": __version__, "settings": settings, "report": report}
    if item.back_translation is not None:  # a replayed back-translation is an input like the others
        fingerprint["back_translation_sha256"] = sha256_bytes_of(item.back_translation)
    return fingerprint



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
