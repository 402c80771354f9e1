"""Back-translation: French segments into Norwegian with a CTranslate2 model, and forced-decoding scores.

A thin layer over ctranslate2.Translator. A model is a directory as `ct2-transformers-converter`
writes it, in one of two layouts:

- OPUS-MT (Marian): source.spm and target.spm, one joint vocabulary;
- NLLB-200: one sentencepiece.bpe.model, language tokens fra_Latn / nob_Latn;
- M2M-100: one sentencepiece.bpe.model, language tokens __fr__ / __nb__ (or __no__), read from
  the vocabulary.

Models converted from original Marian checkpoints (the OPUS-MT / Tatoeba zips, through
`ct2-opus-mt-converter`) have `add_source_eos` in their config.json: CTranslate2 then appends
</s> itself, and mtqa must not append a second one.

Translations are cached on disk (sqlite3), keyed by the model's content and the decoding
settings, so running mtqa again over the same article costs no model call.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from mtqa.mt.base import TranslationStats
from mtqa.errors import MtqaError

logger = logging.getLogger(__name__)

MANIFEST = "mtqa-model.json"
CACHE_FILE = "backtranslations.sqlite3"
# Part of every cache key: bump it when the way a translation is produced changes
# (tokenisation, prefixes, max_input_length, decoding options), so old entries are never reused.
CACHE_VERSION = 2
# A GPU takes much larger token batches than a CPU core; this is the default there.
GPU_MAX_BATCH_TOKENS = 16384
# OPUS-MT models have 512 positions (NLLB 1024); a longer source would make CTranslate2 fail,
# so it is cut there. A 512-piece paragraph is far beyond any news sentence.
MAX_INPUT_LENGTH = 512
# Misses are translated and written to the cache this many at a time, so an interrupted run
# over a large corpus keeps what it has done. CTranslate2 rebatches by tokens inside each call.
CHUNK = 1024

VOCABULARIES = (("shared_vocabulary.json",), ("shared_vocabulary.txt",),
                ("source_vocabulary.json", "target_vocabulary.json"),
                ("source_vocabulary.txt", "target_vocabulary.txt"))
MARIAN_SPM = ("source.spm", "target.spm")
NLLB_SPM = "sentencepiece.bpe.model"
# The files that decide what a model outputs; model_hash covers exactly these.
HASHED = ("model.bin", "config.json", "vmap.txt", *(f for group in VOCABULARIES for f in group),
          *MARIAN_SPM, NLLB_SPM)


class ModelError(MtqaError):
    """The model directory is missing, incomplete, or does not load."""


@dataclass(frozen=True)
class ModelLayout:
    """What translate() needs to know about a model directory beyond what CTranslate2 reads."""

    family: str                       # "marian", "nllb" or "m2m"
    source_spm: Path
    target_spm: Path
    source_prefix: tuple[str, ...]    # tokens before the pieces of every source sentence
    target_prefix: tuple[str, ...]    # CTranslate2's target_prefix; stripped from the output
    add_source_eos: bool = False      # config.json: CTranslate2 appends </s> to the source itself


# ---------------------------------------------------------------- the model directory

def resolve_model_dir(model: str | os.PathLike) -> Path:
    """The model directory for `model`: a directory path, or the name of a pulled model.

    Raises ModelError when the directory is not a usable CTranslate2 model."""
    text = os.fspath(model)
    path = Path(text).expanduser()
    if path.exists() or isinstance(model, os.PathLike) or text.startswith((".", "/", "~", os.sep)):
        check_model_dir(path)
        return path.resolve()
    try:
        from mtqa.mt import models
    except ModuleNotFoundError as exc:
        if exc.name != "mtqa.mt.models":
            raise
        raise ModelError(f"{text}: no such model directory (and this mtqa cannot look up model names)") from None
    path = models.model_path(text)  # MtqaError when unknown or not installed
    check_model_dir(path)
    return path.resolve()


def check_model_dir(path: Path) -> None:
    """Raise ModelError naming the first thing that makes `path` unusable as a model directory."""
    if not path.exists():
        raise ModelError(f"model directory {path} does not exist")
    if not path.is_dir():
        raise ModelError(f"{path} is a file, not a CTranslate2 model directory")

    def has(name: str) -> bool:
        return (path / name).is_file()

    if not has("model.bin"):
        if has("pytorch_model.bin") or has("model.safetensors"):
            raise ModelError(f"{path} holds a Transformers model, not a CTranslate2 one: convert it with "
                             f"ct2-transformers-converter (or `mtqa models pull`)")
        if not has("config.json"):
            raise ModelError(f"{path} is not a CTranslate2 model directory (no model.bin, no config.json)")
        raise ModelError(f"model.bin missing in {path}")
    if not has("config.json"):
        raise ModelError(f"config.json missing in {path}")
    if not any(all(has(f) for f in group) for group in VOCABULARIES):
        raise ModelError(f"vocabulary missing in {path} (shared_vocabulary.json, or source_vocabulary.json "
                         f"and target_vocabulary.json)")
    if has(NLLB_SPM):
        return
    for name in MARIAN_SPM:
        if not has(name):
            if any(has(n) for n in MARIAN_SPM):
                raise ModelError(f"{name} missing in {path}")
            raise ModelError(f"no SentencePiece model in {path}: expected source.spm and target.spm (OPUS-MT) "
                             f"or {NLLB_SPM} (NLLB)")


def read_manifest(model_dir: Path) -> dict:
    """The directory's mtqa-model.json, or {} when there is none (a broken one is a ModelError)."""
    from mtqa.mt import models

    try:
        return models.read_manifest(model_dir) or {}
    except ModelError:
        raise
    except MtqaError as exc:
        raise ModelError(str(exc)) from None


