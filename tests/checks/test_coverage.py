"""The model-free meaning check: lexicon coverage read as unrelated text, omission, addition."""
import pytest

from mtqa.checks import build_checks
from mtqa.checks.base import CheckInput
from mtqa.core.document import Document
from mtqa.core.flags import ADDITION, MISTRANSLATION, OMISSION
from mtqa.text.lexicon import content_words, coverage, lexicon
from mtqa.pipeline import beads_by_line
from mtqa.text.segment import segment_document

NB = ("Regjeringen la fram et nytt forslag om skatt på mandag, og statsministeren sa at landet må spare "
      "penger i årene som kommer.")
FR = ("Le gouvernement a présenté lundi une nouvelle proposition d'impôt, et le premier ministre a dit que "
      "le pays doit économiser de l'argent dans les années à venir.")


def run(nb_lines, fr_lines, **options):
    src = segment_document(Document("a.nb", tuple(nb_lines)), "nb")
    tgt = segment_document(Document("a.fr", tuple(fr_lines)), "fr")
    data = CheckInput(target=tgt, source=src, beads=beads_by_line(src, tgt))
    (check,) = build_checks(["coverage"], options={"coverage": options} if options else None)
    return list(check.run(data))


def test_lexicon_pairs_inflected_words_through_stems():
    cov = coverage("Kampene fortsatte ved fronten.", "Les combats ont continué sur le front.")
    matched = {w.text for w, ok in zip(cov.source_words, cov.source_matched) if ok}
    assert {"Kampene", "fronten"} <= matched
    assert len(lexicon()) > 10_000


def test_function_words_and_elisions_are_not_content():
    words = [w.text for w in content_words("L'université qu'il a choisie est dans la ville.", "fr")]
    assert words == ["université", "choisie", "ville"]


def test_faithful_translation_is_not_flagged():
    assert run([NB], [FR]) == []


def test_unrelated_sentence_is_a_major_mistranslation():
    other = "Les archéologues ont trouvé sous la cathédrale une mosaïque romaine avec des oiseaux et des poissons."
    flags = run([NB], [other])
    assert [(f.category, f.severity) for f in flags] == [(MISTRANSLATION, "major")]
    assert flags[0].evidence["source_coverage"] < 0.1


def test_appended_clause_is_an_addition_with_its_span():
    fr = FR[:-1] + ", tandis que les archéologues ont découvert sous la cathédrale une mosaïque romaine colorée."
    flags = run([NB], [fr])
    assert [f.category for f in flags] == [ADDITION]
    a, b = flags[0].span
    assert "mosaïque" in fr[a:b] and "gouvernement" not in fr[a:b]


def test_dropped_clause_is_an_omission():
    fr = "Le gouvernement a présenté lundi une nouvelle proposition."
    flags = run([NB], [fr])
    assert [f.category for f in flags] == [OMISSION]
    assert any("spare" in s or "penger" in s for s in flags[0].evidence["unmatched_source"])


def test_short_lines_are_left_alone():
    assert run(["Se mer"], ["Voir plus"]) == []


def test_lemmas_before_stems_find_inflected_compounds_and_irregular_forms():
    from mtqa.text.lexicon import coverage, lemma

    if lemma("kursen", "nb") == "kursen":
        pytest.skip("simplemma is not installed")
    # "kronekursen" -> "kronekurs" -> krone + kurs: the crown is found, so the pair is not unrelated.
    cov = coverage("Han peker samtidig på at kronekursen er en joker.",
                   "Il souligne toutefois que le taux de change de la couronne reste une inconnue.")
    assert cov.source_matched[2] and ((cov.source or 0) + (cov.target or 0)) / 2 > 0.09


# A Norwegian sentence with names and a number, beside French from elsewhere that happens to share a
# common word or two with it (as a hallucinated or misplaced line does).
NB_NAMED = "Etter tre sesonger i Sevilla gikk Vidal i 2019 til Barcelona, der han vant ligaen to ganger."
FR_ELSEWHERE = ("On trouve des animaux partout sur la Terre : ils creusent le sol, nagent dans les océans et "
                "volent dans le ciel depuis des millions d'années.")


def test_unmatched_names_and_numbers_make_a_chance_match_unrelated():
    # the plain coverage floor is off: the unrelated model alone flags it ...
    [flag] = run([NB_NAMED], [FR_ELSEWHERE], unrelated_below=0.0)
    assert flag.category == MISTRANSLATION and flag.severity == "major"
    assert flag.evidence["probability"] >= 0.5
    # ... and with the model off too, the chance matches leave it to the omission/addition model
    assert [f for f in run([NB_NAMED], [FR_ELSEWHERE], unrelated_below=0.0, unrelated_threshold=1.0)
            if f.category == MISTRANSLATION] == []


def test_a_faithful_translation_with_its_names_is_not_unrelated():
    fr = ("Après trois saisons à Séville, Vidal est parti en 2019 pour Barcelone, où il a gagné le championnat "
          "à deux reprises.")
    assert [f for f in run([NB_NAMED], [fr]) if f.category == MISTRANSLATION] == []


def test_the_unrelated_model_has_its_threshold_and_features():
    from mtqa.checks.coverage import UNRELATED_FEATURES, model
    m = model()["unrelated"]
    assert m["features"] == list(UNRELATED_FEATURES) and len(m["coef"]) == len(UNRELATED_FEATURES)
    assert 0 < m["threshold"] < 1 and m["held_out"]["fp_rate"] <= 0.005
