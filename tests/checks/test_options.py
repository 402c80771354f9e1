"""Declared check settings: every check's Options dataclass, what a configuration file may set
(and may not: a check's identity, data such as the termbase), one-line errors for every bad value,
the `mtqa init` template written from the declarations, and a new check configurable by
declaring its Options alone."""

import dataclasses
import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Literal, get_args

import pytest

from mtqa.checks import REGISTRY, Check, build_checks
from mtqa.checks.base import Options
from mtqa.checks.grammar import GROUPS, GrammarCheck, GroupName
from mtqa.checks.length import LengthCheck
from mtqa.checks.options import coerce, defaults_of, describe, settings_of
from mtqa.checks.termbase import Term
from mtqa.config import Config, default_config_text, parse_config
from mtqa.core.document import KINDS, Document, SegmentKind
from mtqa.core.flags import SEVERITIES, Severity
from mtqa.errors import InputError
from mtqa.pipeline import check_article

WHERE = "conf/mtqa.toml"
IDENTITY = ("name", "category", "needs_source", "needs_model", "enabled_by", "description", "Options")


# ------------------------------------------------------------------ the declarations


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_check_declares_frozen_options_with_help(name):
    cls = REGISTRY[name]
    assert "Options" in vars(cls), f"{name} declares no Options of its own"
    declared = cls.Options
    assert dataclasses.is_dataclass(declared) and declared.__dataclass_params__.frozen
    assert issubclass(declared, Options)
    fields = dataclasses.fields(declared)
    assert fields[0].name == "severity"
    for f in fields:
        assert f.metadata.get("help", "").strip(), (name, f.name)
        assert "\n" not in f.metadata["help"], (name, f.name)
    check = cls()
    assert isinstance(check.options, declared) and check.options == declared()
    assert check.severity == check.options.severity in SEVERITIES
    with pytest.raises(dataclasses.FrozenInstanceError):
        check.options.severity = "info"
    # Identity is the class's, never a setting.
    assert not {f.name for f in fields} & set(IDENTITY)


def test_vocabularies_typed_as_literals_match_their_constants():
    assert get_args(GroupName) == GROUPS
    assert get_args(SegmentKind) == KINDS
    grammar = {s.name: s for s in settings_of(GrammarCheck, include_data=True)}
    assert grammar["groups"].choices == GROUPS and grammar["group_severity"].choices == GROUPS
    assert grammar["skip_kinds"].choices == KINDS and grammar["severity"].choices == SEVERITIES
    assert grammar["executable"].config is False and "executable" not in defaults_of(GrammarCheck)
    assert grammar["timeout"].type_name == "float" and grammar["groups"].type_name == "tuple[choice, ...]"


def test_a_severity_default_serialises_as_a_plain_string():
    assert json.dumps(describe(LengthCheck)["settings"][0]) == json.dumps(
        {"name": "severity", "type": "severity", "default": "major",
         "help": "a source sentence with no translation, or the reverse", "choices": list(SEVERITIES)})
    assert 'severity = "major"' in default_config_text()


def test_describe_gives_what_mtqa_checks_lists():
    for name, cls in REGISTRY.items():
        about = describe(cls)
        json.dumps(about)
        assert about["name"] == name and about["category"] == cls.category
        assert about["severity"] == cls().severity and about["summary"] == cls().description
        assert about["description"].startswith(about["summary"].split("(")[0].strip())
        assert [s["name"] for s in about["settings"]] == [s.name for s in settings_of(cls)]
        assert all(s["help"] for s in about["settings"])
    assert describe(REGISTRY["termbase"])["enabled_by"] == "terms"
    assert describe(REGISTRY["back-translation"])["needs_model"] is True


# ------------------------------------------------------------------ what a configuration may set


@pytest.mark.parametrize("key", ["name", "category", "needs_source", "needs_model", "enabled_by", "description"])
def test_configuration_cannot_set_a_check_identity(key):
    with pytest.raises(InputError) as info:
        parse_config({"checks": {"numbers": {key: "x"}}}, WHERE)
    message = str(info.value)
    assert message.startswith(f"{WHERE}: [checks.numbers] unknown setting {key!r} (known: ")
    assert "\n" not in message
    with pytest.raises(ValueError, match=f"has no option {key!r}"):
        REGISTRY["numbers"](**{key: "x"})
    assert REGISTRY["numbers"]().name == "numbers"


def test_data_settings_are_passed_by_mtqa_not_by_the_file():
    with pytest.raises(InputError, match=r"^conf/mtqa\.toml: \[checks\.termbase\] terms cannot be set in a "
                                         r"configuration file: .*\[\[termbase\.terms\]\]"):
        parse_config({"checks": {"termbase": {"terms": []}}}, WHERE)
    with pytest.raises(InputError, match=r"\[checks\.grammar\] executable cannot be set in a configuration file"):
        parse_config({"checks": {"grammar": {"executable": "/bin/sh"}}}, WHERE)
    # ... while Python code and build_checks pass them.
    assert GrammarCheck(executable="/opt/grammalecte").options.executable == "/opt/grammalecte"
    config = parse_config({"termbase": {"terms": [{"nb": "kamp", "fr": "combat"}]},
                           "checks": {"termbase": {"severity": "major"}}})
    (termbase,) = [c for c in config.build_checks() if c.name == "termbase"]
    assert termbase.options.terms == (Term("kamp", ("combat",)),) and termbase.options.severity == "major"