def read_vocabulary(model_dir: Path, side: str = "target") -> list[str]:
    """The `side` ("source" or "target") vocabulary (the shared one when there is one)."""
    if side not in ("source", "target"):
        raise ValueError(f"side is source or target, not {side!r}")
    for name in ("shared_vocabulary.json", f"{side}_vocabulary.json", "shared_vocabulary.txt", f"{side}_vocabulary.txt"):
        path = model_dir / name
        if path.is_file():
            try:
                text = path.read_text(encoding="utf-8")
                tokens = json.loads(text) if name.endswith(".json") else text.splitlines()
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
                raise ModelError(f"{path} is unreadable ({exc})") from None
            if not isinstance(tokens, list):
                raise ModelError(f"{path} is not a list of tokens")
            return tokens
    return []


def read_config(model_dir: Path) -> dict:
    """The converted model's config.json ({} when unreadable: CTranslate2 then says why it fails)."""
    try:
        data = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


# M2M-100's Norwegian: Bokmål when the vocabulary has it, else the macrolanguage.
M2M_NORWEGIAN = ("__nb__", "__no__")


def model_layout(model_dir: Path, manifest: dict | None = None) -> ModelLayout:
    """Tokenizer files and language tokens for French → Norwegian, from the files present and the manifest.

    The manifest may say how to ask for fr→nb: `directions` as mtqa.mt.models writes them, or
    `src_lang`/`tgt_lang` (NLLB codes). Without it, the files decide, and an OPUS-MT
    vocabulary with a >>nob<< token marks a multi-target model that must be told which
    Norwegian to produce (the Tatoeba fra-nor model otherwise may answer in Nynorsk).
    """
    manifest = read_manifest(model_dir) if manifest is None else manifest
    nllb = (model_dir / NLLB_SPM).is_file() and (
        manifest.get("family") in ("nllb", "m2m") or "src_lang" in manifest or not (model_dir / "source.spm").is_file())
    source_vocab = set(read_vocabulary(model_dir, "source"))
    target_vocab = set(read_vocabulary(model_dir, "target"))
    family = "marian"
    source_prefix: tuple[str, ...]
    target_prefix: tuple[str, ...]
    if nllb:
        source_spm = target_spm = model_dir / NLLB_SPM
        m2m = manifest.get("family") == "m2m" or ("__fr__" in source_vocab and "fra_Latn" not in source_vocab)
        if m2m:
            family = "m2m"
            norwegian = next((t for t in M2M_NORWEGIAN if t in target_vocab), M2M_NORWEGIAN[0])
            source_prefix, target_prefix = ("__fr__",), (norwegian,)
        else:
            family = "nllb"
            source_prefix, target_prefix = ("fra_Latn",), ("nob_Latn",)
    else:
        source_spm, target_spm = model_dir / "source.spm", model_dir / "target.spm"
        source_prefix, target_prefix = (), ()

    directions = manifest.get("directions")
    if isinstance(directions, list) and directions:
        wanted = [d for d in directions if isinstance(d, dict) and d.get("source") == "fr" and d.get("target") == "nb"]
        if not wanted:
            have = ", ".join(f"{d.get('source')}→{d.get('target')}" for d in directions if isinstance(d, dict))
            raise ModelError(f"the model in {model_dir} does not translate fr→nb (its manifest lists: {have})")
        source_prefix = tuple(wanted[0].get("source_prefix") or ())
        target_prefix = tuple(wanted[0].get("target_prefix") or ())
    elif "src_lang" in manifest or "tgt_lang" in manifest:
        source_prefix = (str(manifest.get("src_lang", "fra_Latn")),)
        target_prefix = (str(manifest.get("tgt_lang", "nob_Latn")),)
    elif not nllb and ">>nob<<" in source_vocab:  # the source side is where the target token goes
        source_prefix = (">>nob<<",)

    # Every family: a prefix token the model does not know would be mapped to <unk> silently.
    for side, tokens, vocab in (("source", source_prefix, source_vocab), ("target", target_prefix, target_vocab)):
        missing = [t for t in tokens if t not in vocab]
        if missing and vocab:
            raise ModelError(f"language token {missing[0]} is not in the {side} vocabulary of {model_dir}")
    add_eos = bool(read_config(model_dir).get("add_source_eos", False))
    return ModelLayout(family, source_spm, target_spm, source_prefix, target_prefix, add_eos)


