"""Text shown to people, made harmless: control characters and undecodable bytes become visible escapes.

Terminal escape sequences in an article or a file name (clear screen, OSC 8 links, OSC 52
clipboard writes, a carriage return that hides a line) must never reach a terminal or a report
file as they are: `visible` writes each C0/C1 control character other than tab and newline as
\\xNN, and each lone surrogate (a lone surrogate in JSON, a file name that is not UTF-8) as
\\uDCNN, so that what is shown is valid UTF-8 and inert.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str, *, one_line: bool = True) -> str:
    """`text` with control characters escaped; `one_line`: tab and newline too (a file name in a
    message), else they are kept (a report's multi-line text)."""
    pattern = _UNSAFE_ONE_LINE if one_line else _UNSAFE
    return pattern.sub(_escape, text) if pattern.search(text) else text


__all__ = ["visible"]
