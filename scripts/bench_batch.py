"""Benchmark `mtqa batch`: wall time with --jobs 1 and --jobs N on a feed of FLORES article pairs.

    python scripts/bench_batch.py [--articles 200] [--lines 5] [--repeats 3] [--jobs 2] [--out docs/benchmarks/batch.md]
    python scripts/bench_batch.py --scaling 200,1000 [--repeats 2] [--jobs 1] [--out FILE]

Builds ARTICLES pairs of LINES consecutive FLORES-200 dev lines (nb source, fr translation) in a
temporary folder with a CSV manifest, then runs the real command line in a subprocess,
`mtqa batch --manifest feed.csv -o OUT --jobs 1` and `--jobs N`, interleaved (the order alternates
from one repeat to the next) so that load from other processes falls on both, and reports the
median wall time and the ratio. Then it runs `--resume` on a finished folder and shows that
nothing is checked again, and checks that summary.json lists every article and does not depend
on --jobs. All checks run (Grammalecte included when installed); no model.

FLORES dev has 997 lines: with 5 lines per article the 200th article wraps round to the first
lines (a resubmitted article, as feeds have). The mtqa package is copied into the temporary
folder first and every run uses that copy, so that edits to the working tree during the
benchmark cannot make runs differ. CPU time (user + system, all processes of a run) is measured
beside wall time: CPU / wall shows how many cores a run actually got on a shared machine. Each
repeat also measures the machine's ceiling: the same fixed CPU-bound work (a Python loop) done
by one process, then split between N processes; its ratio is the best any --jobs N could reach
at that moment (2.0 on an idle 2-core machine, about 1.0 when other processes take a core).
Skips with a message when the data is absent.

`--scaling SMALL,LARGE` measures instead how the cost grows with the feed: SMALL and then LARGE
one-line articles (`--lines 1` feeds), each checked by `mtqa batch --jobs JOBS` into an empty
folder, interleaved over the repeats; the CPU of the whole process tree of each run (the batch,
its workers and their Grammalecte processes, from getrusage(RUSAGE_CHILDREN)) is compared.
A batch whose bookkeeping is linear costs LARGE/SMALL times as much at most (less: start-up is
paid once); the issue-16 acceptance is 5.5x for 1 000 against 200.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FLORES = REPO.parent / "shared" / "data" / "flores200-dev"


def make_feed(flores: Path, folder: Path, articles: int, lines: int) -> Path:
    """Write ARTICLES fr/nb pairs and feed.csv into `folder`; return the manifest path."""
    nb = flores.joinpath("nb.txt").read_text(encoding="utf-8").splitlines()
    fr = flores.joinpath("fr.txt").read_text(encoding="utf-8").splitlines()
    usable = len(nb) - len(nb) % lines
    (folder / "fr").mkdir()
    (folder / "nb").mkdir()
    rows = ["target,source"]
    for i in range(articles):
        start = (i * lines) % usable
        name = f"flores-{i:03d}"
        (folder / "fr" / f"{name}.fr.txt").write_text("\n".join(fr[start:start + lines]) + "\n", encoding="utf-8")
        (folder / "nb" / f"{name}.nb.txt").write_text("\n".join(nb[start:start + lines]) + "\n", encoding="utf-8")
        rows.append(f"fr/{name}.fr.txt,nb/{name}.nb.txt")
    manifest = folder / "feed.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


def snapshot_code(folder: Path) -> Path:
    """Copy the mtqa package into `folder`; return the folder to put on PYTHONPATH."""
    code = folder / "code"
    shutil.copytree(REPO / "mtqa", code / "mtqa", ignore=shutil.ignore_patterns("__pycache__"))
    return code


def _cpu_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_batch(code: Path, manifest: Path, outdir: Path, jobs: int, *extra: str, env_extra: dict | None = None
              ) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, CPU s of the run and all its descendants, process) of one `mtqa batch` run."""
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_MODEL", "MTQA_DEBUG")}
    env.update(env_extra or {}, PYTHONPATH=str(code))
    cmd = [sys.executable, "-m", "mtqa", "batch", "--manifest", str(manifest), "-o", str(outdir),
           "--jobs", str(jobs), *extra]
    cpu0, t0 = _cpu_children(), time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=manifest.parent, env=env)
    wall, cpu = time.perf_counter() - t0, _cpu_children() - cpu0
    if proc.returncode not in (0, 1):
        sys.exit(f"mtqa batch exited {proc.returncode}:\n{proc.stderr[-2000:]}")
    return wall, cpu, proc


BURN = "n = 0\nfor i in range(20_000_000):\n    n += i\n"


