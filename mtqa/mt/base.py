"""What a back-translation backend is: the `Translator` protocol, and the registry of backends.

The pipeline only ever calls these three members, so any backend (a CTranslate2 model, an MT
service, back-translations the user brings) plugs in by one module and one line in BACKENDS.
This module imports no runtime (ctranslate2, sentencepiece): backends are loaded by name, lazily.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class TranslationStats:
    """How many texts a translator translated, and how many came from its cache."""

    translated: int = 0
    cache_hits: int = 0


@runtime_checkable
class Translator(Protocol):
    """Translates French into Norwegian, line for line."""

    def translate(self, texts: Sequence[str]) -> Sequence[str | None]:
        """Norwegian translations of `texts`, in order ("" for a blank text; None where the backend
        has none for a text, as a replayed file that does not cover it: that segment is not checked)."""
        ...

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float] | None:
        """Forced decoding: mean log-probability per token of each Norwegian target given its French
        source (closer to 0 is better), or None when the backend cannot score."""
        ...

    @property
    def identity(self) -> dict[str, Any]:
        """What the translations depend on (backend, model, its hash, precision...): shown in the
        report, part of cache keys and of batch resume fingerprints."""
        ...

    @property
    def stats(self) -> TranslationStats:
        """Counts since the translator was made."""
        ...


# Backend name -> "module:factory"; the factory takes (model, **options) and returns a Translator.
BACKENDS: dict[str, str] = {
    "ctranslate2": "mtqa.mt.ct2:BackTranslator",
    "replay": "mtqa.mt.replay:ReplayTranslator",  # back-translations the user brings (a file)
}
DEFAULT_BACKEND = "ctranslate2"


def load_translator(model: str, backend: str = DEFAULT_BACKEND, **options: Any) -> Translator:
    """The Translator of `backend` for `model` (a model directory or an installed model name)."""
    try:
        module, _, factory = BACKENDS[backend].partition(":")
    except KeyError:
        raise ValueError(f"unknown translation backend {backend!r}; known: {', '.join(BACKENDS)}") from None
    return getattr(importlib.import_module(module), factory)(model, **options)
