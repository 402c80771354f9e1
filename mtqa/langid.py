"""Language identification for French MT of Norwegian: is this French, or left in Norwegian?

Two questions are answered:

* `guess_language(text)`: the dominant language of a string (a line, a sentence, a UI
  label), or "und" when there is nothing to go on or the evidence is too thin.
* `norwegian_share(text)`: the share of the word tokens that are Norwegian, for text
  where half a sentence was copied instead of translated.

How (measured against langdetect and plain lingua in scripts/compare_langid.py, see
docs/benchmarks/langid.md):

1. Tokens. Names (capitalised words that are not sentence-initial), acronyms, numbers,
   hashtags, @handles, URLs and e-mail addresses are not language evidence and are
   skipped; all-caps headlines are read as ordinary words.
2. A statistical detector: lingua (character n-gram Naive Bayes, Rust) restricted to
   fr, nb, nn, da, sv, en. It is deterministic, ~0.3 ms a sentence, and far better
   than langdetect on short strings. The model is loaded once per process, on first use.
3. A cheap lexical signal: function words that belong to one language group only
   ("og", "ikke", "også" / "les", "dans", "qui" / "the", "which"), æ/ø/å in a word
   that is not a name, French accents and elisions (l', qu'). Words shared by two
   groups ("de", "en", "se", "mer", "les") carry no lexical weight.
4. For a whole string, lingua's group probabilities (French / English / Scandinavian)
   are multiplied by the lexical likelihoods of its tokens (a naive Bayes product).
   Inside the Scandinavian group, nb is preferred unless nn/da/sv is clearly ahead:
   the source language is Bokmål, and short Bokmål is routinely scored as Danish.
5. For the share, every token gets P(Norwegian) from the lexicon or, failing that, from
   lingua on the word alone (cached); a two-state Viterbi pass (Norwegian / not) with
   a switching cost smooths the labels, so one odd word does not flip, while a copied
   half sentence comes out as one Norwegian run.

Everything is deterministic: no sampling, fixed tie-breaks, no dependence on call order.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "LanguageGuess",
    "guess_language",
    "norwegian_share",
    "norwegian_spans",
    "LANGUAGES",
]

LANGUAGES = ("fr", "nb", "nn", "da", "sv", "en")
SCANDINAVIAN = ("nb", "nn", "da", "sv")
_GROUPS = ("fr", "en", "nb")  # "nb" as a group means any Scandinavian language

# Below this group probability a guess is "und".
_UND_BELOW = 0.6
# A Scandinavian variant other than nb is only reported when it has this many times
# nb's probability and the text has at least _VARIANT_MIN_TOKENS content words.
_VARIANT_RATIO = 3.0
_VARIANT_MIN_TOKENS = 6
# Lexical likelihood of a word in a group it does not belong to (a copy, a quote).
_LEX_EPS = 0.08
# Share model: switching cost (log odds) between Norwegian and non-Norwegian runs,
# and the prior (log odds) against starting in Norwegian.
_SWITCH_COST = 2.5
_START_PRIOR = 0.5
# Lingua's opinion on a single word is weak: its log odds are scaled down and capped.
_WORD_MODEL_WEIGHT = 0.6
_WORD_MODEL_CAP = 2.0

# --- lexicon ---------------------------------------------------------------------
# Frequent words of each group. A word listed in two groups is a homograph and gives
# no lexical evidence (it is left to the statistical model). Lists are lowercase.

_NB_WORDS = """
og ikke ikkje det dette denne disse som er på til med har hadde av å jeg eg vi dere hun ho
han ham henne hennes hans deres seg sin sitt sine min mitt mine din ditt dine vår vårt våre
oss meg deg dem den også eller når hvor kor hva kva hvem kven hvordan korleis hvorfor kvifor
etter fra frå ved mellom uten utan gjennom blant hos inn ut opp ned bare berre nå så nok
veldig mye flere fleire mest noen nokon noe noko ingen ingenting alle alt hele heile selv
sjølv kan skal vil må bli ble blei blitt blir var vært være vere gjør gjøre gjorde sier seier
sagt får fikk fått kommer kom kommet går gikk gått tar tok tatt før siden sidan fordi hvis
viss om enn ennå allerede allereie fortsatt framleis igjen der ett ei år året årene dag dagen
tid tiden mens medan lenge sammen saman samme andre annen annet anna første stor nye ny nytt
godt bra kun rundt både enten verken hverken likevel derfor dermed altså ifølge slik sånn
hvilke hvilken hver hvert kvar kanskje heller aldri alltid ofte helt svært lite litt innen
mindre nesten ser viser sett melder skriver skrev uttalt uttaler forteller fortalte tror mener
mente ønsker skulle ville kunne måtte burde tilbake landet folk folket mennesker personer
regjeringen krigen saken saker prosent kroner millioner milliarder tusen hundre tre fem seks
sju syv åtte ti tjue nei ja i takk kl klokka klokken hjelp ifra ikkje dei deira mykje berre
me av dei vore vart fekk gjekk skriv heller mellom mot
for men at under over her by fire to store bare all is land sin side god
de en et se mer les du la sa par vis
"""
# The last two lines above are homographs with English and with French; they are
# repeated in the English/French lists below on purpose.

_FR_WORDS = """
le les des une un est dans pour sur avec qui que ne pas plus au aux ce cette ces cet il ils
elle elles nous vous leur leurs son ses mon ma mes ton ta tes notre nos votre vos été être
avoir ont sont avait avaient était étaient sera seront serait fait faire dit mais ou où donc
comme très aussi tout tous toute toutes selon depuis entre après avant sans sous chez lors
alors encore déjà même y lui eux ceux celle celles celui dont quand car puis ainsi cependant
toutefois pourtant également plusieurs certains certaines chaque autre autres deux trois
quatre cinq sept huit neuf dix mille premier première nouveau nouvelle nouveaux nouvelles
grand grande petit petite pays ans année années jour jours fois peut peuvent doit doivent
va vont moins aujourd'hui bien ici cela ceci ça rien personne aucun aucune lequel laquelle
lesquels duquel auquel notamment environ contre vers parmi pendant durant afin jusque
voir lire afficher partager publicité suite accueil rechercher fermer suivant précédent
se mer de en et du la sa par vis mot
a on son six cent as me
"""

_EN_WORDS = """
the and of is that with was were have has this from which would been their they are it be
will not you he she we his its who what when where or but an if than after about more also
into there these those other some such said says one two three new first only out up so do
did does had how our your them may could should then just because while during through
against between before being very most many much any each both still even now well back
for men at under over her by fire to store bare all land sin side god
a on son six cent as me
"""
# "mot" (fr: word, nb: against) is a homograph; "mot" is listed in nb and fr above.


def _build_lexicon() -> dict[str, frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for group, words in (("nb", _NB_WORDS), ("fr", _FR_WORDS), ("en", _EN_WORDS)):
        for w in words.split():
            groups.setdefault(w, set()).add(group)
    return {w: frozenset(g) for w, g in groups.items() if len(g) < len(_GROUPS)}


_LEXICON = _build_lexicon()

# Page furniture of Norwegian news sites, matched on the whole (normalised) string.
_NB_UI_PHRASES = (
        "Se mer", "Se flere", "Vis mer", "Vis flere", "Vis alle", "Les mer", "Les også",
        "Les hele saken", "Del", "Del artikkelen", "Del saken", "Annonse", "Annonsørinnhold",
        "Abonner", "Logg inn", "Logg ut", "Lukk", "Kommentarer", "Siste nytt", "Mest lest",
        "Tips oss", "Følg", "Kopier lenke", "Spill av", "Neste", "Forrige", "Tilbake", "Søk",
        "Forsiden", "Publisert", "Oppdatert", "Sist oppdatert", "Foto",
        "Bilde", "Reklame", "Kjøp", "Prøv gratis", "Se video", "Se bildene", "Hør saken",
)
_NB_UI = frozenset(s.lower() for s in _NB_UI_PHRASES)
# The ones recognised when left at the end of a longer (caption) line, as written there.
_NB_UI_TRAILING = ("Se mer", "Se flere", "Vis mer", "Vis flere", "Les mer", "Les også",
                   "Les hele saken", "Se video", "Se bildene", "Hør saken")

_NB_LETTERS = frozenset("æøåÆØÅ")
_SCAND_LETTERS = frozenset("äöÄÖ")
_FR_LETTERS = frozenset("éèêëàâîïôûùçœÉÈÊËÀÂÎÏÔÛÙÇŒ")
_ELISIONS = frozenset({"l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu",
                       "puisqu", "quoiqu", "quelqu", "presqu"})

# --- tokens ----------------------------------------------------------------------

_SKIP_RE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+\.\w+|[#@][\w\-]+",
    re.UNICODE,
)
_WORD_RE = re.compile(r"[^\W\d_](?:\w|['’](?=\w)|-(?=\w))*", re.UNICODE)
# Norwegian UI furniture left at the end of a caption line ("... Dagbladet TV Se mer").
_TRAILING_UI_RE = re.compile(
    r"(?:^|(?<=\s))(" + "|".join(re.escape(s) for s in sorted(_NB_UI_TRAILING, key=len, reverse=True))
    + r")[\s.!›»>]*$"
)
_NB_ONLY = frozenset({"nb"})
_FR_ONLY = frozenset({"fr"})


@dataclass(frozen=True)
class _Token:
    text: str     # lowercased word, ’ written '
    start: int
    end: int
    groups: frozenset[str] | None = None  # forced lexical groups (UI phrase, elision)


def _sentence_initial(text: str, start: int) -> bool:
    """True at the start of the text, of a sentence, or of a quote/dash line."""
    before = text[:start].rstrip(" \t\u00a0")
    if not before:
        return True
    last = before[-1]
    if last in "–—-«“\"'‘(":
        return True
    if last in "!?…":
        return True
    if last == ".":
        # not after an initial ("Simone H. Sønstrød") or an abbreviation ("ca.", "kl.")
        m = re.search(r"(\S+)\.$", before)
        prev = m.group(1) if m else ""
        if len(prev) == 1 and prev.isalpha():
            return False
        return prev.lower() not in {"ca", "kl", "bl.a", "f.eks", "dvs", "nr", "st", "m", "mme", "dr"}
    return False


def _caps_dominant(words: list[str]) -> bool:
    """All-caps headline ("MATCHS DIFFICILES"): capitals carry no name information."""
    letters = [w for w in words if len(w) > 1]
    if not letters:
        return False
    caps = sum(1 for w in letters if w.isupper())
    return caps >= 2 and caps * 2 >= len(letters)


def _split_word(word: str, start: int) -> list[tuple[str, int, bool]]:
    """Split on hyphens and after a French elision: "l’armée" -> "l’" (elided), "armée"."""
    parts: list[tuple[str, int, bool]] = []
    pos = start
    for chunk in word.split("-"):
        m = re.match(r"([^\W\d_]+)['’](?=\w)", chunk)
        if m and m.group(1).lower() in _ELISIONS:
            parts.append((chunk[: m.end()], pos, True))
            if chunk[m.end():]:
                parts.append((chunk[m.end():], pos + m.end(), False))
        elif chunk:
            parts.append((chunk, pos, False))
        pos += len(chunk) + 1
    return parts


def _tokens(text: str) -> list[_Token]:
    """Content word tokens of `text`, lowercased, with character offsets.

    Skipped: URLs, e-mails, hashtags, @handles, parts with a digit ("Mi-8"), names
    (capitalised, not sentence-initial), acronyms (short all-caps words), lone letters.
    """
    masked = _SKIP_RE.sub(lambda m: " " * len(m.group(0)), text)
    ui_from = len(masked)
    ui = _TRAILING_UI_RE.search(masked)
    if ui and ui.start() > 0:
        ui_from = ui.start()
    matches = list(_WORD_RE.finditer(masked))
    caps_mode = _caps_dominant([m.group(0) for m in matches])
    out: list[_Token] = []
    for m in matches:
        if m.start() > 0 and masked[m.start() - 1].isdigit():
            continue  # "9h30", "2e"
        for index, (word, start, elided) in enumerate(_split_word(m.group(0), m.start())):
            end = start + len(word)
            if start >= ui_from:
                out.append(_Token(word.lower(), start, end, _NB_ONLY))
                continue
            if any(c.isdigit() for c in word):
                continue
            lower = word.lower().replace("’", "'")
            if elided:
                out.append(_Token(lower, start, end, _FR_ONLY))
                continue
            special = any(c in _NB_LETTERS or c in _SCAND_LETTERS or c in _FR_LETTERS for c in word)
            if len(word) == 1 and lower not in _LEXICON and not special:
                continue  # initials, "X"
            if word == "I":
                continue  # English "I" or Norwegian "I" (in): no evidence either way
            if word[0].isupper() and not caps_mode:
                if word.isupper() and len(word) > 1:
                    if len(word) <= 5 and lower not in _LEXICON and not special:
                        continue  # acronym: NATO, CNN, UTC
                elif index > 0 or not _sentence_initial(masked, start):
                    continue  # a name
            out.append(_Token(lower, start, end))
    return out


# --- statistical model -------------------------------------------------------------

_detector = None
_detector_lock = threading.Lock()


def _get_detector():
    """The lingua detector for fr/nb/nn/da/sv/en, built once per process."""
    global _detector
    if _detector is None:
        with _detector_lock:
            if _detector is None:
                from lingua import Language, LanguageDetectorBuilder

                _detector = (
                    LanguageDetectorBuilder.from_languages(
                        Language.FRENCH, Language.BOKMAL, Language.NYNORSK,
                        Language.DANISH, Language.SWEDISH, Language.ENGLISH,
                    )
                    .with_preloaded_language_models()
                    .build()
                )
    return _detector


def _iso(language) -> str:
    return language.iso_code_639_1.name.lower()


@lru_cache(maxsize=16384)
def _model_probs(text: str) -> tuple[tuple[str, float], ...]:
    """lingua's probabilities for the six languages, in LANGUAGES order."""
    values = {_iso(cv.language): cv.value for cv in _get_detector().compute_language_confidence_values(text)}
    total = sum(values.values())
    if total <= 0:
        return tuple((lang, 1.0 / len(LANGUAGES)) for lang in LANGUAGES)
    return tuple((lang, values.get(lang, 0.0) / total) for lang in LANGUAGES)


