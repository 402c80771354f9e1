"""The command line as users and CI jobs meet it: reports, exit statuses, one-line errors."""

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import CORPORA, REPO, SEED_FR, SEED_NB, mtqa_process


def mtqa(*args, cwd=REPO):
    return mtqa_process(*args, cwd=cwd, timeout=120)


@pytest.fixture(scope="module")
def seed_report():
    """The seed checked with its source found by retrieval in corpora/ (no --source)."""
    proc = mtqa("check", SEED_FR, "--corpus", CORPORA, "--format", "json")
    assert proc.returncode == 1, proc.stderr
    return json.loads(proc.stdout)


def test_report_validates_against_the_schema(seed_report):
    schema = json.loads((REPO / "docs" / "report-schema.json").read_text())
    jsonschema.validate(seed_report, schema)


def test_the_schema_knows_every_category_and_segment_kind():
    """A report with any flag validates: the schema's lists are the taxonomy's (a check added with
    a new category, punctuation or capitals, once made reports that failed their own schema)."""
    from mtqa.core.document import KINDS
    from mtqa.core.flags import CATEGORIES

    schema = json.loads((REPO / "docs" / "report-schema.json").read_text())
    flag = schema["properties"]["flags"]["items"]["properties"]
    assert flag["category"]["enum"] == list(CATEGORIES)
    segment = schema["properties"]["segments"]["items"]["properties"]
    assert segment["kind"]["enum"] == list(KINDS)


def test_retrieval_finds_the_seed_source_and_says_how_sure(seed_report):
    retrieval = seed_report["retrieval"]
    assert Path(retrieval["chosen"]).name == "dagbladet-russland-nekter.nb.txt"
    assert retrieval["confidence"] >= 0.5
    assert seed_report["provenance"]["outlet"] == "Dagbladet"
    assert seed_report["provenance"]["source_language"] == "nb"


def test_seed_acceptance(seed_report):
    flags = seed_report["flags"]
    flagged = {f["line"] for f in flags}
    assert {3, 6, 7, 10, 13, 14, 17, 20} <= flagged
    correct = {1, 2, 5, 8, 11, 12, 15, 18}
    major_on_correct = {f["line"] for f in flags if f["line"] in correct and f["severity"] in ("major", "critical")}
    assert len(major_on_correct) <= 1, major_on_correct
    for f in flags:
        assert {"line", "category", "severity", "message", "source_text"} <= f.keys()


def test_flags_carry_the_aligned_source(seed_report):
    mediazona = [f for f in seed_report["flags"] if f["line"] == 3 and f["category"] == "accuracy/named-entity"]
    assert mediazona and "Mediazona" in mediazona[0]["source_text"]
    ui = [f for f in seed_report["flags"] if f["line"] == 17 and f["check"] == "interface-text"]
    assert ui[0]["source_text"] == "Se mer"


def test_json_is_byte_identical_across_runs(tmp_path):
    a = mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "json").stdout
    b = mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "json").stdout
    assert a == b and a


def test_output_file_is_written_and_inputs_are_never_overwritten(tmp_path):
    fr = tmp_path / "a.fr.txt"
    fr.write_bytes(SEED_FR.read_bytes())
    out = tmp_path / "report.json"
    proc = mtqa("check", fr, "--source", SEED_NB, "-f", "json", "-o", out)
    assert proc.returncode == 1 and proc.stdout == ""
    assert json.loads(out.read_text())["flags"]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    before = fr.read_bytes()
    proc = mtqa("check", fr, "--source", SEED_NB, "-f", "json", "-o", fr)
    assert proc.returncode == 2 and "refusing to overwrite" in proc.stderr
    assert fr.read_bytes() == before


def test_fail_on_sets_the_exit_status():
    assert mtqa("check", SEED_FR, "--source", SEED_NB, "--fail-on", "critical").returncode == 0
    assert mtqa("check", SEED_FR, "--source", SEED_NB, "--fail-on", "major").returncode == 1


def test_text_report_lists_flags_with_lines_and_source():
    proc = mtqa("check", SEED_FR, "--source", SEED_NB)
    assert proc.returncode == 1
    assert "line 17" in proc.stdout and "Afficher plus" in proc.stdout and "source: Se mer" in proc.stdout


def test_no_source_and_no_corpus_runs_source_free_checks(tmp_path):
    fr = tmp_path / "a.fr.txt"
    fr.write_text("Un paragraphe complet ici.\nVoir plus\n", encoding="utf-8")
    proc = mtqa("check", fr, "-f", "json", cwd=tmp_path)
    report = json.loads(proc.stdout)
    assert report["source"] is None and "numbers" in report["summary"]["checks_skipped"]
    assert [f["line"] for f in report["flags"]] == [2]


BAD_INPUTS = {
    "missing": None,
    "empty": b"",
    "binary": bytes(range(256)) * 4,
    "latin1": "Rien qu’en 2024, ils ont enregistré plus de cas. Kåre ønsket ære.".encode("latin-1", "replace"),
    "directory": "dir",
}


@pytest.mark.parametrize("kind", BAD_INPUTS)
def test_bad_input_gets_one_line_and_exit_2(tmp_path, kind):
    path = tmp_path / f"{kind}.txt"
    data = BAD_INPUTS[kind]
    if data == "dir":
        path.mkdir()
    elif data is not None:
        path.write_bytes(data)
    for args in (["check", path, "--source", SEED_NB], ["check", SEED_FR, "--source", path], ["align", SEED_NB, path]):
        proc = mtqa(*args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("mtqa: error:"), proc.stderr
        assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("args", [
    ["check"],
    ["check", SEED_FR, "--format", "yaml"],
    ["check", SEED_FR, "--no-such-option"],
    ["check", SEED_FR, "--enable", "nope"],
    ["check", SEED_FR, "--corpus", "/nonexistent/corpus"],
])
def test_usage_errors_exit_2_with_one_line(args):
    proc = mtqa(*args)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr, proc.stderr


def test_align_prints_beads():
    proc = mtqa("align", SEED_NB, SEED_FR)
    assert proc.returncode == 0
    assert "1-1" in proc.stdout and "fr: Poutine : – En sécurité" in proc.stdout


def test_checks_lists_every_check():
    proc = mtqa("checks")
    assert proc.returncode == 0 and "named-entity" in proc.stdout and "interface-text" in proc.stdout


def test_flores_false_positives_stay_below_3_percent(flores):
    proc = mtqa("check", flores / "fr.txt", "--source", flores / "nb.txt", "-f", "json")
    report = json.loads(proc.stdout)
    lines = report["target"]["lines"]
    major = report["summary"]["flagged_lines_at_fail_on"]
    assert major / lines <= 0.03, (major, lines)


def test_align_refuses_swapped_languages():
    proc = mtqa("align", SEED_FR, SEED_NB)
    assert proc.returncode == 2 and "reads as French" in proc.stderr and "Norwegian first" in proc.stderr
