"""Check a bilingual file (XLIFF, TMX, PO, JSONL): its units come paired, so there is nothing to
retrieve and nothing to align. Pure over a BilingualDocument; reading it is mtqa.io.bilingual's job.
"""

from __future__ import annotations

from dataclasses import replace

from mtqa.checks import Check, build_checks
from mtqa.flags import UNTRANSLATED, Flag, sort_flags
from mtqa.io.bilingual import BilingualDocument, to_documents
from mtqa.pipeline import CheckResult, check_article

UNTRANSLATED_CHECK = "untranslated"  # the check whose selection and severity also govern empty targets


def check_bilingual(doc: BilingualDocument, checks: list[Check] | None = None, translator=None) -> CheckResult:
    """Check every unit's target against its source (line N of each side is unit N) and return the
    result with every flag carrying its unit's id, and `bilingual` set to `doc`.

    A unit with no translation has nothing to check: it is reported once, on its own unit, by the
    untranslated check (when selected), and its source is left out of the checked text so that no
    other check reports it as an omission next to a neighbouring unit.
    """
    checks = build_checks() if checks is None else checks
    source, target, ids = to_documents(doc)
    empty = {i for i, unit in enumerate(doc.units) if not unit.translated and unit.source.strip()}
    checked_source = replace(source, lines=tuple("" if i in empty else line for i, line in enumerate(source.lines)))
    result = check_article(target, checked_source, None, checks, translator, line_aligned=True)
    flags = [replace(f, unit=ids[f.line - 1]) if 1 <= f.line <= len(ids) else f for f in result.flags]
    untranslated = next((c for c in checks if c.name == UNTRANSLATED_CHECK), None)
    if untranslated is not None:
        for i in sorted(empty):
            flags.append(Flag(check=untranslated.name, category=UNTRANSLATED, severity=untranslated.severity,
                              line=i + 1, message="no translation: the unit's target is empty",
                              text="", source_text=source.lines[i], evidence={"target": "empty"}, unit=ids[i]))
    return replace(result, flags=sort_flags(flags), bilingual=doc)