def _group_probs(probs: dict[str, float]) -> dict[str, float]:
    return {
        "fr": probs["fr"],
        "en": probs["en"],
        "nb": sum(probs[lang] for lang in SCANDINAVIAN),
    }


# --- lexical evidence ----------------------------------------------------------------


def _lexical_groups(tok: _Token) -> frozenset[str] | None:
    """The language groups a token can belong to, or None when the lexicon is silent."""
    if tok.groups is not None:
        return tok.groups
    word = tok.text
    groups = _LEXICON.get(word)
    if groups is not None:
        return groups
    if any(c in _NB_LETTERS or c in _SCAND_LETTERS for c in word):
        return frozenset({"nb"})
    if any(c in _FR_LETTERS for c in word):
        return frozenset({"fr"})
    return None


def _lexical_likelihood(groups: frozenset[str]) -> dict[str, float]:
    return {g: (1.0 if g in groups else _LEX_EPS) for g in _GROUPS}


# --- public API --------------------------------------------------------------------


@dataclass(frozen=True)
class LanguageGuess:
    """The dominant language of a string.

    `lang` is one of LANGUAGES, or "und" when the string has no content words or the
    evidence is too thin. `confidence` is the probability of that answer (0..1); for
    "nb" it includes the mass of the close Scandinavian variants, which the source
    language (Bokmål) absorbs. For "und" it is the probability of the best guess.
    """

    lang: str
    confidence: float


