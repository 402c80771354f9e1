"""The batch summary: one ArticleOutcome per article, ranked worst first, as summary.json and summary.html.

`summary_dict` ranks the articles (errors, then worst severity, flags, path) and is
byte-identical whatever the number of jobs. `exit_status` is that of the worst article:
3 internal error (a bug) > 2 input error > 1 fail at --fail-on > 0 pass.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from mtqa import __version__
from mtqa.core.flags import CATEGORIES, SEVERITIES, SEVERITY_RANK, active, verdict
from mtqa.errors import EXIT_FLAGGED, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from mtqa.readers.manifest import BatchItem

SUMMARY_VERSION = "1.1"   # 1.1: each article's provenance (outlet, confidence)
# "unchecked" (no source found: the translation was not compared with anything) ranks above "fail":
# like an error, the article still needs a look before anything is known about it.
VERDICT_RANK = {"pass": 0, "fail": 1, "unchecked": 2, "error": 3}


@dataclass
class ArticleOutcome:
    """What the batch learned about one article: a row of summary.json."""

    target: str
    source: str | None          # the source used: given, or found by retrieval (None: none)
    report: str | None          # report file name in OUTDIR; None when the article could not be checked
    verdict: str                # "pass" | "fail" | "unchecked" | "error"
    worst_severity: str | None = None
    flags: int = 0
    by_severity: dict = field(default_factory=dict)
    by_category: dict = field(default_factory=dict)
    error: str | None = None
    internal: bool = False      # the error is a bug in mtqa (exit status 3), not bad input
    provenance: dict | None = None  # {"outlet", "confidence"} from the credits; None when not checked

    def to_dict(self) -> dict:
        return {"target": self.target, "source": self.source, "report": self.report, "verdict": self.verdict,
                "worst_severity": self.worst_severity, "flags": self.flags, "by_severity": self.by_severity,
                "by_category": self.by_category, "error": self.error, "provenance": self.provenance}

    @classmethod
    def from_dict(cls, row: dict, internal: bool = False) -> "ArticleOutcome":
        provenance = row.get("provenance")  # absent from a state written before summary 1.1
        return cls(row["target"], row["source"], row["report"], row["verdict"], row["worst_severity"],
                   row["flags"], dict(row["by_severity"]), dict(row["by_category"]), row["error"], internal,
                   dict(provenance) if isinstance(provenance, dict) else None)


def outcome_from_flags(item: BatchItem, source: str | None, report: str, flags: Sequence,
                       fail_on: str, checked: bool = True, provenance=None) -> ArticleOutcome:
    """The summary row of a checked article; suppressed flags (mtqa.toml [[suppress]]) do not count.
    `provenance`: the article's mtqa.source.provenance.Provenance (its outlet and confidence)."""
    flags = active(list(flags))
    by_severity = Counter(f.severity for f in flags)
    by_category = Counter(f.category for f in flags)
    order = {c: i for i, c in enumerate(CATEGORIES)}
    worst = max((f.severity for f in flags), key=SEVERITY_RANK.__getitem__, default=None)
    return ArticleOutcome(
        target=str(item.target), source=source, report=report, verdict=verdict(list(flags), fail_on, checked),
        worst_severity=worst, flags=len(flags),
        by_severity={s: by_severity[s] for s in SEVERITIES if by_severity[s]},
        by_category={c: by_category[c] for c in sorted(by_category, key=lambda c: (order.get(c, len(order)), c))},
        provenance=None if provenance is None else {"outlet": provenance.outlet,
                                                    "confidence": round(provenance.confidence, 3)})


def error_outcome(item: BatchItem, message: str, internal: bool = False) -> ArticleOutcome:
    return ArticleOutcome(str(item.target), None if item.source is None else str(item.source), None, "error",
                          error=" ".join(message.split()), internal=internal)


def rank_key(o: ArticleOutcome):
    """Errors first, then the worst severity, the number of flags, the target path (then the rest,
    so that the order is total and the summary deterministic)."""
    severity = SEVERITY_RANK[o.worst_severity] if o.worst_severity else -1
    return (-VERDICT_RANK[o.verdict], -severity, -o.flags, o.target, o.source or "", o.report or "")


def rank_outcomes(outcomes: Iterable[ArticleOutcome]) -> list[ArticleOutcome]:
    return sorted(outcomes, key=rank_key)


def exit_status(outcomes: Iterable[ArticleOutcome], require_source: bool = False) -> int:
    """The exit status of the worst article: 3 internal error > 2 input error > 1 fail > 0 pass.
    "unchecked" (no source) is 0, or 1 with `require_source` (--require-source)."""
    status = EXIT_OK
    for o in outcomes:
        if o.verdict == "error":
            status = max(status, EXIT_INTERNAL if o.internal else EXIT_USAGE)
        elif o.verdict == "fail" or (o.verdict == "unchecked" and require_source):
            status = max(status, EXIT_FLAGGED)
    return status


def summary_dict(outcomes: Iterable[ArticleOutcome], fail_on: str) -> dict:
    """summary.json: every article ranked worst first, and the totals."""
    rows = rank_outcomes(outcomes)
    verdicts = Counter(o.verdict for o in rows)
    return {
        "summary_version": SUMMARY_VERSION,
        "tool": {"name": "mtqa", "version": __version__},
        "fail_on": fail_on,
        "articles": [o.to_dict() for o in rows],
        "totals": {"articles": len(rows), "pass": verdicts["pass"], "fail": verdicts["fail"],
                   "unchecked": verdicts["unchecked"], "error": verdicts["error"], "flags": sum(o.flags for o in rows)},
    }


def render_summary_json(summary: dict) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2) + "\n"


def render_summary_html(summary: dict) -> str:
    """summary.html: mtqa.report.html_report's page when it is there, else a plain table."""
    try:
        from mtqa.report.html_report import render_summary_html as render
    except ImportError:
        return minimal_summary_html(summary)
    return render(summary)


def minimal_summary_html(summary: dict) -> str:
    """A small, self-contained HTML table of summary.json (every value escaped)."""
    e = html.escape
    t = summary["totals"]
    rows = []
    for a in summary["articles"]:
        report = f'<a href="{e(a["report"], quote=True)}">{e(a["report"])}</a>' if a["report"] else ""
        counts = ", ".join(f"{e(k)} {v}" for k, v in a["by_severity"].items())
        rows.append(f"<tr><td>{e(a['verdict'])}</td><td>{e(a['worst_severity'] or '')}</td><td>{a['flags']}</td>"
                    f"<td>{counts}</td><td>{e(a['target'])}</td><td>{e(a['source'] or '')}</td><td>{report}</td>"
                    f"<td>{e(a['error'] or '')}</td></tr>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mtqa batch summary</title>"
            "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:2px 6px;text-align:left}</style></head><body>\n"
            f"<h1>mtqa batch summary</h1>\n<p>{t['articles']} articles: {t['pass']} pass, {t['fail']} fail, "
            f"{t['error']} error; {t['flags']} flags; fail on {e(summary['fail_on'])} "
            f"(mtqa {e(summary['tool']['version'])})</p>\n"
            "<table><thead><tr><th>verdict</th><th>worst</th><th>flags</th><th>by severity</th><th>target</th>"
            "<th>source</th><th>report</th><th>error</th></tr></thead><tbody>\n"
            + "\n".join(rows) + "\n</tbody></table></body></html>\n")
