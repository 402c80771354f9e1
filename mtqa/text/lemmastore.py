"""simplemma's lemma dictionaries as an on-disk hash table in the user cache, so that a run does
not decode them again.

simplemma ships each language's dictionary as an lzma-compressed, front-coded stream that it
decodes into a Python dict on first use: 1.5 s of CPU for Norwegian and French together, more
than everything else `mtqa check` does on a 1 000-line article. The stream can only be read from
its start, so that cost cannot be cut by reading less of it. Instead the first run writes the
decoded dictionary, once per simplemma data file, as an open-addressing hash table
(`<user cache>/mtqa/lemmas/<lang>-<hash of the data file>.bin`, written atomically) which later
runs map into memory: opening it costs nothing measurable and a lookup about a microsecond.
The lookups answer exactly what simplemma's own dictionary answers (tests/text/test_lemmastore.py);
when the cache cannot be written or read the dictionary is decoded as simplemma does.

File layout (native byte order, the machine's own cache): the 8-byte MAGIC, then three
unsigned 32-bit numbers (entries, slots, blob bytes), the slot table (one unsigned 32-bit
offset into the blob per slot, 0 for an empty slot, `slots` a power of two) and the blob of
records `key length, key, value length, value` (UTF-8, lengths in one byte). A key's first
slot is its CRC-32 modulo `slots`; collisions probe the next slots.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import sys
import tempfile
import zlib
from array import array
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

MAGIC = b"MTQALEM1" if sys.byteorder == "little" else b"MTQALEB1"
_HEADER = len(MAGIC) + 12
_MAX_LOAD = 0.7


def cache_dir() -> Path:
    """Where the tables live: MTQA_CACHE_DIR, else the user cache (~/.cache/mtqa on Linux)."""
    chosen = os.environ.get("MTQA_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen) / "lemmas"
    if sys.platform.startswith("linux"):  # platformdirs' rule, without importing it
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / "mtqa" / "lemmas"
    import platformdirs

    return Path(platformdirs.user_cache_dir("mtqa", appauthor=False)) / "lemmas"


class LemmaTable(Mapping):
    """Read-only str -> str mapping over one table file (mapped into memory)."""

    def __init__(self, data) -> None:
        if bytes(data[:len(MAGIC)]) != MAGIC:
            raise ValueError("not a lemma table")
        header = array("I")
        header.frombytes(bytes(data[len(MAGIC):_HEADER]))
        self._count, slots, blob = header
        if slots & (slots - 1) or len(data) != _HEADER + 4 * slots + blob:
            raise ValueError("truncated or damaged lemma table")
        self._mask = slots - 1
        self._slots = memoryview(data)[_HEADER:_HEADER + 4 * slots].cast("I")
        self._blob_start = _HEADER + 4 * slots
        self._data = data

    def _find(self, key: bytes) -> int:
        """Offset (in the file) of the value record of `key`, or -1."""
        data, slots, mask, base = self._data, self._slots, self._mask, self._blob_start
        h = zlib.crc32(key) & mask
        size = len(key)
        while True:
            offset = slots[h]
            if not offset:
                return -1
            at = base + offset
            if data[at] == size and data[at + 1:at + 1 + size] == key:
                return at + 1 + size
            h = (h + 1) & mask

    def get(self, key, default=None):
        at = self._find(key.encode())
        if at < 0:
            return default
        data = self._data
        return data[at + 1:at + 1 + data[at]].decode()

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key.encode()) >= 0

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[str]:
        data, slots, base = self._data, self._slots, self._blob_start
        for offset in slots:
            if offset:
                at = base + offset
                yield data[at + 1:at + 1 + data[at]].decode()


def build_table(items) -> bytes:
    """The table file of (key, value) pairs, str or UTF-8 bytes (each at most 255 bytes)."""
    records = [(k if isinstance(k, bytes) else k.encode(), v if isinstance(v, bytes) else v.encode())
               for k, v in items]
    slots = 1
    while slots * _MAX_LOAD < max(len(records), 1):
        slots *= 2
    mask = slots - 1
    table = array("I", bytes(4 * slots))
    blob = bytearray(b"\0")  # offset 0 means an empty slot
    for key, value in records:
        if len(key) > 255 or len(value) > 255:
            raise ValueError("entry too long for a lemma table")
        h = zlib.crc32(key) & mask
        while table[h]:
            h = (h + 1) & mask
        table[h] = len(blob)
        blob += bytes((len(key),)) + key + bytes((len(value),)) + value
    header = array("I", [len(records), slots, len(blob)])
    return MAGIC + header.tobytes() + table.tobytes() + bytes(blob)


def _data_file(lang: str) -> Path | None:
    """simplemma's data file for `lang` (hashed into the table's name), or None if not found."""
    try:
        from simplemma.strategies.dictionaries.dictionary_factory import DATA_FOLDER
    except ImportError:
        return None
    path = Path(DATA_FOLDER) / f"{lang}.plzma"
    return path if path.is_file() else None


def _open(path: Path) -> LemmaTable:
    with open(path, "rb") as fh:
        try:
            return LemmaTable(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):  # a file system without mmap (an empty file is refused below)
            fh.seek(0)
            return LemmaTable(fh.read())


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


@lru_cache(maxsize=None)
def table_for(lang: str) -> Mapping | None:
    """The cached table of simplemma's `lang` dictionary, built and written on first use (kept in
    memory when the cache cannot be written); None when simplemma's data file is not where this
    module looks: the caller then lets simplemma decode its dictionary."""
    data_file = _data_file(lang)
    if data_file is None:
        return None
    try:
        digest = hashlib.sha256(data_file.read_bytes()).hexdigest()[:16]
    except OSError:
        return None
    path = cache_dir() / f"{lang}-{digest}.bin"
    try:
        return _open(path)
    except (OSError, ValueError):
        pass  # absent, or damaged: built again
    try:
        content = build_table(_decode(lang).items())
    except ValueError:  # an entry too long for the format: simplemma's own dictionary then
        return None
    try:
        _write(path, content)
        return _open(path)
    except (OSError, ValueError):  # no cache to write to: this run uses the table in memory
        return LemmaTable(content)


def _decode(lang: str) -> Mapping:
    """simplemma's dictionary for `lang` as it decodes it (bytes -> bytes where its version
    keeps it so, str -> str otherwise)."""
    from simplemma.strategies.dictionaries import dictionary_factory

    raw = getattr(dictionary_factory, "_load_dictionary_from_disk", None)
    if raw is not None:
        try:
            return raw(lang)
        except Exception:  # another simplemma version's private function: its public factory then
            pass
    return dictionary_factory.DefaultDictionaryFactory(cache_max_size=1).get_dictionary(lang)


class CachedDictionaryFactory:
    """A simplemma DictionaryFactory answering from the cached tables (simplemma's own decoding
    for a language without one)."""

    def __init__(self) -> None:
        self._fallback: Any = None
        self._tables: dict[str, Mapping] = {}

    def get_dictionary(self, lang: str) -> Mapping:
        found = self._tables.get(lang)
        if found is None:
            found = table_for(lang)
            if found is None:
                if self._fallback is None:
                    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

                    self._fallback = DefaultDictionaryFactory()
                found = self._fallback.get_dictionary(lang)
            self._tables[lang] = found
        return found


__all__ = ["CachedDictionaryFactory", "LemmaTable", "build_table", "cache_dir", "table_for"]
