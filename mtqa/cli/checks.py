"""`mtqa checks [NAME]`: the checks, what they catch and need, and (with NAME) their settings."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from mtqa.errors import EXIT_OK, InputError


def list_checks(
    name: Annotated[Optional[str], typer.Argument(help="Show this check's settings ([checks.NAME] in mtqa.toml).",
                                                  show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the declarations as JSON.")] = False,
) -> int:
    """List the checks: category, default severity, what each needs (a source, a model) and catches."""
    import json

    from rich.console import Console
    from rich.table import Table

    from mtqa.checks import REGISTRY
    from mtqa.checks.options import describe

    if name is not None and name not in REGISTRY:
        raise InputError(f"unknown check {name!r}; known checks: {', '.join(REGISTRY)}")
    rows = [describe(cls) for n, cls in REGISTRY.items() if name is None or n == name]
    if as_json:
        sys.stdout.write(json.dumps(rows if name is None else rows[0], ensure_ascii=False, indent=2) + "\n")
        return EXIT_OK
    console = Console(width=None if sys.stdout.isatty() else 120, highlight=False)
    if name is None:
        table = Table(show_lines=False, box=None, pad_edge=False)
        for column in ("name", "category", "severity", "needs", "catches"):
            table.add_column(column, overflow="fold", no_wrap=column != "catches")
        for row in rows:
            needs = ", ".join(what for what, flag in (("source", row["needs_source"]), ("model", row["needs_model"]))
                              if flag)
            if row["enabled_by"]:
                needs = ", ".join(filter(None, [needs, f"[checks.{row['name']}] {row['enabled_by']}"]))
            table.add_row(row["name"], row["category"], row["severity"], needs or "-", _first_sentence(row["description"]))
        console.print(table)
        console.print("`mtqa checks NAME` shows a check's settings; `mtqa init` writes them all into mtqa.toml.")
        return EXIT_OK
    row = rows[0]
    console.print(f"[bold]{row['name']}[/]  {row['category']}, default severity {row['severity']}")
    console.print(row["description"])
    table = Table(box=None, pad_edge=False)
    for column in ("setting", "type", "default", "help"):
        table.add_column(column, overflow="fold", no_wrap=column != "help")
    for s in row["settings"]:
        helptext = s["help"] + (f" (one of: {', '.join(map(str, s['choices']))})" if s["choices"] else "")
        table.add_row(s["name"], s["type"], json.dumps(s["default"], ensure_ascii=False), helptext)
    console.print(table)
    return EXIT_OK


def _first_sentence(text: str) -> str:
    """The docstring's first sentence (a docstring's first line can stop mid-sentence)."""
    import re

    flat = " ".join(text.split())
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z(])", flat)
    return flat[:match.start()] if match else flat
