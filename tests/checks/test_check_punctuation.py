from qa_helpers import fails, passes


def test_end_marks_kept_pass():
    passes("punctuation", "Hvorfor kom han?", "Pourquoi est-il venu ?")
    passes("punctuation", "«Kom hit!»", "« Viens ici ! »")
    passes("punctuation", "Han kom (til slutt).", "Il est venu (enfin).")


def test_question_lost_or_added_fail():
    [f] = fails("punctuation", "Hvorfor kom han?", "Pourquoi il est venu.")
    assert f.evidence == {"source_end": "?", "target_end": ""}
    [f] = fails("punctuation", "Han kom.", "Il est venu !")
    assert f.text[f.span[0]:f.span[1]] == "!"


def test_unbalanced_brackets_and_quotes_fail():
    [f] = fails("punctuation", "Han kom (til slutt).", "Il est venu (enfin.")
    assert f.evidence["unbalanced"] == ["("]
    fails("punctuation", "Han sa «nei».", "Il a dit « non.")
