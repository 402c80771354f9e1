"""GrammarCheck: Grammalecte errors mapped back to segments (tests with Grammalecte skip without it)."""

from __future__ import annotations

import json
import subprocess

import pytest

from mtqa.checks import grammar
from mtqa.checks.base import CheckInput
from mtqa.checks.grammar import (
    CONFUSION_GROUP, GRAMMAR_GROUP, REPETITION_GROUP, TYPOGRAPHY_GROUP, GrammalecteError, GrammalecteFailed,
    GrammarCheck, available, drop_proper_noun_matches, group_matches, rule_group,
)
from mtqa.core.document import BODY, HASHTAGS, Document, Segment
from mtqa.text.segment import segment_document

needs_grammalecte = pytest.mark.skipif(not available(), reason="Grammalecte not installed (apt-get install grammalecte-cli)")


def segments(*lines: str) -> list[Segment]:
    return segment_document(Document("t.fr.txt", tuple(lines)), "fr")


def line_text(lines: tuple[str, ...], flag) -> str:
    return lines[flag.line - 1][flag.span[0]:flag.span[1]]


# ---- without Grammalecte -------------------------------------------------------------------------

def test_rule_groups():
    assert rule_group("gn", "g3__gn_les_1m__b3_a1_1") == GRAMMAR_GROUP
    assert rule_group("ppas", "gv1__ppas_sujet_être_accord_pluriel__b1_a4_1") == GRAMMAR_GROUP
    assert rule_group("conf", "g2__conf_a_à_verbe__b13_a1_1") == CONFUSION_GROUP
    assert rule_group("notype", "doublon") == REPETITION_GROUP
    assert rule_group("notype", "num_grand_nombre_avec_espaces") == TYPOGRAPHY_GROUP
    assert rule_group("notype", "g2__conf_ils_non_verbe__b1_a1_1") == CONFUSION_GROUP
    for stype in ("apos", "nbsp", "typo", "unit", "esp", "maj"):
        assert rule_group(stype, "whatever") == TYPOGRAPHY_GROUP


def test_proper_noun_guard_drops_every_part_of_a_match():
    text = "Né à Hong Kong, Ma a étudié à Londres. Les chat dorment."
    ma = text.index("Ma ")
    chat = text.index("chat")
    errors = [
        GrammalecteError(ma, ma + 2, "g3__gn_ma_ta_sa_1m__b1_a2_1", "gn", GRAMMAR_GROUP, "", ("Mon",), "#1"),
        GrammalecteError(ma + 3, ma + 4, "g3__gn_ma_ta_sa_1m__b1_a1_1", "gn", GRAMMAR_GROUP, "", (), "#1"),
        GrammalecteError(chat, chat + 4, "g3__gn_les_1m__b3_a1_1", "gn", GRAMMAR_GROUP, "", ("chats",), "#2"),
    ]
    kept = drop_proper_noun_matches(text, errors)
    assert [e.start for e in kept] == [chat]
    # Sentence-initial capitals are not names.
    assert drop_proper_noun_matches("La navire", [GrammalecteError(0, 2, "g3__gn_la_1m__b3_a1_1", "gn",
                                                                   GRAMMAR_GROUP, "", (), "#3")])
    # Acronyms are.
    assert not drop_proper_noun_matches("Il sert dans l'US Navy", [GrammalecteError(
        15, 17, "g3__gn_l_1m__b3_a1_1", "gn", GRAMMAR_GROUP, "", (), "#4")])


def test_group_matches_merges_parts_of_one_rule_match():
    a = GrammalecteError(0, 2, "g2__conj_il__b1_a2_1", "conj", GRAMMAR_GROUP, "", ("Ils",), "#7402")
    b = GrammalecteError(3, 7, "g2__conj_il__b1_a1_1", "conj", GRAMMAR_GROUP, "", ("est",), "#7402")
    c = GrammalecteError(20, 25, "doublon", "notype", REPETITION_GROUP, "", (), "#1621s")
    assert group_matches([b, c, a]) == [[b, a], [c]]


def test_missing_grammalecte_yields_nothing():
    check = GrammarCheck(executable="/nonexistent/grammalecte-cli")
    assert not check.available()
    assert list(check.run(CheckInput(target=segments("Les chat sont noir.")))) == []


def test_unknown_group_or_severity_is_a_usage_error():
    with pytest.raises(ValueError):
        GrammarCheck(groups=("grammar", "nonsense"))
    with pytest.raises(ValueError):
        GrammarCheck(group_severity={"grammar": "fatal"})
    with pytest.raises(ValueError):
        GrammarCheck(no_such_option=1)


