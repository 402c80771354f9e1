"""The text report people read (issue 15): segments in full, spans marked, hanging indent, advice."""

from __future__ import annotations

import io

from rich.console import Console

from mtqa.checks import build_checks
from mtqa.core.document import Document
from mtqa.core.flags import segment_hash
from mtqa.pipeline import check_article
from mtqa.report.terminal import marked_segment, print_report, render_text

LONG = ("Le gouvernement norvégien a présenté jeudi un budget révisé qui prévoit des dépenses supplémentaires "
        "pour la défense, la santé et les transports publics dans tout le pays, selon le ministre des Finances, "
        "qui a ajouté que la décision finale serait prise par le Parlement après de longues négociations avec "
        "l'opposition et les partis de la coalition au pouvoir à oslo.")
NB = ("Regjeringen la torsdag fram et revidert budsjett med ekstra utgifter til forsvar, helse og kollektivtransport "
      "i hele landet, ifølge finansministeren, som la til at den endelige avgjørelsen tas av Stortinget etter lange "
      "forhandlinger med opposisjonen og partiene i regjeringskoalisjonen i Oslo.")


def _result(fr=LONG, nb=NB, checks=("spacing", "capitals")):
    return check_article(Document("a.fr.txt", (fr,)), Document("a.nb.txt", (nb,)),
                         checks=build_checks(list(checks)), line_aligned=True)


def test_no_flagged_span_is_cut_off_at_any_width():
    result = _result()
    assert result.flags
    for width in (60, 80, 120):
        text = render_text(result, width=width)
        assert "[[oslo]]" in text
        flat = " ".join(text.replace("[[", "").replace("]]", "").split())
        assert " ".join(LONG.split()) in flat     # the whole segment, nothing clipped
        # hanging indent: no line of a flag block starts at column 0 except the header
        block = text.split("\n\n")[1]
        assert all(line.startswith("  ") for line in block.splitlines()[1:] if line), block
        assert all(len(line) <= width for line in block.splitlines())


def test_header_names_segment_hash_one_flag_and_advice():
    result = _result(fr="Il habite à oslo.", nb="Han bor i Oslo.", checks=("capitals",))
    text = render_text(result)
    assert "line 1  1 flag  segment " + segment_hash("Il habite à oslo.")[:16] in text
    assert "Il habite à [[oslo]]." in text
    assert "→ restore the capital" in text
    assert "1 flag on 1 line (1 minor)" in " ".join(text.split())


def test_a_terminal_gets_styles_not_markers():
    result = _result(fr="Il habite à oslo.", nb="Han bor i Oslo.", checks=("capitals",))
    out = io.StringIO()
    print_report(result, Console(file=out, force_terminal=True, color_system="standard", width=100))
    assert "[[oslo]]" not in out.getvalue() and "\x1b[" in out.getvalue()
    assert marked_segment("abc def", [(4, 7)], plain=False).spans[0].style == "bold underline"


def test_quiet_prints_only_the_summary():
    result = _result(fr="Il habite à oslo.", nb="Han bor i Oslo.", checks=("capitals",))
    text = render_text(result, quiet=True)
    assert "[[oslo]]" not in text and "1 flag on 1 line" in " ".join(text.split())


def test_a_huge_segment_is_shown_around_its_span():
    fr = "mot " * 2000 + "oslo est loin."
    result = _result(fr=fr.strip(), nb="ord " * 2000 + "Oslo er langt unna.", checks=("capitals",))
    text = render_text(result)
    assert "[[oslo]]" in text and len(text) < 6000


def test_help_texts_are_readable(capsys):
    import pytest

    from mtqa.cli.app import main

    with pytest.raises(SystemExit) as bare:
        main([])
    top = capsys.readouterr().out
    assert bare.value.code == 0 and "Usage: mtqa" in top
    flat = " ".join(top.split()).replace("│ ", "")
    for status in ("3 internal error", "130 interrupted", "143 terminated"):
        assert status in flat
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    help_text = capsys.readouterr().out
    assert "<bool>" not in help_text and "<list[str]>" not in help_text and "[tool.mtqa]" in help_text


def test_the_header_wraps_under_its_values_and_never_cuts_a_command():
    from mtqa.core.result import NO_MODEL_REASON
    from mtqa.report.terminal import wrap_keeping_code

    result = _result(fr="Il habite à oslo.", nb="Han bor i Oslo.", checks=("capitals",))
    for width in (60, 80):
        text = render_text(result, width=width)
        assert "`mtqa models pull opus-mt-tatoeba-fra-nor-2021`" in text
        head = text.split("\n\n")[0].splitlines()
        assert all(len(line) <= width for line in head)
        assert all(line.startswith((" ", "a.fr.txt", "provenance:", "source:", "no translation model")) for line in head)
    lines = wrap_keeping_code("a `b c d` e", 5)
    assert lines == ["a", "  `b c d`", "  e"]
    assert " ".join(" ".join(wrap_keeping_code(NO_MODEL_REASON, 30)).split()) == NO_MODEL_REASON
