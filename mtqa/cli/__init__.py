"""The mtqa command line (Typer only): parse options, call the library, map errors to exit codes.

`app.py` holds the application, its root callback, `main()` and the error and signal handling;
one module per command group: `check` (check, init), `tools` (align, translate), `checks` (the
list of checks), `batch`, `eval`, `models`; `options.py` the choices and the `Annotated` option
types shared by several commands; `helpcache.py` the rendered help kept between runs. Nothing
outside this package imports it (`python -m mtqa` and the console script `mtqa.cli:main` are its
entry points).
"""

from __future__ import annotations

import gc
import sys

__all__ = ["app", "main"]

# The collector's first generation is examined after this many new container objects (Python's
# default is 700). A check builds caches and tables of several hundred thousand small objects that
# live to the end of the run and makes few reference cycles, so at the default the collector walks
# the same young objects over and over: a seventh of `mtqa check`'s CPU on a 1 000-line article,
# 0.15 s instead of 1.0 s at this threshold, for a few MB more before a cycle is freed.
YOUNG_GENERATION_THRESHOLD = 100_000


def _fewer_collections() -> None:
    """Raise the first generation's threshold for this process (the console run only: a program
    that calls main(argv) keeps its own settings)."""
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)


def _no_collections_at_exit() -> None:
    """While it tears the modules down at exit, the interpreter collects the whole heap again:
    0.7 s of CPU after a check of a 1 000-line article, for memory that the end of the process
    gives back anyway. Everything still alive is moved to the permanent generation,
    which those collections skip; it is still freed, by reference counting, as before. Nothing of
    mtqa's waits for a collection at exit: files are closed, temporary files removed and the
    Grammalecte server stopped by the steps that opened them."""
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    """Console entry point. A help request already rendered once is printed from the cache
    (mtqa.cli.helpcache) without importing Typer; everything else is mtqa.cli.app.main."""
    if argv is not None:  # called from Python: no cache, the application itself
        from mtqa.cli.app import main as run

        run(argv)
        return
    _fewer_collections()
    try:
        _console(sys.argv[1:])
    finally:  # the run's own exit (sys.exit) included
        _no_collections_at_exit()


def _console(args: list[str]) -> None:
    from mtqa.cli import helpcache

    text = helpcache.replay(args)
    if text is not None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:  # `mtqa --help | head`
            from mtqa.cli.app import _quiet_stdout

            _quiet_stdout()
        sys.exit(0)
    from mtqa.cli.app import main as run

    helpcache.render_and_keep(args, run)


def __getattr__(name: str):
    if name == "app":
        from mtqa.cli.app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
