"""Behaviour of mtqa.text.langid: untranslated or mixed Norwegian in a French translation."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtqa.text import langid
from mtqa.text.langid import LanguageGuess, guess_language, norwegian_share, norwegian_spans

FLORES = Path(__file__).resolve().parents[2].parent / "shared/data/flores200-dev"

FR_SENTENCE = ("L’armée russe a subi de lourdes pertes sur la ligne de front en Ukraine "
               "et a donc accru la nécessité de recruter davantage de soldats.")
NB_SENTENCE = ("Den russiske hæren har lidd store tap ved frontlinjen i Ukraina, og dermed "
               "har behovet for å rekruttere flere soldater økt.")
# First half of the French sentence, second half of the Norwegian one.
MIXED = ("L’armée russe a subi de lourdes pertes sur la ligne de front en Ukraine, "
         "og dermed har behovet for å rekruttere flere soldater økt.")


def _lines(name: str) -> list[str]:
    if not (FLORES / name).exists():
        pytest.skip(f"FLORES data not found in {FLORES}")
    return (FLORES / name).read_text(encoding="utf-8").splitlines()


def test_french_sentence_is_french():
    guess = guess_language(FR_SENTENCE)
    assert guess.lang == "fr"
    assert guess.confidence > 0.9
    assert norwegian_share(FR_SENTENCE) == 0.0


def test_norwegian_sentence_is_bokmal():
    guess = guess_language(NB_SENTENCE)
    assert guess == LanguageGuess("nb", guess.confidence)
    assert guess.confidence > 0.9
    assert norwegian_share(NB_SENTENCE) > 0.9


@pytest.mark.parametrize("ui", ["Se mer", "Les også", "Vis mer", "Del", "Annonse",
                                "Les hele artikkelen", "Last inn flere", "Skjul"])
def test_norwegian_ui_strings_are_never_french(ui):
    assert guess_language(ui).lang in ("nb", "und")


def test_se_mer_is_norwegian():
    # langdetect calls it Indonesian.
    assert guess_language("Se mer").lang == "nb"
    assert norwegian_share("Se mer") == 1.0


@pytest.mark.parametrize("ui", ["Voir plus", "Afficher plus", "Lire aussi", "Partager",
                                "Publicité", "Fermer"])
def test_french_ui_strings_are_french(ui):
    assert guess_language(ui).lang == "fr"
    assert norwegian_share(ui) == 0.0


def test_all_caps_headlines():
    # langdetect calls the first one German.
    assert guess_language("MATCHS DIFFICILES").lang == "fr"
    assert guess_language("TØFFE KAMPER").lang == "nb"


def test_half_and_half_is_mixed():
    share = norwegian_share(MIXED)
    assert 0.3 <= share <= 0.7
    spans = norwegian_spans(MIXED)
    assert len(spans) == 1
    start, end = spans[0]
    assert MIXED[start:end].startswith(("og dermed", "en Ukraine, og"))
    assert MIXED[start:end].endswith("soldater økt")


def test_norwegian_ui_left_at_the_end_of_a_french_caption():
    caption = ("HISTORIQUE: Le service de renseignement militaire ukrainien décrit cela comme "
               "une étape historique. Reporter : Simone H. Sønstrød/Dagbladet TV Se mer")
    assert guess_language(caption).lang == "fr"
    assert 0 < norwegian_share(caption) < 0.3
    assert caption[slice(*norwegian_spans(caption)[-1])].endswith("Se mer")


def test_names_numbers_hashtags_and_handles_are_ignored():
    assert norwegian_share("#Flere #militære #nekter #kjempe") == 0.0
    assert guess_language("#Flere #militære #nekter #kjempe").lang == "und"
    assert guess_language("15 902 @DefenceU https://www.dagbladet.no/").lang == "und"
    assert guess_language("").lang == "und"
    # Norwegian names in a French sentence are not Norwegian words.
    text = "Jonas Gahr Støre a déclaré à Tromsø que le gouvernement allait réagir."
    assert guess_language(text).lang == "fr"
    assert norwegian_share(text) == 0.0


def test_other_scandinavian_languages_are_not_french():
    nynorsk = "Eg har ikkje sett han sidan i går, men han kjem nok i morgon til byen."
    assert guess_language(nynorsk).lang == "nn"
    assert norwegian_share(nynorsk) > 0.9


def test_deterministic_across_calls():
    texts = [FR_SENTENCE, NB_SENTENCE, MIXED, "Se mer", "Vis mer", "MATCHS DIFFICILES",
             "Poutine fait pression", "Putin presser på", "Del"]
    first = [(guess_language(t), norwegian_share(t), norwegian_spans(t)) for t in texts]
    langid._clear_caches()
    second = [(guess_language(t), norwegian_share(t), norwegian_spans(t)) for t in reversed(texts)]
    assert first == second[::-1]


def test_confidence_is_a_probability():
    for text in (FR_SENTENCE, NB_SENTENCE, MIXED, "Se mer", "Del", "", "OK"):
        guess = guess_language(text)
        assert 0.0 <= guess.confidence <= 1.0
        assert guess.lang in langid.LANGUAGES + ("und",)


def test_flores_french_is_not_called_norwegian():
    lines = _lines("fr.txt")
    flagged = [x for x in lines if guess_language(x).lang != "fr" or norwegian_share(x) >= 0.5]
    assert len(flagged) / len(lines) <= 0.005, flagged[:5]


def test_flores_machine_translated_french_is_not_called_norwegian():
    lines = _lines("fr.mt-bergamot-tiny.txt")
    flagged = [x for x in lines if guess_language(x).lang != "fr" or norwegian_share(x) >= 0.5]
    assert len(flagged) / len(lines) <= 0.005, flagged[:5]


def test_flores_copied_norwegian_is_caught():
    lines = _lines("nb.txt")
    caught = [x for x in lines if guess_language(x).lang == "nb"]
    assert len(caught) / len(lines) >= 0.98
    assert sum(norwegian_share(x) >= 0.5 for x in lines) / len(lines) >= 0.98


