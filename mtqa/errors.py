"""Errors the user can act on, and every exit status of mtqa. The CLI turns each error into one line on stderr and an exit status.

The one error tree: `MtqaError` (a message for the user, never a traceback) and its subclasses;
those defined beside the code that raises them (mtqa.mt.ct2.ModelError,
mtqa.checks.grammar.GrammalecteFailed, mtqa.batch.runner.WorkerFailed) subclass it too.
"""

import logging

EXIT_OK = 0             # no flag at or above --fail-on
EXIT_FLAGGED = 1        # at least one flag at or above --fail-on
EXIT_USAGE = 2          # usage or input error
EXIT_INTERNAL = 3       # internal error (a bug in mtqa)
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT)
EXIT_TERMINATED = 143   # SIGTERM

# The one logger of mtqa: every module logger (logging.getLogger(__name__) under mtqa) is a child.
logger = logging.getLogger("mtqa")


class MtqaError(Exception):
    """An error with a message meant for the user, never a traceback."""

    exit_code = EXIT_USAGE


class InputError(MtqaError):
    """The input file is missing, unreadable, not text, or not UTF-8."""
