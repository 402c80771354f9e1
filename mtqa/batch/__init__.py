"""`mtqa batch`: check a whole feed of articles, one report per article plus a ranked summary.

The pieces, from the edges in:

- inputs (`mtqa.readers.manifest`): a manifest (CSV with a `target` and `source` column, or
  JSONL with those keys) or folders and glob patterns (`read_manifest`, `collect_inputs`)
  become BatchItems;
- planning (`plan`): every item gets a report file name (`report_names`) and a fingerprint of
  what its report depends on (file hashes, mtqa version, run settings), so that `--resume` can
  skip the articles whose report is current (`load_state`, `is_current`);
- running (`runner`): `run_batch` checks the remaining articles in-process (jobs=1) or in a
  pool of worker processes, each of which builds the checks and loads the translation model
  once (`init_worker`) and takes the articles a few at a time, running Grammalecte once per
  group (`run_chunk`); workers write the reports themselves (atomically), the parent appends
  each finished article to a journal (OUTDIR/.mtqa-batch.journal) and folds it into
  OUTDIR/.mtqa-batch.json (atomically) at the end, so an interrupted batch resumes; the batch holds a lock on OUTDIR and refuses files there that its state does
  not record as mtqa's, and its workers die with it;
- summary (`summary`): `summary_dict` ranks the articles (errors, then worst severity, flags,
  path) and is byte-identical whatever the number of jobs; with `-f xlsx` summary.xlsx holds
  it and every article's sheet (`mtqa.report.xlsx_report.render_batch_xlsx`).

An article that cannot be checked (bad encoding, empty file, Grammalecte failing...) becomes a
row with verdict "error" and its one-line message; the batch goes on. `exit_status` is that of
the worst article: 3 internal error (a bug) > 2 input error > 1 fail at --fail-on > 0 pass.
"""

from mtqa.errors import EXIT_INTERNAL
from mtqa.readers.manifest import (
    JSONL_SUFFIXES, BatchItem, collect_inputs, parse_manifest_csv, parse_manifest_jsonl, read_manifest,
)
from mtqa.batch.plan import (
    JOURNAL_FILE, RESERVED_NAMES, STATE_FILE, STATE_SAVE_SECONDS, STATE_VERSION, SUMMARY_HTML, SUMMARY_JSON,
    SUMMARY_XLSX, corpus_hash, foreign_file, is_current, journal_line, load_state, output_collisions, read_journal,
    read_state, render_state, report_extension, report_names, settings_hash, sha256_bytes_of, state_entry,
    summary_names, worker_settings,
)
from mtqa.batch.summary import (
    SUMMARY_VERSION, VERDICT_RANK, ArticleOutcome, error_outcome, exit_status, minimal_summary_html,
    outcome_from_flags, rank_key, rank_outcomes, render_summary_html, render_summary_json, summary_dict,
)
from mtqa.batch.runner import (
    MAX_CHUNK, BatchResult, Job, OutdirLocked, WorkerConfig, WorkerFailed, chunk_size, init_worker, lock_outdir,
    run_batch, run_chunk,
)

__all__ = [
    "EXIT_INTERNAL", "JOURNAL_FILE", "JSONL_SUFFIXES", "MAX_CHUNK", "RESERVED_NAMES", "STATE_FILE", "STATE_SAVE_SECONDS",
    "STATE_VERSION", "SUMMARY_HTML", "SUMMARY_JSON", "SUMMARY_VERSION", "SUMMARY_XLSX", "VERDICT_RANK", "ArticleOutcome",
    "BatchItem",
    "BatchResult", "Job", "OutdirLocked", "WorkerConfig", "WorkerFailed", "chunk_size", "collect_inputs",
    "corpus_hash", "error_outcome", "exit_status", "foreign_file", "init_worker", "is_current", "journal_line", "load_state",
    "lock_outdir", "minimal_summary_html", "outcome_from_flags", "output_collisions", "parse_manifest_csv",
    "parse_manifest_jsonl", "rank_key", "rank_outcomes", "read_journal", "read_manifest", "read_state", "render_state",
    "render_summary_html", "render_summary_json", "report_extension", "report_names", "run_batch", "run_chunk",
    "settings_hash", "sha256_bytes_of", "state_entry", "summary_dict", "summary_names", "worker_settings",
]
