"""Translation models: which ones mtqa knows, where they live, how they get there.

A model is a CTranslate2 directory (model.bin, config.json, vocabulary, SentencePiece files)
with an `mtqa-model.json` manifest saying where it came from and the sha256 of every file.
`pull` converts a Hugging Face checkpoint with CTranslate2's TransformersConverter; that needs
the `convert` extra (transformers + torch) and a reachable hub. Where the hub cannot be reached,
the error says how to convert a model by hand and point mtqa at it.

Installed models live in `models_dir()/NAME`: the user cache (`~/.cache/mtqa/models` on Linux),
or $MTQA_MODELS_DIR.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

from mtqa.errors import MtqaError

MANIFEST = "mtqa-model.json"
# The default by published quality and licence: the Tatoeba-MT fra-nor 2021 model scores about
# 49.8 chrF on FLORES-200 (OPUS-MT leaderboard) against 39.0 for the 2020 model behind
# Helsinki-NLP/opus-mt-fr-no, under the same CC-BY 4.0; NLLB-200 is non-commercial only.
DEFAULT_MODEL = "opus-mt-tatoeba-fra-nor-2021"
DEFAULT_ENDPOINT = "https://huggingface.co"
HUB_TIMEOUT = 5.0
QUANTIZATIONS = ("int8", "int8_float32", "int8_float16", "int8_bfloat16", "int16", "float16", "bfloat16", "float32")
CONVERT_HINT = "pip install 'mtqa[convert]'"

Progress = Optional[Callable[[str], None]]


@dataclass(frozen=True)
class Direction:
    """One translation direction a model serves, with the tokens CTranslate2 must be given.

    source_prefix goes before the SentencePiece pieces of every source sentence (the source
    ends with "</s>" as usual); target_prefix is passed as CTranslate2's target_prefix.
    """

    source: str                        # ISO 639-1 code as mtqa uses it: "fr", "nb"
    target: str
    source_code: str                   # the model's own language codes
    target_code: str
    source_prefix: tuple[str, ...] = ()
    target_prefix: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"source": self.source, "target": self.target,
                "source_code": self.source_code, "target_code": self.target_code,
                "source_prefix": list(self.source_prefix), "target_prefix": list(self.target_prefix)}


@dataclass(frozen=True)
class KnownModel:
    name: str
    repo: str                          # Hugging Face repo id, or the URL of an original Marian zip
    family: str                        # "marian", "marian-zip", "nllb" or "m2m"
    copy_files: tuple[str, ...]        # tokenizer files copied next to model.bin
    directions: tuple[Direction, ...]
    description: str
    licence: str = ""
    quality: str = ""                  # published quality for French -> Norwegian, with where it is from
    # The back-translation check's thresholds calibrated for this model (scripts/calibrate_backtranslation.py
    # on FLORES-200 dev; docs/BENCHMARKS.md). {} when not calibrated: the check's generic ones apply.
    thresholds: dict = field(default_factory=dict)
    note: str = ""                     # shown at pull (a licence restriction, say)


# Calibrated on FLORES-200 dev with the models' own published outputs (bt-fr-nb/*.txt in the
# shared data): major_below at the 1.5 % quantile of faithful lines, minor_below at 5 %.
# The forced-decoding threshold is not calibrated (no real model can be run here).
CALIBRATION = "scripts/calibrate_backtranslation.py --back-translation bt-fr-nb/{file} (FLORES-200 dev)"
THRESHOLDS_2020 = {"major_below": 20.4, "minor_below": 23.6, "hallucination_below": 15.2}
THRESHOLDS_2021 = {"major_below": 26.9, "minor_below": 31.1, "hallucination_below": 15.2}
TATOEBA_2021_ZIP = "https://object.pouta.csc.fi/Tatoeba-MT-models/fra-nor/opus-2021-02-23.zip"
NLLB_DIRECTIONS = (
    Direction("fr", "nb", "fra_Latn", "nob_Latn", source_prefix=("fra_Latn",), target_prefix=("nob_Latn",)),
)
NLLB_NOTE = ("NLLB-200 is licensed CC-BY-NC 4.0: non-commercial use only; a newsroom's use may be "
             "commercial, check before relying on it")

# fra-nor is a Tatoeba-Challenge model with two target variants (nob, nno): every source sentence
# must start with the target token ">>nob<<", or the model may answer in Nynorsk.
KNOWN_MODELS: dict[str, KnownModel] = {m.name: m for m in (
    KnownModel(
        name="opus-mt-tatoeba-fra-nor-2021", repo=TATOEBA_2021_ZIP, family="marian-zip",
        copy_files=("source.spm", "target.spm"),
        directions=(Direction("fr", "nb", "fra", "nob", source_prefix=(">>nob<<",)),),
        description="French -> Norwegian (Bokmål), Tatoeba-MT fra-nor opus-2021-02-23; the default",
        licence="CC-BY-4.0", quality="FLORES-200 chrF 49.8 (OPUS-MT leaderboard)",
        thresholds=THRESHOLDS_2021,
    ),
    KnownModel(
        name="opus-mt-fr-no", repo="Helsinki-NLP/opus-mt-fr-no", family="marian",
        copy_files=("source.spm", "target.spm"),
        directions=(Direction("fr", "nb", "fra", "nob", source_prefix=(">>nob<<",)),),
        description="French -> Norwegian (Bokmål), Tatoeba-MT fra-nor opus-2020-06-17",
        licence="CC-BY-4.0", quality="FLORES-200 chrF 39.0 (OPUS-MT leaderboard)",
        thresholds=THRESHOLDS_2020,
    ),
    KnownModel(
        name="nllb-200-distilled-600M", repo="facebook/nllb-200-distilled-600M", family="nllb",
        copy_files=("sentencepiece.bpe.model",), directions=NLLB_DIRECTIONS,
        description="NLLB-200 distilled 600M; French -> Norwegian (Bokmål)",
        licence="CC-BY-NC-4.0", quality="not measured for fra->nob here (see the NLLB-200 model card)",
        note=NLLB_NOTE,
    ),
    KnownModel(
        name="nllb-200-distilled-1.3B", repo="facebook/nllb-200-distilled-1.3B", family="nllb",
        copy_files=("sentencepiece.bpe.model",), directions=NLLB_DIRECTIONS,
        description="NLLB-200 distilled 1.3B; French -> Norwegian (Bokmål)",
        licence="CC-BY-NC-4.0", quality="not measured for fra->nob here (see the NLLB-200 model card)",
        note=NLLB_NOTE,
    ),
    KnownModel(
        name="m2m100_418M", repo="facebook/m2m100_418M", family="m2m",
        copy_files=("sentencepiece.bpe.model",),
        # No fixed direction: the language tokens (__fr__, and __nb__ or __no__) are read from
        # the vocabulary at load time (mtqa.mt.ct2.model_layout).
        directions=(),
        description="M2M-100 418M; French -> Norwegian",
        licence="MIT", quality="not measured for fr->no here",
    ),
)}

# Files a CTranslate2 translation model cannot do without; one of the vocabulary sets must be there.
REQUIRED_FILES = ("model.bin", "config.json")
VOCABULARIES = (("shared_vocabulary.json",), ("shared_vocabulary.txt",),
                ("source_vocabulary.json", "target_vocabulary.json"),
                ("source_vocabulary.txt", "target_vocabulary.txt"))

SAMPLE = {"fr": "Le gouvernement norvégien a présenté son budget mercredi.",
          "nb": "Regjeringen la fram statsbudsjettet onsdag."}


# ---------------------------------------------------------------- where models live

def models_dir() -> Path:
    """Where installed models live: $MTQA_MODELS_DIR, else the user cache's mtqa/models."""
    override = os.environ.get("MTQA_MODELS_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_cache_dir("mtqa", appauthor=False)) / "models"


def known(name: str) -> KnownModel:
    try:
        return KNOWN_MODELS[name]
    except KeyError:
        raise MtqaError(f"unknown model {name!r}; known models: {', '.join(KNOWN_MODELS)}") from None


def _is_model_dir(path: Path) -> bool:
    return path.is_dir() and (path / "model.bin").is_file()


def _plain_name(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name \
        and not name.startswith(".")


def model_path(name: str) -> Path:
    """The installed directory of model `name`; MtqaError when it is not installed."""
    if not _plain_name(name):
        known(name)  # raises: unknown model
    path = models_dir() / name
    if _is_model_dir(path):
        return path
    if name not in KNOWN_MODELS:
        known(name)
    raise MtqaError(f"model {name} is not installed; run: mtqa models pull {name}")


# ---------------------------------------------------------------- manifest and hashes

def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _model_files(directory: Path) -> list[str]:
    """Every regular file under `directory` except the manifest, as sorted relative POSIX paths."""
    return sorted(p.relative_to(directory).as_posix() for p in directory.rglob("*")
                  if p.is_file() and p.name != MANIFEST)


def write_manifest(directory: Path, **meta) -> dict:
    """Write mtqa-model.json in `directory`: `meta` plus size and sha256 of every file there."""
    manifest = dict(meta)
    manifest["files"] = {rel: {"size": (directory / rel).stat().st_size, "sha256": sha256_file(directory / rel)}
                         for rel in _model_files(directory)}
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    (directory / MANIFEST).write_text(text, encoding="utf-8")
    return manifest


def read_manifest(directory: Path) -> dict | None:
    path = directory / MANIFEST
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MtqaError(f"{path}: unreadable manifest ({exc})") from None
    if not isinstance(data, dict):
        raise MtqaError(f"{path}: unreadable manifest (not a JSON object)")
    return data


def dir_size(directory: Path) -> int:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file())


# ---------------------------------------------------------------- pulling and converting

def hub_endpoint() -> str:
    return (os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def hub_reachable(repo: str | None = None, timeout: float = HUB_TIMEOUT) -> bool:
    """True when the hub's API answers at all (any HTTP status counts: the server is there)."""
    if _hub_offline():
        return False
    url = f"{hub_endpoint()}/api/models" + (f"/{repo}" if repo else "")
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def manual_install_hint(model: KnownModel, quantization: str = "int8") -> str:
    return (f"on a machine that can reach it run {CONVERT_HINT} and ct2-transformers-converter "
            f"--model {model.repo} --output_dir DIR --quantization {quantization} "
            f"--copy_files {' '.join(model.copy_files)}, then use mtqa check --model DIR (or set MTQA_MODEL=DIR)")


def convert_extra_missing() -> list[str]:
    """The modules of the `convert` extra that cannot be imported here."""
    return [mod for mod in ("huggingface_hub", "transformers", "torch") if importlib.util.find_spec(mod) is None]


def _require_convert_extra() -> None:
    missing = convert_extra_missing()
    if missing:
        raise MtqaError(f"converting a model needs {' and '.join(missing)}, which "
                        f"{'is' if len(missing) == 1 else 'are'} not installed; run: {CONVERT_HINT}")


def _check_quantization(quantization: str) -> None:
    if quantization not in QUANTIZATIONS:
        raise MtqaError(f"unknown quantization {quantization!r}; choose one of: {', '.join(QUANTIZATIONS)}")


def _say(progress: Progress, message: str) -> None:
    if progress is not None:
        progress(message)


def _versions() -> dict:
    import ctranslate2

    out = {"ctranslate2": ctranslate2.__version__}
    for mod in ("transformers", "torch"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001 - a version we cannot read is simply not recorded
            pass
    return out


def _install(tmp: Path, out_dir: Path) -> None:
    """Move the finished `tmp` directory to `out_dir`, replacing what was there."""
    old = None
    if out_dir.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
        os.replace(out_dir, old / "model")
    os.replace(tmp, out_dir)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _convert(src: str, out_dir: Path, quantization: str, copy_files: list[str], meta: dict,
             force: bool, progress: Progress, hub_revision: str | None = None) -> Path:
    """Convert `src` (a local Hugging Face model directory, or a hub repo id at `hub_revision`)
    into `out_dir`: into a temporary folder beside it first, then renamed into place."""
    _check_quantization(quantization)
    if out_dir.exists() and not force:
        raise MtqaError(f"{out_dir} already exists; use --force to replace it")
    _require_convert_extra()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.tmp-", dir=out_dir.parent))
    try:
        from ctranslate2.converters import TransformersConverter

        _say(progress, f"converting {meta.get('origin', src)} to CTranslate2 ({quantization})")
        converter = TransformersConverter(src, copy_files=copy_files or None, load_as_float16=False,
                                          revision=hub_revision)
        try:
            with warnings.catch_warnings():  # e.g. MarianTokenizer's "Recommended: pip install sacremoses"
                warnings.simplefilter("ignore")
                converter.convert(str(tmp), quantization=quantization, force=True)
        except Exception as exc:  # noqa: BLE001 - the converter fails in many ways on a bad checkpoint
            raise MtqaError(f"cannot convert {meta.get('origin', src)}: {' '.join(str(exc).split())}") from None
        _say(progress, "hashing files and writing the manifest")
        write_manifest(tmp, **meta, **_versions(),
                       converter="ctranslate2.converters.TransformersConverter",
                       quantization=quantization,
                       created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        os.chmod(tmp, 0o755)  # mkdtemp made it private
        _install(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _say(progress, f"installed {out_dir}")
    return out_dir


def _model_meta(name: str, model: KnownModel | None, origin: str, revision: str | None) -> dict:
    meta: dict[str, Any] = {"name": name, "origin": origin, "revision": revision,
                            "family": model.family if model else None,
                            "directions": [d.to_dict() for d in model.directions] if model else []}
    if model is not None:
        meta["licence"] = model.licence
        if model.thresholds:  # the back-translation check reads them from here (mtqa.mt.ct2)
            meta["thresholds"] = dict(model.thresholds)
            meta["thresholds_calibration"] = CALIBRATION.format(
                file="opus-mt-fra-nor-2021.txt" if model.thresholds is THRESHOLDS_2021 else "opus-mt-fra-nor-2020.txt")
    return meta


def convert_local(model_dir_or_repo: str | os.PathLike, out_dir: str | os.PathLike, quantization: str = "int8",
                  *, name: str | None = None, revision: str | None = None, force: bool = False,
                  progress: Progress = None) -> Path:
    """Convert a locally saved Hugging Face model (or a hub repo id, fetched by the converter) into
    a CTranslate2 directory `out_dir` with a manifest. `name` ties it to a known model's
    directions and tokenizer files; otherwise the SentencePiece files present are copied."""
    src = Path(model_dir_or_repo).expanduser()
    model = KNOWN_MODELS.get(name) if name else None
    if src.is_dir():
        origin = str(src.resolve())
        candidates = model.copy_files if model else ("source.spm", "target.spm", "sentencepiece.bpe.model")
        copy_files = [f for f in candidates if (src / f).is_file()]
        src_arg, hub_revision = str(src), None
    else:
        origin = str(model_dir_or_repo)
        copy_files = list(model.copy_files) if model else []
        src_arg, hub_revision = origin, revision
    out = Path(out_dir).expanduser()
    meta = _model_meta(name or out.name, model, origin, revision)
    return _convert(src_arg, out, quantization, copy_files, meta, force, progress, hub_revision)


def _weight_patterns(files: set[str]) -> list[str]:
    """The weight files to fetch: safetensors (one file, or shards with their index) before PyTorch."""
    for single, index, shards in (("model.safetensors", "model.safetensors.index.json", "model-*.safetensors"),
                                  ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*.bin")):
        if single in files:
            return [single]
        if index in files:
            return [index, shards]
    return ["model.safetensors", "pytorch_model.bin"]


def _download(model: KnownModel, revision: str | None, into: Path | None, progress: Progress,
              hub=None, offline: bool = False) -> tuple[Path, str | None]:
    """Download the files conversion needs at one pinned commit, through the Hugging Face cache
    (HF_HOME), so a second pull downloads nothing; when the hub cannot be reached, what the
    cache already holds is used (local_files_only). Returns (folder, commit sha).

    `hub` stands in for the huggingface_hub module (tests pass a fake)."""
    if hub is None:
        import huggingface_hub

        hub = huggingface_hub
    errors = getattr(hub, "utils", None)
    not_found = tuple(getattr(errors, n) for n in ("RepositoryNotFoundError", "RevisionNotFoundError")
                      if errors is not None and hasattr(errors, n))
    try:
        try:
            if offline:
                raise ConnectionError("the hub cannot be reached")
            info = hub.HfApi().model_info(model.repo, revision=revision)
        except not_found:
            raise
        except Exception as exc:  # noqa: BLE001 - offline: fall back on the cache
            _say(progress, f"the hub cannot be reached ({type(exc).__name__}); looking in the Hugging Face cache")
            folder = hub.snapshot_download(model.repo, revision=revision, local_files_only=True)
            return Path(folder), revision
        files = {s.rfilename for s in info.siblings or ()}
        _say(progress, f"downloading {model.repo} at {(info.sha or revision or 'main')[:12]}")
        folder = hub.snapshot_download(model.repo, revision=info.sha or revision,
                                       allow_patterns=[*_weight_patterns(files), "*.json", *model.copy_files])
    except not_found as exc:
        raise MtqaError(f"{model.repo}{'@' + revision if revision else ''} not found on the hub: "
                        f"{' '.join(str(exc).split()[:12])}") from None
    except Exception as exc:  # noqa: BLE001 - network and HTTP errors alike
        raise MtqaError(f"download of {model.repo} failed: {' '.join(str(exc).split())}") from None
    return Path(folder), info.sha


def _pull_marian_zip(model: KnownModel, out: Path, quantization: str, progress: Progress,
                     fetch: Callable[[str, Path], None] | None = None) -> Path:
    """An original OPUS-MT/Tatoeba Marian zip, converted with CTranslate2's OpusMTConverter
    (ct2-opus-mt-converter: needs only ctranslate2 and PyYAML). The converted config says
    add_source_eos, which mtqa.mt.ct2 reads."""
    import zipfile

    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.download-", dir=out.parent))
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        archive = work / "model.zip"
        _say(progress, f"downloading {model.repo}")
        try:
            (fetch or _fetch_url)(model.repo, archive)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise MtqaError(f"cannot download {model.repo} ({exc}); to install it by hand, unzip it and run "
                            f"ct2-opus-mt-converter --model_dir DIR --output_dir OUT --quantization {quantization}, "
                            f"copy source.spm and target.spm into OUT, then use mtqa check --model OUT") from None
        src = work / "unzipped"
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():  # no absolute or parent paths out of the folder
                if member.startswith("/") or ".." in Path(member).parts:
                    raise MtqaError(f"{model.repo}: unsafe path {member!r} in the archive")
            zf.extractall(src)
        from ctranslate2.converters import OpusMTConverter

        _say(progress, f"converting to CTranslate2 ({quantization})")
        try:
            OpusMTConverter(str(src)).convert(str(tmp), quantization=quantization, force=True)
        except Exception as exc:  # noqa: BLE001
            raise MtqaError(f"cannot convert {model.repo}: {' '.join(str(exc).split())}") from None
        for name in model.copy_files:
            shutil.copyfile(src / name, tmp / name)
        meta = _model_meta(model.name, model, model.repo, None)
        write_manifest(tmp, **meta, **_versions(), converter="ctranslate2.converters.OpusMTConverter",
                       quantization=quantization, created=datetime.now(timezone.utc).isoformat(timespec="seconds"))
        os.chmod(tmp, 0o755)
        _install(tmp, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    _say(progress, f"installed {out}")
    return out


def _fetch_url(url: str, dest: Path) -> None:
    with urllib.request.urlopen(url, timeout=60) as response, open(dest, "wb") as fh:
        shutil.copyfileobj(response, fh, 1 << 20)


def _unreachable(model: KnownModel, quantization: str) -> MtqaError:
    where = "HF_HUB_OFFLINE is set" if _hub_offline() else hub_endpoint()
    return MtqaError(f"cannot reach the Hugging Face hub ({where}) to fetch {model.repo}, and it is not in "
                     f"the Hugging Face cache; to install a converted model by hand, "
                     f"{manual_install_hint(model, quantization)}")


def pull(name: str, quantization: str = "int8", revision: str | None = None, force: bool = False,
         progress: Progress = None) -> Path:
    """Download and convert known model `name` into models_dir()/name; returns its directory.

    An installed model is left as it is unless `force`."""
    model = known(name)
    _check_quantization(quantization)
    out = models_dir() / name
    if _is_model_dir(out) and not force:
        _say(progress, f"{name} is already installed in {out} (use --force to convert it again)")
        return out
    if model.licence:
        _say(progress, f"{name}: licence {model.licence}" + (f". {model.note}" if model.note else ""))
    if model.family == "marian-zip":
        return _pull_marian_zip(model, out, quantization, progress)
    _say(progress, f"checking that {hub_endpoint()} can be reached")
    reachable = hub_reachable(model.repo)
    if not reachable and importlib.util.find_spec("huggingface_hub") is None:
        raise _unreachable(model, quantization)
    if reachable:
        _require_convert_extra()
    try:
        folder, sha = _download(model, revision, None, progress, offline=not reachable)
    except MtqaError:
        if reachable:
            raise
        raise _unreachable(model, quantization) from None
    _require_convert_extra()
    out.parent.mkdir(parents=True, exist_ok=True)
    meta = _model_meta(name, model, model.repo, sha or revision)
    return _convert(str(folder), out, quantization, list(model.copy_files), meta, True, progress)


# ---------------------------------------------------------------- listing, verifying, removing

@dataclass(frozen=True)
class ModelStatus:
    name: str
    known: bool
    installed: bool
    path: Path
    size: int = 0                      # bytes on disk, 0 when not installed
    quantization: str | None = None
    repo: str | None = None
    description: str = ""
    family: str = ""
    licence: str = ""
    quality: str = ""


def list_models() -> list[ModelStatus]:
    """Known models (installed or not), then any other model directory found in models_dir()."""
    root = models_dir()
    rows = []
    for name, model in KNOWN_MODELS.items():
        path = root / name
        installed = _is_model_dir(path)
        manifest = _safe_manifest(path) if installed else {}
        rows.append(ModelStatus(name, True, installed, path, dir_size(path) if installed else 0,
                                manifest.get("quantization"), model.repo, model.description,
                                model.family, model.licence, model.quality))
    if root.is_dir():
        for path in sorted(root.iterdir()):
            if path.name in KNOWN_MODELS or not _plain_name(path.name) or not _is_model_dir(path):
                continue
            manifest = _safe_manifest(path)
            rows.append(ModelStatus(path.name, False, True, path, dir_size(path), manifest.get("quantization"),
                                    manifest.get("origin"), "converted locally", str(manifest.get("family") or ""),
                                    str(manifest.get("licence") or "")))
    return rows


def _safe_manifest(path: Path) -> dict:
    try:
        return read_manifest(path) or {}
    except MtqaError:
        return {}


@dataclass
class VerifyReport:
    path: Path
    manifest: bool = False
    files_checked: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sample: tuple[str, str] | None = None      # (source sentence, its translation)

    @property
    def ok(self) -> bool:
        return not self.problems


def _resolve(name_or_dir: str | os.PathLike) -> Path:
    text = str(name_or_dir)
    if _plain_name(text) and (text in KNOWN_MODELS or (models_dir() / text).is_dir()):
        return model_path(text)
    path = Path(text).expanduser()
    if path.is_dir():
        return path
    if _plain_name(text):
        return model_path(text)  # raises: unknown model
    raise MtqaError(f"{path}: no such model directory")


def verify(name_or_dir: str | os.PathLike, translate: bool = True) -> VerifyReport:
    """Check an installed model (by name) or a model directory: the files CTranslate2 needs are
    there, every file matches the manifest's sha256, and (with `translate`) it loads with
    BackTranslator and translates one sentence."""
    path = _resolve(name_or_dir)
    report = VerifyReport(path)
    for rel in REQUIRED_FILES:
        if not (path / rel).is_file():
            report.problems.append(f"missing file: {rel}")
    if not any(all((path / f).is_file() for f in group) for group in VOCABULARIES):
        report.problems.append("missing vocabulary file (shared_vocabulary.json or source/target_vocabulary.json)")
    try:
        manifest = read_manifest(path)
    except MtqaError as exc:
        report.problems.append(str(exc))
        manifest = None
    if manifest is None:
        report.notes.append(f"no {MANIFEST}: file hashes not checked")
    else:
        report.manifest = True
        files = manifest.get("files") or {}
        for rel, entry in sorted(files.items()):
            target = path / rel
            if not target.is_file():
                report.problems.append(f"missing file: {rel}")
                continue
            report.files_checked += 1
            expected = entry.get("sha256") if isinstance(entry, dict) else entry
            if sha256_file(target) != expected:
                report.problems.append(f"hash mismatch: {rel}")
        extra = [rel for rel in _model_files(path) if rel not in files]
        if extra:
            report.notes.append(f"files not in the manifest: {', '.join(extra)}")
    if translate:
        _try_translate(path, manifest or {}, report)
    return report


def _try_translate(path: Path, manifest: dict, report: VerifyReport) -> None:
    directions = manifest.get("directions")
    first = directions[0] if isinstance(directions, list) and directions else {}
    source = first.get("source") if isinstance(first, dict) else None
    sentence = SAMPLE["fr"] if source is None else SAMPLE.get(source, SAMPLE["fr"])
    back_translator: type[BackTranslator] | None
    try:
        from mtqa.mt.ct2 import BackTranslator

        back_translator = BackTranslator
    except ImportError:
        back_translator = None
    try:
        if back_translator is not None:
            translator = back_translator(str(path), device="cpu")
            out = translator.translate([sentence])
            if not (isinstance(out, list) and len(out) == 1 and isinstance(out[0], str)):
                report.problems.append(f"translation returned {out!r}, not one string")
                return
            report.sample = (sentence, out[0])
        else:
            import ctranslate2

            ctranslate2.Translator(str(path), device="cpu")
            report.notes.append("loaded with ctranslate2; no test translation (mtqa.mt.ct2 not available)")
    except Exception as exc:  # noqa: BLE001 - any failure to load is what verify reports
        report.problems.append(f"does not load: {type(exc).__name__}: {' '.join(str(exc).split())}")


def remove(name: str) -> Path:
    """Delete installed model `name`; returns the directory that was removed."""
    path = model_path(name)
    shutil.rmtree(path)
    return path


def human_size(size: int) -> str:
    if size < 1000:
        return f"{size} B"
    value: float = size
    for unit in ("KB", "MB"):
        value /= 1000
        if value < 1000:
            return f"{value:.1f} {unit}"
    return f"{value / 1000:.1f} GB"
