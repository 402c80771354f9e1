"""The human report: flagged segments with line, severity, category, message and the aligned source."""

from __future__ import annotations

import re

from rich.console import Console
from rich.markup import escape as _markup_escape
from rich.text import Text

from mtqa.core.escape import visible

from mtqa.core.flags import SEVERITY_RANK, active, at_least, verdict
from mtqa.core.result import CheckResult

SEVERITY_STYLE = {"critical": "bold white on red", "major": "bold red", "minor": "yellow", "info": "dim"}


def escape(text: str) -> str:
    """User text (article, file name, message) for the console: control characters (ESC
    sequences, OSC 8/52) shown escaped, rich markup neutralised."""
    return _markup_escape(visible(str(text)))


def wrap_keeping_code(text: str, width: int, indent: str = "  ") -> list[str]:
    """`text` wrapped at words to `width` columns, continuation lines indented, never breaking a
    `backticked` command: a command cut in two cannot be copied. A word or command wider than
    the line gets a line of its own (the terminal folds it)."""
    tokens = re.findall(r"`[^`]*`\S*|\S+", text)
    lines: list[str] = []
    current = ""
    for token in tokens:
        candidate = f"{current} {token}" if current else token
        if current and len(candidate) > width:
            lines.append(current)
            current = indent + token
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _field(console: Console, label: str, value: str, style: str = "") -> None:
    """A header line "label: value" (value in rich markup, user text escaped), wrapped under its
    value (hanging indent) rather than back at column 0."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text(f"{label}:", style=style), Text.from_markup(value, style=style))
    console.print(grid)


def _clip(text: str, width: int = 160) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def print_report(result: CheckResult, console: Console, fail_on: str = "major", min_severity: str = "info",
                 quiet: bool = False) -> None:
    """The text report: a header (file, provenance, source), each flagged segment in full with its
    flagged spans marked, its flags (hanging indent at the console's width) and what to do, then
    the summary line. `quiet`: the header and the summary line only."""
    prov = result.provenance
    bilingual = getattr(result, "bilingual", None)
    if bilingual is not None:
        untranslated = sum(1 for u in bilingual.units if not u.translated)
        console.print(f"[bold]{escape(result.target.path)}[/]  {bilingual.format}, {_n(len(bilingual.units), 'unit')}"
                      + (f" ({untranslated} untranslated)" if untranslated else "")
                      + f", {_n(len(result.target_segments), 'segment')}")
    else:
        console.print(f"[bold]{escape(result.target.path)}[/]  {_n(len(result.target.lines), 'line')}, "
                      f"{_n(len(result.target_segments), 'segment')}")
    if prov.outlet:
        who = f", reporters: {escape(', '.join(prov.reporters))}" if prov.reporters else ""
        _field(console, "provenance", f"{escape(prov.outlet)} ({prov.source_language}), "
                                      f"confidence {prov.confidence:.2f}{who}")
    else:
        _field(console, "provenance", "no outlet found in credits")
    if result.retrieval is not None:
        r = result.retrieval
        if r.chosen:
            _field(console, "source", f"{escape(r.chosen.path)} (retrieved, confidence {r.confidence:.2f}: "
                                      f"{escape(r.reason)})")
        else:
            _field(console, "source", f"none found ({escape(r.reason)}); source-free checks only")
    elif bilingual is not None:
        _field(console, "source", "the file's own (each unit pairs a source with its translation)")
    elif result.source is not None:
        _field(console, "source", escape(result.source.path))
    else:
        _field(console, "source", "none given; source-free checks only (use --source or --corpus)")
    skipped = {k: v for k, v in result.checks_skipped.items() if "model" not in v}  # said once below
    if skipped:
        _field(console, "skipped checks", ", ".join(f"{escape(k)} ({escape(v)})" for k, v in skipped.items()),
               style="dim")
    bt = result.backtranslation
    if bt is None:
        from mtqa.core.result import NO_MODEL_REASON

        for line in wrap_keeping_code(NO_MODEL_REASON, console.width):
            console.print(line, style="dim", soft_wrap=True, highlight=False, markup=False)
    else:
        console.print(f"back-translation: {escape(bt.model)} ({bt.compute_type}); {bt.translated} translated, "
                      f"{bt.cache_hits} from cache", style="dim")

    shown = [f for f in result.flags if at_least(f.severity, min_severity)]
    if not quiet:
        _print_flags(result, console, shown, bilingual)
    console.print()
    counted = active(result.flags)
    counts = {s: sum(1 for f in counted if f.severity == s)
              for s in sorted(SEVERITY_RANK, key=SEVERITY_RANK.__getitem__, reverse=True)}
    lines = len({f.line for f in counted})
    outcome = verdict(result.flags, fail_on, result.checked)
    style = {"fail": "bold red", "unchecked": "bold yellow"}.get(outcome, "bold green")
    suppressed = len(result.flags) - len(counted)
    where = "unit" if bilingual is not None else "line"
    by_severity = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    console.print((f"{_n(len(counted), 'flag')} on {_n(lines, where)} ({by_severity}); " if counted else "no flags; ")
                  + (f"{suppressed} suppressed (not counted); " if suppressed else "")
                  + f"[{style}]{outcome}[/] at --fail-on {fail_on}"
                  + (f" ({result.unchecked_reason})" if outcome == "unchecked" else ""))


# What to do about a flag, by category: one short line for the person fixing the translation.
ADVICE = {
    "accuracy/mistranslation": "retranslate from the source",
    "accuracy/omission": "translate what is missing",
    "accuracy/addition": "delete what the source does not say",
    "accuracy/untranslated": "translate the Norwegian left in",
    "accuracy/number": "copy the source's figure, in French format",
    "accuracy/named-entity": "keep the original name",
    "accuracy/do-not-translate": "copy the source's URL, address, @handle or #tag unchanged",
    "fluency/grammar": "fix the grammar",
    "fluency/garbled": "retranslate the sentence",
    "fluency/markup": "put the placeholders and tags back as in the source",
    "fluency/punctuation": "punctuate as the source does",
    "fluency/capitalization": "restore the capital",
    "style/kicker": "drop the caps label or rewrite it in French",
    "style/rule": "follow the project rule",
    "locale/quotation": "use « … » with non-breaking spaces",
    "locale/typography": "fix the spaces",
    "terminology": "use the termbase's or the article's rendering",
    "non-content/boilerplate": "delete the line",
}
MAX_SHOWN = 2000      # characters of a segment shown around its flagged spans


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _spans(result: CheckResult, flags) -> tuple[str, list[tuple[int, int]]]:
    """The segment text and its flagged spans, as offsets in that text (whole-segment spans left out)."""
    text = flags[0].text
    segment = flags[0].segment
    start = 0
    if segment is not None and 0 <= segment < len(result.target_segments):
        start = result.target_segments[segment].start
    spans = []
    for f in flags:
        if not f.span:
            continue
        a, b = max(0, f.span[0] - start), min(len(text), f.span[1] - start)
        if 0 <= a < b and (a, b) != (0, len(text)):
            spans.append((a, b))
    merged: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return text, merged


def marked_segment(text: str, spans: list[tuple[int, int]], plain: bool) -> Text:
    """`text` with `spans` marked: [[…]] in a file, bold underline at a terminal. A very long
    segment is shown around its spans (…), never cutting one."""
    lo, hi = 0, len(text)
    if len(text) > MAX_SHOWN:
        if spans:
            lo = max(0, spans[0][0] - 200)
            hi = min(len(text), max(spans[-1][1] + 200, lo + MAX_SHOWN))
        else:
            hi = MAX_SHOWN
    out = Text("…" if lo > 0 else "")
    pos = lo
    for a, b in spans:
        if b <= lo or a >= hi:
            continue
        out.append(visible(text[pos:a]))
        if plain:
            out.append("[[" + visible(text[a:b]) + "]]")
        else:
            out.append(visible(text[a:b]), style="bold underline")
        pos = b
    out.append(visible(text[pos:hi]))
    if hi < len(text):
        out.append("…")
    return out


def _print_flags(result: CheckResult, console: Console, shown, bilingual) -> None:
    from rich.padding import Padding
    from rich.table import Table

    from mtqa.core.flags import SEGMENT_HASH_CHARS, segment_hash

    plain = not (console.is_terminal and console.color_system)
    groups: dict[tuple, list] = {}
    for f in shown:
        groups.setdefault((f.line, f.segment if f.segment is not None else -1, f.text), []).append(f)
    for (line, _, text), flags in groups.items():
        console.print()
        f0 = flags[0]
        where = f"line {line}"
        if f0.unit is not None and bilingual is not None:  # the line where the unit starts in the file
            where = f"line {bilingual.units[line - 1].line}  unit {escape(f0.unit)}"
        count = f"{_n(len(flags), 'flag')}"
        console.print(f"[bold]{where}[/]  {count}  [dim]segment {segment_hash(text)[:SEGMENT_HASH_CHARS]}[/]",
                      highlight=False)
        body, spans = _spans(result, flags)
        console.print(Padding(marked_segment(body, spans, plain) if body else Text("(no translation)"), (0, 0, 0, 2),
                              expand=False), highlight=False)
        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=8, no_wrap=True)
        grid.add_column(no_wrap=True, min_width=25)
        grid.add_column(overflow="fold")
        for f in flags:
            message = Text(visible(f.message))
            advice = ADVICE.get(f.category) or ADVICE.get(f.category.split("/")[0])
            if f.suppressed is not None:  # reviewed and accepted: shown, dimmed, not counted
                grid.add_row(Text(f.severity, style="dim"), Text(f.category, style="dim"),
                             Text(message.plain, style="dim"))
                grid.add_row("", "", Text(f"suppressed: {visible(f.suppressed)}", style="dim"))
                continue
            if advice:
                message.append(f"  → {advice}", style="dim")
            grid.add_row(Text(f.severity, style=SEVERITY_STYLE[f.severity]), Text(f.category), message)
        sources = list(dict.fromkeys(f.source_text for f in flags if f.source_text))
        console.print(Padding(grid, (0, 0, 0, 2), expand=False))
        if sources:
            source_grid = Table.grid(padding=(0, 1))
            source_grid.add_column(no_wrap=True)
            source_grid.add_column(overflow="fold")
            for source in sources:
                source_grid.add_row(Text("source:", style="dim"),
                                    Text(visible(source[:MAX_SHOWN]) + ("…" if len(source) > MAX_SHOWN else ""),
                                         style="dim"))
            console.print(Padding(source_grid, (0, 0, 0, 2), expand=False))


def render_text(result: CheckResult, fail_on: str = "major", min_severity: str = "info", width: int = 120,
                quiet: bool = False) -> str:
    """The text report as a file holds it: the terminal report recorded at `width` columns, no colour,
    flagged spans marked [[like this]]."""
    import io

    console = Console(record=True, width=width, file=io.StringIO())  # recorded, not shown
    print_report(result, console, fail_on, min_severity, quiet)
    return "".join(line.rstrip() + "\n" for line in console.export_text().splitlines())
