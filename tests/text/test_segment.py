from mtqa.core.document import Document
from mtqa.readers import read_document
from mtqa.text.segment import segment_document, segment_line, split_sentences

from conftest import SEED_FR, SEED_NB


def texts(text, lang):
    return [text[s:e] for s, e in split_sentences(text, lang)]


def test_norwegian_abbreviations_do_not_end_sentences():
    t = "Han kom bl.a. fra Oslo kl. 21.30 i går, f.eks. med tog. Det var ca. 15 902 personer der."
    assert texts(t, "nb") == ["Han kom bl.a. fra Oslo kl. 21.30 i går, f.eks. med tog.",
                              "Det var ca. 15 902 personer der."]


def test_french_abbreviations_and_initials():
    t = "M. Dupont a parlé à Simone H. Sønstrød. Elle a répondu."
    assert texts(t, "fr") == ["M. Dupont a parlé à Simone H. Sønstrød.", "Elle a répondu."]


def test_question_and_exclamation_marks_and_dash_quotes():
    t = "– Hvorfor nå? spurte hun. – Fordi det haster! Det sa han."
    assert texts(t, "nb") == ["– Hvorfor nå? spurte hun.", "– Fordi det haster!", "Det sa han."]


def test_dates_with_ordinal_period_stay_whole():
    assert texts("Det skjedde 15. mars 2024. Så kom resten.", "nb") == ["Det skjedde 15. mars 2024.", "Så kom resten."]


def test_offsets_point_into_the_line():
    line = "Premier. Deuxième phrase ici."
    for seg in segment_line(line, 7, "fr"):
        assert line[seg.start:seg.end] == seg.text
        assert seg.line == 7


def test_seed_kinds():
    segs = segment_document(read_document(SEED_FR), "fr")
    kinds = {(s.line, s.kind) for s in segs}
    assert (13, "teaser") in kinds and (14, "teaser") in kinds
    assert (20, "hashtags") in kinds
    assert (10, "ui") in kinds and (17, "ui") in kinds
    assert (10, "credit") in kinds and (17, "caption") in kinds
    assert {s.kicker for s in segs if s.kicker} == {"HISTORIQUE", "MATCHS DIFFICILES"}
    assert all(s.kind == "body" for s in segs if s.line in (1, 2, 5, 8, 11, 12))
    assert (16, "quote") in kinds and (19, "quote") in kinds


def test_norwegian_ui_and_kicker():
    segs = segment_document(read_document(SEED_NB), "nb")
    assert [s.text for s in segs if s.kind == "ui"] == ["Se mer", "Se mer"]
    assert {s.kicker for s in segs if s.kicker} == {"HISTORISK", "TØFFE KAMPER"}


def test_ui_string_alone_on_a_line_and_teaser_prefix():
    doc = Document("x", ("Første avsnitt er her.", "Les også: Slik gikk det", "Vis mer"))
    kinds = [s.kind for s in segment_document(doc, "nb")]
    assert kinds == ["body", "teaser", "ui"]


def test_furniture_inside_a_paragraph():
    line = "La pluie est tombée toute la nuit. Lire aussi : Tempête sur la côte. Les routes sont fermées."
    kinds = [(s.kind, s.text) for s in segment_line(line, 1, "fr")]
    assert kinds[1] == ("teaser", "Lire aussi : Tempête sur la côte.")
    assert kinds[0][0] == kinds[2][0] == "body"


def test_credit_and_ui_glued_to_the_end_of_a_paragraph():
    line = "« Nous restons prudents », a-t-il dit. Photo : Ola Nordmann / NTB Partager sur Facebook"
    kinds = [(s.kind, s.text) for s in segment_line(line, 1, "fr")]
    assert kinds[-2:] == [("credit", "Photo : Ola Nordmann / NTB"), ("ui", "Partager sur Facebook")]
