"""Configuration as users write it: mtqa.toml / [tool.mtqa] discovery, precedence over the command
line, per-check settings, severity overrides, the termbase, suppressions, `mtqa init`, and one-line
errors for every mistake in the file."""

import json
import os
import re
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO, mtqa_main
from mtqa.checks import REGISTRY, Check, build_checks
from mtqa.checks.length import LengthCheck
from mtqa.checks.options import settings_of
from mtqa.config import Config, apply_config, default_config_text, find_config, load_config, parse_config
from mtqa.core.document import Document
from mtqa.errors import InputError
from mtqa.core.flags import segment_hash
from mtqa.pipeline import check_article

WAR_NB = "Russiske soldater i harde kamper ved fronten."
WAR_FR_BAD = "Des soldats russes dans des matchs difficiles sur le front."
WAR_FR_GOOD = "Des soldats russes dans de durs combats sur le front."
TERMBASE = """
[[termbase.terms]]
nb = "kamp"
fr = ["combat", "combats"]
context = ["krig", "soldat", "front"]
"""
# A major (a number changed) on line 1 and a minor (a Norwegian dash quote) on line 2.
NUMBERS_NB = ["Strømmen gikk for 25 000 husstander i går kveld.", "– Det er alvorlig, sier ordføreren."]
NUMBERS_FR = ["Le courant a été coupé pour 2 500 foyers hier soir.", "– C'est grave, dit le maire."]


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder (a git repository root, so discovery stays inside it) as the current folder."""
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str | list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if isinstance(text, str) else "\n".join(text) + "\n", encoding="utf-8")
    return path


cli = mtqa_main  # `mtqa ARGS` in this process: (exit status, stdout, stderr)


def json_report(capsys, *args) -> tuple[int, dict]:
    code, out, err = cli(capsys, "check", *args, "-f", "json")
    assert code in (0, 1), err
    return code, json.loads(out)


def flags_of(target: str, source: str, config: Config):
    result = check_article(Document("fr", (target,)), Document("nb", (source,)), checks=config.build_checks())
    return apply_config(result, config).flags


# ------------------------------------------------------------------ discovery


def test_mtqa_toml_is_found_in_a_parent_folder(project):
    write(project / "mtqa.toml", 'fail_on = "minor"\n')
    deep = project / "articles" / "2024"
    deep.mkdir(parents=True)
    assert find_config(deep) == project / "mtqa.toml"
    config = load_config(None, deep)
    assert config.fail_on == "minor" and config.path == project / "mtqa.toml"


def test_pyproject_tool_table_is_used_and_a_pyproject_without_it_is_passed_over(project):
    write(project / "pyproject.toml", '[project]\nname = "news"\n\n[tool.mtqa]\nmin_severity = "major"\n')
    sub = project / "desk"
    write(sub / "pyproject.toml", '[project]\nname = "desk"\n')  # no [tool.mtqa]: keep looking upwards
    assert find_config(sub) == project / "pyproject.toml"
    assert load_config(None, sub).min_severity == "major"
    write(project / "mtqa.toml", 'min_severity = "minor"\n')  # mtqa.toml wins in the same folder
    assert load_config(None, sub).min_severity == "minor"


def test_search_stops_at_the_repository_root(tmp_path):
    write(tmp_path / "mtqa.toml", 'fail_on = "info"\n')
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    assert find_config(repo / "src") is None
    assert load_config(None, repo / "src") == Config()


def test_no_configuration_keeps_the_built_in_behaviour(project):
    assert load_config(None, project) == Config()
    names = [c.name for c in Config().build_checks()]
    assert names == [c.name for c in build_checks()] and "termbase" not in names


def test_discovery_from_the_current_folder_end_to_end(project):
    """A real `mtqa` process started in a subfolder finds the project's mtqa.toml."""
    write(project / "mtqa.toml", 'fail_on = "critical"\n')
    fr = write(project / "a" / "x.fr.txt", NUMBERS_FR)
    nb = write(project / "a" / "x.nb.txt", NUMBERS_NB)
    env = {k: v for k, v in os.environ.items() if k != "MTQA_DEBUG"}
    def run(*extra):
        return subprocess.run([sys.executable, "-m", "mtqa", "check", fr.name, "-s", nb.name, "-f", "json",
                               "--enable", "numbers,quotation", *extra],
                              capture_output=True, text=True, cwd=fr.parent, env=env, timeout=120)
    proc = run()
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["summary"]["fail_on"] == "critical"
    assert run("--fail-on", "major").returncode == 1


