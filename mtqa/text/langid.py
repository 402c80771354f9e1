"""Language identification for French MT of Norwegian: is this French, or left in Norwegian?

Two questions are answered:

* `guess_language(text)`: the dominant language of a string (a line, a sentence, a UI
  label), or "und" when there is nothing to go on or the evidence is too thin.
* `norwegian_share(text)`: the share of the word tokens that are Norwegian, for text
  where half a sentence was copied instead of translated (`norwegian_spans` says where).

How (measured against langdetect and plain lingua by scripts/compare_langid.py, see
docs/benchmarks/langid.md):

1. Tokens. Names (capitalised words that are not sentence-initial, and a capitalised
   sentence-initial word followed by one), acronyms, anything with a digit, hashtags,
   @handles, URLs and e-mail addresses are not language evidence and are skipped;
   all-caps headlines are read as ordinary words.
2. A statistical model: lingua (character n-gram naive Bayes, in Rust) restricted to
   fr, nb, nn, da, sv, en; deterministic, well under a millisecond a sentence. Its
   low-accuracy (trigram) models read everything first (0.1 s and 26 MB to load); its
   high-accuracy models (about 1 s and 200 MB, loaded once per process, on first use)
   confirm whatever might be reported (see CONFIRM_SHARE and accuracy_mode()).
3. A cheap lexical signal: frequent words with their rough relative frequency in French,
   English and Scandinavian ("og", "ikke", "også" / "dans", "qui", "les" / "the",
   "which"; homographs such as "de", "en", "mer" lean the way their frequencies do);
   æ/ø/å (ä/ö) in a word that is not a name; French accents and elisions (l', qu').
   Norwegian UI furniture ("Se mer", "Les også") is recognised as a phrase.
4. A whole string: lingua's probabilities per language group (French, English,
   Scandinavian = mean of nb/nn/da/sv, so four near-identical languages do not outvote
   one) times the lexical likelihood of each word (naive Bayes). Clear cases (five or
   more words exclusive to French, none against it) skip lingua. Inside Scandinavian,
   nb is kept unless nn/da/sv is far ahead *and* no Bokmål-only word argues against it:
   short Bokmål is routinely scored Danish or Nynorsk.
5. The share: each word gets log odds of being Norwegian from the lexicon or, failing
   that, from lingua on the word alone (damped, cached); a two-state Viterbi pass
   (Norwegian / not) with a switching cost smooths them, so one odd word does not flip
   while a copied half sentence comes out as one Norwegian run. lingua is only asked
   about words that could end up on a Norwegian run (exact lazy evaluation).

Everything is deterministic: no sampling, fixed tie-breaks, no dependence on call order.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

__all__ = [
    "LANGUAGES",
    "LanguageGuess",
    "guess_language",
    "norwegian_share",
    "norwegian_spans",
    "norwegian_words",
]

LANGUAGES = ("fr", "nb", "nn", "da", "sv", "en")
SCANDINAVIAN = ("nb", "nn", "da", "sv")
# Language groups of the lexical model, in this order in likelihood triples.
_GROUPS = ("fr", "en", "nb")  # "nb" as a group stands for any Scandinavian language
_FR, _EN, _NB = 0, 1, 2

# Below this group probability a guess is "und" (a single word needs more).
_UND_BELOW = 0.6
_UND_BELOW_ONE_WORD = 0.75
# A Scandinavian variant other than nb is reported only with at least this many content
# words, this many times nb's probability, and no Bokmål-only word against it.
_VARIANT_MIN_TOKENS = 6
_VARIANT_RATIO = 3.0
# Lexical fast path: this many words exclusive to fr (or en) and none against it.
_FAST_MIN_WORDS = 5
# Lexical likelihood of a word in a language it is not a word of (a copy, a quote).
_EPS = 0.08
# Share model: cost (log odds) of switching between Norwegian and non-Norwegian runs,
# and of starting in Norwegian.
_SWITCH_COST = 2.5
_START_PRIOR = 0.5
# lingua's opinion on one word alone is weak: its log odds are damped and capped.
_WORD_MODEL_WEIGHT = 0.6
_WORD_MODEL_CAP = 2.0

Like = tuple[float, float, float]  # likelihood of a word in (fr, en, nb), max 1

# --- lexicon ---------------------------------------------------------------------
# Frequent words of each group (lowercase). A word in two lists is a homograph and is
# equally likely in both unless _HOMOGRAPHS gives it a lean.

_NB_WORDS = """
og ikke det dette denne disse som er på til med har hadde av å jeg vi dere hun han ham
henne hennes hans deres seg sitt sine min mitt mine din ditt dine vår vårt våre oss meg
deg dem den også eller når hvor hva hvem hvordan hvorfor etter fra ved mellom uten gjennom
blant hos inn ut opp ned bare nå så nok veldig mye flere mest noen noe ingen ingenting
alle alt hele selv kan skal vil må bli ble blitt blir var vært være gjør gjøre gjorde sier
sagt får fikk fått kommer kom kommet går gikk gått tar tok tatt før siden fordi hvis om
enn ennå allerede fortsatt igjen der ett ei år året årene dag dagen tid tiden mens lenge
sammen samme andre annen annet første stor nye ny nytt godt bra kun rundt både enten
verken hverken likevel derfor dermed altså ifølge slik sånn hvilke hvilken hver hvert
kanskje heller aldri alltid ofte helt svært lite litt innen mindre nesten ser viser sett
melder skriver skrev uttalt uttaler forteller fortalte tror mener mente ønsker skulle
ville kunne måtte burde tilbake landet folk folket mennesker personer regjeringen krigen
saken saker prosent kroner millioner milliarder tusen hundre tre fem seks sju syv åtte ti
tjue nei ja i kl klokka klokken ca
ikkje eg ho kva kven korleis kvifor frå berre dei deira mykje sjølv heile fleire vere
medan sidan nokon noko framleis vart fekk gjekk kvar anna
for men at under over her by fire to store bare all is land sin side god
de en et la les du se sa mer par vis mot le sur ni mange
"""

_FR_WORDS = """
le les des une un est dans pour sur avec qui que ne pas plus au aux ce cette ces cet il
ils elle elles nous vous leur leurs son ses mon ma mes ton ta tes notre nos votre vos
été être avoir ont sont avait avaient était étaient sera seront serait fait faire dit
mais ou où donc comme très aussi tout tous toute toutes selon depuis entre après avant
sans sous chez lors alors encore déjà même y lui eux ceux celle celles celui dont quand
car puis ainsi cependant toutefois pourtant également plusieurs certains certaines
chaque autre autres deux trois quatre cinq sept huit neuf dix mille premier première
nouveau nouvelle nouveaux nouvelles grand grande petit petite pays ans année années jour
jours fois peut peuvent doit doivent va vont moins bien ici cela ceci ça rien personne
aucun aucune lequel laquelle lesquels duquel auquel notamment environ contre vers parmi
pendant durant afin jusque aujourd'hui voir lire afficher partager publicité suite
accueil rechercher fermer suivant précédent
de en et la du se sa mer par vis mot ni mange
a on son six cent as me
"""

_EN_WORDS = """
the and of that with was were have has this from which would been their they are it be
will not you he she we his its who what when where or but an if than after about more
also into there these those other some such said says one two three new first only out
up so do did does had how our your them may could should then just because while during
through against between before being very most many much any each both still even now
well back
for men at under over her by fire to store bare all is land sin side god
a on son six cent as me plus
"""

# Homographs whose frequencies differ a lot between the languages, as rough relative
# likelihoods (fr, en, nb) from general word-frequency knowledge (not fitted to a test set):
# "la" is a top-10 word of French and a rare verb form in Norwegian; "en" is more frequent
# in Norwegian (article) than in French (preposition); "mer" is common only in Norwegian.
_HOMOGRAPHS: dict[str, Like] = {
    "de": (1.0, _EPS, 0.3), "en": (0.5, _EPS, 1.0), "et": (1.0, _EPS, 0.4),
    "la": (1.0, _EPS, 0.05), "les": (1.0, _EPS, 0.05), "du": (1.0, _EPS, 0.15),
    "le": (1.0, _EPS, 0.02), "sur": (1.0, _EPS, 0.02), "se": (1.0, _EPS, 0.4),
    "sa": (1.0, _EPS, 1.0), "mer": (0.05, _EPS, 1.0), "par": (1.0, _EPS, 0.03),
    "vis": (0.2, _EPS, 1.0), "mot": (0.1, _EPS, 1.0), "ni": (1.0, _EPS, 0.3),
    "mange": (0.2, _EPS, 1.0),
    "son": (1.0, 0.05, _EPS), "cent": (1.0, 0.3, _EPS), "as": (0.1, 1.0, _EPS),
    "plus": (1.0, 0.2, _EPS), "me": (1.0, 1.0, 0.05),
    "men": (_EPS, 0.15, 1.0), "her": (_EPS, 1.0, 0.5), "by": (_EPS, 1.0, 0.3),
    "to": (_EPS, 1.0, 0.15), "fire": (_EPS, 0.5, 1.0), "store": (_EPS, 0.2, 1.0),
    "bare": (_EPS, 0.02, 1.0), "all": (_EPS, 1.0, 0.1), "is": (_EPS, 1.0, 0.01),
    "sin": (_EPS, 0.03, 1.0), "god": (_EPS, 0.15, 1.0),
}


def _build_lexicon() -> dict[str, Like]:
    members: dict[str, set[int]] = {}
    for group, words in ((_NB, _NB_WORDS), (_FR, _FR_WORDS), (_EN, _EN_WORDS)):
        for w in words.split():
            members.setdefault(w, set()).add(group)
    lexicon: dict[str, Like] = {}
    for w, groups in members.items():
        if len(groups) == len(_GROUPS):
            continue  # a word of all three languages says nothing
        fr, en, nb = (1.0 if g in groups else _EPS for g in range(3))
        lexicon[w] = _HOMOGRAPHS.get(w) or (fr, en, nb)
    return lexicon


_LEXICON = _build_lexicon()

# Bokmål words that Nynorsk / Danish / Swedish spell differently: one of them in the text
# rules that variant out (lingua alone often scores short Bokmål as nn or da).
_BOKMAL_NOT = {
    "nn": frozenset("ikke jeg hun hva hvordan hvorfor hvem hvor fra bare mye noen noe selv "
                    "hele flere være mens siden fortsatt disse hvis ble".split()),
    "da": frozenset("hva mye nå etter av meg deg seg ble noen noe mellom gjennom sier ut opp "
                    "hadde kanskje fikk gikk".split()),
    "sv": frozenset("og ikke er jeg hun å ble noen noe hva hvordan etter også meg deg seg mye "
                    "være hadde fra bare".split()),
}

# Page furniture of Norwegian news sites, matched on the whole (normalised) string.
_NB_UI_PHRASES = (
    "Se mer", "Se flere", "Vis mer", "Vis flere", "Vis alle", "Les mer", "Les også",
    "Les hele saken", "Del", "Del artikkelen", "Del saken", "Annonse", "Annonsørinnhold",
    "Abonner", "Logg inn", "Logg ut", "Lukk", "Kommentarer", "Siste nytt", "Mest lest",
    "Tips oss", "Følg", "Kopier lenke", "Spill av", "Neste", "Forrige", "Tilbake", "Søk",
    "Forsiden", "Publisert", "Oppdatert", "Sist oppdatert", "Foto", "Bilde", "Reklame",
    "Kjøp", "Prøv gratis", "Se video", "Se bildene", "Hør saken",
)
_NB_UI = frozenset(s.lower() for s in _NB_UI_PHRASES)
# The ones recognised when left at the end of a longer (caption) line, as written there.
_NB_UI_TRAILING = ("Se mer", "Se flere", "Vis mer", "Vis flere", "Les mer", "Les også",
                   "Les hele saken", "Se video", "Se bildene", "Hør saken")

_NB_LETTERS = "æøåÆØÅäöÄÖ"
_FR_LETTERS = "èêëàâîïôûùçœÈÊËÀÂÎÏÔÛÙÇŒ"  # not é: Norwegian has idé, kafé, orkidé, én
_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu",
                       "puisqu", "quoiqu", "quelqu", "presqu"})

_LIKE_NB: Like = (_EPS, _EPS, 1.0)
_LIKE_FR: Like = (1.0, _EPS, _EPS)
_LIKE_E_ACUTE: Like = (1.0, _EPS, 0.15)
_LIKE_I_UPPER: Like = (_EPS, 1.0, 1.0)  # "I": English "I" or Norwegian "i" (in)

# --- tokens ----------------------------------------------------------------------

# E-mail addresses are matched from the start of a whitespace-delimited token only and
# without "@" inside their parts: `\S+@\S+` retried at every position is quadratic (cubic
# with many "@") on a long run of text without spaces.
_SKIP_RE = re.compile(r"https?://\S+|www\.\S+|(?<!\S)[^\s@]+@[^\s@]+\.\w+|[#@][\w\-]+")
_WORD_RE = re.compile(r"[^\W\d_](?:\w|['’](?=\w)|-(?=\w))*")
_ELISION_RE = re.compile(r"([^\W\d_]+)['’](?=\w)")
_DIGIT_RE = re.compile(r"\d")
_NB_LETTER_RE = re.compile(f"[{_NB_LETTERS}]")
_FR_LETTER_RE = re.compile(f"[{_FR_LETTERS}]")
_SPECIAL_RE = re.compile(f"[{_NB_LETTERS}{_FR_LETTERS}éÉ]")
_TRAILING_UI_RE = re.compile(
    r"(?<=\s)(?:" + "|".join(re.escape(s) for s in sorted(_NB_UI_TRAILING, key=len, reverse=True))
    + r")[\s.!›»>]*$"
)
_ABBREVIATIONS = frozenset({"ca", "kl", "bl.a", "f.eks", "dvs", "nr", "st", "mme", "mlle", "dr"})


class _Token(NamedTuple):
    text: str      # lowercased word, ’ written '
    start: int     # offsets in the (NFC) text
    end: int
    like: Like | None = None  # forced lexical likelihood (UI phrase, elision, "I")


def _sentence_initial(text: str, start: int) -> bool:
    """True at the start of the text, of a sentence, or of a quote/dash."""
    before = text[max(0, start - 40):start].rstrip(" \t\u00a0")  # bounded: linear time
    if not before:
        return start <= 40 or not text[:start].strip()
    last = before[-1]
    if last in "–—-«“\"'‘(!?…":
        return True
    if last == ".":
        # not after an initial ("Simone H. Sønstrød") or an abbreviation ("ca.", "M.")
        prev = before[:-1].rsplit(None, 1)[-1] if before[:-1].strip() else ""
        if len(prev) == 1 and prev.isalpha():
            return False
        return prev.lower() not in _ABBREVIATIONS
    return False


def _caps_dominant(words: list[str]) -> bool:
    """All-caps headline ("MATCHS DIFFICILES"): capitals carry no name information."""
    long_words = [w for w in words if len(w) > 1]
    caps = sum(1 for w in long_words if w.isupper())
    return caps >= 2 and caps * 2 >= len(long_words)


@lru_cache(maxsize=65536)
def _word_facts(word: str) -> tuple[str, bool, bool]:
    """A word's token text (lowercased, ’ written '), whether it has a digit, whether it has a
    letter special to Norwegian or French; once per distinct word."""
    return word.lower().replace("’", "'"), _DIGIT_RE.search(word) is not None, _SPECIAL_RE.search(word) is not None


@lru_cache(maxsize=65536)
def _split_word(word: str) -> tuple[tuple[str, int, bool], ...]:
    """Split on hyphens and after a French elision: "l’armée" -> "l’" (elided), "armée"; each
    part with its offset in the word."""
    if "-" not in word and "'" not in word and "’" not in word:
        return ((word, 0, False),)
    parts: list[tuple[str, int, bool]] = []
    pos = 0
    for chunk in word.split("-"):
        m = _ELISION_RE.match(chunk)
        if m and m.group(1).lower() in _ELISIONS:
            parts.append((chunk[: m.end()], pos, True))
            if chunk[m.end():]:
                parts.append((chunk[m.end():], pos + m.end(), False))
        elif chunk:
            parts.append((chunk, pos, False))
        pos += len(chunk) + 1
    return tuple(parts)


@lru_cache(maxsize=16384)
def _tokens(text: str) -> tuple[_Token, ...]:
    """Content word tokens of `text` (already NFC), lowercased, with offsets.

    Skipped: URLs, e-mails, hashtags, @handles, parts with a digit ("Mi-8"), names,
    acronyms (short all-caps words), lone letters other than lexicon words.
    """
    masked = _SKIP_RE.sub(lambda m: " " * len(m.group(0)), text)
    ui = _TRAILING_UI_RE.search(masked)
    ui_from = ui.start() if ui else len(masked)
    matches = list(_WORD_RE.finditer(masked))
    caps_mode = _caps_dominant([m.group(0) for m in matches])
    out: list[_Token] = []
    for n, m in enumerate(matches):
        at = m.start()
        if at > 0 and masked[at - 1].isdigit():
            continue  # "9h30", "2e"
        for index, (word, offset, elided) in enumerate(_split_word(m.group(0))):
            start = at + offset
            end = start + len(word)
            lower, digit, special = _word_facts(word)
            if start >= ui_from:
                out.append(_Token(lower, start, end, _LIKE_NB))
                continue
            if digit:
                continue
            if elided:
                out.append(_Token(lower, start, end, _LIKE_FR))
                continue
            if word == "I":
                out.append(_Token("i", start, end, _LIKE_I_UPPER))
                continue
            if len(word) == 1 and lower not in _LEXICON and not special:
                continue  # initials, "X"
            if word[0].isupper() and not caps_mode:
                if word.isupper() and len(word) > 1:
                    if len(word) <= 5 and lower not in _LEXICON and not special:
                        continue  # acronym: NATO, CNN, UTC
                elif index > 0 or not _sentence_initial(masked, start):
                    continue  # a name
                elif _word_like(lower) is None and _next_is_capitalised(masked, matches, n):
                    continue  # first word of a name at the start: "John Grant", "Al Gore"
            out.append(_Token(lower, start, end))
    return tuple(out)


def _next_is_capitalised(text: str, matches: list[re.Match], n: int) -> bool:
    if n + 1 >= len(matches):
        return False
    nxt = matches[n + 1]
    return nxt.group(0)[0].isupper() and not text[matches[n].end():nxt.start()].strip()


# --- statistical model -------------------------------------------------------------

# lingua in two accuracy modes. High accuracy (lingua's default) scores a string by its 1- to
# 5-grams; building those models costs about 1 CPU s and 200 MB per process. Low accuracy scores
# by trigrams only: 0.1 s and 26 MB, slightly less accurate on short strings
# (docs/benchmarks/langid.md). By default ("auto") every string is read with the low-accuracy
# models first and read again with the high-accuracy ones, whose answer is then the one returned,
# whenever it might be reported: a guess among `confirm` (nb/nn/da/sv for the untranslated check,
# fr for the source check), a Norwegian share of at least CONFIRM_SHARE or a Norwegian run of
# CONFIRM_RUN words. A French text with no Norwegian in it never loads the big models
# (docs/BENCHMARKS.md, "Speed", measures both). MTQA_LANGID_ACCURACY=high reads everything with
# the high-accuracy models (the behaviour before), =low confirms nothing.
ACCURACY_MODES = ("auto", "high", "low")
DEFAULT_ACCURACY = "auto"
CONFIRM_SHARE = 0.2  # two thirds of the untranslated check's mixed_share (0.3)
CONFIRM_RUN = 3      # ... or a run of this many Norwegian words (a copied clause)

_detectors: dict[bool, object] = {}  # high accuracy? -> lingua detector
_detector_lock = threading.Lock()


def accuracy_mode() -> str:
    """MTQA_LANGID_ACCURACY when it names a mode, else DEFAULT_ACCURACY."""
    import os

    mode = os.environ.get("MTQA_LANGID_ACCURACY", "").strip().lower()
    return mode if mode in ACCURACY_MODES else DEFAULT_ACCURACY


def _get_detector(high: bool = True, preload: bool = False):
    """The lingua detector for fr/nb/nn/da/sv/en in one accuracy mode, built once per process,
    on first use (thread-safe). Its models load lazily, each (language, n-gram length) when
    first needed, unless `preload`."""
    detector = _detectors.get(high)
    if detector is None:
        with _detector_lock:
            detector = _detectors.get(high)
            if detector is None:
                from lingua import Language, LanguageDetectorBuilder

                builder = LanguageDetectorBuilder.from_languages(
                    Language.FRENCH, Language.BOKMAL, Language.NYNORSK,
                    Language.DANISH, Language.SWEDISH, Language.ENGLISH,
                )
                if not high:
                    builder = builder.with_low_accuracy_mode()
                if preload:
                    builder = builder.with_preloaded_language_models()
                detector = _detectors[high] = builder.build()
    return detector


def preload(high: bool | None = None) -> None:
    """Load the models now, all of them: a parent process calls it before forking workers, which
    then share the loaded models instead of each loading its own. `high`: the high-accuracy ones
    too (default: when the accuracy mode can use them)."""
    mode = accuracy_mode()
    if mode != "high":
        _get_detector(False, preload=True)
    if high if high is not None else mode == "high":
        _get_detector(True, preload=True)


@lru_cache(maxsize=65536)
def _model_probs(text: str, high: bool = True) -> tuple[float, ...]:
    """lingua's probabilities for the six languages, in LANGUAGES order."""
    values = {cv.language.iso_code_639_1.name.lower(): cv.value
              for cv in _get_detector(high).compute_language_confidence_values(text)}
    total = sum(values.values())
    if total <= 0:
        return tuple(1.0 / len(LANGUAGES) for _ in LANGUAGES)
    return tuple(values.get(lang, 0.0) / total for lang in LANGUAGES)


