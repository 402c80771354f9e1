"""scripts/compare_pofilter.py: the PO conversion and the pofilter runner (translate-toolkit's CLI)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import script_fixture

pytest.importorskip("translate")

REPO = Path(__file__).resolve().parents[2]


cp = script_fixture("compare_pofilter", "cp")


@dataclass(frozen=True)
class Line:   # the fields of mtqa.eval.InjectedLine the script uses
    line: int
    category: str | None
    source: str
    target: str


ITEMS = [
    Line(3, None, "Flyplassen ble stengt i 2 timer.", "L'aéroport a été fermé pendant 2 heures."),
    Line(7, "number", "Han betalte 25 kroner for «Aftenposten».",
         "Il a payé 35 couronnes pour « Aftenposten »."),
    Line(12, None, 'Hun sa: "Nei."\tSlutt.', "Elle a dit : « Non. »\u00a0Fin."),
]


def test_po_round_trip(cp, tmp_path):
    path = cp.write_po(ITEMS, tmp_path / "number.po", "number")
    back = cp.read_po(path)
    assert [(x.line, x.source, x.target) for x in ITEMS] == [(n, s, t) for n, s, t, _tests in back]
    assert all(not tests for *_rest, tests in back)
    text = path.read_text(encoding="utf-8")
    assert 'msgctxt "line 7"' in text and "#: number.txt:7" in text and "Language: fr" in text


def test_duplicate_line_refused(cp, tmp_path):
    with pytest.raises(ValueError, match="twice"):
        cp.write_po([ITEMS[0], ITEMS[0]], tmp_path / "dup.po")


def test_pofilter_numbers_fires_on_the_changed_line(cp, tmp_path):
    po_in = cp.write_po(ITEMS, tmp_path / "number.po", "number")
    fired = cp.run_pofilter(po_in, tmp_path / "out.po")
    assert "numbers" in fired[7]
    assert all("numbers" not in fired.get(n, []) for n in (3, 12))
    mapped, any_test = cp.score_pofilter("number", ITEMS, fired)
    assert (mapped.tp, mapped.fn, mapped.negatives) == (1, 0, 2)
    assert mapped.fp == 0 and mapped.recall == 1.0
    assert any_test.tp == 1


def test_no_output_file_means_nothing_fired(cp, tmp_path):
    clean = [Line(1, None, "Han kom 3. mai.", "Il est venu le 3 mai.")]
    assert cp.run_pofilter(cp.write_po(clean, tmp_path / "c.po"), tmp_path / "c.out.po", ("-t", "numbers")) == {}


def test_mapping_names_real_pofilter_tests(cp):
    from translate.filters import checks

    known = set(checks.StandardChecker().getfilters()) | set(checks.StandardUnitChecker().getfilters())
    assert set(cp.TEST_CATEGORIES) <= known
    assert known <= set(cp.TEST_CATEGORIES) | set(cp.UNMAPPED_WHY), "a pofilter test is neither mapped nor explained"
    assert cp.tests_for("number") == ("numbers",)
    assert cp.tests_for("negation") == ()


def test_tuned_mapping_keeps_tests_well_above_their_untouched_rate(cp):
    rates = cp.Rates(damaged={"boilerplate": {"endpunc": 95, "numbers": 9}, "kicker": {"acronyms": 100}},
                     n_damaged={"boilerplate": 100, "kicker": 100},
                     untouched={"endpunc": 2, "numbers": 8, "acronyms": 5}, n_untouched=100)
    assert cp.tune_mapping(["boilerplate", "kicker"], rates) == {"acronyms": ("kicker",),
                                                                 "endpunc": ("boilerplate",)}
