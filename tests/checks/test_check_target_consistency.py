from qa_helpers import fails, passes


def test_one_rendering_per_source_passes():
    passes("target-consistency", ["Se mer", "Les mer"], ["Voir plus", "Lire la suite"])


def test_one_target_for_two_sources_fails():
    found = fails("target-consistency", ["Se mer", "Les mer"], ["Voir plus", "Voir plus"])
    assert len(found) == 2 and found[0].evidence["sources"] == ["Les mer", "Se mer"]


def test_source_consistency_still_flags_the_other_direction():
    fails("consistency", ["Se mer", "Se mer"], ["Voir plus", "Afficher plus"])
