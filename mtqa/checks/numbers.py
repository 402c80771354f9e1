"""Numbers: every number of the source must reach the translation unchanged."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from mtqa.text.anchors import find_numbers
from mtqa.checks.base import Check, CheckInput
from mtqa.checks.length import length_z
from mtqa.core.flags import NUMBER, OMISSION, Severity

# Numbers also written as words, so "tre" / "trois" / "3" count as the same number.
NUMBER_WORDS = {
    "nb": {
        "null": 0, "én": 1, "ett": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5, "seks": 6, "sju": 7, "syv": 7,
        "åtte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12, "tretten": 13, "fjorten": 14, "femten": 15,
        "seksten": 16, "sytten": 17, "atten": 18, "nitten": 19, "tjue": 20, "tyve": 20, "tretti": 30,
        "tredve": 30, "førti": 40, "femti": 50, "seksti": 60, "sytti": 70, "åtti": 80, "nitti": 90,
        "hundre": 100, "hundrevis": 100, "tusen": 1000, "tusenvis": 1000, "million": 1000000,
        "første": 1, "andre": 2, "tredje": 3, "fjerde": 4, "femte": 5, "sjette": 6, "sjuende": 7,
        "syvende": 7, "åttende": 8, "niende": 9, "tiende": 10, "dobbelt": 2, "halvparten": 50, "halv": 50,
        "dusin": 12, "par": 2,
    },
    "fr": {
        # "un"/"une" are also articles, but only ever explain a source digit 1 (never an extra one):
        # the Norwegian articles "en"/"et"/"ei" are left out so they cannot excuse a changed number.
        "zéro": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
        "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
        "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20, "trente": 30,
        "quarante": 40, "cinquante": 50, "soixante": 60, "soixante-dix": 70, "quatre-vingt": 80,
        "quatre-vingts": 80, "quatre-vingt-dix": 90, "cent": 100, "centaines": 100, "mille": 1000, "millier": 1000,
        "milliers": 1000, "million": 1000000, "premier": 1, "première": 1, "deuxième": 2, "second": 2,
        "seconde": 2, "troisième": 3, "quatrième": 4, "cinquième": 5, "sixième": 6, "septième": 7,
        "huitième": 8, "neuvième": 9, "dixième": 10, "double": 2, "moitié": 50, "demi": 50, "douzaine": 12,
        "dizaine": 10, "dizaines": 10, "couple": 2,
    },
}
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
# "XIXe siècle", "XIXe et XXe siècles", "19e siècle"
_ORDINAL = r"(?:[IVXLC]+|\d{1,2})(?:e|è|ème|eme|er)"
_CENTURY_FR = re.compile(rf"\b([IVXLC]+|\d{{1,2}})(?:e|è|ème|eme|er)\b(?=(?:\s*(?:,|et|ou|-)\s*{_ORDINAL})*\s+siècles?)")
_CENTURY_NB = re.compile(r"\b(\d{1,2})00-(?=tall|\s+(?:og|eller|til)\s)")
_ORDINAL_CENTURY_NB = re.compile(r"\b(\d{1,2})\.\s*århundre")


def _roman(text: str) -> int:
    total = 0
    for a, b in zip(text.upper(), text.upper()[1:] + " "):
        v = _ROMAN[a]
        total += -v if b != " " and _ROMAN.get(b, 0) > v else v
    return total


def number_bag(text: str) -> Counter:
    """Canonical values of the digit numbers in text, centuries included ('1800-tallet' = 'XIXe siècle')."""
    bag = Counter(n.value for n in find_numbers(text))
    for m in _CENTURY_NB.finditer(text):
        bag[f"{int(m.group(1))}00"] -= 1
        bag[f"century:{int(m.group(1)) + 1}"] += 1
    for m in _ORDINAL_CENTURY_NB.finditer(text):
        bag[str(int(m.group(1)))] -= 1
        bag[f"century:{int(m.group(1))}"] += 1
    for m in _CENTURY_FR.finditer(text):
        numeral = m.group(1)
        if numeral.isdigit():
            bag[numeral] -= 1
        bag[f"century:{int(numeral) if numeral.isdigit() else _roman(numeral)}"] += 1
    return +bag


_NB_TENS = "tjue|tyve|tretti|tredve|førti|femti|seksti|sytti|åtti|nitti"
_NB_UNITS = "en|ett|to|tre|fire|fem|seks|sju|syv|åtte|ni|første|andre|tredje|fjerde|femte|sjette|sjuende|syvende|åttende|niende"
_NB_COMPOUND = re.compile(rf"^({_NB_TENS})({_NB_UNITS})$")


def _compound_value(word: str) -> int | None:
    """'åttiåtte' -> 88, 'vingt-cinq' -> 25, 'quatre-vingt-huit' -> 88, 'trente-et-un' -> 31."""
    nb, fr = NUMBER_WORDS["nb"], NUMBER_WORDS["fr"]
    m = _NB_COMPOUND.match(word)
    if m:
        return nb[m.group(1)] + (1 if m.group(2) in ("en", "ett") else nb[m.group(2)])
    parts = [p for p in word.split("-") if p != "et"]
    if len(parts) < 2 or not all(p in fr for p in parts):
        return None
    total = 0
    for i, part in enumerate(parts):
        value = fr[part]
        if part.startswith("vingt") and i > 0 and parts[i - 1] == "quatre":
            total += 80 - 4
        else:
            total += value
    return total


def word_values(text: str, lang: str | None = None) -> set[int]:
    """Numbers written as words in text (in `lang`'s words; None: either language's, so that
    French "par" reads as Norwegian "par", 2)."""
    words = re.findall(r"[\w-]+", text.lower())
    values: set[int] = set()
    tables = NUMBER_WORDS.values() if lang is None else [NUMBER_WORDS[lang]]
    for word in words:
        for table in tables:
            if word in table:
                values.add(table[word])
        compound = _compound_value(word)
        if compound is not None:
            values.add(compound)
    return values


# Unit conversions translators make (miles -> km, °F -> °C, pounds -> kg, feet -> m, gallons -> l):
# a number missing on one side is explained by a converted number present on the other.
_CONVERSIONS = (1.609344, 1 / 1.609344, 0.3048, 1 / 0.3048, 0.453592, 1 / 0.453592, 3.78541, 1 / 3.78541,
                2.54, 1 / 2.54, 0.9144, 1 / 0.9144, 1.852, 1 / 1.852)


def _as_float(value: str) -> float | None:
    try:
        return float(value.removesuffix(":00"))
    except ValueError:
        return None


# A conversion is only considered for numbers followed by a unit of measure.
_UNIT_RE = re.compile(
    r"^\s*(?:\(?[A-Za-z]*\)?\s*-?)(?:°\s?[CF]\b|grader|degrés|km\b|km/t|km/h|kilometer|kilomètres?|mil\b|miles?\b|"
    r"engelske mil|amerikanske mil|nautiske mil|milles?|fot\b|feet|pieds?|m\b|meter|mètres?|pund|livres?|pounds?|"
    r"kg\b|kilo|gallons?|liter|litres?|tommer|pouces?|inches|yards?|knop|nœuds?|mph|cm\b)", re.IGNORECASE)


# A measure followed by its conversion in brackets: "645 miles (1 040 km)", "200 livres (90kg)".
# French unit word -> (dimension, size in the SI unit); temperatures are converted by formula.
_MEASURE_UNITS: dict[str, tuple[str, float | str]] = {
    **dict.fromkeys(("mile", "miles", "mi"), ("length", 1609.344)),
    **dict.fromkeys(("km", "kilomètre", "kilomètres"), ("length", 1000.0)),
    **dict.fromkeys(("m", "mètre", "mètres"), ("length", 1.0)),
    **dict.fromkeys(("pied", "pieds", "ft"), ("length", 0.3048)),
    **dict.fromkeys(("pouce", "pouces"), ("length", 0.0254)),
    **dict.fromkeys(("cm", "centimètres"), ("length", 0.01)),
    **dict.fromkeys(("yard", "yards"), ("length", 0.9144)),
    **dict.fromkeys(("livre", "livres", "lb", "lbs"), ("weight", 0.453592)),
    **dict.fromkeys(("kg", "kilo", "kilos", "kilogramme", "kilogrammes"), ("weight", 1.0)),
    **dict.fromkeys(("tonne", "tonnes"), ("weight", 1000.0)),
    **dict.fromkeys(("gallon", "gallons"), ("volume", 3.78541)),
    **dict.fromkeys(("litre", "litres", "l"), ("volume", 1.0)),
    **dict.fromkeys(("km/h",), ("speed", 1.0)),
    **dict.fromkeys(("mph",), ("speed", 1.609344)),
    **dict.fromkeys(("nœud", "nœuds"), ("speed", 1.852)),
    **dict.fromkeys(("°f",), ("temperature", "F")),
    **dict.fromkeys(("°c",), ("temperature", "C")),
}
_UNIT_WORD = r"(°\s?[CF]|km/h|[^\W\d_]+)"
_BRACKETED = re.compile(r"^\s*" + _UNIT_WORD + r"\s*\((?:soit|environ|env\.|près de|~)?\s*$", re.IGNORECASE)


def _unit(word: str) -> tuple[str, float | str] | None:
    return _MEASURE_UNITS.get(word.lower().replace(" ", ""))


def conversion_holds(value: float, unit_a, other: float, unit_b, tolerance: float = 0.08) -> bool:
    """Is `other` (in unit_b) `value` (in unit_a) converted and rounded?"""
    (dim, size_a), (_, size_b) = unit_a, unit_b
    if dim == "temperature":
        expected = (value - 32) * 5 / 9 if size_a == "F" else value * 9 / 5 + 32
        return abs(expected - other) <= 1.5
    expected = value * size_a / size_b
    return abs(expected - other) <= max(tolerance * max(abs(expected), abs(other)), 0.5)


def conversion_errors(text: str) -> list[tuple[str, str, str, str]]:
    """Bracketed conversions that do not hold: (value, unit, converted value, unit), e.g.
    ("465", "miles", "1040", "km") for "465 miles (1 040 km)"."""
    numbers = find_numbers(text)
    out = []
    for a, b in zip(numbers, numbers[1:]):
        m = _BRACKETED.match(text[a.end:b.start])
        after = re.match(r"\s*" + _UNIT_WORD, text[b.end:b.end + 12])
        if not m or not after:
            continue
        unit_a, unit_b = _unit(m.group(1)), _unit(after.group(1))
        x, y = _as_float(a.value), _as_float(b.value)
        if unit_a is None or unit_b is None or unit_a[0] != unit_b[0] or unit_a == unit_b or x is None or y is None:
            continue
        if not conversion_holds(x, unit_a, y, unit_b):
            out.append((a.value, m.group(1), b.value, after.group(1)))
    return out


_RANGE = re.compile(r"\s*(?:-|–|—|til|à|to|og|et|and)\s*$", re.IGNORECASE)


def _unit_positions(text: str, value: str) -> list[int]:
    """Where the unit of each number of this value would start: right after it, or, for the first
    number of a range ("160-320 kilometer/time", "de 100 à 200 miles/heure"), after the range."""
    numbers = find_numbers(text)
    out = []
    for k, n in enumerate(numbers):
        if n.value != value:
            continue
        end = n.end
        while k + 1 < len(numbers) and _RANGE.match(text[end:numbers[k + 1].start]):
            k += 1
            end = numbers[k].end
        out.append(end)
    return out


def has_unit(text: str, value: str) -> bool:
    """Is a number of this value in `text` followed by a unit of measure?"""
    return any(_UNIT_RE.match(text[end:end + 24]) for end in _unit_positions(text, value))


# The unit after a number, in either language, as one canonical name: a conversion changes it
# ("40 miles" -> "64 km"), a changed value under the same unit ("70 km" -> "76 km") is no conversion.
_CANONICAL_UNITS = (
    ("m/s", r"m/s|met(?:er|re)s? (?:i|par) sekundet|mètres? par seconde|mètres?/seconde"),
    ("km/h", r"km/[th]|km/time|(?:km|kilometer) (?:i timen|i time|per time)|kilometer/time|kilomètres?/heure|"
             r"(?:km|kilomètres?) (?:à l['’]heure|par heure)"),
    ("mph", r"mph|miles?/(?:heure|time|h)\b|miles? (?:i timen|à l['’]heure|par heure)|(?:engelske |amerikanske )?mil i timen"),
    ("nmi", r"nautiske mil|milles? nautiques?"),
    ("mile", r"engelske mil|amerikanske mil|miles?\b|milles?\b|mil\b"),
    ("km", r"km\b|kilomet(?:er|re)\w*|kilomètres?"),
    ("cm", r"cm\b|centimet(?:er|re)\w*|centimètres?"),
    ("m", r"m\b|met(?:er|re)\w*|mètres?"),
    ("ft", r"fot\b|feet|ft\b|pieds?"),
    ("in", r"tommer|tomme\b|pouces?|inch(?:es)?"),
    ("yd", r"yards?"),
    ("lb", r"pund|livres?|pounds?|lbs?\b"),
    ("kg", r"kg\b|kilo(?:gram(?:me)?s?|s)?\b"),
    ("gal", r"gallons?"),
    ("l", r"liter|litres?|l\b"),
    ("kn", r"knop|nœuds?"),
    ("°F", r"°\s?F\b|(?:grader|degrés)\s+(?:fahrenheit|F\b)|\(F\)|F\b"),
    ("°C", r"°\s?C\b|(?:grader|degrés)\s+(?:celsius|C\b)|\(C\)|C\b"),
    ("deg", r"grader|degrés"),
)
# "8,7 millioner liter", "2,3 millions de gallons": the scale word belongs to the number.
_SCALE = r"(?:(?:millioner|millions?|milliarder|milliards?|mill\.|mrd\.|tusen|mille|milliers?)\s+(?:d['’]|de\s+)?)?"
_CANONICAL_RE = re.compile(r"^\s*-?\s*(?:de\s+|d['’])?" + _SCALE + "(?:" + "|".join(
    f"(?P<u{i}>{pattern})" for i, (_, pattern) in enumerate(_CANONICAL_UNITS)) + ")", re.IGNORECASE)


def units_of(text: str, value: str) -> set[str]:
    """The canonical units written after the numbers of this value in `text`."""
    out = set()
    for end in _unit_positions(text, value):
        m = _CANONICAL_RE.match(text[end:end + 32])
        if m and m.lastgroup:  # the last group of a match is always one of the u<i> unit groups
            out.add(_CANONICAL_UNITS[int(m.lastgroup[1:])][0])
    return out


# Size of each canonical unit in its dimension's SI-like unit: a conversion must use the factor
# between the two units it joins (133 m/s is not 480 km/h by the gallon-to-litre factor). Speeds are
# lengths per hour, so that a speed written as a distance ("165 kilometer i timen (105 miles)") converts.
_UNIT_SIZES: dict[str, tuple[str, float]] = {
    "mile": ("length", 1609.344), "nmi": ("length", 1852.0), "km": ("length", 1000.0), "m": ("length", 1.0),
    "cm": ("length", 0.01), "ft": ("length", 0.3048), "in": ("length", 0.0254), "yd": ("length", 0.9144),
    "km/h": ("length", 1000.0), "mph": ("length", 1609.344), "kn": ("length", 1852.0), "m/s": ("length", 3600.0),
    "lb": ("weight", 0.453592), "kg": ("weight", 1.0), "gal": ("volume", 3.78541), "l": ("volume", 1.0),
}


def _significant(x: float, digits: int) -> float:
    return float(f"{x:.{digits}g}")


def _converts(x: float, unit_a: str, y: float, unit_b: str, tolerance: float) -> bool:
    """Is y (unit_b) x (unit_a) converted, within `tolerance` or rounded to 1-2 significant digits?"""
    if unit_a in ("°F", "°C", "deg") and unit_b in ("°F", "°C", "deg"):
        candidates = [(x - 32) * 5 / 9, x * 9 / 5 + 32]
    elif unit_a in _UNIT_SIZES and unit_b in _UNIT_SIZES:
        (dim_a, size_a), (dim_b, size_b) = _UNIT_SIZES[unit_a], _UNIT_SIZES[unit_b]
        if dim_a != dim_b:
            return False
        candidates = [x * size_a / size_b]
    else:  # a unit the table does not size: any conversion translators make
        candidates = [x * f for f in _CONVERSIONS] + [(x - 32) * 5 / 9, x * 9 / 5 + 32]
    return any(c > 0 and (abs(c - y) / max(c, y) <= tolerance or y in (_significant(c, 1), _significant(c, 2)))
               for c in candidates)


def converted_between(value: str, text: str, other: str, other_text: str, tolerance: float = 0.06) -> bool:
    """Is `other` in `other_text` `value` in `text` converted to another unit ("40 miles" -> "64 km")?
    A changed value under the same unit ("70 km" -> "76 km") and a factor between other units are not."""
    x, y = _as_float(value), _as_float(other)
    if x is None or y is None or x == 0 or y == 0:
        return False
    return any(a != b and _converts(x, a, y, b, tolerance)
               for a in units_of(text, value) for b in units_of(other_text, other))


def _explained(value: str, other_text: str, other_words: set[int]) -> bool:
    """A digit number missing on the other side may be written there in words or scaled."""
    if value.endswith(":00"):  # "5 heures" / "fem timer"
        value = value[:-3]
    try:
        v = float(value)
    except ValueError:
        return False
    if v in other_words:
        return True
    # "12 000" vs "12 mille", "3 millions" vs "3 millioner": the leading digits with a scale word.
    for scale, word in _SCALE_WORDS:
        if v >= scale and (v / scale) in other_words and v % scale == 0 and word.search(other_text):
            return True
    return False


_SCALE_WORDS = ((1e3, re.compile(r"\b(?:mille|milliers?|tusen)\b", re.IGNORECASE)),
                (1e6, re.compile(r"\b(?:millions?|millioner|mill\.)", re.IGNORECASE)),
                (1e9, re.compile(r"\b(?:milliards?|milliarder|mrd\.)", re.IGNORECASE)))


class NumberCheck(Check):
    """Numbers that differ between source and translation (digits, %, times, thousands, decimals).

    "87 %" = "87 prosent", "15 902" = "15.902" = "15 902", "kl. 21.30" = "21 h 30";
    a number written as a word on one side ("tre" / "3") is accepted.
    """

    name = "numbers"
    category = NUMBER
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={"help": "a number replaced by another"})
        one_sided_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a number on one side only: often spelt out or paraphrased"})
        # A source number with no counterpart in a translation that is also short for its source
        # (Gale-Church z below this) is the trace of a dropped clause: an omission, major.
        omission_z: float = field(default=-1.5, metadata={
            "help": "length deviation (Gale-Church z) under which a translation missing a source number is an "
                    "omission (major); 0 turns it off", "max": 0.0})

    def run(self, data: CheckInput):
        for pair in data.translated_pairs:
            src, tgt = pair.source_text, pair.target_text
            # A conversion the translation carries must hold ("465 miles (1 040 km)"): one of its
            # numbers was changed, even when the source gives only one of the two.
            source_errors = conversion_errors(src)
            for value, unit, other, other_unit in conversion_errors(tgt):
                if any(e[0] == value and e[2] == other for e in source_errors):
                    continue  # the source has the same inconsistency
                seg = next((s for s in pair.target if any(n.value == value for n in find_numbers(s.text))),
                           pair.target[0])
                yield self.flag(seg, f"number mismatch: {value} {unit} is not {other} {other_unit}",
                                source_text=src, evidence={"conversion": [value, unit, other, other_unit]})
            src_bag, tgt_bag = number_bag(src), number_bag(tgt)
            if src_bag == tgt_bag:
                continue
            src_words, tgt_words = word_values(src, "nb"), word_values(tgt, "fr")
            missing = sorted(v for v in (src_bag - tgt_bag).elements() if not _explained(v, tgt, tgt_words))
            extra = sorted(v for v in (tgt_bag - src_bag).elements() if not _explained(v, src, src_words))
            # Norwegian groups thousands with a point ("23.764" = 23 764), as English writes decimals.
            grouped = {v for v in missing if re.fullmatch(r"\d{1,3}\.\d{3}", v) and v.replace(".", "") in extra}
            missing = [v for v in missing if v not in grouped]
            extra = [v for v in extra if v not in {g.replace(".", "") for g in grouped}]
            # Conversions pair a missing number with an extra one; with one the other side already has
            # only when nothing is left unpaired on that side ("40 miles (64 km)" -> "64 km"): a number that
            # has its own counterpart does not also excuse a changed one ("480 km/t (133 m/s)" ->
            # "480 km/h (313 m/s)"). The unit must change: "70 km" -> "76 km" is no conversion.
            def converts(v: str, w: str) -> bool:
                return has_unit(src, v) and has_unit(tgt, w) and converted_between(v, src, w, tgt)

            left_missing = [v for v in missing if not any(converts(v, w) for w in extra)]
            left_extra = [w for w in extra if not any(converts(v, w) for v in missing)]
            # A missing and an extra number under the same unit are one changed value: both are reported.
            changed = [(v, w) for v in left_missing for w in left_extra if units_of(src, v) & units_of(tgt, w)]
            lone_missing = set(left_missing) - {v for v, _ in changed}
            lone_extra = set(left_extra) - {w for _, w in changed}
            missing, extra = left_missing, left_extra
            if not lone_extra:
                missing = [v for v in left_missing if v not in lone_missing or not any(converts(v, w) for w in tgt_bag)]
            if not lone_missing:
                extra = [w for w in left_extra if w not in lone_extra or not any(converts(v, w) for v in src_bag)]
            if not missing and not extra:
                continue
            seg = next((s for s in pair.target if any(
                n.value in extra or n.value in missing for n in find_numbers(s.text))), pair.target[0])
            z = length_z(len(src), len(tgt))
            if missing and not extra and self.options.omission_z and z <= self.options.omission_z:
                yield self.flag(seg, f"source number {', '.join(missing)} missing and the translation short for its "
                                     f"source (length z {z:.1f}): the part holding it was dropped",
                                source_text=src, category=OMISSION, severity=Severity.MAJOR,
                                evidence={"missing": missing, "length_z": round(z, 2),
                                          "source_numbers": sorted(src_bag.elements()),
                                          "target_numbers": sorted(tgt_bag.elements())})
                continue
            parts = []
            if missing:
                parts.append("source has " + ", ".join(missing))
            if extra:
                parts.append("translation has " + ", ".join(extra))
            yield self.flag(seg, "number mismatch: " + "; ".join(parts), source_text=src,
                            severity=self.options.severity if missing and extra else self.options.one_sided_severity,
                            evidence={"missing": missing, "extra": extra,
                                      "source_numbers": sorted(src_bag.elements()),
                                      "target_numbers": sorted(tgt_bag.elements())})
