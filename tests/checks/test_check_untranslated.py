"""untranslated: Norwegian left in the French, a whole sentence or a clause copied from the source."""

from qa_helpers import fails, passes

NB = "Politiet rykket ut til boligfeltet sent fredag kveld etter at naboene hadde hørt flere skudd."


def test_a_french_sentence_passes():
    passes("untranslated", NB, "La police s'est rendue dans le lotissement tard vendredi soir, après que des "
                               "voisins ont entendu plusieurs coups de feu.")


def test_a_clause_copied_from_the_source_fails_on_its_span():
    fr = ("La police s'est rendue dans le lotissement tard vendredi soir, après que des voisins du quartier "
          "résidentiel hadde hørt flere skudd.")
    [flag] = fails("untranslated", NB, fr)
    assert flag.category == "accuracy/untranslated" and flag.severity == "major"
    assert flag.text[slice(*flag.span)] == "hadde hørt flere skudd"
    assert flag.evidence["norwegian_share"] < 0.3  # too little of the sentence to call it mixed


def test_copied_names_are_not_untranslated():
    passes("untranslated", "Statsminister Jonas Gahr Støre møtte Norges Bank og Equinor i Oslo.",
           "Le Premier ministre Jonas Gahr Støre a rencontré Norges Bank et Equinor à Oslo.")


def test_norwegian_words_not_in_the_source_are_not_a_copy():
    # the run must be found word for word in the source: a stray word is the mixed-share rule's business
    passes("untranslated", NB, "La police s'est rendue dans le lotissement tard vendredi soir, après que des "
                               "voisins du quartier ont entendu plusieurs skudd.")


def test_the_copy_rule_is_an_option():
    fr = ("La police s'est rendue dans le lotissement tard vendredi soir, après que des voisins du quartier "
          "résidentiel hadde hørt flere skudd.")
    passes("untranslated", NB, fr, copied_norwegian=5)
