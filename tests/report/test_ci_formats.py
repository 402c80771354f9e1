"""The CI report formats (`mtqa check -f junit|sarif|github|csv`), read back the way CI tools read them."""

import csv
import dataclasses
import io
import json
import re

import jsonschema
import pytest
from junitparser import Failure, JUnitXml

from conftest import REPO, SEED_FR, SEED_NB
from mtqa.cli import main
from mtqa.core.document import Document
from mtqa.core.flags import Flag, at_least
from mtqa.readers import read_document
from mtqa.pipeline import check_article
from mtqa.report import RENDERERS, renderer
from mtqa.report.csv_report import COLUMNS, render_csv
from mtqa.report.github_report import escape_data, escape_property, render_github
from mtqa.report.json_report import report_dict
from mtqa.report.junit_report import render_junit
from mtqa.report.sarif_report import render_sarif

SEED_REL = "corpora/fr/dagbladet-russland-nekter.fr.txt"
CI_FORMATS = ("junit", "sarif", "github", "csv")
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# The TC's schema declares draft 2020-12; its `language` patterns use a regex Python rejects, so
# the validator is built directly (jsonschema.validate would meta-check the schema first).
SARIF_VALIDATOR = jsonschema.Draft202012Validator(SARIF_SCHEMA,
                                                  format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def seed():
    """The sample article checked against its source, under the relative path a CI job gives."""
    fr = dataclasses.replace(read_document(SEED_FR), path=SEED_REL)
    return check_article(fr, read_document(SEED_NB))


@pytest.fixture(scope="module")
def clean():
    """Six correctly translated paragraphs of the sample: no flag at all."""
    fr, nb = read_document(SEED_FR), read_document(SEED_NB)
    keep = (0, 1, 4, 7, 10, 11)
    result = check_article(Document("clean.fr.txt", tuple(fr.lines[i] for i in keep)),
                    Document("clean.nb.txt", tuple(nb.lines[i] for i in keep)))
    assert result.flags == []
    return result


TRICKY_LINES = (
    "😀 Selon Telegram, « il a dit “oui”, puis non ». Deuxième phrase, avec 100 % de virgules.",
    "Une ligne <b>&amp;</b> sans problème.",
)


@pytest.fixture(scope="module")
def tricky():
    """A result whose flags carry every character the formats must escape: , " % : < & and a
    newline in the message, an emoji before the span (UTF-16 columns), a path with , and :."""
    doc = Document("odd dir, v1: 100%/article.fr.txt", TRICKY_LINES)
    base = check_article(doc, None, checks=[])
    line1 = TRICKY_LINES[0]
    start = line1.index("Telegram")
    flags = [
        Flag(check="named-entity", category="accuracy/named-entity", severity="major", line=1,
             message="name 'Telegram' altered: 100% sure,\nreally: \"yes\"\r<&>", text=line1,
             source_text='Ifølge Telegram, «han sa "ja", så nei».', segment=0, span=(start, start + 8),
             evidence={"source_name": "Telegram", "note": "a, b; \"c\""}),
        Flag(check="quotation", category="locale/quotation", severity="minor", line=1,
             message="English quotes “…”", text=line1, source_text="", segment=0, span=(0, len(line1))),
        Flag(check="credits", category="non-content/boilerplate", severity="info", line=2,
             message="markup <b> & entities", text=TRICKY_LINES[1], segment=None, span=None),
    ]
    return dataclasses.replace(base, flags=flags)


# --- registry and determinism ---------------------------------------------------------------

def test_every_ci_format_is_registered():
    assert {f: renderer(f).__name__ for f in CI_FORMATS} == {f: f"render_{f}" for f in CI_FORMATS}
    assert set(CI_FORMATS) <= set(RENDERERS)


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_same_input_gives_byte_identical_output(fmt, seed):
    again = check_article(dataclasses.replace(read_document(SEED_FR), path=SEED_REL), read_document(SEED_NB))
    assert renderer(fmt)(seed, "major") == renderer(fmt)(again, "major")


# --- JUnit ----------------------------------------------------------------------------------

def _junit(result, fail_on="major"):
    xml = render_junit(result, fail_on)
    assert xml.startswith("<?xml version='1.0' encoding='utf-8'?>\n")
    suites = list(JUnitXml.fromstring(xml.encode("utf-8")))
    assert len(suites) == 1
    return suites[0]


def test_junit_one_case_per_segment_and_a_failure_per_flag_at_fail_on(seed):
    suite = _junit(seed)
    report = report_dict(seed, "major")
    failing = [f for f in report["flags"] if at_least(f["severity"], "major")]
    assert suite.name == SEED_REL
    assert suite.tests == len(seed.target_segments) == len(list(suite))
    assert suite.failures == len(failing) == 10  # the word-sense flag on the kicker merged into the kicker flag
    stated = (suite.tests, suite.failures)
    suite.update_statistics()  # junitparser recounts from the test cases
    assert (suite.tests, suite.failures) == stated

    got = []
    for case in suite:
        assert case.classname == SEED_REL
        m = re.match(r"line (\d+) segment (\d+): ", case.name)
        assert m, case.name
        for res in case.result:
            assert isinstance(res, Failure)
            got.append((int(m[1]), int(m[2]), res.type, res.message))
    want = [(f["line"], f["segment"], f["category"], f"{f['category']} {f['severity']}: {f['message']}")
            for f in failing]
    assert sorted(got) == sorted(want)


def test_junit_failure_text_carries_source_and_evidence_and_minor_flags_go_to_system_out(seed):
    suite = _junit(seed)
    cases = {c.name.split(":")[0]: c for c in suite}
    line3 = cases["line 3 segment 2"]
    body = line3.result[0].text
    assert "Mediazona" in body and "source: Det uavhengige russiske mediet Mediazona" in body
    assert '"target_word": "Médiazone"' in body
    # line 6: a minor teaser flag, below --fail-on major: reported, not failed
    line6 = cases["line 6 segment 5"]
    assert line6.result == [] and "teaser" in line6.system_out


def test_junit_fail_on_minor_fails_the_minor_flags_too(seed):
    suite = _junit(seed, "minor")
    at_minor = [f for f in seed.flags if f.severity != "info"]
    assert suite.failures == len(at_minor) and len(at_minor) < len(seed.flags)  # the info flag does not fail


def test_junit_clean_article_has_no_failures(clean):
    suite = _junit(clean)
    assert suite.tests == 6 and suite.failures == 0
    assert all(case.result == [] and case.system_out is None for case in suite)


def test_junit_escapes_markup_and_keeps_the_text(tricky):
    suite = _junit(tricky, "major")
    failures = [r for case in suite for r in case.result]
    assert len(failures) == 1
    assert failures[0].message == "accuracy/named-entity major: " + tricky.flags[0].message
    case2 = [c for c in suite if c.name.startswith("line 2: ")][0]  # a flag with no segment
    assert "markup <b> & entities" in case2.system_out


# --- SARIF ----------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(seed, clean, tricky):
    for result in (seed, clean, tricky):
        SARIF_VALIDATOR.validate(json.loads(render_sarif(result, "major")))


def test_sarif_schema_rejects_a_broken_log(seed):
    """The vendored schema has teeth: a result level SARIF does not know is refused."""
    log = json.loads(render_sarif(seed, "major"))
    log["runs"][0]["results"][0]["level"] = "major"
    with pytest.raises(jsonschema.ValidationError):
        SARIF_VALIDATOR.validate(log)
    log = json.loads(render_sarif(seed, "major"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] = "a b.txt"
    with pytest.raises(jsonschema.ValidationError):  # formats are checked too: a URI has no raw spaces
        SARIF_VALIDATOR.validate(log)


def test_sarif_results_say_what_the_json_says(seed):
    log = json.loads(render_sarif(seed, "major"))
    run = log["runs"][0]
    assert log["version"] == "2.1.0"
    assert run["tool"]["driver"]["name"] == "mtqa"
    assert run["invocations"][0]["executionSuccessful"] is True
    rules = run["tool"]["driver"]["rules"]
    flags = report_dict(seed, "major")["flags"]
    assert len(run["results"]) == len(flags)
    levels = {"critical": "error", "major": "error", "minor": "warning", "info": "note"}
    for res, flag in zip(run["results"], flags):
        assert res["ruleId"] == flag["check"] == rules[res["ruleIndex"]]["id"]
        assert res["level"] == levels[flag["severity"]]
        assert res["message"]["text"] == flag["message"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": SEED_REL, "uriBaseId": "%SRCROOT%"}
        region = loc["region"]
        assert region["startLine"] == flag["line"]
        assert (region["startColumn"], region["endColumn"]) == (flag["span"][0] + 1, flag["span"][1] + 1)
        assert res["properties"]["category"] == flag["category"]
        assert res["properties"]["severity"] == flag["severity"]
        assert res["properties"]["source_text"] == flag["source_text"]
        assert res["properties"]["evidence"] == flag["evidence"]
    assert {r["id"] for r in rules} == {f["check"] for f in flags}
    ne = next(r for r in rules if r["id"] == "named-entity")
    assert ne["properties"]["category"] == "accuracy/named-entity"
    skipped = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in skipped] == ["back-translation"]


def test_sarif_columns_count_utf16_code_units(tricky):
    log = json.loads(render_sarif(tricky, "major"))
    run = log["runs"][0]
    assert run["columnKind"] == "utf16CodeUnits"
    region = run["results"][0]["locations"][0]["physicalLocation"]["region"]
    # "😀 Selon Telegram": the emoji is 2 UTF-16 units, so Telegram (code point 8) starts at column 10
    assert TRICKY_LINES[0].index("Telegram") == 8
    assert (region["startColumn"], region["endColumn"]) == (10, 18)
    assert region["snippet"]["text"] == "Telegram"
    # a flag with no span is located by line alone
    assert run["results"][2]["locations"][0]["physicalLocation"]["region"] == {"startLine": 2}
    # a path with spaces, commas and % is percent-encoded, still relative
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "odd%20dir%2C%20v1%3A%20100%25/article.fr.txt", "uriBaseId": "%SRCROOT%"}


def test_sarif_absolute_path_becomes_a_file_uri(seed):
    result = dataclasses.replace(seed, target=dataclasses.replace(seed.target, path="/srv/news/a b.fr.txt"))
    loc = json.loads(render_sarif(result, "major"))["runs"][0]["results"][0]["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"] == {"uri": "file:///srv/news/a%20b.fr.txt"}


def test_sarif_fingerprints_are_unique_and_survive_a_line_moving(tricky):
    def prints(result):
        return [r["partialFingerprints"] for r in json.loads(render_sarif(result, "major"))["runs"][0]["results"]]

    first = prints(tricky)
    assert len({json.dumps(p, sort_keys=True) for p in first}) == len(first)
    # insert a line above: every flag moves down one line, its fingerprint stays
    moved_doc = dataclasses.replace(tricky.target, lines=("Nouvelle ligne.",) + tricky.target.lines)
    moved = dataclasses.replace(tricky, target=moved_doc,
                                flags=[dataclasses.replace(f, line=f.line + 1) for f in tricky.flags])
    assert prints(moved) == first
    # edit the flagged line: its fingerprint changes
    edited_doc = dataclasses.replace(tricky.target, lines=(TRICKY_LINES[0] + " Ajout.", TRICKY_LINES[1]))
    assert prints(dataclasses.replace(tricky, target=edited_doc))[0] != first[0]


# --- GitHub workflow commands ----------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice) ([^:]*)::(.*)$")


def _unescape(text: str) -> str:
    return (text.replace("%2C", ",").replace("%3A", ":").replace("%0A", "\n").replace("%0D", "\r")
            .replace("%25", "%"))


def _parse_commands(text: str) -> list[tuple[str, dict, str]]:
    out = []
    for line in text.splitlines():
        m = COMMAND.match(line)
        assert m, line
        props = dict(p.split("=", 1) for p in m[2].split(","))
        out.append((m[1], {k: _unescape(v) for k, v in props.items()}, _unescape(m[3])))
    return out


def test_github_escaping_follows_the_actions_toolkit():
    assert escape_data("100% a:b,c\r\nd") == "100%25 a:b,c%0D%0Ad"
    assert escape_property("100% a:b,c\r\nd") == "100%25 a%3Ab%2Cc%0D%0Ad"
    assert escape_data("%0A") == "%250A"  # an escape-like text survives a round trip


def test_github_one_annotation_per_flag_parsed_back(tricky):
    text = render_github(tricky, "major")
    assert text.count("\n") == len(tricky.flags)  # newlines in messages are all escaped
    parsed = _parse_commands(text)
    assert [level for level, _, _ in parsed] == ["error", "warning", "notice"]
    level, props, message = parsed[0]
    assert props["file"] == "odd dir, v1: 100%/article.fr.txt"
    assert props["line"] == "1"
    start = TRICKY_LINES[0].index("Telegram")
    assert (props["col"], props["endColumn"]) == (str(start + 1), str(start + 8))
    assert props["title"] == "mtqa named-entity: accuracy/named-entity (major)"
    assert message.startswith(tricky.flags[0].message + "\n")
    assert "source: Ifølge Telegram" in message and '"note": "a, b; \\"c\\""' in message
    _, props3, _ = parsed[2]
    assert "col" not in props3 and props3["line"] == "2"


def test_github_levels_follow_fail_on(seed):
    flags = report_dict(seed, "major")["flags"]
    parsed = _parse_commands(render_github(seed, "major"))
    assert len(parsed) == len(flags)
    for (level, props, message), flag in zip(parsed, flags):
        assert level == ("error" if at_least(flag["severity"], "major")
                         else "warning" if flag["severity"] == "minor" else "notice")
        assert props["file"] == SEED_REL and props["line"] == str(flag["line"])
        assert message.split("\n")[0] == flag["message"]
    # at --fail-on minor every flag fails but info ones, which stay notices
    assert {lvl for lvl, _, _ in _parse_commands(render_github(seed, "minor"))} == {"error", "notice"}
    assert render_github(check_article(Document("x.fr.txt", ("Bonjour.",)), None, checks=[]), "major") == ""


# --- CSV ------------------------------------------------------------------------------------

def _rows(text: str) -> list[dict]:
    assert "\r\n" not in text and text.endswith("\n")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


def test_csv_has_every_flag_of_the_json(seed):
    rows = _rows(render_csv(seed, "major"))
    flags = report_dict(seed, "major")["flags"]
    assert len(rows) == len(flags) > 15
    for row, flag in zip(rows, flags):
        assert int(row["line"]) == flag["line"] and int(row["segment"]) == flag["segment"]
        assert [int(row["span_start"]), int(row["span_end"])] == flag["span"]
        for key in ("check", "category", "severity", "message", "text", "source_text"):
            assert row[key] == flag[key]
        assert (json.loads(row["evidence"]) if row["evidence"] else {}) == flag["evidence"]


def test_csv_round_trips_commas_quotes_and_sentences(tricky):
    text = render_csv(tricky, "major")
    rows = _rows(text)
    assert len(rows) == 3
    first = rows[0]
    assert first["text"] == TRICKY_LINES[0]  # commas, “quotes”, two sentences
    assert first["source_text"] == 'Ifølge Telegram, «han sa "ja", så nei».'
    assert first["message"] == tricky.flags[0].message
    assert json.loads(first["evidence"]) == tricky.flags[0].evidence
    assert rows[2]["segment"] == rows[2]["span_start"] == rows[2]["span_end"] == ""
    assert text.splitlines()[0] == ",".join(COLUMNS)


# --- through the command line ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_cli_writes_each_format_and_exits_1_on_the_sample(fmt, tmp_path, monkeypatch, seed):
    monkeypatch.chdir(REPO)
    out = tmp_path / f"report.{fmt}"
    with pytest.raises(SystemExit) as exit_info:
        main(["check", SEED_REL, "--source", "corpora/nb/dagbladet-russland-nekter.nb.txt", "-f", fmt,
              "-o", str(out)])
    assert exit_info.value.code == 1
    text = out.read_text(encoding="utf-8")
    assert text
    if fmt == "junit":
        suite = list(JUnitXml.fromstring(text.encode("utf-8")))[0]
        assert suite.failures == sum(1 for f in seed.flags if at_least(f.severity, "major")) > 5
    elif fmt == "sarif":
        log = json.loads(text)
        SARIF_VALIDATOR.validate(log)
        assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == SEED_REL
    elif fmt == "github":
        assert len(_parse_commands(text)) == len(seed.flags)
    else:
        assert len(_rows(text)) == len(seed.flags)


# --- suppressed flags -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def suppressed(seed):
    """The sample with its Mediazona flag (major, line 3) suppressed by a reviewer."""
    reason = "reviewed: house style keeps Médiazone"
    flags = [dataclasses.replace(f, suppressed=reason) if (f.line, f.check) == (3, "named-entity") else f
             for f in seed.flags]
    assert sum(f.suppressed is not None for f in flags) == 1
    return dataclasses.replace(seed, flags=flags)


def test_suppressed_flags_are_reported_but_fail_nothing(suppressed):
    reason = "reviewed: house style keeps Médiazone"
    suite = _junit(suppressed)
    assert suite.failures == 9
    line3 = next(c for c in suite if c.name.startswith("line 3 segment 2:"))
    assert line3.result == [] and f"(suppressed: {reason})" in line3.system_out

    log = json.loads(render_sarif(suppressed, "major"))
    SARIF_VALIDATOR.validate(log)
    results = log["runs"][0]["results"]
    marked = [r for r in results if "suppressions" in r]
    assert len(marked) == 1 and marked[0]["ruleId"] == "named-entity"
    assert marked[0]["suppressions"] == [{"kind": "external", "status": "accepted", "justification": reason}]

    commands = _parse_commands(render_github(suppressed, "major"))
    assert len(commands) == len(suppressed.flags) - 1 and all(props["line"] != "3" for _, props, _ in commands)

    rows = _rows(render_csv(suppressed, "major"))
    assert [r["suppressed"] for r in rows if r["line"] == "3"] == [reason]
    assert all(r["suppressed"] == "" for r in rows if r["line"] != "3")