def _group_probs(probs: tuple[float, ...]) -> Like:
    """(fr, en, Scandinavian) with Scandinavian the mean of its four languages."""
    fr, nb, nn, da, sv, en = probs
    scand = (nb + nn + da + sv) / 4
    total = fr + en + scand
    if total <= 0:
        return (1 / 3, 1 / 3, 1 / 3)
    return (fr / total, en / total, scand / total)


# --- lexical evidence ----------------------------------------------------------------


def _token_like(tok: _Token) -> Like | None:
    return tok.like if tok.like is not None else _word_like(tok.text)


@lru_cache(maxsize=65536)
def _word_like(word: str) -> Like | None:
    """Lexical likelihood of a word in (fr, en, nb), or None when the lexicon is silent."""
    like = _LEXICON.get(word)
    if like is not None:
        return like
    if _NB_LETTER_RE.search(word):
        return _LIKE_NB
    if _FR_LETTER_RE.search(word):
        return _LIKE_FR
    if "é" in word:
        return _LIKE_E_ACUTE
    return None


def _posterior(likes: list[Like], prior: Like) -> Like:
    """Naive Bayes: prior group probabilities times the likelihood of each word."""
    fr, en, nb = prior
    for lf, le, ln in likes:
        fr, en, nb = fr * lf, en * le, nb * ln
        total = fr + en + nb
        fr, en, nb = fr / total, en / total, nb / total
    return (fr, en, nb)


