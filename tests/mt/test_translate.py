"""mtqa.mt.ct2 on the tiny random models of scripts/make_tiny_model.py.

The models' output is nonsense, but it comes out of the real CTranslate2 and SentencePiece
paths, so loading, tokenisation, batching, caching and scoring are all exercised, and
deterministically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import shutil
import subprocess
import sys
from pathlib import Path

import ctranslate2
import pytest
import sentencepiece as spm

from conftest import CORPORA, REPO, SEED_FR, SEED_NB
from mtqa.errors import EXIT_USAGE, MtqaError
from mtqa.mt.ct2 import (CACHE_FILE, BackTranslator, ModelError, TranslationStats, model_hash, model_layout,
                            resolve_model_dir)

SEED_LINES = SEED_FR.read_text(encoding="utf-8").splitlines()
SEED_NB_LINES = SEED_NB.read_text(encoding="utf-8").splitlines()
ALL_FR = [line for path in sorted((CORPORA / "fr").glob("*.fr.txt"))
          for line in path.read_text(encoding="utf-8").splitlines()]


def make(model, **kwargs) -> BackTranslator:
    # One CTranslate2 thread: this is what keeps small test models fast on shared CI machines
    # (several threads on two vCPUs sometimes take seconds to get going).
    kwargs.setdefault("device", "cpu")
    kwargs.setdefault("intra_threads", 1)
    kwargs.setdefault("cache_dir", False)
    return BackTranslator(model, **kwargs)


class NoModelCalls:
    """Stands in for ctranslate2.Translator where no model call may happen."""

    def __getattr__(self, name):
        raise AssertionError(f"ctranslate2.Translator.{name} called")


# ---------------------------------------------------------------- translating

def test_translates_the_seed_article(tiny_model):  # noqa: F811 (fixture)
    bt = make(tiny_model)
    assert bt.model_dir == tiny_model.resolve()
    assert bt.layout.family == "marian" and bt.layout.source_prefix == () and bt.layout.target_prefix == ()
    assert bt.device == "cpu" and bt.compute_type == "int8"  # auto on CPU
    assert len(bt.model_hash) == 64
    out = bt.translate(SEED_LINES)
    assert len(out) == len(SEED_LINES)
    assert all(isinstance(t, str) and t.strip() for t in out)
    assert len(set(out)) > len(out) // 2  # the source matters, even with random weights
    assert bt.stats == TranslationStats(translated=len(SEED_LINES), cache_hits=0)


def test_translation_is_what_ctranslate2_gives_for_marian_tokens(tiny_model):  # noqa: F811 (fixture)
    """The Marian conventions: source pieces + "</s>", beam search, target.spm decoding."""
    bt = make(tiny_model, compute_type="float32")
    source = spm.SentencePieceProcessor(model_file=str(tiny_model / "source.spm"))
    target = spm.SentencePieceProcessor(model_file=str(tiny_model / "target.spm"))
    raw = ctranslate2.Translator(str(tiny_model), device="cpu", compute_type="float32", intra_threads=1)
    results = raw.translate_batch([source.encode(t, out_type=str) + ["</s>"] for t in SEED_LINES[:5]],
                                  beam_size=2, max_decoding_length=256)
    assert bt.translate(SEED_LINES[:5]) == [target.decode(r.hypotheses[0]) for r in results]


def test_output_is_deterministic_across_translators(tiny_model):  # noqa: F811 (fixture)
    assert make(tiny_model).translate(ALL_FR) == make(tiny_model).translate(ALL_FR)


def test_batch_size_does_not_change_the_output(tiny_model):  # noqa: F811 (fixture)
    small = make(tiny_model, max_batch_tokens=64).translate(ALL_FR)
    large = make(tiny_model, max_batch_tokens=4096).translate(ALL_FR)
    assert small == large
    assert make(tiny_model).translate(ALL_FR[3:4]) == small[3:4]  # alone, as in a batch


def test_blank_texts_pass_through_and_are_not_counted(tiny_model):  # noqa: F811 (fixture)
    bt = make(tiny_model)
    out = bt.translate(["", SEED_LINES[0], "   ", SEED_LINES[0]])
    assert out[0] == "" and out[2] == ""
    assert out[1] == out[3] != ""
    assert bt.stats == TranslationStats(translated=2, cache_hits=0)
    assert bt.translate([]) == []


def test_max_decoding_length_bounds_the_output(tiny_model):  # noqa: F811 (fixture)
    # Greedy decoding cut after 3 pieces is the start of greedy decoding left alone.
    short = make(tiny_model, max_decoding_length=3, beam_size=1).translate(SEED_LINES)
    full = make(tiny_model, beam_size=1).translate(SEED_LINES)
    assert all(f.startswith(s) for s, f in zip(short, full))
    assert all(len(s) < len(f) for s, f in zip(short, full))


@pytest.mark.parametrize("compute_type", ["int8", "float32"])
def test_int8_and_float32_load_on_cpu(tiny_model, compute_type):  # noqa: F811 (fixture)
    bt = make(tiny_model, compute_type=compute_type)
    assert bt.compute_type == compute_type
    assert all(bt.translate(SEED_LINES[:3]))


def test_unsupported_compute_type_and_device_are_user_errors(tiny_model):  # noqa: F811 (fixture)
    with pytest.raises(MtqaError, match="compute type float16 is not supported on cpu"):
        make(tiny_model, compute_type="float16")
    with pytest.raises(MtqaError, match="unknown device"):
        make(tiny_model, device="tpu")


# ---------------------------------------------------------------- the disk cache

def test_second_run_over_the_same_cache_translates_nothing(tiny_model, tmp_path):  # noqa: F811 (fixture)
    first = make(tiny_model, cache_dir=tmp_path)
    expected = first.translate(SEED_LINES)
    assert (tmp_path / CACHE_FILE).is_file()
    assert first.stats == TranslationStats(len(SEED_LINES), 0)

    second = make(tiny_model, cache_dir=tmp_path)
    second.translator = NoModelCalls()
    assert second.translate(SEED_LINES) == expected
    assert second.stats == TranslationStats(translated=0, cache_hits=len(SEED_LINES))


def test_cache_serves_the_known_and_translates_the_new(tiny_model, tmp_path):  # noqa: F811 (fixture)
    make(tiny_model, cache_dir=tmp_path).translate(SEED_LINES[:10])
    bt = make(tiny_model, cache_dir=tmp_path)
    out = bt.translate(SEED_LINES)
    assert bt.stats == TranslationStats(translated=len(SEED_LINES) - 10, cache_hits=10)
    assert out == make(tiny_model).translate(SEED_LINES)


@pytest.mark.parametrize("change", [{"beam_size": 1}, {"max_decoding_length": 50}, {"compute_type": "float32"}])
def test_cache_key_covers_the_decoding_settings(tiny_model, tmp_path, change):  # noqa: F811 (fixture)
    make(tiny_model, cache_dir=tmp_path).translate(SEED_LINES[:4])
    bt = make(tiny_model, cache_dir=tmp_path, **change)
    bt.translate(SEED_LINES[:4])
    assert bt.stats == TranslationStats(translated=4, cache_hits=0)


def test_a_corrupt_cache_file_is_replaced_with_one_warning(tiny_model, tmp_path, caplog):  # noqa: F811 (fixture)
    (tmp_path / CACHE_FILE).write_bytes(b"this is not a database\n" * 100)
    bt = make(tiny_model, cache_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="mtqa.mt.ct2"):
        out = bt.translate(SEED_LINES)
        bt.translate(SEED_LINES)
    warnings = [r for r in caplog.records if r.name == "mtqa.mt.ct2"]
    assert len(warnings) == 1 and "corrupt" in warnings[0].getMessage()
    assert out == make(tiny_model).translate(SEED_LINES)

    again = make(tiny_model, cache_dir=tmp_path)  # the rebuilt cache works
    again.translator = NoModelCalls()
    assert again.translate(SEED_LINES) == out


def test_an_unusable_cache_directory_only_warns(tiny_model, tmp_path, caplog):  # noqa: F811 (fixture)
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache directory should be")
    bt = make(tiny_model, cache_dir=blocker)
    with caplog.at_level(logging.WARNING, logger="mtqa.mt.ct2"):
        assert bt.translate(SEED_LINES[:3]) == make(tiny_model).translate(SEED_LINES[:3])
        bt.translate(SEED_LINES[:3])
    assert len([r for r in caplog.records if r.name == "mtqa.mt.ct2"]) == 1
    assert bt.stats == TranslationStats(translated=6, cache_hits=0)


def test_default_cache_is_in_the_user_cache_dir(tiny_model, tmp_path, monkeypatch):  # noqa: F811 (fixture)
    monkeypatch.setattr("mtqa.mt.ct2.default_cache_dir", lambda: tmp_path / "user-cache")
    make(tiny_model, cache_dir=None).translate(SEED_LINES[:2])
    assert (tmp_path / "user-cache" / CACHE_FILE).is_file()


# ---------------------------------------------------------------- scoring

def test_score_is_finite_negative_and_deterministic(tiny_model):  # noqa: F811 (fixture)
    bt = make(tiny_model)
    n = min(len(SEED_LINES), len(SEED_NB_LINES))
    scores = bt.score(SEED_LINES[:n], SEED_NB_LINES[:n])
    assert len(scores) == n
    assert all(isinstance(s, float) and math.isfinite(s) and s < 0 for s in scores)
    assert make(tiny_model).score(SEED_LINES[:n], SEED_NB_LINES[:n]) == scores
    assert make(tiny_model, max_batch_tokens=64).score(SEED_LINES[:n], SEED_NB_LINES[:n]) == pytest.approx(scores)
    assert bt.stats == TranslationStats(0, 0)  # scores are neither cached nor counted


def test_score_is_the_mean_log_probability_per_target_token(tiny_model):  # noqa: F811 (fixture)
    bt = make(tiny_model, compute_type="float32")
    source = spm.SentencePieceProcessor(model_file=str(tiny_model / "source.spm"))
    target = spm.SentencePieceProcessor(model_file=str(tiny_model / "target.spm"))
    raw = ctranslate2.Translator(str(tiny_model), device="cpu", compute_type="float32", intra_threads=1)
    result = raw.score_batch([source.encode(SEED_LINES[0], out_type=str) + ["</s>"]],
                             [target.encode(SEED_NB_LINES[0], out_type=str)])[0]
    assert result.tokens[-1] == "</s>"
    mean = sum(result.log_probs) / len(result.log_probs)
    assert bt.score([SEED_LINES[0]], [SEED_NB_LINES[0]]) == [pytest.approx(mean)]


def test_score_checks_its_arguments(tiny_model):  # noqa: F811 (fixture)
    bt = make(tiny_model)
    assert bt.score([], []) == []
    with pytest.raises(ValueError):
        bt.score(["a"], [])
    assert math.isfinite(bt.score([""], [""])[0])


# ---------------------------------------------------------------- NLLB layout

def test_nllb_layout_uses_language_tokens(tiny_nllb_model):  # noqa: F811 (fixture)
    bt = make(tiny_nllb_model, compute_type="float32")
    assert bt.layout.family == "nllb"
    assert bt.layout.source_prefix == ("fra_Latn",) and bt.layout.target_prefix == ("nob_Latn",)
    sp = spm.SentencePieceProcessor(model_file=str(tiny_nllb_model / "sentencepiece.bpe.model"))
    raw = ctranslate2.Translator(str(tiny_nllb_model), device="cpu", compute_type="float32", intra_threads=1)
    results = raw.translate_batch([["fra_Latn", *sp.encode(t, out_type=str), "</s>"] for t in SEED_LINES[:4]],
                                  target_prefix=[["nob_Latn"]] * 4, beam_size=2, max_decoding_length=256)
    assert all(r.hypotheses[0][0] == "nob_Latn" for r in results)
    out = bt.translate(SEED_LINES[:4])
    assert out == [sp.decode(r.hypotheses[0][1:]) for r in results]
    assert not any("Latn" in text for text in out)
    scores = bt.score(SEED_LINES[:4], SEED_NB_LINES[:4])
    assert all(math.isfinite(s) and s < 0 for s in scores)


def test_nllb_layout_is_detected_from_the_files(tiny_nllb_model, tmp_path):  # noqa: F811 (fixture)
    model = shutil.copytree(tiny_nllb_model, tmp_path / "nllb")
    (model / "mtqa-model.json").unlink()
    layout = model_layout(model)
    assert layout.family == "nllb" and layout.source_prefix == ("fra_Latn",) and layout.target_prefix == ("nob_Latn",)
    assert make(model).translate(SEED_LINES[:2]) == make(tiny_nllb_model).translate(SEED_LINES[:2])


def test_manifest_src_lang_and_tgt_lang_override_nllb_codes(tiny_nllb_model, tmp_path):  # noqa: F811 (fixture)
    model = shutil.copytree(tiny_nllb_model, tmp_path / "nllb")
    (model / "mtqa-model.json").write_text(json.dumps({"src_lang": "fra_Latn", "tgt_lang": "nno_Latn"}))
    with pytest.raises(ModelError, match="nno_Latn is not in the target vocabulary"):
        make(model)


def test_manifest_directions_choose_the_prefixes(tmp_path):
    model = tmp_path / "marian"
    model.mkdir()
    for name in ("source.spm", "target.spm"):
        (model / name).write_bytes(b"")
    (model / "shared_vocabulary.json").write_text(json.dumps(["</s>", "<unk>", ">>nob<<", ">>nno<<", "▁a"]))
    # No manifest: a multi-target OPUS-MT vocabulary means the target token goes first.
    assert model_layout(model).source_prefix == (">>nob<<",)
    manifest = {"directions": [{"source": "fr", "target": "nb", "source_prefix": [">>nob<<"], "target_prefix": []}]}
    assert model_layout(model, manifest).source_prefix == (">>nob<<",)
    with pytest.raises(ModelError, match="does not translate fr→nb"):
        model_layout(model, {"directions": [{"source": "nb", "target": "fr"}]})


# ---------------------------------------------------------------- broken models and names

def _broken(tiny_model: Path, tmp_path: Path, case: str) -> Path:  # noqa: F811 (fixture)
    model = tmp_path / "model"
    if case == "missing":
        return model
    if case == "empty dir":
        model.mkdir()
        return model
    if case == "file":
        model.write_text("not a directory")
        return model
    shutil.copytree(tiny_model, model)
    if case.startswith("no "):
        (model / case[3:]).unlink()
    elif case == "transformers":
        (model / "model.bin").rename(model / "pytorch_model.bin")
    elif case == "garbage model.bin":
        (model / "model.bin").write_bytes(b"\0garbage" * 64)
    elif case == "garbage source.spm":
        (model / "source.spm").write_bytes(b"garbage")
    elif case == "bad manifest":
        (model / "mtqa-model.json").write_text("{not json")
    return model


@pytest.mark.parametrize("case, message", [
    ("missing", r"model directory .*model does not exist"),
    ("empty dir", r"is not a CTranslate2 model directory"),
    ("file", r"is a file, not a CTranslate2 model directory"),
    ("no model.bin", r"model.bin missing in .*model"),
    ("no config.json", r"config.json missing in .*model"),
    ("no source.spm", r"source.spm missing in .*model"),
    ("no target.spm", r"target.spm missing in .*model"),
    ("no shared_vocabulary.json", r"vocabulary missing in .*model"),
    ("transformers", r"holds a Transformers model, not a CTranslate2 one"),
    ("garbage model.bin", r"cannot load the model in .*model"),
    ("garbage source.spm", r"cannot load the SentencePiece models in .*model"),
    ("bad manifest", r"mtqa-model.json: unreadable manifest"),
])
def test_broken_model_directories_raise_model_error(tiny_model, tmp_path, case, message):  # noqa: F811 (fixture)
    model = _broken(tiny_model, tmp_path, case)
    with pytest.raises(ModelError, match=message) as info:
        make(model)
    assert info.value.exit_code == EXIT_USAGE
    assert "\n" not in str(info.value)


def test_a_directory_without_spm_files_names_both_layouts(tiny_model, tmp_path):  # noqa: F811 (fixture)
    model = shutil.copytree(tiny_model, tmp_path / "model")
    (model / "source.spm").unlink()
    (model / "target.spm").unlink()
    with pytest.raises(ModelError, match=r"no SentencePiece model .*source.spm and target.spm .*bpe.model"):
        resolve_model_dir(model)


def test_a_model_name_is_looked_up_in_mtqa_models(tiny_model, monkeypatch):  # noqa: F811 (fixture)
    from mtqa.mt import models

    def model_path(name: str) -> Path:
        if name == "tiny":
            return tiny_model
        raise MtqaError(f"model {name} is not installed")

    monkeypatch.setattr(models, "model_path", model_path)
    assert resolve_model_dir("tiny") == tiny_model.resolve()
    with pytest.raises(MtqaError):
        resolve_model_dir("no-such-model")


def test_a_model_name_without_mtqa_models_is_a_clear_error(monkeypatch):
    import mtqa.mt

    monkeypatch.delattr(mtqa.mt, "models", raising=False)
    monkeypatch.setitem(sys.modules, "mtqa.mt.models", None)
    with pytest.raises(ModelError, match="no-such-model: no such model directory"):
        resolve_model_dir("no-such-model")


# ---------------------------------------------------------------- model hash

def test_model_hash_follows_the_content_and_may_come_from_the_manifest(tiny_model, tmp_path):  # noqa: F811 (fixture)
    model = shutil.copytree(tiny_model, tmp_path / "model")
    computed = model_hash(model)
    assert computed == model_hash(tiny_model)

    # A manifest with file hashes (as `mtqa models pull` writes) gives the same value without reading the files.
    files = {p.name: {"size": p.stat().st_size, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
             for p in model.iterdir() if p.name != "mtqa-model.json"}
    manifest = json.loads((model / "mtqa-model.json").read_text()) | {"files": files}
    assert model_hash(model, manifest) == computed
    # ... but a recorded hash is not trusted for a file whose size changed.
    with open(model / "config.json", "a") as fh:
        fh.write("\n")
    assert model_hash(model, manifest) != computed
    assert model_hash(model, manifest) == model_hash(model, {})


# ---------------------------------------------------------------- the build script

def test_make_tiny_model_script(tmp_path, tiny_model):  # noqa: F811 (fixture)
    out = tmp_path / "tiny"
    proc = subprocess.run([sys.executable, str(REPO / "scripts" / "make_tiny_model.py"), str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for name in ("model.bin", "config.json", "shared_vocabulary.json", "source.spm", "target.spm", "mtqa-model.json"):
        assert (out / name).is_file(), name
    config = json.loads((out / "config.json").read_text())
    assert (config["decoder_start_token"], config["eos_token"], config["unk_token"]) == ("</s>", "</s>", "<unk>")
    vocab = json.loads((out / "shared_vocabulary.json").read_text())
    assert {"<unk>", "<s>", "</s>"} <= set(vocab)
    manifest = json.loads((out / "mtqa-model.json").read_text())
    assert manifest["origin"] == "scripts/make_tiny_model.py" and "random" in manifest["note"]
    assert model_hash(out) == model_hash(tiny_model)  # same seed, same bytes


# ---------------------------------------------------------------- issue 14: real-model layouts

from tiny_model import load_builder  # noqa: E402


def test_add_source_eos_model_gets_one_end_of_sentence_not_two(tiny_model, tmp_path):
    """Models converted from original Marian checkpoints say add_source_eos: CTranslate2 appends
    </s> itself, so mtqa must not append one too (the same weights then translate the same)."""
    eos = load_builder()(tmp_path / "eos", add_source_eos=True)
    assert json.loads((eos / "config.json").read_text())["add_source_eos"] is True
    translator = make(eos)
    assert translator.layout.add_source_eos is True
    tokens = translator._source_tokens(SEED_LINES[0])
    assert tokens[-1] != "</s>" and "</s>" not in tokens
    assert make(tiny_model)._source_tokens(SEED_LINES[0])[-1] == "</s>"
    assert translator.translate(SEED_LINES[:3]) == make(tiny_model).translate(SEED_LINES[:3])
    assert translator.score(SEED_LINES[:2], ["Hei.", "Ja."]) == pytest.approx(
        make(tiny_model).score(SEED_LINES[:2], ["Hei.", "Ja."]), abs=1e-4)


def test_target_token_detected_from_the_source_vocabulary(tmp_path):
    model = load_builder()(tmp_path / "multi", target_tokens=(">>nob<<", ">>nno<<"))
    (model / "mtqa-model.json").unlink()
    assert model_layout(model).source_prefix == (">>nob<<",)
    assert make(model).translate(SEED_LINES[:1])[0]
    # Split vocabularies: >>nob<< in the target vocabulary only is not a source token.
    vocab = json.loads((model / "shared_vocabulary.json").read_text())
    (model / "shared_vocabulary.json").unlink()
    (model / "source_vocabulary.json").write_text(json.dumps([t for t in vocab if not t.startswith(">>")]))
    (model / "target_vocabulary.json").write_text(json.dumps(vocab))
    assert model_layout(model).source_prefix == ()


def test_missing_prefix_token_is_a_clear_model_error(tiny_model, tmp_path):
    """A manifest asking for >>nob<< on a model whose source vocabulary lacks it would silently
    feed <unk>: refused for every family, naming the side."""
    model = shutil.copytree(tiny_model, tmp_path / "m")
    manifest = json.loads((model / "mtqa-model.json").read_text())
    manifest["directions"][0]["source_prefix"] = [">>nob<<"]
    (model / "mtqa-model.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelError, match=">>nob<< is not in the source vocabulary"):
        make(model)


def test_m2m_layout_reads_its_language_tokens_from_the_vocabulary(tmp_path):
    model = load_builder()(tmp_path / "m2m", layout="m2m")
    layout = model_layout(model)
    assert layout.family == "m2m" and layout.source_prefix == ("__fr__",) and layout.target_prefix == ("__nb__",)
    (model / "mtqa-model.json").unlink()  # the vocabulary alone tells
    assert model_layout(model).family == "m2m"
    out = make(model).translate(SEED_LINES[:2])
    assert all(isinstance(o, str) and "__nb__" not in o for o in out)
    vocab = json.loads((model / "shared_vocabulary.json").read_text())
    (model / "shared_vocabulary.json").write_text(json.dumps([("__no__" if t == "__nb__" else t) for t in vocab]))
    assert model_layout(model).target_prefix == ("__no__",)


def test_cache_key_includes_the_runtime_versions(tiny_model, tmp_path):
    translator = make(tiny_model)
    key = translator._cache_key("Bonjour.")
    translator.versions = {**translator.versions, "ctranslate2": "0.0.0"}
    assert translator._cache_key("Bonjour.") != key


def test_auto_device_falls_back_to_cpu_when_cuda_fails_at_the_first_batch(tiny_model, caplog):
    translator = make(tiny_model)
    real = translator.translator

    class Broken:
        def translate_batch(self, *a, **k):
            raise RuntimeError("cuBLAS failed with status CUBLAS_STATUS_NOT_INITIALIZED")

    translator.translator, translator.device, translator._may_fall_back = Broken(), "cuda", True
    with caplog.at_level(logging.WARNING):
        out = translator.translate(SEED_LINES[:1])
    assert out == make(tiny_model).translate(SEED_LINES[:1]) and translator.device == "cpu"
    assert "CUDA failed" in caplog.text
    # An explicit device never falls back.
    translator.translator, translator._may_fall_back = Broken(), False
    with pytest.raises(RuntimeError):
        translator._run(lambda tr: tr.translate_batch([]))
    del real


def test_known_model_thresholds_come_with_the_translator(tiny_model, tmp_path):
    from mtqa.mt.models import KNOWN_MODELS

    model = shutil.copytree(tiny_model, tmp_path / "m")
    manifest = json.loads((model / "mtqa-model.json").read_text())
    manifest["name"] = "opus-mt-fr-no"
    (model / "mtqa-model.json").write_text(json.dumps(manifest))
    assert make(model).identity["thresholds"] == KNOWN_MODELS["opus-mt-fr-no"].thresholds
    manifest["thresholds"] = {"major_below": 1.0}
    (model / "mtqa-model.json").write_text(json.dumps(manifest))
    assert make(model).identity["thresholds"] == {"major_below": 1.0}
    assert "thresholds" not in make(tiny_model).identity
