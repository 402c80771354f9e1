"""The HTML report: one self-contained page per article, and the summary page of `mtqa batch`.

Built from report_dict, so the page shows what the JSON report shows. The page loads nothing:
CSS and JS are inline, pinned by hash in a Content-Security-Policy, charts are inline SVG. All
article text goes through Jinja's autoescaping, and the script reads only the page's own
attributes, so no article text is ever put into JS. Same input, byte-identical page.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from mtqa.core.flags import SEVERITIES, SEVERITY_RANK
from mtqa.core.result import CheckResult
from mtqa.report.json_report import report_dict

CHART_LABEL_WIDTH = 190  # px of the SVG bar charts given to the labels
CHART_BAR_WIDTH = 360    # px of the longest bar


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=PackageLoader("mtqa", "templates"), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["evidence_label"] = evidence_label
    env.filters["evidence_text"] = evidence_text
    env.filters["code_spans"] = code_spans
    env.globals["SEVERITIES"] = SEVERITIES
    return env


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    """A CSS or JS file of mtqa/templates, inlined verbatim (so that its CSP hash matches)."""
    env = _env()
    assert env.loader is not None  # _env gives it a PackageLoader
    source, _, _ = env.loader.get_source(env, name)
    return source


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _page_assets(script: bool) -> dict:
    """The inline style and script of a page, and the CSP that allows exactly them and nothing else."""
    css = _asset("report.css")
    js = _asset("report.js") if script else ""
    script_src = _csp_hash(js) if script else "'none'"
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {script_src}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    # Markup: our own files, inlined as they are (escaping would change them and break the hash).
    return {"css": Markup(css), "js": Markup(js), "csp": csp}


def evidence_label(key: str) -> str:
    """An evidence key as words ("source_name" -> "source name"): the page is for people, the
    keys stay as they are in the JSON report."""
    return key.replace("_", " ")


def evidence_text(value) -> str:
    """An evidence value as one line of text, no JSON punctuation (Jinja escapes it on output):
    lists joined with commas, yes/no for booleans, "key: value" pairs for a mapping."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        parts = [evidence_text(v) for v in value]
        return ("; " if any(isinstance(v, (dict, list, tuple)) for v in value) else ", ").join(parts)
    if isinstance(value, dict):
        return "; ".join(f"{evidence_label(k)}: {evidence_text(v)}" for k, v in sorted(value.items()))
    return str(value)


def code_spans(text: str) -> Markup:
    """`text` with its `backticked` commands set as code: a message written for the terminal
    ("enable it with `mtqa models pull …`") reads on the page without stray backticks."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: not code spans, leave the text as it is
        return Markup.escape(text)
    return Markup("").join(Markup("<code>{}</code>").format(p) if i % 2 else Markup.escape(p)
                           for i, p in enumerate(parts))


def bead_label(kind: str) -> str:
    """What an aligned row pairs, in words ("2-1" -> "2 Norwegian sentences ↔ 1 French sentence");
    empty for the ordinary 1-1 row and for rows without an alignment."""
    if not kind or kind == "1-1":
        return ""
    counts = kind.split("-")
    if len(counts) != 2 or not all(c.isdigit() for c in counts):
        return kind

    def side(n: str, language: str) -> str:
        if n == "0":
            return f"no {language} sentence"
        return f"{n} {language} sentence" + ("" if n == "1" else "s")

    return f"{side(counts[0], 'Norwegian')} ↔ {side(counts[1], 'French')}"


@dataclass(frozen=True)
class Piece:
    """A run of a segment's text, with the flags whose span covers it (empty: not highlighted)."""

    text: str
    flags: tuple[int, ...] = ()
    severity: str | None = None   # the most severe of those flags
    title: str = ""               # their messages, shown on hover


def _worst(severities) -> str | None:
    return max(severities, key=SEVERITY_RANK.__getitem__, default=None)


