#!/usr/bin/env python3
"""Compare mtqa with translate-toolkit's `pofilter` on the same injected error sets.

The injected sets of `mtqa.eval.build_eval_set` (one set per error category, the 997
FLORES-200 dev lines each, about half of the lines where the error applies damaged, the
rest untouched) are written as Gettext PO files with translate-toolkit's own API
(msgid = Norwegian source, msgstr = French target, msgctxt "line N" and a NAME.txt:N
location), and the real `pofilter` console script checks them: with its default tests,
and again with `--language=fr`. Which tests fired on which line is read back from the
`# (pofilter) TEST: message` translator comments of its output PO.

pofilter's tests are mapped to mtqa's categories two ways:

  * by purpose (TEST_CATEGORIES, documented in docs/benchmarks/pofilter.md): a category
    no test maps to is "not covered";
  * tuned: every test whose firing rate on a category's damaged lines is well above its
    rate on untouched lines, chosen on the sets of seed+1 and scored on --seed: pofilter
    at its best on this data (a reviewer would not know these rates in advance).

A line counts as detected for category C when a test mapped to C fired ("any test": when
any test fired, so unmapped tests count as false positives on untouched lines). mtqa is
scored by `mtqa.eval.evaluate` on the same sets, at >= major and >= minor severity.
A pristine run (nb.txt / fr.txt as they are) tells which pofilter firings the injection
caused, for the table of damaged lines mtqa misses and pofilter catches.

    python scripts/compare_pofilter.py --out /tmp/pofilter-table.md   # ~2 min, 2 CPUs
"""

from __future__ import annotations

import argparse
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

# pofilter test -> the mtqa categories it is evidence for, from each test's documented
# purpose against the category definitions of mtqa.eval; a test may serve two categories.
# One revision after the first run: `acronyms` also maps to kicker (it had named-entity only),
# because what it checks, an all-caps source word missing in the target, is what a translated
# kicker is ("TØFFE KAMPER:" -> "MATCHS DIFFICILES :"). Unlisted tests map to nothing (UNMAPPED_WHY).
TEST_CATEGORIES: dict[str, tuple[str, ...]] = {
    "numbers": ("number",),                      # numbers differ between source and target
    "acronyms": ("named-entity", "kicker"),      # an all-caps word of the source missing in the target
    "unchanged": ("untranslated",),              # target == source (case-insensitive)
    "untranslated": ("untranslated", "omission"),  # empty msgstr: nothing translated, all omitted
    "blank": ("untranslated", "omission"),       # msgstr of whitespace only
    "short": ("omission",),                      # target < 10 % of the source length
    "long": ("addition",),                       # source < 10 % of the target length
    "sentencecount": ("omission", "addition"),   # a sentence dropped or added
    "doublewords": ("hallucination",),           # "le le": the repetition loops of degenerate MT
    "simplecaps": ("kicker",),                   # capitalisation wildly different (an all-caps kicker)
}

# Tuned mapping: test t serves category c when, on the selection seed's sets, t fires on at least
# TUNE_MIN_POINTS percentage points more of c's damaged lines than of untouched lines, and on at
# least TUNE_MIN_RATIO times as many.
TUNE_MIN_POINTS = 5.0
TUNE_MIN_RATIO = 2.0

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


def tests_for(category: str, mapping: dict[str, tuple[str, ...]] | None = None) -> tuple[str, ...]:
    mapping = TEST_CATEGORIES if mapping is None else mapping
    return tuple(sorted(t for t, cats in mapping.items() if category in cats))


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


def score_pofilter(category: str, items: Sequence, fired: dict[int, list[str]],
                   mapping: dict[str, tuple[str, ...]] | None = None) -> tuple[Score, Score]:
    """(mapped view, any-test view) for one category set."""
    mapped = set(tests_for(category, mapping))
    hits = {line for line, tests in fired.items() if mapped & set(tests)}
    return score_lines(items, hits, covered=bool(mapped)), score_lines(items, set(fired))


# --- mtqa side ---------------------------------------------------------------------------------


def mtqa_scores(report, threshold: str) -> tuple[dict[str, Score], dict[str, Score]]:
    """(mapped view, any-flag view) of an mtqa.eval.EvalReport at a severity threshold.

    Mapped: a flag whose category is in mtqa.eval.DETECTS[c]; any flag: a flag of any
    category (mtqa's `recall_any` and `fp_rate`)."""
    mapped, anyv = {}, {}
    for c, r in report.scores(threshold).items():
        covered = bool(report.detects.get(c))
        mapped[c] = Score(tp=r.tp, fp=r.fp, fn=r.fn, negatives=r.untouched, covered=covered)
        anyv[c] = Score(tp=r.detected_any, fp=r.untouched_flagged, fn=r.support - r.detected_any,
                        negatives=r.untouched)
    return mapped, anyv


