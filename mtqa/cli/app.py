"""The mtqa command line: the Typer application, its commands, and the mapping of every failure to an exit status.

A thin shell over mtqa.pipeline. Exit status (mtqa.errors): 0 no flag at or above --fail-on;
1 at least one; 2 usage or input error; 3 internal error (a bug: please report it); 130
interrupted (Ctrl-C); 143 terminated (SIGTERM).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from mtqa import __version__
from mtqa.cli.batch import batch_cmd
from mtqa.cli.check import check, init_cmd
from mtqa.cli.checks import list_checks
from mtqa.cli.eval import eval_cmd
from mtqa.cli.hook import hook_cmd
from mtqa.cli.models import models_app
from mtqa.cli.tools import align_cmd, translate_cmd
from mtqa.errors import EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, EXIT_TERMINATED, EXIT_USAGE, MtqaError

def _readable_types() -> None:
    """Help without type jargon: an on/off flag shows no <bool>, a repeatable list shows <a,b,...>
    instead of <list[str]>. (Typer renders these; its option class is adjusted once, here.)"""
    try:
        from typer.core import TyperOption
    except ImportError:  # another Typer: keep its rendering
        return
    original = getattr(TyperOption, "display_type_rich", None)
    if original is None or getattr(original, "_mtqa", False):
        return

    def display_type_rich(self, ctx):
        if self.metavar is None and (getattr(self, "is_flag", False) or getattr(self, "is_bool_flag", False)):
            return None
        shown = original(self, ctx)
        if isinstance(shown, str) and shown.startswith("<list[") and shown.endswith("]>"):
            return "<a,b,...>"
        return shown

    display_type_rich._mtqa = True  # type: ignore[attr-defined]  # a marker on the function: patched once
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]  # the deliberate patch of Typer


_readable_types()

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Check French machine translations of Norwegian news articles.\n\n"
         "Exit status: 0 no flag at or above --fail-on (also \"unchecked\": no source), 1 flags found (or no source "
         "with --require-source), 2 usage or input error, 3 internal error (a bug), 130 interrupted (Ctrl-C), "
         "143 terminated (SIGTERM).",
)


def _version(value: bool) -> None:
    if value:
        print(f"mtqa {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    pass


# One module per command group; the order is that of `mtqa --help`.
app.command("eval")(eval_cmd)
app.command("batch")(batch_cmd)
app.command("check")(check)
app.command("hook")(hook_cmd)
app.command("init")(init_cmd)
app.command("align")(align_cmd)
app.command("translate")(translate_cmd)
app.command("checks")(list_checks)
app.add_typer(models_app, name="models", help="Pull, list, verify and remove translation models.")


def _error(message: str) -> None:
    from mtqa.core.escape import visible

    try:
        print(f"mtqa: error: {visible(message)}", file=sys.stderr)  # one line, control characters escaped
    except (OSError, ValueError):  # stderr closed or full: the exit status still says it
        pass


def _click_family(exc: BaseException) -> set[str]:
    """Class names in the exception's ancestry. Typer vendors its own copy of click, so
    matching by name handles both `click` and `typer._click` exceptions."""
    return {cls.__name__ for cls in type(exc).__mro__}


_signals: list[int] = []  # the signals that stopped this run


def _on_signal(signum, frame) -> None:
    # Unwind like Ctrl-C, so that `finally` blocks run: write_atomic removes its temporary file,
    # Grammalecte is stopped, batch workers are told to stop.
    _signals.append(signum)
    raise KeyboardInterrupt


def _stopped() -> None:
    """One line and the status of the signal that stopped the run."""
    import signal

    if _signals and _signals[-1] == signal.SIGTERM:
        _error("terminated")
        sys.exit(EXIT_TERMINATED)
    _error("interrupted")
    sys.exit(EXIT_INTERRUPTED)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: maps every failure to one line and a documented exit status."""
    import signal

    _signals.clear()
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:  # a signal the parent ignores (nohup, a background job) stays ignored
            if signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler):
                previous[sig] = signal.signal(sig, _on_signal)
        except ValueError:  # not the main thread: leave signals alone
            pass
    try:
        _main(argv)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's own flush at exit has nothing to complain of."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _main(argv: list[str] | None) -> None:
    if not (sys.argv[1:] if argv is None else argv):   # bare `mtqa`: the help, and success
        argv = ["--help"]
    try:
        status = app(args=argv, prog_name="mtqa", standalone_mode=False)
    except MtqaError as exc:
        if str(exc).startswith("cannot write standard output"):
            _quiet_stdout()
        _error(str(exc))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        _stopped()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
    except Exception as exc:
        family = _click_family(exc)
        if "Exit" in family:
            sys.exit(getattr(exc, "exit_code", EXIT_OK))
        if "Abort" in family:
            _stopped()
        if "ClickException" in family:  # usage errors: bad option, missing argument, bad choice
            message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]  # a click.ClickException, told by its class name
            # Typer validates values through pydantic, whose message opens with the exception's kind.
            _error(message.replace(": Value error, ", ": "))
            sys.exit(EXIT_USAGE)
        if os.environ.get("MTQA_DEBUG"):
            raise
        _error(f"internal error: {type(exc).__name__}: {exc} (set MTQA_DEBUG=1 for the traceback)")
        sys.exit(EXIT_INTERNAL)
    if _signals or status == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into a silent return of 130
        _stopped()
    try:  # what is still buffered: a full or closed stdout is an error now, not a warning at exit
        if sys.stdout is not None:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        sys.exit(EXIT_OK)
    except (OSError, ValueError) as exc:
        _quiet_stdout()
        _error(f"cannot write standard output: {getattr(exc, 'strerror', None) or exc}")
        sys.exit(EXIT_USAGE)
    sys.exit(status if isinstance(status, int) else EXIT_OK)
