"""Properties that must hold for any input (hypothesis; derandomised by the profile in conftest.py).

Segmentation covers every line in order with true line numbers and offsets; the alignment is a
partition of both sides into ordered beads; the readers turn arbitrary bytes into a document or an
InputError, never anything else; the indexed coverage matching is the all-pairs definition.
"""

from __future__ import annotations

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import assume, given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mtqa.source.align import BEAD_KINDS, align  # noqa: E402
from mtqa.text.anchors import find_names, find_numbers  # noqa: E402
from mtqa.core.document import KINDS, Document  # noqa: E402
from mtqa.errors import InputError  # noqa: E402
from mtqa.readers import read_document  # noqa: E402
from mtqa.readers import BilingualDocument, read_bilingual  # noqa: E402
from mtqa.text.langid import guess_language, norwegian_share, norwegian_spans  # noqa: E402
from mtqa.text.lexicon import _alike, _match_all_pairs, _match_indexed, _translations, content_words, coverage  # noqa: E402,E501
from mtqa.text.segment import segment_document  # noqa: E402

# Text that exercises the segmenter and the anchors: letters of both languages, digits, sentence
# ends, quotes and dashes, colons, abbreviations' periods, @/# and odd spaces; and words of news text.
ALPHABET = "abcdeéèàøåæABCÅÉØ0123456789 .!?…:;,«»“”\"'’–—-()@#/%\u00a0\t"
WORDS = ["Putin", "sa", "at", "Russland", "kl.", "21.30", "15 902", "87 %", "«", "»", "–", "Se mer", "Foto:",
         "NTB", "Les også:", "Lire aussi :", "M.", "Dr.", "f.eks.", "#krig", "@DefenceU", "Voir plus", "Reporter :",
         "il", "a", "dit", "que", "l'armée", "n'est", "pas", "HISTORISK:", "?", "!", "...", "2,5", "millioner"]

lines_strategy = st.lists(
    st.one_of(st.text(ALPHABET, max_size=120),
              st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join)),
    max_size=12)


def _squeeze(text: str) -> str:
    return "".join(text.split())


# ---------------------------------------------------------------- segmentation


@given(lines=lines_strategy, lang=st.sampled_from(["nb", "fr"]))
def test_segments_cover_every_line_in_order_with_true_positions(lines, lang):
    doc = Document("x.txt", tuple(lines))
    segments = segment_document(doc, lang)
    assert [s.index for s in segments] == list(range(len(segments)))
    previous = (0, 0)
    for seg in segments:
        assert 1 <= seg.line <= len(lines)
        line = lines[seg.line - 1]
        assert line[seg.start:seg.end] == seg.text  # the segment's text is on its line, where it says
        assert seg.text and seg.text == seg.text.strip() and seg.kind in KINDS
        assert (seg.line, seg.start) >= previous  # in order, not overlapping
        previous = (seg.line, seg.end)
    for number, line in enumerate(lines, start=1):  # nothing but spaces is left out
        on_line = [s.text for s in segments if s.line == number]
        assert _squeeze("".join(on_line)) == _squeeze(line)


# ---------------------------------------------------------------- alignment

sentences = st.lists(st.one_of(st.text(ALPHABET, max_size=60), st.sampled_from(WORDS)), max_size=30)


def _check_partition(beads, n: int, m: int) -> None:
    assert [i for b in beads for i in b.source] == list(range(n))  # every source index once, in order
    assert [j for b in beads for j in b.target] == list(range(m))
    for b in beads:
        assert (len(b.source), len(b.target)) in BEAD_KINDS or (not b.source) != (not b.target)
        assert list(b.source) == list(range(b.source[0], b.source[0] + len(b.source))) if b.source else True
        assert list(b.target) == list(range(b.target[0], b.target[0] + len(b.target))) if b.target else True


@given(source=sentences, target=sentences)
def test_alignment_is_an_ordered_partition_of_both_sides(source, target):
    beads = align(source, target)
    _check_partition(beads, len(source), len(target))
    assert align(source, target) == beads  # deterministic


@given(source=sentences, target=sentences, band=st.integers(1, 4))
def test_banded_alignment_and_similarity_keep_the_partition(source, target, band):
    def similarity(a: str, b: str) -> float:
        return (len(a) * 31 + len(b) * 17) % 101 / 100

    _check_partition(align(source, target, band=band), len(source), len(target))
    _check_partition(align(source, target, similarity, band=band), len(source), len(target))


# ---------------------------------------------------------------- readers


def _valid_xliff() -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
            ' <file source-language="nb" target-language="fr" datatype="plaintext" original="a.txt">\n'
            '  <body>\n'
            '   <trans-unit id="1"><source>Putin sa nei.</source><target>Poutine a dit non.</target></trans-unit>\n'
            '   <trans-unit id="2"><source>Se mer</source><target>Voir plus</target></trans-unit>\n'
            '  </body>\n </file>\n</xliff>\n').encode("utf-8")


def _valid_tmx() -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="nb" datatype="plaintext" '
            'segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body>\n'
            '<tu tuid="1"><tuv xml:lang="nb"><seg>Putin sa nei.</seg></tuv><tuv xml:lang="fr"><seg>Poutine a dit '
            'non.</seg></tuv></tu>\n</body></tmx>\n').encode("utf-8")


VALID = {
    ".xlf": _valid_xliff(),
    ".tmx": _valid_tmx(),
    ".po": 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n#: a\nmsgid "Putin sa nei."\n'
           'msgstr "Poutine a dit non."\n'.encode("utf-8"),
    ".jsonl": b'{"id": "1", "source": "Putin sa nei.", "target": "Poutine a dit non."}\n'
              b'{"id": 2, "source": "Se mer", "target": null}\n',
    ".txt": "Poutine a dit non.\nVoir plus\n".encode("utf-8"),
}


