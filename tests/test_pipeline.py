"""One pipeline for every front end: `mtqa.check` in the library, `mtqa check`, `mtqa batch`."""

from __future__ import annotations

import json
import pydoc
import shutil

import pytest

import mtqa
from conftest import CORPORA, SEED_FR, SEED_NB, mtqa_main
from test_bilingual import FIXTURES


run = mtqa_main  # `mtqa ARGS` in this process: (exit status, stdout, stderr)


@pytest.fixture(autouse=True)
def _no_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no mtqa.toml of the checkout, no ./corpora default
    monkeypatch.delenv("MTQA_MODEL", raising=False)


def _inputs(tmp_path, kind):
    """(article path, its --source or None, --corpus folder or None) for one input kind."""
    if kind in ("text-source", "text-corpus"):
        article = shutil.copy(SEED_FR, tmp_path / SEED_FR.name)
        if kind == "text-source":
            return article, shutil.copy(SEED_NB, tmp_path / SEED_NB.name), None
        return article, None, CORPORA / "nb"
    path = tmp_path / kind
    path.write_text(FIXTURES[kind], encoding="utf-8")
    return path, None, None


KINDS = ["text-source", "text-corpus", *FIXTURES]  # story.xlf (1.2), .xlf2 (2.0), .tmx, .po, .jsonl


@pytest.mark.parametrize("kind", KINDS)
def test_batch_writes_the_report_check_writes_for_every_input_kind(tmp_path, capsys, kind):
    article, source, corpus = _inputs(tmp_path, kind)
    options = [*(["--source", source] if source else []), *(["--corpus", corpus] if corpus else [])]
    status, single, err = run(capsys, "check", article, *options, "-f", "json")
    assert status in (0, 1), err
    manifest = tmp_path / "feed.csv"
    manifest.write_text(f"target,source\n{article.name},{source.name if source else ''}\n", encoding="utf-8")
    out = tmp_path / "out"
    batch_status, _, err = run(capsys, "batch", "--manifest", manifest, "-o", out, "-f", "json", "--jobs", "1",
                               *(["--corpus", corpus] if corpus else []))
    assert batch_status == status, err
    [row] = json.loads((out / "summary.json").read_text(encoding="utf-8"))["articles"]
    assert row["verdict"] == ("fail" if status == 1 else "pass")
    assert (out / row["report"]).read_text(encoding="utf-8") == single
    if kind != "text-source":  # a flag that only the bilingual reading finds: the changed number
        assert kind == "text-corpus" or any(f["category"] == "accuracy/number" for f in json.loads(single)["flags"])


def test_the_library_entry_point_gives_what_mtqa_check_reports(capsys):
    result = mtqa.check(mtqa.read_input(SEED_FR, source=SEED_NB))
    status, out, _ = run(capsys, "check", SEED_FR, "--source", SEED_NB, "-f", "json")
    report = json.loads(out)
    assert [f.to_dict() for f in result.flags] == report["flags"]
    assert mtqa.render(result, "json") == out
    assert result.verdict == report["summary"]["verdict"] == "fail" and status == 1


def test_the_entry_point_is_documented():
    text = pydoc.render_doc(mtqa.check, renderer=pydoc.plaintext)
    for needed in ("read_input", "settings", "translator", "CheckResult", "verdict"):
        assert needed in text
    assert set(mtqa.__all__) >= {"check", "read_input", "render", "Config", "load_config", "CheckResult"}


def test_configuration_is_applied_by_the_entry_point(tmp_path):
    config = mtqa.Config(severity={"accuracy/named-entity": "info"}, fail_on="critical")
    result = mtqa.check(mtqa.read_input(SEED_FR, source=SEED_NB), config)
    assert result.flags and all(f.severity == "info" for f in result.flags if f.category == "accuracy/named-entity")
    assert result.verdict == "pass"  # nothing reaches critical


def test_a_wrong_input_type_is_a_clear_error():
    with pytest.raises(TypeError, match="read_input"):
        mtqa.check("story.fr.txt")
