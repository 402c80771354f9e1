"""HTML report for people (issue 15): a print stylesheet, no alignment jargon."""

from mtqa.checks import build_checks
from mtqa.core.document import Document
from mtqa.pipeline import check_article
from mtqa.report import render


def test_print_stylesheet_and_no_bead_jargon():
    result = check_article(Document("a.fr.txt", ("Il habite à oslo.",)), Document("a.nb.txt", ("Han bor i Oslo.",)),
                           checks=build_checks(["capitals"]))
    page = render(result, "html")
    assert "@media print" in page and "break-inside: avoid" in page
    assert "bead 1-1" not in page and "1 Norwegian ↔ 1 French sentence" in page
