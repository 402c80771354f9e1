"""What one run of the pipeline produces: the CheckResult every report format renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mtqa.core.document import Bead, Document, Segment
from mtqa.core.flags import Flag

if TYPE_CHECKING:  # plain data of the layers above; only annotations here
    from mtqa.mt.roundtrip import BackTranslation
    from mtqa.source.provenance import Provenance
    from mtqa.source.retrieve import Retrieval

NO_MODEL_REASON = ("no translation model: back-translation skipped; enable it with "
                   "`mtqa models pull opus-mt-tatoeba-fra-nor-2021` or `--model DIR` (or MTQA_MODEL=DIR), "
                   "or bring your own with `--back-translation FILE`")


@dataclass
class CheckResult:
    """One checked article (or bilingual file): segments, alignment, provenance and flags."""

    target: Document
    source: Document | None
    target_segments: list[Segment]
    source_segments: list[Segment]
    beads: list[Bead]
    provenance: Provenance
    retrieval: Retrieval | None
    flags: list[Flag]
    checks_run: list[str]
    checks_skipped: dict[str, str] = field(default_factory=dict)
    backtranslation: BackTranslation | None = None
    bead_chrf: dict[int, float] = field(default_factory=dict)  # bead index -> chrF of its back-translation
    # The bilingual file checked (mtqa.readers.bilingual.BilingualDocument) when the input was one: the
    # renderers read unit ids and file lines from it, `--format xliff` its bytes. None for text.
    bilingual: Any = None
    fail_on: str = "major"  # the severity at which the verdict is "fail" (settings.fail_on)
    segment_data: dict[int, dict] = field(default_factory=dict)  # target segment index -> per-check data (quality)

    def bead_of_target(self) -> dict[int, int]:
        return {j: k for k, bead in enumerate(self.beads) for j in bead.target}

    @property
    def checked(self) -> bool:
        """Whether the translation was compared with a source (False: no --source, and retrieval
        found none; the verdict is then "unchecked" unless a flag fails it)."""
        return self.source is not None

    @property
    def unchecked_reason(self) -> str | None:
        if self.checked:
            return None
        if self.retrieval is not None:
            return "no source: retrieval found no Norwegian article this translates"
        return "no source: give --source FILE or --corpus DIR"

    @property
    def verdict(self) -> str:
        from mtqa.core.flags import verdict

        return verdict(self.flags, self.fail_on, self.checked)