# ------------------------------------------------------------------ precedence and settings


def test_command_line_options_win_over_the_configuration(project, capsys):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    write(project / "mtqa.toml", '[checks]\ndisable = ["numbers"]\n')
    code, report = json_report(capsys, fr, "-s", nb)
    assert code == 0 and "numbers" not in report["summary"]["checks_run"]
    assert report["summary"]["by_severity"] == {"minor": 1}
    code, report = json_report(capsys, fr, "-s", nb, "--enable", "numbers,quotation")  # --enable re-enables
    assert code == 1 and report["summary"]["checks_run"] == ["numbers", "quotation"]
    write(project / "mtqa.toml", 'fail_on = "minor"\n[checks]\nenable = ["quotation"]\n')
    code, report = json_report(capsys, fr, "-s", nb)
    assert code == 1 and report["summary"]["fail_on"] == "minor" and report["summary"]["checks_run"] == ["quotation"]
    code, report = json_report(capsys, fr, "-s", nb, "--fail-on", "major")
    assert code == 0 and report["summary"]["fail_on"] == "major"
    code, report = json_report(capsys, fr, "-s", nb, "--disable", "numbers")  # config enable list still applies
    assert report["summary"]["checks_run"] == ["quotation"]


def test_min_severity_from_the_configuration_and_from_the_command_line(project, capsys):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    write(project / "mtqa.toml", 'min_severity = "major"\n')
    code, out, _ = cli(capsys, "check", fr, "-s", nb)
    assert code == 1 and "accuracy/number" in out and "locale/quotation" not in out
    code, out, _ = cli(capsys, "check", fr, "-s", nb, "--min-severity", "info")
    assert "locale/quotation" in out


def test_per_check_settings_reach_the_checks(project):
    config = parse_config(tomllib.loads("""
[checks.length]
omission_z = 1
min_difference = 5
[checks.back-translation]
major_below = 25
minor_below = 40.5
[checks.numbers]
severity = "minor"
"""))
    checks = {c.name: c for c in config.build_checks()}
    length = checks["length"].options
    assert length.omission_z == 1.0 and isinstance(length.omission_z, float)
    assert length.min_difference == 5 and length.addition_z == LengthCheck.Options().addition_z
    bt = checks["back-translation"].options
    assert (bt.major_below, bt.minor_below) == (25.0, 40.5)
    flags = flags_of(NUMBERS_FR[0], NUMBERS_NB[0], config)
    assert [(f.check, f.severity) for f in flags] == [("numbers", "minor")]


def test_a_setting_unset_by_default_takes_the_type_its_annotation_names(monkeypatch):
    class Probe(Check):
        """A probe."""
        name = "probe"

        @dataclass(frozen=True)
        class Options(Check.Options):
            limit: float | None = field(default=None, metadata={"help": "unset: a learnt value"})
            label: str | None = field(default=None, metadata={"help": "a label"})

    monkeypatch.setitem(REGISTRY, "probe", Probe)
    config = parse_config({"checks": {"probe": {"limit": 1, "label": "x"}}})
    assert config.checks["probe"] == {"limit": 1.0, "label": "x"}
    with pytest.raises(InputError, match=r"\[checks\.probe\] limit must be a number"):
        parse_config({"checks": {"probe": {"limit": "high"}}})
    assert "# limit = (not set by default)" in default_config_text()


def test_length_thresholds_change_what_is_flagged():
    nb = "Regjeringen la fram et forslag om å øke skattene for de rikeste i landet fra neste år."
    fr = "Le gouvernement a proposé une hausse des impôts pour les plus riches."
    assert not [f for f in flags_of(fr, nb, Config()) if f.check == "length"]
    strict = parse_config({"checks": {"length": {"omission_z": 0.5, "min_difference": 5}}})
    # The omission is one flag: the length flag itself, or the evidence of the coverage flag on the same span.
    found = [(f.category, f.check) for f in flags_of(fr, nb, strict) for m in [{"check": f.check}, *f.evidence.get("merged", [])]
             if m["check"] == "length"]
    assert [c for c, _ in found] == ["accuracy/omission"]


def test_severity_override_applies_to_a_flag_category(project, capsys):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    write(project / "mtqa.toml", '[severity]\n"locale/quotation" = "info"\n"accuracy/number" = "minor"\n')
    code, report = json_report(capsys, fr, "-s", nb)
    assert code == 0
    assert {(f["category"], f["severity"]) for f in report["flags"]} == {("locale/quotation", "info"),
                                                                       ("accuracy/number", "minor")}


