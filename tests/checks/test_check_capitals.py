from qa_helpers import fails, passes


def test_capitals_kept_pass():
    passes("capitals", "Han bor i Oslo og jobber i NRK.", "Il habite à Oslo et travaille à la NRK.")
    passes("capitals", "NATO møtes i dag.", "L'OTAN se réunit aujourd'hui.")   # a translated acronym is no error
    passes("capitals", "«Nei», sa han.", "« Non », dit-il.")


def test_sentence_start_lowercased_fails():
    [f] = fails("capitals", "Han kom i går.", "il est venu hier.")
    assert f.text[f.span[0]:f.span[1]] == "i"


def test_acronym_and_name_lowercased_fail():
    [f] = fails("capitals", "Han jobber i NRK.", "Il travaille à la Nrk.")
    assert f.evidence == {"source": "NRK", "target": "Nrk"}
    [f] = fails("capitals", "Han bor i Oslo nå.", "Il habite à oslo maintenant.")
    assert f.text[f.span[0]:f.span[1]] == "oslo"
