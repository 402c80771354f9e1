"""Behaviour of the sentence aligner (mtqa.source.align) that the rest of mtqa relies on."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtqa.source.align import DEFAULT_WEIGHTS, Bead, align, bead_f1

from conftest import script_fixture

ROOT = Path(__file__).parents[2]
FLORES = ROOT.parent / "shared/data/flores200-dev"

# A short news article and its French translation, one sentence per line.
NB = [
    "Regjeringen la fram statsbudsjettet for 2025 på mandag.",
    "Finansministeren sa at utgiftene øker med 4,5 prosent.",
    "Opposisjonen kritiserte forslaget og krevde mer penger til sykehusene i Nord-Norge.",
    "Hvor skal pengene komme fra?",
    "Statsminister Jonas Gahr Støre svarte at oljefondet ikke skal brukes mer enn før.",
    "Budsjettet skal vedtas av Stortinget i desember.",
    "Økonomer i DNB Markets tror renten blir satt ned i løpet av våren, selv om inflasjonen fortsatt er høy.",
    "– Dette er et ansvarlig budsjett, sa Støre til NRK.",
]
FR = [
    "Le gouvernement a présenté lundi le budget de l'État pour 2025.",
    "Le ministre des Finances a déclaré que les dépenses augmentent de 4,5 %.",
    "L'opposition a critiqué la proposition et a réclamé davantage d'argent pour les hôpitaux du nord de la Norvège.",
    "D'où viendra l'argent ?",
    "Le Premier ministre Jonas Gahr Støre a répondu que le fonds pétrolier ne serait pas davantage utilisé qu'auparavant.",
    "Le budget doit être adopté par le Storting en décembre.",
    "Les économistes de DNB Markets pensent que le taux sera abaissé au printemps, même si l'inflation reste élevée.",
    "« C'est un budget responsable », a déclaré Støre à NRK.",
]

ALLOWED_KINDS = {"1-1", "1-0", "0-1", "1-2", "2-1", "2-2"}


def pairs(beads: list[Bead]) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [(b.source, b.target) for b in beads]


def one_to_one(n: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
    return [((i,), (i,)) for i in range(n)]


def assert_covers(beads: list[Bead], n: int, m: int) -> None:
    """Every index of both sides in exactly one bead, beads in order, allowed kinds."""
    assert [i for b in beads for i in b.source] == list(range(n))
    assert [j for b in beads for j in b.target] == list(range(m))
    assert all(b.kind in ALLOWED_KINDS for b in beads)


def test_translation_aligns_one_to_one():
    beads = align(NB, FR)
    assert pairs(beads) == one_to_one(len(NB))
    assert all(b.kind == "1-1" for b in beads)


def test_identical_lists_align_one_to_one():
    assert pairs(align(NB, NB)) == one_to_one(len(NB))
    assert pairs(align(FR, FR)) == one_to_one(len(FR))


@pytest.mark.parametrize("dropped", [0, 3, 5, 7])
def test_sentence_missing_from_translation_is_a_1_0_bead(dropped):
    fr = FR[:dropped] + FR[dropped + 1:]
    beads = align(NB, fr)
    assert_covers(beads, len(NB), len(fr))
    expected = [((i,), (i if i < dropped else i - 1,)) for i in range(len(NB)) if i != dropped]
    expected.insert(dropped, ((dropped,), ()))
    assert pairs(beads) == expected


@pytest.mark.parametrize("added", [1, 4, 6])
def test_sentence_missing_from_source_is_a_0_1_bead(added):
    nb = NB[:added] + NB[added + 1:]
    beads = align(nb, FR)
    expected = [((j if j < added else j - 1,), (j,)) for j in range(len(FR)) if j != added]
    expected.insert(added, ((), (added,)))
    assert pairs(beads) == expected


def test_split_sentence_is_a_1_2_bead():
    fr = FR[:6] + [
        "Les économistes de DNB Markets pensent que le taux sera abaissé au printemps.",
        "Même si l'inflation reste élevée.",
    ] + FR[7:]
    beads = align(NB, fr)
    assert pairs(beads) == one_to_one(6) + [((6,), (6, 7)), ((7,), (8,))]
    assert beads[6].kind == "1-2"


def test_merged_sentences_are_a_2_1_bead():
    fr = FR[:1] + [FR[1] + " " + FR[2]] + FR[3:]
    beads = align(NB, fr)
    assert pairs(beads)[:3] == [((0,), (0,)), ((1, 2), (1,)), ((3,), (2,))]
    assert [b.kind for b in beads].count("2-1") == 1


LENGTH_ONLY = dataclasses.replace(
    DEFAULT_WEIGHTS, number_hit=0, number_miss=0, name_hit=0, name_miss=0,
    cognate_hit=0, cognate_miss=0, lexicon_hit=0, lexicon_miss=0, punctuation=0)


@pytest.mark.parametrize("nb, fr, expected", [
    # Numbers: the French sentence is as long as the first Norwegian one but
    # translates the second.
    (["I fjor døde 17 personer i trafikken i Oslo.",
      "Året før døde 23 personer på veiene der."],
     ["L'année précédente, 23 personnes y sont mortes sur les routes."],
     [((0,), ()), ((1,), (0,))]),
    # Names: same trap, with names instead of numbers.
    (["Ministeren møtte Zelenskyj i Kyiv på tirsdag.",
      "Han reiste videre til Warszawa for samtaler med Tusk."],
     ["Il a ensuite rencontré Tusk à Varsovie."],
     [((0,), ()), ((1,), (0,))]),
])
def test_anchors_pull_the_right_pairing_when_lengths_mislead(nb, fr, expected):
    assert pairs(align(nb, fr, weights=LENGTH_ONLY)) != expected  # lengths alone get it wrong
    assert pairs(align(nb, fr)) == expected


def test_similarity_decides_between_equal_lengths():
    nb = ["Det regnet hele dagen i Bergen.", "Det snødde hele natta på Voss."]
    fr = ["Il a neigé toute la nuit à Voss."]

    def prefers(source_index):
        def similarity(src, tgt):
            return 1.0 if src == nb[source_index] else 0.0
        return similarity

    assert pairs(align(nb, fr, prefers(1))) == [((0,), ()), ((1,), (0,))]
    assert pairs(align(nb, fr, prefers(0))) == [((0,), (0,)), ((1,), ())]


def test_similarity_outweighs_lengths_and_sees_merged_texts():
    nb = ["Kort setning her.", "En annen kort setning."]
    fr = ["Une phrase française assez longue pour couvrir les deux phrases norvégiennes."]
    calls = []

    def similarity(src, tgt):
        calls.append(src)
        return 1.0 if src == nb[1] else 0.0

    # By length this is a 2-1 bead; the similarity says only the second sentence is translated.
    assert pairs(align(nb, fr)) == [((0, 1), (0,))]
    assert pairs(align(nb, fr, similarity)) == [((0,), ()), ((1,), (0,))]
    assert nb[0] + " " + nb[1] in calls  # merged beads are judged on the joined text


def test_empty_inputs():
    assert align([], []) == []
    assert pairs(align(["Hei."], [])) == [((0,), ())]
    assert pairs(align([], ["Salut.", "Ça va ?"])) == [((), (0,)), ((), (1,))]
    assert all(b.kind in ("1-0", "0-1") for b in align(NB, []) + align([], FR))


def test_empty_strings_are_aligned_too():
    beads = align(["", "Hei."], ["", "Salut."])
    assert_covers(beads, 2, 2)


def test_deterministic():
    fr = FR[:3] + FR[4:]
    assert align(NB, fr) == align(NB, fr)


def test_long_documents_use_the_band_and_stay_correct():
    # 640 x 640 sentences: past the full-search size, so the banded search runs.
    nb = [s.replace("2025", str(2000 + k)) for k in range(80) for s in NB]
    fr = [s.replace("2025", str(2000 + k)) for k in range(80) for s in FR]
    drop = {100, 101, 350}
    fr_dropped = [s for j, s in enumerate(fr) if j not in drop]
    beads = align(nb, fr_dropped)
    assert_covers(beads, len(nb), len(fr_dropped))
    nulls = [b.source for b in beads if b.kind == "1-0"]
    assert nulls == [(100,), (101,), (350,)]
    assert align(nb, fr_dropped, band=2) == beads  # a narrow band widens itself


_text = st.text(alphabet="abcdeÆøé XYZ0123456789.,?!:«»–-", max_size=60)


@settings(max_examples=60, deadline=None)
@given(st.lists(_text, max_size=25), st.lists(_text, max_size=25),
       st.sampled_from([None, 1, 3]))
def test_beads_cover_both_sides_once_and_in_order(source, target, band):
    beads = align(source, target, band=band)
    assert_covers(beads, len(source), len(target))
    assert all(b.source or b.target for b in beads)


def test_bead_f1():
    gold = [Bead((0,), (0,), 0), Bead((1,), (), 0), Bead((2,), (1, 2), 0)]
    predicted = [Bead((0,), (0,), 0), Bead((1, 2), (1, 2), 0)]
    scores = bead_f1(predicted, gold)
    assert scores["precision"] == 0.5
    assert scores["recall"] == pytest.approx(1 / 3)
    assert scores["per_kind"]["1-1"]["recall"] == 1.0
    assert scores["per_kind"]["1-2"]["recall"] == 0.0
    assert bead_f1(gold, gold)["f1"] == 1.0


@pytest.mark.parametrize("article", ["dagbladet-russland-nekter", "e24-rentemote-krone", "nrk-droneangrep-kyiv"])
def test_real_articles_align_paragraph_by_paragraph(article):
    nb_path = ROOT / "corpora/nb" / f"{article}.nb.txt"
    fr_path = ROOT / "corpora/fr" / f"{article}.fr.txt"
    if not (nb_path.exists() and fr_path.exists()):
        pytest.skip("corpus article missing")
    nb = nb_path.read_text(encoding="utf-8").splitlines()
    fr = fr_path.read_text(encoding="utf-8").splitlines()
    assert pairs(align(nb, fr)) == one_to_one(len(nb))


# F1 of mtqa on the benchmark's test seed (scripts/bench_align.py, seed 2), both
# document layouts: measured 0.995 and 0.986 (0.976 and 0.976 before the lexicon anchors;
# docs/benchmarks/align.md). The floors leave room for small retuning; NLTK's Gale-Church scores 0.66-0.77 here.
FLORES_F1_FLOOR = {"shuffled": 0.95, "in corpus order": 0.95}


bench = script_fixture("bench_align", "bench")   # builds the perturbed flores documents


@pytest.mark.skipif(not (FLORES / "nb.txt").exists(), reason="flores200-dev not available")
@pytest.mark.parametrize("layout", ["shuffled", "in corpus order"])
def test_flores_bead_f1_above_floor(bench, layout):
    corpus = bench.load(FLORES)
    docs = bench.make_docs(corpus, bench.TEST_SEED, shuffle=(layout == "shuffled"))
    scores, _seconds = bench.evaluate(docs, bench.run_mtqa)
    assert scores["f1"] >= FLORES_F1_FLOOR[layout]


# --- paragraphs (lines) -------------------------------------------------------
#
# The pipeline passes the line of each sentence: line breaks are paragraph ends, which a
# translation made paragraph by paragraph keeps.

from mtqa.source.align import group_beads  # noqa: E402

# The article as paragraphs of two sentences (lines 1-4).
NB_LINES = [0, 0, 1, 1, 2, 2, 3, 3]


def test_a_short_translation_stays_its_own_bead_with_paragraphs():
    """A translation that dropped most of its sentence is paired with its source, not merged with
    a neighbour (where the lengths would fit again and no check would fire)."""
    fr = list(FR)
    fr[2] = "L'opposition a critiqué."
    lines = list(range(len(NB)))  # one sentence a line
    beads = align(NB, fr, source_lines=lines, target_lines=lines)
    assert pairs(beads) == one_to_one(len(NB))


def test_a_dropped_paragraph_is_unmatched_and_the_rest_stays_paired():
    fr = FR[:2] + FR[4:]  # paragraph 2 (sentences 2, 3) not translated
    beads = align(NB, fr, source_lines=NB_LINES, target_lines=NB_LINES[:2] + NB_LINES[4:])
    assert pairs(beads) == [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), ()),
                            ((4,), (2,)), ((5,), (3,)), ((6,), (4,)), ((7,), (5,))]


def test_an_inserted_teaser_line_is_a_0_1_bead():
    teaser = "Lire aussi : Le gouvernement présente un nouveau plan pour les hôpitaux du pays"
    fr = FR[:4] + [teaser] + FR[4:]
    tgt_lines = NB_LINES[:4] + [10] + [line + 20 for line in NB_LINES[4:]]
    beads = align(NB, fr, source_lines=NB_LINES, target_lines=tgt_lines)
    assert ((), (4,)) in pairs(beads)
    assert [p for p in pairs(beads) if p != ((), (4,))] == [((i,), (i if i < 4 else i + 1,)) for i in range(8)]


def test_merged_paragraphs_keep_their_sentences_paired():
    """Two source paragraphs in one French line: the sentences still pair one to one (the line
    break that only the source has costs every path the same)."""
    tgt_lines = [0, 0, 0, 0, 2, 2, 3, 3]  # paragraphs 1 and 2 merged
    beads = align(NB, FR, source_lines=NB_LINES, target_lines=tgt_lines)
    assert pairs(beads) == one_to_one(len(NB))


def test_paragraphs_that_do_not_correspond_change_nothing():
    """A French text in one line against a source in paragraphs aligns as without lines."""
    assert pairs(align(NB, FR, source_lines=NB_LINES, target_lines=[0] * len(FR))) == pairs(align(NB, FR))


def test_line_numbers_must_match_the_sentences():
    with pytest.raises(ValueError):
        align(NB, FR, source_lines=[0, 1], target_lines=list(range(len(FR))))


def test_group_beads_joins_beads_of_one_line_pair():
    beads = [Bead((0,), (0,), 0), Bead((1,), (1,), 0), Bead((2,), (), 0), Bead((), (2,), 0), Bead((3, 4), (3,), 0)]
    source_units, target_units = [1, 1, 2, 3, 4], [1, 1, 2, 3]
    assert pairs(group_beads(beads, source_units, target_units)) == [
        ((0, 1), (0, 1)),   # two sentence beads of line 1: one line pair
        ((2,), ()), ((), (2,)),  # line 2 split into unmatched sentences stays split
        ((3, 4), (3,)),     # a bead across source lines 3 and 4
    ]


# --- where an unmatched source sentence is reported -------------------------------


def _length_flags(nb_lines, fr_lines):
    from mtqa.checks.length import LengthCheck
    from mtqa.core.document import Document
    from mtqa.pipeline import check_article

    result = check_article(Document("a.fr", tuple(fr_lines)), Document("a.nb", tuple(nb_lines)),
                           checks=[LengthCheck()])
    return [f for f in result.flags if f.evidence.get("bead") == "1-0"]


def test_a_sentence_missing_from_its_paragraph_is_flagged_on_that_paragraph():
    nb = [NB[0] + " " + NB[1], NB[2] + " " + NB[6], NB[4]]
    fr = [FR[0] + " " + FR[1], FR[2], FR[4]]  # the second sentence of line 2 not translated
    (flag,) = _length_flags(nb, fr)
    assert flag.line == 2 and flag.source_text == NB[6]


def test_a_missing_paragraph_is_flagged_in_the_gap_not_on_the_next_line():
    nb = [NB[0], "", NB[6], "", NB[4]]
    fr = [FR[0], "", FR[4]]  # paragraph 3 of the source (line 3) not translated
    (flag,) = _length_flags(nb, fr)
    assert flag.line == 2 and flag.segment is None and flag.text == ""  # the blank line between 1 and 3
    assert flag.evidence["between_lines"] == [1, 3] and "between lines 1 and 3" in flag.message
    nb = [NB[0], NB[6], NB[4]]
    fr = [FR[0], FR[4]]
    (flag,) = _length_flags(nb, fr)
    assert flag.line == 1 and flag.segment is None and "between lines 1 and 2" in flag.message