# ------------------------------------------------------------------ termbase


@pytest.mark.parametrize("fr, flagged", [(WAR_FR_BAD, True), (WAR_FR_GOOD, False)])
def test_termbase_flags_a_term_rendered_otherwise(fr, flagged):
    config = parse_config(tomllib.loads(TERMBASE))
    termbase = [f for f in flags_of(fr, WAR_NB, config) if f.check == "termbase"]
    assert bool(termbase) == flagged
    if flagged:
        (flag,) = termbase
        assert (flag.category, flag.severity, flag.line) == ("terminology", "minor", 1)
        assert flag.evidence["term"] == "kamp" and flag.evidence["source_form"] == "kamper"
        assert flag.evidence["expected"] == ["combat", "combats"]
        assert flag.evidence["context"] == ["fronten", "soldater"]


def test_termbase_needs_its_context_words():
    config = parse_config(tomllib.loads(TERMBASE))
    nb, fr = "Lagene møttes i harde kamper i serien.", "Les équipes se sont affrontées dans des matchs difficiles."
    assert not [f for f in flags_of(fr, nb, config) if f.check == "termbase"]
    # Context within 3 source lines counts too; further away it does not.
    src = Document("nb", ("Krigen i Ukraina.", "", "", "Harde kamper i natt.", "", "", "", "", "Slutt."))
    tgt = Document("fr", ("La guerre en Ukraine.", "", "", "Des matchs difficiles cette nuit.", "", "", "", "", "Fin."))
    flags = apply_config(check_article(tgt, src, checks=config.build_checks(["termbase"])), config).flags
    assert [(f.line, f.evidence["context"]) for f in flags] == [(4, ["krigen"])]
    far = Document("nb", ("Krigen i Ukraina.", "", "", "", "", "Harde kamper i natt."))
    far_fr = Document("fr", ("La guerre en Ukraine.", "", "", "", "", "Des matchs difficiles cette nuit."))
    assert not check_article(far_fr, far, checks=config.build_checks(["termbase"])).flags


def test_termbase_renderings_ignore_case_and_accents_and_accept_inflections():
    config = parse_config({"termbase": {"terms": [{"nb": "hær", "fr": "armée"}]}})
    nb = "Hæren trakk seg tilbake."
    assert not flags_of("LES ARMEES se sont retirées.", nb, config)
    assert [f.evidence["source_form"] for f in flags_of("Les troupes se sont retirées.", nb, config)] == ["Hæren"]


def test_termbase_check_runs_only_when_terms_are_configured(project, capsys):
    assert "termbase" in [c.name for c in parse_config(tomllib.loads(TERMBASE)).build_checks()]
    fr, nb = write(project / "w.fr.txt", [WAR_FR_BAD]), write(project / "w.nb.txt", [WAR_NB])
    code, report = json_report(capsys, fr, "-s", nb, "--enable", "termbase")
    assert report["summary"]["checks_skipped"] == {"termbase": "no termbase configured ([[termbase.terms]] in mtqa.toml)"}
    write(project / "mtqa.toml", TERMBASE + '\n[checks.termbase]\nseverity = "major"\n')
    code, report = json_report(capsys, fr, "-s", nb, "--enable", "termbase")
    assert code == 1 and [(f["check"], f["severity"]) for f in report["flags"]] == [("termbase", "major")]


# ------------------------------------------------------------------ suppressions


