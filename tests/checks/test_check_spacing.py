from qa_helpers import fails, passes


def test_clean_spacing_passes():
    passes("spacing", "Han kom i går.", "Il est venu hier.")
    passes("spacing", "Hvorfor?", "Pourquoi ?")            # profile none: house style, not an error
    passes("spacing", "Hvorfor?", "Pourquoi\u202f?", profile="french-nbsp")
    passes("spacing", "Klokken 12:30.", "À 12:30.", profile="french-nbsp")
    passes("spacing", "Se https://nrk.no.", "Voir https://nrk.no.", profile="french-nbsp")


def test_double_leading_trailing_spaces_fail():
    [f] = fails("spacing", "Han kom i går.", "Il est  venu hier.")
    assert f.text[f.span[0] - 0:f.span[1]].strip() == "" and f.severity == "minor"
    [f] = fails("spacing", "Han kom i går.", "Il est venu hier. ")
    assert f.evidence == {"where": "trailing"}
    [f] = fails("spacing", "Han kom i går.", "  Il est venu hier.")
    assert f.evidence == {"where": "leading"}


def test_french_nbsp_profile():
    [f] = fails("spacing", "Hvorfor?", "Pourquoi ?", profile="french-nbsp")
    assert "ordinary space" in f.message
    [f] = fails("spacing", "Han sa: nei.", "Il a dit: non.", profile="french-nbsp")
    assert "no space" in f.message and f.evidence["mark"] == ":"
