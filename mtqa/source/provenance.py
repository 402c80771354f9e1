"""Where did this translation come from? Read the credits and name the source outlet.

The outlet table lives in data/outlets.toml. Evidence is collected as plain strings
and combined into a confidence as independent signals: 1 - prod(1 - weight).

A picture's credit that names an agency ("Foto: Marte Lien Fjeld / NTB") says where the picture
came from, not who published the article: it counts only when no outlet is credited or named
otherwise, so an E24 article with an NTB photo is E24's and an NTB-only article stays NTB's.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from mtqa.core.document import CREDIT, Segment
from mtqa.text.furniture import is_media_credit

# How much one observation says about the outlet.
WEIGHT_CREDIT = 0.6        # "Reporter: … / Dagbladet TV" under a picture or video
WEIGHT_TEXT = 0.25         # the outlet named in running text ("sier hun til VG")
WEIGHT_NORDIC_NAME = 0.15  # a credited person with æ/ø/å in their name

_REPORTER_RE = re.compile(r"^(?:Reporter|Reporteur|Reportère|Journalist|Journaliste|Tekst|Texte)\s?:\s*(?P<who>.+)$", re.I)


@dataclass(frozen=True)
class Outlet:
    id: str
    display: str
    names: tuple[str, ...]
    language: str
    agency: bool = False    # a news/photo agency (NTB, AFP, Reuters, AP)


@dataclass(frozen=True)
class Provenance:
    outlet: str | None
    outlet_id: str | None
    source_language: str | None
    confidence: float
    reporters: tuple[str, ...] = ()
    evidence: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict:
        return {
            "outlet": self.outlet,
            "outlet_id": self.outlet_id,
            "source_language": self.source_language,
            "confidence": round(self.confidence, 3),
            "reporters": list(self.reporters),
            "evidence": list(self.evidence),
        }


@lru_cache(maxsize=1)
def outlets() -> tuple[Outlet, ...]:
    with resources.files("mtqa.data").joinpath("outlets.toml").open("rb") as fh:
        table = tomllib.load(fh)
    return tuple(Outlet(key, v["display"], tuple(v["names"]), v["language"], bool(v.get("agency", False)))
                 for key, v in table.items())


@lru_cache(maxsize=1)
def _outlet_patterns() -> list[tuple[Outlet, str, re.Pattern]]:
    pats = []
    for outlet in outlets():
        for name in sorted(outlet.names, key=len, reverse=True):
            # Case-sensitive: "VG" and "BT" are outlets, "vg" and "bt" are not.
            pats.append((outlet, name, re.compile(rf"(?<![\w.]){re.escape(name)}(?![\w])")))
    return pats


@lru_cache(maxsize=1)
def _any_outlet() -> re.Pattern:
    """Matches where any outlet name does: one search rules out the text that names none."""
    names = sorted({name for _, name, _ in _outlet_patterns()}, key=len, reverse=True)
    return re.compile(rf"(?<![\w.])(?:{'|'.join(re.escape(n) for n in names)})(?![\w])")


def find_outlets(text: str) -> list[tuple[Outlet, str]]:
    """Outlets named in `text`, longest name first, each outlet once."""
    if not _any_outlet().search(text):  # most segments: one search instead of one per name
        return []
    seen: dict[str, tuple[Outlet, str]] = {}
    for outlet, name, pat in _outlet_patterns():
        if outlet.id not in seen and pat.search(text):
            seen[outlet.id] = (outlet, name)
    return list(seen.values())


def _credit_parts(credit: str) -> list[str]:
    """A credit cut before each "Label:", so "Vidéo : @X / X. Reporter : A. B" gives two parts."""
    return [part.strip() for part in re.split(r"\s+(?=[A-ZÆØÅ]\w+\s?:)", credit) if part.strip()]


def _reporters(credit: str) -> list[str]:
    found = []
    for part in _credit_parts(credit):
        m = _REPORTER_RE.match(part)
        if not m:
            continue
        who = m.group("who")
        for outlet, name in find_outlets(who):
            who = re.sub(rf"\s*/?\s*{re.escape(name)}.*$", "", who)
        for person in re.split(r"\s*(?:/|,|\bog\b|\bet\b|&)\s*", who):
            person = person.strip(" .")
            if person and not person.startswith("@"):
                found.append(person)
    return found


def _credit_outlets(credit: str) -> list[tuple[Outlet, str, bool]]:
    """Outlets a credit names, each once, with whether it is only a picture's agency: an agency
    named in picture or video credits ("Foto: … / NTB") and in no other part of the credit."""
    names: dict[str, tuple[Outlet, str]] = {}
    credited: set[str] = set()  # named in a part that credits the article, not a picture
    for part in _credit_parts(credit):
        media = is_media_credit(part)
        for outlet, name in find_outlets(part):
            names.setdefault(outlet.id, (outlet, name))
            if not (outlet.agency and media):
                credited.add(outlet.id)
    return [(outlet, name, outlet.id not in credited) for outlet, name in names.values()]


class _Scores:
    """Confidence per outlet, combined as independent signals."""

    def __init__(self) -> None:
        self.by_outlet: dict[str, float] = {}

    def observe(self, outlet_id: str, weight: float) -> None:
        self.by_outlet[outlet_id] = 1 - (1 - self.by_outlet.get(outlet_id, 0.0)) * (1 - weight)

    def best(self) -> tuple[str, float]:
        best = max(sorted(self.by_outlet), key=lambda k: self.by_outlet[k])
        return best, self.by_outlet[best]


def attribute(segments: list[Segment]) -> Provenance:
    """Conclude the likely source outlet and language from credits and mentions. An agency credited
    for a picture only is the answer only when nothing else names an outlet (module docstring)."""
    by_id = {o.id: o for o in outlets()}
    publisher, pictures = _Scores(), _Scores()
    evidence: list[str] = []
    reporters: list[str] = []

    for seg in segments:
        if seg.kind == CREDIT:
            for outlet, name, picture_only in _credit_outlets(seg.text):
                if picture_only:
                    pictures.observe(outlet.id, WEIGHT_CREDIT)
                    evidence.append(f"line {seg.line}: picture credit names the agency {name!r} "
                                    "(where the picture came from; counts only when no outlet is named)")
                else:
                    publisher.observe(outlet.id, WEIGHT_CREDIT)
                    evidence.append(f"line {seg.line}: credit names {name!r}")
            for person in _reporters(seg.text):
                if person not in reporters:
                    reporters.append(person)
        else:
            for outlet, name in find_outlets(seg.text):
                publisher.observe(outlet.id, WEIGHT_TEXT)
                evidence.append(f"line {seg.line}: text names {name!r}")
    scores = publisher if publisher.by_outlet else pictures
    if not scores.by_outlet:
        return Provenance(None, None, None, 0.0, tuple(reporters), ("no known outlet named in credits or text",))
    best, confidence = scores.best()
    nordic = [p for p in reporters if re.search(r"[æøåÆØÅ]", p)]
    if nordic:
        confidence = 1 - (1 - confidence) * (1 - WEIGHT_NORDIC_NAME)
        evidence.append(f"credited {', '.join(nordic)}: Norwegian/Danish letters in the name")
    outlet = by_id[best]
    return Provenance(outlet.display, outlet.id, outlet.language, confidence, tuple(reporters), tuple(evidence))
