"""Cold-run cost of `mtqa check` (model-free) on FLORES-200 dev, beside its peers, in one run.

    python scripts/bench_check.py [--repeat 5] [--base DIR] [--out FILE]

Every run is a fresh process (nothing cached from an earlier repeat: language models, lexicons
and answers are loaded as a user's run loads them), on the 997-line human fr/nb pair given
as an article with its source:

* `mtqa check fr.txt --source nb.txt -f json --disable grammar`;
* translate-toolkit's `pofilter` (its default tests) on a PO file of the same 997 pairs
  (msgid nb, msgstr fr; written once, outside the timings);
* `mtqa check ... -f json` with Grammalecte (when `grammalecte-cli` is installed), and
  `grammalecte-cli -f fr.txt -j -owe` alone on the same French file;
* `mtqa --help` as a user's second call prints it (the help kept in the user cache by the first:
  mtqa.cli.helpcache) and rendered by Typer (MTQA_NO_HELP_CACHE=1), beside
  `python -c "import typer.main, typer.rich_utils"` and `python -c pass` (what the help costs
  before any of mtqa's code runs);
* with `--base DIR` (a copy of another version's tree, e.g. `git archive main | tar -x -C DIR`),
  the two mtqa checks and `--help` again with that version's code: before/after in one run.

Before timing, each mtqa tree's modules are compiled to bytecode (`compileall`), as `pip install`
does for an installed package and as pofilter's own installed modules are: an environment with
PYTHONDONTWRITEBYTECODE set (this project's machines) would otherwise recompile mtqa in every
timed run, 0.2-0.7 s that a user's installed copy never pays.

The commands are interleaved (the order rotates from one repeat to the next) so that load from
other processes falls on all of them, and each is measured in CPU time (user + system of the
process and its children, from getrusage) and wall time; medians are reported with the ratios
taken in the same run, and the load average (`os.getloadavg()`) before and after, since on a
shared machine CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parents[1]
FLORES = REPO.parent / "shared" / "data" / "flores200-dev"
sys.path.insert(0, str(REPO))


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def run_once(cmd: list[str], code: Path, cwd: Path, env_extra: dict | None = None) -> tuple[float, float]:
    """(CPU s, wall s) of one fresh process (its children included), importing mtqa from `code`."""
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_MODEL", "MTQA_DEBUG", "MTQA_NO_HELP_CACHE")}
    env["PYTHONPATH"] = str(code)
    env.update(env_extra or {})
    cpu, start = _children_cpu(), time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                   cwd=cwd, env=env, check=False)
    return _children_cpu() - cpu, time.perf_counter() - start


def stemmers() -> str:
    """Which Snowball stemmers the measured mtqa uses: the C ones (PyStemmer, as installed with
    mtqa) or snowballstemmer's pure-Python fallback (an environment missing the dependency)."""
    import snowballstemmer

    return "C (PyStemmer)" if type(snowballstemmer.stemmer("french")).__module__ == "Stemmer" else "pure Python"