# --- public API --------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageGuess:
    """The dominant language of a string.

    `lang` is one of LANGUAGES, or "und" when the string has no content words (only
    names, numbers, hashtags...) or the evidence is too thin. `confidence` (0..1) is
    the probability of that answer; for "nb" it is the probability of Scandinavian,
    which Bokmål (the source language) absorbs. For "und", that of the best guess.
    """

    lang: str
    confidence: float


def _normalise_ui(text: str) -> str:
    return " ".join(text.strip(" \t\u00a0.:!›»>|•–—-").split()).lower()


def guess_language(text: str, confirm: tuple[str, ...] = SCANDINAVIAN) -> LanguageGuess:
    """The language of `text` (the dominant one for mixed text); deterministic.

    `confirm`: the answers the caller acts on (reports); in the "auto" accuracy mode a
    low-accuracy answer among them is replaced by the high-accuracy one."""
    return _guess(unicodedata.normalize("NFC", text), tuple(confirm))


@lru_cache(maxsize=16384)
def _guess(text: str, confirm: tuple[str, ...] = SCANDINAVIAN) -> LanguageGuess:
    mode = accuracy_mode()
    if mode != "auto":
        return _guess_with(text, mode == "high")
    guess = _guess_with(text, False)
    if guess.lang in confirm:  # acted on: say what the high-accuracy models say
        return _guess_with(text, True)
    return guess


