"""--format xlsx (issue 15): header, frozen row, autofilter, severity fills, text never a formula."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from typer.testing import CliRunner

from mtqa.cli.app import app
from mtqa.report import RENDERERS
from mtqa.report.csv_report import COLUMNS
from mtqa.report.xlsx_report import sheet_title


def _run(tmp_path, fr: str, nb: str, *args):
    (tmp_path / "artikkel.fr.txt").write_text(fr, encoding="utf-8")
    (tmp_path / "artikkel.nb.txt").write_text(nb, encoding="utf-8")
    out = tmp_path / "report.xlsx"
    result = CliRunner().invoke(app, ["check", str(tmp_path / "artikkel.fr.txt"), "--source",
                                      str(tmp_path / "artikkel.nb.txt"), "-f", "xlsx", "-o", str(out), *args])
    assert result.exit_code in (0, 1), result.output
    return load_workbook(out)


def test_the_workbook_has_the_csv_columns_a_frozen_header_and_a_filter(tmp_path):
    book = _run(tmp_path, "=HYPERLINK(\"http://evil.example\",\"Cliquez\") le  texte.\n+1 pour Oslo\n",
                "=HYPERLINK(\"http://evil.example\",\"Klikk\") teksten.\n+1 for Oslo\n",
                "--enable", "spacing,urls-handles")
    assert book.sheetnames == ["artikkel"]
    sheet = book["artikkel"]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:M")
    texts = [row[COLUMNS.index("text")] for row in sheet.iter_rows(min_row=2)]
    assert texts, "the double space is flagged"
    for cell in texts:
        assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK(")
    severity = sheet.cell(row=2, column=COLUMNS.index("severity") + 1)
    assert severity.fill.fgColor.rgb.endswith("FFE699")     # minor


def test_registered_as_binary_and_sheet_names_are_safe():
    assert RENDERERS["xlsx"].binary and RENDERERS["xlsx"].extension == ".xlsx"
    taken: set[str] = set()
    assert sheet_title("a/b/nyheter: [krig]?.fr.txt", taken) == "nyheter_ _krig__"
    assert sheet_title("x" * 40, taken) == "x" * 31
    assert sheet_title("x" * 40, taken) == "x" * 27 + " (2)"


def test_stdout_gets_the_workbook_bytes(tmp_path):
    (tmp_path / "a.fr.txt").write_text("Il est  venu.\n", encoding="utf-8")
    (tmp_path / "a.nb.txt").write_text("Han kom.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "a.fr.txt"), "-s", str(tmp_path / "a.nb.txt"),
                                      "-f", "xlsx", "--enable", "spacing"])
    book = load_workbook(io.BytesIO(result.stdout_bytes))
    assert book["a"].max_row == 2


def test_the_same_input_gives_the_same_bytes_whenever_it_is_written(monkeypatch):
    import time
    import zipfile

    from mtqa.core.document import Document
    from mtqa.pipeline import check_article
    from mtqa.report import render

    result = check_article(Document("a.fr.txt", ("Il est  venu.",)), Document("a.nb.txt", ("Han kom.",)))
    first = render(result, "xlsx")
    later = time.time() + 3 * 86400  # zipfile stamps entries with time.time(): three days on
    monkeypatch.setattr(time, "time", lambda: later)
    second = render(result, "xlsx")
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert z.namelist()[0] == "[Content_Types].xml" and z.testzip() is None
        core = z.read("docProps/core.xml").decode("utf-8")
    assert re.findall(r"\d{4}-\d\d-\d\dT[\d:]+Z", core) == ["1980-01-01T00:00:00Z"] * 2  # created, modified
    book = load_workbook(io.BytesIO(first))
    assert book["a"].max_row == 2 and book.properties.modified.year == 1980


def test_sheet_names_excel_refuses_are_avoided():
    taken: set[str] = {"summary"}
    assert sheet_title("Summary.fr.txt", taken) == "Summary (2)"
    assert sheet_title("History.txt", taken) == "History_"
    assert sheet_title("'quoted'.txt", taken) == "quoted"
    assert sheet_title("x" * 30 + "'y.txt", taken) == "x" * 30
    assert sheet_title("???.txt", taken) == "___"
