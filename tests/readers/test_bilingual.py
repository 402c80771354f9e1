"""Bilingual inputs (XLIFF 1.2 and 2.0, TMX, PO, JSONL) and `--format xliff`: flags land on the right
unit without --source, malformed files are one-line errors with their position, and the annotated
XLIFF differs from the input by mtqa's notes only."""

import csv
import io
import json
import re
import subprocess
import sys

import jsonschema
import pytest
from lxml import etree

from conftest import REPO, mtqa_main
from mtqa.readers import read_bilingual, to_documents
from mtqa.report.xliff_report import strip_mtqa_notes

# One unit of each kind in every fixture: a changed number, a clean translation, a Norwegian target
# (copied from the source) and an empty target.
NUMBERS = ("Over 12 000 mennesker ble arrestert i Moskva i helgen.",
           "Plus de 1 200 personnes ont été arrêtées à Moscou ce week-end.")
CLEAN = ("Politiet sier at demonstrasjonene var fredelige.",
         "La police affirme que les manifestations étaient pacifiques.")
NORSK = ("Regjeringen vil ikke kommentere saken.", "Regjeringen vil ikke kommentere saken.")
EMPTY = ("Flere journalister ble også pågrepet.", "")

# Hand-written as CAT tools write them, with what a re-serialiser would change: single-quoted
# attributes, character references, CDATA, a comment, tabs, a unit on one line, an empty <target/>.
XLIFF12 = """<?xml version='1.0' encoding='UTF-8'?>
<!-- exported by a CAT tool -->
<xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'>
  <file original='story.txt' source-language='nb-NO' target-language='fr-FR' datatype='plaintext'>
    <header><tool tool-id="cat" tool-name="CAT"/></header>
    <body>
      <group id="g1">
\t<trans-unit id="u-numbers" approved="no">
\t  <source>Over 12 000 mennesker ble arrestert i <g id="1">Moskva</g> i helgen.</source>
\t  <target state="translated">Plus de 1 200 personnes ont &#233;t&#233; arr&#xEA;t&#233;es &#224; <g id="1">Moscou</g> ce week-end.</target>
\t  <note from="reviewer">Vérifier le chiffre.</note>
\t</trans-unit>
      </group>
      <trans-unit id="u-clean">
        <source>Politiet sier at demonstrasjonene var fredelige.</source>
        <target><![CDATA[La police affirme que les manifestations étaient pacifiques.]]></target>
      </trans-unit>
      <trans-unit id="u-norsk"><source>Regjeringen vil ikke kommentere saken.</source><target>Regjeringen vil ikke kommentere saken.</target></trans-unit>
      <trans-unit id="u-empty">
        <source>Flere journalister ble også pågrepet.</source>
        <target/>
      </trans-unit>
    </body>
  </file>
</xliff>
"""

XLIFF20 = """<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="nb" trgLang="fr">
  <file id="f1">
    <unit id="u-numbers">
      <segment id="s1">
        <source>Over 12 000 mennesker ble arrestert i Moskva i helgen.</source>
        <target>Plus de 1 200 personnes ont été arrêtées à Moscou ce week-end.</target>
      </segment>
      <segment id="s2">
        <source>Politiet sier at demonstrasjonene var fredelige.</source>
        <target>La police affirme que les manifestations étaient pacifiques.</target>
      </segment>
    </unit>
    <unit id="u-clean">
      <originalData>
        <data id="d1">&lt;br/&gt;</data>
      </originalData>
      <segment>
        <source>Politiet sier at demonstrasjonene var fredelige.<ph id="1" dataRef="d1"/></source>
        <target>La police affirme que les manifestations étaient pacifiques.<ph id="1" dataRef="d1"/></target>
      </segment>
    </unit>
    <unit id="u-norsk">
      <notes>
        <note category="reviewer">Vérifier.</note>
      </notes>
      <segment>
        <source>Regjeringen vil ikke kommentere saken.</source>
        <target>Regjeringen vil ikke kommentere saken.</target>
      </segment>
    </unit>
    <unit id="u-empty">
      <segment state="initial">
        <source>Flere journalister ble også pågrepet.</source>
      </segment>
    </unit>
  </file>
</xliff>
"""

