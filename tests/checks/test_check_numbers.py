"""numbers: a changed value is not excused as a unit conversion unless the units and the factor agree."""

from qa_helpers import fails, passes


def test_a_changed_value_beside_its_kept_conversion_fails():
    # 144 km/h is 40 m/s: the kept 144 must not also excuse the changed 40 -> 14
    [flag] = fails("numbers", "Vinden nådde 144 km/t (40 m/s) i natt.", "Le vent a atteint 144 km/h (14 m/s) cette nuit.")
    assert flag.severity == "major"
    assert flag.evidence["missing"] == ["40"] and flag.evidence["extra"] == ["14"]


def test_a_dropped_conversion_passes():
    passes("numbers", "Vinden nådde 144 km/t (40 m/s) i natt.", "Le vent a atteint 144 km/h cette nuit.")
    passes("numbers", "Stormen hadde vindkast på 40 amerikanske mil i timen (64 km/t).",
           "La tempête avait des rafales à 64 km/h.")


def test_a_conversion_passes_and_the_wrong_factor_fails():
    passes("numbers", "Hun løp 10 engelske mil.", "Elle a couru 16 km.")
    passes("numbers", "Syklonen nådde 240 km i timen.", "Le cyclone a atteint 240 km/h (149 miles à l'heure).")
    [flag] = fails("numbers", "Hun løp 10 kilometer.", "Elle a couru 16 miles.")  # 10 km is 6 miles
    assert flag.severity == "major"


def test_a_word_of_the_other_language_is_no_number():
    # "par" is Norwegian for a pair (2), not a French number: it must not excuse 2000 as "2 thousand"
    [flag] = fails("numbers", "Det skjedde i år 2000.", "C'est arrivé par hasard en 2003.")
    assert flag.severity == "major"


def test_a_number_with_a_scale_word_passes():
    passes("numbers", "Over 3000 mennesker var der.", "Plus de trois mille personnes étaient là.")
    fails("numbers", "Over 3000 mennesker var der.", "Plus de trois personnes étaient là.")


def test_a_number_lost_with_its_clause_is_an_omission():
    # the clause "der 150 soldater ... ble sendt hjem" dropped: the number is the trace (corpora/nrk line 11)
    [flag] = fails("numbers", "Angrepet kommer bare tre dager etter at Russland og Ukraina gjennomførte en "
                              "fangeutveksling der 150 soldater fra hver side ble sendt hjem.",
                   "L’attaque intervient trois jours seulement après que la Russie et l’Ukraine ont procédé à un "
                   "échange de prisonniers.")
    assert flag.category == "accuracy/omission" and flag.severity == "major"
    assert flag.evidence["missing"] == ["150"] and flag.evidence["length_z"] < -1.5


def test_a_number_missing_from_a_translation_of_normal_length_stays_minor():
    [flag] = fails("numbers", "Rundt 40 personer deltok på møtet i går kveld.",
                   "Une quarantaine de personnes ont participé à la réunion d'hier soir.")
    assert flag.category == "accuracy/number" and flag.severity == "minor"


def test_a_converted_range_passes():
    # the unit after a range belongs to both its numbers (160 km = 100 miles, 320 km = 200 miles)
    passes("numbers", "De genererer kraftige vinder (ofte 160-320 kilometer/time).",
           "Ils génèrent des vents violents (souvent de 100 à 200 miles/heure).")
    fails("numbers", "De genererer kraftige vinder (ofte 160-320 kilometer/time).",
          "Ils génèrent des vents violents (souvent de 100 à 250 kilomètres/heure).")