def test_a_suppression_silences_exactly_the_matching_flag(project, capsys):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    code, before = json_report(capsys, fr, "-s", nb)
    assert code == 1
    number = next(f for f in before["flags"] if f["check"] == "numbers")
    assert number["segment_hash"] == segment_hash(NUMBERS_FR[0])[:16] and number["suppressed"] is None
    write(project / "mtqa.toml", f"""
[[suppress]]
line_hash = "{number['segment_hash'][:10]}"
check = "numbers"
reason = "figure checked with the desk"

[[suppress]]
line_hash = "{number['segment_hash']}"
check = "quotation"
reason = "never matches: no quotation flag on that line"
""")
    code, after = json_report(capsys, fr, "-s", nb)
    assert code == 0  # the only major flag is suppressed
    assert [f["suppressed"] for f in after["flags"]] == [
        "figure checked with the desk" if f["check"] == "numbers" else None for f in before["flags"]]
    def strip(flags):
        return [{k: v for k, v in f.items() if k != "suppressed"} for f in flags]
    assert strip(after["flags"]) == strip(before["flags"])
    summary = after["summary"]
    assert summary["suppressed"] == 1 and summary["flags"] == before["summary"]["flags"] - 1
    assert summary["verdict"] == "pass" and summary["flagged_lines"] == 1 and summary["by_severity"] == {"minor": 1}
    assert before["summary"]["suppressed"] == 0
    jsonschema.validate(after, json.loads((REPO / "docs" / "report-schema.json").read_text()))
    assert after["report_version"] == "1.2"
    code, _ = json_report(capsys, fr, "-s", nb, "--fail-on", "minor")
    assert code == 1  # the flag that is not suppressed still counts
    code, out, _ = cli(capsys, "check", fr, "-s", nb)
    assert code == 0 and "suppressed: figure checked with the desk" in out
    assert re.search(r"1 flag on 1 line \(1 minor\); 1 suppressed", " ".join(out.split()))


def test_pattern_suppression_with_category():
    config = parse_config(tomllib.loads("""
[[suppress]]
pattern = "^–"
category = "locale/quotation"
reason = "dash quotes are house style"
"""))
    result = check_article(Document("fr", tuple(NUMBERS_FR)), Document("nb", tuple(NUMBERS_NB)),
                           checks=config.build_checks(["numbers", "quotation"]))
    flags = apply_config(result, config).flags
    assert [(f.check, f.suppressed) for f in flags] == [("numbers", None),
                                                        ("quotation", "dash quotes are house style")]


# ------------------------------------------------------------------ mtqa init


def test_init_writes_a_default_that_loads_back_to_the_built_in_defaults(project, capsys):
    code, out, _ = cli(capsys, "init")
    assert code == 0 and out.strip() == "wrote mtqa.toml"
    text = (project / "mtqa.toml").read_text(encoding="utf-8")
    loaded = load_config(None, project)
    assert loaded.path == project / "mtqa.toml"
    assert loaded.check_settings() == Config().check_settings()
    assert (loaded.fail_on, loaded.min_severity, loaded.enable, loaded.disable, loaded.severity, loaded.terms,
            loaded.suppress) == ("major", "info", (), (), {}, (), ())
    for name, cls in REGISTRY.items():  # every setting is written, after a line explaining it
        table = text.split(f"[checks.{name}]\n")[1].split("\n[")[0]
        for setting in settings_of(cls):
            key = setting.name
            written = f"# {key} = (not set by default)" if setting.default is None else f"{key} = "
            assert re.search(rf"# {re.escape(setting.help[:30])}[^\n]*\n(# [^\n]+\n)*{re.escape(written)}",
                             table), (name, key)
    assert "kamp" in text and "combat" in text and "[[suppress]]" in text


def test_init_examples_are_valid_configuration_once_uncommented():
    text = default_config_text()
    uncommented = re.sub(r"^# (\[\[termbase\.terms\]\]|\[\[suppress\]\]|nb = |fr = |context = |line_hash = |"
                         r"pattern = |check = |category = |reason = |\"locale/quotation\" = )",
                         r"\1", text, flags=re.M)
    config = parse_config(tomllib.loads(uncommented))
    assert [(t.nb, t.fr, t.context) for t in config.terms] == [("kamp", ("combat", "combats"),
                                                                ("krig", "soldat", "front"))]
    assert len(config.suppress) == 2 and config.severity == {"locale/quotation": "info"}


def test_init_refuses_to_overwrite_without_force(project, capsys):
    target = write(project / "conf" / "mtqa.toml", "fail_on = 'info'\n")
    code, _, err = cli(capsys, "init", project / "conf")
    assert code == 2 and "already exists" in err and len(err.strip().splitlines()) == 1
    assert target.read_text() == "fail_on = 'info'\n"
    code, _, _ = cli(capsys, "init", "--force", target)
    assert code == 0 and target.read_text(encoding="utf-8") == default_config_text()
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    code, _, err = cli(capsys, "init", "--force", project / "pyproject.toml")
    assert code == 2 and not (project / "pyproject.toml").exists()


# ------------------------------------------------------------------ bad configuration


