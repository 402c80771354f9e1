#!/usr/bin/env python3
"""Compare mtqa with translate-toolkit's `pofilter` on the same injected error sets.

The injected sets of `mtqa.evaluate.build_eval_set` (one set per error category, about
1 000 FLORES-200 dev lines each, part of them damaged, the rest untouched) are written
as Gettext PO files (msgid = Norwegian source, msgstr = French target, msgctxt and
location = the line number) with translate-toolkit's own API, and the real `pofilter`
console script checks them: once with its default tests and once with `--language=fr`.
Which tests fired on which unit is read back from the `# (pofilter) TEST: message`
translator comments of its output PO.

pofilter's tests are mapped to mtqa's categories (TEST_CATEGORIES below, documented in
docs/benchmarks/pofilter.md); a category no test maps to is "not covered". Two views of
pofilter are scored:

  * mapped: a line counts as detected for category C when a test mapped to C fired;
  * any test: a line counts as detected when any pofilter test fired, so the tests that
    map to nothing count as false positives on untouched lines.

mtqa is scored by `mtqa.evaluate.evaluate` on the same sets (same seed and rate), at
min_severity "major" and "minor". Prints markdown tables (per category: support,
precision / recall / F1 of both tools, the false-positive rate on untouched lines, and
a per-test firing matrix); --out FILE writes them too.

    python scripts/compare_pofilter.py --out /tmp/pofilter-table.md
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "flores200-dev"

# --- mapping -----------------------------------------------------------------------------

# pofilter test -> the mtqa categories it is evidence for. Decided from each test's
# documented purpose against the category definitions, before looking at scores; a test
# may serve two categories. Tests not listed here map to nothing (see UNMAPPED_WHY).
TEST_CATEGORIES: dict[str, tuple[str, ...]] = {
    "numbers": ("number",),                      # numbers differ between source and target
    "acronyms": ("named-entity",),               # an all-caps word of the source missing in the target
    "unchanged": ("untranslated",),              # target == source (case-insensitive)
    "untranslated": ("untranslated", "omission"),  # empty msgstr: nothing translated, all omitted
    "blank": ("untranslated", "omission"),       # msgstr of whitespace only
    "short": ("omission",),                      # target < 10 % of the source length
    "long": ("addition",),                       # target > 10x the source length
    "sentencecount": ("omission", "addition"),   # a sentence dropped or added
    "doublewords": ("hallucination",),           # "le le": the repetition loops of degenerate MT
    "simplecaps": ("kicker",),                   # capitalisation wildly different (an all-caps kicker)
}

# Why the other default tests map to no category (they are software-localisation checks).
UNMAPPED_WHY: dict[str, str] = {
    "startcaps": "first letter's case differs; a kicker starts with a capital like the sentence it precedes",
    "endpunc": "end punctuation differs; also fires on French spacing (« : » vs \":\") and on reworded endings",
    "startpunc": "start punctuation differs",
    "puncspacing": "spacing after punctuation",
    "doublequoting": "double quotes differ: fires on every « » vs \" \" pair, French typography, not an error",
    "singlequoting": "single quotes differ",
    "brackets": "bracket count differs",
    "doublespacing": "double spaces",
    "startwhitespace": "leading whitespace", "endwhitespace": "trailing whitespace",
    "credits": "fires only on PO translator-credit msgids (\"translator-credits\"), not on news credits",
    "emails": "e-mail addresses", "urls": "URLs", "filepaths": "file paths", "functions": "function names",
    "options": "command-line options", "xmltags": "XML tags", "variables": "placeholders",
    "printf": "printf formats", "pythonbraceformat": "{} formats", "escapes": "backslash escapes",
    "newlines": "newline count", "tabs": "tab count", "accelerators": "menu accelerators",
    "kdecomments": "KDE comments", "purepunc": "punctuation-only strings",
    "simpleplurals": "English (s) plurals", "nplurals": "plural forms", "validchars": "configured characters",
    "musttranslatewords": "configured word list (none given)", "notranslatewords": "configured word list (none given)",
    "compendiumconflicts": "msgcat conflict markers", "spellcheck": "needs a spell checker backend (pyenchant)",
    "isfuzzy": "fuzzy flag", "isreview": "review flag", "hassuggestion": "suggestions",
}

VARIANTS: dict[str, tuple[str, ...]] = {   # pofilter run name -> extra CLI arguments
    "default": (),
    "fr": ("--language=fr",),
}

_NOTE = re.compile(r"^\(pofilter\)\s+([A-Za-z_]+):")
_CTXT = re.compile(r"^line (\d+)$")


def tests_for(category: str) -> tuple[str, ...]:
    return tuple(sorted(t for t, cats in TEST_CATEGORIES.items() if category in cats))


# --- PO conversion and the pofilter runner -----------------------------------------------------


def write_po(items: Iterable, path: Path, name: str = "set") -> Path:
    """Write one PO unit per line: msgid = source (nb), msgstr = target (fr), msgctxt
    "line N" and location NAME.txt:N. `items` have .line, .source and .target."""
    from translate.storage import po

    store = po.pofile()
    store.updateheader(add=True, Language="fr", X_Source_Language="nb",
                       Project_Id_Version=f"mtqa injected set {name}")
    seen: set[int] = set()
    for item in items:
        if item.line in seen:
            raise ValueError(f"line {item.line} twice in set {name!r}: results could not map back")
        seen.add(item.line)
        unit = store.addsourceunit(item.source)
        unit.target = item.target
        unit.setcontext(f"line {item.line}")
        unit.addlocation(f"{name}.txt:{item.line}")
    path.parent.mkdir(parents=True, exist_ok=True)
    store.savefile(str(path))
    return path


def read_po(path: Path) -> list[tuple[int, str, str, list[str]]]:
    """(line, source, target, pofilter tests noted on the unit) for every unit of a PO file."""
    from translate.storage import po

    store = po.pofile.parsefile(str(path))
    out = []
    for unit in store.units:
        if unit.isheader():
            continue
        m = _CTXT.match(unit.getcontext() or "")
        if not m:
            raise ValueError(f"{path}: unit without a 'line N' msgctxt: {unit.source[:60]!r}")
        tests = [n.group(1) for note in unit.getnotes("translator").splitlines()
                 if (n := _NOTE.match(note.strip()))]
        out.append((int(m.group(1)), unit.source, unit.target, tests))
    return out


def pofilter_command() -> list[str]:
    """The pofilter console script installed beside this interpreter, else the one on PATH."""
    local = Path(sys.executable).parent / "pofilter"
    if local.exists():
        return [str(local)]
    found = shutil.which("pofilter")
    if found:
        return [found]
    return [sys.executable, "-m", "translate.filters.pofilter"]


def pofilter_version() -> str:
    out = subprocess.run(pofilter_command() + ["--version"], capture_output=True, text=True, check=True)
    return out.stdout.strip() or out.stderr.strip()


def run_pofilter(po_in: Path, po_out: Path, args: Sequence[str] = ()) -> dict[int, list[str]]:
    """Run the pofilter CLI on po_in; return {line: [tests that fired]} (lines with none absent)."""
    if po_out.exists():
        po_out.unlink()
    cmd = pofilter_command() + ["--progress=none", *args, str(po_in), str(po_out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"pofilter failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr}")
    if not po_out.exists():   # pofilter writes no file when no unit failed
        return {}
    return {line: tests for line, _s, _t, tests in read_po(po_out) if tests}


# --- scoring ---------------------------------------------------------------------------------


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    negatives: int = 0      # untouched lines in the set
    covered: bool = True

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fp_rate(self) -> float | None:
        return self.fp / self.negatives if self.negatives else None


def score_lines(items: Sequence, detected: set[int], covered: bool = True) -> Score:
    s = Score(covered=covered)
    for item in items:
        hit = item.line in detected
        if item.category is None:
            s.negatives += 1
            s.fp += hit
        elif hit:
            s.tp += 1
        else:
            s.fn += 1
    return s


def score_pofilter(category: str, items: Sequence, fired: dict[int, list[str]]) -> tuple[Score, Score]:
    """(mapped view, any-test view) for one category set."""
    mapped = set(tests_for(category))
    hits = {line for line, tests in fired.items() if mapped & set(tests)}
    return score_lines(items, hits, covered=bool(mapped)), score_lines(items, set(fired))


# --- mtqa side ---------------------------------------------------------------------------------


def mtqa_scores(ev, sets: dict, min_severity: str) -> dict[str, Score]:
    """Per-category Score of mtqa from mtqa.evaluate.evaluate (same sets)."""
    report = ev.evaluate(sets, min_severity=min_severity)
    out = {}
    for category, items in sets.items():
        c = report.per_category[category]
        negatives = sum(1 for x in items if x.category is None)
        out[category] = Score(tp=c.tp, fp=c.fp, fn=c.fn, negatives=negatives,
                              covered=bool(ev.DETECTS.get(category, True)))
    return out


# --- tables ----------------------------------------------------------------------------------


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _prf(s: Score) -> str:
    if not s.covered:
        return "not covered"
    return f"{_f(s.precision)} / {_f(s.recall)} / {_f(s.f1)}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _pooled(scores: dict[str, Score]) -> Score:
    tot = Score()
    for s in scores.values():
        if s.covered:
            tot.tp += s.tp
            tot.fp += s.fp
            tot.fn += s.fn
        tot.negatives += s.negatives
    return tot


def verdict(po: Score, mt: Score) -> str:
    """'yes' when mtqa's recall >= pofilter's at precision >= pofilter's, on a covered category."""
    if not po.covered:
        return "n/a (not covered)"
    if po.tp == 0:
        return "yes (pofilter detects none)" if mt.covered else "n/a"
    ok_r = mt.recall >= po.recall
    ok_p = (mt.precision or 0.0) >= (po.precision or 0.0)
    if ok_r and ok_p:
        return "yes"
    return "no: " + ", ".join(x for x, bad in (("recall", not ok_r), ("precision", not ok_p)) if bad)


