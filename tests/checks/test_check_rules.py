import time

import pytest
from qa_helpers import fails, passes

from mtqa.checks.rules import Rule
from mtqa.config import parse_config
from mtqa.errors import InputError

FORBID = Rule(target=r"\bmatchs?\b", must="not-match", source=r"(?i)\bkamp", message="« match » : combat ici",
              severity="major")
REQUIRE = Rule(target=r"\bNRK\b", must="match", source=r"\bNRK\b")


def test_rules_pass():
    passes("rules", "Kampene fortsatte.", "Les combats ont continué.", rules=(FORBID,))
    passes("rules", "NRK melder.", "La NRK annonce.", rules=(REQUIRE,))


def test_rules_fail():
    [f] = fails("rules", "Kampene fortsatte.", "Les matchs ont continué.", rules=(FORBID,))
    assert f.severity == "major" and f.message == "« match » : combat ici" and f.text[f.span[0]:f.span[1]] == "matchs"
    [f] = fails("rules", "NRK melder.", "La radio annonce.", rules=(REQUIRE,))
    assert f.category == "style/rule"


def test_rules_from_the_configuration():
    config = parse_config({"rules": [{"source": "kamp", "target": "match", "must": "not-match",
                                      "message": "m", "severity": "major"}]})
    assert config.rules[0].must == "not-match"
    assert "rules" in [c.name for c in config.build_checks()]
    with pytest.raises(InputError, match="invalid regular expression"):
        parse_config({"rules": [{"target": "(unclosed"}]})
    with pytest.raises(InputError, match="must"):
        parse_config({"rules": [{"target": "x", "must": "maybe"}]})


def test_a_catastrophic_pattern_does_not_hang():
    evil = Rule(target=r"(a|aa)+$", must="not-match")
    t0 = time.perf_counter()
    found = fails("rules", "a" * 40 + "!", "a" * 40 + "!", rules=(evil,))
    assert time.perf_counter() - t0 < 5
    assert "too long" in found[0].message
