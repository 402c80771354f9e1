"""The whole check of one input: segment -> attribute -> retrieve -> align -> back-translate -> check -> score.

`check(input, settings, translator)` is the one entry point: `mtqa check`, `mtqa batch` and
`mtqa eval` all call it (through a `Pipeline` when they check many inputs with the same checks),
and none of them re-implements a step. Pure over plain data: reading the user's files is
`mtqa.readers`' job, writing reports `mtqa.report`'s.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, Callable, Iterable, Sequence

from mtqa.checks import Check, CheckInput
from mtqa.checks.merge import merge_flags
from mtqa.config import Config, apply_config
from mtqa.core.document import NON_CONTENT_KINDS, Article, Bead, Document, Segment
from mtqa.core.flags import UNTRANSLATED, Flag, sort_flags
from mtqa.core.result import NO_MODEL_REASON, CheckResult
from mtqa.errors import InputError
from mtqa.mt.base import Translator
from mtqa.mt.roundtrip import BackTranslation, back_translate, meaning_score, similarity_function
from mtqa.readers.bilingual import BilingualDocument, to_documents
from mtqa.source.align import align
from mtqa.source.provenance import attribute
from mtqa.source.retrieve import rank_sources
from mtqa.text.segment import segment_document

SOURCE_LANGUAGE = "nb"
TARGET_LANGUAGE = "fr"
UNTRANSLATED_CHECK = "untranslated"  # the check whose selection and severity also govern empty bilingual targets

Input = Article | BilingualDocument


# A source that mtqa.text.langid reads as French, with at least this confidence, on its first
# SOURCE_SAMPLE_CHARS characters of text, is the wrong file (the translation itself, the two
# files swapped): comparing French with French would only produce bogus flags.
WRONG_SOURCE_CONFIDENCE = 0.9
SOURCE_SAMPLE_CHARS = 3000


def source_language_error(source: Document) -> str | None:
    """Why `source` cannot be the Norwegian original (it reads as French), or None."""
    from mtqa.text.langid import guess_language

    sample, size = [], 0
    for line in source.lines:
        if line.strip():
            sample.append(line)
            size += len(line)
            if size >= SOURCE_SAMPLE_CHARS:
                break
    guess = guess_language("\n".join(sample)[:SOURCE_SAMPLE_CHARS * 2], confirm=(TARGET_LANGUAGE,))
    if guess.lang == TARGET_LANGUAGE and guess.confidence >= WRONG_SOURCE_CONFIDENCE:
        return (f"{source.path}: the source reads as French (language identification: {guess.confidence:.0%}), "
                f"not Norwegian; give the Norwegian original (are the article and its source swapped?)")
    return None


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


class _Prepared:
    """One input taken up to the checks: its aligned data and what the result needs besides flags."""

    def __init__(self, result: CheckResult, data: CheckInput, empty_units: Sequence[int] = (),
                 unit_ids: Sequence[str] = (), source_lines: Sequence[str] = ()):
        self.result = result
        self.source_lines = tuple(source_lines)
        self.data = data
        self.empty_units = tuple(empty_units)
        self.unit_ids = tuple(unit_ids)


class _Begun:
    """One input's first step: its target segmented and its source chosen (and found to be
    Norwegian), before the slower work (source segmentation, back-translation, alignment).
    Checks that need only the target segments (Grammalecte) start on them from here."""

    def __init__(self, target: Document, source: Document | None, target_segments: list[Segment],
                 retrieval, line_aligned: bool, bilingual: BilingualDocument | None = None,
                 empty_units: Sequence[int] = (), unit_ids: Sequence[str] = (), source_lines: Sequence[str] = ()):
        self.target, self.source, self.target_segments = target, source, target_segments
        self.retrieval, self.line_aligned = retrieval, line_aligned
        self.bilingual, self.empty_units, self.unit_ids, self.source_lines = (
            bilingual, tuple(empty_units), tuple(unit_ids), tuple(source_lines))


class Pipeline:
    """The checks of one configuration, built once, and the translator; `check` runs one input,
    `check_many` many, calling each check's `prepare` hook over all of them first (Grammalecte
    then runs once, beside the other checks, for a whole batch)."""

    def __init__(self, settings: Config | None = None, translator: Translator | None = None,
                 checks: Sequence[Check] | None = None):
        self.settings = settings if settings is not None else Config()
        self.translator = translator
        self.checks = list(checks) if checks is not None else self.settings.build_checks()

    def check(self, item: Input) -> CheckResult:
        return self.check_many([item])[0]

    def check_many(self, items: Iterable[Input], *, capture: bool = False) -> list[Any]:
        """The results of `items`, in order. With `capture`, an input that cannot be checked gives
        the exception in its place (a batch reports it as that article's error) instead of raising.

        Each input is first segmented and its source chosen (`_begin`); the checks' `prepare`
        hooks then get every input's target segments (Grammalecte starts on them, in the
        background), and only then are sources segmented, back-translated and aligned, so that
        the external work runs beside all of that as well as beside the other checks."""
        begun = _each(list(items), self._begin, capture)
        opened = []
        try:
            early = [CheckInput(target=b.target_segments) for b in begun if not isinstance(b, BaseException)]
            for check in self.checks:
                if early and check.unavailable() is None:
                    check.prepare(early)
                    opened.append(check)
            return _each(_each(begun, self._prepare, capture), self._finish, capture)
        finally:
            for check in opened:
                check.close()

    # ---------------------------------------------------------------- the steps

    def _begin(self, item: Input) -> _Begun:
        if isinstance(item, BilingualDocument):
            return self._begin_bilingual(item)
        if isinstance(item, Article):
            return self._begin_article(item.target, item.source, item.candidates, line_aligned=item.line_aligned)
        raise TypeError(f"mtqa.check takes an Article or a BilingualDocument (mtqa.read_input), not {type(item).__name__}")

    def _begin_article(self, target: Document, source: Document | None, candidates: Sequence[Document] = (),
                       *, line_aligned: bool = False) -> _Begun:
        target_segments = segment_document(target, TARGET_LANGUAGE)
        retrieval = None
        if source is None and candidates:
            retrieval = rank_sources(target.text, [(c.path, c.text) for c in candidates])
            if retrieval.chosen is not None:
                source = next(c for c in candidates if c.path == retrieval.chosen.path)
        if source is not None:
            problem = source_language_error(source)
            if problem:
                raise InputError(problem)
        return _Begun(target, source, target_segments, retrieval, line_aligned)

    def _begin_bilingual(self, doc: BilingualDocument) -> _Begun:
        """Line N of each side is unit N. A unit with no translation is reported once, on its own
        unit, by the untranslated check (when selected), and its source is left out of the checked
        text so that no other check reports it as an omission next to a neighbouring unit."""
        source, target, ids = to_documents(doc)
        empty = [i for i, unit in enumerate(doc.units) if not unit.translated and unit.source.strip()]
        checked_source = replace(source, lines=tuple("" if i in set(empty) else line
                                                     for i, line in enumerate(source.lines)))
        begun = self._begin_article(target, checked_source, line_aligned=True)
        begun.bilingual, begun.empty_units, begun.unit_ids, begun.source_lines = doc, tuple(empty), ids, source.lines
        return begun

    def _prepare(self, begun: _Begun) -> _Prepared:
        target, source, target_segments = begun.target, begun.source, begun.target_segments
        provenance = attribute(target_segments)
        source_segments = segment_document(source, SOURCE_LANGUAGE) if source is not None else []
        translator = self.translator
        bt = back_translate(target_segments, translator) if translator is not None else None
        similarity = similarity_function(target_segments, bt) if bt is not None else None
        if begun.line_aligned and source_segments:
            beads = beads_by_line(source_segments, target_segments)
        else:
            # Lines are paragraphs: the aligner keeps them together (mtqa.source.align, CostWeights.paragraph).
            beads = (align([s.text for s in source_segments], [s.text for s in target_segments], similarity,
                           source_lines=[s.line for s in source_segments],
                           target_lines=[s.line for s in target_segments])
                     if source_segments else [])
            beads = pair_orphans(beads, source_segments, target_segments)
        bead_chrf: dict[int, float] = {}
        forced: dict[int, float] = {}
        if bt is not None and beads and translator is not None:
            bead_chrf, forced = _bead_scores(beads, source_segments, target_segments, bt, translator)
        data = CheckInput(target=target_segments, source=source_segments, beads=beads, provenance=provenance,
                          back_translations=bt.texts if bt else {}, forced_scores=forced,
                          bt_thresholds=_thresholds(translator),
                          target_lines=target.lines, source_lines=source.lines if source is not None else ())
        result = CheckResult(target, source, target_segments, source_segments, beads, provenance, begun.retrieval,
                             [], [], {}, bt, bead_chrf)
        prepared = _Prepared(result, data, begun.empty_units, begun.unit_ids, begun.source_lines)
        if begun.bilingual is not None:
            doc = begun.bilingual
            prepared.result.bilingual = doc
            prepared.data.markup = {n: (unit.source_tags, unit.target_tags) for n, unit in enumerate(doc.units, 1)
                                    if unit.source_tags or unit.target_tags}
        return prepared

    def _finish(self, p: _Prepared) -> CheckResult:
        data, result = p.data, p.result
        found: dict[int, list[Flag]] = {}
        skipped: dict[str, str] = {}
        # Checks with work in the background (Grammalecte) run after the others, which gives that
        # work their time too; the flags are then put back in the order of the checks.
        order = sorted(range(len(self.checks)), key=lambda k: self.checks[k].background)
        for k in order:
            check = self.checks[k]
            if check.needs_source and not data.has_source:
                skipped[check.name] = "needs a source text"
                continue
            if check.needs_model and result.backtranslation is None:
                skipped[check.name] = "needs a translation model"
                continue
            reason = check.unavailable() or check.skip_reason(data)
            if reason:
                skipped[check.name] = reason
                continue
            found[k] = list(check.run(data))
        everything = [f for k in sorted(found) for f in found[k]]
        for k in sorted(found):
            found[k].extend(self.checks[k].review(data, everything))
        run = [self.checks[k].name for k in sorted(found)]
        skipped = {self.checks[k].name: skipped[self.checks[k].name] for k in range(len(self.checks))
                   if self.checks[k].name in skipped}
        flags = merge_flags([f for k in sorted(found) for f in found[k]])  # one flag per problem
        if result.bilingual is not None:
            flags = self._bilingual_flags(p, flags)
        result = replace(result, flags=sort_flags(flags), checks_run=run, checks_skipped=skipped,
                         fail_on=self.settings.fail_on, segment_data=data.segment_data)
        return apply_config(result, self.settings)

    def _bilingual_flags(self, p: _Prepared, flags: list[Flag]) -> list[Flag]:
        ids = p.unit_ids
        out = [replace(f, unit=ids[f.line - 1]) if 1 <= f.line <= len(ids) else f for f in flags]
        untranslated = next((c for c in self.checks if c.name == UNTRANSLATED_CHECK), None)
        if untranslated is not None:
            for i in p.empty_units:
                out.append(Flag(check=untranslated.name, category=UNTRANSLATED, severity=untranslated.options.severity,
                                line=i + 1, message="no translation: the unit's target is empty",
                                text="", source_text=p.source_lines[i], evidence={"target": "empty"},
                                unit=ids[i]))
        return out


def _each(items: Sequence[Any], step: Callable[[Any], Any], capture: bool) -> list[Any]:
    """`step` of each item in order; an exception (an item's own, or one already in its place)
    stands in for its result with `capture`, and is raised without."""
    out: list[Any] = []
    for item in items:
        if isinstance(item, BaseException):
            out.append(item)
            continue
        try:
            out.append(step(item))
        except Exception as exc:
            if not capture:
                raise
            out.append(exc)
    return out


def _thresholds(translator: Translator | None) -> dict[str, float]:
    """The back-translation check's calibrated thresholds that come with the translator (a known
    model's, from its registry entry or its manifest; a replayed file's), or {}."""
    if translator is None:
        return {}
    found = translator.identity.get("thresholds")
    if not isinstance(found, dict):
        return {}
    return {k: float(v) for k, v in found.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _bead_scores(beads: Sequence[Bead], source_segments: Sequence[Segment], target_segments: Sequence[Segment],
                 bt: BackTranslation, translator: Translator) -> tuple[dict[int, float], dict[int, float]]:
    """Per bead: chrF of the back-translation against the source, and the forced-decoding score
    of the source given the French (one batched model call)."""
    chrf: dict[int, float] = {}
    to_score: list[tuple[int, str, str]] = []
    for k, bead in enumerate(beads):
        hyp = " ".join(bt.texts[j] for j in bead.target if j in bt.texts)
        ref = " ".join(source_segments[i].text for i in bead.source)
        if bead.target and ref and any(j in bt.texts for j in bead.target):
            chrf[k] = meaning_score(hyp, ref)  # the check's score; an empty back-translation scores 0
            to_score.append((k, " ".join(target_segments[j].text for j in bead.target), ref))
    forced: dict[int, float] = {}
    if to_score:
        scores = translator.score([t for _, t, _ in to_score], [r for _, _, r in to_score])
        if scores is not None:
            forced = {k: float(s) for (k, _, _), s in zip(to_score, scores)}
    return chrf, forced


def check(input: Input, settings: Config | None = None, translator: Translator | None = None) -> CheckResult:
    """Check one input and return its CheckResult, configuration applied.

    `input` is what `mtqa.read_input(path, source=..., corpus=...)` returns: an `Article` (a French
    text with its Norwegian source, or candidate sources to find it among) or a `BilingualDocument`
    (XLIFF, TMX, PO, JSONL: units already paired). `settings` is a `mtqa.Config` (checks enabled
    and their options, severity overrides, suppressions, fail_on; default: the built-in settings,
    `mtqa.load_config` reads mtqa.toml). `translator` back-translates French into Norwegian (a
    `mtqa.mt.Translator`: `mtqa.load_translator(model)` for a CTranslate2 model); without one,
    the checks that need it are skipped and the result says so.

    The result carries the segments, the alignment, the provenance, every flag (suppressed ones
    marked) and `verdict` ("pass"/"fail" at `settings.fail_on`); `mtqa.render(result, "json")`
    gives the report `mtqa check -f json` writes.
    """
    return Pipeline(settings, translator).check(input)


def check_article(target: Document, source: Document | None = None, candidates: Sequence[Document] | None = None,
                  checks: Sequence[Check] | None = None, translator: Translator | None = None, *,
                  line_aligned: bool = False) -> CheckResult:
    """`check` on plain Documents with a given list of checks (tests and scripts)."""
    return Pipeline(None, translator, checks).check(Article(target, source, tuple(candidates or ()), line_aligned))


def check_bilingual(doc: BilingualDocument, checks: Sequence[Check] | None = None,
                    translator: Translator | None = None) -> CheckResult:
    """`check` on a BilingualDocument with a given list of checks (tests and scripts)."""
    return Pipeline(None, translator, checks).check(doc)


__all__ = ["NO_MODEL_REASON", "Pipeline", "SOURCE_LANGUAGE", "TARGET_LANGUAGE", "beads_by_line", "check",
           "check_article", "check_bilingual", "pair_orphans", "source_language_error"]