def _guess_with(text: str, high: bool) -> LanguageGuess:
    if _normalise_ui(text) in _NB_UI:
        return LanguageGuess("nb", 0.99)
    tokens = _tokens(text)
    if not tokens:
        return LanguageGuess("und", 0.0)
    likes = [like for like in map(_token_like, tokens) if like is not None]
    # Clear cases: the lexicon alone decides, lingua is not consulted.
    for g in (_FR, _EN):
        own = sum(1 for like in likes if like[g] == 1.0 and max(like) == 1.0 and sum(like) < 1.2)
        if own >= _FAST_MIN_WORDS and all(like[g] >= 0.3 for like in likes):
            return LanguageGuess(_GROUPS[g], round(_posterior(likes, (1 / 3, 1 / 3, 1 / 3))[g], 4))
    probs = _model_probs(" ".join(t.text for t in tokens), high)
    posterior = _posterior(likes, _group_probs(probs))
    best = max(range(3), key=lambda g: (posterior[g], -g))
    conf = round(posterior[best], 4)
    if conf < (_UND_BELOW if len(tokens) > 1 else _UND_BELOW_ONE_WORD):
        return LanguageGuess("und", conf)
    if best != _NB:
        return LanguageGuess(_GROUPS[best], conf)
    return LanguageGuess(_scandinavian_variant(tokens, probs), conf)


