"""passes()/fails() for the translator-grade checks: one check on line-parallel nb/fr lines."""

from __future__ import annotations

from mtqa.checks import build_checks
from mtqa.core.document import Document
from mtqa.pipeline import check_article


def flags(check: str, nb: str | list[str], fr: str | list[str], **options):
    nb_lines = [nb] if isinstance(nb, str) else nb
    fr_lines = [fr] if isinstance(fr, str) else fr
    result = check_article(Document("fr", tuple(fr_lines)), Document("nb", tuple(nb_lines)),
                           checks=build_checks([check], options={check: options} if options else None),
                           line_aligned=True)
    return [f for f in result.flags if f.check == check]


def passes(check: str, nb, fr, **options) -> None:
    found = flags(check, nb, fr, **options)
    assert not found, [(f.message, f.text) for f in found]


def fails(check: str, nb, fr, **options):
    found = flags(check, nb, fr, **options)
    assert found, f"{check} did not flag {fr!r}"
    for f in found:
        assert f.message and f.category and f.severity and f.span is not None
        if f.span and f.text:
            assert f.span[0] < f.span[1]
    return found