def main_table(cats: Sequence[str], po: dict[str, Score], mt_major: dict[str, Score],
               mt_minor: dict[str, Score], po_any: dict[str, Score]) -> list[str]:
    rows = ["| category | support | pofilter P / R / F1 | mtqa major P / R / F1 | mtqa minor P / R / F1 "
            "| FP % on untouched: pofilter / any test / mtqa major / mtqa minor | mtqa ≥ pofilter (major / minor) |",
            "| --- | --: | --- | --- | --- | --- | --- |"]
    for c in cats:
        p, a, mj, mn = po[c], po_any[c], mt_major[c], mt_minor[c]
        fp = " / ".join([_pct(p.fp_rate) if p.covered else "–", _pct(a.fp_rate), _pct(mj.fp_rate), _pct(mn.fp_rate)])
        rows.append(f"| {c} | {p.support} | {_prf(p)} | {_prf(mj)} | {_prf(mn)} | {fp} "
                    f"| {verdict(p, mj)} / {verdict(p, mn)} |")
    tp, ta, tj, tn = _pooled(po), _pooled(po_any), _pooled(mt_major), _pooled(mt_minor)
    fp = " / ".join(_pct(s.fp_rate) for s in (tp, ta, tj, tn))
    rows.append(f"| all (covered categories pooled) | {sum(po[c].support for c in cats)} | {_prf(tp)} | {_prf(tj)} "
                f"| {_prf(tn)} | {fp} | |")
    return rows


