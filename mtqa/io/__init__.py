"""Readers: the only place that opens the user's files. Nothing here writes to them."""

from mtqa.io.bilingual import BilingualDocument, Unit, bilingual_kind, read_bilingual, to_documents
from mtqa.io.text import read_document, read_text

__all__ = ["BilingualDocument", "Unit", "bilingual_kind", "read_bilingual", "read_document", "read_text",
           "to_documents"]