def _sha256_file(path: Path) -> str:
    from mtqa.mt.models import sha256_file

    return sha256_file(path)


def model_hash(model_dir: Path, manifest: dict | None = None) -> str:
    """sha256 over the files that decide the output (weights, config, vocabularies, tokenizers).

    Hashing an OPUS-MT model.bin takes a fraction of a second, NLLB-600M a few seconds. When the
    manifest records a file's sha256 and the file still has the recorded size, that hash is
    taken instead of reading the file: `mtqa models pull` writes the manifest together with
    the files. Either way the result is the same.
    """
    manifest = read_manifest(model_dir) if manifest is None else manifest
    files = manifest.get("files")
    recorded = files if isinstance(files, dict) else {}
    lines = []
    for name in sorted(HASHED):
        path = model_dir / name
        if not path.is_file():
            continue
        entry = recorded.get(name)
        if (isinstance(entry, dict) and isinstance(entry.get("sha256"), str)
                and entry.get("size") == path.stat().st_size):
            file_hash = entry["sha256"]
        else:
            file_hash = _sha256_file(path)
        lines.append(f"{name}\t{file_hash}\n")
    return hashlib.sha256("".join(lines).encode()).hexdigest()


# ---------------------------------------------------------------- the disk cache

class TranslationCache:
    """Translations in one sqlite3 file. It never fails a run: on trouble it warns once and
    carries on without caching; a corrupt file is deleted and started afresh."""

    def __init__(self, path: Path):
        self.path = path
        self._warned = False

    def get(self, keys: Sequence[str]) -> dict[str, str]:
        def select(con: sqlite3.Connection) -> dict[str, str]:
            found: dict[str, str] = {}
            for i in range(0, len(keys), 500):  # under SQLite's limit on bound parameters
                part = keys[i:i + 500]
                marks = ",".join("?" * len(part))
                rows = con.execute(f"SELECT key, translation FROM translations WHERE key IN ({marks})", part)
                # A value that is not text (a damaged or foreign row) is a miss: translated again and replaced.
                found.update((key, text) for key, text in rows if isinstance(text, str))
            return found

        return self._run(select) or {}

    def put(self, items: Sequence[tuple[str, str]]) -> None:
        def insert(con: sqlite3.Connection) -> None:
            with con:  # one transaction for the whole batch
                con.executemany("INSERT OR REPLACE INTO translations (key, translation) VALUES (?, ?)", items)

        if items:
            self._run(insert)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=10)  # waits for another mtqa writing the same cache
        con.execute("CREATE TABLE IF NOT EXISTS translations "
                    "(key TEXT PRIMARY KEY, translation TEXT NOT NULL) WITHOUT ROWID")
        return con

    def _run(self, operation):
        for attempt in (1, 2):
            try:
                con = self._connect()
                try:
                    return operation(con)
                finally:
                    con.close()
            except sqlite3.DatabaseError as exc:
                corrupt = getattr(exc, "sqlite_errorcode", None) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
                if corrupt and attempt == 1 and self._remove():
                    self._warn(f"back-translation cache {self.path} is corrupt ({exc}); starting a new one")
                    continue
                self._warn(f"back-translation cache {self.path} not used: {exc}")
                return None
            except OSError as exc:
                self._warn(f"back-translation cache {self.path} not used: {exc}")
                return None
        return None

    def _remove(self) -> bool:
        try:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        except OSError:
            return False
        return True

    def _warn(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            logger.warning("mtqa: warning: %s", message)


def default_cache_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("mtqa", appauthor=False))


