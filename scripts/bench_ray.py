"""Benchmark `mtqa batch --engine ray` against the local engine on one machine.

    python scripts/bench_ray.py [--articles 200] [--lines 5] [--jobs 2] [--repeats 1] [--out docs/benchmarks/ray.md]

Builds the FLORES feed of scripts/bench_batch.py (ARTICLES nb/fr pairs of LINES lines, a CSV
manifest), then runs the real command line, interleaved in each repeat:

- `mtqa batch --manifest feed.csv -o OUT --jobs N` (local worker processes);
- `... --engine ray --jobs N` (mtqa starts a local Ray instance with N CPUs and stops it: what a
  laptop user gets, start-up and shut-down included);
- `... --engine ray --jobs N --address 127.0.0.1:PORT` on a Ray instance with N CPUs started
  beforehand (what a cluster user gets: no start-up in the run). That instance is mtqa's local
  one (mtqa.batch.ray_engine.RaySession, kept open by a helper process), loopback-only like the
  one of the second run: `ray start --head` would listen on every interface and probe the cloud
  metadata services. Its clients run in Ray's single-node mode (RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0,
  else Ray would turn 127.0.0.1 into this machine's network address) with RAY_AUTH_MODE=token.

It reports the median wall time of each, the CPU time of the mtqa process tree (the daemons of
the instance started beforehand are not children and not counted), the overhead per article
against the local engine, and checks that summary.json and every report are the same bytes in
the three outputs. Needs Ray (pip install 'mtqa[ray]') and the FLORES data; skips with a message
otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_batch import DEFAULT_FLORES, cpu_model, make_feed, run_batch, snapshot_code  # noqa: E402


# Holds a local instance open until its stdin closes; prints the instance's address.
SERVE = """
import sys
from mtqa.batch.ray_engine import RayOptions, RaySession
with RaySession(RayOptions(num_cpus=int(sys.argv[1]))) as session:
    print(session.ray.get_runtime_context().gcs_address, flush=True)
    sys.stdin.read()
"""


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
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-ray-") as tmp:
        folder = Path(tmp)
        manifest = make_feed(args.flores, folder, args.articles, args.lines)
        code = snapshot_code(folder)
        t0 = time.perf_counter()
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(args.jobs)], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(code)})
        assert server.stdout is not None and server.stdin is not None
        address = server.stdout.readline().strip()
        cluster_start = time.perf_counter() - t0
        if not address:
            server.wait()
            sys.exit("the Ray instance for --address did not start")
        runs: dict[str, list[tuple[float, float]]] = {"local": [], "ray-local": [], "ray-address": []}
        extra = {"local": (), "ray-local": ("--engine", "ray"),
                 "ray-address": ("--engine", "ray", "--address", address)}
        # a client of that instance: single-node mode, and the token of Ray's token authentication
        # (on by default for an instance ray.init starts: ~/.ray/auth_token), which a client uses when told
        single_node = {"ray-address": {"RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", "RAY_AUTH_MODE": "token"}}
        try:
            for r in range(args.repeats):
                order = list(runs) if r % 2 == 0 else list(reversed(runs))
                for name in order:
                    out = folder / f"out-{name}-{r}"
                    wall, cpu, proc = run_batch(code, manifest, out, args.jobs, *extra[name],
                                                env_extra=single_node.get(name))
                    runs[name].append((wall, cpu))
                    print(f"{name:12} repeat {r}: {wall:6.1f} s wall, {cpu:6.1f} s CPU", flush=True)
        finally:
            server.stdin.close()
            server.wait(timeout=120)
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
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}; the instance for `--address` took {cluster_start:.1f} s "
        "to start.",
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
