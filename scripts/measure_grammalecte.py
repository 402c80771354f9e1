#!/usr/bin/env python3
"""Is Grammalecte a useful offline signal of garbled or ungrammatical French MT?

Runs Grammalecte (one process per file, JSON output, every rule on) over

  * the project corpora: corpora/fr/*.fr.txt with corpora/gold/*.gold.tsv, and the seed
    article (lines 3, 4, 9, 16 garbled or mistranslated; 1, 2, 5, 8, 11, 12, 15, 18 correct);
  * FLORES-200 dev: the human French fr.txt (taken as clean: the false-positive rate) and
    the four machine translations fr.mt-*.txt (bergamot-tiny is the weakest system).

and reports, per set, the share of lines with at least one error of each rule group
(grammar, confusion, repetition, punctuation, typography, unknown words) and of each
Grammalecte rule type, the non-typography rules that separate MT from human text, then
what mtqa's GrammarCheck (mtqa/checks/grammar.py, default configuration) flags: share of
lines at major-or-above and at any severity, corpus lines flagged against gold, timings.

FLORES lines are HTML-unescaped first (fr.mt-google.txt carries &#39; and &quot;).
Prints a markdown report; --out FILE writes it too.

    python scripts/measure_grammalecte.py --out docs/benchmarks/grammar.md.table
"""

from __future__ import annotations

import argparse
import csv
import html
import platform
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtqa.checks.base import CheckInput  # noqa: E402
from mtqa.checks.grammar import (  # noqa: E402
    GROUPS, TYPOGRAPHY_GROUP, GrammarCheck, available, drop_proper_noun_matches, executable_path, rule_base,
    run_grammalecte,
)
from mtqa.core.document import BODY, Document, Segment  # noqa: E402
from mtqa.core.flags import at_least  # noqa: E402
from mtqa.text.segment import segment_document  # noqa: E402

DEFAULT_FLORES = ROOT.parent / "shared" / "data" / "flores200-dev"
CORPORA = ROOT / "corpora"
SEED = "dagbladet-russland-nekter"
SEED_BAD = (3, 4, 9, 16)
SEED_GOOD = (1, 2, 5, 8, 11, 12, 15, 18)
FLORES_SETS = ("fr", "fr.mt-google", "fr.mt-microsoft", "fr.mt-bergamot-base-memory", "fr.mt-bergamot-tiny")
HUMAN = "fr"


def short(name: str) -> str:
    return "human" if name == HUMAN else name.removeprefix("fr.mt-")


def pct(n: int, total: int) -> str:
    return f"{100 * n / total:.1f}" if total else "-"


def table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


def line_segments(lines: list[str]) -> list[Segment]:
    return [Segment(index=i, line=i + 1, start=0, end=len(t), text=t, kind=BODY) for i, t in enumerate(lines)]


def read_gold(path: Path) -> dict[int, str]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as fh:
        return {int(r["line"]): r["categories"] for r in csv.DictReader(fh, delimiter="\t")}


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(fn, *args):
    """fn(*args), its wall seconds and the CPU seconds of the child processes it ran (Grammalecte)."""
    t0, c0 = time.perf_counter(), _child_cpu()
    result = fn(*args)
    return result, time.perf_counter() - t0, _child_cpu() - c0


def measure(lines: list[str], guard: bool = True) -> tuple[list[list], float, float]:
    """Raw Grammalecte errors per line (all rules on), proper-noun guard applied if asked."""
    errors, wall, cpu = timed(run_grammalecte, lines)
    if guard:
        errors = [drop_proper_noun_matches(text, errs) for text, errs in zip(lines, errors)]
    return errors, wall, cpu


