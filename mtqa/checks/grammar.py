"""French grammar errors found by Grammalecte (an optional, offline, external checker).

Grammalecte (https://grammalecte.net, GPL-3) is run as a separate program, the
`grammalecte-cli` of Debian's `grammalecte-cli` package (`apt-get install grammalecte-cli`),
once per document over all target segments (one segment per line of a temporary file,
JSON output). It is never imported, so mtqa's own licence and environment do not depend
on it; when it is not installed `available()` is False and the check yields nothing.

Measured on FLORES-200 dev (docs/benchmarks/grammar.md): Grammalecte's agreement and
conjugation rules are precise (most hits, even on the human reference, are real errors)
but fire on only 1-3 % of lines, at about the same rate on human and machine French,
so they catch isolated agreement slips, not garbled translations. Typography rules
(apostrophes, non-breaking spaces, units, ...) fire on half the lines of any text and are
never used. Unknown words are mostly proper nouns and are off by default.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Iterable, Literal, Sequence

from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import CREDIT, HASHTAGS, UI, Segment, SegmentKind
from mtqa.errors import MtqaError
from mtqa.core.flags import GRAMMAR, Severity

DEFAULT_EXECUTABLE = "grammalecte-cli"

# Rule groups, from Grammalecte's option names (the JSON "sType").
GRAMMAR_GROUP: Final = "grammar"          # agreement, conjugation, verb mood, infinitive, imperative, interrogative
CONFUSION_GROUP: Final = "confusion"      # homophones and usage: a/à, ce/se, locutions, elisions, hyphens, pleonasms
REPETITION_GROUP: Final = "repetition"    # the same word twice in a row ("le le", "présidentielle présidentielle")
PUNCTUATION_GROUP: Final = "punctuation"  # missing commas
TYPOGRAPHY_GROUP: Final = "typography"    # apostrophes, (non-breaking) spaces, units, numbers, quotes, capitals
SPELLING_LOWER_GROUP: Final = "spelling-lower"  # unknown word starting with a lower-case letter
SPELLING_CAP_GROUP: Final = "spelling-cap"      # unknown capitalised word: nearly always a proper noun
OTHER_GROUP: Final = "other"
GROUPS = (GRAMMAR_GROUP, CONFUSION_GROUP, REPETITION_GROUP, PUNCTUATION_GROUP, TYPOGRAPHY_GROUP,
          SPELLING_LOWER_GROUP, SPELLING_CAP_GROUP, OTHER_GROUP)
# The same, as a type (for the settings that name groups).
GroupName = Literal["grammar", "confusion", "repetition", "punctuation", "typography", "spelling-lower",
                    "spelling-cap", "other"]

_TYPE_GROUP = {
    **dict.fromkeys(("gn", "ppas", "conj", "vmode", "infi", "imp", "inte"), GRAMMAR_GROUP),
    **dict.fromkeys(("conf", "loc", "eleu", "tu", "pleo", "neg", "bs", "date", "chim", "eepi", "mc"),
                    CONFUSION_GROUP),
    "doublon": REPETITION_GROUP,
    "virg": PUNCTUATION_GROUP,
    **dict.fromkeys(("apos", "nbsp", "typo", "unit", "esp", "tab", "liga", "num", "maj", "minis", "html",
                     "latex", "md", "ocr", "mapos", "poncfin", "nf", "redon1", "redon2"), TYPOGRAPHY_GROUP),
}
# Grammalecte options switched off when no typography rule is wanted (faster, less output).
TYPOGRAPHY_OPTIONS = ("apos", "nbsp", "typo", "unit", "esp", "num", "maj", "minis", "nf")

_RULE_PREFIX = re.compile(r"^g\w?\d*__([a-z]+)_")
_RULE_SUFFIX = re.compile(r"__b\d+_a\d+_\d+$")
# Characters that break a line for Python's universal-newline reading (Grammalecte's file reader).
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " "})
_SENTENCE_OPENERS = set(".!?…:;«»\"“”—–-([")


def rule_group(stype: str, rule_id: str) -> str:
    """The group of one Grammalecte grammar error, from its option ("sType") and rule id."""
    if stype == "notype" or stype not in _TYPE_GROUP:
        if rule_id == "doublon":
            return REPETITION_GROUP
        if rule_id.startswith("num_"):
            return TYPOGRAPHY_GROUP
        m = _RULE_PREFIX.match(rule_id)
        stype = m.group(1) if m else stype
    return _TYPE_GROUP.get(stype, OTHER_GROUP)


def rule_base(rule_id: str) -> str:
    """Rule id without Grammalecte's action suffix: "g3__gn_les_1m__b3_a1_1" -> "g3__gn_les_1m"."""
    return _RULE_SUFFIX.sub("", rule_id)


