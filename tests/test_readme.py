"""The README says what the code does: its checks table is the registry."""

from __future__ import annotations

import re

from conftest import REPO
from mtqa.checks import REGISTRY


def _section(text: str, heading: str) -> list[str]:
    start = text.index(heading)
    end = text.find("\n#", start + len(heading))
    return text[start:end if end != -1 else None].splitlines()


def test_the_checks_table_lists_every_registered_check_once_in_registry_order():
    lines = _section((REPO / "README.md").read_text(encoding="utf-8"), "### Checks")
    rows = [i for i, line in enumerate(lines) if line.startswith("|")]
    assert rows == list(range(rows[0], rows[-1] + 1)), "the table is one block: no blank line between rows"
    names = [m.group(1) for line in lines if (m := re.match(r"\| ([a-z][a-z-]*) \|", line)) and m.group(1) != "name"]
    assert names == list(REGISTRY)


def test_the_checks_table_gives_each_check_its_category():
    lines = _section((REPO / "README.md").read_text(encoding="utf-8"), "### Checks")
    for line in lines:
        cells = [c.strip() for c in line.strip("|").split("|")]
        if cells[0] in REGISTRY:
            category = REGISTRY[cells[0]].category
            assert category in cells[1] or cells[1].endswith("/*"), (cells[0], category, cells[1])
