"""Language-independent anchors: numbers and names that survive translation.

Numbers are parsed in Norwegian, French and English conventions
("15 902", "15.902", "15902", "2,5", "87 %", "87 prosent", "kl. 21.30", "21 h 30",
"1,5 milliarder") into canonical strings, so "87 %" and "87 prosent" compare equal.
Names are capitalised words reduced to a consonant skeleton, so a transliterated
name (Putin/Poutine, Kursk/Koursk) still matches as an anchor.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation

# Spaces used as thousands separators: space, no-break space, narrow no-break space, thin space.
_GROUP_SPACE = " \u00a0\u202f\u2009"

_SCALE_WORDS = {
    # nb
    "tusen": 3, "million": 6, "millioner": 6, "mill": 6, "mill.": 6, "milliard": 9,
    "milliarder": 9, "mrd": 9, "mrd.": 9, "billion": 12, "billioner": 12,
    # fr
    "mille": 3, "millions": 6, "milliards": 9, "md": 9,
    # en
    "thousand": 3, "billion_en": 9,
}

_NUMBER_RE = re.compile(
    r"""
    (?<![\w@#/])                                  # not inside a word, handle or path
    (?P<kl>kl\.\s*)?                              # Norwegian time marker
    (?P<int>\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+(?!\d)   # 15 902
          |\d{1,3}(?:\.\d{3})+(?![\d,])           # 15.902 (not 2.5)
          |\d+)
    (?:
        (?P<hsep>\s?[h:]\s?)(?P<min>\d{2})(?!\d)  # 21 h 30, 21:30, 21h30
      | [.,](?P<frac>\d+)(?![\d])                 # 2,5  2.5  21.30
    )?
    (?P<hour>\s?h(?![\w])|\s(?:heures?|timer|timene|timers)\b)?    # "21 h", "5 heures" alone
    (?P<pct>\s?(?:%|prosent\b|pour\s?cent\b|percent\b|per\scent\b))?
    (?P<scale>\s(?:tusen|millioner|million|millions|milliarder|milliards|milliard|mill\.?|mrd\.?|mille|billioner)\b)?
    """,
    re.VERBOSE | re.IGNORECASE,
)


# Longer digit runs are not numbers a translation check compares (and int() refuses strings
# of more than 4 300 digits).
MAX_DIGITS = 40


@dataclass(frozen=True)
class Number:
    """A number found in text: its canonical value, how it was written and where."""

    value: str
    text: str
    start: int
    end: int
    kind: str = "plain"  # plain, percent, time, decimal
    scale: int = 0       # power of ten of a scale word ("millioner" = 6)


def _canonical(digits: str) -> str:
    try:
        d = Decimal(digits)
    except InvalidOperation:
        return digits
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


# Numeric dates: 10.06.1940 (nb), 10/06/1940 (fr). Day and year survive "10 juin 1940".
_DATE_RE = re.compile(r"(?<![\w.])(\d{1,2})[./](\d{1,2})[./](\d{4}|\d{2})(?![\w.])")
# Words joining the two ends of a range: "340 til 500 millioner" scales both ends.
_RANGE_JOIN = re.compile(r"^\s*(?:til|to|à|-|–|og|et|ou|eller)\s*$")


_DIGIT = re.compile(r"\d")
_GROUPING = re.compile(r"[ \u00a0\u202f\u2009.]")
_CURRENCY_BEFORE = re.compile(r"[$€£¥]\s*$|(USD|EUR|GBP|US\$)\s*$")


def find_numbers(text: str) -> list[Number]:
    """All numbers written with digits in `text`, in order, with canonical values."""
    return list(_find_numbers(text))


@lru_cache(maxsize=16384)
def _find_numbers(text: str) -> tuple[Number, ...]:
    """find_numbers, once per text (the aligner and several checks ask about the same ones)."""
    if not _DIGIT.search(text):  # both patterns need a \d digit: nothing to find
        return ()
    found: list[Number] = []
    dates = list(_DATE_RE.finditer(text))
    for d in dates:
        found.append(Number(str(int(d.group(1))), d.group(0), d.start(1), d.end(1), "date"))
        found.append(Number(d.group(3), d.group(0), d.start(3), d.end(3), "date"))
    date_starts = [d.start() for d in dates]  # in order, not overlapping: bisect, not a scan per number
    for m in _NUMBER_RE.finditer(text):
        k = bisect.bisect_right(date_starts, m.start("int")) - 1
        if k >= 0 and m.start("int") < dates[k].end():
            continue
        integer = _GROUPING.sub("", m.group("int"))
        if len(integer) > MAX_DIGITS or len(m.group("frac") or "") > MAX_DIGITS:
            continue  # a run of digits, not a quantity (and too long for int())
        kind = "plain"
        if m.group("min") is not None and m.group("hsep").strip() in ("h", ":", "H"):
            value = f"{int(integer)}:{m.group('min')}"
            kind = "time"
        elif m.group("frac") is not None:
            sep = text[m.start("frac") - 1]
            # Norwegian and French write decimals with a comma, so "11.20" is a clock time.
            if m.group("kl") or (sep == "." and len(m.group("frac")) == 2 and int(integer) < 24
                                 and int(m.group("frac")) < 60 and not _after_currency(text, m)):
                value = f"{int(integer)}:{m.group('frac')}"
                kind = "time"
            else:
                value = _canonical(f"{integer}.{m.group('frac')}")
                kind = "decimal"
        elif m.group("kl") or m.group("hour"):
            value = f"{int(integer)}:00"
            kind = "time"
        else:
            value = _canonical(integer)
        exp = 0
        if kind != "time" and m.group("scale"):
            exp = _SCALE_WORDS.get(m.group("scale").strip().lower(), 0)
            value = _canonical(str(Decimal(value) * (Decimal(10) ** exp)))
        if kind == "time" and value.endswith(":00"):
            value = value[:-3]  # "kl. 10", "10 heures", "10 timer": the hour is what must match
        if m.group("pct") and kind != "time":
            kind = "percent"
        start = m.start("int")
        end = m.end()
        found.append(Number(value=value, text=text[start:end].strip(), start=start, end=end, kind=kind, scale=exp))
    found.sort(key=lambda n: n.start)
    return tuple(_scale_ranges(text, found))


def _scale_ranges(text: str, numbers: list[Number]) -> list[Number]:
    out = list(numbers)
    for i in range(len(out) - 2, -1, -1):
        a, b = out[i], out[i + 1]
        if b.scale and not a.scale and a.kind in ("plain", "decimal") and _RANGE_JOIN.match(text[a.end:b.start]):
            value = _canonical(str(Decimal(a.value) * (Decimal(10) ** b.scale)))
            out[i] = Number(value, a.text, a.start, a.end, a.kind, b.scale)
    return out


def _after_currency(text: str, m: re.Match) -> bool:
    before = text[max(0, m.start() - 5):m.start()]
    return bool(_CURRENCY_BEFORE.search(before))


def number_values(text: str) -> list[str]:
    return [n.value for n in find_numbers(text)]


# --- names -----------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_VOWELS = set("aeiouyæøå")


def strip_accents(text: str) -> str:
    """'Médiazone' -> 'Mediazone'; keeps letters that are not accented forms (ø, æ)."""
    if text.isascii():  # nothing to decompose
        return text
    # Character by character through a table filled on demand: NFD decomposes each character on
    # its own (canonical reordering only moves the combining marks, which go), so this is the
    # NFD-filter-NFC of the whole text.
    return unicodedata.normalize("NFC", text.translate(_UNACCENTED))


class _Unaccented(dict):
    """str.translate table: a character -> its NFD decomposition without combining marks."""

    def __missing__(self, code: int) -> str:
        value = self[code] = "".join(c for c in unicodedata.normalize("NFD", chr(code))
                                     if not unicodedata.combining(c))
        return value


_UNACCENTED = _Unaccented()


def skeleton(word: str) -> str:
    """Consonant skeleton of a name: lowercase, no accents, no vowels, doubles collapsed.

    Putin/Poutine -> 'ptn', Kursk/Koursk -> 'krsk', Telegram/Télégramme -> 'tlgrm'.
    """
    w = strip_accents(word.lower())
    out: list[str] = []
    for ch in w:
        if ch in _VOWELS or not ch.isalpha():
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


@dataclass(frozen=True)
class Name:
    text: str
    start: int
    end: int


_BEFORE_INITIAL = frozenset(" \u00a0\"'«“‘(–—-")


def _sentence_initial(text: str, start: int) -> bool:
    # A backward scan over the spaces and quotes before the word, not text[:start].rstrip():
    # copying the whole prefix for every capitalised word is quadratic on a long paragraph.
    i = start - 1
    while i >= 0 and text[i] in _BEFORE_INITIAL:
        i -= 1
    return i < 0 or text[i] in ".!?:…"


def find_names(text: str, include_initial: bool = False) -> list[Name]:
    """Capitalised words that are not sentence-initial (those are ambiguous), and
    all-caps acronyms of 2+ letters. `include_initial` keeps sentence-initial words too."""
    return list(_find_names(text, include_initial))


@lru_cache(maxsize=16384)
def _find_names(text: str, include_initial: bool) -> tuple[Name, ...]:
    names: list[Name] = []
    for m in _WORD_RE.finditer(text):
        word = m.group(0).strip("-'’")
        if not word or not word[0].isupper():
            continue
        if word.isupper() and len(word) > 1:
            names.append(Name(word, m.start(), m.start() + len(word)))
            continue
        if not include_initial and _sentence_initial(text, m.start()):
            continue
        names.append(Name(word, m.start(), m.start() + len(word)))
    return tuple(names)


def handles(text: str) -> list[str]:
    """@handles and URLs: copied verbatim by a faithful translation."""
    return re.findall(r"@\w+|https?://\S+", text)


# Anchors: what a sentence and its translation share whatever the words (the aligner weighs them,
# the coverage check reads them).
# Cognates: words of at least this many letters, compared on this many first letters.
COGNATE_MIN_LENGTH = 6
COGNATE_PREFIX = 4


def exact_anchors(text: str) -> frozenset[str]:
    """Numbers (canonical values) and @handles/URLs: copied as they are."""
    return frozenset([n.value for n in find_numbers(text)] + handles(text))


def name_anchors(text: str) -> frozenset[str]:
    """Consonant skeletons of names, each hyphen part separately ("Gripen-fly" -> grpn),
    with a final s dropped (Norwegian genitive: Putins -> Putin)."""
    keys = set()
    for name in find_names(text):
        for part in name.text.split("-"):
            if not part[:1].isupper():
                continue
            key = skeleton(part)
            if len(key) > 2 and key.endswith("s"):
                key = key[:-1]
            if len(key) >= 2:
                keys.add(key)
    return frozenset(keys)


_LONG_WORD_RE = re.compile(rf"[^\W\d_]{{{COGNATE_MIN_LENGTH},}}")


def cognate_anchors(text: str) -> frozenset[str]:
    """First letters of long words, accents stripped: cheap cognates that Norwegian and
    French share (interaktivt/interactif, restaurant, parkering/parking; Simard et al. 1992)."""
    return frozenset(w[:COGNATE_PREFIX] for w in _LONG_WORD_RE.findall(strip_accents(text.lower())))
