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


def test_each_sample_is_attributed_to_the_outlet_that_published_it():
    # e24's only credit is "Photo : Marte Lien Fjeld / NTB"; E24 is named in the text: E24 published it.
    expected = {"dagbladet-russland-nekter": "Dagbladet", "e24-rentemote-krone": "E24", "nrk-droneangrep-kyiv": "NRK"}
    for stem, outlet in expected.items():
        prov = attribute(segment_document(read_document(CORPORA / "fr" / f"{stem}.fr.txt"), "fr"))
        assert prov.outlet == outlet, (stem, prov.evidence)
    e24 = attribute(segment_document(read_document(CORPORA / "fr" / "e24-rentemote-krone.fr.txt"), "fr"))
    assert any("picture credit names the agency 'NTB'" in e for e in e24.evidence)
    # A Norwegian article: "sier … til Dagbladet" twice, a photo "Foto: Tone Brekkhus / NTB".
    nb = attribute(segment_document(read_document(CORPORA / "nb" / "dagbladet-ekstremvaer-vestlandet.nb.txt"), "nb"))
    assert nb.outlet == "Dagbladet"


# A caption long enough to be a caption (a short line is a headline), for a credit to end.
CAPTION = "BUDGET : Le ministre a présenté le budget lors d’une conférence de presse à Oslo jeudi. "


def test_an_agency_credited_for_a_picture_yields_to_an_outlet_named_elsewhere():
    assert provenance_of("Il l'a dit à VG mardi.", CAPTION + "Photo : Ola Nordmann / Reuters").outlet == "VG"
    assert provenance_of(CAPTION + "Vidéo : AP. Reporter : Ola Nordmann / Dagbladet TV Voir plus").outlet == "Dagbladet"
    assert provenance_of("Selon NTB, c'est fini.", CAPTION + "Photo : AFP").outlet == "NTB"  # NTB named as a source
    # An outlet's own photographer is a credit of the outlet, not of an agency.
    own = provenance_of("Il l'a dit à VG mardi.", CAPTION + "Photo : Kari Nordmann / Dagbladet")
    assert own.outlet == "Dagbladet" and own.confidence == 0.6


def test_an_article_credited_to_an_agency_only_stays_the_agencys():
    for credit in ("Photo : Ola Nordmann / NTB", "Foto: NTB scanpix", "Photo : Scanpix", "Vidéo : NTB"):
        prov = provenance_of("Un paragraphe ici.", CAPTION + credit)
        assert (prov.outlet, prov.confidence) == ("NTB", 0.6), credit
        assert "picture credit names the agency" in prov.evidence[0]
    wire = provenance_of("Un texte.", "Reporter : Ola Nordmann / NTB", CAPTION + "Photo : Reuters")
    assert wire.outlet == "NTB"  # the reporter's credit names the publisher; the photo is Reuters'
    assert provenance_of("Un texte.", CAPTION + "Photo : AFP").outlet == "AFP"
    # One caption crediting the picture to NTB and the text to a VG reporter: VG published it.
    both = provenance_of(CAPTION + "Photo : NTB. Reporter : Kari Nordmann / VG")
    assert both.outlet == "VG"


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
