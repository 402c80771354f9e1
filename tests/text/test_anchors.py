import pytest

from mtqa.text.anchors import find_names, number_values, skeleton


@pytest.mark.parametrize("a, b", [
    ("15 902 saker", "15\u00a0902 cas"),
    ("15 902 saker", "15902 cas"),
    ("15.902 saker", "15\u202f902 cas"),
    ("87 prosent", "87 %"),
    ("87 prosent", "87 pour cent"),
    ("kl. 21.30", "à 21 h 30"),
    ("kl. 21.30", "21:30"),
    ("2,5 millioner", "2,5 millions"),
    ("1,5 milliarder kroner", "1 500 000 000 couronnes"),
])
def test_number_formats_compare_equal_across_languages(a, b):
    assert number_values(a) == number_values(b)


@pytest.mark.parametrize("a, b", [
    ("12 000 husstander", "1 200 foyers"),
    ("kl. 21.30", "9 h 30"),
    ("2,5 prosent", "25 %"),
])
def test_different_numbers_differ(a, b):
    assert number_values(a) != number_values(b)


def test_handles_and_model_names_are_not_thousands():
    assert number_values("i 2024 og 2023") == ["2024", "2023"]


def test_names_skip_sentence_initial_words_and_keep_acronyms():
    names = [n.text for n in find_names("Det uavhengige mediet Mediazona sa til NRK at Putin lyver.")]
    assert names == ["Mediazona", "NRK", "Putin"]


def test_skeleton_matches_transliterations():
    assert skeleton("Putin") == skeleton("Poutine")
    assert skeleton("Kursk") == skeleton("Koursk")
    assert skeleton("Mediazona") == skeleton("Médiazone")