# ---------------------------------------------------------------- the translator

def resolve_device(device: str) -> str:
    import ctranslate2

    if device not in ("auto", "cpu", "cuda"):
        raise MtqaError(f"unknown device {device!r}: use auto, cpu or cuda")
    cuda = ctranslate2.get_cuda_device_count() > 0
    if device == "cuda" and not cuda:
        raise MtqaError("device cuda asked for, but CTranslate2 sees no CUDA device")
    if device == "auto":
        return "cuda" if cuda else "cpu"
    return device


def resolve_compute_type(compute_type: str, device: str) -> str:
    """The compute type to load with: `auto` is int8 on CPU and int8_float16 on GPU where supported."""
    import ctranslate2

    supported = ctranslate2.get_supported_compute_types(device)
    if compute_type == "auto":
        preferred = ("int8", "float32") if device == "cpu" else ("int8_float16", "float16", "float32")
        return next((c for c in preferred if c in supported), "float32")
    if compute_type not in supported:
        raise MtqaError(f"compute type {compute_type} is not supported on {device} "
                        f"(supported: {', '.join(sorted(supported))})")
    return compute_type


class BackTranslator:
    """Translates French into Norwegian with a CTranslate2 model, and scores Norwegian given French."""

    def __init__(self, model: str | os.PathLike, device: str = "auto", compute_type: str = "auto", *,
                 inter_threads: int = 1, intra_threads: int = 0, beam_size: int = 2,
                 max_batch_tokens: int | None = None, max_decoding_length: int = 256,
                 cache_dir: str | os.PathLike | None | bool = None):
        """
        model: a CTranslate2 model directory, or the name of a model installed by `mtqa models pull`.
        device, compute_type: "auto" picks CUDA when there is a GPU, and int8 on CPU.
        inter_threads, intra_threads: CTranslate2's; intra_threads=0 lets it choose (up to 4).
        max_batch_tokens: the size of each batch CTranslate2 runs, in source tokens (default 2048
            on CPU, GPU_MAX_BATCH_TOKENS on CUDA).
        cache_dir: where backtranslations.sqlite3 lives; None for the user cache directory,
            False for no disk cache.
        """
        import sentencepiece

        self.model_dir = resolve_model_dir(model)
        manifest = read_manifest(self.model_dir)
        self.layout = model_layout(self.model_dir, manifest)
        self.model_hash = model_hash(self.model_dir, manifest)
        self.device = resolve_device(device)
        self.compute_type = resolve_compute_type(compute_type, self.device)
        self.beam_size = beam_size
        self._batch_tokens_given = max_batch_tokens
        self.max_batch_tokens = max_batch_tokens or (GPU_MAX_BATCH_TOKENS if self.device == "cuda" else 2048)
        self.max_decoding_length = max_decoding_length
        # device=auto on CUDA may still fail at the first batch (a driver without cuBLAS, say):
        # then this translator falls back to the CPU once, with a warning.
        self._may_fall_back = device == "auto" and self.device == "cuda"
        self._threads = (inter_threads, intra_threads)
        self.thresholds = calibrated_thresholds(manifest)
        self.versions = runtime_versions()

        try:
            self.source_sp = sentencepiece.SentencePieceProcessor(model_file=str(self.layout.source_spm))
            self.target_sp = (self.source_sp if self.layout.target_spm == self.layout.source_spm else
                              sentencepiece.SentencePieceProcessor(model_file=str(self.layout.target_spm)))
        except (OSError, RuntimeError) as exc:
            raise ModelError(f"cannot load the SentencePiece models in {self.model_dir}: {exc}") from None
        self.translator = self._load()

        if cache_dir is False:
            self.cache = None
        else:
            directory = default_cache_dir() if cache_dir is None or cache_dir is True else Path(cache_dir)
            self.cache = TranslationCache(directory / CACHE_FILE)
        self._translated = 0
        self._cache_hits = 0

    def _load(self):
        import ctranslate2

        inter_threads, intra_threads = self._threads
        try:
            return ctranslate2.Translator(str(self.model_dir), device=self.device, compute_type=self.compute_type,
                                          inter_threads=inter_threads, intra_threads=intra_threads)
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the model in {self.model_dir}: {' '.join(str(exc).split())}") from None

    def _run(self, call):
        """`call(translator)`; on the first CUDA failure of a device=auto translator, again on the CPU."""
        try:
            return call(self.translator)
        except RuntimeError as exc:
            if not self._may_fall_back:
                raise
            self._may_fall_back = False
            logger.warning("mtqa: warning: CUDA failed (%s); back-translating on the CPU instead",
                           " ".join(str(exc).split())[:200])
            self.device = "cpu"
            self.compute_type = resolve_compute_type("auto", "cpu")
            if self._batch_tokens_given is None:
                self.max_batch_tokens = 2048
            self.translator = self._load()
            return call(self.translator)

    @property
    def stats(self) -> TranslationStats:
        """Counts since this translator was made."""
        return TranslationStats(self._translated, self._cache_hits)

    @property
    def identity(self) -> dict:
        """The model and settings its translations depend on (the report's provenance, cache keys)."""
        out = {"backend": "ctranslate2", "model": str(self.model_dir), "model_hash": self.model_hash,
               "device": self.device, "compute_type": self.compute_type, "beam_size": self.beam_size}
        if self.thresholds:
            out["thresholds"] = dict(self.thresholds)
        return out

    def translate(self, texts: Sequence[str]) -> list[str]:
        """Norwegian translations of French `texts`, in order; blank texts give ""."""
        results = ["" for _ in texts]
        wanted = [i for i, text in enumerate(texts) if text.strip()]
        keys = {texts[i]: self._cache_key(texts[i]) for i in wanted}
        cached = self.cache.get(list(dict.fromkeys(keys.values()))) if self.cache else {}
        todo = list(dict.fromkeys(text for text, key in keys.items() if key not in cached))
        done: dict[str, str] = {text: cached[key] for text, key in keys.items() if key in cached}
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start:start + CHUNK]
            outputs = self._translate_uncached(chunk)
            done.update(zip(chunk, outputs))
            if self.cache:
                self.cache.put([(keys[text], out) for text, out in zip(chunk, outputs)])
        for i in wanted:
            results[i] = done[texts[i]]
            if keys[texts[i]] in cached:
                self._cache_hits += 1
            else:
                self._translated += 1
        return results

    def score(self, sources: Sequence[str], targets: Sequence[str]) -> list[float]:
        """Forced decoding: the mean log-probability per token of each Norwegian target (its
        </s> included) given its French source. Closer to 0 is better; no cache."""
        if len(sources) != len(targets):
            raise ValueError(f"{len(sources)} sources but {len(targets)} targets")
        if not sources:
            return []
        prefix = list(self.layout.target_prefix)
        results = self._run(lambda tr: tr.score_batch(
            [self._source_tokens(s) for s in sources],
            [prefix + self.target_sp.encode(t, out_type=str) for t in targets],
            max_batch_size=self.max_batch_tokens, batch_type="tokens",
            max_input_length=MAX_INPUT_LENGTH,
            offset=len(prefix),  # the forced language token says nothing about the translation
        ))
        return [sum(r.log_probs) / len(r.log_probs) if r.log_probs else float("nan") for r in results]

    # ------------------------------------------------------------ internals

    def _cache_key(self, text: str) -> str:
        # The compute type and device are part of the key: int8 and float32 (or CPU and GPU)
        # can choose different beams, and a run with a warm cache must give what a cold run
        # on the same set-up gives. Switching device only costs one cold run.
        # The runtime versions are part of it too: a new CTranslate2 or SentencePiece may
        # tokenise or decode differently.
        fields = [CACHE_VERSION, self.model_hash, self.device, self.compute_type, self.beam_size,
                  self.max_decoding_length, list(self.layout.source_prefix), list(self.layout.target_prefix),
                  self.layout.add_source_eos, self.versions, text]
        return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode("utf-8")).hexdigest()

    def _source_tokens(self, text: str) -> list[str]:
        # Marian, NLLB and M2M all end the source with </s>. Models converted from Transformers
        # checkpoints leave that to the caller; those converted from original Marian checkpoints
        # say add_source_eos in config.json, and CTranslate2 appends it: never twice.
        eos = [] if self.layout.add_source_eos else ["</s>"]
        return [*self.layout.source_prefix, *self.source_sp.encode(text, out_type=str), *eos]

    def _translate_uncached(self, texts: list[str]) -> list[str]:
        prefix = list(self.layout.target_prefix)
        results = self._run(lambda tr: tr.translate_batch(
            [self._source_tokens(t) for t in texts],
            target_prefix=[prefix] * len(texts) if prefix else None,
            max_batch_size=self.max_batch_tokens, batch_type="tokens",
            beam_size=self.beam_size, max_decoding_length=self.max_decoding_length,
            max_input_length=MAX_INPUT_LENGTH,
        ))
        outputs = []
        for result in results:
            tokens = result.hypotheses[0][len(prefix):]  # the hypothesis repeats the target prefix
            outputs.append(self.target_sp.decode([t for t in tokens if t not in _SPECIAL_OUTPUT]))
        return outputs


def runtime_versions() -> dict[str, str]:
    import ctranslate2
    import sentencepiece

    return {"ctranslate2": ctranslate2.__version__, "sentencepiece": getattr(sentencepiece, "__version__", "?")}


def calibrated_thresholds(manifest: dict) -> dict[str, float]:
    """The back-translation check's thresholds calibrated for this model: the manifest's
    `thresholds` (written by `mtqa models pull`), else the known model's of the manifest's name."""
    found = manifest.get("thresholds")
    if not isinstance(found, dict):
        from mtqa.mt import models

        entry = models.KNOWN_MODELS.get(str(manifest.get("name", "")))
        found = dict(entry.thresholds) if entry is not None else {}
    return {k: float(v) for k, v in found.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


# Tokens a model may emit that are not text.
_SPECIAL_OUTPUT = frozenset({"<s>", "</s>", "<pad>"})
