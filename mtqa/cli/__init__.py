"""The mtqa command line (Typer only): parse options, call the library, map errors to exit codes.

`app.py` holds the application, its root callback, `main()` and the error and signal handling;
one module per command group: `check` (check, init), `tools` (align, translate), `checks` (the
list of checks), `batch`, `eval`, `models`; `options.py` the choices and the `Annotated` option
types shared by several commands. Nothing outside this package imports it (`python -m mtqa`
and the console script `mtqa.cli:main` are its entry points).
"""

from mtqa.cli.app import app, main

__all__ = ["app", "main"]
