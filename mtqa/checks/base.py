"""What every check is: a named unit that turns aligned segments into flags.

A check never reads files or prints. It gets a CheckInput and yields Flags.

Identity is class attributes (name, category, needs_source, needs_model, enabled_by, and the
docstring that says what the check catches). Settings are a frozen dataclass the check declares,
`Check.Options` (a subclass of `Options` below): every tuning value with its type, default and one
line of help. `Check(**overrides)` builds `self.options` from those defaults; the check's code reads
`self.options.x`. Configuration (mtqa.config), `mtqa init` and `mtqa checks` read the same
declarations (mtqa.checks.options), so a configuration file can set a setting and nothing else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Iterable, Sequence

from mtqa.checks.options import check_values, settings_of
from mtqa.core.document import HASHTAGS, UI, Segment
from mtqa.core.flags import Flag, Severity


@dataclass(frozen=True)
class AlignedPair:
    """One alignment bead resolved to its segments (either side may be empty)."""

    source: tuple[Segment, ...]
    target: tuple[Segment, ...]

    # Joined once per pair: every source-comparing check asks for both texts of every pair.
    @cached_property
    def source_text(self) -> str:
        return " ".join(s.text for s in self.source)

    @cached_property
    def target_text(self) -> str:
        return " ".join(s.text for s in self.target)

    def locate(self, a: int, b: int) -> tuple[Segment, int, int] | None:
        """The segment that holds the span [a, b) of target_text whole, with the span's offsets in
        that segment's text; None when the span crosses segments."""
        offset = 0
        for s in self.target:
            if a >= offset and b <= offset + len(s.text):
                return s, a - offset, b - offset
            offset += len(s.text) + 1
        return None


@dataclass
class CheckInput:
    target: Sequence[Segment]
    source: Sequence[Segment] = ()
    beads: Sequence = ()          # objects with .source / .target index tuples (mtqa.source.align.Bead)
    provenance: object = None
    back_translations: dict[int, str] = field(default_factory=dict)   # target segment index -> Norwegian
    forced_scores: dict[int, float] = field(default_factory=dict)     # bead index -> log-prob of the source
    bt_thresholds: dict[str, float] = field(default_factory=dict)     # calibrated with the translator's model
    # Bilingual files: 1-based line (unit) -> (source inline tags, target inline tags), Unit.source_tags.
    markup: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = field(default_factory=dict)
    target_lines: Sequence[str] = ()   # the target file's lines as read (spacing: leading/trailing spaces)
    source_lines: Sequence[str] = ()
    # What checks report per segment besides flags (target segment index -> {key: data}): the
    # quality check's {"quality": {score, model, features}}; every report carries it per segment.
    segment_data: dict[int, dict] = field(default_factory=dict)
    # What a check keeps from its `run` for its `review` of the same document (check name -> data).
    check_state: dict[str, Any] = field(default_factory=dict)

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


@dataclass(frozen=True)
class BaseOptions:
    """The settings every check has. A check declares its own as a frozen subclass, `Options`,
    nested in its class: `field(default=..., metadata={"help": "one line"})` for each, choices as
    `Literal[...]` or an enum, `metadata={"config": False}` for data a configuration file must not
    set, `metadata={"min": ..., "max": ...}` for numeric bounds."""

    severity: Severity = field(default=Severity.MAJOR, metadata={"help": "severity of this check's flags"})

    def __post_init__(self) -> None:
        check_values(self)


Options = BaseOptions  # the base every check's Options extends (Check.Options is one)


class Check:
    """Base class. Subclasses set name and category, declare their Options and implement run()."""

    name: ClassVar[str] = ""
    category: ClassVar[str] = ""
    needs_source: ClassVar[bool] = False
    needs_model: ClassVar[bool] = False   # needs back-translations (a translation model)
    enabled_by: ClassVar[str] = ""        # a setting that must be set for the check to run unless named in --enable
    # Its `prepare` starts work in the background (an external program): the pipeline runs it after
    # the other checks of a document, so that the work has all that time (its flags keep their place).
    background: ClassVar[bool] = False
    options: Any  # an instance of the check's own Options (typed per check by its declaration)

    @dataclass(frozen=True)
    class Options(BaseOptions):
        """The settings of a check that declares none of its own: only `severity`."""

    def __init__(self, options: BaseOptions | None = None, **overrides) -> None:
        """`options`: a complete Options of this check (default: its declared defaults);
        `overrides`: settings to change in it, by name. Unknown names raise ValueError."""
        declared = type(self).Options
        if options is None:
            options = declared()
        elif not isinstance(options, declared):
            raise TypeError(f"check {self.name!r} takes {declared.__qualname__}, not {type(options).__qualname__}")
        known = [s.name for s in settings_of(declared, include_data=True)]
        for key in overrides:
            if key not in known:
                raise ValueError(f"check {self.name!r} has no option {key!r} (known: {', '.join(known)})")
        if overrides:
            try:
                options = dataclasses.replace(options, **overrides)
            except ValueError as exc:
                raise ValueError(f"check {self.name!r}: {exc}") from None
        self.options = options
        # The settings a caller or a configuration chose: they win over what a translator brings
        # (a known model's calibrated thresholds). A complete Options counts where it differs.
        defaults = declared()
        self.configured = frozenset(overrides) | {f.name for f in dataclasses.fields(options)
                                                  if getattr(options, f.name) != getattr(defaults, f.name)}

    @property
    def severity(self) -> str:
        """The default severity of this check's flags (its `severity` setting)."""
        return self.options.severity

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
        """Called once before `run`, as early as possible, for work done better across documents and
        in the background: each of `inputs` (all the documents of a run, a batch group or an
        evaluation) holds a document's target segments only (`target`), taken before its source is
        segmented and aligned; `run` gets the full CheckInput later. Grammalecte is started here
        once for all of them and runs beside the alignment and the other checks. The default does
        nothing."""

    def close(self) -> None:
        """Called after the last `run` of the inputs given to `prepare`: release what it started."""

    def run(self, data: CheckInput) -> Iterable[Flag]:
        raise NotImplementedError

    def review(self, data: CheckInput, flags: Sequence[Flag]) -> Iterable[Flag]:
        """A second, document-level look once every check has run on `data`: the flags this check
        adds given all the checks' `flags` (the quality check's article calibration). The default
        adds none."""
        return ()

    def flag(self, seg: Segment, message: str, *, source_text: str = "", evidence: dict | None = None,
             severity: str | None = None, category: str | None = None,
             span: tuple[int, int] | None = None) -> Flag:
        return Flag(
            check=self.name,
            category=category or self.category,
            severity=severity or self.options.severity,
            line=seg.line,
            message=message,
            text=seg.text,
            source_text=source_text,
            segment=seg.index,
            span=span or (seg.start, seg.end),
            evidence=evidence or {},
        )
