"""Page furniture lexicon (UI text, credit labels, teaser prefixes) loaded from data."""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def furniture() -> dict:
    with resources.files("mtqa.data").joinpath("page_furniture.toml").open("rb") as fh:
        return tomllib.load(fh)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'")).strip(" .:!").lower()


@lru_cache(maxsize=1)
def _ui_index() -> dict[str, str]:
    """Normalised UI string -> language."""
    index: dict[str, str] = {}
    for lang, items in furniture()["ui"].items():
        for item in items:
            index.setdefault(_norm(item), lang)
    return index


def ui_language(text: str) -> str | None:
    """The language of `text` if it is, as a whole, a known interface string."""
    return _ui_index().get(_norm(text))


@lru_cache(maxsize=1)
def _ui_suffix_re() -> re.Pattern:
    items = sorted(_ui_index(), key=len, reverse=True)
    alts = "|".join(re.escape(i).replace("'", "['’]").replace(r"\ ", r"\s+") for i in items)
    return re.compile(rf"(?:^|(?<=\s))(?:{alts})\s*$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _ui_last_chars() -> frozenset[str]:
    """Every case form of the last character of an interface string."""
    return frozenset(f(item[-1]) for item in _ui_index() if item
                     for f in (str, str.lower, str.upper, str.casefold, str.swapcase))


def split_ui_suffix(text: str) -> int | None:
    """Offset where a trailing interface string starts ("… Dagbladet TV Se mer"), if any."""
    text = text.rstrip()
    last = _ui_last_chars()
    if not text or (text[-1] not in last and text[-1].lower() not in last and text[-1].upper() not in last):
        return None  # a match ends the line with an interface string's last letter: most lines end otherwise
    m = _ui_suffix_re().search(text)
    return m.start() if m and m.start() > 0 else None


def _label_alternation(table: str) -> str:
    """The labels (or prefixes) of a furniture table, every language, as one regex alternation:
    longest first, so that "Kilde video" wins over "Video"."""
    labels = sorted({lab for items in furniture()[table].values() for lab in items}, key=len, reverse=True)
    return "|".join(re.escape(lab) for lab in labels)


@lru_cache(maxsize=1)
def _credit_re() -> re.Pattern:
    alts = _label_alternation("credit_labels")
    return re.compile(rf"^(?:{alts})\s?:\s*\S", re.IGNORECASE)


def is_credit(text: str) -> bool:
    """'Reporter: Simone H. Sønstrød/Dagbladet TV', 'Vidéo : @DefenceU / X.', 'Foto: NTB'."""
    return bool(_credit_re().match(text.strip()))


@lru_cache(maxsize=None)
def _label_prefix_re(table: str) -> re.Pattern:
    """Text opening with one of the table's labels and a colon ("Foto:", "Lire aussi :")."""
    return re.compile(rf"^(?:{_label_alternation(table)})\s?:", re.IGNORECASE)


def is_media_credit(text: str) -> bool:
    """A credit of a picture or video ('Foto: NTB', 'Vidéo : AP'), not of the article ('Reporter: …')."""
    return bool(_label_prefix_re("media_credit_labels").match(text.strip()))


def has_teaser_prefix(text: str) -> bool:
    """'Les også: …', 'Lire aussi : …'."""
    return bool(_label_prefix_re("teaser_prefixes").match(text.strip()))


@lru_cache(maxsize=1)
def _credit_suffix_re() -> re.Pattern:
    alts = _label_alternation("credit_labels")
    # A credit glued to the end of a paragraph: '… », a-t-il dit. Photo : NTB'
    return re.compile(rf"(?<=[.!?»”\"])\s+(?:{alts})\s?:\s*[^.!?]{{1,80}}\.?$", re.IGNORECASE)


def split_credit_suffix(text: str) -> int | None:
    """Offset where a trailing credit starts ("… ». Photo : NTB"), if any."""
    m = _credit_suffix_re().search(text.rstrip())
    return m.start() if m else None