def _normalise_ui(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip(" \t\u00a0.:!›»>|•–—-")).lower()


def guess_language(text: str) -> LanguageGuess:
    """The language of `text` (the dominant one for mixed text); deterministic."""
    return _guess(unicodedata.normalize("NFC", text))


@lru_cache(maxsize=16384)
def _guess(text: str) -> LanguageGuess:
    ui = _normalise_ui(text)
    if ui in _NB_UI:
        return LanguageGuess("nb", 0.99)
    tokens = _tokens(text)
    if not tokens:
        return LanguageGuess("und", 0.0)
    cleaned = " ".join(t.text for t in tokens)
    probs = dict(_model_probs(cleaned))
    posterior = _group_probs(probs)
    for tok in tokens:
        groups = _lexical_groups(tok)
        if groups is None:
            continue
        like = _lexical_likelihood(groups)
        posterior = {g: posterior[g] * like[g] for g in _GROUPS}
        total = sum(posterior.values())
        posterior = {g: v / total for g, v in posterior.items()}
    best = max(_GROUPS, key=lambda g: (posterior[g], -_GROUPS.index(g)))
    conf = posterior[best]
    if conf < _UND_BELOW:
        return LanguageGuess("und", round(conf, 4))
    if best != "nb":
        return LanguageGuess(best, round(conf, 4))
    # Which Scandinavian language: nb unless a variant is clearly ahead on enough text.
    lang = "nb"
    if len(tokens) >= _VARIANT_MIN_TOKENS:
        variant = max(("nn", "da", "sv"), key=lambda v: (probs[v], -LANGUAGES.index(v)))
        if probs[variant] >= _VARIANT_RATIO * probs["nb"]:
            share = probs[variant] / max(sum(probs[v] for v in SCANDINAVIAN), 1e-12)
            return LanguageGuess(variant, round(conf * share, 4))
    return LanguageGuess(lang, round(conf, 4))