@dataclass(frozen=True)
class GrammalecteError:
    """One error Grammalecte reported in one input text (offsets are within that text)."""

    start: int
    end: int
    rule: str            # rule id, "spelling" for an unknown word
    type: str            # Grammalecte option ("gn", "conj", "nbsp", ...), "WORD" for an unknown word
    group: str           # one of GROUPS
    message: str
    suggestions: tuple[str, ...] = ()
    line_id: str = ""    # Grammalecte's rule line: errors of one rule match share it

    @property
    def key(self) -> tuple[str, str]:
        """Errors with the same key come from one match of one rule (e.g. determiner + noun)."""
        return (self.line_id, rule_base(self.rule))


class GrammalecteFailed(MtqaError):
    """Grammalecte is installed but did not run, timed out, or answered something unreadable."""


def executable_path(executable: str = DEFAULT_EXECUTABLE) -> str | None:
    """Full path of the Grammalecte CLI, or None. MTQA_GRAMMALECTE overrides the default name."""
    if executable == DEFAULT_EXECUTABLE:
        executable = os.environ.get("MTQA_GRAMMALECTE", executable)
    return shutil.which(executable)


def available(executable: str = DEFAULT_EXECUTABLE) -> bool:
    """True when the Grammalecte CLI can be run (installed and on PATH, or a path that exists)."""
    return executable_path(executable) is not None


