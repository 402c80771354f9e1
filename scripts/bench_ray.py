"""Benchmark `mtqa batch --engine ray` against the local engine on one machine.

    python scripts/bench_ray.py [--articles 200] [--lines 5] [--jobs 2] [--repeats 1] [--out docs/benchmarks/ray.md]

Builds the FLORES feed of scripts/bench_batch.py (ARTICLES nb/fr pairs of LINES lines, a CSV
manifest), then runs the real command line, interleaved in each repeat:

- `mtqa batch --manifest feed.csv -o OUT --jobs N` (local worker processes);
- `... --engine ray --jobs N` (mtqa starts a local Ray instance with N CPUs and stops it: what a
  laptop user gets, start-up and shut-down included);
- `... --engine ray --jobs N --address 127.0.0.1:PORT` on a Ray instance started beforehand with
  `ray start --head --num-cpus N` (what a cluster user gets: no start-up in the run).

It reports the median wall time of each, the CPU time of the mtqa process tree (Ray's daemons
started by `ray start` are not children and not counted), the overhead per article against the
local engine, and checks that summary.json and every report are the same bytes in the three
outputs. Needs Ray (pip install 'mtqa[ray]') and the FLORES data; skips with a message otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import DEFAULT_FLORES, cpu_model, make_feed, run_batch, snapshot_code  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--flores", type=Path, default=DEFAULT_FLORES)
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--lines", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("--out", type=Path, help="write the results as Markdown to this file")
    args = ap.parse_args()
    try:
        import ray  # noqa: F401
    except ImportError:
        print("skipped: Ray is not installed (pip install 'mtqa[ray]')")
        return 0
    if not (args.flores / "nb.txt").exists():
        print(f"skipped: no FLORES data in {args.flores}")
        return 0
    ray_cli = Path(sys.executable).parent / "ray"
    # Two Ray instances on one machine: the local instance of the second run would replace the
    # authentication token (~/.ray/auth_token) of the one `ray start` made; no tokens on loopback.
    os.environ.update(RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-ray-") as tmp:
        folder = Path(tmp)
        manifest = make_feed(args.flores, folder, args.articles, args.lines)
        code = snapshot_code(folder)
        port = free_port()
        t0 = time.perf_counter()
        subprocess.run([str(ray_cli), "start", "--head", "--port", str(port), "--num-cpus", str(args.jobs),
                        "--include-dashboard=false", "--disable-usage-stats"], check=True, capture_output=True,
                       env={**env, "PYTHONPATH": str(code)})
        cluster_start = time.perf_counter() - t0
        runs: dict[str, list[tuple[float, float]]] = {"local": [], "ray-local": [], "ray-address": []}
        extra = {"local": (), "ray-local": ("--engine", "ray"),
                 "ray-address": ("--engine", "ray", "--address", f"127.0.0.1:{port}")}
        try:
            for r in range(args.repeats):
                order = list(runs) if r % 2 == 0 else list(reversed(runs))
                for name in order:
                    out = folder / f"out-{name}-{r}"
                    wall, cpu, proc = run_batch(code, manifest, out, args.jobs, *extra[name])
                    runs[name].append((wall, cpu))
                    print(f"{name:12} repeat {r}: {wall:6.1f} s wall, {cpu:6.1f} s CPU", flush=True)
        finally:
            subprocess.run([str(ray_cli), "stop"], capture_output=True, env=env)
        same = all(files_of(folder / f"out-{n}-{r}") == files_of(folder / "out-local-0")
                   for n in runs for r in range(args.repeats))
        summary_ok = all((folder / f"out-{n}-0" / "summary.json").read_bytes()
                         == (folder / "out-local-0" / "summary.json").read_bytes() for n in runs)
    med = {n: statistics.median(w for w, _ in v) for n, v in runs.items()}
    cpu = {n: statistics.median(c for _, c in v) for n, v in runs.items()}
    load = os.getloadavg()
    lines = [
        "# mtqa batch: local engine vs Ray on one machine",
        "",
        f"{args.articles} FLORES articles of {args.lines} lines, `--jobs {args.jobs}`, all checks (Grammalecte "
        f"{'installed' if shutil.which('grammalecte-cli') else 'not installed'}), no model; "
        f"{args.repeats} repeat(s), median; {os.cpu_count()} CPUs ({cpu_model()}), load average after the runs "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; `ray start --head` took {cluster_start:.1f} s.",
        "",
        "| engine | command | wall s | CPU s (mtqa tree) | overhead vs local, per article |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    labels = {"local": f"--jobs {args.jobs}", "ray-local": f"--engine ray --jobs {args.jobs}",
              "ray-address": f"--engine ray --jobs {args.jobs} --address 127.0.0.1:PORT"}
    for n in runs:
        over = (med[n] - med["local"]) / args.articles * 1000
        lines.append(f"| {n} | `{labels[n]}` | {med[n]:.1f} | {cpu[n]:.1f} | "
                     f"{'-' if n == 'local' else f'{over:+.0f} ms'} |")
    lines += ["", f"summary.json the same bytes in every run: {'yes' if summary_ok else 'NO'}; "
                  f"every report and the resume state too: {'yes' if same else 'NO'}.", ""]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0 if same and summary_ok else 1


if __name__ == "__main__":
    sys.exit(main())
