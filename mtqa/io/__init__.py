"""Readers: the only place that opens the user's files. Nothing here writes to them."""

from mtqa.io.text import read_document, read_text

__all__ = ["read_document", "read_text"]