def run_grammalecte(texts: Sequence[str], *, executable: str = DEFAULT_EXECUTABLE,
                    options_off: Iterable[str] = (), spelling_suggestions: bool = False,
                    timeout: float = 600) -> list[list[GrammalecteError]]:
    """Check many texts with ONE Grammalecte process; errors of texts[i] are in result[i].

    Each text becomes one line of a temporary UTF-8 file (line breaks inside a text are
    replaced by spaces, which keeps offsets); Grammalecte reports each line as a paragraph
    numbered from 1 with offsets within it.
    """
    path = executable_path(executable)
    if path is None:
        raise GrammalecteFailed(f"grammar check: {executable!r} not found (apt-get install grammalecte-cli)")
    result: list[list[GrammalecteError]] = [[] for _ in texts]
    if not texts:
        return result
    with tempfile.TemporaryDirectory(prefix="mtqa-grammalecte-") as tmp:
        src = os.path.join(tmp, "segments.txt")
        with open(src, "w", encoding="utf-8", newline="\n") as fh:
            for text in texts:
                fh.write(text.translate(_LINE_BREAKS) + "\n")
        cmd = [path, "-f", src, "-j", "-owe"]
        if spelling_suggestions:
            cmd.append("-wss")
        off = list(options_off)
        if off:
            cmd += ["-off", *off]  # nargs="+": must come last
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", timeout=timeout,
                                  cwd=tmp, stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise GrammalecteFailed(f"grammar check: could not run {path}: {exc}") from exc
    if proc.returncode != 0:
        raise GrammalecteFailed(f"grammar check: {path} exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
    try:
        paragraphs = json.loads(proc.stdout)["data"]
    except (ValueError, KeyError, TypeError) as exc:
        raise GrammalecteFailed(f"grammar check: unreadable output from {path}: {proc.stdout[:200]!r}") from exc
    for para in paragraphs:
        i = para.get("iParagraph", 0) - 1
        if not 0 <= i < len(texts):
            continue
        for e in para.get("lGrammarErrors", ()):
            rule, stype = e.get("sRuleId", ""), e.get("sType", "")
            result[i].append(GrammalecteError(
                start=e["nStart"], end=e["nEnd"], rule=rule, type=stype, group=rule_group(stype, rule),
                message=e.get("sMessage", ""), suggestions=tuple(e.get("aSuggestions") or ()),
                line_id=e.get("sLineId", "")))
        for e in para.get("lSpellingErrors", ()):
            word = e.get("sValue", "")
            group = SPELLING_CAP_GROUP if word[:1].isupper() else SPELLING_LOWER_GROUP
            result[i].append(GrammalecteError(
                start=e["nStart"], end=e["nEnd"], rule="spelling", type="WORD", group=group,
                message=f"Mot inconnu : « {word} »", suggestions=tuple(e.get("aSuggestions") or ())))
    for errors in result:
        errors.sort(key=lambda e: (e.start, e.end, e.rule))
    return result


def _is_proper_noun(text: str, start: int, end: int) -> bool:
    """The underlined word looks like a name or acronym: capitalised inside a sentence, or all caps."""
    word = text[start:end].strip()
    if not word or not any(c.isupper() for c in word):
        return False
    letters = [c for c in word if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return True  # "US", "ACTA", "NRK"
    before = text[:start].rstrip()
    return bool(before) and before[-1] not in _SENTENCE_OPENERS


def drop_proper_noun_matches(text: str, errors: Sequence[GrammalecteError]) -> list[GrammalecteError]:
    """Drop grammar matches that hinge on a name ("Né à Hong Kong, Ma a étudié" read as "ma").

    When any part of one rule match underlines a likely proper noun, all its parts go.
    Spelling errors are left alone (they are grouped by case instead).
    """
    bad = {e.key for e in errors if e.rule != "spelling" and _is_proper_noun(text, e.start, e.end)}
    return [e for e in errors if e.rule == "spelling" or e.key not in bad]


def group_matches(errors: Sequence[GrammalecteError]) -> list[list[GrammalecteError]]:
    """Gather the parts of one rule match (same rule line and base id) into one list, in order."""
    matches: dict[tuple, list[GrammalecteError]] = {}
    for e in errors:
        key = ("spelling", e.start) if e.rule == "spelling" else e.key
        matches.setdefault(key, []).append(e)
    return sorted(matches.values(), key=lambda parts: min(p.start for p in parts))


class GrammarCheck(Check):
    """French agreement, conjugation and repeated-word errors found by Grammalecte (optional, offline).

    Catches: noun-phrase agreement ("les marchandises importées plus chers"), subject-verb
    agreement ("Ces tempêtes comporte"), past-participle agreement, verb mood after
    "bien que", and a word doubled by the MT system ("l'élection présidentielle présidentielle").
    Does not catch garbled but well-formed sentences or mistranslations. Typography and
    unknown-word rules are off by default (they fire on most human text). Runs Grammalecte
    once per document; yields nothing when it is not installed (see `available()`).
    """

    name = "grammar"
    category = GRAMMAR
    background = True  # Grammalecte runs beside the other checks, started by prepare

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a match whose group has no entry in group_severity"})
        # Rule groups that produce flags (see GROUPS), and the severity of each; a group
        # missing from `group_severity` gets `severity`.
        groups: tuple[GroupName, ...] = field(default=(GRAMMAR_GROUP, REPETITION_GROUP), metadata={
            "help": "Grammalecte rule groups that produce flags: " + ", ".join(GROUPS)})
        group_severity: Mapping[GroupName, Severity] = field(
            default_factory=lambda: {GRAMMAR_GROUP: Severity.MINOR, REPETITION_GROUP: Severity.MAJOR,
                                     CONFUSION_GROUP: Severity.MINOR, SPELLING_LOWER_GROUP: Severity.MINOR},
            hash=False, metadata={"help": "severity per rule group"})
        rules_off: tuple[str, ...] = field(default=(), metadata={
            "help": "Grammalecte rule ids to ignore (with or without the \"__b1_a1_1\" suffix)"})
        proper_noun_guard: bool = field(default=True, metadata={
            "help": "drop matches that underline a capitalised name or acronym"})
        skip_kinds: tuple[SegmentKind, ...] = field(default=(HASHTAGS, UI, CREDIT), metadata={
            "help": "segment kinds never checked"})
        # Not from a configuration file: which program mtqa runs is the machine's business, not
        # that of a file checked in with the articles.
        executable: str = field(default=DEFAULT_EXECUTABLE, metadata={
            "help": "name on PATH or full path of grammalecte-cli; the MTQA_GRAMMALECTE environment variable "
                    "names another", "config": False})
        timeout: float = field(default=600, metadata={
            "help": "seconds allowed for the one Grammalecte run of a document", "min": 0.0})
        # Grammalecte takes about 6 ms a segment, and time growing with the square of a sentence's
        # length: a document with more segments is not checked (said in the report), a longer segment
        # (a paragraph without sentence ends, a run of text without spaces) is not sent.
        max_segments: int = field(default=20000, metadata={
            "help": "documents with more segments are not checked (about 2 minutes)", "min": 0})
        max_segment_chars: int = field(default=3000, metadata={
            "help": "longer segments are left out (Grammalecte is quadratic on them)", "min": 0})
        jobs: int = field(default=0, metadata={
            "help": "Grammalecte processes at once for a large input (0: one per CPU)", "min": 0})
        chunk_segments: int = field(default=400, metadata={
            "help": "segments per Grammalecte process (its start-up costs about 1 s)", "min": 1})

    def unavailable(self) -> str | None:
        if self.available():
            return None
        return f"{self.options.executable} not found (Debian: apt-get install grammalecte-cli)"

    def available(self) -> bool:
        return available(self.options.executable)

    def _checkable(self, segments: Sequence[Segment]) -> list[Segment]:
        return [s for s in segments if s.kind not in self.options.skip_kinds and s.text.strip()
                and len(s.text) <= self.options.max_segment_chars]

    def skip_reason(self, data: CheckInput) -> str | None:
        n = len(self._checkable(data.target))
        if n > self.options.max_segments:
            return (f"document too large for Grammalecte: {n} segments to check, at most {self.options.max_segments} "
                    f"(grammar.max_segments)")
        return None

    def _options_off(self) -> list[str]:
        return [] if TYPOGRAPHY_GROUP in self.options.groups else list(TYPOGRAPHY_OPTIONS)

    def errors_for(self, segments: Sequence[Segment]) -> list[list[GrammalecteError]]:
        """Grammalecte's errors for each segment, filtered as configured: the answers `prepare`
        started for them (waited for), and one Grammalecte process for the rest."""
        texts = {s.text for s in segments}
        memo = self.__dict__.setdefault("_memo", {})
        for pending, future in list(self.__dict__.get("_pending", [])):
            if texts.isdisjoint(pending):
                continue
            try:
                memo.update(future.result())
            except GrammalecteFailed:
                pass  # that group's run failed: these texts are asked again on their own, below
            self._pending.remove((pending, future))
        todo = list(dict.fromkeys(s.text for s in segments if s.text not in memo))
        if todo:
            memo.update(zip(todo, self._errors_for_texts(todo)))
        return [memo[s.text] for s in segments]

    def prepare(self, inputs: Sequence[CheckInput]) -> None:
        """Start asking Grammalecte about every distinct checkable segment of `inputs` (their
        target segments), in the background (threads waiting on Grammalecte processes) while the
        sources are aligned and the other checks run: one process per `chunk_segments` segments,
        at most `jobs` at once. Grammalecte checks every line on its own, so the flags are those
        of one run per document."""
        from concurrent.futures import ThreadPoolExecutor

        self.close()
        texts = list(dict.fromkeys(s.text for data in inputs if self.skip_reason(data) is None
                                   for s in self._checkable(data.target)))
        if not texts:
            return
        size = max(self.options.chunk_segments, -(-len(texts) // self._workers()))
        groups = [texts[i:i + size] for i in range(0, len(texts), size)]
        pool = ThreadPoolExecutor(max_workers=min(len(groups), self._workers()),
                                  thread_name_prefix="mtqa-grammalecte")
        self._pool: ThreadPoolExecutor | None = pool
        self._pending = [(frozenset(g), pool.submit(self._answers, g)) for g in groups]

    def close(self) -> None:
        pool = self.__dict__.get("_pool")
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self._pending = []
        self._memo: dict[str, list[GrammalecteError]] = {}

    def _workers(self) -> int:
        return self.options.jobs or os.cpu_count() or 1

    def _answers(self, texts: Sequence[str]) -> dict[str, list[GrammalecteError]]:
        return dict(zip(texts, self._errors_for_texts(texts)))

    def _errors_for_texts(self, texts: Sequence[str]) -> list[list[GrammalecteError]]:
        wanted = set(self.options.groups)
        spelling = bool(wanted & {SPELLING_LOWER_GROUP, SPELLING_CAP_GROUP})
        raw = run_grammalecte(list(texts), executable=self.options.executable, options_off=self._options_off(),
                              spelling_suggestions=spelling, timeout=self.options.timeout)
        off = set(self.options.rules_off)
        out = []
        for text, errors in zip(texts, raw):
            errors = [e for e in errors if e.group in wanted and e.rule not in off and rule_base(e.rule) not in off]
            if self.options.proper_noun_guard:
                errors = drop_proper_noun_matches(text, errors)
            out.append(errors)
        return out

    def run(self, data: CheckInput):
        if not self.available():
            return
        segments = self._checkable(data.target)
        if not segments:
            return
        severities = dict(self.options.group_severity)
        for seg, errors in zip(segments, self.errors_for(segments)):
            for parts in group_matches(errors):
                first = parts[0]
                start, end = min(p.start for p in parts), max(p.end for p in parts)
                suggestions = [s for p in parts for s in p.suggestions]
                fix = " / ".join(f"{seg.text[p.start:p.end]} → {p.suggestions[0]}" for p in parts if p.suggestions)
                message = f"Grammalecte: {first.message}" + (f" ({fix})" if fix else "")
                yield self.flag(
                    seg, message, source_text=data.source_text_for(seg),
                    severity=severities.get(first.group, self.options.severity),
                    span=(seg.start + start, seg.start + end),
                    evidence={
                        "rule": rule_base(first.rule), "group": first.group, "type": first.type,
                        "message": first.message, "text": seg.text[start:end], "suggestions": suggestions,
                        "parts": [{"rule": p.rule, "span": [seg.start + p.start, seg.start + p.end],
                                   "text": seg.text[p.start:p.end], "message": p.message,
                                   "suggestions": list(p.suggestions)} for p in parts],
                    })