TMX = f"""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4">
  <header creationtool="test" creationtoolversion="1" segtype="sentence" o-tmf="none" adminlang="en"
          srclang="nb-NO" datatype="plaintext"/>
  <body>
    <tu tuid="u-numbers">
      <tuv xml:lang="nb-NO"><seg>{NUMBERS[0]}</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>{NUMBERS[1]}</seg></tuv>
    </tu>
    <tu tuid="u-clean">
      <tuv xml:lang="fr-FR"><seg>{CLEAN[1]}</seg></tuv>
      <tuv xml:lang="nb-NO"><seg>{CLEAN[0]}</seg></tuv>
    </tu>
    <tu tuid="u-norsk">
      <tuv xml:lang="nb-NO"><seg>{NORSK[0]}</seg></tuv>
      <tuv xml:lang="fr-FR"><seg>{NORSK[1]}</seg></tuv>
    </tu>
    <tu tuid="u-empty">
      <tuv xml:lang="nb-NO"><seg>{EMPTY[0]}</seg></tuv>
    </tu>
  </body>
</tmx>
"""

PO = f"""# French translation of a news story.
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: fr\\n"

#: story.txt:1
msgctxt "u-numbers"
msgid "{NUMBERS[0]}"
msgstr "{NUMBERS[1]}"

msgctxt "u-clean"
msgid "{CLEAN[0]}"
msgstr "{CLEAN[1]}"

msgctxt "u-norsk"
msgid "{NORSK[0]}"
msgstr "{NORSK[1]}"

#, fuzzy
msgctxt "u-empty"
msgid "{EMPTY[0]}"
msgstr ""
"""

JSONL = "".join(json.dumps({"id": uid, "source": s, "target": t}, ensure_ascii=False) + "\n"
                for uid, (s, t) in (("u-numbers", NUMBERS), ("u-clean", CLEAN), ("u-norsk", NORSK),
                                    ("u-empty", EMPTY)))

FIXTURES = {"story.xlf": XLIFF12, "story.xlf2": XLIFF20, "story.tmx": TMX, "story.po": PO, "story.jsonl": JSONL}
PO_SOURCE = {"u-numbers": NUMBERS[0], "u-clean": CLEAN[0], "u-norsk": NORSK[0], "u-empty": EMPTY[0]}


def unit_name(name: str, uid: str) -> str:
    """The id fixture `name` gives unit `uid`: PO keys an entry msgctxt|msgid."""
    return f"{uid}|{PO_SOURCE[uid]}" if name == "story.po" else uid


# The unit with the changed number; in XLIFF 2.0 it is the first segment of a two-segment unit.
NUMBERS_ID = {name: unit_name(name, "u-numbers") for name in FIXTURES} | {"story.xlf2": "u-numbers::s1"}


def write(tmp_path, name: str, text: str | bytes):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


run = mtqa_main  # `mtqa ARGS` in this process: (exit status, stdout, stderr)


