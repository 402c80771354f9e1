from qa_helpers import fails, passes

from mtqa.checks.urls import tokens


def test_tokens():
    found = [(k, t) for k, t, _, _ in tokens("Se https://nrk.no/nyheter. Skriv til tips@vg.no, @NRK #valg2025")]
    assert found == [("url", "https://nrk.no/nyheter"), ("e-mail", "tips@vg.no"), ("handle", "@NRK"),
                     ("tag", "#valg2025")]


def test_identical_urls_handles_pass():
    passes("urls-handles", "Les mer på https://nrk.no/nyheter og følg @NRK.",
           "Pour en savoir plus : https://nrk.no/nyheter et suivez @NRK.")
    passes("urls-handles", "Han vant 1-0 i kamp nr. 3.", "Il a gagné 1-0 au match n° 3.")


def test_changed_url_handle_email_tag_fail():
    lost, added = fails("urls-handles", "Les mer på https://nrk.no/nyheter.",
                        "Pour en savoir plus : https://nrk.no/nouvelles.")
    assert lost.evidence["expected"] == "https://nrk.no/nyheter" and lost.severity == "major"
    assert added.evidence["found"] == "https://nrk.no/nouvelles" and added.severity == "minor"
    fails("urls-handles", "Skriv til tips@vg.no.", "Écrivez à conseils@vg.no.")
    fails("urls-handles", "Følg @NRK på X.", "Suivez NRK sur X.")
    fails("urls-handles", "Bruk #valg2025 i innlegget.", "Utilisez #élection2025 dans le message.")


def test_a_hashtag_line_is_left_to_the_hashtags_check():
    passes("urls-handles", "#krig #ukraina #russland", "#guerre #ukraine #russie")
