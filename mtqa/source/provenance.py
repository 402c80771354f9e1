"""Where did this translation come from? Read the credits and name the source outlet.

The outlet table lives in data/outlets.toml. Evidence is collected as plain strings
and combined into a confidence as independent signals: 1 - prod(1 - weight).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from mtqa.core.document import CREDIT, Segment

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
    return tuple(Outlet(key, v["display"], tuple(v["names"]), v["language"]) for key, v in table.items())


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


def _reporters(credit: str) -> list[str]:
    found = []
    # Cut before each "Label:" so "Vidéo : @X / X. Reporter : A. B" gives two parts.
    for part in re.split(r"\s+(?=[A-ZÆØÅ]\w+\s?:)", credit):
        m = _REPORTER_RE.match(part.strip())
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


def attribute(segments: list[Segment]) -> Provenance:
    """Conclude the likely source outlet and language from credits and mentions."""
    scores: dict[str, float] = {}
    by_id = {o.id: o for o in outlets()}
    evidence: list[str] = []
    reporters: list[str] = []

    def observe(outlet_id: str, weight: float, why: str) -> None:
        scores[outlet_id] = 1 - (1 - scores.get(outlet_id, 0.0)) * (1 - weight)
        evidence.append(why)

    for seg in segments:
        is_credit = seg.kind == CREDIT
        for outlet, name in find_outlets(seg.text):
            if is_credit:
                observe(outlet.id, WEIGHT_CREDIT, f"line {seg.line}: credit names {name!r}")
            else:
                observe(outlet.id, WEIGHT_TEXT, f"line {seg.line}: text names {name!r}")
        if is_credit:
            for person in _reporters(seg.text):
                if person not in reporters:
                    reporters.append(person)
    if not scores:
        return Provenance(None, None, None, 0.0, tuple(reporters), ("no known outlet named in credits or text",))
    best = max(sorted(scores), key=lambda k: scores[k])
    confidence = scores[best]
    nordic = [p for p in reporters if re.search(r"[æøåÆØÅ]", p)]
    if nordic:
        confidence = 1 - (1 - confidence) * (1 - WEIGHT_NORDIC_NAME)
        evidence.append(f"credited {', '.join(nordic)}: Norwegian/Danish letters in the name")
    outlet = by_id[best]
    return Provenance(outlet.display, outlet.id, outlet.language, confidence, tuple(reporters), tuple(evidence))
