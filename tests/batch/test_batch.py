"""`mtqa batch`: a feed of articles checked into one folder, as CI jobs and editors use it."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import CORPORA, mtqa_process

from mtqa.batch import (ArticleOutcome, BatchItem, exit_status, output_collisions, parse_manifest_csv,
                        rank_outcomes, report_names)
from mtqa.errors import InputError

CLEAN_NB = ("Regjeringen la fram statsbudsjettet tirsdag.\n"
            "Budsjettet har et underskudd på 12 milliarder kroner.\n"
            "Finansministeren sa at økonomien er sterk.\n")
CLEAN_FR = ("Le gouvernement a présenté le budget de l'État mardi.\n"
            "Le budget affiche un déficit de 12 milliards de couronnes.\n"
            "Le ministre des Finances a déclaré que l'économie est solide.\n")
STEMS = ("dagbladet-russland-nekter", "e24-rentemote-krone", "nrk-droneangrep-kyiv")


def mtqa(*args, cwd):
    """Run the CLI as users do; cwd is a temporary folder, so no mtqa.toml of the repository applies."""
    return mtqa_process(*args, cwd=cwd, timeout=300)


@pytest.fixture
def feed(tmp_path) -> Path:
    """A feed folder: fr/ with the three sample articles and a clean hand-made one, nb/ with their sources."""
    (tmp_path / "fr").mkdir()
    (tmp_path / "nb").mkdir()
    for stem in STEMS:
        shutil.copy(CORPORA / "fr" / f"{stem}.fr.txt", tmp_path / "fr")
        shutil.copy(CORPORA / "nb" / f"{stem}.nb.txt", tmp_path / "nb")
    (tmp_path / "fr" / "budget.fr.txt").write_text(CLEAN_FR, encoding="utf-8")
    (tmp_path / "nb" / "budget.nb.txt").write_text(CLEAN_NB, encoding="utf-8")
    return tmp_path


def write_csv(feed: Path, rows: list[tuple[str, str]], name: str = "feed.csv") -> Path:
    lines = ["id,target,source,editor"] + [f"{i},{t},{s},someone" for i, (t, s) in enumerate(rows)]
    path = feed / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def all_rows(feed: Path) -> list[tuple[str, str]]:
    return [(f"fr/{s}.fr.txt", f"nb/{s}.nb.txt") for s in (*STEMS, "budget")]


def summary_of(outdir: Path) -> dict:
    return json.loads((outdir / "summary.json").read_text(encoding="utf-8"))


def test_csv_manifest_reports_every_article_and_ranks_the_worst_first(feed):
    manifest = write_csv(feed, all_rows(feed))
    proc = mtqa("batch", "--manifest", manifest, "-o", "out", "--jobs", "1", "--disable", "grammar", cwd=feed)
    assert proc.returncode == 1, proc.stderr  # the samples fail at major, the clean article passes
    summary = summary_of(feed / "out")
    assert summary["summary_version"] == "1.1" and summary["tool"]["name"] == "mtqa"
    assert summary["fail_on"] == "major"
    rows = summary["articles"]
    assert [Path(r["target"]).name for r in rows][-1] == "budget.fr.txt"
    assert {Path(r["target"]).name for r in rows} == {f"{s}.fr.txt" for s in (*STEMS, "budget")}
    for r in rows:
        assert set(r) == {"target", "source", "report", "verdict", "worst_severity", "flags", "by_severity",
                          "by_category", "error", "provenance"}
        report = json.loads((feed / "out" / r["report"]).read_text(encoding="utf-8"))
        assert r["provenance"] == {"outlet": report["provenance"]["outlet"],
                                   "confidence": report["provenance"]["confidence"]}
        assert report["summary"]["flags"] == r["flags"] == sum(r["by_severity"].values())
        assert report["summary"]["verdict"] == r["verdict"]
        assert Path(report["source"]["path"]).name == Path(r["source"]).name
    clean = rows[-1]
    assert clean["verdict"] == "pass" and clean["report"] == "budget.fr.json"
    keys = [(-["info", "minor", "major", "critical"].index(r["worst_severity"]) if r["worst_severity"] else 1,
             -r["flags"], r["target"]) for r in rows]
    assert keys == sorted(keys)
    assert summary["totals"] == {"articles": 4, "pass": 1, "fail": 3, "unchecked": 0, "error": 0,
                                 "flags": sum(r["flags"] for r in rows)}
    html = (feed / "out" / "summary.html").read_text(encoding="utf-8")
    assert "budget.fr.json" in html
    log = proc.stderr.splitlines()
    assert any(line.startswith("[") and "budget.fr.txt: pass (0 flags)" in line for line in log), log


def test_jsonl_manifest_with_an_empty_source_finds_it_in_the_corpus(feed):
    manifest = feed / "feed.jsonl"
    manifest.write_text(
        json.dumps({"target": "fr/nrk-droneangrep-kyiv.fr.txt", "source": None}) + "\n\n"
        + json.dumps({"target": "fr/budget.fr.txt", "source": "nb/budget.nb.txt", "extra": 1}) + "\n",
        encoding="utf-8")
    proc = mtqa("batch", "--manifest", manifest, "--corpus", CORPORA / "nb", "-o", "out", "-j", "1",
                "--disable", "grammar", cwd=feed)
    assert proc.returncode == 1, proc.stderr
    by_name = {Path(r["target"]).name: r for r in summary_of(feed / "out")["articles"]}
    assert Path(by_name["nrk-droneangrep-kyiv.fr.txt"]["source"]) == CORPORA / "nb" / "nrk-droneangrep-kyiv.nb.txt"
    assert by_name["budget.fr.txt"]["source"] == str(feed / "nb" / "budget.nb.txt")  # beside the manifest


def test_folder_and_glob_arguments_use_retrieval_in_the_corpus(feed):
    proc = mtqa("batch", "fr", "--corpus", CORPORA / "nb", "-o", "by-folder", "-j", "1", "--disable", "grammar",
                cwd=feed)
    assert proc.returncode == 1, proc.stderr
    rows = summary_of(feed / "by-folder")["articles"]
    assert len(rows) == 4
    for r in rows:
        if r["target"] != "fr/budget.fr.txt":  # its source is not in corpora/nb: checked without one
            assert Path(r["source"]).name == Path(r["target"]).name.replace(".fr.", ".nb.")
    proc = mtqa("batch", "fr/*-k*.fr.txt", "--corpus", CORPORA / "nb", "-o", "by-glob", "-j", "1",
                "--disable", "grammar", cwd=feed)
    assert proc.returncode == 1, proc.stderr
    assert sorted(r["target"] for r in summary_of(feed / "by-glob")["articles"]) == [
        "fr/e24-rentemote-krone.fr.txt", "fr/nrk-droneangrep-kyiv.fr.txt"]


def test_articles_without_a_source_need_a_corpus(feed):
    proc = mtqa("batch", "fr", "-o", "out", cwd=feed)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "--corpus" in proc.stderr and "Traceback" not in proc.stderr


def test_jobs_do_not_change_a_byte(feed):
    manifest = write_csv(feed, all_rows(feed))
    one = mtqa("batch", "--manifest", manifest, "-o", "one", "--jobs", "1", cwd=feed)
    two = mtqa("batch", "--manifest", manifest, "-o", "two", "--jobs", "2", cwd=feed)
    assert one.returncode == two.returncode == 1, (one.stderr, two.stderr)
    files = sorted(p.name for p in (feed / "one").iterdir())
    assert files == sorted(p.name for p in (feed / "two").iterdir())
    assert {"summary.json", "summary.html", ".mtqa-batch.json"} < set(files) and len(files) == 7
    for name in files:
        assert (feed / "one" / name).read_bytes() == (feed / "two" / name).read_bytes(), name
    assert not [p for p in (feed / "two").iterdir() if p.name.endswith(".tmp")]


def test_resume_skips_current_reports_and_redoes_changed_articles(feed):
    manifest = write_csv(feed, all_rows(feed))
    args = ("batch", "--manifest", manifest, "-o", "out", "-j", "1", "--disable", "grammar")
    first = mtqa(*args, cwd=feed)
    assert first.returncode == 1, first.stderr
    reports = {p.name: p.stat().st_mtime_ns for p in (feed / "out").glob("*.json")}
    summary = (feed / "out" / "summary.json").read_bytes()

    again = mtqa(*args, "--resume", cwd=feed)
    assert again.returncode == 1, again.stderr
    assert again.stderr.count("report current: skipped") == 4, again.stderr
    assert "(4 skipped: report current)" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (feed / "out").glob("*.json") if p.name != "summary.json"} == \
        {k: v for k, v in reports.items() if k != "summary.json"}
    assert (feed / "out" / "summary.json").read_bytes() == summary

    clean = feed / "fr" / "budget.fr.txt"
    clean.write_text(CLEAN_FR.replace("12 milliards", "15 milliards"), encoding="utf-8")
    changed = mtqa(*args, "--resume", cwd=feed)
    assert changed.stderr.count("report current: skipped") == 3, changed.stderr
    assert "budget.fr.txt: fail (1 flag)" in changed.stderr  # 15 vs the source's 12, now critical or major
    assert (feed / "out" / "budget.fr.json").stat().st_mtime_ns != reports["budget.fr.json"]
    budget = next(r for r in summary_of(feed / "out")["articles"] if r["report"] == "budget.fr.json")
    assert budget["verdict"] == "fail"

    # Other settings make every report stale.
    stricter = mtqa(*args, "--resume", "--fail-on", "minor", cwd=feed)
    assert "skipped" not in stricter.stderr.replace("0 skipped", "")
    assert summary_of(feed / "out")["fail_on"] == "minor"


def test_an_article_that_cannot_be_read_is_an_error_row_and_the_batch_goes_on(feed):
    (feed / "fr" / "latin1.fr.txt").write_bytes("Le président a parlé à la télé.\n".encode("latin-1"))
    (feed / "fr" / "empty.fr.txt").write_text("\n", encoding="utf-8")
    manifest = write_csv(feed, [("fr/latin1.fr.txt", "nb/budget.nb.txt"), ("fr/budget.fr.txt", "nb/budget.nb.txt"),
                                ("fr/empty.fr.txt", "nb/budget.nb.txt")])
    proc = mtqa("batch", "--manifest", manifest, "-o", "out", "-j", "2", "--disable", "grammar", cwd=feed)
    assert proc.returncode == 2, proc.stderr  # the worst article is an input error
    summary = summary_of(feed / "out")
    rows = summary["articles"]
    assert [r["verdict"] for r in rows] == ["error", "error", "pass"]
    errors = {Path(r["target"]).name: r for r in rows[:2]}
    assert "not valid UTF-8" in errors["latin1.fr.txt"]["error"] and "\n" not in errors["latin1.fr.txt"]["error"]
    assert "empty" in errors["empty.fr.txt"]["error"]
    assert all(r["report"] is None for r in rows[:2])
    assert not (feed / "out" / "latin1.fr.json").exists()
    assert summary["totals"]["error"] == 2 and summary["totals"]["pass"] == 1
    assert "latin1.fr.txt: error: " in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("name, text, where, words", [
    ("feed.csv", "fr/budget.fr.txt,nb/budget.nb.txt\n", "feed.csv:1", "no 'target' column"),
    ("feed.csv", "target,source\nfr/budget.fr.txt,nb/budget.nb.txt\nfr/missing.fr.txt,\n", "feed.csv:3",
     "no such file"),
    ("feed.csv", "target,source\n", "feed.csv", "no articles"),
    ("feed.csv", "", "feed.csv", "empty"),
    ("feed.jsonl", '{"target": "fr/budget.fr.txt", "source": "nb/budget.nb.txt"}\n{"target": \n', "feed.jsonl:2",
     "not valid JSON"),
    ("feed.ndjson", '{"source": "nb/budget.nb.txt"}\n', "feed.ndjson:1", "no \"target\""),
    ("feed.jsonl", '{"target": "fr/budget.fr.txt", "source": "nb"}\n', "feed.jsonl:1", "is a directory"),
])
def test_bad_manifest_is_one_line_with_file_and_line(feed, name, text, where, words):
    (feed / name).write_text(text, encoding="utf-8")
    proc = mtqa("batch", "--manifest", name, "-o", "out", cwd=feed)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith(f"mtqa: error: {where}") and words in proc.stderr, proc.stderr
    assert not (feed / "out").exists()


def test_exit_status_is_that_of_the_worst_article(feed):
    clean = write_csv(feed, [("fr/budget.fr.txt", "nb/budget.nb.txt")], "clean.csv")
    proc = mtqa("batch", "--manifest", clean, "-o", "out", "-j", "1", "--disable", "grammar", cwd=feed)
    assert proc.returncode == 0, proc.stderr
    assert summary_of(feed / "out")["totals"]["pass"] == 1

    def row(verdict, internal=False):
        return ArticleOutcome("t", None, None, verdict, internal=internal)

    assert exit_status([row("pass"), row("pass")]) == 0
    assert exit_status([row("pass"), row("fail")]) == 1
    assert exit_status([row("fail"), row("error"), row("pass")]) == 2
    assert exit_status([row("error"), row("error", internal=True)]) == 3


def test_report_names_are_unique_and_stable(tmp_path):
    items = [BatchItem(Path("a/x.fr.txt")), BatchItem(Path("b/x.fr.txt")), BatchItem(Path("c/y.fr.txt")),
             BatchItem(Path("summary.txt")), BatchItem(Path("c/y.fr.txt"))]
    names = report_names(items, "json")
    assert len(set(names)) == 5
    assert names[0].startswith("x.fr-") and names[1].startswith("x.fr-") and names[0].endswith(".json")
    assert names[3] not in ("summary.json", "summary.html")
    # An item keeps its name whatever else is in the batch with it.
    assert report_names(items[:2], "json") == names[:2]
    assert report_names([items[2]], "sarif") == ["y.fr.sarif"]
    assert report_names([items[2]], "text") == ["y.fr.report.txt"]


def test_outputs_never_overwrite_an_input(tmp_path):
    article = tmp_path / "summary.json"
    article.write_text("x", encoding="utf-8")
    assert output_collisions([article], tmp_path, ["a.json"]) == os.path.realpath(article)
    assert output_collisions([article], tmp_path / "out", ["summary.json"]) is None


def test_csv_manifest_keeps_quoted_paths_and_ignores_extra_columns(tmp_path):
    (tmp_path / "a, b.fr.txt").write_text("x\n", encoding="utf-8")
    items = parse_manifest_csv('editor,Target,source\nme,"a, b.fr.txt",\n', "m.csv", tmp_path)
    assert items == [BatchItem(tmp_path / "a, b.fr.txt", None)]
    with pytest.raises(InputError, match=r"^m.csv:2: target .*no such file"):
        parse_manifest_csv("target\nnope.fr.txt\n", "m.csv", tmp_path)


def test_ranking_puts_errors_first_then_severity_flags_and_path():
    rows = [ArticleOutcome("b", None, "b", "pass", "minor", 3), ArticleOutcome("a", None, "a", "fail", "major", 1),
            ArticleOutcome("c", None, None, "error", error="bad"), ArticleOutcome("d", None, "d", "fail", "major", 4),
            ArticleOutcome("e", None, "e", "pass", None, 0), ArticleOutcome("a2", None, "a2", "pass", "minor", 3)]
    assert [r.target for r in rank_outcomes(rows)] == ["c", "d", "a", "a2", "b", "e"]


GRAMMAR_FR = ("Le gouvernement a présenté le budget de l'État mardi.\n"
              "Ces tempêtes comporte de graves risques pour les marchandises importées.\n"
              "L'élection présidentielle présidentielle aura lieu en mai.\n")


def test_articles_grouped_for_grammalecte_get_the_reports_of_single_runs(feed, monkeypatch):
    from mtqa import batch
    from mtqa.checks import build_checks
    from mtqa.checks.grammar import available

    if not available():
        pytest.skip("grammalecte-cli not installed")
    (feed / "fr" / "grammar.fr.txt").write_text(GRAMMAR_FR, encoding="utf-8")
    items = [BatchItem(feed / "fr" / f"{s}.fr.txt", feed / "nb" / f"{s}.nb.txt") for s in (*STEMS, "budget")]
    items.append(BatchItem(feed / "fr" / "grammar.fr.txt", feed / "nb" / "budget.nb.txt"))
    monkeypatch.chdir(feed)
    outputs = {}
    for chunk in (1, 3):
        config = batch.WorkerConfig(outdir=str(feed / f"chunk{chunk}"), fmt="json", fail_on="major")
        (feed / f"chunk{chunk}").mkdir()
        result = batch.run_batch(items, config, batch.worker_settings(config, build_checks(), None), jobs=1,
                                 resume=False, chunk=chunk)
        outputs[chunk] = {p.name: p.read_bytes() for p in (feed / f"chunk{chunk}").iterdir()}
    assert outputs[1] == outputs[3]
    grammar_report = json.loads(outputs[3]["grammar.fr.json"])
    assert {f["line"] for f in grammar_report["flags"] if f["check"] == "grammar"} >= {2, 3}
    assert "grammar" in grammar_report["summary"]["checks_run"]
    assert result.summary["totals"]["articles"] == 5


def test_prepared_grammar_starts_one_process_for_many_documents(monkeypatch):
    from mtqa.checks import CheckInput, grammar
    from mtqa.core.document import Segment

    calls = []

    def fake_run(texts, **kwargs):
        calls.append(list(texts))
        return [[] for _ in texts]

    monkeypatch.setattr(grammar, "run_grammalecte", fake_run)
    monkeypatch.setattr(grammar.GrammarCheck, "available", lambda self: True)
    check = grammar.GrammarCheck()
    a = [Segment(0, 1, 0, 10, "Le chat dort."), Segment(1, 2, 0, 10, "Il pleut.")]
    b = [Segment(0, 1, 0, 10, "Il pleut."), Segment(1, 2, 0, 10, "Le chien aboie.")]
    check.prepare([CheckInput(a), CheckInput(b)])
    assert check.errors_for(a) == [[], []] and check.errors_for(b) == [[], []]
    assert calls == [["Le chat dort.", "Il pleut.", "Le chien aboie."]]  # one process, each text once
    check.errors_for([Segment(0, 1, 0, 5, "Autre.")])  # not prepared: runs Grammalecte
    assert calls[-1] == ["Autre."]
    check.close()


def test_ctrl_c_stops_at_once_and_leaves_only_whole_recorded_reports(feed):
    import signal
    import time

    rows = []
    for n in range(14):
        for stem in STEMS:
            shutil.copy(feed / "fr" / f"{stem}.fr.txt", feed / "fr" / f"{stem}-{n}.fr.txt")
            rows.append((f"fr/{stem}-{n}.fr.txt", f"nb/{stem}.nb.txt"))
    manifest = write_csv(feed, rows)
    env = {k: v for k, v in os.environ.items() if k != "MTQA_DEBUG"}
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", "batch", "--manifest", str(manifest), "-o", "out",
                             "--jobs", "2"], cwd=feed, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    journal = feed / "out" / ".mtqa-batch.journal"
    deadline = time.monotonic() + 240
    def recorded_articles():  # each finished article is a line of the journal (folded into the state at the end)
        try:
            return journal.read_bytes().count(b"\n")
        except OSError:
            return 0

    while not recorded_articles() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    stopped = time.monotonic()
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 1:
        pytest.skip("the batch finished before it could be interrupted")
    assert proc.returncode == 130, err
    assert time.monotonic() - stopped < 15
    files = {p.name for p in (feed / "out").iterdir()}
    assert not [n for n in files if n.endswith(".tmp")]
    recorded = json.loads((feed / "out" / ".mtqa-batch.json").read_text(encoding="utf-8"))["articles"]
    assert ".mtqa-batch.journal" not in files  # folded into the state on the way out
    reports = {n for n in files if n.endswith(".json") and not n.startswith(".")}
    assert 0 < len(recorded) < len(rows)
    # Every recorded article has its report; reports of a group cut short are whole but not
    # recorded (checked again on --resume).
    assert {entry["report"] for entry in recorded.values()} <= reports
    for name in reports:
        json.loads((feed / "out" / name).read_text(encoding="utf-8"))
    again = mtqa("batch", "--manifest", manifest, "-o", "out", "--jobs", "2", "--resume", cwd=feed)
    assert again.returncode == 1, again.stderr
    assert again.stderr.count("report current: skipped") == len(recorded)
    assert summary_of(feed / "out")["totals"]["articles"] == len(rows)


def test_a_killed_batch_resumes_from_its_journal(tmp_path):
    """A run that dies before folding its journal into the state (SIGKILL, power loss) leaves the
    journal; the next run reads it, a torn last line included, and skips what it records."""
    from mtqa import batch
    from mtqa.batch.plan import journal_line

    feed = tmp_path
    (feed / "fr").mkdir()
    (feed / "nb").mkdir()
    rows = []
    for n in range(3):
        (feed / "fr" / f"a{n}.fr.txt").write_text(f"Le conseil a voté {n + 2} budgets mardi.\n", encoding="utf-8")
        (feed / "nb" / f"a{n}.nb.txt").write_text(f"Rådet vedtok {n + 2} budsjetter tirsdag.\n", encoding="utf-8")
        rows.append((f"fr/a{n}.fr.txt", f"nb/a{n}.nb.txt"))
    manifest = write_csv(feed, rows)
    items = batch.read_manifest(manifest)
    out = feed / "out"
    out.mkdir()
    config = batch.WorkerConfig(outdir=str(out), fmt="json", fail_on="major", disable=("grammar",))
    first = batch.run_batch(items, config, {"x": 1}, jobs=1, resume=False)
    assert not (out / batch.JOURNAL_FILE).exists()
    state = json.loads((out / batch.STATE_FILE).read_text(encoding="utf-8"))
    done = {k: v for k, v in state["articles"].items() if k == items[1].key}
    # What a run killed after finishing article 1 leaves: the claim without it, and the journal.
    (out / batch.STATE_FILE).write_text(batch.render_state({}, state["files"]), encoding="utf-8")
    (out / batch.JOURNAL_FILE).write_bytes(journal_line(items[1].key, done[items[1].key]) + b'{"key": "tor')
    assert set(batch.read_state(out)[0]) == {items[1].key}
    skipped = []
    again = batch.run_batch(items, config, {"x": 1}, jobs=1, resume=True,
                            on_done=lambda outcome, was_skipped: skipped.append(was_skipped))
    assert sorted(skipped) == [False, False, True]
    assert again.summary == first.summary
    assert not (out / batch.JOURNAL_FILE).exists()
    assert set(json.loads((out / batch.STATE_FILE).read_text(encoding="utf-8"))["articles"]) == {i.key for i in items}
