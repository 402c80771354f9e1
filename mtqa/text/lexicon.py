"""Model-free cross-lingual word matching: which words of a Norwegian sentence have a counterpart
in its French translation, and the other way round.

A word has a counterpart when the bilingual lexicon (mtqa/data/lexicon.nb-fr.tsv, FreeDict via
pivot languages, Snowball stems) pairs their stems, when the two are spelt alike (names,
numbers, internationalisms: "tuberkulose" / "tuberculose"), or when they are the same number.
Function words are left out: they carry little meaning and are rendered freely.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple, Sequence

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


@lru_cache(maxsize=200_000)
def fold(text: str) -> str:
    """Lowercase without accents ("Séville" -> "seville"); ø, æ and å are letters of their own.
    Cached: it is asked about the same words again and again."""
    text = text.lower()
    if text.isascii():  # nothing to decompose
        return text
    text = text.replace("ø", "o").replace("æ", "ae").replace("å", "a")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


@lru_cache(maxsize=None)
def _stemmer(lang: str):
    return snowballstemmer.stemmer(_SNOWBALL[lang])


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    return _stemmer(lang).stemWord(word.lower())


@lru_cache(maxsize=1)
def _lemmatizer():
    """simplemma's default lemmatizer, answering from the cached dictionary tables
    (mtqa.text.tables: the same answers without decoding the dictionaries every run)."""
    try:
        from simplemma import Lemmatizer
        from simplemma.strategies import DefaultStrategy
    except ImportError:  # optional: without it, Snowball stems alone
        return None
    from mtqa.text.tables import CachedDictionaryFactory

    return Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=CachedDictionaryFactory())).lemmatize


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """The dictionary form of a word (simplemma: "gikk" -> "gå", "kursen" -> "kurs", "yeux" ->
    "œil"), lower-cased; the word itself when simplemma is not installed or does not know it."""
    lemmatize = _lemmatizer()
    low = word.lower()
    if lemmatize is None:
        return low
    try:
        return lemmatize(low, lang).lower()
    except (ValueError, KeyError):
        return low


@lru_cache(maxsize=200_000)
def lemma_stem(word: str, lang: str) -> str:
    """The stem of the word's lemma: the lexicon is keyed by the stems of dictionary forms, so an
    inflected or irregular form ("kursen", "gikk", "fut") is looked up through its lemma first."""
    return stem(lemma(word, lang), lang)


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


class Word(NamedTuple):
    text: str
    start: int
    end: int
    stem: str
    folded: str
    lemma_stem: str = ""  # the stem of its lemma ("" when it is the stem itself)


# Longer "words" are runs of letters without spaces or hyphen chains, not words (the longest
# words of FLORES-200 dev have 30 characters): they are left out, which keeps the work per word,
# and the number of cognate comparisons in coverage(), bounded.
MAX_WORD_CHARS = 64


# Texts up to this long have their content words and their coverage cached, for the last few
# thousand texts (the aligner, the coverage check and the quality score all ask about the same
# sentences); longer ones (a paragraph without sentence ends, a pasted blob) are worked out each
# time, which bounds the memory the caches hold.
CACHED_TEXT_CHARS = 1000


def content_words(text: str, lang: str) -> tuple[Word, ...]:
    """Words that carry meaning: not function words, not single letters (elided "l'", "d'"),
    not runs longer than MAX_WORD_CHARS."""
    if len(text) <= CACHED_TEXT_CHARS:
        return _cached_content_words(text, lang)
    return _content_words(text, lang)


@lru_cache(maxsize=4096)
def _cached_content_words(text: str, lang: str) -> tuple[Word, ...]:
    return _content_words(text, lang)


def _content_words(text: str, lang: str) -> tuple[Word, ...]:
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        if len(w) > MAX_WORD_CHARS:
            continue
        known = _content_word(w, lang)
        if known is not None:
            off, word, word_stem, folded, by_lemma = known
            out.append(Word(word, m.start() + off, m.end(), word_stem, folded, by_lemma))
    return tuple(out)


@lru_cache(maxsize=200_000)
def _content_word(w: str, lang: str) -> tuple[int, str, str, str, str] | None:
    """What content_words keeps of one matched word (offset of the elided start, the word, its
    stem, its folded form, the stem of its lemma when it differs), or None for a function word;
    cached per distinct word."""
    off = 0
    if lang == "fr":  # elision: "l'université" -> "université", "qu'il" -> "il"
        elided = _ELISION.match(w)
        if elided and elided.end() < len(w):
            off = elided.end()
            w = w[off:]
    low = w.lower()
    if low in STOPWORDS[lang] or (len(w) < 2 and not w.isdigit()):
        return None
    if _NUMBER.search(w):
        return off, w, w, fold(w), ""
    word_stem, by_lemma = stem(low, lang), lemma_stem(low, lang)
    return off, w, word_stem, fold(w), by_lemma if by_lemma != word_stem else ""


@lru_cache(maxsize=200_000)
def _spelling(folded: str) -> str:
    """Fold regular spelling differences between Norwegian and French words of one origin
    (k / c / qu, ph / f, th / t, y / i, doubled letters): "politikk" and "politique" -> "politik"."""
    for a, b in (("qu", "k"), ("ph", "f"), ("th", "t"), ("ch", "k"), ("c", "k"), ("y", "i")):
        folded = folded.replace(a, b)
    return _DOUBLED.sub(r"\1", folded)


_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=200_000)
def _alike_key(folded: str) -> str | None:
    """What two hyphen-free words must share to be _alike unless equal: the first four letters
    of their spelling; None for a word with a hyphen (compared part by part)."""
    return None if "-" in folded else _spelling(folded)[:4]


def _alike(a: str, b: str) -> bool:
    """Spelt alike across the two languages (cognates, names, internationalisms): the same word
    once regular spelling differences are folded, or a shared beginning of most of the shorter
    word ("tuberkulose" / "tuberculose", "stabilt" / "stable", "Afrika" / "Afrique"; not
    "diagnoseverktøy" / "diagnostic")."""
    if a == b:
        return True
    if "-" in a or "-" in b:  # "Sør-Afrika": compare the parts
        return any(_alike(x, y) for x in a.split("-") if len(x) >= 4 for y in b.split("-") if len(y) >= 4)
    a, b = _spelling(a), _spelling(b)
    if a[:4] != b[:4]:  # every match below shares at least four first letters
        return False
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
    return common >= max(4, int(0.7 * n))


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


def _parts(folded: str) -> list[str]:
    """The spelling-folded pieces _alike compares across a hyphen: parts of four letters or more."""
    return [_spelling(p) for p in folded.split("-") if len(p) >= 4]


def _atoms_alike_threshold(x: int, y: int) -> int | None:
    """Shared first letters two hyphen-free spelling-folded words of lengths x and y need to be
    alike (besides being equal), as in _alike; None when only equality counts (shorter than 5)."""
    n = min(x, y)
    return None if n < 5 else max(4, int(0.7 * n))


class _Cognates:
    """The French word forms of a text, indexed so that every form _alike to a Norwegian one is
    found without comparing all pairs: hyphen-free pieces are grouped by length and sorted, and
    two pieces are alike exactly when they are equal or share their first `threshold` letters,
    a prefix range found by bisection. Each range is walked once (`_done`)."""

    def __init__(self, forms):
        self.forms = set(forms)
        self.plain: dict[str, list[str]] = {}    # spelling of a hyphen-free form -> forms
        self.owners: dict[str, list[str]] = {}   # piece -> forms holding it
        for f in self.forms:
            if "-" not in f:
                self.plain.setdefault(_spelling(f), []).append(f)
            for piece in dict.fromkeys(_parts(f)):
                self.owners.setdefault(piece, []).append(f)
        by_length: dict[int, list[str]] = {}
        for piece in self.owners:
            by_length.setdefault(len(piece), []).append(piece)
        self.by_length = {n: sorted(pieces) for n, pieces in sorted(by_length.items())}
        self.matched: set[str] = set()
        self._done: dict[tuple, bool] = {}

    def _mark(self, key: tuple, forms) -> bool:
        if key not in self._done:
            forms = list(forms)
            self.matched.update(forms)
            self._done[key] = bool(forms)
        return self._done[key]

    def match(self, folded: str) -> bool:
        """Whether some French form is _alike to the Norwegian `folded`; marks every one that is."""
        hit = self._mark(("=", folded), [folded] if folded in self.forms else [])
        if "-" not in folded:  # two hyphen-free words are alike when spelt the same, whatever their length
            hit |= self._mark(("plain", _spelling(folded)), self.plain.get(_spelling(folded), ()))
        for x in dict.fromkeys(_parts(folded)):
            hit |= self._mark(("piece", x), self.owners.get(x, ()))
            for n, pieces in self.by_length.items():
                t = _atoms_alike_threshold(len(x), n)
                if t is None:
                    continue
                prefix = x[:t]
                key = ("prefix", n, prefix)
                if key not in self._done:
                    found = []
                    for k in range(bisect.bisect_left(pieces, prefix), len(pieces)):
                        if not pieces[k].startswith(prefix):
                            break
                        found.extend(self.owners[pieces[k]])
                    self._mark(key, found)
                hit |= self._done[key]
        return hit


# Below this many (source word, target word) pairs every pair is compared (quickest for sentences);
# above it, through the indexes of _match_indexed (linear in the number of words). Same result.
ALL_PAIRS_LIMIT = 2500


def coverage(source: str, target: str) -> Coverage:
    """Match the content words of a Norwegian text and its French translation.

    A Norwegian word has a counterpart when the lexicon pairs its stem (or, for a compound the
    lexicon lacks, its parts) with the stem of a French word, when the two are spelt alike
    (_alike), or when they are the same word.
    """
    if len(source) <= CACHED_TEXT_CHARS and len(target) <= CACHED_TEXT_CHARS:
        return _cached_coverage(source, target)
    return _coverage(source, target)


@lru_cache(maxsize=4096)
def _cached_coverage(source: str, target: str) -> Coverage:
    return _coverage(source, target)


def _coverage(source: str, target: str) -> Coverage:
    src = content_words(source, "nb")
    tgt = content_words(target, "fr")
    match = _match_all_pairs if len(src) * len(tgt) <= ALL_PAIRS_LIMIT else _match_indexed
    src_ok, tgt_ok = match(src, tgt)
    return Coverage(src, tgt, src_ok, tgt_ok)


def _translations(w: Word) -> frozenset[str]:
    lex = lexicon()
    found = lex.get(w.stem, frozenset())
    if w.lemma_stem:
        found = found | lex.get(w.lemma_stem, frozenset())
    return found or compound_translations(w.text.lower())


def _stems(t: Word) -> tuple[str, ...]:
    return (t.stem, t.lemma_stem) if t.lemma_stem else (t.stem,)


def _match_all_pairs(src: Sequence[Word], tgt: Sequence[Word]) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """Which words of each side have a counterpart, as if every pair were compared.

    Only the pairs that can match are looked at: target words by stem (the lexicon), by folded
    form, and, for _alike, those sharing the first four letters of their spelling (every
    hyphen-free match does, _alike_key) or holding a hyphen (compared part by part)."""
    tgt_ok = [False] * len(tgt)
    by_stem: dict[str, list[int]] = {}
    by_lemma: dict[str, list[int]] = {}
    by_key: dict[str | None, list[int]] = {}
    for j, t in enumerate(tgt):
        by_stem.setdefault(t.stem, []).append(j)
        if t.lemma_stem:
            by_lemma.setdefault(t.lemma_stem, []).append(j)
        by_key.setdefault(_alike_key(t.folded), []).append(j)
    hyphenated = by_key.get(None, [])
    src_ok = []
    for w in src:
        hit = False
        for s in _translations(w) & (by_stem.keys() | by_lemma.keys()):
            for j in [*by_stem.get(s, ()), *by_lemma.get(s, ())]:
                tgt_ok[j] = hit = True
        key = _alike_key(w.folded)
        candidates = range(len(tgt)) if key is None else by_key.get(key, []) + hyphenated
        for j in candidates:
            if not tgt_ok[j] or not hit:
                if tgt[j].folded == w.folded or _alike(w.folded, tgt[j].folded):
                    tgt_ok[j] = hit = True
        src_ok.append(hit)
    return tuple(src_ok), tuple(tgt_ok)


def _match_indexed(src: Sequence[Word], tgt: Sequence[Word]) -> tuple[tuple[bool, ...], tuple[bool, ...]]:
    """_match_all_pairs through indexes: each distinct word is looked up once, so the work grows
    with the number of words, not with the product of the two sides' (a paragraph of a million
    characters, repeated words)."""
    tgt_stems = {s for t in tgt for s in _stems(t)}
    cognates = _Cognates(t.folded for t in tgt)
    matched_stems: set[str] = set()
    known: dict[tuple[str, str, str, str], bool] = {}
    src_ok = []
    for w in src:
        key = (w.stem, w.lemma_stem, w.folded, w.text.lower())  # what _translations and _alike look at
        if key not in known:
            by_lexicon = _translations(w) & tgt_stems
            matched_stems |= by_lexicon
            by_spelling = cognates.match(w.folded)
            known[key] = bool(by_lexicon) or by_spelling
        src_ok.append(known[key])
    return tuple(src_ok), tuple(any(s in matched_stems for s in _stems(t)) or t.folded in cognates.matched
                                for t in tgt)


@lru_cache(maxsize=100_000)
def compound_translations(word: str) -> frozenset[str]:
    """French stems for a Norwegian compound the lexicon lacks, from its parts: the longest
    known last part (the head: "diagnoseverktøy" -> "verktøy") and the first part, with or
    without a linking -s- or -e- ("lavinntektsland" -> "lavinntekt" + "land")."""
    lex = lexicon()
    if len(word) < 7 or not word.isalpha():
        return frozenset()
    for i in range(3, len(word) - 3):
        head, tail = word[:i], word[i:]
        found = lex.get(stem(tail, "nb")) or lex.get(lemma_stem(tail, "nb"))  # "kursen" -> "kurs"
        if not found:
            continue
        for first in (head, head[:-1] if head[-1:] in "se" else None):
            if first and len(first) >= 3 and stem(first, "nb") in lex:
                return found | lex[stem(first, "nb")]
        return found
    return frozenset()


@lru_cache(maxsize=1)
def french_stems() -> frozenset[str]:
    """Every French stem the lexicon translates to: French vocabulary, as far as mtqa knows it."""
    return frozenset().union(*lexicon().values())


@lru_cache(maxsize=1)
def english_to_norwegian() -> dict[str, frozenset[str]]:
    """English word -> Norwegian stems (FreeDict eng-nor): names a French text keeps in English
    while the Norwegian translates them ("Research Service" / "Forskningstjeneste")."""
    table: dict[str, frozenset[str]] = {}
    with resources.files("mtqa.data").joinpath("lexicon.en-nb.tsv").open(encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                en, _, rest = line.rstrip("\n").partition("\t")
                table[en] = frozenset(rest.split())
    return table
