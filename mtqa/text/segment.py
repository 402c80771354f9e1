"""Split a document's lines into sentence segments and tell what kind each is.

One line is one paragraph of the article page. A line is cut into sentences
(abbreviations, initials, numbers and dash-quotes kept whole), then its pieces
get a kind: headline, body, quote, caption, credit, teaser, hashtags or ui.
Line numbers are the file's own, 1-based.
"""

from __future__ import annotations

import re

from mtqa.text import furniture
from mtqa.core.document import (
    BODY, CAPTION, CREDIT, HASHTAGS, HEADLINE, QUOTE, TEASER, UI, Document, Segment,
)

# Abbreviations that end with a period but not a sentence (lowercased, without the final period).
ABBREVIATIONS = {
    "nb": {
        "bl.a", "f.eks", "kl", "ca", "dvs", "mht", "osv", "etc", "nr", "jf", "pga", "m.m", "mv", "o.l",
        "evt", "inkl", "ekskl", "st", "dr", "prof", "hr", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
        "sep", "sept", "okt", "nov", "des", "mill", "mrd", "kr", "tlf", "adm", "dir", "p.t", "ift", "iht",
        "vs", "tidl", "ev", "bl", "f", "m.fl", "o.a", "s", "ff", "gen", "kap", "red", "forts", "utg",
    },
    "fr": {
        "m", "mm", "mme", "mmes", "mlle", "dr", "pr", "etc", "cf", "env", "janv", "févr", "fév", "avr",
        "juil", "sept", "oct", "nov", "déc", "av", "apr", "j.-c", "n°", "no", "st", "ste", "art", "vol",
        "éd", "chap", "fig", "p", "pp", "ex", "p.ex", "c.-à-d", "hab", "min", "max", "sq", "vs", "gén",
        "col", "cdt", "lt", "mgr",
    },
}
ABBREVIATIONS["en"] = {"mr", "mrs", "ms", "dr", "prof", "st", "e.g", "i.e", "etc", "vs", "jan", "feb", "no", "u.s"}

# Sentence end: . ! ? … (possibly doubled), closing quotes/brackets, then space(s). Matched
# only from the start of a run of end marks, possessively: retrying inside a long run ("......")
# or backtracking through it made a line without spaces quadratic.
_END_RE = re.compile(r"(?<![.!?…])[.!?…]++[»”\"’)\]]*+(?=\s)")
_SPACE_RE = re.compile(r"\s*")
# What may open a new sentence.
_OPENER_RE = re.compile(r"[\"«“‘(\[–—-]?\s*[A-ZÆØÅÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ0-9@#]")
_WORD_BEFORE_RE = re.compile(r"([\w.\-°]+)$")
# Characters before a period that _is_abbreviation looks at: abbreviations are short, and a
# bounded look keeps a paragraph with thousands of periods linear.
_WORD_BEFORE_WINDOW = 64

# An all-caps caption label before a colon: "HISTORISK:", "MATCHS DIFFICILES :".
KICKER_RE = re.compile(r"^(?P<kicker>[A-ZÆØÅÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ][A-ZÆØÅÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸ0-9 '’\-]{1,48}?)\s?:\s+")
_DASH_QUOTE_RE = re.compile(r"^\s*[–—-]\s")
# "Putin: – Trygg": a name, a colon and a dash-quote (a teaser headline shape).
_NAMED_QUOTE_RE = re.compile(r"^[\w .’'\-]{1,40}:\s*[–—-]\s")
_TERMINAL = ".!?…»”\"’"

# A heading is short: longer unpunctuated lines are body text with a missing full stop.
MAX_HEADING_WORDS = 12


def split_sentences(text: str, lang: str = "fr") -> list[tuple[int, int]]:
    """(start, end) spans of the sentences of one paragraph, whitespace trimmed."""
    abbreviations = ABBREVIATIONS.get(lang, set()) | ABBREVIATIONS["en"]
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _END_RE.finditer(text):
        end = m.end()
        space = _SPACE_RE.match(text, end)
        assert space is not None  # \s* matches at every position
        rest = space.end()  # where the next sentence would begin
        if rest == len(text) or not _OPENER_RE.match(text, rest):
            continue
        before = text[max(start, m.start() - _WORD_BEFORE_WINDOW):m.start()]
        if m.group(0).startswith(".") and _is_abbreviation(before, abbreviations):
            continue
        spans.append((start, end))
        start = rest
    if start < len(text):
        spans.append((start, len(text)))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _is_abbreviation(before: str, abbreviations: set[str]) -> bool:
    m = _WORD_BEFORE_RE.search(before)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isalpha() and word.isupper():
        return True  # an initial: "Simone H. Sønstrød"
    if word.isdigit():
        return False
    return word.lower().rstrip(".") in abbreviations


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def is_hashtag_line(text: str) -> bool:
    tokens = text.split()
    return bool(tokens) and sum(t.startswith("#") for t in tokens) >= max(1, len(tokens) * 0.6)


