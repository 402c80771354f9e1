"""The whole check of one article: read -> segment -> attribute -> retrieve -> align -> check -> score.

Pure over Documents: reading files and writing reports happen in the CLI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.align import Bead, align
from mtqa.backtranslation import BackTranslation, back_translate, sentence_chrf, similarity_function
from mtqa.checks import Check, CheckInput, build_checks
from mtqa.document import NON_CONTENT_KINDS, Document, Segment
from mtqa.errors import InputError
from mtqa.flags import Flag, sort_flags
from mtqa.provenance import Provenance, attribute
from mtqa.retrieve import Retrieval, rank_sources
from mtqa.segment import segment_document

SOURCE_LANGUAGE = "nb"
TARGET_LANGUAGE = "fr"


@dataclass
class CheckResult:
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
    # The bilingual file checked (mtqa.io.bilingual.BilingualDocument) when the input was one: the
    # renderers read unit ids and file lines from it, `--format xliff` its bytes. None for text.
    bilingual: object = None

    def bead_of_target(self) -> dict[int, int]:
        return {j: k for k, bead in enumerate(self.beads) for j in bead.target}


# A source that mtqa.langid reads as French, with at least this confidence, on its first
# SOURCE_SAMPLE_CHARS characters of text, is the wrong file (the translation itself, the two
# files swapped): comparing French with French would only produce bogus flags.
WRONG_SOURCE_CONFIDENCE = 0.9
SOURCE_SAMPLE_CHARS = 3000


def source_language_error(source: Document) -> str | None:
    """Why `source` cannot be the Norwegian original (it reads as French), or None."""
    from mtqa.langid import guess_language

    sample, size = [], 0
    for line in source.lines:
        if line.strip():
            sample.append(line)
            size += len(line)
            if size >= SOURCE_SAMPLE_CHARS:
                break
    guess = guess_language("\n".join(sample)[:SOURCE_SAMPLE_CHARS * 2])
    if guess.lang == TARGET_LANGUAGE and guess.confidence >= WRONG_SOURCE_CONFIDENCE:
        return (f"{source.path}: the source reads as French (language identification: {guess.confidence:.0%}), "
                f"not Norwegian; give the Norwegian original (are the article and its source swapped?)")
    return None


NO_MODEL_REASON = ("no translation model: back-translation skipped; enable it with "
                   "`mtqa models pull opus-mt-fr-no` or `--model DIR` (or MTQA_MODEL=DIR)")


def pair_orphans(beads: list[Bead], source: list[Segment], target: list[Segment]) -> list[Bead]:
    """Join a source sentence left unaligned with an adjacent unaligned translation sentence.

    The aligner prefers two empty beads to one badly mismatched pair; for checking, a content
    sentence next to an unmatched content translation is its (bad) translation, so the checks
    should compare them (omission, numbers) rather than report both as missing.
    """
    out: list[Bead] = []
    for bead in beads:
        prev = out[-1] if out else None
        if prev is not None and {prev.kind, bead.kind} == {"1-0", "0-1"}:
            src = prev.source or bead.source
            tgt = prev.target or bead.target
            if source[src[0]].kind not in NON_CONTENT_KINDS and target[tgt[0]].kind not in NON_CONTENT_KINDS:
                out[-1] = Bead(src, tgt, prev.cost + bead.cost)
                continue
        out.append(bead)
    return out


def beads_by_line(source_segments: list[Segment], target_segments: list[Segment]) -> list[Bead]:
    """The alignment of two line-aligned files (line N of one translates line N of the other):
    one bead per line number holding that line's segments on each side."""
    lines = sorted({s.line for s in source_segments} | {s.line for s in target_segments})
    src_of: dict[int, list[int]] = {}
    tgt_of: dict[int, list[int]] = {}
    for s in source_segments:
        src_of.setdefault(s.line, []).append(s.index)
    for t in target_segments:
        tgt_of.setdefault(t.line, []).append(t.index)
    return [Bead(tuple(src_of.get(n, ())), tuple(tgt_of.get(n, ())), 0.0) for n in lines]


def check_article(target: Document, source: Document | None = None, candidates: list[Document] | None = None,
                  checks: list[Check] | None = None, translator=None, *, line_aligned: bool = False) -> CheckResult:
    """Check a French article against its Norwegian source, found among `candidates` when not given.

    With a `translator` (mtqa.translate.BackTranslator) every content segment is back-translated;
    the chrF of the back-translation then guides the aligner and feeds the meaning checks.
    `line_aligned`: the two files are parallel line by line (a bilingual corpus, an evaluation
    set): line N pairs with line N and the aligner is not run.
    """
    checks = build_checks() if checks is None else checks
    target_segments = segment_document(target, TARGET_LANGUAGE)
    provenance = attribute(target_segments)
    retrieval = None
    if source is None and candidates:
        retrieval = rank_sources(target.text, [(c.path, c.text) for c in candidates])
        if retrieval.chosen is not None:
            source = next(c for c in candidates if c.path == retrieval.chosen.path)
    if source is not None:
        problem = source_language_error(source)
        if problem:
            raise InputError(problem)
    source_segments = segment_document(source, SOURCE_LANGUAGE) if source is not None else []
    bt = back_translate(target_segments, translator) if translator is not None else None
    similarity = similarity_function(target_segments, bt) if bt is not None else None
    if line_aligned and source_segments:
        beads = beads_by_line(source_segments, target_segments)
    else:
        beads = (align([s.text for s in source_segments], [s.text for s in target_segments], similarity)
                 if source_segments else [])
        beads = pair_orphans(beads, source_segments, target_segments)
    bead_chrf, forced = {}, {}
    if bt is not None and beads:
        bead_chrf, forced = _bead_scores(beads, source_segments, target_segments, bt, translator)
    data = CheckInput(target=target_segments, source=source_segments, beads=beads, provenance=provenance,
                      back_translations=bt.texts if bt else {}, forced_scores=forced)
    flags: list[Flag] = []
    run, skipped = [], {}
    for check in checks:
        if check.needs_source and not data.has_source:
            skipped[check.name] = "needs a source text"
            continue
        if check.needs_model and bt is None:
            skipped[check.name] = "needs a translation model"
            continue
        reason = check.unavailable() or check.skip_reason(data)
        if reason:
            skipped[check.name] = reason
            continue
        flags.extend(check.run(data))
        run.append(check.name)
    return CheckResult(target, source, target_segments, source_segments, beads, provenance, retrieval,
                       sort_flags(flags), run, skipped, bt, bead_chrf)


def _bead_scores(beads, source_segments, target_segments, bt: BackTranslation, translator):
    """Per bead: chrF of the back-translation against the source, and the forced-decoding score
    of the source given the French (one batched model call)."""
    chrf: dict[int, float] = {}
    to_score: list[tuple[int, str, str]] = []
    for k, bead in enumerate(beads):
        hyp = " ".join(bt.texts[j] for j in bead.target if j in bt.texts)
        ref = " ".join(source_segments[i].text for i in bead.source)
        if bead.target and ref:
            chrf[k] = sentence_chrf(hyp, ref)  # an empty back-translation scores 0
            to_score.append((k, " ".join(target_segments[j].text for j in bead.target), ref))
    forced: dict[int, float] = {}
    if to_score and hasattr(translator, "score"):
        scores = translator.score([t for _, t, _ in to_score], [r for _, _, r in to_score])
        forced = {k: float(s) for (k, _, _), s in zip(to_score, scores)}
    return chrf, forced
