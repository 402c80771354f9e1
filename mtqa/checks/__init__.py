"""The registry of checks: every check mtqa knows, by name, in report order.

Each check is a small class with one signature (`run(CheckInput) -> Flags`), a docstring
saying what it catches, a name users enable, disable and configure, and the settings it declares
(its frozen `Options` dataclass, read by mtqa.checks.options).
"""

from __future__ import annotations

from collections.abc import Mapping

from mtqa.checks.backtranslation import BackTranslationCheck
from mtqa.checks.base import AlignedPair, Check, CheckInput, Options
from mtqa.checks.capitals import CapitalsCheck
from mtqa.checks.consistency import ConsistencyCheck, TargetConsistencyCheck, TermConsistencyCheck
from mtqa.checks.coverage import LexicalCoverageCheck
from mtqa.checks.entities import NamedEntityCheck
from mtqa.checks.furniture import CreditCheck, HashtagCheck, InterfaceTextCheck, KickerCheck, TeaserCheck
from mtqa.checks.grammar import GrammarCheck
from mtqa.checks.language import UntranslatedCheck
from mtqa.checks.length import LengthCheck
from mtqa.checks.negation import NegationCheck
from mtqa.checks.numbers import NumberCheck
from mtqa.checks.placeholders import PlaceholderCheck
from mtqa.checks.punctuation import PunctuationCheck
from mtqa.checks.quality import QualityCheck
from mtqa.checks.quotation import QuotationCheck
from mtqa.checks.rules import RulesCheck
from mtqa.checks.senses import WordSenseCheck
from mtqa.checks.spacing import SpacingCheck
from mtqa.checks.tense import TenseCheck
from mtqa.checks.termbase import TermbaseCheck
from mtqa.checks.urls import UrlHandleCheck

REGISTRY: dict[str, type[Check]] = {
    cls.name: cls
    for cls in (
        NumberCheck, NamedEntityCheck, WordSenseCheck, TenseCheck, NegationCheck, UntranslatedCheck, LengthCheck, LexicalCoverageCheck,
        InterfaceTextCheck, CreditCheck,
        TeaserCheck, HashtagCheck, KickerCheck, QuotationCheck, ConsistencyCheck, GrammarCheck,
        BackTranslationCheck, TermbaseCheck, QualityCheck,
        PlaceholderCheck, UrlHandleCheck, PunctuationCheck, SpacingCheck, CapitalsCheck, TargetConsistencyCheck,
        TermConsistencyCheck, RulesCheck,
    )
}


def build_checks(enable: list[str] | None = None, disable: list[str] | None = None,
                 options: Mapping[str, dict | Options] | None = None) -> list[Check]:
    """Instantiate the selected checks. Unknown names raise ValueError (a usage error).

    `options` maps a check name to the settings that differ from its declared defaults, by name
    (configuration; data such as the termbase's terms too), or to a complete Options of that check.
    A check with `enabled_by` (termbase) is in the default selection only when that setting is
    given and not empty; naming it in `enable` selects it anyway, and it then says why it cannot run.
    """
    options = options or {}
    for name in (enable or []) + (disable or []) + list(options):
        if name not in REGISTRY:
            raise ValueError(f"unknown check {name!r}; known checks: {', '.join(REGISTRY)}")

    def given(name: str, key: str):
        value = options.get(name, {})
        return getattr(value, key, None) if isinstance(value, Options) else value.get(key)

    names = list(enable) if enable else [n for n in REGISTRY
                                         if not REGISTRY[n].enabled_by or given(n, REGISTRY[n].enabled_by)]
    names = [n for n in names if n not in set(disable or [])]
    out = []
    for name in names:
        value = options.get(name, {})
        out.append(REGISTRY[name](value) if isinstance(value, Options) else REGISTRY[name](**value))
    return out


__all__ = ["AlignedPair", "Check", "CheckInput", "Options", "REGISTRY", "build_checks"]
