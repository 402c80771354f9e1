"""What every check is: a named unit that turns aligned segments into flags.

A check never reads files or prints. It gets a CheckInput and yields Flags.
Options are class attributes; `Check(**options)` overrides them (configuration).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Iterable, Sequence

from mtqa.core.document import HASHTAGS, UI, Segment
from mtqa.core.flags import Flag


@dataclass(frozen=True)
class AlignedPair:
    """One alignment bead resolved to its segments (either side may be empty)."""

    source: tuple[Segment, ...]
    target: tuple[Segment, ...]

    @property
    def source_text(self) -> str:
        return " ".join(s.text for s in self.source)

    @property
    def target_text(self) -> str:
        return " ".join(s.text for s in self.target)


@dataclass
class CheckInput:
    target: Sequence[Segment]
    source: Sequence[Segment] = ()
    beads: Sequence = ()          # objects with .source / .target index tuples (mtqa.source.align.Bead)
    provenance: object = None
    back_translations: dict[int, str] = field(default_factory=dict)   # target segment index -> Norwegian
    forced_scores: dict[int, float] = field(default_factory=dict)     # bead index -> log-prob of the source
    # What checks report per segment besides flags (target segment index -> {key: data}): the
    # quality check's {"quality": {score, model, features}}; every report carries it per segment.
    segment_data: dict[int, dict] = field(default_factory=dict)

    @property
    def has_source(self) -> bool:
        return bool(self.source)

    @cached_property
    def pairs(self) -> list[AlignedPair]:
        if not self.has_source:
            return [AlignedPair((), (seg,)) for seg in self.target]
        return [AlignedPair(tuple(self.source[i] for i in b.source), tuple(self.target[j] for j in b.target))
                for b in self.beads]

    @cached_property
    def translated_pairs(self) -> list[AlignedPair]:
        """Pairs with text on both sides whose translation is not a hashtag line or interface text:
        what the source-comparing checks (numbers, names, senses…) look at."""
        return [p for p in self.pairs
                if p.source and p.target and not any(s.kind in (HASHTAGS, UI) for s in p.target)]

    @cached_property
    def pair_of_target(self) -> dict[int, AlignedPair]:
        return {seg.index: pair for pair in self.pairs for seg in pair.target}

    def source_text_for(self, seg: Segment) -> str:
        pair = self.pair_of_target.get(seg.index)
        return pair.source_text if pair else ""


class Check:
    """Base class. Subclasses set name, category, severity and implement run()."""

    name: str = ""
    category: str = ""
    severity: str = "major"
    needs_source: bool = False
    needs_model: bool = False   # needs back-translations (a translation model)
    enabled_by: str = ""        # an option that must be set for the check to run unless named in --enable

    def __init__(self, **options):
        for key, value in options.items():
            if not hasattr(type(self), key):
                raise ValueError(f"check {self.name!r} has no option {key!r}")
            setattr(self, key, value)

    @property
    def description(self) -> str:
        return (type(self).__doc__ or "").strip().splitlines()[0]

    def unavailable(self) -> str | None:
        """Why this check cannot run on this machine (a missing external tool), or None."""
        return None

    def skip_reason(self, data: CheckInput) -> str | None:
        """Why this check does not run on this input (too large for it), or None."""
        return None

    def prepare(self, inputs: Sequence[CheckInput]) -> None:
        """Called once before `run` on each of `inputs` (all the documents of a run, a batch group or
        an evaluation), for work done better across documents: Grammalecte is started once for
        all of them, in the background, while the other checks run. The default does nothing."""

    def close(self) -> None:
        """Called after the last `run` of the inputs given to `prepare`: release what it started."""

    def run(self, data: CheckInput) -> Iterable[Flag]:
        raise NotImplementedError

    def flag(self, seg: Segment, message: str, *, source_text: str = "", evidence: dict | None = None,
             severity: str | None = None, category: str | None = None,
             span: tuple[int, int] | None = None) -> Flag:
        return Flag(
            check=self.name,
            category=category or self.category,
            severity=severity or self.severity,
            line=seg.line,
            message=message,
            text=seg.text,
            source_text=source_text,
            segment=seg.index,
            span=span or (seg.start, seg.end),
            evidence=evidence or {},
        )