def test_termbase_is_in_the_default_selection_only_with_terms():
    assert "termbase" not in [c.name for c in build_checks()]
    assert "termbase" not in [c.name for c in build_checks(options={"termbase": {"severity": "major"}})]
    assert "termbase" in [c.name for c in build_checks(options={"termbase": {"terms": (Term("a", ("b",)),)}})]
    given = REGISTRY["termbase"].Options(terms=(Term("a", ("b",)),))
    assert [c.options for c in build_checks(options={"termbase": given}) if c.name == "termbase"] == [given]
    (named,) = build_checks(["termbase"])
    assert named.unavailable() and named.options.terms == ()


@pytest.mark.parametrize("table, value, message", [
    ("length", {"omission_z": "high"}, r"omission_z must be a number, not 'high'"),
    ("length", {"omission_z": float("nan")}, r"omission_z = nan: not a finite number"),
    ("length", {"addition_z": 1e309}, r"addition_z = inf: not a finite number"),
    ("length", {"addition_z": 10 ** 400}, r"addition_z = \d+: not a finite number"),
    ("length", {"omission_z": -1}, r"omission_z = -1: must be at least 0"),
    ("length", {"min_difference": 2.5}, r"min_difference must be an integer, not 2\.5"),
    ("length", {"min_difference": True}, r"min_difference must be an integer, not True"),
    ("length", {"ratio_severity": "low"}, r"ratio_severity = 'low': not a severity \(use one of info, minor, "),
    ("length", {"colour": 1}, r"unknown setting 'colour' \(known: addition_z, min_difference, omission_z, "),
    ("back-translation", {"major_below": 120}, r"major_below = 120: must be at most 100"),
    ("coverage", {"omission_threshold": float("inf")}, r"omission_threshold = inf: not a finite number"),
    ("coverage", {"omission_threshold": "model"}, r"omission_threshold must be a number"),
    ("untranslated", {"mixed_share": 1.5}, r"mixed_share = 1\.5: must be at most 1"),
    ("grammar", {"groups": ["grammar", "style"]}, r"groups: unknown value 'style' \(known: grammar, confusion, "),
    ("grammar", {"groups": "grammar"}, r"groups must be a list of non-empty strings, not 'grammar'"),
    ("grammar", {"skip_kinds": ["ui", "footer"]}, r"skip_kinds: unknown value 'footer' \(known: headline, "),
    ("grammar", {"rules_off": [3]}, r"rules_off must be a list of non-empty strings"),
    ("grammar", {"group_severity": {"style": "minor"}}, r"group_severity: unknown key 'style'"),
    ("grammar", {"group_severity": {"grammar": "fatal"}}, r"group_severity\.grammar = 'fatal': not a severity"),
    ("grammar", {"proper_noun_guard": "yes"}, r"proper_noun_guard must be true or false, not 'yes'"),
    ("grammar", {"chunk_segments": 0}, r"chunk_segments = 0: must be at least 1"),
])
def test_a_bad_value_is_one_line_naming_file_and_table(table, value, message):
    with pytest.raises(InputError) as info:
        parse_config({"checks": {table: value}}, WHERE)
    text = str(info.value)
    assert "\n" not in text and text.startswith(f"{WHERE}: [checks.{table}] "), text
    assert re.search(message, text), text


def test_a_group_severity_that_is_not_a_table_names_its_own_table():
    with pytest.raises(InputError, match=r"^conf/mtqa\.toml: \[checks\.grammar\.group_severity\] must be a table"):
        parse_config({"checks": {"grammar": {"group_severity": "major"}}}, WHERE)


def test_values_are_converted_to_their_declared_types():
    assert coerce(LengthCheck, "omission_z", 1, WHERE) == 1.0 and isinstance(coerce(LengthCheck, "omission_z", 1), float)
    assert coerce(LengthCheck, "ratio_severity", "major") is Severity.MAJOR
    assert coerce(GrammarCheck, "groups", ["grammar"]) == ("grammar",)
    assert coerce(GrammarCheck, "group_severity", {"other": "info"}) == {"other": Severity.INFO}
    config = parse_config({"checks": {"grammar": {"groups": ["confusion"], "group_severity": {"confusion": "major"}},
                                      "length": {"omission_z": 1}}})
    checks = {c.name: c for c in config.build_checks()}
    assert checks["grammar"].options.groups == ("confusion",)
    assert checks["grammar"].options.group_severity == {"confusion": "major"}
    assert checks["length"].options.omission_z == 1.0
    assert config.check_settings()["length"] == {**defaults_of(LengthCheck), "omission_z": 1.0}


