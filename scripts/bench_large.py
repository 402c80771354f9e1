"""Time and memory of `mtqa check` on very large and very odd input, model-free.

    python scripts/bench_large.py [--size-mb 50] [--no-source] [--long-line] [--out FILE]

1. A large article: the French lines of FLORES-200 dev (../shared/data/flores200-dev/fr.txt) repeated
   until the file holds --size-mb MB, with the Norwegian lines in the same order as its source
   (--no-source: without one). `mtqa check FR --source NB -f json -o report.json` runs in a child
   process; its wall time, CPU time and peak resident memory (os.wait4's ru_maxrss of the child; the
   Grammalecte process, when it runs, is a grandchild and is not counted) are reported.
2. --long-line: one line of 1 MB without a space, made of a piece that once made a stage quadratic
   (or crash), checked against a source holding 30 Norwegian FLORES lines and the same line: the
   time bound of every stage on such input.

The files are built in a temporary folder (--workdir to keep them) and never in the repository.
Prints a Markdown table; --out also writes it to FILE.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FLORES = REPO.parent / "shared" / "data" / "flores200-dev"

LONG_LINE_PIECES = {
    "dots `.`": ".",
    "e-mail-like `a@`": "a@",
    "digits `1`": "1",
    "capitalised words `Abc.`": "Abc.",
    "hyphen chain `l'a-`": "l'a-",
    "random letters": None,
}


def build_article(folder: Path, size_mb: float) -> tuple[Path, Path, int]:
    fr_lines = (FLORES / "fr.txt").read_text(encoding="utf-8").splitlines()
    nb_lines = (FLORES / "nb.txt").read_text(encoding="utf-8").splitlines()
    fr_out, nb_out, size, k = [], [], 0, 0
    while size < size_mb * 1_000_000:
        fr_out.append(fr_lines[k % len(fr_lines)])
        nb_out.append(nb_lines[k % len(nb_lines)])
        size += len(fr_out[-1].encode("utf-8")) + 1
        k += 1
    fr, nb = folder / "large.fr.txt", folder / "large.nb.txt"
    fr.write_text("\n".join(fr_out) + "\n", encoding="utf-8")
    nb.write_text("\n".join(nb_out) + "\n", encoding="utf-8")
    return fr, nb, k


def long_line(piece: str | None, size: int = 1_000_000) -> str:
    if piece is None:
        import random

        rng = random.Random(1)
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyzéèàç") for _ in range(size))
    return (piece * (size // len(piece) + 1))[:size]


def run_check(args: list, cwd: Path) -> dict:
    """Run `python -m mtqa check ARGS` and measure it."""
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_MODEL", "MTQA_DEBUG")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", "check", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr_chunks = []
    # Read stderr while waiting, so that a chatty child never blocks on a full pipe.
    import threading

    reader = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()))
    reader.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"status": proc.returncode, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "stderr": b"".join(stderr_chunks).decode("utf-8", "replace")}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=50.0)
    parser.add_argument("--no-source", action="store_true", help="check the large article without a source")
    parser.add_argument("--long-line", action="store_true", help="also time the 1 MB lines without spaces")
    parser.add_argument("--skip-large", action="store_true", help="only the long lines")
    parser.add_argument("--workdir", type=Path, help="build the files here (kept) instead of a temporary folder")
    parser.add_argument("--out", type=Path, help="also write the Markdown table to this file")
    args = parser.parse_args(argv)
    if not (FLORES / "fr.txt").exists():
        print(f"FLORES-200 dev not found in {FLORES}", file=sys.stderr)
        return 2

    out_lines = [f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
                 f"load average at start {os.getloadavg()[0]:.1f}.", ""]
    with tempfile.TemporaryDirectory(prefix="mtqa-bench-large-") as tmp:
        folder = args.workdir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if not args.skip_large:
            fr, nb, lines = build_article(folder, args.size_mb)
            size = fr.stat().st_size
            report = folder / "report.json"
            check_args = [fr] + ([] if args.no_source else ["--source", nb]) + ["-f", "json", "-o", report]
            print(f"checking {size / 1e6:.1f} MB, {lines} lines ...", file=sys.stderr, flush=True)
            r = run_check(check_args, folder)
            summary = {}
            if report.exists():
                data = json.loads(report.read_text(encoding="utf-8"))
                summary = data["summary"]
            skipped = summary.get("checks_skipped", {})
            out_lines += [
                "| article | lines | source | status | wall s | CPU s | peak RSS MB | RSS / input size | "
                "flagged lines at fail-on | grammar |",
                "| --- | --: | --- | --: | --: | --: | --: | --: | --: | --- |",
                f"| {size / 1e6:.1f} MB FLORES fr | {lines} | {'none' if args.no_source else 'nb, same order'} | "
                f"{r['status']} | {r['wall_s']:.0f} | {r['cpu_s']:.0f} | {r['peak_rss_mb']:.0f} | "
                f"{r['peak_rss_mb'] * 1024 * 1024 / size:.1f}x | {summary.get('flagged_lines_at_fail_on', '?')} | "
                f"{'skipped: ' + skipped['grammar'] if 'grammar' in skipped else 'ran'} |",
                "",
            ]
            if r["status"] not in (0, 1):
                out_lines.append(f"stderr: `{r['stderr'].strip()[-500:]}`")
        if args.long_line:
            out_lines += ["| 1 MB line without spaces (article and source) | status | wall s | CPU s | peak RSS MB |",
                          "| --- | --: | --: | --: | --: |"]
            # The source opens with Norwegian paragraphs, so that its language (identified on its first
            # 3 000 characters) is Norwegian whatever the line: "l'a-" alone reads as French.
            opening = "\n".join((FLORES / "nb.txt").read_text(encoding="utf-8").splitlines()[:30])
            for name, piece in LONG_LINE_PIECES.items():
                line = long_line(piece)
                fr, nb = folder / "line.fr.txt", folder / "line.nb.txt"
                fr.write_text(line + "\n", encoding="utf-8")
                nb.write_text(opening + "\n" + line + "\n", encoding="utf-8")
                print(f"checking a 1 MB line of {name} ...", file=sys.stderr, flush=True)
                r = run_check([fr, "--source", nb, "-f", "json", "-o", folder / "line.json"], folder)
                out_lines.append(f"| {name} | {r['status']} | {r['wall_s']:.1f} | {r['cpu_s']:.1f} | "
                                 f"{r['peak_rss_mb']:.0f} |")
                if r["status"] not in (0, 1):
                    out_lines.append(f"stderr: `{r['stderr'].strip()[-300:]}`")
            out_lines.append("")
    text = "\n".join(out_lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