def highlight(text: str, spans: list[tuple[int, int, int]], flags: list[dict]) -> list[Piece]:
    """Cut `text` into pieces at the edges of `spans` ((start, end, flag id), offsets within `text`).

    Overlapping spans give pieces covered by several flags; each piece is highlighted in the
    colour of its most severe flag.
    """
    cuts = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    pieces: list[Piece] = []
    for a, b in zip(cuts, cuts[1:]):
        ids = tuple(sorted(fid for s, e, fid in spans if s <= a and b <= e))
        if pieces and pieces[-1].flags == ids:  # same flags as the previous run: one piece
            prev = pieces.pop()
            pieces.append(Piece(prev.text + text[a:b], ids, prev.severity, prev.title))
            continue
        severity = _worst(flags[i]["severity"] for i in ids)
        title = "\n".join(f"{flags[i]['severity']}: {flags[i]['message']}" for i in ids)
        pieces.append(Piece(text[a:b], ids, severity, title))
    return pieces


def _flag_view(fid: int, flag: dict) -> dict:
    """A flag as the page lists it: its evidence as (key, value) pairs, and the flags merged into
    it (the same problem found by other checks) apart, each as a line of its own."""
    evidence = dict(flag["evidence"])
    merged = evidence.pop("merged", None)
    merged = merged if isinstance(merged, list) and all(isinstance(m, dict) for m in merged) else None
    if merged is None and "merged" in flag["evidence"]:
        evidence["merged"] = flag["evidence"]["merged"]
    return {"id": fid, **flag, "evidence": sorted(evidence.items()), "merged": merged or []}


def article_view(result: CheckResult, fail_on: str = "major") -> dict:
    """Everything the article page shows: report_dict, with the text cut into highlighted pieces
    and grouped into rows (one per aligned bead, source beside translation)."""
    report = report_dict(result, fail_on)
    flags = report["flags"]
    seg_start = {s.index: s.start for s in result.target_segments}
    segments = {s["index"]: s for s in report["segments"]}
    source_segments = result.source_segments
    flags_of: dict[int, list[int]] = {}
    for fid, f in enumerate(flags):
        if f["segment"] in segments:
            flags_of.setdefault(f["segment"], []).append(fid)

    def segment_view(index: int) -> dict:
        seg = segments[index]
        text = seg["text"]
        spans = []
        for fid in flags_of.get(index, []):
            if flags[fid].get("suppressed"):
                continue  # suppressed flags are listed, not highlighted
            span = flags[fid]["span"]
            start = seg_start.get(index, 0)
            # Line offsets -> offsets in this segment, clipped to it; a span that misses the
            # segment (or has none) highlights the whole segment.
            a, b = (max(0, span[0] - start), min(len(text), span[1] - start)) if span else (0, 0)
            spans.append((a, b, fid) if a < b else (0, len(text), fid))
        return {**seg, "pieces": highlight(text, spans, flags)}

    def row(kind: str, source: list[int], target: list[int]) -> dict:
        fids = [fid for j in target for fid in flags_of.get(j, [])]
        chrf = next((segments[j].get("chrf") for j in target if segments[j].get("chrf") is not None), None)
        return {"kind": kind, "kind_label": bead_label(kind),
                "source": [{"line": source_segments[i].line, "text": source_segments[i].text} for i in source],
                "target": [segment_view(j) for j in target],
                "flags": [_flag_view(fid, flags[fid]) for fid in sorted(fids)],
                "worst": _worst(flags[fid]["severity"] for fid in fids if not flags[fid].get("suppressed")),
                "chrf": chrf}

    # Rows in text order: the beads, and any segment no bead covers (all of them without a source).
    rows: list[dict] = []
    covered = {j for b in report["alignment"] for j in b["target"]}
    loose = [j for j in sorted(segments) if j not in covered]
    loose_kind = "0-1" if report["alignment"] else ""
    for bead in report["alignment"]:
        while loose and bead["target"] and loose[0] < min(bead["target"]):
            rows.append(row(loose_kind, [], [loose.pop(0)]))
        rows.append(row(bead["kind"], bead["source"], bead["target"]))
    rows.extend(row(loose_kind, [], [j]) for j in loose)
    for number, r in enumerate(rows, 1):
        r["number"] = number

    placed = {fid for fids in flags_of.values() for fid in fids}
    other_flags = [_flag_view(fid, f) for fid, f in enumerate(flags) if fid not in placed]

    summary = report["summary"]
    matrix = Counter((f["category"], f["severity"]) for f in flags if not f.get("suppressed"))
    counted = list(summary["by_category"])
    # Filters also offer the categories whose flags are all suppressed (listed, not counted).
    categories = counted + sorted({f["category"] for f in flags} - set(counted))
    return {
        "report": report,
        "rows": rows,
        "other_flags": other_flags,
        "has_backtranslation": not summary["backtranslation"].get("skipped", False),
        "category_chart": _bar_chart([(c, {s: matrix[c, s] for s in SEVERITIES}) for c in counted]),
        "severity_chart": _bar_chart([(s, {s: summary["by_severity"].get(s, 0)}) for s in reversed(SEVERITIES)],
                                     label_width=70, bar_width=260),
        "categories": [(c, summary["by_category"].get(c, 0)) for c in categories],
        "severities": [(s, summary["by_severity"].get(s, 0)) for s in SEVERITIES],
    }