@pytest.fixture(autouse=True)
def _no_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no mtqa.toml of the checkout changes the results
    monkeypatch.delenv("MTQA_MODEL", raising=False)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_each_format_flags_the_right_unit_without_a_source(tmp_path, capsys, name):
    path = write(tmp_path, name, FIXTURES[name])
    status, out, err = run(capsys, "check", path, "--format", "json")
    assert status == 1, err
    report = json.loads(out)
    flags = report["flags"]
    assert report["retrieval"] is None and report["bilingual"]["units"][0]["id"] == NUMBERS_ID[name]
    numbers = [f for f in flags if f["category"] == "accuracy/number"]
    assert [f["unit"] for f in numbers] == [NUMBERS_ID[name]]
    assert "12000" in numbers[0]["message"] and numbers[0]["source_text"] == NUMBERS[0]
    copied = [f for f in flags if f["unit"] == unit_name(name, "u-norsk") and f["category"] == "accuracy/untranslated"]
    assert copied and copied[0]["severity"] == "major"
    empty = [f for f in flags if f["unit"] == unit_name(name, "u-empty")]
    assert [(f["check"], f["category"], f["text"]) for f in empty] == [("untranslated", "accuracy/untranslated", "")]
    assert empty[0]["source_text"] == EMPTY[0]
    assert not [f for f in flags if f["unit"] == unit_name(name, "u-clean")], "the clean unit is flagged"
    assert all(f["unit"] is not None for f in flags)
    assert all(s["unit"] is not None for s in report["segments"])
    jsonschema.validate(report, json.loads((REPO / "docs" / "report-schema.json").read_text()))


@pytest.mark.parametrize("name", list(FIXTURES))
def test_reports_are_byte_identical_across_runs(tmp_path, capsys, name):
    path = write(tmp_path, name, FIXTURES[name])
    formats = ["json", "sarif", "csv"] + (["xliff"] if name.startswith("story.xlf") else [])
    for fmt in formats:
        outputs = []
        for n in range(2):
            status, _, err = run(capsys, "check", path, "-f", fmt, "-o", tmp_path / f"{fmt}{n}")
            assert status == 1, err
            outputs.append((tmp_path / f"{fmt}{n}").read_bytes())
        assert outputs[0] == outputs[1], fmt


def test_units_become_line_aligned_documents(tmp_path):
    doc = read_bilingual(write(tmp_path, "story.xlf", XLIFF12.replace("i helgen.</source>", "i\nhelgen.</source>")))
    source, target, ids = to_documents(doc)
    assert ids == ("u-numbers", "u-clean", "u-norsk", "u-empty")
    assert source.lines[0] == "Over 12 000 mennesker ble arrestert i Moskva i helgen."  # one line per unit
    assert target.lines[1] == CLEAN[1] and target.lines[3] == ""
    assert [u.line for u in doc.units] == [8, 15, 19, 20]  # the line break added above moves the later units
    assert (doc.format, doc.source_language, doc.target_language) == ("xliff-1.2", "nb-NO", "fr-FR")


def test_text_report_names_the_unit_beside_its_line(tmp_path, capsys):
    status, out, _ = run(capsys, "check", write(tmp_path, "story.xlf", XLIFF12))
    assert status == 1
    assert "line 8  unit u-numbers" in out and "line 19  unit u-empty" in out
    assert "4 units (1 untranslated)" in out


def test_the_ci_formats_carry_the_unit(tmp_path, capsys):
    path = write(tmp_path, "story.xlf", XLIFF12)

    def report(fmt):
        status, _, err = run(capsys, "check", path, "-f", fmt, "-o", tmp_path / f"out.{fmt}")
        assert status == 1, err
        return (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")

    rows = list(csv.DictReader(io.StringIO(report("csv"))))
    assert [r["unit"] for r in rows if r["category"] == "accuracy/number"] == ["u-numbers"]

    sarif = json.loads(report("sarif"))
    from test_ci_formats import SARIF_VALIDATOR

    SARIF_VALIDATOR.validate(sarif)
    number = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "numbers")
    location = number["locations"][0]
    assert location["physicalLocation"]["region"] == {"startLine": 8}  # the unit's line in the XLIFF file
    assert location["logicalLocations"][0]["name"] == "u-numbers" and number["properties"]["unit"] == "u-numbers"

    github = report("github").splitlines()
    assert any(line.startswith("::error file=") and ",line=8," in line and "unit u-numbers::" in line for line in github)
    assert any(",line=19," in line and "unit u-empty" in line for line in github)

    junit = etree.fromstring(report("junit").encode("utf-8"))
    failed = {case.get("name").split(":")[0] for case in junit.iter("testcase") if case.find("failure") is not None}
    assert {"unit u-numbers segment 0", "unit u-empty"} <= failed

    html = report("html")
    assert "unit <code>u-numbers</code>" in html and "unit <code>u-empty</code>" in html


