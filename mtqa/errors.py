"""Errors the user can act on. The CLI turns each into one line on stderr and an exit status."""

EXIT_OK = 0
EXIT_FLAGGED = 1
EXIT_USAGE = 2


class MtqaError(Exception):
    """An error with a message meant for the user, never a traceback."""

    exit_code = EXIT_USAGE


class InputError(MtqaError):
    """The input file is missing, unreadable, not text, or not UTF-8."""