def test_options_built_in_python_are_checked_against_their_choices():
    with pytest.raises(ValueError, match=r"check 'grammar': groups: unknown value 'nonsense'"):
        GrammarCheck(groups=("grammar", "nonsense"))
    with pytest.raises(ValueError, match=r"group_severity\.grammar: unknown value 'fatal'"):
        GrammarCheck(group_severity={"grammar": "fatal"})
    with pytest.raises(ValueError, match=r"severity: unknown value 'severe'"):
        LengthCheck.Options(severity="severe")
    with pytest.raises(ValueError, match=r"has no option 'colour' \(known: severity, ratio_severity, "):
        LengthCheck(colour=1)
    with pytest.raises(TypeError):
        LengthCheck(GrammarCheck.Options())


# ------------------------------------------------------------------ mtqa init


def test_the_template_lists_every_setting_with_its_help_and_loads_back_to_the_defaults():
    text = default_config_text()
    assert parse_config(tomllib.loads(text)).check_settings() == Config().check_settings()
    for name, cls in REGISTRY.items():
        table = text.split(f"[checks.{name}]\n")[1].split("\n[")[0]
        lines = table.splitlines()
        for setting in settings_of(cls):
            key = f"# {setting.name} = (not set by default)" if setting.default is None else f"{setting.name} = "
            at = next(i for i, line in enumerate(lines) if line.startswith(key))
            comment = []
            for line in reversed(lines[:at]):
                if not line.startswith("# ") or line.endswith("= (not set by default)"):
                    break
                comment.insert(0, line[2:])
            assert " ".join(comment) == " ".join(setting.help.split()), (name, setting.name)
        for setting in settings_of(cls, include_data=True):
            if not setting.config:
                assert f"\n{setting.name} = " not in table


# ------------------------------------------------------------------ a new check


def test_a_new_check_is_configurable_by_declaring_its_options(monkeypatch):
    class ShoutCheck(Check):
        """Lines in capitals (a probe check declared in a test)."""

        name = "shout"
        category = "style/kicker"

        @dataclass(frozen=True)
        class Options(Check.Options):
            severity: Severity = field(default=Severity.MINOR, metadata={"help": "a line in capitals"})
            min_letters: int = field(default=6, metadata={"help": "shorter lines are never shouting", "min": 1})
            share: float = field(default=0.9, metadata={"help": "share of capitals", "min": 0.0, "max": 1.0})
            kinds: tuple[SegmentKind, ...] = field(default=("body",), metadata={"help": "segment kinds looked at"})
            mode: Literal["flag", "count"] = field(default="flag", metadata={"help": "what to report"})
            ignore_digits: bool = field(default=True, metadata={"help": "digits count as neither"})

        def run(self, data):
            for seg in data.target:
                letters = [c for c in seg.text if c.isalpha()]
                if (seg.kind in self.options.kinds and len(letters) >= self.options.min_letters
                        and sum(c.isupper() for c in letters) >= self.options.share * len(letters)):
                    yield self.flag(seg, "line in capitals")

    monkeypatch.setitem(REGISTRY, "shout", ShoutCheck)
    config = parse_config(tomllib.loads("""
[checks.shout]
severity = "major"
min_letters = 3
share = 1
kinds = ["body", "headline"]
mode = "count"
"""), WHERE)
    assert config.checks["shout"] == {"severity": "major", "min_letters": 3, "share": 1.0,
                                      "kinds": ("body", "headline"), "mode": "count"}
    (check,) = config.build_checks(["shout"])
    assert check.options == ShoutCheck.Options(severity="major", min_letters=3, share=1.0,
                                               kinds=("body", "headline"), mode="count")
    result = check_article(Document("fr", ("ATTENTION ICI", "Rien à signaler.")), checks=[check])
    assert [(f.check, f.severity, f.line) for f in result.flags] == [("shout", "major", 1)]
    with pytest.raises(InputError, match=r"^conf/mtqa\.toml: \[checks\.shout\] mode = 'loud': not one of flag, count$"):
        parse_config({"checks": {"shout": {"mode": "loud"}}}, WHERE)
    with pytest.raises(InputError, match=r"\[checks\.shout\] min_letters = 0: must be at least 1"):
        parse_config({"checks": {"shout": {"min_letters": 0}}}, WHERE)
    with pytest.raises(InputError, match=r"\[checks\.shout\] unknown setting 'name'"):
        parse_config({"checks": {"shout": {"name": "numbers"}}}, WHERE)
    text = default_config_text()
    assert "[checks.shout]\n# a line in capitals\nseverity = \"minor\"\n" in text
    assert '# what to report\nmode = "flag"\n' in text and "kinds = [\"body\"]" in text
    assert parse_config(tomllib.loads(text)).check_settings()["shout"] == defaults_of(ShoutCheck)
    assert describe(ShoutCheck)["settings"][4]["choices"] == ["flag", "count"]