def _scandinavian_variant(tokens: tuple[_Token, ...], probs: tuple[float, ...]) -> str:
    """nb, unless nn/da/sv is far ahead on enough text and no Bokmål-only word is there."""
    if len(tokens) < _VARIANT_MIN_TOKENS:
        return "nb"
    p = dict(zip(LANGUAGES, probs, strict=True))
    words = {t.text for t in tokens}
    candidates = [v for v in ("nn", "da", "sv")
                  if p[v] >= _VARIANT_RATIO * p["nb"] and not (words & _BOKMAL_NOT[v])]
    if not candidates:
        return "nb"
    return max(candidates, key=lambda v: (p[v], -LANGUAGES.index(v)))


@lru_cache(maxsize=65536)
def _word_log_odds(word: str, high: bool = True) -> float:
    """Damped log odds that a lone word (unknown to the lexicon) is Scandinavian."""
    fr, en, nb = _group_probs(_model_probs(word, high))
    p = min(max(nb, 1e-6), 1 - 1e-6)
    return max(-_WORD_MODEL_CAP, min(_WORD_MODEL_CAP, _WORD_MODEL_WEIGHT * math.log(p / (1 - p))))


def _like_log_odds(like: Like) -> float:
    """Log odds of Norwegian against the likelier of French and English."""
    return math.log(like[_NB] / max(like[_FR], like[_EN]))