def ceiling(jobs: int) -> tuple[float, float]:
    """(wall s of JOBS units of CPU work in one process, wall s of the same split over JOBS processes)."""
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", BURN * jobs], check=True)
    t1 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(jobs)]
    for p in procs:
        p.wait()
    return t1 - t0, time.perf_counter() - t1


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flores", type=Path, default=DEFAULT_FLORES)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--lines", type=int, default=5)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2, help="compared with --jobs 1")
    ap.add_argument("--out", type=Path, help="write the results as Markdown to this file")
    ap.add_argument("--scaling", metavar="SMALL,LARGE",
                    help="compare the CPU of SMALL and LARGE one-line articles (e.g. 200,1000) instead")
    args = ap.parse_args()
    if not (args.flores / "nb.txt").exists() or not (args.flores / "fr.txt").exists():
        print(f"skipped: FLORES-200 dev not found in {args.flores}")
        return 0
    if args.scaling:
        small, large = (int(x) for x in args.scaling.split(","))
        return scaling(args, small, large)

    tmp = Path(tempfile.mkdtemp(prefix="mtqa-bench-batch-"))
    try:
        code = snapshot_code(tmp)
        manifest = make_feed(args.flores, tmp, args.articles, args.lines)
        walls: dict[int, list[float]] = {1: [], args.jobs: []}
        cpus: dict[int, list[float]] = {1: [], args.jobs: []}
        loads = [os.getloadavg()[0]]
        ceilings: list[float] = []
        summaries: dict[int, bytes] = {}
        for r in range(args.repeats):
            order = (1, args.jobs) if r % 2 == 0 else (args.jobs, 1)
            for jobs in order:
                out = tmp / f"out-j{jobs}-r{r}"
                wall, cpu, proc = run_batch(code, manifest, out, jobs)
                walls[jobs].append(wall)
                cpus[jobs].append(cpu)
                summaries[jobs] = (out / "summary.json").read_bytes()
                loads.append(os.getloadavg()[0])
                print(f"repeat {r + 1}: --jobs {jobs}: {wall:.1f} s wall, {cpu:.1f} s CPU "
                      f"(load average {loads[-1]:.1f})", flush=True)
            one, split = ceiling(args.jobs)
            ceilings.append(one / split)
            print(f"repeat {r + 1}: ceiling: one process {one:.1f} s, {args.jobs} processes {split:.1f} s: "
                  f"{ceilings[-1]:.2f}x", flush=True)
        median = {j: statistics.median(w) for j, w in walls.items()}
        ratio = median[1] / median[args.jobs]

        summary = json.loads(summaries[args.jobs])
        listed = summary["totals"]["articles"]
        identical = summaries[1] == summaries[args.jobs]

        done = tmp / f"out-j{args.jobs}-r{args.repeats - 1}"
        mtimes = {p.name: p.stat().st_mtime_ns for p in done.iterdir() if p.name.startswith("flores-")}
        resume_wall, _, proc = run_batch(code, manifest, done, args.jobs, "--resume")
        skipped = proc.stderr.count("report current: skipped")
        unchanged = mtimes == {p.name: p.stat().st_mtime_ns for p in done.iterdir() if p.name.startswith("flores-")}
        one_wall, one_cpu, _ = run_batch(code, make_single(manifest), tmp / "out-single", 1)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    totals = summary["totals"]
    lines = [
        "# `mtqa batch` throughput: --jobs 1 vs --jobs {}".format(args.jobs),
        "",
        f"`python scripts/bench_batch.py --articles {args.articles} --lines {args.lines} --repeats {args.repeats} "
        f"--jobs {args.jobs}`",
        "",
        f"Machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}; "
        f"load average (1 min) {min(loads):.1f}-{max(loads):.1f} during the runs "
        "(the machine is shared with other workers: runs are interleaved, medians quoted).",
        f"Feed: {args.articles} articles of {args.lines} consecutive FLORES-200 dev lines (nb source, fr "
        "translation), CSV manifest; all checks, Grammalecte included; no model. Each run is the real command "
        "line in a subprocess (start-up included) into an empty folder.",
        "",
        "| run | wall s, each repeat | median wall s | articles/s | CPU s, each repeat | CPU / wall (cores used) |",
        "| --- | --- | --: | --: | --- | --: |",
    ]
    for jobs in (1, args.jobs):
        used = statistics.median(c / w for c, w in zip(cpus[jobs], walls[jobs]))
        lines.append(f"| `mtqa batch --manifest feed.csv -o OUT --jobs {jobs}` | "
                     f"{', '.join(f'{w:.1f}' for w in walls[jobs])} | {median[jobs]:.1f} | "
                     f"{args.articles / median[jobs]:.2f} | {', '.join(f'{c:.1f}' for c in cpus[jobs])} | "
                     f"{used:.2f} |")
    lines += [
        f"| `... --jobs {args.jobs} --resume` on a finished folder | {resume_wall:.1f} | {resume_wall:.1f} "
        "| – | – | – |",
        f"| one article, `--jobs 1` (fixed start-up cost) | {one_wall:.1f} | {one_wall:.1f} | – | {one_cpu:.1f} | – |",
        "",
        f"**Speed-up of --jobs {args.jobs} over --jobs 1: {ratio:.2f}x** (median over median). Machine ceiling "
        f"at the same time (fixed CPU work in 1 process vs split over {args.jobs}): "
        f"{', '.join(f'{c:.2f}x' for c in ceilings)} (median {statistics.median(ceilings):.2f}x); "
        f"mtqa reaches {ratio / statistics.median(ceilings):.0%} of it.",
        "",
        f"- summary.json lists {listed} of {args.articles} articles ({totals['pass']} pass, {totals['fail']} fail, "
        f"{totals['error']} error, {totals['flags']} flags); byte-identical for --jobs 1 and --jobs {args.jobs}: "
        f"{'yes' if identical else 'NO'}.",
        f"- --resume: {skipped} of {args.articles} articles skipped as current, reports untouched: "
        f"{'yes' if unchanged else 'NO'}; {resume_wall:.1f} s.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if listed == args.articles and identical and skipped == args.articles and unchanged else 1


def scaling(args, small: int, large: int, limit: float = 5.5) -> int:
    """CPU of `mtqa batch` on SMALL and on LARGE one-line articles, interleaved over the repeats."""
    tmp = Path(tempfile.mkdtemp(prefix="mtqa-bench-scaling-"))
    try:
        code = snapshot_code(tmp)
        feeds = {}
        for n in (small, large):
            folder = tmp / f"feed-{n}"
            folder.mkdir()
            feeds[n] = make_feed(args.flores, folder, n, 1)
        cpus: dict[int, list[float]] = {small: [], large: []}
        walls: dict[int, list[float]] = {small: [], large: []}
        loads = [os.getloadavg()[0]]
        for r in range(args.repeats):
            for n in ((small, large) if r % 2 == 0 else (large, small)):
                wall, cpu, proc = run_batch(code, feeds[n], tmp / f"out-{n}-r{r}", args.jobs)
                summary = json.loads((tmp / f"out-{n}-r{r}" / "summary.json").read_bytes())
                if summary["totals"]["articles"] != n:
                    sys.exit(f"summary.json lists {summary['totals']['articles']} of {n} articles")
                cpus[n].append(cpu)
                walls[n].append(wall)
                loads.append(os.getloadavg()[0])
                print(f"repeat {r + 1}: {n} articles: {cpu:.1f} s CPU, {wall:.1f} s wall "
                      f"(load average {loads[-1]:.1f})", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    cpu = {n: statistics.median(c) for n, c in cpus.items()}
    ratio = cpu[large] / cpu[small]
    lines = [
        f"# `mtqa batch` cost growth: {small} vs {large} one-line articles",
        "",
        f"`python scripts/bench_batch.py --scaling {small},{large} --repeats {args.repeats} --jobs {args.jobs}`",
        "",
        f"Machine: {os.cpu_count()} CPUs ({cpu_model()}), Python {platform.python_version()}; load average (1 min) "
        f"{min(loads):.1f}-{max(loads):.1f} during the runs. Feeds of one-line FLORES-200 dev articles (nb "
        "source, fr translation), all checks (Grammalecte included when installed), no model, `--jobs "
        f"{args.jobs}`; CPU = user + system of the whole process tree (batch, workers, Grammalecte).",
        "",
        "| feed | CPU s, each repeat | median CPU s | CPU ms per article | wall s, each repeat |",
        "| --- | --- | --: | --: | --- |",
    ]
    for n in (small, large):
        lines.append(f"| {n} articles | {', '.join(f'{c:.1f}' for c in cpus[n])} | {cpu[n]:.1f} | "
                     f"{1000 * cpu[n] / n:.0f} | {', '.join(f'{w:.1f}' for w in walls[n])} |")
    lines += ["", f"**{large} articles cost {ratio:.2f}x the CPU of {small}** (at most {limit}x accepted; "
                  f"{large / small:.0f}x would be exactly linear without fixed costs)."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if ratio <= limit else 1


def make_single(manifest: Path) -> Path:
    """A manifest of the feed's first article only."""
    first = manifest.read_text(encoding="utf-8").splitlines()[:2]
    single = manifest.with_name("single.csv")
    single.write_text("\n".join(first) + "\n", encoding="utf-8")
    return single


if __name__ == "__main__":
    sys.exit(main())