def _bar_chart(bars: list[tuple[str, dict[str, int]]], label_width: int = CHART_LABEL_WIDTH,
               bar_width: int = CHART_BAR_WIDTH) -> dict:
    """Geometry of a horizontal bar chart: one bar per label, stacked by severity (most severe first)."""
    top = max((sum(parts.values()) for _, parts in bars), default=0) or 1
    out = []
    for y, (label, parts) in enumerate(bars):
        x, segs = 0.0, []
        for sev in reversed(SEVERITIES):
            n = parts.get(sev, 0)
            if n:
                w = round(bar_width * n / top, 1)
                segs.append({"severity": sev, "count": n, "x": round(label_width + x, 1), "width": w})
                x += w
        out.append({"label": label, "count": sum(parts.values()), "y": y * 26, "segments": segs,
                    "end": round(label_width + x, 1)})
    return {"bars": out, "height": max(len(bars) * 26, 26), "label_width": label_width,
            "width": label_width + bar_width + 40}


def render_html(result: CheckResult, fail_on: str = "major") -> str:
    """The article's report as one self-contained HTML page."""
    view = article_view(result, fail_on)
    return _env().get_template("report.html.j2").render(**view, **_page_assets(script=True))


def report_href(path: str | None) -> str | None:
    """A link to a report file, relative to the summary page: percent-encoded, so that no path
    can become another scheme ("javascript:") or a query/fragment."""
    if not path:
        return None
    return quote(path.replace("\\", "/"), safe="/")


def render_summary_html(summary: dict) -> str:
    """The summary page of `mtqa batch`: one row per article (worst first), linking to its report."""
    articles = []
    for a in summary["articles"]:
        by_sev = a.get("by_severity") or {}
        articles.append({**a, "href": report_href(a.get("report")),
                         "by_category": sorted((a.get("by_category") or {}).items(), key=lambda kv: (-kv[1], kv[0])),
                         "chart": _mini_bar({s: by_sev.get(s, 0) for s in reversed(SEVERITIES)})})
    totals = summary["totals"]
    verdicts = [(v, totals.get(v, 0)) for v in ("fail", "error", "unchecked", "pass")
                if v != "unchecked" or totals.get(v)]   # unchecked: shown when there is one
    return _env().get_template("summary.html.j2").render(
        summary=summary, articles=articles, verdicts=verdicts, totals=totals,
        verdict_chart=_mini_bar({v: n for v, n in verdicts}, width=360), **_page_assets(script=False))


def _mini_bar(parts: dict[str, int], width: int = 120) -> dict:
    """A one-line stacked bar (parts in the given order)."""
    total = sum(parts.values())
    x, segs = 0.0, []
    for key, n in parts.items():
        if n:
            w = round(width * n / total, 1)
            segs.append({"key": key, "count": n, "x": round(x, 1), "width": w})
            x += w
    return {"width": width, "segments": segs, "total": total}
