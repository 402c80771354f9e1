"""Error injection: line-aligned nb/fr lines in, one damaged set per error category out.

From a line-aligned nb/fr corpus (FLORES-200 dev by default, `build_eval_set`), one set per
category of `CATEGORIES`; in each set about `rate` of the lines where the error can be applied
get exactly one error of that category (the `_inject_*` functions), the others stay as they are
(negatives). Deterministic for (lines, category, seed, rate). `DETECTS` says which flag
categories count as detecting each injected category.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

from mtqa.core.flags import (
    ADDITION, BOILERPLATE, GARBLED, GRAMMAR, KICKER, MISTRANSLATION, NAMED_ENTITY, NUMBER, OMISSION, UNTRANSLATED,
)
from mtqa.errors import InputError

CATEGORIES = ("number", "named-entity", "omission", "addition", "untranslated", "hallucination", "word-order",
              "negation", "boilerplate", "kicker")

# Which flag categories count as detecting each injected category.
DETECTS: dict[str, set[str]] = {
    "number": {NUMBER},
    "named-entity": {NAMED_ENTITY},
    "omission": {OMISSION},
    "addition": {ADDITION},
    "untranslated": {UNTRANSLATED},
    # A hallucinated line is fluent French unrelated to its source. Nothing in it is wrong on
    # its own; it shows only where it no longer matches the source: numbers and names that
    # differ, a length that does not fit (omission/addition), and the back-translation check
    # (mistranslation, or omission/addition when the lengths differ). Not untranslated (it is
    # French) and not fluency (it is fluent).
    "hallucination": {MISTRANSLATION, OMISSION, ADDITION, NUMBER, NAMED_ENTITY},
    # Garbled word order is a fluency error; a grammar checker may see agreement broken by it.
    "word-order": {GARBLED, GRAMMAR},
    # A polarity flip changes the meaning: MQM's mistranslation; no other category fits.
    "negation": {MISTRANSLATION},
    "boilerplate": {BOILERPLATE},
    "kicker": {KICKER},
}

INJECTOR_VERSION = "1"      # bump when an injection changes (it is in the signature)
MIN_DISTANCE = 10           # donor lines (hallucination, addition, names) come from this far away:
                            # FLORES takes runs of a few sentences per article


def default_flores_dir() -> Path:
    """`<parent of the mtqa repository>/shared/data/flores200-dev`."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "flores200-dev"  # mtqa/eval/inject.py


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class InjectedLine:
    line: int                 # 1-based
    category: str | None      # the injected category, None for an untouched line
    source: str               # the Norwegian line given to the checker
    target: str               # the French line given to the checker
    original: str             # the French line before injection
    note: str                 # what was done ("" for untouched lines)


class EvalSets(dict):
    """dict[category, list[InjectedLine]] that remembers how it was built (`meta`)."""

    def __init__(self, *args, meta: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meta = dict(meta or {})


@dataclass(frozen=True)
class _Change:
    target: str
    note: str
    source: str | None = None  # a changed Norwegian line (kicker), None = unchanged


# --------------------------------------------------------------------------- text helpers

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_FINAL_PUNCT = re.compile(r"[.!?…]+[»”\"’)]*$")
_SENTENCE_END = ".!?…:"


def _apostrophe(text: str) -> str:
    return "’" if "’" in text and "'" not in text else "'"


def _sentence_initial(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \u00a0\"'«“‘(–—-")
    return not before or before[-1] in _SENTENCE_END


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text) is not None


def _split_final(text: str) -> tuple[str, str]:
    """('Il pleut', '.') for 'Il pleut.'"""
    m = _FINAL_PUNCT.search(text.rstrip())
    body = text.rstrip()
    return (body[:m.start()], body[m.start():]) if m else (body, "")


# --------------------------------------------------------------------------- numbers

_NUM = re.compile(
    r"(?<![\w.,:/\-])"
    r"(?P<int>\d{1,3}(?:(?P<sep>[ \u00a0\u202f.])\d{3})+(?![\d])|\d+)"
    r"(?:,(?P<frac>\d+))?"
    r"(?![\w:/]|[.,]\d|\s?h\s?\d)"
)


@dataclass(frozen=True)
class _Num:
    start: int
    end: int
    text: str
    value: str       # canonical: digits, "." decimals
    sep: str         # thousands separator ("" when none)
    frac: str
    percent: bool


def _numbers(text: str) -> list[_Num]:
    """Digit numbers that are not clock times, dates or parts of codes ("39C", "02:30", "1995-96")."""
    out = []
    for m in _NUM.finditer(text):
        sep = m.group("sep") or ""
        if sep == "." and m.group("frac"):
            continue
        integer = re.sub(r"[ \u00a0\u202f.]", "", m.group("int"))
        frac = m.group("frac") or ""
        value = str(int(integer)) + (f".{frac}" if frac else "")
        after = text[m.end():m.end() + 9]
        pct = bool(re.match(r"\s?(%|prosent|pour cent)", after))
        out.append(_Num(m.start(), m.end(), m.group(0), value, sep, frac, pct))
    return out


def _regroup(digits: str, sep: str) -> str:
    if not sep or len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)])


