from qa_helpers import fails, passes

from mtqa.checks.placeholders import placeholders, unbalanced


def test_printf_and_brace_placeholders_are_found():
    assert [p[0] for p in placeholders("Hei %s, du har %1$d meldinger i {0} og {name} {{user}}")] == \
        ["%s", "%1$d", "{0}", "{name}", "{{user}}"]
    assert placeholders("Une hausse de 50 % des prix, 100 %") == []


def test_kept_placeholders_pass():
    passes("placeholders", "Hei %s, du har {count} meldinger.", "Bonjour %s, vous avez {count} messages.")
    passes("placeholders", "Prisene steg 50 % i fjor.", "Les prix ont augmenté de 50 % l'an dernier.")


def test_lost_or_added_placeholders_fail():
    [f] = fails("placeholders", "Hei %s, du har {count} meldinger.", "Bonjour, vous avez {count} messages.")
    assert f.evidence["lost"] == ["%s"] and f.severity == "major"
    [f] = fails("placeholders", "Hei {name}.", "Bonjour {nom}.")
    assert f.evidence["lost"] == ["{name}"]
    [f] = fails("placeholders", "Hei.", "Bonjour {0}.")
    assert f.text[f.span[0]:f.span[1]] == "{0}"


def test_unbalanced_paired_codes():
    assert unbalanced(("bx:1", "ex:1", "sc:2", "ec:2")) == []
    assert unbalanced(("ex:1", "bx:1")) == ["ex:1", "bx:1"]
    assert unbalanced(("sc:2",)) == ["sc:2"]
