"""One flag per problem: flags of different checks on the same span become one.

Pure over flags (the pipeline calls `merge_flags` once, after the checks ran):

- two checks on the same span of a line report one problem twice ("Se mer" as interface text and
  as an inconsistent rendering; a kicker flagged as a kicker and as a word sense): the most severe
  flag stays, the others become its evidence (`evidence["merged"]`);
- flags of the same category whose spans overlap, one of them narrower than the segment, are one
  problem too (the kicker flag and the word-sense flag on the kicker, both `style/kicker`);
- a segment that must be deleted (a teaser, a credit, a hashtag line, an interface label: a
  boilerplate flag covering the whole segment) collects no style flags (kicker, quotation marks,
  grammar, terminology): they go into the boilerplate flag's evidence;
- a segment left in Norwegian (an untranslated flag covering it) collects no other flag but a
  boilerplate one: checks that read it as French ("ikke" is no French negation, so "the
  translation is not negated") describe the same problem, and "translate it" mends them all.

Whole-segment flags stay apart: of different categories they are different problems (a changed
number and a lost negation), of one category they are different measures of it (coverage and
back-translation both finding a meaning change), each with its own evidence.
"""

from __future__ import annotations

from dataclasses import replace

from mtqa.core.flags import (BOILERPLATE, GARBLED, GRAMMAR, KICKER, QUOTATION, SEVERITY_RANK, TERMINOLOGY,
                             UNTRANSLATED, Flag)

STYLE_CATEGORIES = frozenset({str(KICKER), str(QUOTATION), str(GRAMMAR), str(TERMINOLOGY), str(GARBLED)})


def _span(f: Flag) -> tuple[int, int]:
    return f.span if f.span is not None else (0, len(f.text))


def _whole(f: Flag) -> bool:
    start, end = _span(f)
    return end - start >= len(f.text.strip())


def _overlap(a: Flag, b: Flag) -> bool:
    (s1, e1), (s2, e2) = _span(a), _span(b)
    return s1 < e2 and s2 < e1


def _same_segment(a: Flag, b: Flag) -> bool:
    if a.segment is not None and b.segment is not None:
        return a.segment == b.segment
    return a.text == b.text


def _same_problem(a: Flag, b: Flag) -> bool:
    if a.check == b.check or a.line != b.line or a.suppressed != b.suppressed:
        return False
    if _span(a) == _span(b) and not (_whole(a) and _whole(b)):
        return True  # one narrow span reported by two checks
    if a.category == b.category and _overlap(a, b) and not (_whole(a) and _whole(b)):
        return True  # a narrow flag inside a wider one of the same category (kicker / word sense on it)
    copied, other = (a, b) if a.category == UNTRANSLATED else (b, a)
    if (copied.category == UNTRANSLATED and _whole(copied) and other.category != BOILERPLATE
            and _same_segment(copied, other)):
        return True  # a segment left untranslated: the other checks read Norwegian as French
    deleted, other = (a, b) if a.category == BOILERPLATE else (b, a)
    return (deleted.category == BOILERPLATE and _whole(deleted) and other.category in STYLE_CATEGORIES
            and _span(deleted)[0] <= _span(other)[0] and _span(other)[1] <= _span(deleted)[1])


def _rank(f: Flag) -> tuple:
    # The most severe first; between equals, the line that must go (boilerplate), the segment left
    # untranslated, then the narrower span.
    start, end = _span(f)
    return (-SEVERITY_RANK[f.severity], f.category != BOILERPLATE, f.category != UNTRANSLATED, end - start)


def _summary(f: Flag) -> dict:
    return {"check": f.check, "category": f.category, "severity": f.severity, "message": f.message,
            "span": list(f.span) if f.span else None, "evidence": f.evidence}


def merge_flags(flags: list[Flag]) -> list[Flag]:
    """`flags` with the flags of one problem merged into one (the order of the others kept)."""
    groups: list[list[Flag]] = []
    by_line: dict[int, list[list[Flag]]] = {}
    for f in flags:
        matching = [group for group in by_line.get(f.line, []) if any(_same_problem(f, g) for g in group)]
        if not matching:
            matching = [[]]
            groups.append(matching[0])
            by_line.setdefault(f.line, []).append(matching[0])
        target, *joined = matching
        for group in joined:  # f ties problems found apart (an untranslated segment and two flags on it)
            target.extend(group)
            groups[:] = [g for g in groups if g is not group]
            by_line[f.line] = [g for g in by_line[f.line] if g is not group]
        target.append(f)
    out: list[Flag] = []
    for group in groups:
        if len(group) == 1:
            out.append(group[0])
            continue
        head, *rest = sorted(group, key=_rank)
        evidence = dict(head.evidence)
        evidence["merged"] = list(evidence.get("merged", [])) + [_summary(f) for f in rest]
        out.append(replace(head, evidence=evidence))
    return out


__all__ = ["STYLE_CATEGORIES", "merge_flags"]