def any_table(cats: Sequence[str], views: dict[str, dict[str, Score]]) -> list[str]:
    names = list(views)
    rows = ["| category | " + " | ".join(f"{n} P / R / F1 | {n} FP %" for n in names) + " |",
            "| --- | " + " | ".join("--- | --:" for _ in names) + " |"]
    for c in cats:
        rows.append(f"| {c} | " + " | ".join(f"{_prf(views[n][c])} | {_pct(views[n][c].fp_rate)}"
                                            for n in names) + " |")
    return rows


def firing_matrix(cats: Sequence[str], sets: dict, fired: dict[str, dict[int, list[str]]]) -> list[str]:
    """% of injected lines of each category (and of untouched lines) on which each test fired."""
    untouched: dict[int, set[str]] = {}
    per_cat: dict[str, dict[str, int]] = {c: {} for c in cats}
    n_inj = {c: 0 for c in cats}
    for c in cats:
        for item in sets[c]:
            tests = set(fired[c].get(item.line, ()))
            if item.category is None:
                untouched.setdefault(item.line, set()).update(tests)
            else:
                n_inj[c] += 1
                for t in tests:
                    per_cat[c][t] = per_cat[c].get(t, 0) + 1
    n_un = len(untouched)
    un_count: dict[str, int] = {}
    for tests in untouched.values():
        for t in tests:
            un_count[t] = un_count.get(t, 0) + 1
    all_tests = sorted(set(un_count) | {t for d in per_cat.values() for t in d},
                       key=lambda t: (-sum(per_cat[c].get(t, 0) for c in cats), t))
    rows = ["| test → category | " + " | ".join(cats) + " | untouched |",
            "| --- | " + " | ".join("--:" for _ in cats) + " | --: |"]
    for t in all_tests:
        label = f"`{t}` → {', '.join(TEST_CATEGORIES.get(t, ())) or '(none)'}"
        cells = []
        for c in cats:
            v = 100 * per_cat[c].get(t, 0) / n_inj[c] if n_inj[c] else 0.0
            cell = f"{v:.1f}"
            cells.append(f"**{cell}**" if c in TEST_CATEGORIES.get(t, ()) else cell)
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {100 * un_count.get(t, 0) / max(n_un, 1):.1f} |")
    rows.append(f"| lines | " + " | ".join(str(n_inj[c]) for c in cats) + f" | {n_un} |")
    return rows


