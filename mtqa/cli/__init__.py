"""The mtqa command line (Typer only): parse options, call the library, map errors to exit codes.

`app.py` holds the application, the error and signal handling and the single-article commands;
one module per command group (`batch`, `eval`, `models`); `options.py` the choices and option
types shared by several commands. Nothing outside this package imports it.
"""

from mtqa.cli.app import app, main

__all__ = ["app", "main"]