def is_heading_shaped(text: str) -> bool:
    """Short, no sentence-final punctuation: a headline, subheading or teaser link."""
    stripped = text.strip()
    return bool(stripped) and stripped[-1] not in _TERMINAL and len(stripped.split()) <= MAX_HEADING_WORDS


def is_teaser_shaped(text: str) -> bool:
    """A link to another article: 'Les også: …', '– Verst tenkelige signal', 'Putin: – Trygg'."""
    if furniture.has_teaser_prefix(text):
        return True
    if not is_heading_shaped(text):
        return False
    return bool(_DASH_QUOTE_RE.match(text) or _NAMED_QUOTE_RE.match(text))


def segment_line(text: str, line_no: int, lang: str, first_index: int = 0, *, first_line: bool = False) -> list[Segment]:
    """Segments of one line (one paragraph)."""
    if not text.strip():
        return []
    out: list[Segment] = []

    def add(start: int, end: int, kind: str, kicker: str = "") -> None:
        s, e = _trim(text, start, end)
        if s < e:
            out.append(Segment(first_index + len(out), line_no, s, e, text[s:e], kind, kicker))

    if is_hashtag_line(text):
        add(0, len(text), HASHTAGS)
        return out
    if furniture.ui_language(text):
        add(0, len(text), UI)
        return out
    if is_teaser_shaped(text):
        add(0, len(text), TEASER)
        return out
    if furniture.is_credit(text) and is_heading_shaped(text):
        add(0, len(text), CREDIT)  # "Foto: NTB" on a line of its own
        return out
    if is_heading_shaped(text):
        add(0, len(text), HEADLINE)
        return out

    body_end = len(text)
    ui_start = furniture.split_ui_suffix(text)
    if ui_start is not None:
        body_end = ui_start
    credit_start = furniture.split_credit_suffix(text[:body_end])
    if credit_start is not None:
        body_end = credit_start
    kicker = ""
    offset = 0
    m = KICKER_RE.match(text)
    if m and sum(c.isalpha() for c in m.group("kicker")) >= 3:
        kicker = m.group("kicker").strip()
    spans = [(s + offset, e + offset) for s, e in split_sentences(text[offset:body_end], lang)]
    has_credit = any(furniture.is_credit(text[s:e]) for s, e in spans)
    in_credits = False
    open_quotes = 0  # «…» or “…” spanning several sentences
    for s, e in spans:
        piece = text[s:e]
        quoted = open_quotes > 0
        open_quotes = max(0, open_quotes + piece.count("«") + piece.count("“") - piece.count("»") - piece.count("”"))
        if furniture.is_credit(piece) or (in_credits and is_heading_shaped(piece)):
            in_credits = True
            add(s, e, CREDIT)
        elif furniture.ui_language(piece):
            add(s, e, UI)
        elif furniture.has_teaser_prefix(piece):
            add(s, e, TEASER)  # "Lire aussi : …" inside a paragraph
        elif kicker or has_credit:
            add(s, e, CAPTION, kicker if s == 0 else "")
        elif quoted or _DASH_QUOTE_RE.match(piece) or piece.startswith(("«", "“", '"')):
            add(s, e, QUOTE)
        else:
            add(s, e, BODY)
    if credit_start is not None:
        add(credit_start, ui_start if ui_start is not None else len(text), CREDIT)
    if ui_start is not None:
        add(ui_start, len(text), UI)
    return out


def segment_document(doc: Document, lang: str) -> list[Segment]:
    """All segments of a document, numbered from 0, each carrying its 1-based line."""
    segments: list[Segment] = []
    for line_no, text in enumerate(doc.lines, start=1):
        segments.extend(segment_line(text, line_no, lang, len(segments), first_line=(line_no == 1)))
    return segments