def mapping_table(cats: Sequence[str]) -> list[str]:
    rows = ["| category | pofilter tests mapped to it |", "| --- | --- |"]
    for c in cats:
        t = tests_for(c)
        rows.append(f"| {c} | {', '.join(f'`{x}`' for x in t) if t else 'not covered'} |")
    return rows


# --- main ----------------------------------------------------------------------------------------


def run(args) -> str:
    from mtqa import evaluate as ev

    t0 = time.perf_counter()
    sets = ev.build_eval_set(args.flores, seed=args.seed, rate=args.rate)
    cats = [c for c in ev.CATEGORIES if c in sets]
    t_build = time.perf_counter() - t0

    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="mtqa-pofilter-"))
    workdir.mkdir(parents=True, exist_ok=True)
    fired: dict[str, dict[str, dict[int, list[str]]]] = {v: {} for v in VARIANTS}
    t_po = dict.fromkeys(VARIANTS, 0.0)
    for c in cats:
        po_in = write_po(sets[c], workdir / f"{c}.po", c)
        for v, extra in VARIANTS.items():
            t = time.perf_counter()
            fired[v][c] = run_pofilter(po_in, workdir / f"{c}.pofilter-{v}.po", extra)
            t_po[v] += time.perf_counter() - t

    po_scores = {v: {c: score_pofilter(c, sets[c], fired[v][c]) for c in cats} for v in VARIANTS}
    t = time.perf_counter()
    mt_major = mtqa_scores(ev, sets, "major")
    mt_minor = mtqa_scores(ev, sets, "minor")
    t_mt = time.perf_counter() - t

    mapped = {v: {c: po_scores[v][c][0] for c in cats} for v in VARIANTS}
    anyv = {v: {c: po_scores[v][c][1] for c in cats} for v in VARIANTS}
    n_lines = sum(len(sets[c]) for c in cats)
    cmd = "python scripts/compare_pofilter.py" + "".join(
        f" {k} {v}" for k, v in (("--seed", args.seed), ("--rate", args.rate)))
    out = [f"Command: `{cmd}`; {pofilter_version()}; {len(cats)} sets, {n_lines} lines "
           f"(FLORES-200 dev, seed {args.seed}, rate {args.rate}); PO files in {workdir}.", ""]
    out += ["Main view: pofilter with its default tests (no `--language`), a line detected for a category "
            "when a test mapped to it fired; mtqa from `mtqa.evaluate.evaluate` at min_severity major and minor. "
            "FP % = share of the set's untouched lines flagged (pofilter: by a mapped test / by any test).", ""]
    out += main_table(cats, mapped["default"], mt_major, mt_minor, anyv["default"])
    out += ["", "pofilter variants (mapped view and any-test view; `fr` = `--language=fr`):", ""]
    out += any_table(cats, {"mapped": mapped["default"], "mapped fr": mapped["fr"],
                            "any test": anyv["default"], "any test fr": anyv["fr"]})
    out += ["", "Per-test firing rate (% of the injected lines of each set, default run; bold = mapped "
            "category; untouched = distinct untouched lines of all sets):", ""]
    out += firing_matrix(cats, sets, fired["default"])
    out += ["", "Mapping:", ""] + mapping_table(cats)
    out += ["", f"Time: build {t_build:.1f} s; pofilter default {t_po['default']:.1f} s, "
            f"--language=fr {t_po['fr']:.1f} s; mtqa evaluate (two views) {t_mt:.1f} s."]
    return "\n".join(out) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flores", type=Path, default=DEFAULT_DATA, help="FLORES-200 dev folder (read in place)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--rate", type=float, default=0.5, help="share of lines injected per set")
    ap.add_argument("--workdir", type=Path, help="where the PO files go (default: a fresh temp dir)")
    ap.add_argument("--out", type=Path, help="also write the tables to FILE")
    args = ap.parse_args(argv)
    if not (args.flores / "nb.txt").exists():
        print(f"flores200-dev not found at {args.flores}", file=sys.stderr)
        return 2
    try:
        import translate  # noqa: F401
    except ImportError:
        print("translate-toolkit is not installed (pip install translate-toolkit)", file=sys.stderr)
        return 2
    text = run(args)
    print(text, end="")
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