# --------------------------------------------------------------------------- malformed input

MALFORMED = {
    # name: (content, expected "file:line:column" position, words of the message)
    "tag.xlf": ('<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
                '<file original="a" source-language="nb" target-language="fr" datatype="plaintext"><body>\n'
                '  <trans-unit id="1"><source>a</source><target>b</trans-unit>\n</body></file></xliff>\n',
                r"4:\d+", "not well-formed XML"),
    "root.xlf": ('<?xml version="1.0"?>\n\n<html><body/></html>\n', "3:1", "root element is <html>"),
    "nosource.xlf": ('<?xml version="1.0"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
                     '<file original="a" source-language="nb" target-language="fr" datatype="plaintext"><body>\n'
                     '  <trans-unit id="t9">\n    <target>b</target>\n  </trans-unit>\n</body></file></xliff>\n',
                     "4:3", "has no <source>"),
    "nosource.xlf2": ('<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="nb" trgLang="fr">\n'
                      '<file id="f"><unit id="u">\n  <segment><target>b</target></segment>\n</unit></file></xliff>\n',
                      "3:3", "has no <source>"),
    "seg.tmx": ('<tmx version="1.4"><header srclang="nb"/><body>\n<tu>\n  <tuv xml:lang="nb"><seg>a</seg></tuv>\n'
                '  <tuv xml:lang="fr"><seg>b</tuv>\n</tu></body></tmx>\n', r"4:\d+", "not well-formed XML"),
    "noseg.tmx": ('<tmx version="1.4"><header srclang="nb"/><body>\n<tu>\n  <tuv xml:lang="nb"><seg>a</seg></tuv>\n'
                  '  <tuv xml:lang="fr"></tuv>\n</tu></body></tmx>\n', "4:3", "has no <seg>"),
    "root.tmx": ('<?xml version="1.0"?>\n<xliff version="1.2"/>\n', "2:1", "expected <tmx>"),
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_xml_is_one_line_with_its_position(tmp_path, name):
    content, position, words = MALFORMED[name]
    path = write(tmp_path, name, content)
    proc = subprocess.run([sys.executable, "-m", "mtqa", "check", str(path)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == "" and proc.stderr.count("\n") == 1, proc.stderr
    assert re.match(rf"mtqa: error: {re.escape(str(path))}:{position}: ", proc.stderr), proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("name, content, expected", [
    ("bad.jsonl", '{"id": "a", "source": "x", "target": "y"}\n{"id": "b", "source": }\n', r":2:\d+: invalid JSON"),
    ("key.jsonl", '{"id": "a", "source": "x", "target": "y"}\n\n{"id": "b", "source": "x"}\n', r":3: missing 'target'"),
    ("dup.jsonl", '{"id": "a", "source": "x", "target": "y"}\n{"id": "a", "source": "x", "target": "y"}\n',
     r":2: duplicate id 'a' \(first on line 1\)"),
    ("bad.po", 'msgid "a"\nmsgstr "b"\nnonsense here\n', r":3: PO syntax error"),
])
def test_malformed_jsonl_and_po_name_the_line(tmp_path, capsys, name, content, expected):
    path = write(tmp_path, name, content)
    status, out, err = run(capsys, "check", path)
    assert status == 2 and out == "" and err.count("\n") == 1
    assert re.search(re.escape(str(path)) + expected, err), err


def test_bilingual_input_refuses_source_and_xliff_output_needs_xliff(tmp_path, capsys):
    xlf, tmx = write(tmp_path, "story.xlf", XLIFF12), write(tmp_path, "story.tmx", TMX)
    status, _, err = run(capsys, "check", xlf, "--source", tmx)
    assert status == 2 and "holds its own source" in err
    status, out, err = run(capsys, "check", tmx, "--format", "xliff")
    assert status == 2 and out == "" and "not an XLIFF file" in err
    article = write(tmp_path, "story.fr.txt", CLEAN[1] + "\n")
    status, _, err = run(capsys, "check", article, "--format", "xliff")
    assert status == 2 and "not an XLIFF file" in err


def test_an_xml_file_is_read_by_its_root_element(tmp_path, capsys):
    status, out, err = run(capsys, "check", write(tmp_path, "export.xml", TMX), "-f", "json")
    assert status == 1, err
    assert json.loads(out)["bilingual"]["format"] == "tmx"


# --------------------------------------------------------------------------- --format xliff


def _strip_independently(data: bytes) -> bytes:
    """mtqa's notes removed by pattern, not by the code under test."""
    data = re.sub(rb'<notes>(?:\s*<note category="mtqa"[^>]*>[^<]*</note>)+\s*</notes>\r?\n[ \t]*', b"", data)
    data = re.sub(rb'\r?\n[ \t]*<note (?:from|category)="mtqa"[^>]*>[^<]*</note>', b"", data)
    return re.sub(rb'<note (?:from|category)="mtqa"[^>]*>[^<]*</note>', b"", data)


def _shape(element) -> tuple:
    """An element tree as comparable data, mtqa's notes (and <notes> left empty) left out and
    whitespace-only text ignored."""
    def text(value):
        return value if value and value.strip() else ""

    children = []
    for child in element:
        local = etree.QName(child).localname if isinstance(child.tag, str) else None
        if local == "note" and "mtqa" in (child.get("from"), child.get("category")):
            continue
        shape = _shape(child) if isinstance(child.tag, str) else (str(child.tag), child.text)
        if local == "notes" and not shape[3]:
            continue
        children.append(shape)
    return (element.tag, sorted(element.attrib.items()), text(element.text), children, text(element.tail))


def _notes(data: bytes) -> dict[str, list[tuple[str, str]]]:
    """Unit id -> [(priority, text)] of mtqa's notes."""
    root = etree.fromstring(data)
    out: dict[str, list] = {}
    for note in root.iter("{*}note"):
        if "mtqa" in (note.get("from"), note.get("category")):
            unit = next(a for a in note.iterancestors() if etree.QName(a).localname in ("trans-unit", "unit"))
            out.setdefault(unit.get("id"), []).append((note.get("priority"), note.text))
    return out


@pytest.mark.parametrize("name", ["story.xlf", "story.xlf2"])
def test_xliff_output_adds_notes_and_changes_nothing_else(tmp_path, capsys, name):
    original = FIXTURES[name].encode("utf-8")
    path = write(tmp_path, name, original)
    status, _, err = run(capsys, "check", path, "--format", "xliff", "-o", tmp_path / "annotated.xlf")
    assert status == 1, err
    annotated = (tmp_path / "annotated.xlf").read_bytes()
    assert annotated != original
    assert _strip_independently(annotated) == original  # byte for byte, once mtqa's notes are gone
    assert strip_mtqa_notes(annotated, "xliff-1.2" if name == "story.xlf" else "xliff-2.0") == original
    assert _shape(etree.fromstring(annotated)) == _shape(etree.fromstring(original))

    notes = _notes(annotated)
    assert set(notes) == {"u-numbers", "u-norsk", "u-empty"}  # nothing on the clean unit
    assert any(p == "2" and "accuracy/number" in t and "12000" in t for p, t in notes["u-numbers"])
    assert any("no translation" in t for _, t in notes["u-empty"])
    assert all(re.fullmatch(r"mtqa (critical|major|minor|info) \S+ \[[\w-]+\].*: .+", t) for ns in notes.values()
               for _, t in ns)
    # The annotated file still reads as the same units, and checking it again replaces the notes.
    def texts(doc):
        return [(u.id, u.source, u.target, u.element) for u in doc.units]  # lines move: notes were added

    assert texts(read_bilingual(tmp_path / "annotated.xlf")) == texts(read_bilingual(path))
    status, _, _ = run(capsys, "check", tmp_path / "annotated.xlf", "-f", "xliff", "-o", tmp_path / "again.xlf")
    assert status == 1
    assert (tmp_path / "again.xlf").read_bytes() == annotated


def test_xliff_notes_follow_the_file_layout(tmp_path, capsys):
    path = write(tmp_path, "story.xlf", XLIFF12)
    run(capsys, "check", path, "-f", "xliff", "-o", tmp_path / "out.xlf")
    text = (tmp_path / "out.xlf").read_text(encoding="utf-8")
    # After the <target>, at its indentation (tabs kept); inline for a unit written on one line.
    assert re.search(r'ce week-end\.</target>\n\t  <note from="mtqa" priority="2" annotates="target">', text)
    assert re.search(r'saken\.</target><note from="mtqa" priority="\d" annotates="target">[^<]*</note>'
                     r'(<note from="mtqa"[^>]*>[^<]*</note>)*</trans-unit>', text)
    assert re.search(r'<target/>\n        <note from="mtqa" priority="2" annotates="target">mtqa major '
                     r'accuracy/untranslated \[untranslated\]: no translation', text)
    path2 = write(tmp_path, "story.xlf2", XLIFF20)
    run(capsys, "check", path2, "-f", "xliff", "-o", tmp_path / "out2.xlf")
    text2 = (tmp_path / "out2.xlf").read_text(encoding="utf-8")
    # A <notes> created before the first <segment>; an existing <notes> extended.
    assert re.search(r'<unit id="u-numbers">\n      <notes>\n        <note category="mtqa" priority="2" '
                     r'appliesTo="target">mtqa major accuracy/number \[numbers\] \(segment s1\): ', text2)
    assert re.search(r'<note category="reviewer">Vérifier\.</note>\n        <note category="mtqa"', text2)


def test_xliff_output_keeps_crlf_and_a_legacy_encoding(tmp_path, capsys):
    latin = XLIFF12.replace("encoding='UTF-8'", "encoding='ISO-8859-1'").replace("\n", "\r\n").encode("latin-1")
    path = write(tmp_path, "story.xlf", latin)
    status, _, err = run(capsys, "check", path, "-f", "xliff", "-o", tmp_path / "out.xlf")
    assert status == 1, err
    annotated = (tmp_path / "out.xlf").read_bytes()
    assert b'</target>\r\n\t  <note from="mtqa"' in annotated
    assert _strip_independently(annotated) == latin
    assert "Vérifier".encode("latin-1") in annotated and "Vérifier".encode("utf-8") not in annotated


def test_xliff_to_stdout_is_the_annotated_file(tmp_path):
    path = write(tmp_path, "story.xlf", XLIFF12)
    proc = subprocess.run([sys.executable, "-m", "mtqa", "check", str(path), "-f", "xliff"], capture_output=True,
                          cwd=tmp_path, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert _strip_independently(proc.stdout) == XLIFF12.encode("utf-8") and b'from="mtqa"' in proc.stdout


def test_suppressed_flags_are_not_written_as_notes(tmp_path, capsys):
    path = write(tmp_path, "story.xlf", XLIFF12)
    (tmp_path / "mtqa.toml").write_text('[[suppress]]\npattern = "1 200 personnes"\ncheck = "numbers"\n'
                                        'reason = "the desk checked the figure"\n', encoding="utf-8")
    run(capsys, "check", path, "-f", "xliff", "-o", tmp_path / "out.xlf")
    notes = _notes((tmp_path / "out.xlf").read_bytes())
    assert not any("accuracy/number" in t for _, t in notes.get("u-numbers", []))
    assert notes["u-empty"]
