"""term-consistency: one source term, one rendering through the article."""

from qa_helpers import fails, passes

NB = ["Norges Bank holder styringsrenten uendret på 4,5 prosent.",
      "Banken vil trolig redusere styringsrenten i mars.",
      "Norges Bank har holdt styringsrenten på 4,5 prosent siden desember."]
FR_CONSISTENT = ["Norges Bank maintient son taux directeur inchangé à 4,5 %.",
                 "La banque réduira probablement son taux directeur en mars.",
                 "Norges Bank maintient ses taux directeurs à 4,5 % depuis décembre."]


def test_one_rendering_throughout_passes():
    passes("term-consistency", NB, FR_CONSISTENT)  # "taux directeurs": the same term, inflected


def test_a_literal_rendering_once_fails_on_its_span():
    fr = FR_CONSISTENT[:2] + ["Norges Bank maintient son taux de gouvernance à 4,5 % depuis décembre."]
    [flag] = fails("term-consistency", NB, fr)
    assert flag.line == 3 and flag.category == "terminology" and flag.severity == "minor"
    assert flag.text[slice(*flag.span)] == "taux de gouvernance"
    assert flag.evidence["rendering"] == "taux directeur" and flag.evidence["lines"] == [1, 2]


def test_a_pronoun_for_the_term_is_not_an_inconsistency():
    fr = FR_CONSISTENT[:2] + ["Norges Bank le maintient à 4,5 % depuis décembre."]
    passes("term-consistency", NB, fr)


def test_a_term_seen_twice_is_not_compared():
    passes("term-consistency", NB[:1] + NB[2:], FR_CONSISTENT[:1] + ["Norges Bank maintient son taux de "
                                                                     "gouvernance à 4,5 % depuis décembre."])
