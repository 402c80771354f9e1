"""Screenshots of the reports as people see them: the text report in a terminal, the HTML report on paper.

    python scripts/screenshots.py [--out docs/screenshots] [--article STEM] [--lines 50]

* The text report: `mtqa check` run in a detached tmux session (a real terminal, so the report
  wraps and styles itself as it does for a user) 80 and 140 columns wide; the pane is captured
  with its colours (`tmux capture-pane -p -e`), replayed into rich (`Text.from_ansi`), exported as
  SVG, and that SVG photographed by headless Chromium: `text-80.png`, `text-140.png` (the first
  `--lines` lines: what a terminal of that height shows of the report's top).
* The HTML report printed: Chromium's `--print-to-pdf` of `mtqa check -f html`, pages 1 and 2
  turned into `html-print-1.png`, `html-print-2.png` by `pdftoppm -png -r 60`.

Needs tmux, chromium and pdftoppm (poppler-utils); nothing is fetched from the network (the SVG's
web fonts are removed, Chromium gets a fresh profile each time). Pillow, when installed, reduces
the PNGs to a 64-colour palette to keep them small. tests/report/test_screenshots.py uses the
same functions (`run_in_tmux`, `print_to_pdf`) to check that no flagged span is cut off.
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
DEFAULT_ARTICLE = "dagbladet-russland-nekter"
WIDTHS = (80, 140)
CHROMIUM_TIMEOUT = 120   # seconds for one Chromium run (a cold start on a busy machine is slow)


def chromium() -> str | None:
    """The Chromium binary on PATH (Debian: chromium; elsewhere chromium-browser, google-chrome)."""
    return next((path for name in ("chromium", "chromium-browser", "google-chrome")
                 if (path := shutil.which(name))), None)


def missing_tools(*names: str) -> list[str]:
    """Which of the tools a step needs are not installed ("chromium" stands for any Chromium)."""
    return [n for n in names if (chromium() is None if n == "chromium" else shutil.which(n) is None)]


def check_command(article: str, fmt: str, output: Path | None = None) -> list[str]:
    """`mtqa check` of a sample article with its source, as a user types it (run from the repository)."""
    cmd = [sys.executable, "-m", "mtqa", "check", f"corpora/fr/{article}.fr.txt",
           "--source", f"corpora/nb/{article}.nb.txt", "-f", fmt]
    return cmd + (["-o", str(output)] if output is not None else [])


def run_in_tmux(command: list[str], width: int, height: int = 50, cwd: Path = REPO,
                timeout: float = 300) -> tuple[str, str]:
    """Run `command` in a detached tmux pane of `width` x `height` and return the whole pane, its
    scrollback included, as (plain text, text with ANSI styles). A private tmux server (its own
    socket, no configuration file) is started and stopped, so no user session is touched."""
    with tempfile.TemporaryDirectory(prefix="mtqa-tmux-") as tmp:
        socket = str(Path(tmp) / "tmux.sock")
        tmux = ["tmux", "-S", socket, "-f", "/dev/null"]
        # The pane signals "done" when the command has exited, then waits to be killed: its
        # scrollback stays readable. COLUMNS/LINES would override the pane's real size.
        quoted = " ".join(_sh_quote(c) for c in command)
        script = f"cd {_sh_quote(str(cwd))} && env -u COLUMNS -u LINES {quoted}; tmux wait-for -S mtqa-done; sleep 3600"
        try:
            # The scrollback is a server option, set before the pane exists (";" separates tmux commands).
            subprocess.run([*tmux, "start-server", ";", "set-option", "-g", "history-limit", "10000", ";",
                            "new-session", "-d", "-s", "shot", "-x", str(width), "-y", str(height),
                            "sh", "-c", script], check=True, timeout=30)
            subprocess.run([*tmux, "wait-for", "mtqa-done"], check=True, timeout=timeout)
            capture = [*tmux, "capture-pane", "-p", "-t", "shot", "-S", "-", "-E", "-"]
            plain = subprocess.run(capture, check=True, capture_output=True, text=True, timeout=30).stdout
            ansi = subprocess.run([*capture, "-e"], check=True, capture_output=True, text=True, timeout=30).stdout
        finally:
            subprocess.run([*tmux, "kill-server"], capture_output=True, timeout=30)
    return plain.rstrip("\n") + "\n", ansi.rstrip("\n") + "\n"


def _sh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def chromium_run(*args: str, timeout: float = CHROMIUM_TIMEOUT) -> None:
    """Headless Chromium with a throw-away profile (two runs at once never share one)."""
    binary = chromium()
    if binary is None:
        raise RuntimeError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="mtqa-chromium-") as profile:
        subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--disable-extensions", f"--user-data-dir={profile}", *args],
                       check=True, capture_output=True, timeout=timeout)


def print_to_pdf(html: Path, pdf: Path) -> None:
    """The page as Chromium prints it (its print stylesheet, no header or footer lines)."""
    chromium_run("--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.resolve().as_uri())
    if not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"chromium wrote no PDF for {html}")


def ansi_to_svg(ansi: str, width: int, lines: int | None, title: str) -> str:
    """The captured pane as rich draws a terminal in SVG, without its web-font links (offline)."""
    import io

    from rich.console import Console
    from rich.text import Text

    # One parse of the whole pane: tmux writes only the changes of style, also from one line to the next.
    shown = Text.from_ansi(ansi).split("\n")
    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    for line in shown[:lines] if lines else shown:
        console.print(line, no_wrap=True, overflow="crop", crop=False)
    svg = console.export_svg(title=title)
    return re.sub(r"@font-face\s*\{[^}]*\}", "", svg)


def svg_to_png(svg: str, png: Path) -> None:
    """Chromium's screenshot of the SVG at its own size."""
    m = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    if m is None:
        raise RuntimeError("the SVG has no viewBox")
    w, h = (int(float(v) + 0.999) for v in m.groups())
    with tempfile.TemporaryDirectory(prefix="mtqa-svg-") as tmp:
        page = Path(tmp) / "terminal.html"
        sized = svg.replace("<svg ", f'<svg width="{w}" height="{h}" ', 1)
        page.write_text(f'<!DOCTYPE html><html><body style="margin:0;background:#fff">{sized}</body></html>',
                        encoding="utf-8")
        chromium_run("--hide-scrollbars", "--force-device-scale-factor=1", f"--window-size={w},{h}",
                     f"--screenshot={png.resolve()}", page.as_uri())