def run_check(check: GrammarCheck, segments: list[Segment]) -> tuple[list, float, float]:
    return timed(lambda: list(check.run(CheckInput(target=segments))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flores", type=Path, default=DEFAULT_FLORES, help="flores200-dev folder")
    ap.add_argument("--out", type=Path, help="also write the markdown report here")
    ap.add_argument("--no-guard", action="store_true", help="raw counts: no proper-noun guard on grammar rules")
    args = ap.parse_args(argv)
    if not available():
        print("grammalecte-cli not found (apt-get install grammalecte-cli)", file=sys.stderr)
        return 2
    guard = not args.no_guard
    check = GrammarCheck()
    out: list[str] = []
    version = subprocess.run([executable_path(), "-lo"], capture_output=True, text=True).stdout
    version = next((ln for ln in version.splitlines() if ln.startswith("Grammalecte")), "Grammalecte ?")
    out.append(f"{version}, Python {platform.python_version()}, {platform.machine()}; "
               f"proper-noun guard on grammar rules: {'on' if guard else 'off'}.")
    out.append("")

    # ---- FLORES: every rule on -------------------------------------------------------------------
    sets: dict[str, list[str]] = {}
    for name in FLORES_SETS:
        path = args.flores / f"{name}.txt"
        if path.exists():
            sets[name] = [html.unescape(t) for t in path.read_text(encoding="utf-8").splitlines()]
    raw: dict[str, list[list]] = {}
    times: dict[str, tuple[float, float]] = {}
    for name, lines in sets.items():
        raw[name], *times[name] = measure(lines, guard)
    names = list(sets)
    if names:
        n = {s: len(sets[s]) for s in names}
        out.append("### FLORES-200 dev: % of lines with at least one error, by rule group (every rule on)")
        out.append("")
        rows = []
        for group in GROUPS:
            counts = {s: sum(any(e.group == group for e in errs) for errs in raw[s]) for s in names}
            if any(counts.values()):
                rows.append([group] + [pct(counts[s], n[s]) for s in names])
        nontypo = {s: sum(any(e.group not in (TYPOGRAPHY_GROUP, "spelling-cap") for e in errs) for errs in raw[s])
                   for s in names}
        rows.append(["any but typography and spelling-cap"] + [pct(nontypo[s], n[s]) for s in names])
        out += table(["group"] + [f"{short(s)} (n={n[s]})" for s in names], rows)
        out.append("")

        out.append("### FLORES-200 dev: % of lines flagged, by Grammalecte rule type (sType)")
        out.append("")
        type_lines = {s: Counter(t for errs in raw[s] for t in {(e.group, e.type) for e in errs}) for s in names}
        keys = sorted(set().union(*type_lines.values()), key=lambda k: (GROUPS.index(k[0]), -type_lines[names[-1]][k]))
        rows = [[t, g] + [pct(type_lines[s][(g, t)], n[s]) for s in names] for g, t in keys]
        out += table(["type", "group"] + [short(s) for s in names], rows)
        out.append("")

        if HUMAN in names:
            out.append("### Non-typography rules: lines flagged, human vs MT (all four systems pooled)")
            out.append("")
            mt = [s for s in names if s != HUMAN]
            rule_lines = {s: Counter(r for errs in raw[s] for r in {(e.group, rule_base(e.rule)) for e in errs
                                                                    if e.group not in (TYPOGRAPHY_GROUP,)})
                          for s in names}
            pooled = Counter()
            for s in mt:
                pooled.update(rule_lines[s])
            keys = sorted(set(pooled) | set(rule_lines[HUMAN]),
                          key=lambda k: -(pooled[k] / max(1, len(mt)) - rule_lines[HUMAN][k]))
            rows = []
            for g, r in keys[:25]:
                rows.append([f"`{r}`", g, rule_lines[HUMAN][(g, r)]] + [rule_lines[s][(g, r)] for s in mt])
            out += table(["rule", "group", "human"] + [short(s) for s in mt], rows)
            out.append("")
            out.append("(top 25 by mean MT lines minus human lines)")
            out.append("")

    # ---- GrammarCheck as configured -------------------------------------------------------------
    out.append(f"### mtqa GrammarCheck, default configuration (groups {', '.join(check.options.groups)}; "
               f"severity {dict(check.options.group_severity)})")
    out.append("")
    rows = []
    check_flags: dict[str, list] = {}
    for name, lines in sets.items():
        flags, wall, cpu = run_check(check, line_segments(lines))
        check_flags[name] = flags
        major = {f.line for f in flags if at_least(f.severity, "major")}
        anyf = {f.line for f in flags}
        same = anyf == {i for i, errs in enumerate(raw[name], 1) if any(e.group in check.options.groups for e in errs)}
        rows.append([short(name), len(lines), f"{len(major)} ({pct(len(major), len(lines))} %)",
                     f"{len(anyf)} ({pct(len(anyf), len(lines))} %)", "yes" if same else "**no**",
                     f"{times[name][0]:.1f} / {times[name][1]:.1f}", f"{wall:.1f} / {cpu:.1f}"])
    out += table(["set", "lines", "lines flagged ≥ major", "lines flagged (any)", "same lines as all-rules run",
                  "all rules: wall / CPU s", "check (typography off): wall / CPU s"], rows)
    out.append("")
    if HUMAN in check_flags and len(names) > 1:
        human = {f.line for f in check_flags[HUMAN]}
        rows = []
        for s in names[1:]:
            lines_s = {f.line for f in check_flags[s]}
            rows.append([short(s), len(lines_s - human), len(human - lines_s), len(lines_s & human)])
        out.append("Paired (same FLORES line): lines the check flags in MT only / in the human reference only / in both:")
        out.append("")
        out += table(["system", "MT only", "human only", "both"], rows)
        out.append("")

    # ---- corpora with gold ----------------------------------------------------------------------
    out.append("### Project corpora: mtqa segmentation + GrammarCheck, and raw non-typography errors per line")
    out.append("")
    rows = []
    details = []
    for path in sorted((CORPORA / "fr").glob("*.fr.txt")):
        stem = path.name.removesuffix(".fr.txt")
        text_lines = path.read_text(encoding="utf-8").splitlines()
        segs = segment_document(Document(str(path), tuple(text_lines)), "fr")
        flags, wall, cpu = run_check(check, segs)
        flagged = sorted({f.line for f in flags})
        gold = read_gold(CORPORA / "gold" / f"{stem}.gold.tsv")
        if stem == SEED:
            bad, good = set(SEED_BAD), set(SEED_GOOD)
        else:
            bad, good = set(gold), set(range(1, len(text_lines) + 1)) - set(gold)
        grammar_gold = {ln for ln, cats in gold.items() if "fluency/" in cats}
        hits = [ln for ln in flagged if ln in bad]
        fps = [ln for ln in flagged if ln in good]
        rows.append([stem, len(text_lines), ", ".join(map(str, sorted(bad))) or "-",
                     ", ".join(map(str, sorted(grammar_gold))) or "-", ", ".join(map(str, flagged)) or "-",
                     ", ".join(map(str, hits)) or "-", ", ".join(map(str, fps)) or "-", f"{wall:.2f} / {cpu:.2f}"])
        raw_lines, *_ = measure(text_lines, guard)
        for ln, errs in enumerate(raw_lines, 1):
            for e in errs:
                if e.group not in (TYPOGRAPHY_GROUP,):
                    details.append([stem, ln, e.group, f"`{rule_base(e.rule)}`", text_lines[ln - 1][e.start:e.end],
                                    "; ".join(e.suggestions[:2]) or "-", "yes" if ln in bad else "no"])
        for f in flags:
            details.append([stem, f.line, f"**check: {f.severity}**", f"`{f.evidence['rule']}`",
                            f.evidence["text"], "; ".join(f.evidence["suggestions"][:2]) or "-",
                            "yes" if f.line in bad else "no"])
    out += table(["file", "lines", "flawed lines (gold / seed brief)", "gold fluency lines", "check flags lines",
                  "flawed & flagged", "clean & flagged", "check wall / CPU s"], rows)
    out.append("")
    out.append("Every non-typography Grammalecte error in the corpora (unknown words included) and every check flag:")
    out.append("")
    details.sort(key=lambda r: (r[0], r[1], not r[2].startswith("**")))
    out += table(["file", "line", "group", "rule", "text", "suggestions", "line flawed?"], details)
    out.append("")

    report = "\n".join(out)
    print(report)
    if args.out:
        args.out.write_text(report + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
