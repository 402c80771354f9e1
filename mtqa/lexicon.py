"""Model-free cross-lingual word matching: which words of a Norwegian sentence have a counterpart
in its French translation, and the other way round.

A word has a counterpart when the bilingual lexicon (mtqa/data/lexicon.nb-fr.tsv, FreeDict via
pivot languages, Snowball stems) pairs their stems, when the two are spelt alike (names,
numbers, internationalisms: "tuberkulose" / "tuberculose"), or when they are the same number.
Function words are left out: they carry little meaning and are rendered freely.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import snowballstemmer

_SNOWBALL = {"nb": "norwegian", "fr": "french"}

# Function words: articles, pronouns, prepositions, conjunctions, auxiliaries, common adverbs.
STOPWORDS = {
    "nb": frozenset("""
        og i på til av for med som er var har hadde en et ei den det de der dette disse denne å at om
        fra ved men eller så ikke også kan kunne skal skulle vil ville må måtte blir ble blitt bli vært
        være han hun vi dere du jeg meg deg seg oss dem ham henne sin sitt sine hans hennes deres vår
        våre min mitt mine din ditt dine hva hvem hvor når hvordan hvorfor etter før under over mellom
        mot uten enn da nå her bare noen noe ingen alle alt hver mer mest mye mange flere enda selv
        samme slik sånn blant gjennom inn ut opp ned igjen allerede fortsatt dersom hvis fordi siden
        mens både hverken verken kun jo vel nok ca ha har hatt man bør burde kunne får
        """.split()),
    "fr": frozenset("""
        le la les l un une des du de d au aux et ou mais donc or ni car à en dans par pour sur sous avec
        sans chez vers entre que qu qui quoi dont où ce cet cette ces c ça il elle ils elles on nous vous
        je j me m te t se s lui leur leurs eux son sa ses mon ma mes ton ta tes notre nos votre vos y ne n
        pas plus est sont était étaient été être a ont avait avaient avoir eu sera seront serait fait
        comme si aussi très tout tous toute toutes même autre autres ainsi alors puis encore déjà
        après avant pendant depuis selon lors dont cela ceci celui celle ceux celles quand comment
        lorsque tandis bien peu ici là afin peut peuvent pourrait pourraient doit doivent devrait
        également soit sont faire fait avoir
        """.split()),
}

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_NUMBER = re.compile(r"\d")
_ELISION = re.compile(r"(?i)(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|quoiqu)[’']")


def fold(text: str) -> str:
    """Lowercase without accents ("Séville" -> "seville"); ø, æ and å are letters of their own."""
    text = text.lower().replace("ø", "o").replace("æ", "ae").replace("å", "a")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(_SNOWBALL[lang])


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    return _stemmer(lang).stemWord(word.lower())


@lru_cache(maxsize=1)
def lexicon() -> dict[str, frozenset[str]]:
    """nb stem -> French stems it translates to: the FreeDict pivot lexicon plus a short
    hand-written list of frequent words the pivots miss (irregular forms, numerals, adverbs)."""
    table: dict[str, set[str]] = {}
    with resources.files("mtqa.data").joinpath("lexicon.nb-fr.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            nb, _, rest = line.rstrip("\n").partition("\t")
            table.setdefault(nb, set()).update(item.rpartition(":")[0] for item in rest.split())
    with resources.files("mtqa.data").joinpath("lexicon-core.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            nb, _, rest = line.rstrip("\n").partition("\t")
            table.setdefault(stem(nb, "nb"), set()).update(stem(w, "fr") for w in rest.split())
    return {k: frozenset(v) for k, v in table.items()}


@dataclass(frozen=True)
class Word:
    text: str
    start: int
    end: int
    stem: str
    folded: str


def content_words(text: str, lang: str) -> list[Word]:
    """Words that carry meaning: not function words, not single letters (elided "l'", "d'")."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        off = 0
        if lang == "fr":  # elision: "l'université" -> "université", "qu'il" -> "il"
            elided = _ELISION.match(w)
            if elided and elided.end() < len(w):
                off = elided.end()
                w = w[off:]
        low = w.lower()
        if low in STOPWORDS[lang] or (len(w) < 2 and not w.isdigit()):
            continue
        out.append(Word(w, m.start() + off, m.end(), w if _NUMBER.search(w) else stem(low, lang), fold(w)))
    return out


def _alike(a: str, b: str) -> bool:
    """Spelt alike across the two languages: same word, or a long shared beginning (cognates,
    names with French endings: "diagnoseverktøy" / "diagnostic" no, "tuberkulose" / "tuberculose" yes)."""
    if a == b:
        return True
    a, b = a.replace("k", "c"), b.replace("k", "c")
    if a == b:
        return True
    n = min(len(a), len(b))
    if n < 5:
        return False
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= max(5, int(0.7 * n))


@dataclass(frozen=True)
class Coverage:
    """How much of each side has a counterpart on the other."""

    source_words: tuple[Word, ...]
    target_words: tuple[Word, ...]
    source_matched: tuple[bool, ...]
    target_matched: tuple[bool, ...]

    @property
    def source(self) -> float | None:
        return sum(self.source_matched) / len(self.source_matched) if self.source_matched else None

    @property
    def target(self) -> float | None:
        return sum(self.target_matched) / len(self.target_matched) if self.target_matched else None

    def unmatched_runs(self, side: str, min_words: int = 3) -> list[tuple[int, int]]:
        """Character spans of runs of >= min_words consecutive unmatched content words."""
        words, matched = ((self.source_words, self.source_matched) if side == "source"
                          else (self.target_words, self.target_matched))
        runs, start = [], None
        for k, ok in enumerate(list(matched) + [True]):
            if not ok and start is None:
                start = k
            elif ok and start is not None:
                if k - start >= min_words:
                    runs.append((words[start].start, words[k - 1].end))
                start = None
        return runs


def coverage(source: str, target: str) -> Coverage:
    """Match the content words of a Norwegian text and its French translation."""
    src = content_words(source, "nb")
    tgt = content_words(target, "fr")
    lex = lexicon()
    tgt_stems = {w.stem for w in tgt}
    src_ok = []
    tgt_ok = [False] * len(tgt)
    for w in src:
        translations = lex.get(w.stem, frozenset())
        hit = False
        for j, t in enumerate(tgt):
            if t.stem in translations or _alike(w.folded, t.folded):
                tgt_ok[j] = True
                hit = True
        src_ok.append(hit or bool(translations & tgt_stems))
    return Coverage(tuple(src), tuple(tgt), tuple(src_ok), tuple(tgt_ok))