def test_output_mapped_to_segments_with_a_canned_grammalecte(monkeypatch, tmp_path):
    """The JSON parsing and offset mapping, without Grammalecte: a fake process answers."""
    lines = ("Titre", "Le ministre parle. Les chat sont noir.")
    segs = segments(*lines)
    second = next(s for s in segs if s.text.startswith("Les chat"))
    calls = []

    def fake_run(cmd, **kwargs):
        calls.append(cmd)
        with open(cmd[cmd.index("-f") + 1], encoding="utf-8") as fh:
            texts = fh.read().split("\n")[:-1]
        assert texts == [s.text for s in segs]
        i = texts.index(second.text) + 1
        data = {"data": [{"iParagraph": i, "lGrammarErrors": [
            {"nStart": 4, "nEnd": 8, "sLineId": "#25307", "sRuleId": "g3__gn_les_1m__b3_a1_1", "sType": "gn",
             "sMessage": "Accord de nombre erroné", "aSuggestions": ["chats"]},
            {"nStart": 0, "nEnd": 2, "sLineId": "#644p", "sRuleId": "apostrophe_typographique", "sType": "apos",
             "sMessage": "Apostrophe typographique.", "aSuggestions": ["’"]}],
            "lSpellingErrors": [{"sValue": "Titre", "nStart": 0, "nEnd": 5}]}]}
        return subprocess.CompletedProcess(cmd, 0, json.dumps(data), "")

    monkeypatch.setattr(grammar, "executable_path", lambda executable="": "/usr/bin/grammalecte-cli")
    monkeypatch.setattr(grammar.subprocess, "run", fake_run)
    flags = list(GrammarCheck().run(CheckInput(target=segs)))
    assert len(calls) == 1
    assert "-off" in calls[0] and "apos" in calls[0]  # typography off unless asked for
    assert [(f.line, line_text(lines, f)) for f in flags] == [(2, "chat")]
    assert flags[0].severity == "minor"
    assert flags[0].evidence["rule"] == "g3__gn_les_1m" and flags[0].evidence["suggestions"] == ["chats"]


def test_a_broken_grammalecte_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(grammar, "executable_path", lambda executable="": "/usr/bin/grammalecte-cli")
    monkeypatch.setattr(grammar.subprocess, "run",
                        lambda cmd, **kw: subprocess.CompletedProcess(cmd, 1, "", "ModuleNotFoundError: grammalecte"))
    with pytest.raises(GrammalecteFailed, match="exited 1"):
        list(GrammarCheck().run(CheckInput(target=segments("Les chat sont noir."))))
    monkeypatch.setattr(grammar.subprocess, "run", lambda cmd, **kw: subprocess.CompletedProcess(cmd, 0, "oops", ""))
    with pytest.raises(GrammalecteFailed, match="unreadable"):
        list(GrammarCheck().run(CheckInput(target=segments("Les chat sont noir."))))


# ---- with Grammalecte ----------------------------------------------------------------------------

@needs_grammalecte
def test_agreement_error_is_flagged_with_span_and_line():
    lines = ("Hausse des prix", "La banque centrale a relevé son taux. Les marchandises importées sont devenues plus chers.")
    flags = list(GrammarCheck().run(CheckInput(target=segments(*lines))))
    assert flags, "agreement error not found"
    assert {f.line for f in flags} == {2}
    assert "chers" in [line_text(lines, f) for f in flags]
    flag = next(f for f in flags if line_text(lines, f) == "chers")
    assert flag.check == "grammar" and flag.category == "fluency/grammar" and flag.severity == "minor"
    assert "chères" in flag.evidence["suggestions"]
    assert flag.evidence["group"] == GRAMMAR_GROUP
    assert flag.evidence["type"] in ("gn", "ppas")  # noun-phrase or participle/adjective agreement


@needs_grammalecte
def test_correct_sentences_are_not_flagged():
    lines = (
        "Depuis le début de la guerre en février 2022, la Russie a enregistré au total 15 902 cas.",
        "Le président a également adressé ses salutations aux soldats russes combattant dans la guerre.",
        "Né à Hong Kong, Ma a étudié à l'université de New York.",  # a name read as "ma": guarded
        "L'inflation s'est établie à 2,9 % en janvier, selon l'institut SSB : « C'est une surprise ».",
    )
    assert list(GrammarCheck().run(CheckInput(target=segments(*lines)))) == []


@needs_grammalecte
def test_repeated_word_is_major():
    lines = ("Mitt Romney a remporté l'élection présidentielle présidentielle en Floride.",)
    flags = list(GrammarCheck().run(CheckInput(target=segments(*lines))))
    assert [(f.severity, line_text(lines, f)) for f in flags] == [("major", "présidentielle présidentielle")]


@needs_grammalecte
def test_many_segments_are_checked_in_one_process(monkeypatch):
    real_run = subprocess.run
    calls = []

    def counting_run(cmd, **kwargs):
        calls.append(cmd)
        return real_run(cmd, **kwargs)

    monkeypatch.setattr(grammar.subprocess, "run", counting_run)
    lines = [f"Le conseil municipal s'est réuni le {d} mai pour voter le budget." for d in range(1, 60)]
    lines[41] = "Le conseil a voté. Ces tempêtes géantes comporte des vents violents."
    segs = [s for s in segments(*lines)] + [Segment(999, 61, 0, 19, "#Les #chat #sont #noir", kind=HASHTAGS)]
    flags = list(GrammarCheck().run(CheckInput(target=segs)))
    assert len(calls) == 1
    assert [(f.line, line_text(tuple(lines), f)) for f in flags] == [(42, "comporte")]
    assert flags[0].evidence["suggestions"] == ["comportent"]


@needs_grammalecte
def test_segment_with_a_line_break_keeps_offsets():
    seg = Segment(0, 7, 10, 40, "Il sont partis\nhier soir.", kind=BODY)
    flags = list(GrammarCheck().run(CheckInput(target=[seg])))
    assert flags and all(f.line == 7 for f in flags)
    assert {seg.text[f.span[0] - 10:f.span[1] - 10] for f in flags} == {"Il sont"}