@st.composite
def damaged(draw, suffix: str) -> bytes:
    """A valid file of that kind, cut, with bytes inserted, deleted or replaced."""
    data = bytearray(VALID[suffix])
    for _ in range(draw(st.integers(0, 6))):
        op = draw(st.sampled_from(["cut", "insert", "delete", "replace"]))
        at = draw(st.integers(0, len(data)))
        if op == "cut":
            del data[at:]
        elif op == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"<", b">", b"&", b'"', b"\x00", b"\xff", b"\n", b"<target>", b"]]>", b"&#0;", b"\\", b"{",
                 b"\\ud800", b"[" * 3000, b"9" * 5000, b"\x1b[2J", b"\xff\xfe\x00\x00", b"msgid_plural \"\xc3\xa9\"\n",
                 b"<!DOCTYPE x [<!ENTITY e \"<tu/>\">]>", b"&e;"]))
        elif op == "delete":
            del data[at:at + draw(st.integers(1, 10))]
        elif data and at < len(data):
            data[at] = draw(st.integers(0, 255))
    return bytes(data)


def _read(tmp_path_factory, suffix: str, data: bytes):
    path = tmp_path_factory.mktemp("fuzz") / f"input{suffix}"
    path.write_bytes(data)
    return read_document(path) if suffix == ".txt" else read_bilingual(path)


@pytest.mark.parametrize("suffix", sorted(VALID))
@given(data=st.data())
def test_any_bytes_give_a_document_or_an_input_error(tmp_path_factory, suffix, data):
    raw = data.draw(st.binary(max_size=300) | damaged(suffix), label="file")
    try:
        doc = _read(tmp_path_factory, suffix, raw)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)  # one line for the user
        return
    assert isinstance(doc, Document if suffix == ".txt" else BilingualDocument)


@pytest.mark.parametrize("suffix", sorted(VALID))
def test_the_valid_samples_are_read(tmp_path_factory, suffix):
    assert _read(tmp_path_factory, suffix, VALID[suffix]) is not None


@given(text=st.text(max_size=200))
def test_valid_utf8_text_reads_back_line_for_line(tmp_path_factory, text):
    assume(text.strip() and not any(ord(c) < 32 and c not in "\t\n\r\f" for c in text) and "\ufeff" not in text[:1])
    path = tmp_path_factory.mktemp("utf8") / "a.txt"
    path.write_bytes(text.encode("utf-8"))
    expected = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if expected[-1] == "":
        expected.pop()
    assert read_document(path).lines == tuple(expected)


# ---------------------------------------------------------------- never a crash on odd text

odd_text = st.text(ALPHABET, max_size=300) | st.text(max_size=200) | st.lists(st.sampled_from(WORDS)).map(" ".join)


@given(text=odd_text)
def test_anchors_and_language_identification_take_any_text(text):
    for number in find_numbers(text):
        assert text[number.start:number.end].strip()
    for name in find_names(text):
        assert text[name.start:name.end] == name.text
    guess = guess_language(text)
    assert 0.0 <= guess.confidence <= 1.0
    assert 0.0 <= norwegian_share(text) <= 1.0
    for start, end in norwegian_spans(text):
        assert 0 <= start < end


# ---------------------------------------------------------------- coverage: index = all pairs

word_text = st.lists(st.text("abckqupthyiéøåsr-'", min_size=1, max_size=14), max_size=14).map(" ".join)


@given(source=word_text | odd_text, target=word_text | odd_text)
def test_indexed_coverage_matches_the_all_pairs_definition(source, target):
    src, tgt = content_words(source, "nb"), content_words(target, "fr")
    tgt_ok = [False] * len(tgt)
    src_ok = []
    for w in src:  # the definition, spelt out
        hit = False
        for j, t in enumerate(tgt):
            if t.stem in _translations(w) or _alike(w.folded, t.folded) or w.folded == t.folded:
                tgt_ok[j] = hit = True
        src_ok.append(hit)
    expected = (tuple(src_ok), tuple(tgt_ok))
    assert _match_indexed(src, tgt) == expected
    assert _match_all_pairs(src, tgt) == expected
    cov = coverage(source, target)
    assert (cov.source_matched, cov.target_matched) == expected


# ---------------------------------------------------------------- batch manifests (issue 11)

VALID_MANIFEST = {
    ".csv": b"target,source\nfr/a.fr.txt,nb/a.nb.txt\n",
    ".jsonl": b'{"target": "fr/a.fr.txt", "source": "nb/a.nb.txt"}\n',
}


@pytest.mark.parametrize("suffix", sorted(VALID_MANIFEST))
@given(data=st.data())
def test_any_manifest_gives_items_or_an_input_error(tmp_path_factory, suffix, data):
    from mtqa.batch import BatchItem, read_manifest

    base = tmp_path_factory.mktemp("manifest")
    (base / "fr").mkdir()
    (base / "nb").mkdir()
    (base / "fr" / "a.fr.txt").write_text("Poutine a dit non.\n")
    (base / "nb" / "a.nb.txt").write_text("Putin sa nei.\n")
    raw = bytearray(VALID_MANIFEST[suffix])
    for _ in range(data.draw(st.integers(0, 5))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=6) | st.sampled_from(
            [b",", b"\"", b"\n", b"\x00", b"\xff", b"..", b"/", b"[" * 3000, b"9" * 5000, b"\\ud800", b"{", b"\r"]))
    path = base / f"m{suffix}"
    path.write_bytes(bytes(raw))
    try:
        items = read_manifest(path)
    except InputError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert items and all(isinstance(i, BatchItem) for i in items)