@pytest.mark.parametrize("text, message", [
    ('fail_on = "major"\n[checks\n', r"^mtqa: error: mtqa\.toml: invalid TOML: .*\(at line 2, column \d+\)$"),
    ("colour = 'red'\n", r"^mtqa: error: mtqa\.toml: unknown setting 'colour' \(known: checks, fail_on, "),
    ("[checks.length]\nfoo = 1\n", r"^mtqa: error: mtqa\.toml: \[checks\.length\] unknown setting 'foo' "
                                   rf"\(known: {', '.join(sorted(s.name for s in settings_of(LengthCheck)))}\)$"),
    ("[checks.length]\nomission_z = 'high'\n", r"\[checks\.length\] omission_z must be a number"),
    ("[checks.untranslated]\nmin_words = 2.5\n", r"\[checks\.untranslated\] min_words must be an integer"),
    ("[checks.length]\nomission_z = nan\n", r"\[checks\.length\] omission_z = nan: not a finite number$"),
    ("[checks.length]\naddition_z = 1e309\n", r"\[checks\.length\] addition_z = inf: not a finite number$"),
    ("[checks.numbers]\ncategory = 'style/kicker'\n", r"\[checks\.numbers\] unknown setting 'category'"),
    ("[checks.grammar]\nexecutable = '/bin/sh'\n", r"\[checks\.grammar\] executable cannot be set in a configuration"),
    ("[checks.kicker]\nseverity = 'severe'\n", r"\[checks\.kicker\] severity = 'severe': not a severity"),
    ("[checks.grammar]\ngroups = ['grammar', 'style']\n", r"groups: unknown value 'style'"),
    ("[checks.nope]\nseverity = 'minor'\n", r"\[checks\] unknown check 'nope'"),
    ("[checks]\nenable = ['numbers', 'spelling']\n", r"\[checks\] enable: unknown value 'spelling'"),
    ("min_severity = 'loud'\n", r"min_severity = 'loud': not a severity"),
    ("[severity]\n'locale/quotes' = 'info'\n", r"\[severity\] unknown flag category 'locale/quotes'"),
    ("[severity]\n'locale/quotation' = 'low'\n", r"\[severity\] 'locale/quotation' = 'low': not a severity"),
    ("[[suppress]]\npattern = '(unclosed'\nreason = 'x'\n", r"pattern '\(unclosed': invalid regular expression"),
    ("[[suppress]]\npattern = 'Voir plus'\n", r"\[\[suppress\]\] #1 needs a reason"),
    ("[[suppress]]\nreason = 'because'\n", r"needs line_hash .* or pattern"),
    ("[[suppress]]\nline_hash = 'abc'\nreason = 'x'\n", r"line_hash 'abc': expected 8 to 64 hex digits"),
    ("[[suppress]]\npattern = 'x'\ncheck = 'numbrs'\nreason = 'x'\n", r"unknown check 'numbrs'"),
    ("[[termbase.terms]]\nnb = 'kamp'\n", r"needs fr = "),
    ("[[termbase.terms]]\nnb = 'kamp'\nfr = ['combat']\nwhen = 'war'\n", r"unknown setting 'when'"),
])
def test_bad_configuration_is_one_line_and_exit_2(project, capsys, text, message):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    write(project / "mtqa.toml", text)
    code, out, err = cli(capsys, "check", fr, "-s", nb)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and re.search(message, err.strip()), err


def test_bad_config_option_paths(project, capsys):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    for args, message in [(["--config", "missing.toml"], "missing.toml: configuration file not found"),
                          (["--config", "."], "is a directory"),
                          (["--config", write(project / "pyproject.toml", "[project]\nname = 'x'\n")],
                           "pyproject.toml: no [tool.mtqa] table")]:
        code, _, err = cli(capsys, "check", fr, "-s", nb, *args)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1
    (project / "latin1.toml").write_bytes("fail_on = 'minør'\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_config(project / "latin1.toml", project)


def test_explicit_config_file_is_used_instead_of_discovery(project, capsys):
    fr, nb = write(project / "x.fr.txt", NUMBERS_FR), write(project / "x.nb.txt", NUMBERS_NB)
    write(project / "mtqa.toml", "[checks.nope]\n")  # would be an error if it were read
    write(project / "ci.toml", 'fail_on = "critical"\n')
    code, report = json_report(capsys, fr, "-s", nb, "--config", project / "ci.toml")
    assert code == 0 and report["summary"]["fail_on"] == "critical"


def test_the_readme_example_is_valid_configuration():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### Configuration.*?```toml\n(.*?)```", readme, re.S).group(1)
    config = parse_config(tomllib.loads(block), "README.md")
    assert config.terms and config.suppress and config.severity and config.checks