def pofilter_command() -> list[str]:
    local = Path(sys.executable).parent / "pofilter"
    if local.exists():
        return [str(local)]
    found = shutil.which("pofilter")
    return [found] if found else [sys.executable, "-m", "translate.filters.pofilter"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--base", type=Path, help="tree of another mtqa version to time beside this one")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not (FLORES / "fr.txt").exists():
        print(f"flores200-dev not found at {FLORES}", file=sys.stderr)
        return 2
    fr, nb = FLORES / "fr.txt", FLORES / "nb.txt"
    from compare_pofilter import write_po  # scripts/ is on sys.path when run as a script

    tmp = Path(tempfile.mkdtemp(prefix="mtqa-bench-check-"))
    try:
        nb_lines = nb.read_text(encoding="utf-8").splitlines()
        fr_lines = fr.read_text(encoding="utf-8").splitlines()
        po = write_po([SimpleNamespace(line=i + 1, source=s, target=t)
                       for i, (s, t) in enumerate(zip(nb_lines, fr_lines))], tmp / "flores.po", "flores")
        mtqa = [sys.executable, "-m", "mtqa"]
        commands = {
            "mtqa check, grammar disabled": mtqa + ["check", str(fr), "--source", str(nb), "-f", "json",
                                                    "--disable", "grammar"],
            "pofilter (default tests), same pairs": pofilter_command() + ["--progress=none", str(po),
                                                                         str(tmp / "out.po")],
            "mtqa --help": mtqa + ["--help"],
            "mtqa --help, rendered (no kept help)": mtqa + ["--help"],
            # What any Typer command line with rich help pays before its own code runs, and the
            # interpreter alone: the floor under `mtqa --help`.
            "peer: python -c 'import typer.main, typer.rich_utils'": [sys.executable, "-c",
                                                                     "import typer.main, typer.rich_utils"],
            "peer: python -c pass": [sys.executable, "-c", "pass"],
        }
        grammalecte = shutil.which("grammalecte-cli")
        if grammalecte:
            commands["mtqa check, all checks (Grammalecte beside the others)"] = mtqa + [
                "check", str(fr), "--source", str(nb), "-f", "json"]
            commands["grammalecte-cli alone on fr.txt"] = [grammalecte, "-f", str(fr), "-j", "-owe"]
        code = {name: REPO for name in commands}
        for tree in {REPO, *([args.base.resolve()] if args.base else [])}:
            compileall.compile_dir(tree / "mtqa", quiet=1)  # what pip does on install: bytecode for every module
        env_extra = {"mtqa --help, rendered (no kept help)": {"MTQA_NO_HELP_CACHE": "1"}}
        if args.base:
            for name in [n for n in commands if n.startswith("mtqa")]:
                commands[f"{name} [base]"] = commands[name]
                code[f"{name} [base]"] = args.base.resolve()
                env_extra[f"{name} [base]"] = env_extra.get(name, {})
        for name in [n for n in commands if n.startswith("mtqa --help") and "rendered" not in n]:
            run_once(commands[name], code[name], tmp, env_extra.get(name))  # a user's first call keeps the help
        load_before = os.getloadavg()
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        names = list(commands)
        for r in range(args.repeat):
            for name in names[r % len(names):] + names[:r % len(names)]:
                times[name].append(run_once(commands[name], code[name], tmp, env_extra.get(name)))
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    def med(name: str, k: int) -> float:
        return statistics.median(t[k] for t in times[name])

    rows = ["| run (997 lines, fr.txt with nb.txt; fresh process each) | median CPU s | median wall s |",
            "| --- | ---: | ---: |"]
    for name in names:
        rows.append(f"| {name} | {med(name, 0):.2f} | {med(name, 1):.2f} |")
    check, peer = "mtqa check, grammar disabled", "pofilter (default tests), same pairs"
    lines = ["\n".join(rows), "",
             f"**mtqa check (grammar disabled) / pofilter: {med(check, 0) / med(peer, 0):.2f}x CPU, "
             f"{med(check, 1) / med(peer, 1):.2f}x wall.**"]
    if grammalecte:
        full, alone = "mtqa check, all checks (Grammalecte beside the others)", "grammalecte-cli alone on fr.txt"
        lines.append(f"**mtqa check with Grammalecte / Grammalecte alone: {med(full, 1) / med(alone, 1):.2f}x wall, "
                     f"{med(full, 0) / med(alone, 0):.2f}x CPU.**")
    typer_peer = "peer: python -c 'import typer.main, typer.rich_utils'"
    lines.append(f"mtqa --help: {med('mtqa --help', 0):.3f} s CPU (kept help; rendered by Typer "
                 f"{med('mtqa --help, rendered (no kept help)', 0):.3f} s); importing typer and rich alone "
                 f"{med(typer_peer, 0):.3f} s, the bare interpreter {med('peer: python -c pass', 0):.3f} s.")
    if args.base:
        lines.append(f"mtqa check (grammar disabled) / pofilter with the base code: "
                     f"{med(check + ' [base]', 0) / med(peer, 0):.2f}x CPU; this code over the base: "
                     f"{med(check, 0) / med(check + ' [base]', 0):.2f}x CPU.")
    lines.append(f"Snowball stemmers: {stemmers()} (PyStemmer is a declared dependency; without it "
                 "snowballstemmer's pure-Python stemmers cost about 1 s more on this check).")
    lines.append(f"{args.repeat} repeats, interleaved; load average (1, 5, 15 min) "
                 f"{' '.join(f'{x:.2f}' for x in load_before)} before, "
                 f"{' '.join(f'{x:.2f}' for x in load_after)} after; {os.cpu_count()} CPUs.")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
