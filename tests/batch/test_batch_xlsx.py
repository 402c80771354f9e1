"""`mtqa batch -f xlsx` (issue 15): summary.xlsx, a summary sheet and every article's sheet in one
workbook, the same bytes for the same feed, resumed articles included."""

import json
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conftest import CORPORA, mtqa_main

from mtqa.core.flags import SEVERITIES
from mtqa.report.csv_report import COLUMNS
from mtqa.report.xlsx_report import FILLS, SUMMARY_COLUMNS

STEMS = ("dagbladet-russland-nekter", "e24-rentemote-krone", "nrk-droneangrep-kyiv")


@pytest.fixture
def feed(tmp_path, monkeypatch) -> Path:
    """The three samples in fr/ and nb/, and a second e24 article of the same file name in other/."""
    for side in ("fr", "nb"):
        (tmp_path / side).mkdir()
        for stem in STEMS:
            shutil.copy(CORPORA / side / f"{stem}.{side}.txt", tmp_path / side)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "e24-rentemote-krone.fr.txt").write_text(
        '=HYPERLINK("http://evil.example","Cliquez") Le budget  affiche un déficit.\n', encoding="utf-8")
    (tmp_path / "other" / "e24-rentemote-krone.nb.txt").write_text(
        '=HYPERLINK("http://evil.example","Klikk") Budsjettet har et underskudd.\n', encoding="utf-8")
    rows = [f"fr/{s}.fr.txt,nb/{s}.nb.txt" for s in STEMS] + ["other/e24-rentemote-krone.fr.txt,"
                                                              "other/e24-rentemote-krone.nb.txt"]
    (tmp_path / "feed.csv").write_text("target,source\n" + "\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no mtqa.toml of the repository applies
    return tmp_path


def run_batch(capsys, out: str, *extra) -> int:
    code, _, err = mtqa_main(capsys, "batch", "--manifest", "feed.csv", "-o", out, "-f", "xlsx", "-j", "1",
                             "--disable", "grammar", *extra)
    assert code == 1, err
    return code


def test_one_workbook_with_a_summary_sheet_and_a_sheet_per_article(feed, capsys):
    run_batch(capsys, "out")
    out = feed / "out"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["summary_version"] == "1.1"
    book = load_workbook(out / "summary.xlsx")
    sheet = book["summary"]
    assert book.sheetnames[0] == "summary" and len(book.sheetnames) == 1 + len(summary["articles"])
    assert tuple(c.value for c in sheet[1]) == SUMMARY_COLUMNS
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:N{1 + len(summary['articles'])}"
    col = {name: i for i, name in enumerate(SUMMARY_COLUMNS)}
    rows = list(sheet.iter_rows(min_row=2))
    for row, article in zip(rows, summary["articles"], strict=True):  # worst first, as summary.json
        assert row[col["article"]].value == article["target"] and row[col["verdict"]].value == article["verdict"]
        assert row[col["flags"]].value == article["flags"]
        assert [row[col[s]].value for s in SEVERITIES] == [article["by_severity"].get(s, 0) for s in SEVERITIES]
        assert row[col["outlet"]].value == article["provenance"]["outlet"]
        worst = row[col["worst_severity"]]
        assert worst.value is None or worst.fill.fgColor.rgb.endswith(FILLS[worst.value])
        # the article's sheet: its own report's rows, as they are
        title = row[col["sheet"]].value
        own = load_workbook(out / article["report"]).worksheets[0]
        assert [[c.value for c in r] for r in book[title].iter_rows()] == [[c.value for c in r] for r in own.iter_rows()]
        assert book[title].freeze_panes == "A2" and book[title].max_row == 1 + article["flags"]
    outlets = {Path(a["target"]).parent.name + "/" + Path(a["target"]).name: a["provenance"]["outlet"]
               for a in summary["articles"]}
    assert outlets["fr/e24-rentemote-krone.fr.txt"] == "E24" and outlets["fr/nrk-droneangrep-kyiv.fr.txt"] == "NRK"
    titles = book.sheetnames
    assert len({t.lower() for t in titles}) == len(titles)
    assert all(len(t) <= 31 and not re.search(r"[\[\]:*?/\\]", t) for t in titles)
    assert {"e24-rentemote-krone", "e24-rentemote-krone (2)"} <= set(titles)  # two articles of one name


def test_article_text_in_the_workbook_is_never_a_formula(feed, capsys):
    run_batch(capsys, "out")
    book = load_workbook(feed / "out" / "summary.xlsx")
    texts = [c for t in book.sheetnames[1:] for c in (r[COLUMNS.index("text")] for r in book[t].iter_rows(min_row=2))]
    evil = [c for c in texts if str(c.value).startswith("=HYPERLINK(")]
    assert evil and all(c.data_type == "s" for c in evil)


def test_the_same_feed_gives_the_same_bytes_also_when_resumed(feed, capsys):
    run_batch(capsys, "one")
    run_batch(capsys, "two")
    names = sorted(p.name for p in (feed / "one").glob("*.xlsx"))
    assert "summary.xlsx" in names and len(names) == 5
    for name in names:
        assert (feed / "one" / name).read_bytes() == (feed / "two" / name).read_bytes(), name
    first = (feed / "one" / "summary.xlsx").read_bytes()
    run_batch(capsys, "one", "--resume")   # every article skipped: the workbook is built from the reports
    assert (feed / "one" / "summary.xlsx").read_bytes() == first


def test_a_file_named_summary_xlsx_in_outdir_is_not_replaced(feed, capsys):
    (feed / "out").mkdir()
    (feed / "out" / "summary.xlsx").write_bytes(b"mine")
    code, _, err = mtqa_main(capsys, "batch", "--manifest", "feed.csv", "-o", "out", "-f", "xlsx", "-j", "1")
    assert code == 2 and "summary.xlsx" in err and err.count("\n") == 1
    assert (feed / "out" / "summary.xlsx").read_bytes() == b"mine"