def pdf_pages_to_png(pdf: Path, prefix: Path, first: int = 1, last: int = 2, dpi: int = 60) -> list[Path]:
    """Pages first..last of the PDF as PNG files PREFIX-N.png (pdftoppm numbers them)."""
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(first), "-l", str(last), str(pdf), str(prefix)],
                   check=True, timeout=120)
    made = sorted(prefix.parent.glob(prefix.name + "-*.png"))
    renamed = []
    for path in made:  # pdftoppm pads the page number to the page count's digits: "-1" or "-01"
        n = int(path.stem.rsplit("-", 1)[1])
        target = prefix.parent / f"{prefix.name}-{n}.png"
        path.replace(target)
        renamed.append(target)
    return renamed


def shrink_png(png: Path, colours: int = 64) -> None:
    """A palette PNG of `colours` colours (screenshots of text lose nothing that matters)."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(png) as image:
        small = image.convert("RGB").quantize(colors=colours, method=Image.Quantize.MEDIANCUT)
    small.save(png, optimize=True)


def text_screenshots(out: Path, article: str, lines: int) -> list[Path]:
    made = []
    for width in WIDTHS:
        _, ansi = run_in_tmux(check_command(article, "text"), width, height=lines)
        png = out / f"text-{width}.png"
        svg_to_png(ansi_to_svg(ansi, width, lines, f"mtqa check … (text report, {width} columns)"), png)
        shrink_png(png)
        made.append(png)
    return made


def print_screenshots(out: Path, article: str) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="mtqa-print-") as tmp:
        html, pdf = Path(tmp) / "report.html", Path(tmp) / "report.pdf"
        subprocess.run(check_command(article, "html", html), cwd=REPO, capture_output=True, timeout=300)
        if not html.is_file():
            raise RuntimeError("mtqa check -f html wrote no report")
        print_to_pdf(html, pdf)
        pages = pdf_pages_to_png(pdf, Path(tmp) / "html-print")
        made = []
        for page in pages:
            target = out / page.name
            shutil.copyfile(page, target)
            shrink_png(target)
            made.append(target)
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--article", default=DEFAULT_ARTICLE, help="a sample of corpora/ (its stem)")
    parser.add_argument("--lines", type=int, default=50, help="terminal height: the lines of the text report shown")
    args = parser.parse_args(argv)
    missing = missing_tools("tmux", "chromium", "pdftoppm")
    if missing:
        print(f"screenshots: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    made = text_screenshots(args.out, args.article, args.lines) + print_screenshots(args.out, args.article)
    for png in made:
        print(f"{png.relative_to(REPO) if png.is_relative_to(REPO) else png}  {png.stat().st_size // 1024} KiB")
    print(f"{len(made)} screenshots in {time.monotonic() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.pop("MTQA_MODEL", None)  # the model-free report, as the README describes it
    sys.exit(main())
