"""Page furniture translated as if it were article content: interface text, credits,
teaser links to other articles, hashtag lines and all-caps caption kickers."""

from __future__ import annotations

from dataclasses import dataclass, field

from mtqa.text import furniture
from mtqa.checks.base import Check, CheckInput
from mtqa.core.document import CAPTION, CREDIT, HASHTAGS, HEADLINE, TEASER, UI
from mtqa.core.flags import BOILERPLATE, KICKER, Severity


class InterfaceTextCheck(Check):
    """Interface text ("Voir plus", "Afficher plus", "Se mer") left in the article body."""

    name = "interface-text"
    category = BOILERPLATE

    @dataclass(frozen=True)
    class Options(Check.Options):
        """Only the base setting: severity (major)."""

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind == UI:
                source = data.source_text_for(seg)
                lang = furniture.ui_language(seg.text) or "?"
                what = "left untranslated" if lang == "nb" else "translated as content"
                yield self.flag(seg, f"interface text {seg.text!r} {what}", source_text=source,
                                evidence={"ui_language": lang})


class CreditCheck(Check):
    """Photo/video/reporter credits carried into the article text: minor under a caption (the
    page had a picture there), major when glued to a paragraph of body text."""

    name = "credits"
    category = BOILERPLATE

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={"help": "a credit glued to a paragraph of body text"})
        caption_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "a credit under a caption (the page had a picture there)"})

    def run(self, data: CheckInput):
        caption_lines = {s.line for s in data.target if s.kind == CAPTION}
        for seg in data.target:
            if seg.kind != CREDIT:
                continue
            if seg.line in caption_lines or all(s.kind in (CREDIT, UI) for s in data.target if s.line == seg.line):
                yield self.flag(seg, "caption credit carried into the article text",
                                source_text=data.source_text_for(seg), severity=self.options.caption_severity)
            else:
                yield self.flag(seg, "credit glued to a paragraph of the article", source_text=data.source_text_for(seg))


class TeaserCheck(Check):
    """Headlines of other articles (teaser links) left in the body.

    Teaser-shaped lines ("Lire aussi : …", "– Le pire signal possible", "Poutine : – En sécurité") are
    reported at `severity`; other short unpunctuated lines inside the body are reported at
    `heading_severity`, raised to `severity` when they have no counterpart in the source.
    """

    name = "teaser"
    category = BOILERPLATE

    @dataclass(frozen=True)
    class Options(Check.Options):
        severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "teaser-shaped lines (\"Lire aussi : ...\", \"Poutine : – En sécurité\")"})
        heading_severity: Severity = field(default=Severity.MINOR, metadata={
            "help": "other short unpunctuated lines in the body (raised when not in the source)"})

    def run(self, data: CheckInput):
        first_line = min((s.line for s in data.target), default=1)
        for seg in data.target:
            pair = data.pair_of_target.get(seg.index)
            source = pair.source_text if pair else ""
            if seg.kind == TEASER:
                yield self.flag(seg, "teaser headline of another article left in the body", source_text=source)
            elif seg.kind == HEADLINE and seg.line != first_line:
                unmatched = data.has_source and pair is not None and not pair.source
                if unmatched:
                    yield self.flag(seg, "heading with no counterpart in the source: a teaser for another article?",
                                    source_text=source)
                elif pair and any(s.kind == TEASER for s in pair.source):
                    yield self.flag(seg, "the source line is a teaser link to another article", source_text=source)
                else:
                    yield self.flag(seg, "subheading or teaser link: check it belongs to this article",
                                    source_text=source, severity=self.options.heading_severity)


class HashtagCheck(Check):
    """Hashtag lines (translated word by word, they become nonsense tags)."""

    name = "hashtags"
    category = BOILERPLATE

    @dataclass(frozen=True)
    class Options(Check.Options):
        """Only the base setting: severity (major)."""

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind == HASHTAGS:
                source = data.source_text_for(seg)
                tags = [t for t in seg.text.split() if t.startswith("#")]
                msg = "hashtag line translated word by word" if source else "hashtag line in the article body"
                yield self.flag(seg, msg, source_text=source, evidence={"tags": tags})


class KickerCheck(Check):
    """All-caps caption labels ("MATCHS DIFFICILES :") carried over from the Norwegian layout.

    French captions do not use caps kickers, and a kicker is a short pun-like label that
    machine translation renders literally; the source kicker is shown beside it to review.
    """

    name = "kicker"
    category = KICKER

    @dataclass(frozen=True)
    class Options(Check.Options):
        # French captions do not use caps labels, and a kicker translated word for word is the typical
        # damage ("TØFFE KAMPER" -> "MATCHS DIFFICILES"): carried over at all, it is a defect to fix.
        severity: Severity = field(default=Severity.MAJOR, metadata={"help": "a caps kicker carried over"})
        with_source_severity: Severity = field(default=Severity.MAJOR, metadata={
            "help": "a caps kicker translated from a source kicker (shown beside it)"})

    def run(self, data: CheckInput):
        for seg in data.target:
            if seg.kind == CAPTION and seg.kicker:
                pair = data.pair_of_target.get(seg.index)
                source_kicker = next((s.kicker for s in (pair.source if pair else ()) if s.kicker), "")
                if source_kicker:
                    message = (f"all-caps kicker {seg.kicker!r} (source kicker {source_kicker!r}): "
                               "check it reads as intended in French")
                    severity = self.options.with_source_severity
                else:
                    message = f"all-caps label {seg.kicker!r} with no kicker in the source"
                    severity = self.options.severity
                yield self.flag(seg, message, source_text=pair.source_text if pair else "", severity=severity,
                                evidence={"kicker": seg.kicker, "source_kicker": source_kicker},
                                span=(seg.start, seg.start + len(seg.kicker)))
