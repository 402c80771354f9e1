"""One flag per problem: mtqa.checks.merge."""

from mtqa.checks.merge import merge_flags
from mtqa.core.flags import Flag


def flag(check, category, severity, span, line=1, text="HARDE KAMPER : Des soldats au front. Voir plus"):
    return Flag(check=check, category=category, severity=severity, line=line, message=f"{check} says so",
                text=text, span=span)


def test_two_checks_on_one_narrow_span_become_one_flag_with_the_other_as_evidence():
    ui = flag("interface-text", "non-content/boilerplate", "major", (37, 46))
    inconsistent = flag("consistency", "terminology", "minor", (37, 46))
    (merged,) = merge_flags([inconsistent, ui])
    assert merged.check == "interface-text" and merged.severity == "major"
    assert [m["check"] for m in merged.evidence["merged"]] == ["consistency"]


def test_same_category_overlapping_spans_are_one_problem():
    kicker = flag("kicker", "style/kicker", "major", (0, 12))
    sense = flag("word-sense", "style/kicker", "major", (0, 46))
    (merged,) = merge_flags([kicker, sense])
    assert merged.check == "kicker" and merged.evidence["merged"][0]["check"] == "word-sense"


def test_whole_segment_flags_of_different_categories_stay_apart():
    text = "Environ 2 500 foyers étaient privés d'électricité."
    numbers = flag("numbers", "accuracy/number", "major", (0, len(text)), text=text)
    negation = flag("negation", "accuracy/mistranslation", "minor", (0, len(text)), text=text)
    assert len(merge_flags([numbers, negation])) == 2


def test_a_line_to_delete_collects_no_style_flags():
    text = "– Le pire signal possible"
    teaser = flag("teaser", "non-content/boilerplate", "major", (0, len(text)), text=text)
    quote = flag("quotation", "locale/quotation", "minor", (0, len(text)), text=text)
    (merged,) = merge_flags([teaser, quote])
    assert merged.check == "teaser" and merged.evidence["merged"][0]["category"] == "locale/quotation"


def test_flags_on_other_lines_or_spans_are_untouched():
    a = flag("kicker", "style/kicker", "major", (0, 12))
    b = flag("numbers", "accuracy/number", "major", (13, 30))
    c = flag("kicker", "style/kicker", "major", (0, 12), line=2)
    assert merge_flags([a, b, c]) == [a, b, c]


def test_a_segment_left_untranslated_collects_the_flags_that_read_it_as_french():
    text = "Hun anbefaler likevel folk å ikke regne med store kutt det nærmeste året."
    copied = flag("untranslated", "accuracy/untranslated", "major", None, text=text)
    negation = flag("negation", "accuracy/mistranslation", "minor", None, text=text)
    quality = flag("quality", "accuracy/mistranslation", "major", None, text=text)
    (merged,) = merge_flags([negation, quality, copied])
    assert merged.check == "untranslated"
    assert sorted(m["check"] for m in merged.evidence["merged"]) == ["negation", "quality"]


def test_an_untranslated_clause_or_another_segment_keeps_the_other_flags_apart():
    text = "Il a dit : « Vi kommer tilbake i morgen », puis il est parti sans les 12 soldats."
    clause = flag("untranslated", "accuracy/untranslated", "major", (13, 45), text=text)
    numbers = flag("numbers", "accuracy/number", "major", None, text=text)
    assert len(merge_flags([clause, numbers])) == 2
    whole = flag("untranslated", "accuracy/untranslated", "major", None, text="Vi kommer tilbake.")
    assert len(merge_flags([whole, numbers])) == 2
    teaser = flag("teaser", "non-content/boilerplate", "major", None, text="Vi kommer tilbake.")
    assert len(merge_flags([flag("untranslated", "accuracy/untranslated", "major", None,
                                 text="Vi kommer tilbake."), teaser])) == 2
