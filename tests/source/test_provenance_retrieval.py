from pathlib import Path

from mtqa.core.document import Document
from mtqa.readers import read_document
from mtqa.source.provenance import attribute, find_outlets
from mtqa.readers.corpus import list_candidates
from mtqa.source.retrieve import rank_sources
from mtqa.text.segment import segment_document

from conftest import CORPORA, SEED_FR


def provenance_of(*lines):
    return attribute(segment_document(Document("x", lines), "fr"))


def test_seed_credits_point_to_dagbladet_with_reporters():
    prov = attribute(segment_document(read_document(SEED_FR), "fr"))
    assert (prov.outlet, prov.source_language) == ("Dagbladet", "nb")
    assert prov.reporters == ("Simone H. Sønstrød", "Daniel Wiese")
    assert prov.confidence > 0.8
    assert any("credit names 'Dagbladet TV'" in e for e in prov.evidence)


def test_other_outlets_and_no_outlet():
    prov = provenance_of("Un paragraphe ici.", "LÉGENDE : Une photo. Photo : Ola Nordmann / NTB")
    assert prov.outlet == "NTB"
    mention = provenance_of("Il l'a dit à VG mardi, selon le journal.")
    assert mention.outlet == "VG" and mention.confidence < 0.5  # a mention in text is weaker than a credit
    none = provenance_of("Un texte sans crédit.")
    assert none.outlet is None and none.confidence == 0.0


def test_outlet_names_are_case_sensitive_words():
    assert [o.display for o, _ in find_outlets("selon VG et NRK")] == ["VG", "NRK"]
    assert find_outlets("un vg de nrk, dagbladetX") == []


def corpus():
    return [(str(p), read_document(p).text) for p in list_candidates(CORPORA)]


def test_every_french_sample_retrieves_its_own_source_confidently():
    candidates = corpus()
    assert len(candidates) >= 6
    for fr in sorted((CORPORA / "fr").glob("*.fr.txt")):
        result = rank_sources(read_document(fr).text, candidates)
        assert Path(result.chosen.path).name == fr.name.replace(".fr.txt", ".nb.txt")
        assert result.confidence >= 0.5, (fr, result.reason)
        assert result.candidates[0].score > 2 * result.candidates[1].score


def test_unrelated_text_retrieves_nothing():
    result = rank_sources("Une recette de gâteau au chocolat, sans chiffres ni noms.", corpus())
    assert result.chosen is None and result.confidence == 0.0


def test_candidate_listing_skips_french_files():
    names = [Path(p).name for p, _ in corpus()]
    assert all(n.endswith(".nb.txt") for n in names)
