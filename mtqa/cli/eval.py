"""`mtqa eval`: measure the checks on injected errors, gold files and real MT outputs.

Mounted by mtqa.cli as `app.command("eval")(eval_cmd)`. Standard output is deterministic for
given options and data (tables and a signature line); the time taken goes to standard error
and to the "timings" object of --json.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from mtqa.cli.options import DisableOption, EnableOption, Severity, _split
from mtqa.errors import EXIT_OK, InputError


def _fmt(x: float | None, digits: int = 3) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _console() -> Console:
    # A fixed width when not on a terminal, so that piped output is the same everywhere.
    width = None if sys.stdout.isatty() else 132
    return Console(width=width, highlight=False, soft_wrap=True)


def scores_table(view, title: str, fp_column: str) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in ("category", "support", "TP", "FP", "FN", "precision", "recall", "F1", "recall any flag", fp_column):
        table.add_column(name, justify="left" if name == "category" else "right")
    for r in view.rows:
        table.add_row(r.category, str(r.support), str(r.tp), str(r.fp), str(r.fn), _fmt(r.precision),
                      _fmt(r.recall), _fmt(r.f1), _fmt(r.recall_any), _fmt(r.fp_rate))
    micro = view.micro
    table.add_section()
    table.add_row("micro (categories)", str(micro["tp"] + micro["fn"]), str(micro["tp"]), str(micro["fp"]),
                  str(micro["fn"]), _fmt(micro["precision"]), _fmt(micro["recall"]), _fmt(micro["f1"]), "", "")
    a = view.any_flag
    table.add_row("any flag, line level", str(a.support), str(a.tp), str(a.fp), str(a.fn), _fmt(a.precision),
                  _fmt(a.recall), _fmt(a.f1), _fmt(a.recall_any), _fmt(a.fp_rate))
    return table


def print_report(report, console: Console) -> None:
    labelled = "damaged" if report.kind == "inject" else "gold-flawed"
    for threshold, view in report.views.items():
        title = (f"{'Injected errors' if report.kind == 'inject' else 'Gold'}: flags at >= {threshold}"
                 f" (macro F1 {_fmt(view.macro_f1)}; FP rate on untouched lines {_fmt(view.any_flag.fp_rate)}"
                 f" = {view.any_flag.untouched_flagged}/{view.any_flag.untouched})")
        console.print(scores_table(view, title, "FP rate (set)" if report.kind == "inject" else "FP rate (doc)"))
    fp_lines = ("untouched lines of the set" if report.kind == "inject"
                else "lines not labelled with the category (clean or labelled otherwise)")
    console.print(f"support: {labelled} lines; TP/FN: those flagged / not flagged with a detecting category; "
                  f"FP: {fp_lines} flagged with it; recall any flag: flagged with anything; FP rate: untouched "
                  "lines with any flag.")
    if report.kind == "inject":
        console.print("detecting categories: " + "; ".join(
            f"{c} = {'+'.join(sorted(report.detects[c]))}" for c in report.categories))
        sizes = ", ".join(f"{c} {report.config['damaged'][c]}/{report.config['eligible'][c]}"
                          for c in report.categories)
        console.print(f"damaged/eligible lines per set (of {max(report.config['lines'].values())}): {sizes}")
        alignment = report.alignment
        if alignment is None:
            console.print("alignment: line N paired with line N (--pair-lines: the checks alone, not what "
                          "`mtqa check` does)")
        else:
            per_doc = ", ".join(f"{name} {a['f1']:.3f}" for name, a in alignment["documents"].items())
            total = alignment["all"]
            right = (f"; damaged lines aligned as their own line pair: {total['damaged_right']}/"
                     f"{total['damaged_lines']}" if "damaged_lines" in total else "")
            console.print(f"alignment: mtqa's aligner; bead F1 under damage (gold line N <-> line N, beads joined "
                          f"per line pair) {total['f1']:.3f} (P {total['precision']:.3f}, R {total['recall']:.3f})"
                          f"{right}; per set: {per_doc}")
    skipped = report.docs[0].checks_skipped if report.docs else {}
    if skipped:
        console.print("checks skipped: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()))


def print_systems(systems, console: Console) -> None:
    kind = systems.rows[0].score_kind if systems.rows else "flags"
    score = ("quality score (estimated sentence chrF, 0-100)" if kind == "quality"
             else "lexical coverage (0-1) - (minor 1, major 5, critical 10) per line")
    table = Table(title=f"Real MT outputs against nb.txt ({'line N with line N' if systems.line_aligned else 'through the aligner'}; "
                        f"score = {score}; Kendall tau-b and Pearson: line score vs sentence chrF against fr.txt; bad: chrF < 30)",
                  title_justify="left")
    for name in ("system", "lines", "corpus chrF", "mean score", "Kendall tau-b", "Pearson", "bad", "major share",
                 "recall major", "prec. major", "recall minor", "quality recall major"):
        table.add_column(name, justify="left" if name == "system" else "right")
    for r in systems.rows:
        d = r.detection
        table.add_row(r.system, str(r.lines), _fmt(r.corpus_chrf, 1), _fmt(r.mean_score), _fmt(r.tau_b),
                      _fmt(r.pearson), "" if r.bad_lines is None else str(r.bad_lines),
                      _fmt(r.lines_flagged_major / r.lines), _fmt(d.get("any/major", {}).get("recall")),
                      _fmt(d.get("any/major", {}).get("precision")), _fmt(d.get("any/minor", {}).get("recall")),
                      _fmt(d.get("quality/major", {}).get("recall")))
    console.print(table)
    cats = sorted({c for r in systems.rows for c in r.per_category})
    per_cat = Table(title="Lines flagged per category (minor/major/critical)", title_justify="left")
    per_cat.add_column("category")
    for r in systems.rows:
        per_cat.add_column(r.system, justify="right")
    for c in cats:
        per_cat.add_row(c, *["/".join(str(r.per_category_severity.get(c, {}).get(v, 0))
                                      for v in ("minor", "major", "critical")) for r in systems.rows])
    console.print(per_cat)
    worst = systems.worst
    console.print(f"most flags per line: {worst['most_flags_per_line']}; lowest mean score: "
                  f"{worst['lowest_mean_score']}; systems by corpus chrF: {', '.join(worst['order_by_corpus_chrf'])}; "
                  f"by mean score: {', '.join(worst['order_by_mean_score'])} "
                  f"({'same order' if worst['mean_score_orders_like_chrf'] else 'different order'})")
    console.print(f"chrF: {systems.chrf_signature}")


def _gold_triples(gold: list[Path], fr: Path | None, nb: Path | None) -> list[tuple[Path, Path, Path]]:
    if (fr is None) != (nb is None):
        raise InputError("--fr and --nb go together (or leave both out to use the corpora/ layout)")
    if fr is not None and nb is not None:  # (one given without the other was refused above)
        if len(gold) != 1:
            raise InputError("--fr/--nb name the files of one --gold file")
        return [(fr, nb, gold[0])]
    triples = []
    for g in gold:
        stem = g.name.removesuffix(".gold.tsv")
        root = g.resolve().parent.parent
        fr_path, nb_path = root / "fr" / f"{stem}.fr.txt", root / "nb" / f"{stem}.nb.txt"
        if not fr_path.is_file() or not nb_path.is_file():
            raise InputError(f"{g}: give --fr and --nb (no {fr_path} and {nb_path} beside it)")
        triples.append((fr_path, nb_path, g))
    return triples


def eval_cmd(
    flores: Annotated[Optional[Path], typer.Option("--flores", help="FLORES-200 dev folder with nb.txt, fr.txt and "
                                                   "fr.mt-*.txt (default: ../shared/data/flores200-dev beside the "
                                                   "mtqa repository).")] = None,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Seed of the error injection (default 0).")] = None,
    rate: Annotated[Optional[float], typer.Option("--rate", min=0.0, max=1.0,
                                                  help="Share of the eligible lines damaged (default 0.5).")] = None,
    category: Annotated[Optional[list[str]], typer.Option("--category", help="Injected categories to measure "
                                                          "(repeat or comma-separate; default all).")] = None,
    gold: Annotated[Optional[list[Path]], typer.Option("--gold", help="Measure against a corpora/ gold TSV instead "
                                                       "of injected errors (repeatable).")] = None,
    fr: Annotated[Optional[Path], typer.Option("--fr", help="French file of --gold (default: corpora/fr/<stem>.fr.txt).")] = None,
    nb: Annotated[Optional[Path], typer.Option("--nb", help="Norwegian source of --gold (default: corpora/nb/<stem>.nb.txt).")] = None,
    min_severity: Annotated[Severity, typer.Option("--min-severity", help="A flag counts when at least this "
                                                       "severity (the major view is shown too).")] = Severity.minor,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the results to FILE (atomically).")] = None,
    systems: Annotated[bool, typer.Option("--systems", help="Also check real MT outputs against nb.txt (default: "
                                          "every file of FLORES/mt-nb-fr/): flags per category and severity, "
                                          "Kendall tau-b and Pearson of the segment score against sentence chrF, "
                                          "recall/precision of chrF < 30 lines.")] = False,
    systems_dir: Annotated[Optional[Path], typer.Option("--systems-dir", help="Folder of system files (one French "
                                                        "line per nb.txt line; default FLORES/mt-nb-fr).")] = None,
    enable: EnableOption = None,
    disable: DisableOption = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Parallel Grammalecte processes "
                                                "(default: one per CPU; results do not depend on it).")] = None,
    pair_lines: Annotated[bool, typer.Option("--pair-lines", help="Diagnostic: pair line N of the French with line N "
                                             "of the Norwegian instead of running the aligner (measures the checks "
                                             "alone; the default measures what `mtqa check` does).")] = False,
    aligner: Annotated[bool, typer.Option("--aligner", hidden=True,
                                          help="The default now (kept for old scripts).")] = False,
) -> int:
    """Measure the checks: line-level precision, recall and F1 on injected errors (or a gold file),
    the false-positive rate on untouched lines, and (--systems) how flags track chrF on real MT."""
    import json

    from mtqa import eval as ev
    from mtqa.checks import build_checks
    from mtqa.report import write_output

    t0 = time.perf_counter()
    if pair_lines and aligner:
        raise InputError("--pair-lines and --aligner contradict each other (the aligner is the default)")
    try:
        checks = build_checks(_split(enable), _split(disable))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    flores_dir = flores if flores is not None else ev.default_flores_dir()
    categories = _split(category)
    for c in categories:
        if c not in ev.CATEGORIES:
            raise InputError(f"unknown category {c!r}; known: {', '.join(ev.CATEGORIES)}")
    if gold:
        if categories or seed is not None or rate is not None:
            raise InputError("--category, --seed and --rate apply to injected errors, not to --gold")
        for p in [*gold, fr, nb]:
            if p is not None and not p.is_file():
                raise InputError(f"{p}: no such file")
        report = ev.evaluate_gold_many(_gold_triples(list(gold), fr, nb), checks, min_severity.value)
    else:
        if fr is not None or nb is not None:
            raise InputError("--fr and --nb go with --gold")
        if not flores_dir.is_dir():
            raise InputError(f"{flores_dir}: FLORES folder not found (give --flores DIR)")
        sets = ev.build_eval_set(flores_dir, seed=0 if seed is None else seed, rate=0.5 if rate is None else rate,
                                 categories=categories or None)
        report = ev.evaluate(sets, checks, min_severity.value, jobs=jobs, line_aligned=pair_lines)
    if systems:
        report.systems = ev.evaluate_systems(flores_dir, checks, jobs=jobs, line_aligned=pair_lines,
                                             systems_dir=systems_dir)
    if json_out is not None:
        inputs = [p for p in [*(gold or []), fr, nb] if p is not None]
        data = report.to_dict()
        data["timings"]["command_wall_seconds"] = round(time.perf_counter() - t0, 2)
        write_output(json_out, json.dumps(data, ensure_ascii=False, indent=2) + "\n", protected=inputs)
    console = _console()
    print_report(report, console)
    if report.systems is not None:
        print_systems(report.systems, console)
    console.print(f"signature: {report.signature}")
    timing = report.timings
    print(f"mtqa eval: {time.perf_counter() - t0:.1f} s wall ({timing['lines_checked']} lines checked in "
          f"{timing['check_seconds_total']:.1f} s)", file=sys.stderr)
    return EXIT_OK