def _viterbi(emissions: list[float]) -> list[bool]:
    """Best Norwegian / not-Norwegian labelling of a token sequence.

    `emissions` are per-token log odds of Norwegian. A path scores the emissions of the
    tokens it calls Norwegian, minus _SWITCH_COST per change of state and _START_PRIOR
    when it starts in Norwegian. Ties go to "not Norwegian".
    """
    score = [0.0, -_START_PRIOR + emissions[0]]  # best path ending in state 0 / 1
    back: list[tuple[int, int]] = []
    for e in emissions[1:]:
        from0 = (score[0], 0) if score[0] >= score[1] - _SWITCH_COST else (score[1] - _SWITCH_COST, 1)
        from1 = (score[1], 1) if score[1] > score[0] - _SWITCH_COST else (score[0] - _SWITCH_COST, 0)
        back.append((from0[1], from1[1]))
        score = [from0[0], from1[0] + e]
    state = 0 if score[0] >= score[1] else 1
    path = [state]
    for b in reversed(back):
        state = b[state]
        path.append(state)
    path.reverse()
    return [s == 1 for s in path]


@lru_cache(maxsize=16384)
def _labels(text: str) -> tuple[tuple[_Token, ...], tuple[bool, ...]]:
    """Content tokens of `text` (NFC) and, for each, whether it is Norwegian."""
    mode = accuracy_mode()
    if mode != "auto":
        return _labels_with(text, mode == "high")
    tokens, labels = _labels_with(text, False)
    if labels and (sum(labels) >= CONFIRM_SHARE * len(labels) or _longest_run(labels) >= CONFIRM_RUN):
        return _labels_with(text, True)  # may be reported: what the high-accuracy models say
    return tokens, labels


