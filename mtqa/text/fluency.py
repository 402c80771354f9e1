"""Model-free fluency signals of a French sentence: non-words and in-sentence repetition.

* **Non-words**: words that are neither French nor a name. A word is French when the French
  word list of `wordfreq` (frequencies from subtitles, Wikipedia, web text, news) knows it at a
  Zipf frequency of at least `MIN_ZIPF` (about once in 100 million words: below that the list
  holds typos and foreign words); a hyphenated word is French when each of its parts is. A
  capitalised word that is not the first of its sentence is a name, unless it is a name the
  source does not have and the list does not know (an invented name, "Schol of Mickin"):
  those are counted apart (`unknown_names`). Numbers, acronyms and single letters are left out.
  Machine translation invents words ("pharmaciens" -> "pharmacistes" is still French; "les
  démanchés de Toussaint" is not) and breaks morphology ("ils mangèrait"); both show as non-words.
* **Repetition**: content words and word pairs said twice within the sentence more often than
  in its source ("des pharmacies et des pharmacies"): weak MT loops.

The word list is read from a table in the user cache (mtqa.text.tables), built from wordfreq's
list on first use; a lookup is a hash-table probe.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Container
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from mtqa.text.lexicon import STOPWORDS

MIN_ZIPF = 1.5
LEXICON_NAME = "wordfreq-fr"

_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d[\d.,]*")
_ELISION = re.compile(r"(?i)^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu|presqu)['’]")
_OPENERS = frozenset('.!?:;«»"“”()[]–—-')   # a word after one of these (or first) opens a sentence


@lru_cache(maxsize=1)
def french_words() -> Container[str]:
    """The French word forms mtqa knows (lowercased, ' apostrophes): wordfreq's French list at
    Zipf >= MIN_ZIPF, as a table in the user cache (mtqa.text.tables: importing wordfreq and
    reading its list cost 0.5 s a run) built from wordfreq_words(). Empty when wordfreq is not
    installed (non-word rates are then 0)."""
    from mtqa.text.tables import cached_table, package_file

    sources = [package_file("wordfreq", "__init__.py"), package_file("wordfreq", "data", "large_fr.msgpack.gz"),
               package_file("wordfreq", "data", "small_fr.msgpack.gz")]
    if sources[0] is None:  # pragma: no cover - a core dependency
        return wordfreq_words()
    table = cached_table(f"wordfreq-fr-zipf{MIN_ZIPF}", [p for p in sources if p is not None],
                         lambda: ((w, "") for w in sorted(wordfreq_words())))
    return table if table is not None else wordfreq_words()


def wordfreq_words() -> frozenset[str]:
    """french_words() as wordfreq gives it: its French frequency list at Zipf >= MIN_ZIPF."""
    try:
        import wordfreq
    except ImportError:  # pragma: no cover - a core dependency
        return frozenset()
    freqs = wordfreq.get_frequency_dict("fr")
    floor = 10 ** (MIN_ZIPF - 9)
    return frozenset(w for w, f in freqs.items() if f >= floor)


@lru_cache(maxsize=100_000)
def _norm(word: str) -> str:
    return unicodedata.normalize("NFC", word.replace("’", "'")).lower()


@lru_cache(maxsize=100_000)
def is_french(word: str) -> bool:
    """Whether `word` (any case; elided "l'", "qu'" allowed) is a French word form (cached per
    word: the word list does not change during a run)."""
    words = french_words()
    w = _norm(word)
    if w in words:
        return True
    m = _ELISION.match(w)
    if m and m.end() < len(w):
        w = w[m.end():]
        if w in words:
            return True
    if "-" in w or "'" in w:
        parts = [p for p in re.split(r"[-']", w) if p]
        return bool(parts) and all(p in words or len(p) == 1 for p in parts)
    return False


class Token(NamedTuple):
    text: str
    start: int
    initial: bool     # first word of its sentence (capitalised for that reason alone)

    @property
    def capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        return _acronym(self.text)


@lru_cache(maxsize=100_000)
def _acronym(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= 2


def _words(text: str) -> list[str]:
    """The texts of tokens(text)."""
    return [w for w in _TOKEN.findall(text) if not w[0].isdigit()]


def tokens(text: str) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text):
        w = m.group(0)
        if w[0].isdigit():
            continue
        k = m.start()
        while k > 0 and text[k - 1].isspace():
            k -= 1
        out.append(Token(w, m.start(), k == 0 or text[k - 1] in _OPENERS))
    return out


@lru_cache(maxsize=100_000)
def _folded(word: str) -> str:
    w = _norm(word)
    m = _ELISION.match(w)
    if m and m.end() < len(w):
        w = w[m.end():]
    return "".join(c for c in unicodedata.normalize("NFD", w) if not unicodedata.combining(c))


@dataclass(frozen=True)
class Fluency:
    words: int                    # word tokens counted
    nonwords: tuple[str, ...]     # lowercase-initial (or sentence-initial) words the lexicon lacks
    unknown_names: tuple[str, ...]  # capitalised words neither in the lexicon nor in the source
    repeats: tuple[str, ...]      # content words / word pairs repeated beyond the source's repeats

    @property
    def nonword_rate(self) -> float:
        return len(self.nonwords) / self.words if self.words else 0.0

    @property
    def unknown_name_rate(self) -> float:
        return len(self.unknown_names) / self.words if self.words else 0.0

    @property
    def repetition_rate(self) -> float:
        return len(self.repeats) / self.words if self.words else 0.0


def _repeated(words: list[str]) -> Counter:
    """Content words (4+ letters) and adjacent content-word pairs occurring more than once: each
    extra occurrence counts once."""
    content = [w for w in words if len(w) >= 4 and w not in STOPWORDS["fr"] and w not in STOPWORDS["nb"]]
    counts = Counter(content)
    counts.update(f"{a} {b}" for a, b in zip(content, content[1:]))
    return Counter({w: n - 1 for w, n in counts.items() if n > 1})


def fluency(text: str, source: str = "") -> Fluency:
    """The non-words, unknown names and repetitions of the French `text` (`source`: its
    Norwegian original, so that names and repetitions it has are not held against the translation)."""
    toks = tokens(text)
    source_folded = [_folded(w) for w in _words(source)] if source else []
    source_forms = set(source_folded)
    nonwords, names = [], []
    for t in toks:
        if len(t.text) < 2 or t.acronym or is_french(t.text):
            continue
        if _folded(t.text) in source_forms:
            continue  # a name or term kept from the source (untranslated words: mtqa.text.langid)
        if t.capitalised and not t.initial:
            names.append(t.text)
        elif t.capitalised and t.initial and len(toks) > 1 and any(
                _folded(t.text) == _folded(o.text) for o in toks if o is not t):
            names.append(t.text)
        else:
            nonwords.append(t.text)
    rep = _repeated([_folded(t.text) for t in toks])
    if source and rep:
        src_rep = _repeated(source_folded)
        rep = rep - Counter({k: v for k, v in src_rep.items()})  # same-shape repeats in the source
        # A word the source says twice may be translated twice; compare counts of words, not forms.
        extra = sum(src_rep.values())
        if extra and sum(rep.values()) <= extra:
            rep = Counter()
    repeats = tuple(w for w, n in rep.items() for _ in range(n))
    return Fluency(len(toks), tuple(nonwords), tuple(names), repeats)


__all__ = ["Fluency", "LEXICON_NAME", "MIN_ZIPF", "fluency", "french_words", "is_french", "tokens", "wordfreq_words"]