# --- tables ----------------------------------------------------------------------------------


def _f(x: float | None, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def _prf(s: Score) -> str:
    if not s.covered:
        return "not covered"
    return f"{_f(s.precision)} / {_f(s.recall)} / {_f(s.f1)}"


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _pooled(scores: dict[str, Score], cats: Iterable[str]) -> Score:
    tot = Score()
    for c in cats:
        s = scores[c]
        tot.tp, tot.fp, tot.fn, tot.negatives = tot.tp + s.tp, tot.fp + s.fp, tot.fn + s.fn, tot.negatives + s.negatives
    return tot


def verdict(po: Score, mt: Score) -> str:
    """'yes' when mtqa's recall >= pofilter's at precision >= pofilter's, on a category pofilter covers."""
    if not po.covered:
        return "n/a"
    if po.tp == 0:
        return "yes (pofilter finds none)"
    bad = [name for name, ok in (("recall", mt.recall >= po.recall),
                                 ("precision", (mt.precision or 0.0) >= (po.precision or 0.0))) if not ok]
    return "yes" if not bad else "**no**: " + ", ".join(bad)


def main_table(cats: Sequence[str], po: dict[str, Score], po_any: dict[str, Score],
               mt: dict[str, dict[str, Score]], mt_any: dict[str, dict[str, Score]]) -> list[str]:
    rows = ["| category | support | pofilter P / R / F1 | mtqa major P / R / F1 | mtqa minor P / R / F1 "
            "| FP % untouched, mapped: pofilter / mtqa major / minor "
            "| FP % untouched, any flag: pofilter / mtqa major / minor | mtqa ≥ pofilter? major / minor |",
            "| --- | --: | --- | --- | --- | --- | --- | --- |"]

    def row(label, p, a, mj, mn, aj, an, verdicts):
        fp_m = " / ".join([_pct(p.fp_rate) if p.covered else "–", _pct(mj.fp_rate), _pct(mn.fp_rate)])
        fp_a = " / ".join([_pct(a.fp_rate), _pct(aj.fp_rate), _pct(an.fp_rate)])
        return f"| {label} | {p.support} | {_prf(p)} | {_prf(mj)} | {_prf(mn)} | {fp_m} | {fp_a} | {verdicts} |"

    for c in cats:
        rows.append(row(c, po[c], po_any[c], mt["major"][c], mt["minor"][c], mt_any["major"][c],
                        mt_any["minor"][c], f"{verdict(po[c], mt['major'][c])} / {verdict(po[c], mt['minor'][c])}"))
    covered = [c for c in cats if po[c].covered]
    pool = [_pooled(x, covered) for x in (po, po_any, mt["major"], mt["minor"], mt_any["major"], mt_any["minor"])]
    rows.append(row(f"pooled over the {len(covered)} categories pofilter covers", *pool,
                    f"{verdict(pool[0], pool[2])} / {verdict(pool[0], pool[3])}"))
    return rows


def views_table(cats: Sequence[str], views: dict[str, dict[str, Score]]) -> list[str]:
    names = list(views)
    rows = ["| category | " + " | ".join(f"{n}: P / R / F1 | FP %" for n in names) + " |",
            "| --- | " + " | ".join("--- | --:" for _ in names) + " |"]
    for c in cats:
        rows.append(f"| {c} | " + " | ".join(
            f"{_prf(views[n][c])} | {_pct(views[n][c].fp_rate) if views[n][c].covered else '–'}"
            for n in names) + " |")
    return rows


@dataclass
class Rates:
    """How often each pofilter test fired: per category on its damaged lines, and on untouched lines."""

    damaged: dict[str, dict[str, int]]     # category -> test -> damaged lines it fired on
    n_damaged: dict[str, int]
    untouched: dict[str, int]              # test -> distinct untouched lines (by line number) it fired on
    n_untouched: int

    def pct(self, test: str, category: str | None = None) -> float:
        if category is None:
            return 100 * self.untouched.get(test, 0) / self.n_untouched if self.n_untouched else 0.0
        n = self.n_damaged.get(category, 0)
        return 100 * self.damaged[category].get(test, 0) / n if n else 0.0

    @property
    def tests(self) -> list[str]:
        return sorted(set(self.untouched) | {t for d in self.damaged.values() for t in d})


def firing_rates(cats: Sequence[str], sets: dict, fired: dict[str, dict[int, list[str]]]) -> Rates:
    untouched: dict[int, set[str]] = {}
    damaged: dict[str, dict[str, int]] = {c: {} for c in cats}
    n_damaged = dict.fromkeys(cats, 0)
    for c in cats:
        for item in sets[c]:
            tests = set(fired[c].get(item.line, ()))
            if item.category is None:
                untouched.setdefault(item.line, set()).update(tests)
            else:
                n_damaged[c] += 1
                for t in tests:
                    damaged[c][t] = damaged[c].get(t, 0) + 1
    counts: dict[str, int] = {}
    for tests in untouched.values():
        for t in tests:
            counts[t] = counts.get(t, 0) + 1
    return Rates(damaged, n_damaged, counts, len(untouched))


def tune_mapping(cats: Sequence[str], rates: Rates) -> dict[str, tuple[str, ...]]:
    """Tests that fire clearly more often on a category's damaged lines than on untouched ones."""
    out: dict[str, list[str]] = {}
    for t in rates.tests:
        base = rates.pct(t)
        for c in cats:
            hit = rates.pct(t, c)
            if hit - base >= TUNE_MIN_POINTS and hit >= TUNE_MIN_RATIO * base:
                out.setdefault(t, []).append(c)
    return {t: tuple(v) for t, v in sorted(out.items())}


def firing_matrix(cats: Sequence[str], rates: Rates, tuned: dict[str, tuple[str, ...]]) -> list[str]:
    """% of damaged lines of each category (and of untouched lines) on which each test fired."""
    order = sorted(rates.tests, key=lambda t: (-sum(rates.damaged[c].get(t, 0) for c in cats), t))
    rows = ["| test (purpose mapping) | " + " | ".join(cats) + " | untouched |",
            "| --- | " + " | ".join("--:" for _ in cats) + " | --: |"]
    for t in order:
        cells = []
        for c in cats:
            cell = f"{rates.pct(t, c):.1f}"
            if c in TEST_CATEGORIES.get(t, ()):
                cell = f"**{cell}**"
            if c in tuned.get(t, ()):
                cell += "†"
            cells.append(cell)
        label = f"`{t}` → {', '.join(TEST_CATEGORIES.get(t, ())) or '–'}"
        rows.append(f"| {label} | " + " | ".join(cells) + f" | {rates.pct(t):.1f} |")
    rows.append("| lines | " + " | ".join(str(rates.n_damaged[c]) for c in cats) + f" | {rates.n_untouched} |")
    return rows


def mapping_table(cats: Sequence[str], tuned: dict[str, tuple[str, ...]]) -> list[str]:
    rows = ["| category | pofilter tests, by purpose | pofilter tests, tuned |", "| --- | --- | --- |"]
    for c in cats:
        cells = [", ".join(f"`{x}`" for x in tests_for(c, m)) or "not covered" for m in (TEST_CATEGORIES, tuned)]
        rows.append(f"| {c} | {cells[0]} | {cells[1]} |")
    return rows


def missed_table(cats: Sequence[str], sets: dict, fired: dict[str, dict[int, list[str]]],
                 pristine: dict[int, list[str]], report, tuned: dict[str, tuple[str, ...]]) -> list[str]:
    """Damaged lines mtqa misses (no flag of a DETECTS category) and what pofilter did on them.

    'caused' = a test that fires on the damaged line but not on the pristine nb/fr pair."""
    docs = {d.name: d for d in report.docs}
    rows = ["| category | damaged | mtqa misses (major / minor) | of the minor misses, pofilter fires: purpose map "
            "/ tuned map / any test caused by the injection | caused tests on mtqa's minor misses |",
            "| --- | --: | --- | --- | --- |"]
    for c in cats:
        doc, wanted = docs[c], report.detects[c]
        purpose, tuned_t = set(tests_for(c)), set(tests_for(c, tuned))
        misses = {}
        for th in ("major", "minor"):
            flagged = doc.line_flags(th)
            misses[th] = [x for x in sets[c] if x.category
                          and not {f.category for f in flagged.get(x.line, ())} & wanted]
        n_p = n_t = n_c = 0
        caused_count: dict[str, int] = {}
        for x in misses["minor"]:
            tests = set(fired[c].get(x.line, ()))
            caused = tests - set(pristine.get(x.line, ()))
            n_p += bool(tests & purpose)
            n_t += bool(tests & tuned_t)
            n_c += bool(caused)
            for t in caused:
                caused_count[t] = caused_count.get(t, 0) + 1
        top = ", ".join(f"`{t}` {n}" for t, n in sorted(caused_count.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
        damaged = sum(1 for x in sets[c] if x.category)
        rows.append(f"| {c} | {damaged} | {len(misses['major'])} / {len(misses['minor'])} "
                    f"| {n_p} / {n_t} / {n_c} | {top or '–'} |")
    return rows


@dataclass(frozen=True)
class _Pair:
    line: int
    source: str
    target: str
    category: str | None = None


def run(args) -> str:
    from mtqa import eval as ev

    t0 = time.perf_counter()
    sets = ev.build_eval_set(args.flores, seed=args.seed, rate=args.rate)
    sel_sets = ev.build_eval_set(args.flores, seed=args.seed + 1, rate=args.rate)
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
    # Selection seed (tuned mapping) and the pristine corpus, default tests only.
    sel_fired = {c: run_pofilter(write_po(sel_sets[c], workdir / f"select-{c}.po", f"select-{c}"),
                                 workdir / f"select-{c}.pofilter-default.po") for c in cats}
    tuned = tune_mapping(cats, firing_rates(cats, sel_sets, sel_fired))
    nb = ev.read_lines(Path(args.flores) / "nb.txt")
    fr = ev.read_lines(Path(args.flores) / "fr.txt")
    pristine = run_pofilter(write_po([_Pair(i + 1, s, t) for i, (s, t) in enumerate(zip(nb, fr))],
                                     workdir / "pristine.po", "pristine"), workdir / "pristine.pofilter-default.po")

    def po_view(variant: str, mapping=None) -> tuple[dict[str, Score], dict[str, Score]]:
        scored = {c: score_pofilter(c, sets[c], fired[variant][c], mapping) for c in cats}
        return {c: m for c, (m, _a) in scored.items()}, {c: a for c, (_m, a) in scored.items()}

    po, po_any = po_view("default")
    po_fr, po_fr_any = po_view("fr")
    po_tuned, _ = po_view("default", tuned)

    t = time.perf_counter()
    report = ev.evaluate(sets, min_severity="minor")
    t_mt = time.perf_counter() - t
    mt, mt_any = {}, {}
    for threshold in ("major", "minor"):
        mt[threshold], mt_any[threshold] = mtqa_scores(report, threshold)

    n_lines = sum(len(sets[c]) for c in cats)
    cmd = f"python scripts/compare_pofilter.py --seed {args.seed} --rate {args.rate}"
    out = [f"`{cmd}`: {pofilter_version()} (translate-toolkit), `{report.signature}`; {len(cats)} sets, "
           f"{n_lines} lines, {sum(po[c].support for c in cats)} damaged.", ""]
    out += ["pofilter with its default tests (no `--language`), purpose mapping: a line is detected for a "
            "category when a test mapped to it fired. mtqa: `mtqa.eval.evaluate`, a flag at >= major / "
            ">= minor whose category is in `DETECTS`. FP %: untouched lines of the set flagged by a mapped test / "
            "check (mapped) or by anything (any flag).", ""]
    out += main_table(cats, po, po_any, mt, mt_any)
    out += ["", f"pofilter at its best: tuned mapping (chosen on the sets of seed {args.seed + 1}, scored on seed "
            f"{args.seed}); fr = `--language=fr`; any = a line counts as detected when any test / any flag fired, "
            "whatever its category:", ""]
    out += views_table(cats, {"pofilter tuned": po_tuned, "pofilter fr": po_fr, "pofilter any": po_any,
                              "pofilter fr any": po_fr_any, "mtqa major any": mt_any["major"],
                              "mtqa minor any": mt_any["minor"]})
    out += ["", "mtqa vs pofilter tuned (recall at least pofilter's, precision at least pofilter's):", "",
            "| category | pofilter tuned P / R | mtqa major | mtqa minor |", "| --- | --- | --- | --- |"]
    for c in cats + ["pooled"]:
        if c == "pooled":
            cov = [x for x in cats if po_tuned[x].covered]
            p, mj, mn = (_pooled(v, cov) for v in (po_tuned, mt["major"], mt["minor"]))
            c = f"pooled over the {len(cov)} covered"
        else:
            p, mj, mn = po_tuned[c], mt["major"][c], mt["minor"][c]
        pr = f"{_f(p.precision)} / {_f(p.recall)}" if p.covered else "not covered"
        out.append(f"| {c} | {pr} | {verdict(p, mj)} | {verdict(p, mn)} |")
    out += ["", "Damaged lines mtqa misses, and what pofilter did on them (default run):", ""]
    out += missed_table(cats, sets, fired["default"], pristine, report, tuned)
    out += ["", f"Per-test firing rate, default run, seed {args.seed} (% of the damaged lines of each set; "
            "bold = purpose mapping, † = tuned mapping; untouched = the distinct untouched lines of all sets):", ""]
    out += firing_matrix(cats, firing_rates(cats, sets, fired["default"]), tuned)
    out += ["", "Mapping:", ""] + mapping_table(cats, tuned)
    out += ["", f"Time: build {t_build:.1f} s; pofilter (CLI, {len(cats)} files of ~{n_lines // len(cats)} units) "
            f"default {t_po['default']:.1f} s, --language=fr {t_po['fr']:.1f} s; mtqa evaluate {t_mt:.1f} s wall. "
            f"PO files: {workdir}"]
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
