"""Tense: a French future where the Norwegian source speaks only of the past."""

from __future__ import annotations

import re
from dataclasses import dataclass

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import MISTRANSLATION

# French simple future (and "il y aura"): irregular stems, then regular -era/-eront endings.
_FR_FUTURE = re.compile(
    r"\b(?:y aura|sera|seront|serai|serons|serez|aura|auront|fera|feront|ira|iront|pourra|pourront|devra|devront|"
    r"verra|verront|viendra|viendront|faudra|prendra|prendront|deviendra|deviendront|voudra|voudront|saura|sauront|"
    r"tiendra|tiendront|mettra|mettront|[a-zéè]{3,}eront|[a-zéè]{3,}(?<!cam)(?<!op)(?<!chol)(?<!ultr)era)\b")
# Norwegian words that make a future or hypothetical reading possible.
_NB_FUTURE_OR_MODAL = re.compile(
    r"\b(?:vil|ville|skal|skulle|kommer|blir|bli|neste|snart|framover|fremover|fremtiden|framtida|framtiden|"
    r"planlegger|planlagt|forventer|forventes|ventes|ventet|trolig|antakelig|sannsynligvis|kan|kunne|må|måtte|bør|"
    r"burde|hvis|dersom|når|innen|etter|prognose|anslår|anslag|håper|regner|tror|mener|om)\b", re.IGNORECASE)
# Unambiguous Norwegian past forms.
_NB_PAST = re.compile(r"\b(?:ble|var|hadde|fikk|gikk|sa|kom|så|viste|vant|tapte|døde|startet|endte|økte|falt)\b",
                      re.IGNORECASE)


class TenseCheck(Check):
    """French future tense ("il y aura") for a Norwegian sentence in the past with no future or
    modal reading ("det ble"): a time shift machine translation makes in reported figures."""

    name = "tense"
    category = MISTRANSLATION
    needs_source = True

    @dataclass(frozen=True)
    class Options(Check.Options):
        """Only the base setting: severity (major)."""

    def run(self, data: CheckInput):
        for pair in data.translated_pairs:
            source = pair.source_text
            past_match = _NB_PAST.search(source)
            if not past_match or _NB_FUTURE_OR_MODAL.search(source):
                continue
            for seg in pair.target:
                m = _FR_FUTURE.search(seg.text)
                if m:
                    past = past_match.group(0)
                    yield self.flag(seg, f"future tense {m.group(0)!r} for a source in the past ({past!r})",
                                    source_text=source, span=(seg.start + m.start(), seg.start + m.end()),
                                    evidence={"future": m.group(0), "source_past": past})
                    break
