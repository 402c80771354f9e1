"""The human report: flagged segments with line, severity, category, message and the aligned source."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from mtqa.core.flags import SEVERITY_RANK, active, at_least, verdict
from mtqa.core.result import CheckResult

SEVERITY_STYLE = {"critical": "bold white on red", "major": "bold red", "minor": "yellow", "info": "dim"}


def _clip(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_report(result: CheckResult, console: Console, fail_on: str = "major", min_severity: str = "info") -> None:
    prov = result.provenance
    bilingual = getattr(result, "bilingual", None)
    if bilingual is not None:
        untranslated = sum(1 for u in bilingual.units if not u.translated)
        console.print(f"[bold]{escape(result.target.path)}[/]  {bilingual.format}, {len(bilingual.units)} units"
                      + (f" ({untranslated} untranslated)" if untranslated else "")
                      + f", {len(result.target_segments)} segments")
    else:
        console.print(f"[bold]{escape(result.target.path)}[/]  {len(result.target.lines)} lines, "
                      f"{len(result.target_segments)} segments")
    if prov.outlet:
        who = f", reporters: {escape(', '.join(prov.reporters))}" if prov.reporters else ""
        console.print(f"provenance: {escape(prov.outlet)} ({prov.source_language}), "
                      f"confidence {prov.confidence:.2f}{who}")
    else:
        console.print("provenance: no outlet found in credits")
    if result.retrieval is not None:
        r = result.retrieval
        if r.chosen:
            console.print(f"source: {escape(r.chosen.path)} (retrieved, confidence {r.confidence:.2f}: "
                          f"{escape(r.reason)})")
        else:
            console.print(f"source: none found ({escape(r.reason)}); source-free checks only")
    elif bilingual is not None:
        console.print("source: the file's own (each unit pairs a source with its translation)")
    elif result.source is not None:
        console.print(f"source: {escape(result.source.path)}")
    else:
        console.print("source: none given; source-free checks only (use --source or --corpus)")
    skipped = {k: v for k, v in result.checks_skipped.items() if "model" not in v}  # said once below
    if skipped:
        console.print("skipped checks: " + ", ".join(f"{k} ({v})" for k, v in skipped.items()), style="dim")
    bt = result.backtranslation
    if bt is None:
        from mtqa.core.result import NO_MODEL_REASON

        console.print(NO_MODEL_REASON, style="dim", soft_wrap=True)
    else:
        console.print(f"back-translation: {escape(bt.model)} ({bt.compute_type}); {bt.translated} translated, "
                      f"{bt.cache_hits} from cache", style="dim")

    shown = [f for f in result.flags if at_least(f.severity, min_severity)]
    last_line = None
    for f in shown:
        if f.line != last_line:
            console.print()
            where = f"line {f.line}"
            if f.unit is not None and bilingual is not None:  # the line where the unit starts in the file
                where = f"line {bilingual.units[f.line - 1].line}  unit {escape(f.unit)}"
            console.print(f"[bold]{where}[/]  [dim]{escape(_clip(f.text, 110) or '(no translation)')}[/]")
            last_line = f.line
        if f.suppressed is not None:  # reviewed and accepted: shown, dimmed, not counted
            console.print(f"  [dim]{f.severity:<8} {f.category:<24} {escape(f.message)}[/]", highlight=False)
            console.print(f"  {'':8} [dim]suppressed: {escape(f.suppressed)}[/]", highlight=False)
            continue
        console.print(f"  [{SEVERITY_STYLE[f.severity]}]{f.severity:<8}[/] {f.category:<24} {escape(f.message)}",
                      highlight=False)
        if f.source_text:
            console.print(f"  {'':8} [dim]source: {escape(_clip(f.source_text, 110))}[/]", highlight=False)
    console.print()
    counted = active(result.flags)
    counts = {s: sum(1 for f in counted if f.severity == s)
              for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.get, reverse=True)}
    lines = len({f.line for f in counted})
    outcome = verdict(result.flags, fail_on, result.checked)
    style = {"fail": "bold red", "unchecked": "bold yellow"}.get(outcome, "bold green")
    suppressed = len(result.flags) - len(counted)
    console.print(f"{len(counted)} flags on {lines} {'units' if bilingual is not None else 'lines'} ("
                  + ", ".join(f"{n} {s}" for s, n in counts.items() if n) + "); "
                  + (f"{suppressed} suppressed (not counted); " if suppressed else "")
                  + f"[{style}]{outcome}[/] at --fail-on {fail_on}"
                  + (f" ({result.unchecked_reason})" if outcome == "unchecked" else ""))


def render_text(result: CheckResult, fail_on: str = "major", min_severity: str = "info", width: int = 120) -> str:
    """The text report as a file holds it: the terminal report recorded at `width` columns, no colour."""
    import io

    console = Console(record=True, width=width, file=io.StringIO())  # recorded, not shown
    print_report(result, console, fail_on, min_severity)
    return console.export_text()
