#!/usr/bin/env python3
"""The real-MT benchmark of docs/BENCHMARKS.md: `mtqa.eval.evaluate_systems` on every system of
FLORES-200 dev's mt-nb-fr/ (and the human fr.txt), line-paired and through the aligner.

    python scripts/bench_systems.py [--flores DIR] [--enable quality] [--aligner] [--json FILE]

`mtqa eval --systems [--aligner]` prints the same tables after the injected-error measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from mtqa import eval as ev
    from mtqa.checks import build_checks
    from mtqa.cli.eval import _console, print_systems

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--flores", default=None)
    ap.add_argument("--systems-dir", default=None)
    ap.add_argument("--enable", default="")
    ap.add_argument("--disable", default="")
    ap.add_argument("--aligner", action="store_true")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    checks = build_checks([c for c in args.enable.split(",") if c] or None,
                          [c for c in args.disable.split(",") if c] or None)
    t0 = time.perf_counter()
    report = ev.evaluate_systems(args.flores, checks, systems_dir=args.systems_dir, line_aligned=not args.aligner)
    print_systems(report, _console())
    print(f"{time.perf_counter() - t0:.1f} s wall; load average {os.getloadavg()[0]:.2f}; "
          f"checks: {', '.join(c.name for c in checks)}")
    if args.json:
        Path(args.json).write_text(json.dumps(report.to_dict(), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
