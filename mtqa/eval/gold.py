"""Measuring mtqa against a corpora/ gold file: a French file, its Norwegian source and a TSV of flawed lines.

Gold categories are flag categories (`read_gold`); `evaluate_gold` and `evaluate_gold_many`
check the files through mtqa.pipeline and score them as `mtqa.eval.score` does injected sets.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Sequence

from mtqa.core.flags import CATEGORIES as FLAG_CATEGORIES, SEVERITIES
from mtqa.errors import InputError
from mtqa.eval.inject import data_digest, read_lines
from mtqa.eval.run import CheckedDocument, _resolve_checks, _run_documents
from mtqa.eval.score import EvalReport, signature


def read_gold(path: Path | str) -> dict[int, frozenset[str]]:
    """A corpora/gold TSV: line -> flag categories (flawed lines only)."""
    from mtqa.readers import read_text

    text, _ = read_text(path)
    rows = text.split("\n")
    out: dict[int, frozenset[str]] = {}
    header = rows[0].split("\t")
    if header[:2] != ["line", "categories"]:
        raise InputError(f"{path}: not a gold file (expected the header 'line<TAB>categories<TAB>note')")
    for k, row in enumerate(rows[1:], start=2):
        if not row.strip():
            continue
        cols = row.split("\t")
        number = cols[0].strip()
        if len(cols) < 2 or not (number.isascii() and number.isdigit()):
            raise InputError(f"{path}:{k}: expected 'line<TAB>categories<TAB>note'")
        if len(number) > 9:  # a line number, not thousands of digits (int() would refuse them)
            raise InputError(f"{path}:{k}: line number {number[:12]}... is out of range")
        cats = frozenset(c for c in cols[1].split(",") if c)
        unknown = sorted(cats - set(FLAG_CATEGORIES))
        if unknown:
            raise InputError(f"{path}:{k}: unknown categor{'ies' if len(unknown) > 1 else 'y'} {', '.join(unknown)}")
        out[int(number)] = out.get(int(number), frozenset()) | cats
    return out


def evaluate_gold(fr_path, nb_path, gold_path, checks=None, min_severity: str = "minor", *,
                  translator=None) -> EvalReport:
    """Line-level scores of mtqa on a French file against a corpora/ gold file.

    Gold categories are flag categories: a gold line of category c is detected by a flag of
    category c on that line. Lines not in the gold file are clean (untouched).
    """
    return evaluate_gold_many([(fr_path, nb_path, gold_path)], checks, min_severity, translator=translator)


def evaluate_gold_many(triples: Sequence[tuple], checks=None, min_severity: str = "minor", *,
                       translator=None) -> EvalReport:
    """`evaluate_gold` over several (fr, nb, gold) files, scores summed over the files."""
    if min_severity not in SEVERITIES:
        raise ValueError(f"unknown severity {min_severity!r}")
    checks = _resolve_checks(checks)
    t0 = time.perf_counter()
    docs = []
    for fr_path, nb_path, gold_path in triples:
        fr_lines, nb_lines = read_lines(fr_path), read_lines(nb_path)
        gold = read_gold(gold_path)
        beyond = [ln for ln in gold if not 1 <= ln <= len(fr_lines)]
        if beyond:
            raise InputError(f"{gold_path}: line {beyond[0]} is beyond the {len(fr_lines)} lines of {fr_path}")
        flags, run, skipped, seconds = _run_documents([(Path(fr_path).name, nb_lines, fr_lines)], checks, None,
                                                      translator)[0]
        docs.append(CheckedDocument(Path(fr_path).name, tuple(FLAG_CATEGORIES), len(fr_lines), gold, flags, run,
                                    skipped, seconds, targets={ln: fr_lines[ln - 1] for ln in gold}))
    cats = [c for c in FLAG_CATEGORIES if any(c in labels for d in docs for labels in d.labels.values())
            or any(f.category == c for d in docs for f in d.flags)]
    config = {"data": ",".join(str(g) for _, _, g in triples),
              "data_sha256": data_digest(*[p for t in triples for p in t]), "min_severity": min_severity}
    checks_run = docs[0].checks_run if docs else [c.name for c in checks]
    return EvalReport("gold", signature("gold", config, checks_run), config, cats,
                      {c: {c} for c in FLAG_CATEGORIES}, docs, min_severity, time.perf_counter() - t0)
