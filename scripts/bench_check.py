"""Throughput of `mtqa check` (model-free) on FLORES-200 dev, beside a peer run on the same text.

    python scripts/bench_check.py [--repeat 3] [--out FILE]

Times the whole pipeline (segment, align, every check) in-process on the 997-line
human fr/nb pair, with and without the Grammalecte check, and times the peer
`grammalecte-cli` alone on the same French file, so the ratio is taken in one run.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLORES = REPO.parent / "shared" / "data" / "flores200-dev"
sys.path.insert(0, str(REPO))

from mtqa.checks import build_checks  # noqa: E402
from mtqa.readers import read_document  # noqa: E402
from mtqa.text.langid import guess_language  # noqa: E402
from mtqa.pipeline import check_article  # noqa: E402


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    if not (FLORES / "fr.txt").exists():
        print(f"flores200-dev not found at {FLORES}", file=sys.stderr)
        return 2
    fr, nb = read_document(FLORES / "fr.txt"), read_document(FLORES / "nb.txt")
    guess_language("Bonjour tout le monde.")  # load the language models once, outside the timings
    rows = []
    no_grammar = build_checks(disable=["grammar"])
    t = timed(lambda: check_article(fr, nb, checks=no_grammar), args.repeat)
    rows.append(("mtqa check, all checks but grammar", t))
    if shutil.which("grammalecte-cli"):
        t_all = timed(lambda: check_article(fr, nb, checks=build_checks()), args.repeat)
        rows.append(("mtqa check, all checks (grammar through grammalecte-cli)", t_all))
        peer = timed(lambda: subprocess.run(["grammalecte-cli", "-f", str(FLORES / "fr.txt"), "-j", "-owe"],
                                            capture_output=True, check=True), args.repeat)
        rows.append(("peer: grammalecte-cli alone on fr.txt", peer))
    lines = len(fr.lines)
    out = ["| run (997 lines, fr.txt vs nb.txt) | median s | lines/s | vs mtqa without grammar |",
           "| --- | --- | --- | --- |"]
    for name, secs in rows:
        out.append(f"| {name} | {secs:.2f} | {lines / secs:.0f} | {secs / rows[0][1]:.2f}x |")
    text = "\n".join(out) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
