"""Acceptance for the translator-grade checks (issue 15): a hand-made XLIFF 1.2, XLIFF 2.0, PO and
JSONL file, each with one error of every kind the checks table lists and correct counterparts, is
flagged exactly where the errors are: every error found, no flag on a correct unit."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape

import pytest

from mtqa.checks.rules import Rule
from mtqa.config import Config
from mtqa.pipeline import check
from mtqa.readers import read_bilingual

CHECKS = ["placeholders", "urls-handles", "punctuation", "spacing", "capitals", "consistency",
          "target-consistency", "rules"]
RULES = (Rule(source=r"(?i)\bkamp", target=r"\bmatchs?\b", must="not-match", message="« match » : ici « combat »",
              severity="major", name="kamp-combat"),)

# (id, source, target, the check that must flag it or None)
UNITS = [
    ("ph-ok", "Hei %s, du har {count} meldinger.", "Bonjour %s, vous avez {count} messages.", None),
    ("ph-bad", "Hei %s, velkommen tilbake.", "Bonjour, bon retour.", "placeholders"),
    ("brace-bad", "Du har {count} nye varsler.", "Vous avez {nombre} nouvelles alertes.", "placeholders"),
    ("url-ok", "Les mer på https://nrk.no/nyheter i dag.", "Pour en savoir plus : https://nrk.no/nyheter aujourd'hui.", None),
    ("url-bad", "Følg @NRK på X for oppdateringer.", "Suivez NRK sur X pour les mises à jour.", "urls-handles"),
    ("mail-bad", "Send tips til tips@vg.no i dag.", "Envoyez vos conseils à conseils@vg.no aujourd'hui.", "urls-handles"),
    ("q-ok", "Hvorfor kom han ikke?", "Pourquoi n'est-il pas venu ?", None),
    ("q-bad", "Kommer du i morgen?", "Tu viens demain.", "punctuation"),
    ("paren-bad", "Han kom hjem (til slutt) i går.", "Il est rentré (enfin hier.", "punctuation"),
    ("space-ok", "Han kom hjem i går.", "Il est rentré hier.", None),
    ("space-bad", "Hun reiste hjem i går.", "Elle est  rentrée hier.", "spacing"),
    ("cap-ok", "Han bor i Oslo og jobber i NRK.", "Il habite à Oslo et travaille à la NRK.", None),
    ("cap-bad", "Hun bor i Bergen nå.", "Elle habite à bergen maintenant.", "capitals"),
    ("start-bad", "Regjeringen la fram budsjettet.", "le gouvernement a présenté le budget.", "capitals"),
    ("cons-a", "Del artikkelen", "Partager l'article", "consistency"),
    ("cons-b", "Del artikkelen", "Partagez l'article", "consistency"),
    ("tcons-a", "Se mer", "Voir plus", "target-consistency"),
    ("tcons-b", "Les mer", "Voir plus", "target-consistency"),
    ("rule-ok", "Kampene fortsatte i natt.", "Les combats ont continué cette nuit.", None),
    ("rule-bad", "Kampene i øst fortsatte.", "Les matchs dans l'est ont continué.", "rules"),
]

# XLIFF only: inline markup (source XML, target XML, check)
TAGGED = [
    ("tag-ok", 'Trykk <g id="1">her</g> for <x id="2"/> mer.', 'Cliquez <g id="1">ici</g> pour <x id="2"/> plus.', None),
    ("tag-bad", 'Trykk <g id="1">her</g> for <x id="2"/> mer.', 'Cliquez <g id="1">ici</g> pour plus.', "placeholders"),
    ("pair-bad", 'Les <bx id="3" rid="1"/>dette<ex id="4" rid="1"/> nå.', 'Lisez <ex id="4" rid="1"/>ceci<bx id="3" rid="1"/> maintenant.',
     "placeholders"),
]
TAGGED2 = [
    ("tag-ok", 'Trykk <pc id="1">her</pc> for <ph id="2"/> mer.', 'Cliquez <pc id="1">ici</pc> pour <ph id="2"/> plus.', None),
    ("tag-bad", 'Trykk <pc id="1">her</pc> for <ph id="2"/> mer.', 'Cliquez <pc id="1">ici</pc> pour plus.', "placeholders"),
    ("pair-bad", 'Les <sc id="3"/>dette<ec startRef="3"/> nå.', 'Lisez <ec startRef="3"/>ceci<sc id="3"/> maintenant.',
     "placeholders"),
]


def _xliff12(units, tagged) -> str:
    body = "".join(f'<trans-unit id="{i}" xml:space="preserve"><source>{escape(s)}</source><target>{escape(t)}</target></trans-unit>\n'
                   for i, s, t, _ in units)
    body += "".join(f'<trans-unit id="{i}" xml:space="preserve"><source>{s}</source><target>{t}</target></trans-unit>\n'
                    for i, s, t, _ in tagged)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
            '<file original="a.txt" source-language="nb" target-language="fr" datatype="plaintext"><body>\n'
            f"{body}</body></file></xliff>\n")


def _xliff20(units, tagged) -> str:
    body = "".join(f'<unit id="{i}"><segment xml:space="preserve"><source>{escape(s)}</source><target>{escape(t)}</target></segment></unit>\n'
                   for i, s, t, _ in units)
    body += "".join(f'<unit id="{i}"><segment xml:space="preserve"><source>{s}</source><target>{t}</target></segment></unit>\n'
                    for i, s, t, _ in tagged)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" '
            f'srcLang="nb" trgLang="fr"><file id="f1">\n{body}</file></xliff>\n')


def _po(units) -> str:
    def q(text):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    out = ['msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: fr\\n"\n']
    out += [f"msgctxt {q(i)}\nmsgid {q(s)}\nmsgstr {q(t)}\n" for i, s, t, _ in units]
    return "\n".join(out)


def _jsonl(units) -> str:
    return "".join(json.dumps({"id": i, "source": s, "target": t}, ensure_ascii=False) + "\n" for i, s, t, _ in units)


FILES = {
    "a.xlf": (lambda: _xliff12(UNITS, TAGGED), UNITS + TAGGED),
    "a.xlf2": (lambda: _xliff20(UNITS, TAGGED2), UNITS + TAGGED2),
    "a.po": (lambda: _po(UNITS), UNITS),
    "a.jsonl": (lambda: _jsonl(UNITS), UNITS),
}


@pytest.mark.parametrize("name", list(FILES))
def test_every_error_is_flagged_and_no_correct_unit_is(tmp_path, name):
    make, units = FILES[name]
    path = tmp_path / name
    path.write_text(make(), encoding="utf-8")
    doc = read_bilingual(path)
    result = check(doc, Config(enable=tuple(CHECKS), rules=RULES))
    flagged = {(f.unit.split("|")[0], f.check) for f in result.flags if f.check in CHECKS}
    expected = {(i, c) for i, _, _, c in units if c}
    assert flagged == expected


def test_inline_tags_are_read_from_both_xliff_versions(tmp_path):
    (tmp_path / "a.xlf").write_text(_xliff12([], TAGGED), encoding="utf-8")
    (tmp_path / "a.xlf2").write_text(_xliff20([], TAGGED2), encoding="utf-8")
    one = read_bilingual(tmp_path / "a.xlf").units
    two = read_bilingual(tmp_path / "a.xlf2").units
    assert one[0].source_tags == ("g:1", "x:2") and one[1].target_tags == ("g:1",)
    assert one[2].target_tags == ("ex:1", "bx:1")
    assert two[0].source_tags == ("pc:1", "ph:2") and two[2].source_tags == ("sc:3", "ec:3")
