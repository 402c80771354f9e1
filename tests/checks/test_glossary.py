"""Glossaries (issue 15): [termbase] files = [TBX, CSV] and --termbase, end to end."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from mtqa.checks.termbase import Term
from mtqa.cli.app import app
from mtqa.config import read_config
from mtqa.errors import InputError
from mtqa.readers.glossary import read_glossary

TBX = """<?xml version="1.0" encoding="UTF-8"?>
<martif type="TBX" xml:lang="nb"><text><body>
<termEntry id="t1">
  <descrip type="context">krig; soldat</descrip>
  <langSet xml:lang="nb"><tig><term>kamp</term></tig></langSet>
  <langSet xml:lang="fr">
    <tig><term>combat</term></tig>
    <tig><term>match</term><termNote type="administrativeStatus">deprecatedTerm-admn</termNote></tig>
  </langSet>
</termEntry>
<termEntry id="t2">
  <langSet xml:lang="nb"><tig><term>regjering</term></tig></langSet>
  <langSet xml:lang="fr"><tig><term>gouvernement</term></tig></langSet>
</termEntry>
</body></text></martif>
"""
CSV = "nb,fr,context,forbidden\nstortinget,Storting;Parlement norvégien,,\n,,,soldats ukrainiens de l'armée\n"

NB = ["Soldatene i krigen fortsatte kampene i natt.", "Regjeringen la fram budsjettet.",
      "Stortinget vedtok loven.", "Været var fint.", "Sola skinte.", "Det var varmt.", "Lagene spilte kampen i går."]
FR_BAD = ["Les soldats de la guerre ont poursuivi les matchs cette nuit.", "L'exécutif a présenté le budget.",
          "L'assemblée a adopté la loi.", "Il faisait beau.", "Le soleil brillait.", "Il faisait chaud.",
          "Les équipes ont joué le match hier."]
FR_OK = ["Les soldats de la guerre ont poursuivi les combats cette nuit.", "Le gouvernement a présenté le budget.",
         "Le Storting a adopté la loi.", "Il faisait beau.", "Le soleil brillait.", "Il faisait chaud.",
         "Les équipes ont joué le match hier."]


def test_read_tbx_and_csv(tmp_path):
    (tmp_path / "t.tbx").write_text(TBX, encoding="utf-8")
    (tmp_path / "t.csv").write_text(CSV, encoding="utf-8")
    assert read_glossary(tmp_path / "t.tbx") == (Term("kamp", ("combat",), ("krig", "soldat"), ("match",)),
                                                  Term("regjering", ("gouvernement",)))
    assert read_glossary(tmp_path / "t.csv") == (Term("stortinget", ("Storting", "Parlement norvégien")),
                                                  Term("", (), (), ("soldats ukrainiens de l'armée",)))
    (tmp_path / "bad.csv").write_text("norsk,fransk\nkamp,combat\n", encoding="utf-8")
    with pytest.raises(InputError, match="columns"):
        read_glossary(tmp_path / "bad.csv")


def _project(tmp_path, fr_lines):
    (tmp_path / "gloss").mkdir(exist_ok=True)
    (tmp_path / "gloss" / "terms.tbx").write_text(TBX, encoding="utf-8")
    (tmp_path / "gloss" / "terms.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "mtqa.toml").write_text('[termbase]\nfiles = ["gloss/terms.tbx", "gloss/terms.csv"]\n', encoding="utf-8")
    (tmp_path / "nb.txt").write_text("\n".join(NB) + "\n", encoding="utf-8")
    (tmp_path / "fr.txt").write_text("\n".join(fr_lines) + "\n", encoding="utf-8")


def _termbase_flags(tmp_path, *args):
    result = CliRunner().invoke(app, ["check", str(tmp_path / "fr.txt"), "--source", str(tmp_path / "nb.txt"),
                                      "--enable", "termbase", "-f", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return [f for f in json.loads(result.stdout)["flags"] if f["check"] == "termbase"]


def test_files_relative_to_the_configuration_end_to_end(tmp_path):
    _project(tmp_path, FR_BAD)
    config = read_config(tmp_path / "mtqa.toml")
    assert len(config.terms) == 4
    flags = _termbase_flags(tmp_path, "--config", str(tmp_path / "mtqa.toml"))
    by_line = {}
    for f in flags:
        by_line.setdefault(f["line"], []).append(f)
    # line 1: the forbidden "matchs" (major), not also "combat expected"; context krig/soldat present
    assert [(f["severity"], f["evidence"]["forbidden"]) for f in by_line[1]] == [("major", "match")]
    assert by_line[1][0]["text"][by_line[1][0]["span"][0]:by_line[1][0]["span"][1]] == "matchs"
    assert [f["evidence"]["term"] for f in by_line[2]] == ["regjering"]       # kept term rendered otherwise
    assert [f["evidence"]["term"] for f in by_line[3]] == ["stortinget"]      # from the CSV
    assert sorted(by_line) == [1, 2, 3]     # line 7, a football "kamp": no war context, "match" is right there


def test_correct_translation_passes_and_termbase_option(tmp_path):
    _project(tmp_path, FR_OK)
    assert _termbase_flags(tmp_path, "--config", str(tmp_path / "mtqa.toml")) == []
    _project(tmp_path, FR_BAD)
    (tmp_path / "mtqa.toml").unlink()
    flags = _termbase_flags(tmp_path, "--termbase", str(tmp_path / "gloss" / "terms.csv"))
    assert [f["line"] for f in flags] == [3]


def test_forbidden_term_without_a_source(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)     # no ./corpora: no source to find
    (tmp_path / "t.csv").write_text(CSV, encoding="utf-8")
    (tmp_path / "fr.txt").write_text("Des soldats ukrainiens de l'armée sont arrivés.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(tmp_path / "fr.txt"),
                                      "--enable", "termbase", "--termbase", str(tmp_path / "t.csv"), "-f", "json"])
    flags = [f for f in json.loads(result.stdout)["flags"] if f["check"] == "termbase"]
    assert [(f["severity"], f["category"]) for f in flags] == [("major", "terminology")]