def _longest_run(labels: tuple[bool, ...]) -> int:
    best = run = 0
    for is_nb in labels:
        run = run + 1 if is_nb else 0
        best = max(best, run)
    return best


def _labels_with(text: str, high: bool) -> tuple[tuple[_Token, ...], tuple[bool, ...]]:
    tokens = _tokens(text)
    if not tokens:
        return (), ()
    if _normalise_ui(text) in _NB_UI:
        return tokens, tuple(True for _ in tokens)
    # Lazy word model: words the lexicon does not know start at their most Norwegian
    # value (+_WORD_MODEL_CAP); only those the best path then calls Norwegian are looked
    # up, and the path recomputed, until every word on a Norwegian run has its real
    # value. Real values never exceed the optimistic ones and a path's score depends only
    # on its Norwegian words, so the final path is the best one under the real values.
    emissions: list[float] = []
    pending: list[bool] = []
    for tok in tokens:
        like = _token_like(tok)
        pending.append(like is None)
        emissions.append(_WORD_MODEL_CAP if like is None else _like_log_odds(like))
    while True:
        path = _viterbi(emissions)
        todo = [i for i, is_nb in enumerate(path) if is_nb and pending[i]]
        if not todo:
            return tokens, tuple(path)
        for i in todo:
            emissions[i] = _word_log_odds(tokens[i].text, high)
            pending[i] = False


