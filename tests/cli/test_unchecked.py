"""The "unchecked" verdict (issue 15): no source found is not a pass."""

from __future__ import annotations

import json

import pytest

from mtqa.batch.summary import ArticleOutcome, VERDICT_RANK, exit_status, rank_outcomes, summary_dict
from mtqa.cli.app import main
from mtqa.core.document import Document
from mtqa.core.flags import verdict
from mtqa.pipeline import check_article
from mtqa.report import render
from mtqa.report.terminal import render_text

FR = "Le gouvernement a présenté le budget hier.\n"
NB = "Regjeringen la fram budsjettet i går.\n"


def test_verdict_function():
    assert verdict([], "major") == "pass"
    assert verdict([], "major", checked=False) == "unchecked"


def test_no_source_is_unchecked_in_the_reports():
    result = check_article(Document("fr.txt", (FR.strip(),)))
    assert result.verdict == "unchecked"
    report = json.loads(render(result, "json"))
    assert report["summary"]["verdict"] == "unchecked" and "no source" in report["summary"]["unchecked"]
    assert "unchecked at --fail-on major (no source" in render_text(result)
    junit = render(result, "junit")
    assert 'name="verdict" value="unchecked"' in junit
    assert json.loads(render(result, "sarif"))["runs"][0]["properties"]["verdict"] == "unchecked"
    with_source = check_article(Document("fr.txt", (FR.strip(),)), Document("nb.txt", (NB.strip(),)))
    assert with_source.verdict == "pass"


def _status(argv) -> int:
    with pytest.raises(SystemExit) as exit:
        main(argv)
    return exit.value.code


def test_exit_status_and_require_source(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)   # no ./corpora
    (tmp_path / "fr.txt").write_text(FR, encoding="utf-8")
    assert _status(["check", "fr.txt", "-f", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["summary"]["verdict"] == "unchecked"
    assert _status(["check", "fr.txt", "-f", "json", "--require-source"]) == 1
    (tmp_path / "nb.txt").write_text(NB, encoding="utf-8")
    assert _status(["check", "fr.txt", "-s", "nb.txt", "-f", "json", "--require-source"]) == 0


def test_batch_ranks_unchecked_between_error_and_fail():
    rows = [ArticleOutcome("p", "nb", "p.json", "pass"), ArticleOutcome("f", "nb", "f.json", "fail", "major", 1),
            ArticleOutcome("u", None, "u.json", "unchecked"), ArticleOutcome("e", None, None, "error", error="x")]
    assert [o.verdict for o in rank_outcomes(rows)] == ["error", "unchecked", "fail", "pass"]
    assert VERDICT_RANK["error"] > VERDICT_RANK["unchecked"] > VERDICT_RANK["fail"]
    assert summary_dict(rows, "major")["totals"]["unchecked"] == 1
    assert exit_status(rows[2:3]) == 0 and exit_status(rows[2:3], require_source=True) == 1