def _clip_log_odds(p: float, cap: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return max(-cap, min(cap, math.log(p / (1 - p))))


@lru_cache(maxsize=65536)
def _word_log_odds(word: str) -> float:
    """Log odds that a lone word (not in the lexicon) is Scandinavian, from lingua."""
    probs = _group_probs(dict(_model_probs(word)))
    return _WORD_MODEL_WEIGHT * _clip_log_odds(probs["nb"], _WORD_MODEL_CAP / _WORD_MODEL_WEIGHT)


def _token_log_odds(tok: _Token) -> float:
    groups = _lexical_groups(tok)
    if groups is not None:
        like = _lexical_likelihood(groups)
        non_nb = max(like["fr"], like["en"])
        return math.log(like["nb"] / non_nb)
    return _word_log_odds(tok.text)


@lru_cache(maxsize=16384)
def _labels(text: str) -> tuple[tuple[_Token, ...], tuple[bool, ...]]:
    """Content tokens of `text` and, for each, whether it is Norwegian (Viterbi)."""
    tokens = tuple(_tokens(text))
    if not tokens:
        return (), ()
    if _normalise_ui(text) in _NB_UI:
        return tokens, tuple(True for _ in tokens)
    emissions = [_token_log_odds(t) for t in tokens]
    # Two states: 0 = not Norwegian, 1 = Norwegian. Scores are log odds halves.
    score = [0.0, -_START_PRIOR]
    score = [score[0] - emissions[0] / 2, score[1] + emissions[0] / 2]
    back: list[tuple[int, int]] = []
    for e in emissions[1:]:
        prev0 = (score[0], 0) if score[0] >= score[1] - _SWITCH_COST else (score[1] - _SWITCH_COST, 1)
        prev1 = (score[1], 1) if score[1] >= score[0] - _SWITCH_COST else (score[0] - _SWITCH_COST, 0)
        back.append((prev0[1], prev1[1]))
        score = [prev0[0] - e / 2, prev1[0] + e / 2]
    state = 0 if score[0] >= score[1] else 1
    path = [state]
    for b in reversed(back):
        state = b[state]
        path.append(state)
    path.reverse()
    return tokens, tuple(s == 1 for s in path)


def norwegian_share(text: str) -> float:
    """Share (0..1) of the word tokens of `text` that are Norwegian.

    Names, acronyms, numbers, hashtags, @handles and URLs are not counted; 0.0 when
    nothing is left. Scandinavian words count as Norwegian (Danish and Bokmål spelling
    overlap too much to tell apart word by word).
    """
    tokens, labels = _labels(unicodedata.normalize("NFC", text))
    if not tokens:
        return 0.0
    return sum(labels) / len(labels)


def norwegian_spans(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the Norwegian runs of `text`, for pointing flags.

    Offsets are into the NFC form of `text` (the same string for ordinary input).
    """
    text = unicodedata.normalize("NFC", text)
    tokens, labels = _labels(text)
    spans: list[tuple[int, int]] = []
    for tok, is_nb in zip(tokens, labels):
        if not is_nb:
            continue
        if spans and _only_gap(text, spans[-1][1], tok.start):
            spans[-1] = (spans[-1][0], tok.end)
        else:
            spans.append((tok.start, tok.end))
    return spans


def _only_gap(text: str, end: int, start: int) -> bool:
    """True when nothing but spaces, punctuation, names or numbers lies between."""
    gap = text[end:start]
    return len(gap) <= 40 and not any(ch in ".!?\n" for ch in gap)


def _clear_caches() -> None:
    """Forget cached answers (for benchmarks that time a cold cache; the model stays)."""
    _guess.cache_clear()
    _labels.cache_clear()
    _word_log_odds.cache_clear()
    _model_probs.cache_clear()
