"""HTML report for people (issue 15): a print stylesheet, counts that say what they count, evidence
as text, no alignment jargon, commands as code rather than backticks."""

import pytest

from mtqa.checks import build_checks
from mtqa.core.document import Document
from mtqa.pipeline import check_article
from mtqa.readers import read_document
from mtqa.report import render
from mtqa.report.html_report import bead_label, code_spans, evidence_label, evidence_text

from conftest import SEED_FR, SEED_NB


@pytest.fixture(scope="module")
def seed_page():
    return render(check_article(read_document(SEED_FR), read_document(SEED_NB)), "html")


def capitals_page(fr=("Il habite à oslo.",), nb=("Han bor i Oslo.",)):
    result = check_article(Document("a.fr.txt", fr), Document("a.nb.txt", nb), checks=build_checks(["capitals"]))
    return render(result, "html")


def test_print_stylesheet_hides_the_filters_and_keeps_rows_whole():
    page = capitals_page()
    print_css = page[page.index("@media print"):]
    assert ".filters" in print_css and 'input[type="checkbox"]' in print_css
    assert "break-inside: avoid" in print_css and "section.row" in print_css and "svg.chart" in print_css
    assert "print-color-adjust: exact" in print_css  # white-on-colour severity badges stay readable
    assert 'addEventListener("beforeprint"' in page   # closed <details> open on paper


def test_counts_say_what_they_count():
    page = capitals_page()
    assert "1 flag on 1 line; 0 lines at or above major" in page


def test_no_bead_jargon():
    page = capitals_page()
    assert "bead" not in page.lower() and "1-1" not in page
    assert bead_label("1-1") == "" and bead_label("") == ""
    assert bead_label("2-1") == "2 Norwegian sentences ↔ 1 French sentence"
    assert bead_label("0-1") == "no Norwegian sentence ↔ 1 French sentence"
    assert bead_label("1-2") == "1 Norwegian sentence ↔ 2 French sentences"
    two = capitals_page(("Il habite à oslo et il travaille à bergen.",), ("Han bor i Oslo. Han jobber i Bergen.",))
    assert "2 Norwegian sentences ↔ 1 French sentence" in two


def test_evidence_reads_as_text_not_json():
    assert evidence_label("source_name") == "source name"
    assert evidence_text(["#a", "#b"]) == "#a, #b"
    assert (evidence_text(True), evidence_text(False), evidence_text(None)) == ("yes", "no", "none")
    assert evidence_text(0.8891) == "0.8891" and evidence_text(3) == "3"
    assert evidence_text({"mark": "–", "renderings": ["A", "B"]}) == "mark: –; renderings: A, B"
    page = capitals_page()
    assert "&#34;" not in page.split("<script>")[0]  # no JSON quotes in the page's text


def test_merged_flags_are_listed_as_sentences(seed_page):
    page = seed_page
    assert "also found by check <code>consistency</code> (minor, terminology)" in page
    assert "<dt>merged</dt>" not in page and '{"category"' not in page


def test_commands_in_messages_are_code_not_backticks(seed_page):
    page = seed_page
    assert "<code>mtqa models pull" in page
    before_script = page.split("<script>")[0]
    assert "`" not in before_script
    assert code_spans("run `a <b>` now") == "run <code>a &lt;b&gt;</code> now"
    assert code_spans("one ` alone") == "one ` alone"
