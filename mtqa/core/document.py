"""The plain data that flows through the pipeline: documents and their segments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final, Literal

# Segment kinds (see DESIGN.md). Plain strings so they serialise as they are.
HEADLINE: Final = "headline"
BODY: Final = "body"
QUOTE: Final = "quote"
CAPTION: Final = "caption"
CREDIT: Final = "credit"
TEASER: Final = "teaser"
HASHTAGS: Final = "hashtags"
UI: Final = "ui"
KINDS = (HEADLINE, BODY, QUOTE, CAPTION, CREDIT, TEASER, HASHTAGS, UI)
# The same, as a type (for settings that name segment kinds).
SegmentKind = Literal["headline", "body", "quote", "caption", "credit", "teaser", "hashtags", "ui"]

# Kinds that are page furniture rather than article content.
NON_CONTENT_KINDS = frozenset({CREDIT, TEASER, HASHTAGS, UI})


@dataclass(frozen=True)
class Document:
    """A text file as read: its lines (without line ends) and what the reader noticed."""

    path: str
    lines: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(frozen=True)
class Segment:
    """A sentence-sized piece of one line.

    `line` is the 1-based line number in the file it came from; `start`/`end` are
    character offsets of `text` within that line, so flags can point at spans.
    `kicker` holds an all-caps caption label ("HISTORISK") split off the front.
    """

    index: int
    line: int
    start: int
    end: int
    text: str
    kind: str = BODY
    kicker: str = ""
    meta: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Bead:
    """A group of consecutive source and target sentences aligned together."""

    source: tuple[int, ...]  # indices into the source sentence list (may be empty)
    target: tuple[int, ...]  # indices into the target sentence list (may be empty)
    cost: float

    @property
    def kind(self) -> str:
        return f"{len(self.source)}-{len(self.target)}"


@dataclass(frozen=True)
class Article:
    """A French article to check, with its Norwegian source when it is known, or the candidate
    sources to find it among (retrieval). `line_aligned`: target and source are parallel line by
    line (an evaluation set), so line N pairs with line N and the aligner is not run."""

    target: Document
    source: Document | None = None
    candidates: tuple[Document, ...] = ()
    line_aligned: bool = False