def _change_number(n: _Num, rng: random.Random) -> tuple[str, str] | None:
    """A plausible wrong value in the same format: (new text, kind of change)."""
    integer = re.sub(r"\D", "", n.text.split(",")[0])
    if n.frac:  # "2,5" -> "2,7" / "5,2"
        digits = integer + n.frac
        if len(set(digits)) > 1 and rng.random() < 0.5:
            a, b = integer, n.frac
            if len(a) == 1 and len(b) == 1 and a != b and b != "0":
                return f"{b},{a}", "digits swapped"
        last = int(n.frac[-1])
        new = (last + rng.choice((1, 2, 3, -1, -2))) % 10
        return f"{integer},{n.frac[:-1]}{new}", "decimal changed"
    value = int(integer)
    if n.sep:  # "12 000" -> "1 200" / "120 000": a magnitude error, separators kept
        if integer.endswith("0") and value // 10 >= 1000:
            return _regroup(integer[:-1], n.sep), "magnitude /10"
        return _regroup(integer + "0", n.sep), "magnitude x10"
    if 1000 <= value <= 2100 and len(integer) == 4 and not n.percent:  # a year
        delta = rng.choice((1, 2, 3, 4, 5)) * rng.choice((1, -1))
        return str(value + delta), f"year {delta:+d}"
    if len(integer) == 1:
        choices = [v for v in range(max(0, value - 3), value + 4) if v != value and v != 0]
        return str(rng.choice(choices)), "digit changed"
    r = rng.random()
    pairs = [i for i in range(len(integer) - 1) if integer[i] != integer[i + 1] and not (i == 0 and integer[1] == "0")]
    if pairs and r < 0.5:  # "87" -> "78"
        i = rng.choice(pairs)
        return integer[:i] + integer[i + 1] + integer[i] + integer[i + 2:], "digits transposed"
    if r < 0.7 and len(integer) <= 3:  # "40" -> "400" / "4"
        if integer.endswith("0") and rng.random() < 0.5:
            return integer[:-1], "magnitude /10"
        return integer + "0", "magnitude x10"
    i = rng.randrange(len(integer))
    replacements = [d for d in "0123456789" if d != integer[i] and not (i == 0 and d == "0")]
    return integer[:i] + rng.choice(replacements) + integer[i + 1:], "digit changed"


