"""The user's own rules: [[rules]] in mtqa.toml, a regular expression on the source and one on the
translation that must (or must not) match. Patterns run under the `regex` module with a time limit,
so a catastrophic pattern cannot hang a run."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.checks.base import Check, CheckInput
from mtqa.core.flags import RULE, Severity

TIMEOUT_S = 0.05      # per search: far above any sane pattern on one sentence


@dataclass(frozen=True)
class Rule:
    """One [[rules]] entry. `source` (optional): the rule applies to pairs whose source matches it;
    `target`: must (must = "match") or must not ("not-match") match the translation."""

    target: str
    must: str = "not-match"
    source: str = ""
    message: str = ""
    severity: str = "minor"
    category: str = RULE.value
    name: str = ""

    def compiled(self):
        import regex  # imported by runs that have rules only

        return (regex.compile(self.source, regex.V1) if self.source else None,
                regex.compile(self.target, regex.V1))


def compile_pattern(pattern: str) -> str | None:
    """Why `pattern` is refused (a message), or None."""
    import regex

    try:
        regex.compile(pattern, regex.V1)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        return f"invalid regular expression: {exc}"
    return None


def _search(pattern, text: str):
    try:
        return pattern.search(text, timeout=TIMEOUT_S)
    except TimeoutError:
        return TimeoutError


class RulesCheck(Check):
    """Project rules ([[rules]] in mtqa.toml): a pattern the translation must or must not contain,
    optionally only where the source matches a pattern."""

    name = "rules"
    category = RULE
    enabled_by = "rules"

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "default severity of a rule that names none"})
        rules: tuple[Rule, ...] = field(default=(), metadata={
            "help": "the rules: set from [[rules]], not from [checks.rules]", "config": False})

    def unavailable(self) -> str | None:
        return None if self.options.rules else "no rules configured ([[rules]] in mtqa.toml)"

    def run(self, data: CheckInput):
        compiled = [(rule, *rule.compiled()) for rule in self.options.rules]
        timed_out: set[int] = set()
        items = [(p.target[0], p.source_text, p.target_text) for p in data.pairs if p.target] if data.has_source \
            else [(seg, "", seg.text) for seg in data.target]
        for seg, source_text, target_text in items:
            for k, (rule, source, target) in enumerate(compiled):
                if k in timed_out:
                    continue
                if source is not None:
                    if not source_text:
                        continue
                    hit = _search(source, source_text)
                    if hit is TimeoutError:
                        timed_out.add(k)
                        yield self._timeout(seg, rule)
                        continue
                    if hit is None:
                        continue
                found = _search(target, target_text)
                if found is TimeoutError:
                    timed_out.add(k)
                    yield self._timeout(seg, rule)
                    continue
                if (rule.must == "match") == (found is not None):
                    continue
                label = rule.name or rule.target
                message = rule.message or (f"rule {label!r}: the translation must match {rule.target!r}"
                                           if rule.must == "match" else f"rule {label!r}: {found.group(0)!r} is not allowed")
                span = None
                if found is not None and len(data.pair_of_target[seg.index].target if data.has_source and
                                             seg.index in data.pair_of_target else (seg,)) == 1:
                    span = (seg.start + found.start(), seg.start + found.end())
                yield self.flag(seg, message, source_text=source_text, severity=rule.severity, category=rule.category,
                                evidence={"rule": label, "must": rule.must,
                                          **({"found": found.group(0)} if found is not None else {})}, span=span)

    def _timeout(self, seg, rule):
        return self.flag(seg, f"rule {rule.name or rule.target!r} took too long and was stopped "
                         "(simplify its pattern)", severity=Severity.INFO, evidence={"rule": rule.name or rule.target})
