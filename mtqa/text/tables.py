"""Word tables that dependencies ship in slow-to-read formats, kept as on-disk hash tables in the
user cache so that a run does not decode them again.

* simplemma's lemma dictionaries: an lzma-compressed, front-coded stream per language that
  simplemma decodes into a Python dict on first use, 1.5 s of CPU for Norwegian and French
  together, more than everything else `mtqa check` does on a 1 000-line article; the stream can
  only be read from its start, so reading less of it does not help (`lemma_table`,
  `CachedDictionaryFactory`).
* the French word list of mtqa.text.fluency: wordfreq's list (importing wordfreq and reading
  its file take 0.5 s) filtered to the words at or above fluency.MIN_ZIPF (`mtqa.text.fluency`).

The first run builds the table from the dependency's own answer and writes it once per version
of its data (`<user cache>/mtqa/tables/<name>-<hash of the data files>.bin`, atomically); later
runs map it into memory: opening costs nothing measurable and a lookup about a microsecond. A
table answers exactly what it was built from (tests/text/test_tables.py); when the cache cannot
be written the dependency's data is loaded the dependency's way, as without this module.

File layout (native byte order, the machine's own cache): the 8-byte MAGIC, then three
unsigned 32-bit numbers (entries, slots, blob bytes), the slot table (one unsigned 64-bit
number per slot: the key's CRC-32 in the high half, its record's offset into the blob in the
low half; 0 for an empty slot; `slots` a power of two) and the blob of records `key length,
key, value length, value` (UTF-8, lengths in one byte). A key's first slot is its CRC-32 modulo
`slots`; collisions probe the next slots, and only a slot with the same CRC-32 has its key compared.
"""

from __future__ import annotations

import hashlib
import mmap
import os
import sys
import tempfile
import zlib
from array import array
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Sequence

MAGIC = b"MTQATBL2" if sys.byteorder == "little" else b"MTQATBB2"
_HEADER = len(MAGIC) + 12
_MAX_LOAD = 0.7


def cache_dir() -> Path:
    """Where the tables live: MTQA_CACHE_DIR/tables, else the user cache (~/.cache/mtqa/tables on Linux)."""
    chosen = os.environ.get("MTQA_CACHE_DIR", "").strip()
    if chosen:
        return Path(chosen) / "tables"
    if sys.platform.startswith("linux"):  # platformdirs' rule, without importing it
        base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.expanduser("~/.cache")
        return Path(base) / "mtqa" / "tables"
    import platformdirs

    return Path(platformdirs.user_cache_dir("mtqa", appauthor=False)) / "tables"


class Table(Mapping):
    """Read-only str -> str mapping over one table file's bytes (mapped into memory)."""

    def __init__(self, data) -> None:
        if bytes(data[:len(MAGIC)]) != MAGIC:
            raise ValueError("not an mtqa table")
        header = array("I")
        header.frombytes(bytes(data[len(MAGIC):_HEADER]))
        self._count, slots, blob = header
        if not slots or slots & (slots - 1) or len(data) != _HEADER + 8 * slots + blob:
            raise ValueError("truncated or damaged mtqa table")
        self._mask = slots - 1
        self._slots = memoryview(data)[_HEADER:_HEADER + 8 * slots].cast("Q")
        self._blob_start = _HEADER + 8 * slots
        self._data = data

    def _find(self, key: bytes) -> int:
        """Offset (in the file) of the value record of `key`, or -1."""
        data, slots, mask = self._data, self._slots, self._mask
        crc = zlib.crc32(key)
        h = crc & mask
        while True:
            slot = slots[h]
            if not slot:
                return -1
            if slot >> 32 == crc:
                at = self._blob_start + (slot & 0xFFFFFFFF)
                end = at + 1 + len(key)
                if data[at + 1:end] == key and data[at] == len(key):
                    return end
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
        for slot in slots:
            if slot:
                at = base + (slot & 0xFFFFFFFF)
                yield data[at + 1:at + 1 + data[at]].decode()


def build_table(items: Iterable) -> bytes:
    """The table file of (key, value) pairs, str or UTF-8 bytes (each at most 255 bytes)."""
    records = [(k if isinstance(k, bytes) else k.encode(), v if isinstance(v, bytes) else v.encode())
               for k, v in items]
    slots = 1
    while slots * _MAX_LOAD < max(len(records), 1):
        slots *= 2
    mask = slots - 1
    table = array("Q", bytes(8 * slots))
    blob = bytearray(b"\0")  # offset 0 means an empty slot
    for key, value in records:
        if len(key) > 255 or len(value) > 255:
            raise ValueError("entry too long for an mtqa table")
        crc = zlib.crc32(key)
        h = crc & mask
        while table[h]:
            h = (h + 1) & mask
        table[h] = crc << 32 | len(blob)
        blob += bytes((len(key),)) + key + bytes((len(value),)) + value
    if len(blob) >= 1 << 32:
        raise ValueError("too large for an mtqa table")
    header = array("I", [len(records), slots, len(blob)])
    return MAGIC + header.tobytes() + table.tobytes() + bytes(blob)


def _open(path: Path) -> Table:
    with open(path, "rb") as fh:
        try:
            return Table(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        except (OSError, ValueError):  # a file system without mmap (an empty or damaged file is refused below)
            fh.seek(0)
            return Table(fh.read())


def cached_table(name: str, sources: Sequence[Path], build: Callable[[], Iterable]) -> Table | None:
    """The table `name` derived from the files `sources` (their bytes name its version): read from
    the cache, or built from `build()`'s (key, value) pairs and written there. None when a source
    cannot be read, the cache cannot be written (building the table would then cost more than the
    dependency's own loading, every run) or an entry does not fit the format: the caller then
    works from the dependency itself."""
    digest = hashlib.sha256(name.encode())
    try:
        for source in sources:
            digest.update(source.read_bytes())
    except OSError:
        return None
    path = cache_dir() / f"{name}-{digest.hexdigest()[:16]}.bin"
    try:
        return _open(path)
    except (OSError, ValueError):
        pass  # absent, or damaged: built again
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(build_table(build()))
        os.replace(tmp, path)
        return _open(path)
    except (OSError, ValueError):
        return None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass  # replaced: gone already


def package_file(package: str, *parts: str) -> Path | None:
    """A file inside an installed package, found without importing the package, or None."""
    from importlib.util import find_spec

    try:
        spec = find_spec(package)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        path = Path(folder, *parts)
        if path.is_file():
            return path
    return None


# ---------------------------------------------------------------- simplemma's lemmas


@lru_cache(maxsize=None)
def lemma_table(lang: str) -> Table | None:
    """simplemma's `lang` dictionary as a table; None when its data file is not where this looks."""
    data_file = package_file("simplemma", "strategies", "dictionaries", "data", f"{lang}.plzma")
    if data_file is None:
        return None
    return cached_table(f"simplemma-{lang}", [data_file], lambda: _decode(lang).items())


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
            found = lemma_table(lang)
            if found is None:
                if self._fallback is None:
                    from simplemma.strategies.dictionaries.dictionary_factory import DefaultDictionaryFactory

                    self._fallback = DefaultDictionaryFactory()
                found = self._fallback.get_dictionary(lang)
            self._tables[lang] = found
        return found


__all__ = ["CachedDictionaryFactory", "Table", "build_table", "cache_dir", "cached_table", "lemma_table",
           "package_file"]