def _inject_number(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    nb_values = {n.value for n in _numbers(nb)}
    shared = [n for n in _numbers(fr) if n.value in nb_values]
    if not shared:
        return None
    n = rng.choice(shared)
    for _ in range(6):
        changed = _change_number(n, rng)
        if changed is None:
            continue
        new_text, kind = changed
        new_value = _numbers(new_text)[0].value if _numbers(new_text) else None
        if new_text != n.text and new_value not in nb_values and new_value != n.value:
            return _Change(fr[:n.start] + new_text + fr[n.end:], f"number {n.text!r} -> {new_text!r} ({kind})")
    return None


# --------------------------------------------------------------------------- named entities

# First names and name-like words that French machine translation translates.
NAME_TRANSLATIONS = {
    "John": "Jean", "Peter": "Pierre", "Michael": "Michel", "William": "Guillaume", "Henry": "Henri",
    "James": "Jacques", "George": "Georges", "Stephen": "Étienne", "Steven": "Étienne", "Matthew": "Mathieu",
    "Andrew": "André", "Anthony": "Antoine", "Mark": "Marc", "Luke": "Luc", "Edward": "Édouard",
    "Frederick": "Frédéric", "Philip": "Philippe", "Nicholas": "Nicolas", "Francis": "François",
    "Mary": "Marie", "Elizabeth": "Élisabeth", "Helen": "Hélène", "Margaret": "Marguerite",
    "Christopher": "Christophe", "Vincent": "Vincent", "Joseph": "Joseph", "Gregory": "Grégoire",
    "Lawrence": "Laurent", "Dominic": "Dominique", "Theodore": "Théodore", "Hans": "Jean",
    "Olav": "Olaf", "Harald": "Harold", "Anders": "André", "Jens": "Jean", "Per": "Pierre",
    "Telegram": "Télégramme", "Apple": "Pomme", "Amazon": "Amazone", "Shell": "Coquille",
    "Twitter": "Gazouilleur", "Facebook": "Livre-visage", "Windows": "Fenêtres", "Times": "Temps",
    "Post": "Poste", "Guardian": "Gardien", "Sun": "Soleil", "Mirror": "Miroir", "Star": "Étoile",
}

_ACCENT_E = re.compile(r"(?<=[^\W\d_])e(?=[bcdfgklmnprstvz][aeiouy]|[bcdfgkptv][rl])")


def gallicise(name: str) -> str | None:
    """A gallicised form of a name: accents and a French ending ("Mediazona" -> "Médiazone",
    "Telegram" -> "Télégramme", "Ukrenergo" -> "Ukrénergie"); None when no ending applies
    (an accent alone is not a different name to a reader, nor to accent-folding checks)."""
    head, dash, last = name.rpartition("-")
    word = last
    low = word.lower()
    if len(word) < 5:
        return None  # "Sol" -> "Solle" is noise, not a gallicised name
    rules = (("ia", "ie"), ("us", "e"), ("er", "ère"), ("en", "ène"), ("go", "gie"), ("a", "e"), ("o", "e"),
             ("y", "ie"))
    new = None
    for end, repl in rules:
        if low.endswith(end) and len(word) > len(end) + 2:
            new = word[: len(word) - len(end)] + repl
            break
    if new is None and re.search(r"[aeiou][mnlt]$", low) and not re.search(r"[aeiou]{2}[mnlt]$", low):
        new = word + word[-1] + "e"  # Telegram -> Telegramme
    if new is None:
        return None
    new = _ACCENT_E.sub("é", new)
    result = head + dash + new
    return result if result.lower() != name.lower() else None


@dataclass(frozen=True)
class _Name:
    text: str
    start: int
    end: int
    kind: str   # acronym, first, last, single


# Generic words inside multi-word names ("Deutsche Bank", "Panama Papers"): not names of a kind
# that one would swap or gallicise on their own.
GENERIC_NAME_WORDS = frozenset({
    "University", "School", "College", "Street", "Square", "Bank", "Papers", "South", "North", "East", "West",
    "New", "Grand", "Prix", "Open", "Rooms", "Forum", "Party", "Cup", "Games", "Award", "Awards", "Club", "Park",
    "River", "Lake", "Island", "Islands", "Airport", "Air", "Force", "Army", "Republic", "States", "United",
    "Kingdom", "National", "International", "Central", "City", "County", "Council", "House", "Hall", "Church",
    "Museum", "Centre", "Center", "Institute", "Company", "Group", "News", "Day", "The", "And", "Saint", "San",
    "Santa", "Mount", "Fort", "Port", "Royal", "Old", "Great", "Little", "Upper", "Lower", "Jr", "Sr", "Medicine",
    "Science", "Sciences", "Times", "Post", "Mail", "Press", "Service", "Services", "Station", "World", "Union",
})


def _shared_names(nb: str, fr: str) -> list[_Name]:
    """Capitalised words of the French line, not sentence-initial, present as such in the Norwegian."""
    words = list(_WORD.finditer(fr))
    out = []
    for k, m in enumerate(words):
        w = m.group(0)
        if len(w) < 3 or not w[0].isupper() or _sentence_initial(fr, m.start()) or not _has_word(nb, w):
            continue
        if w.isupper():
            kind = "acronym"
        else:
            nxt = words[k + 1].group(0) if k + 1 < len(words) else ""
            prev = words[k - 1].group(0) if k > 0 else ""
            gap_next = fr[m.end():words[k + 1].start()] if k + 1 < len(words) else ""
            gap_prev = fr[words[k - 1].end():m.start()] if k > 0 else ""
            if nxt[:1].isupper() and not nxt.isupper() and gap_next == " ":
                kind = "first"
            elif (prev[:1].isupper() and not prev.isupper() and gap_prev == " "
                  and not _sentence_initial(fr, words[k - 1].start())):
                kind = "last"
            else:
                kind = "single"
        out.append(_Name(w, m.start(), m.end(), kind))
    return out


def _replace_word(text: str, old: str, new: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(old)}(?![\w-])", new.replace("\\", r"\\"), text)


def _inject_entity(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    names = _shared_names(nb, fr)
    if not names:
        return None
    options = []  # (weight, mode, name, replacement)
    for n in names:
        if n.text in NAME_TRANSLATIONS and NAME_TRANSLATIONS[n.text] != n.text:
            options.append((3.0, "translated", n, NAME_TRANSLATIONS[n.text]))
        if n.text in GENERIC_NAME_WORDS:
            continue
        if n.kind != "acronym":
            g = gallicise(n.text)
            if g:
                options.append((3.0, "gallicised", n, g))
        pool = [w for (i, w) in ctx.names_by_kind.get(n.kind, ())
                if abs(i - ctx.index) >= MIN_DISTANCE and not _has_word(fr, w) and not _has_word(nb, w)]
        if pool:
            options.append((2.0, "other name", n, rng.choice(pool)))
    if not options:
        return None
    weight, mode, n, new = _weighted(options, rng)
    return _Change(_replace_word(fr, n.text, new), f"name {n.text!r} -> {new!r} ({mode})")


def _weighted(options, rng: random.Random):
    total = sum(o[0] for o in options)
    r = rng.random() * total
    for o in options:
        r -= o[0]
        if r < 0:
            return o
    return options[-1]


# --------------------------------------------------------------------------- clauses

# Words that open a clause (split before them); a comma, semicolon or colon also ends one.
CLAUSE_OPENERS = frozenset({
    "et", "mais", "ou", "car", "donc", "or", "qui", "où", "dont", "lorsque", "lorsqu", "quand", "alors",
    "tandis", "puisque", "parce", "bien", "afin",
})


def _opener(token: str) -> bool:
    word = re.sub(r"['’].*$", "", token.lower()).strip("«»\"(")
    return word in CLAUSE_OPENERS


def _clause_starts(tokens: list[str]) -> list[int]:
    starts = [0]
    for i in range(1, len(tokens)):
        prev, tok = tokens[i - 1], tokens[i]
        after_punct = prev.endswith((",", ";")) or (prev.endswith(":") and prev != ":")
        if after_punct or (_opener(tok) and not (starts[-1] == i - 1 and _opener(prev))):  # "et qui" is one opener
            if i != starts[-1]:
                starts.append(i)
    return starts


_VERB_ENDING = re.compile(r"(?:ait|aient|èrent|ront|rait|raient|ons|ez)$")


def _has_finite_verb(tokens: Sequence[str]) -> bool:
    """A rough test for a finite verb (a known form or a typical ending): tells a clause from a phrase."""
    for tok in tokens:
        word = re.sub(r"^[^\W\d_]{1,3}['’]", "", tok.lower()).strip(",;:.«»\"()")
        if word in FINITE_VERBS or word in _MORE_FINITE or (len(word) > 4 and _VERB_ENDING.search(word)):
            return True
    return False


_MORE_FINITE = frozenset({"fait", "font", "dit", "disent", "était", "sont", "ont", "a", "est", "avons", "avez",
                          "suis", "es", "sommes", "êtes", "vit", "vivent", "prend", "prennent", "met", "mettent",
                          "voit", "voient", "vient", "viennent", "tient", "tiennent"})


def _clauses(text: str) -> list[tuple[int, int]]:
    """Token spans [start, end) of the clauses of a line (split at , ; : and clause openers)."""
    tokens = text.split(" ")
    starts = _clause_starts(tokens) + [len(tokens)]
    return [(starts[k], starts[k + 1]) for k in range(len(starts) - 1)]


def _drop_tokens(text: str, start: int, end: int) -> str:
    tokens = text.split(" ")
    body, final = _split_final(text)
    kept = tokens[:start] + tokens[end:]
    if end == len(tokens):  # the clause ran to the end of the sentence
        out = " ".join(kept).rstrip(" ,;:")
        return out + (final or "")
    if 0 < start and tokens[end - 1].endswith(",") and not tokens[start - 1].endswith((",", ";", ":")):
        kept[start - 1] = tokens[start - 1] + ","  # "X et A B, Y" -> "X, Y"
    out = " ".join(kept)
    if start == 0:
        out = out[:1].upper() + out[1:]
    return out


_NOT_PARTICIPLES = frozenset({"avant", "pendant", "durant", "maintenant", "cependant", "enfant", "important",
                              "étudiant", "restaurant", "habitant", "combattant", "manifestant", "suivant"})


def _is_participle(token: str) -> bool:
    """A present participle opening a trailing clause ("provoquant la fermeture ...")."""
    return bool(re.match(r"^[^\W\d_]{3,}ant$", token)) and token.lower() not in _NOT_PARTICIPLES


def _omission_candidates(tokens: list[str]) -> list[tuple[int, int]]:
    """Clauses a translation can drop and still read as a sentence: one opened by a conjunction
    or relative pronoun, an incise between commas, an introductory phrase before a comma, a
    trailing participle clause. Never the main clause (a last clause with no opener)."""
    spans = _clauses(" ".join(tokens))
    out = []
    for k, (a, b) in enumerate(spans):
        words = b - a
        if words < 4 or words < 0.15 * len(tokens) or len(tokens) - words < 4:
            continue
        first, last = tokens[a], tokens[b - 1]
        is_last = k == len(spans) - 1
        if not is_last and not last.endswith((",", ";")):
            continue  # ends where another opener starts ("et X qui Y"): not a whole clause
        if k == 0:  # an introductory phrase: "Selon les chercheurs," / "Né à Hong Kong,"
            ok = (last.endswith(",") and b < len(tokens) and not _opener(tokens[b])
                  and not _has_finite_verb(tokens[a:b]))
        elif _opener(first):  # its neighbour must keep a verb ("les gouvernements islandais et pakistanais ont")
            ok = _has_finite_verb(tokens[spans[k - 1][0]:spans[k - 1][1]])
        elif is_last:
            ok = _is_participle(first) or (first == "en" and b - a > 1 and _is_participle(tokens[a + 1]))
        else:
            ok = (tokens[a - 1].endswith(",") and last.endswith(",")  # an incise ", A,"
                  and not _has_finite_verb(tokens[a:b]))
        if ok:
            out.append((a, b))
    return out


def _inject_omission(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    tokens = fr.split(" ")
    n = len(tokens)
    candidates = _omission_candidates(tokens)
    if not candidates:
        return None
    a, b = rng.choice(candidates)
    new = _drop_tokens(fr, a, b)
    if new == fr:
        return None
    dropped = " ".join(tokens[a:b])
    share = (b - a) / n
    return _Change(new, f"clause dropped ({b - a} of {n} words, {share:.0%}): {dropped!r}")


def _donor_clauses(text: str) -> list[str]:
    """Clauses of a line that read as an addition when appended to another sentence: opened by a
    conjunction, relative pronoun or participle, 4-16 words, within one sentence, no quotes."""
    tokens = text.split(" ")
    out = []
    for a, b in _clauses(text)[1:]:
        if not 4 <= b - a <= 16 or not (b == len(tokens) or tokens[b - 1].endswith((",", ";"))):
            continue
        first = tokens[a]
        if not (_opener(first) or _is_participle(first)) or not first[:1].islower():
            continue
        clause = _split_final(" ".join(tokens[a:b]))[0].rstrip(" ,;:\u00a0\u202f\u2009")
        if not _has_finite_verb(tokens[a:b]) and not _is_participle(first):
            continue
        if re.search(r"[.!?…]\s|[\"«»“”()]", clause) or len(clause.split()) < 4:
            continue
        out.append(clause)
    return out


def _inject_addition(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    body, final = _split_final(fr)
    if not final or final.startswith("…") or len(body.split()) < 3 or body.endswith(("»", "”", '"')):
        return None
    donors = [j for j in ctx.clause_donors if abs(j - ctx.index) >= MIN_DISTANCE]
    if not donors:
        return None
    j = rng.choice(donors)
    clause = rng.choice(ctx.donor_clauses[j])
    new = f"{body.rstrip(' ,;:')}, {clause}{final}"
    return _Change(new, f"clause from line {j + 1} appended: {clause!r}")


# --------------------------------------------------------------------------- other categories


NB_CLAUSE_OPENERS = frozenset({"og", "men", "eller", "for", "som", "der", "da", "når", "fordi", "mens", "selv",
                               "etter", "før", "hvis", "dersom", "slik", "så"})


def _inject_untranslated(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    nb_words, fr_words = nb.split(), fr.split()
    if len(nb_words) < 4 or nb.strip() == fr.strip():
        return None
    if rng.random() < 0.5 or len(nb_words) < 8 or len(fr_words) < 8:
        return _Change(nb, "Norwegian line copied")
    # Half of it: the French up to a clause start near the middle, then the Norwegian rest.
    starts = [a for a, _ in _clauses(fr) if 0.3 <= a / len(fr_words) <= 0.7] or [len(fr_words) // 2]
    k = rng.choice(starts)
    # The Norwegian cut: the clause boundary nearest to the same share of the line.
    share = k / len(fr_words)
    nb_starts = [i for i in range(1, len(nb_words) - 1)
                 if nb_words[i - 1].endswith((",", ";", ":")) or nb_words[i].lower() in NB_CLAUSE_OPENERS]
    k_nb = round(len(nb_words) * share)
    if nb_starts:
        nearest = min(nb_starts, key=lambda i: (abs(i / len(nb_words) - share), i))
        if abs(nearest / len(nb_words) - share) <= 0.2:
            k_nb = nearest
    k_nb = max(1, min(len(nb_words) - 2, k_nb))
    if rng.random() < 0.5:
        mixed = fr_words[:k] + nb_words[k_nb:]
        where = "second"
    else:
        mixed = nb_words[:k_nb] + fr_words[k:]
        where = "first"
    new = " ".join(mixed)
    if new == fr:
        return None
    return _Change(new, f"{where} half left in Norwegian")


def _inject_hallucination(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    lo, hi = 0.75 * len(fr), 1.33 * len(fr)
    donors = [j for j, line in enumerate(ctx.fr_lines)
              if abs(j - ctx.index) >= MIN_DISTANCE and lo <= len(line) <= hi and line != fr]
    if not donors:
        return None
    j = rng.choice(donors)
    donor = ctx.fr_lines[j]
    return _Change(donor, f"French line {j + 1} instead (similar length: {len(donor)} vs {len(fr)} chars)")


_PLAIN_TOKEN = re.compile(r"^[^\W\d_][\w'’\-]*$")


def _inject_word_order(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    tokens = fr.split(" ")
    if len(tokens) < 6:
        return None
    # Runs of plain word tokens (no punctuation), not the first token (keeps the capital).
    runs, cur = [], []
    for i, tok in enumerate(tokens):
        if i > 0 and _PLAIN_TOKEN.match(tok):
            cur.append(i)
        else:
            if len(cur) >= 3:
                runs.append(cur)
            cur = []
    if len(cur) >= 3:
        runs.append(cur)
    if not runs:
        return None
    swaps = 2 if len(tokens) >= 15 and len(runs) >= 2 else 1
    new = list(tokens)
    notes = []
    for run in rng.sample(runs, swaps):
        size = len(run)
        a = rng.randint(1, min(3, size - 1))
        b = rng.randint(max(1, 3 - a), min(3, size - a))
        s = run[0] + rng.randint(0, size - a - b)
        chunk_a, chunk_b = new[s:s + a], new[s + a:s + a + b]
        if chunk_a == chunk_b:
            continue
        new[s:s + a + b] = chunk_b + chunk_a
        notes.append(f"{' '.join(chunk_a)!r} <-> {' '.join(chunk_b)!r}")
    out = " ".join(new)
    if out == fr or not notes:
        return None
    return _Change(out, "word order garbled: " + "; ".join(notes))


# Negation: removal of an existing one, or addition on a finite verb.
_NEG = re.compile(
    r"(?<![\w'’])(?P<ne>[nN]e\s+|[nN]['’])(?P<mid>(?:[^\s,.;:!?«»]+\s+){0,2}?[^\s,.;:!?«»]+?)\s+"
    r"(?P<neg>pas|plus|jamais)(?![\w'’])(?!\s+(?:de|d['’]|du|des|que|qu['’]|un|une|tant|seulement|encore)(?![\w]))")
_NEG_INF = re.compile(r"(?<![\w'’])ne\s+(?P<neg>pas|plus|jamais)\s+(?=[^\W\d_])")
_PRONOUN_NEG = re.compile(r"(?<![\w'’])(?P<w>[Pp]ersonne|[Rr]ien)\s+(?P<ne>ne\s+|n['’])(?!.*\b(?:pas|plus)\b)")
_NOT_PRONOUN_BEFORE = {"une", "la", "cette", "chaque", "aucune", "toute", "seule", "de", "la", "en", "du", "le"}
FINITE_VERBS = frozenset({
    "est", "sont", "était", "étaient", "a", "ont", "avait", "avaient", "sera", "seront", "serait", "seraient",
    "aura", "auront", "aurait", "auraient", "peut", "peuvent", "pouvait", "pouvaient", "pourra", "pourront",
    "pourrait", "pourraient", "doit", "doivent", "devait", "devaient", "devrait", "devraient", "va", "vont",
    "allait", "allaient", "semble", "semblent", "semblait", "fut", "furent", "faut", "veut", "veulent",
    "voulait", "sait", "savent", "existe", "existent", "permet", "permettent", "contient", "reste", "restent",
})
_CLITICS = re.compile(r"(?:(?<![\w'’])(?:[lsmt]['’]|(?:y|en|se|le|la|les|lui|leur|me|te)\s+))+$")
_NO_SUBJECT_BEFORE = {"de", "à", "le", "la", "les", "un", "une", "des", "du", "au", "aux", "par", "pour", "sur",
                      "ne", "n", "et", "ou", "dont", "que", "avec", "dans", "sans", "entre", "vers", "chez"}
_VOWEL_START = re.compile(r"^[aeiouyhàâäéèêëîïôöûüAEIOUYHÀÂÉÈÊÎÔÛ]")


def _negation_removals(fr: str) -> list[tuple[str, str]]:
    out = []
    for m in _NEG.finditer(fr):
        mid = m.group("mid")
        if re.match(r"importe\b", mid):
            continue
        new = fr[:m.start()] + (mid[:1].upper() + mid[1:] if m.group("ne")[0] == "N" else mid) + fr[m.end():]
        out.append((new, f"negation removed: {m.group(0)!r} -> {mid!r}"))
    for m in _NEG_INF.finditer(fr):
        new = fr[:m.start()] + fr[m.end():]
        out.append((new, f"negation removed: {m.group(0).strip()!r} before an infinitive"))
    for m in _PRONOUN_NEG.finditer(fr):
        before = fr[:m.start()].split()
        if before and before[-1].lower() in _NOT_PRONOUN_BEFORE:
            continue
        w = m.group("w")
        repl = ("quelqu’un " if "’" in fr else "quelqu'un ") if w.lower() == "personne" else "tout "
        if w[0].isupper():
            repl = repl[0].upper() + repl[1:]
        new = fr[:m.start()] + repl + fr[m.end():]
        out.append((new, f"negation removed: {m.group(0).strip()!r} -> {repl.strip()!r}"))
    return out


def _negation_additions(fr: str, rng: random.Random) -> list[tuple[str, str]]:
    out = []
    apo = _apostrophe(fr)
    for m in re.finditer(r"(?<![\w'’\-])([^\W\d_]+)(?![\w'’\-])", fr):
        verb = m.group(1)
        if verb not in FINITE_VERBS:
            continue
        before = fr[:m.start()]
        clitics = _CLITICS.search(before)
        q = clitics.start() if clitics else m.start()
        chain = before[q:]
        if verb == "est" and re.search(r"[lL]['’]$", chain):
            continue  # "l'est": the east
        if re.search(r"(?:^|\s)(?:ne|n['’]\S*)\s*$", before[:q]) or re.search(r"[nN]['’]$", before):
            continue
        if verb == "peut" and fr[m.end():m.end() + 1] == "-":
            continue
        after = fr[m.end():]
        # "ne ... plus" reads naturally with a simple tense; before a past participle, "pas".
        participle = re.match(r"\s+[^\W\d_]+(?:é|ée|és|ées|i|ie|is|ies|u|ue|us|ues|it|ite|its|ert|erte)(?![\w'’-])",
                              after)
        neg = "pas" if participle or rng.random() < 0.7 else "plus"
        if re.match(r"\s+(?:pas|plus|jamais|rien|guère|point)\b", after):
            continue
        prev_text = before[:q]
        if re.search(r"[cC]['’]$", prev_text) and not chain:  # c'est -> ce n'est pas
            head = prev_text[:-2] + ("Ce " if prev_text[-2] == "C" else "ce ")
            new = head + f"n{apo}" + verb + f" {neg}" + after
            out.append((new, f"negation added: 'c{apo}{verb}' -> 'ce n{apo}{verb} {neg}'"))
            continue
        prev_words = prev_text.split()
        if not prev_words or prev_words[-1].lower().strip(",;:«»\"") in _NO_SUBJECT_BEFORE:
            continue
        if prev_words[-1][-1:] in ",;:«(":
            continue
        rest = chain + verb
        ne = f"n{apo}" if _VOWEL_START.match(rest) else "ne "
        new = prev_text + ne + rest + f" {neg}" + after
        out.append((new, f"negation added: {rest!r} -> {(ne + rest + ' ' + neg)!r}"))
    return out


def _inject_negation(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    removals = _negation_removals(fr)
    options = removals or _negation_additions(fr, rng)  # toggle: remove when there is one
    options = [o for o in options if o[0] != fr]
    if not options:
        return None
    new, note = rng.choice(options)
    return _Change(new, note)


# Page furniture glued to a line: interface labels, credits and teaser links of other articles.
# Some of these are in mtqa's furniture lexicon (data/page_furniture.toml), some are not.
UI_LABELS = ("Voir plus", "Afficher plus", "Lire la suite", "En savoir plus", "Partager", "Voir la vidéo",
             "Publicité", "Cliquez ici pour en savoir plus", "Continuer la lecture", "Plus d'informations",
             "Partager sur Facebook", "Abonnez-vous")
CREDITS = ("Photo : AFP", "Photo : Reuters / NTB", "Vidéo : AP", "Crédit : Getty Images", "Photo : Scanpix",
           "Vidéo : @DefenceU / X.", "Photo : NTB", "Reporter : Ola Nordmann / Dagbladet TV")
TEASER_LABELS = ("Lire aussi", "À lire aussi", "Voir aussi", "Lisez aussi", "Sur le même sujet", "À voir aussi")


def _inject_boilerplate(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    mode = rng.choice(("ui", "ui", "teaser", "credit"))
    if mode == "ui":
        label = rng.choice(UI_LABELS)
        return _Change(f"{fr} {label}", f"interface label appended: {label!r}")
    if mode == "credit":
        label = rng.choice(CREDITS)
        return _Change(f"{fr} {label}", f"credit appended: {label!r}")
    donors = [j for j in range(len(ctx.fr_lines)) if abs(j - ctx.index) >= MIN_DISTANCE]
    j = rng.choice(donors)
    words = ctx.fr_lines[j].split(" ")
    headline = " ".join(words[:rng.randint(4, 8)]).rstrip(" ,;:.")
    label = rng.choice(TEASER_LABELS)
    sep = rng.choice((" : ", ": "))
    return _Change(f"{fr} {label}{sep}{headline}", f"teaser link appended: {label!r} + opening of line {j + 1}")


# Norwegian caption kickers and the literal French a machine makes of them.
KICKERS = (
    ("TØFFE KAMPER", "MATCHS DIFFICILES"), ("FAST KURS", "TAUX FIXE"), ("DIREKTE TREFF", "RENCONTRE DIRECTE"),
    ("HISTORISK", "HISTORIQUE"), ("DRAMATISK", "DRAMATIQUE"), ("TUNGT SLAG", "COUP LOURD"),
    ("KRAFTIG ØKNING", "FORTE AUGMENTATION"), ("FULL GASS", "PLEIN GAZ"), ("I FLAMMER", "EN FLAMMES"),
    ("SJOKK", "CHOC"), ("GJENNOMBRUDD", "PERCÉE"), ("TRIST FARVEL", "TRISTE ADIEU"), ("PÅ BANEN", "SUR LE TERRAIN"),
    ("TUNGT TAP", "LOURDE PERTE"), ("NY REKORD", "NOUVEAU RECORD"), ("DÅRLIG NYTT", "MAUVAISES NOUVELLES"),
    ("MIDT I STORMEN", "AU MILIEU DE LA TEMPÊTE"), ("KLAR FOR KAMP", "PRÊT POUR LE MATCH"),
    ("STERK VIND", "VENT FORT"), ("HARDE TAK", "PRISES DURES"), ("TOK GREP", "A PRIS LA POIGNÉE"),
    ("PÅ VEI OPP", "SUR LE CHEMIN DE MONTER"), ("SATT PÅ PRØVE", "MIS À L'ESSAI"), ("I SKUDDET", "DANS LE TIR"),
    ("BLE STOPPET", "A ÉTÉ ARRÊTÉ"), ("STORE ORD", "GRANDS MOTS"), ("GIKK AMOK", "EST ALLÉ AMOK"),
    ("SLO TILBAKE", "A FRAPPÉ EN ARRIÈRE"), ("KALDE FAKTA", "FAITS FROIDS"), ("TOPPMØTE", "RÉUNION AU SOMMET"),
)


def _inject_kicker(nb: str, fr: str, rng: random.Random, ctx) -> _Change | None:
    if not fr.strip() or not nb.strip():
        return None
    nb_kicker, fr_kicker = rng.choice(KICKERS)
    sep = rng.choice((" : ", ": "))
    return _Change(f"{fr_kicker}{sep}{fr}", f"kicker {fr_kicker!r} (source {nb_kicker!r}) prefixed",
                   source=f"{nb_kicker}: {nb}")


_INJECTORS = {
    "number": _inject_number,
    "named-entity": _inject_entity,
    "omission": _inject_omission,
    "addition": _inject_addition,
    "untranslated": _inject_untranslated,
    "hallucination": _inject_hallucination,
    "word-order": _inject_word_order,
    "negation": _inject_negation,
    "boilerplate": _inject_boilerplate,
    "kicker": _inject_kicker,
}


@dataclass
class _Context:
    """What an injector may use from the rest of the document (donor lines)."""

    nb_lines: list[str]
    fr_lines: list[str]
    index: int = 0
    names_by_kind: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    donor_clauses: dict[int, list[str]] = field(default_factory=dict)
    clause_donors: list[int] = field(default_factory=list)


def _context(nb_lines: list[str], fr_lines: list[str], category: str) -> _Context:
    ctx = _Context(nb_lines, fr_lines)
    if category == "named-entity":
        seen: set[tuple[str, str]] = set()
        for i, (nb, fr) in enumerate(zip(nb_lines, fr_lines)):
            for n in _shared_names(nb, fr):
                if (n.kind, n.text) not in seen and n.text not in GENERIC_NAME_WORDS:
                    seen.add((n.kind, n.text))
                    ctx.names_by_kind.setdefault(n.kind, []).append((i, n.text))
    if category == "addition":
        for i, fr in enumerate(fr_lines):
            clauses = _donor_clauses(fr)
            if clauses:
                ctx.donor_clauses[i] = clauses
                ctx.clause_donors.append(i)
    return ctx


def inject(nb_lines: Sequence[str], fr_lines: Sequence[str], category: str, *, seed: int = 0,
           rate: float = 0.5) -> list[InjectedLine]:
    """One document with errors of one category: every line, about `rate` of the lines where
    the error can be applied damaged (exactly round(rate * eligible)), the rest untouched.

    Deterministic for (lines, category, seed, rate): each line has its own random stream, so
    the change made to a line does not depend on the other lines' draws.
    """
    if category not in _INJECTORS:
        raise ValueError(f"unknown category {category!r}; known: {', '.join(CATEGORIES)}")
    if len(nb_lines) != len(fr_lines):
        raise ValueError(f"not line-aligned: {len(nb_lines)} Norwegian lines, {len(fr_lines)} French lines")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be within [0, 1], got {rate}")
    nb_lines, fr_lines = list(nb_lines), list(fr_lines)
    ctx = _context(nb_lines, fr_lines, category)
    candidates: dict[int, _Change] = {}
    for i, (nb, fr) in enumerate(zip(nb_lines, fr_lines)):
        ctx.index = i
        change = _INJECTORS[category](nb, fr, random.Random(f"{seed}|{category}|{i}"), ctx)
        if change is not None and change.target != fr:
            candidates[i] = change
    eligible = sorted(candidates)
    chosen = set(random.Random(f"{seed}|{category}|select").sample(eligible, round(rate * len(eligible))))
    out = []
    for i, (nb, fr) in enumerate(zip(nb_lines, fr_lines)):
        if i in chosen:
            c = candidates[i]
            out.append(InjectedLine(i + 1, category, c.source if c.source is not None else nb, c.target, fr, c.note))
        else:
            out.append(InjectedLine(i + 1, None, nb, fr, fr, "eligible, left untouched" if i in candidates else ""))
    return out


def read_lines(path: Path) -> list[str]:
    from mtqa.readers import read_document

    return list(read_document(path).lines)


def _flores_files(flores_dir: Path) -> tuple[Path, Path]:
    flores_dir = Path(flores_dir)
    nb, fr = flores_dir / "nb.txt", flores_dir / "fr.txt"
    for p in (nb, fr):
        if not p.is_file():
            raise InputError(f"{p}: no such file (expected FLORES-200 dev nb.txt and fr.txt in {flores_dir})")
    return nb, fr


def data_digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()[:12]


def build_eval_set(flores_dir: Path | str | None = None, seed: int = 0, rate: float = 0.5,
                   categories: Iterable[str] | None = None) -> EvalSets:
    """One injected set per category over the whole corpus (~1 000 lines each)."""
    flores_dir = Path(flores_dir) if flores_dir is not None else default_flores_dir()
    nb_path, fr_path = _flores_files(flores_dir)
    nb_lines, fr_lines = read_lines(nb_path), read_lines(fr_path)
    if len(nb_lines) != len(fr_lines):
        raise InputError(f"{flores_dir}: nb.txt has {len(nb_lines)} lines, fr.txt {len(fr_lines)}")
    cats = list(categories) if categories else list(CATEGORIES)
    for c in cats:
        if c not in CATEGORIES:
            raise InputError(f"unknown category {c!r}; known: {', '.join(CATEGORIES)}")
    sets = EvalSets({c: inject(nb_lines, fr_lines, c, seed=seed, rate=rate) for c in CATEGORIES if c in cats},
                    meta={"seed": seed, "rate": rate, "data": str(flores_dir),
                          "data_sha256": data_digest(nb_path, fr_path)})
    return sets
