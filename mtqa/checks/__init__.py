"""The registry of checks: every check mtqa knows, by name, in report order.

Each check is a small class with one signature (`run(CheckInput) -> Flags`), a docstring
saying what it catches, and a name users enable, disable and configure.
"""

from __future__ import annotations

from mtqa.checks.backtranslation import BackTranslationCheck
from mtqa.checks.base import AlignedPair, Check, CheckInput
from mtqa.checks.consistency import ConsistencyCheck
from mtqa.checks.coverage import LexicalCoverageCheck
from mtqa.checks.entities import NamedEntityCheck
from mtqa.checks.furniture import CreditCheck, HashtagCheck, InterfaceTextCheck, KickerCheck, TeaserCheck
from mtqa.checks.grammar import GrammarCheck
from mtqa.checks.language import UntranslatedCheck
from mtqa.checks.length import LengthCheck
from mtqa.checks.negation import NegationCheck
from mtqa.checks.numbers import NumberCheck
from mtqa.checks.quality import QualityCheck
from mtqa.checks.quotation import QuotationCheck
from mtqa.checks.senses import WordSenseCheck
from mtqa.checks.tense import TenseCheck
from mtqa.checks.termbase import TermbaseCheck

REGISTRY: dict[str, type[Check]] = {
    cls.name: cls
    for cls in (
        NumberCheck, NamedEntityCheck, WordSenseCheck, TenseCheck, NegationCheck, UntranslatedCheck, LengthCheck, LexicalCoverageCheck,
        InterfaceTextCheck, CreditCheck,
        TeaserCheck, HashtagCheck, KickerCheck, QuotationCheck, ConsistencyCheck, GrammarCheck,
        BackTranslationCheck, TermbaseCheck, QualityCheck,
    )
}


def build_checks(enable: list[str] | None = None, disable: list[str] | None = None,
                 options: dict[str, dict] | None = None) -> list[Check]:
    """Instantiate the selected checks. Unknown names raise ValueError (a usage error).

    `options` maps a check name to attribute overrides (configuration). A check with `enabled_by`
    (termbase) is in the default selection only when that option is set; naming it in `enable`
    selects it anyway, and it then says why it cannot run.
    """
    options = options or {}
    for name in (enable or []) + (disable or []) + list(options):
        if name not in REGISTRY:
            raise ValueError(f"unknown check {name!r}; known checks: {', '.join(REGISTRY)}")
    names = list(enable) if enable else [n for n in REGISTRY
                                         if not REGISTRY[n].enabled_by or options.get(n, {}).get(REGISTRY[n].enabled_by)]
    names = [n for n in names if n not in set(disable or [])]
    return [REGISTRY[n](**options.get(n, {})) for n in names]


__all__ = ["AlignedPair", "Check", "CheckInput", "REGISTRY", "build_checks"]