def norwegian_share(text: str) -> float:
    """Share (0..1) of the word tokens of `text` that are Norwegian.

    Names, acronyms, numbers, hashtags, @handles and URLs are not counted; 0.0 when
    nothing is left. Scandinavian words count as Norwegian (Bokmål and Danish spelling
    overlap too much to tell them apart word by word).
    """
    tokens, labels = _labels(unicodedata.normalize("NFC", text))
    if not tokens:
        return 0.0
    return sum(labels) / len(labels)


def norwegian_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the Norwegian runs of `text`, for pointing flags.

    Offsets are into the NFC form of `text` (the same string for ordinary input).
    Neighbouring Norwegian words are merged across spaces, punctuation and skipped
    tokens (names, numbers), but not across a sentence end.
    """
    text = unicodedata.normalize("NFC", text)
    tokens, labels = _labels(text)
    spans: list[tuple[int, int]] = []
    previous = False
    for tok, is_nb in zip(tokens, labels, strict=True):
        if is_nb:
            if previous and not re.search(r"[.!?\n]", text[spans[-1][1]:tok.start]):
                spans[-1] = (spans[-1][0], tok.end)
            else:
                spans.append((tok.start, tok.end))
        previous = is_nb
    return spans


def norwegian_words(text: str) -> list[tuple[int, int]]:
    """Character spans of the single words of `text` (NFC offsets) labelled Norwegian; names,
    numbers and other skipped tokens are not among them (unlike the runs of `norwegian_spans`)."""
    tokens, labels = _labels(unicodedata.normalize("NFC", text))
    return [(tok.start, tok.end) for tok, is_nb in zip(tokens, labels, strict=True) if is_nb]


def _clear_caches() -> None:
    """Forget cached answers (benchmarks time a cold cache); the model stays loaded."""
    for fn in (_guess, _labels, _word_log_odds, _model_probs, _tokens, _word_like):
        fn.cache_clear()
