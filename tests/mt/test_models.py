"""Model management: registry, install folder, pull without a hub, manifests, verify, conversion.

Nothing here touches the network: the unreachable-hub case points HF_ENDPOINT at a closed
loopback port. The conversion tests build a tiny random Marian model and need the `convert`
extra (transformers + torch); they are skipped without it.
"""

import importlib.util
import io
import json
import sys
import time
import types
import warnings
from pathlib import Path

import pytest

from conftest import REPO
from mtqa.mt import models
from mtqa.cli.models import models_app
from mtqa.errors import MtqaError

UNROUTABLE = "http://127.0.0.1:9"
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    """Every test gets its own models folder and a hub that cannot be reached."""
    monkeypatch.setenv("MTQA_MODELS_DIR", str(tmp_path / "models"))
    monkeypatch.setenv("HF_ENDPOINT", UNROUTABLE)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)
    return tmp_path / "models"


def run_cli(*args) -> int:
    return models_app(args=list(args), prog_name="mtqa models", standalone_mode=False)


def fake_model(directory: Path, **meta) -> Path:
    """A directory that looks like an installed CTranslate2 model (not loadable), with a manifest."""
    directory.mkdir(parents=True)
    (directory / "model.bin").write_bytes(b"\x00fake weights\x01" * 64)
    (directory / "config.json").write_text('{"unk_token": "<unk>"}\n')
    (directory / "shared_vocabulary.json").write_text('["<unk>", "</s>", "\\u2581le"]\n')
    (directory / "source.spm").write_bytes(b"spm")
    models.write_manifest(directory, name=directory.name, quantization="int8", **meta)
    return directory


def one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


# ---------------------------------------------------------------- registry and install folder

def test_registry_names_the_real_repos_and_directions():
    # The default by published quality (FLORES-200 chrF 49.8 against 39.0) under the same licence.
    assert models.DEFAULT_MODEL == "opus-mt-tatoeba-fra-nor-2021"
    default = models.KNOWN_MODELS[models.DEFAULT_MODEL]
    assert default.family == "marian-zip" and default.licence == "CC-BY-4.0" and "49.8" in default.quality
    assert "opus-mt-no-fr" not in models.KNOWN_MODELS  # nothing back-translates nb -> fr
    for entry in models.KNOWN_MODELS.values():
        assert entry.licence and entry.quality and entry.family
    assert models.KNOWN_MODELS["nllb-200-distilled-1.3B"].licence == "CC-BY-NC-4.0"
    fr_no = models.KNOWN_MODELS["opus-mt-fr-no"]
    assert fr_no.repo == "Helsinki-NLP/opus-mt-fr-no"
    assert (fr_no.directions[0].source, fr_no.directions[0].target) == ("fr", "nb")
    assert fr_no.directions[0].source_prefix == (">>nob<<",)  # fra-nor has two targets: nob, nno
    nllb = models.KNOWN_MODELS["nllb-200-distilled-600M"]
    assert nllb.repo == "facebook/nllb-200-distilled-600M"
    assert {(d.source_code, d.target_code) for d in nllb.directions} == {("fra_Latn", "nob_Latn")}


def test_models_dir_follows_the_environment(isolated, monkeypatch):
    assert models.models_dir() == isolated
    monkeypatch.delenv("MTQA_MODELS_DIR")
    default = models.models_dir()
    assert default.name == "models" and default.parent.name == "mtqa"


def test_model_path_of_a_missing_model_says_how_to_pull_it():
    with pytest.raises(MtqaError) as exc:
        models.model_path("opus-mt-fr-no")
    assert one_line(exc) == "model opus-mt-fr-no is not installed; run: mtqa models pull opus-mt-fr-no"


@pytest.mark.parametrize("name", ["opus-mt-fr-xx", "../etc", "a/b", ""])
def test_unknown_model_names_list_the_known_ones(name):
    for call in (models.pull, models.model_path):
        with pytest.raises(MtqaError) as exc:
            call(name)
        message = one_line(exc)
        assert "unknown model" in message
        for known in models.KNOWN_MODELS:
            assert known in message


# ---------------------------------------------------------------- pull without a hub

def test_pull_with_an_unreachable_hub_explains_the_manual_route(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: False)
    with pytest.raises(MtqaError) as exc:
        models.pull("opus-mt-fr-no")
    message = one_line(exc)
    assert "cannot reach the Hugging Face hub" in message
    assert UNROUTABLE in message
    assert "pip install 'mtqa[convert]'" in message
    assert ("ct2-transformers-converter --model Helsinki-NLP/opus-mt-fr-no --output_dir DIR "
            "--quantization int8 --copy_files source.spm target.spm") in message
    assert "mtqa check --model DIR" in message and "MTQA_MODEL=DIR" in message


def test_the_real_reachability_check_fails_fast_on_a_closed_port(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE")
    start = time.monotonic()
    assert models.hub_reachable("Helsinki-NLP/opus-mt-fr-no", timeout=2) is False
    with pytest.raises(MtqaError) as exc:
        models.pull("nllb-200-distilled-600M", quantization="float16")
    assert time.monotonic() - start < 5
    message = one_line(exc)
    assert "hub" in message and "ct2-transformers-converter" in message
    assert "--model facebook/nllb-200-distilled-600M" in message and "--quantization float16" in message


def test_hub_offline_counts_as_unreachable():
    assert models.hub_reachable() is False
    with pytest.raises(MtqaError, match=r"hub \(HF_HUB_OFFLINE is set\)"):
        models.pull("opus-mt-fr-no")


def test_pull_without_the_convert_extra_says_what_to_install(monkeypatch):
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(models, "convert_extra_missing", lambda: ["torch"])
    with pytest.raises(MtqaError) as exc:
        models.pull("opus-mt-fr-no")
    assert "pip install 'mtqa[convert]'" in one_line(exc) and "torch" in str(exc.value)


def test_pull_rejects_an_unknown_quantization():
    with pytest.raises(MtqaError, match="quantization"):
        models.pull("opus-mt-fr-no", quantization="int3")


def test_pull_leaves_an_installed_model_alone(isolated, monkeypatch):
    fake_model(isolated / "opus-mt-fr-no")
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: pytest.fail("must not touch the hub"))
    said = []
    assert models.pull("opus-mt-fr-no", progress=said.append) == isolated / "opus-mt-fr-no"
    assert "already installed" in said[0]


# ---------------------------------------------------------------- list, path, remove

def test_list_path_remove_on_an_installed_model(isolated, capsys):
    path = fake_model(isolated / "opus-mt-fr-no")
    fake_model(isolated / "my-local-model", origin="/somewhere/hf-model")
    rows = {row.name: row for row in models.list_models()}
    assert rows["opus-mt-fr-no"].installed and rows["opus-mt-fr-no"].size == models.dir_size(path) > 0
    assert rows["opus-mt-fr-no"].quantization == "int8"
    assert not rows["nllb-200-distilled-600M"].installed and rows["nllb-200-distilled-600M"].size == 0
    assert rows["my-local-model"].installed and not rows["my-local-model"].known

    assert run_cli("list") == 0
    out = capsys.readouterr().out
    assert str(isolated) in out
    line = next(ln for ln in out.splitlines() if ln.startswith("opus-mt-fr-no "))
    assert "installed" in line and "int8" in line

    assert models.model_path("opus-mt-fr-no") == path
    assert run_cli("path", "opus-mt-fr-no") == 0
    assert capsys.readouterr().out.strip() == str(path)

    assert run_cli("remove", "opus-mt-fr-no") == 0
    assert "removed" in capsys.readouterr().out
    assert not path.exists()
    with pytest.raises(MtqaError, match="not installed"):
        run_cli("remove", "opus-mt-fr-no")
    assert models.remove("my-local-model") == isolated / "my-local-model"


def test_cli_errors_are_mtqa_errors():
    with pytest.raises(MtqaError, match="unknown model"):
        run_cli("path", "nope")
    with pytest.raises(MtqaError, match="cannot reach the Hugging Face hub"):
        run_cli("pull", "opus-mt-fr-no", "--quantization", "int8_float16")


# ---------------------------------------------------------------- verify

def test_verify_accepts_an_intact_model(isolated, capsys):
    fake_model(isolated / "opus-mt-fr-no")
    report = models.verify("opus-mt-fr-no", translate=False)
    assert report.ok and report.manifest and report.files_checked == 4
    assert run_cli("verify", "opus-mt-fr-no", "--no-translate") == 0
    assert "ok (4 files hashed)" in capsys.readouterr().out


def test_verify_detects_a_tampered_file(tmp_path, capsys):
    path = fake_model(tmp_path / "model")
    with open(path / "model.bin", "r+b") as fh:
        fh.seek(5)
        fh.write(b"X")
    report = models.verify(path, translate=False)
    assert not report.ok
    assert report.problems == ["hash mismatch: model.bin"]
    assert run_cli("verify", str(path), "--no-translate") == 1
    assert "problem: hash mismatch: model.bin" in capsys.readouterr().out


def test_verify_detects_a_missing_file(tmp_path):
    path = fake_model(tmp_path / "model")
    (path / "source.spm").unlink()
    (path / "shared_vocabulary.json").unlink()
    problems = models.verify(path, translate=False).problems
    assert "missing file: source.spm" in problems
    assert "missing file: shared_vocabulary.json" in problems
    assert any("missing vocabulary" in p for p in problems)


def test_verify_without_a_manifest_still_checks_the_layout(tmp_path):
    path = fake_model(tmp_path / "model")
    (path / models.MANIFEST).unlink()
    report = models.verify(path, translate=False)
    assert report.ok and not report.manifest
    assert any("hashes not checked" in n for n in report.notes)


def test_verify_of_a_missing_directory_is_a_user_error(tmp_path):
    with pytest.raises(MtqaError, match="no such model directory"):
        models.verify(tmp_path / "nowhere")


def test_verify_reports_a_model_that_does_not_load(tmp_path):
    report = models.verify(fake_model(tmp_path / "model"))
    assert not report.ok and any(p.startswith("does not load") for p in report.problems)


def test_verify_translates_one_sentence_with_the_back_translator(tmp_path, monkeypatch):
    """verify hands the directory to mtqa.mt.ct2.BackTranslator (stood in for here)."""
    calls = []

    class FakeBackTranslator:
        def __init__(self, model, device="auto", compute_type="auto", **kwargs):
            calls.append((model, device))

        def translate(self, sentences):
            return [f"nb: {s}" for s in sentences]

    monkeypatch.setitem(sys.modules, "mtqa.mt.ct2", types.SimpleNamespace(BackTranslator=FakeBackTranslator))
    path = fake_model(tmp_path / "model", directions=[{"source": "nb", "target": "fr"}])
    report = models.verify(path)
    assert report.ok and calls == [(str(path), "cpu")]
    assert report.sample == (models.SAMPLE["nb"], f"nb: {models.SAMPLE['nb']}")

    FakeBackTranslator.translate = lambda self, sentences: []
    report = models.verify(path)
    assert not report.ok and "not one string" in report.problems[0]


def _tiny_model_builder():
    script = REPO / "scripts" / "make_tiny_model.py"
    if not script.exists():
        pytest.skip("scripts/make_tiny_model.py not written yet")
    spec = importlib.util.spec_from_file_location("make_tiny_model", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_tiny_model


def test_verify_loads_and_translates_a_tiny_model(tmp_path):
    if importlib.util.find_spec("mtqa.mt.ct2") is None:
        pytest.skip("mtqa/translate.py not written yet")
    path = _tiny_model_builder()(tmp_path / "tiny")
    assert models.verify(path, translate=False).ok  # its own manifest, without file hashes
    models.write_manifest(path, **json.loads((path / models.MANIFEST).read_text()))
    report = models.verify(path)
    assert report.ok, report.problems
    assert report.sample is not None and isinstance(report.sample[1], str)


# ---------------------------------------------------------------- conversion (needs the convert extra)

FR = ["Le gouvernement a présenté son budget mercredi.", "La police enquête sur l'incendie à Oslo.",
      "Le premier ministre parle aux journalistes.", "Il fait froid en Norvège cet hiver."]
NB = ["Regjeringen la fram budsjettet onsdag.", "Politiet etterforsker brannen i Oslo.",
      "Statsministeren snakker med journalistene.", "Det er kaldt i Norge denne vinteren."]


def _train_spm(lines: list[str], path: Path) -> None:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(lines * 5), model_writer=buf, vocab_size=60,
                                   model_type="unigram", hard_vocab_limit=False, character_coverage=1.0,
                                   bos_id=-1, eos_id=0, unk_id=1, pad_id=-1, minloglevel=2)
    path.write_bytes(buf.getvalue())


@pytest.fixture(scope="module")
def tiny_marian(tmp_path_factory) -> Path:
    """A randomly initialised 1-layer MarianMTModel (d_model 16) saved the way the hub serves opus-mt."""
    pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    import sentencepiece as spm
    import torch

    out = tmp_path_factory.mktemp("hf-marian")
    _train_spm(FR, out / "source.spm")
    _train_spm(NB, out / "target.spm")
    vocab: dict[str, int] = {}
    for token in ["</s>", "<unk>", ">>nob<<"]:
        vocab.setdefault(token, len(vocab))
    for name in ("source.spm", "target.spm"):
        sp = spm.SentencePieceProcessor(model_file=str(out / name))
        for i in range(sp.get_piece_size()):
            vocab.setdefault(sp.id_to_piece(i), len(vocab))
    vocab["<pad>"] = len(vocab)  # last, as in the opus-mt checkpoints
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    with warnings.catch_warnings():  # "Recommended: pip install sacremoses."
        warnings.simplefilter("ignore")
        tokenizer = transformers.MarianTokenizer(str(out / "source.spm"), str(out / "target.spm"),
                                                 str(out / "vocab.json"), source_lang="fr", target_lang="nb")
    config = transformers.MarianConfig(
        vocab_size=len(vocab), d_model=16, encoder_layers=1, decoder_layers=1,
        encoder_attention_heads=2, decoder_attention_heads=2, encoder_ffn_dim=32, decoder_ffn_dim=32,
        max_position_embeddings=64, pad_token_id=vocab["<pad>"], eos_token_id=vocab["</s>"],
        decoder_start_token_id=vocab["<pad>"], forced_eos_token_id=vocab["</s>"])
    torch.manual_seed(0)
    transformers.MarianMTModel(config).save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def _assert_loads_and_matches(path: Path) -> dict:
    import ctranslate2
    import sentencepiece as spm

    manifest = json.loads((path / models.MANIFEST).read_text())
    assert set(manifest["files"]) >= {"model.bin", "config.json", "source.spm", "target.spm"}
    for rel, entry in manifest["files"].items():
        assert models.sha256_file(path / rel) == entry["sha256"]
        assert (path / rel).stat().st_size == entry["size"]
    assert manifest["ctranslate2"] == ctranslate2.__version__
    assert manifest["converter"] == "ctranslate2.converters.TransformersConverter"
    translator = ctranslate2.Translator(str(path), device="cpu")
    sp = spm.SentencePieceProcessor(model_file=str(path / "source.spm"))
    tokens = [">>nob<<", *sp.encode(FR[0], out_type=str), "</s>"]
    result = translator.translate_batch([tokens], max_decoding_length=8, beam_size=1)
    assert isinstance(result[0].hypotheses[0], list)
    return manifest


def test_convert_local_builds_a_loadable_model_with_a_manifest(tiny_marian, tmp_path):
    said = []
    out = models.convert_local(tiny_marian, tmp_path / "ct2", "int8", progress=said.append)
    assert out == tmp_path / "ct2"
    manifest = _assert_loads_and_matches(out)
    assert manifest["quantization"] == "int8"
    assert manifest["origin"] == str(tiny_marian.resolve())
    assert manifest["created"]
    assert models.verify(out, translate=False).ok
    assert any("converting" in s for s in said)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary folder left behind"

    with pytest.raises(MtqaError, match="already exists"):
        models.convert_local(tiny_marian, out, "int8")
    models.convert_local(tiny_marian, out, "float32", force=True)
    assert json.loads((out / models.MANIFEST).read_text())["quantization"] == "float32"


def test_pull_converts_and_installs_under_the_models_folder(tiny_marian, isolated, monkeypatch):
    """pull end to end, with the hub check and the download replaced by the tiny local model."""
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(models, "_download", lambda model, revision, into, progress, **k: (tiny_marian, "0" * 40))
    path = models.pull("opus-mt-fr-no", quantization="int8")
    assert path == models.model_path("opus-mt-fr-no") == isolated / "opus-mt-fr-no"
    manifest = _assert_loads_and_matches(path)
    assert manifest["name"] == "opus-mt-fr-no"
    assert manifest["origin"] == "Helsinki-NLP/opus-mt-fr-no" and manifest["revision"] == "0" * 40
    assert manifest["directions"][0]["source_prefix"] == [">>nob<<"]
    assert [p.name for p in isolated.iterdir()] == ["opus-mt-fr-no"], "temporary folders left behind"


def test_convert_of_something_that_is_not_a_model_is_a_user_error(tmp_path):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    (tmp_path / "empty").mkdir()
    with pytest.raises(MtqaError, match="cannot convert"):
        models.convert_local(tmp_path / "empty", tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- issue 14: downloads, manifest thresholds

class FakeHub:
    """Stands in for huggingface_hub: records calls, never touches the network."""

    class utils:
        class RepositoryNotFoundError(Exception):
            pass

        class RevisionNotFoundError(Exception):
            pass

    def __init__(self, files, online=True, cached=None):
        self.files, self.online, self.cached, self.calls = files, online, cached, []
        hub = self

        class HfApi:
            def model_info(self, repo, revision=None):
                hub.calls.append(("model_info", repo, revision))
                if not hub.online:
                    raise OSError("connection refused")
                sib = [type("S", (), {"rfilename": f}) for f in hub.files]
                return type("Info", (), {"siblings": sib, "sha": "a" * 40})()

        self.HfApi = HfApi

    def snapshot_download(self, repo, revision=None, allow_patterns=None, local_files_only=False, **kw):
        self.calls.append(("snapshot_download", repo, revision, tuple(allow_patterns or ()), local_files_only))
        assert "local_dir" not in kw, "downloads go through the Hugging Face cache"
        if local_files_only:
            if self.cached is None:
                raise FileNotFoundError("not in the cache")
            return self.cached
        return "/hf-cache/snapshot"


def test_download_goes_through_the_cache_and_takes_sharded_safetensors_with_their_index():
    model = models.KNOWN_MODELS["nllb-200-distilled-1.3B"]
    hub = FakeHub(["config.json", "model.safetensors.index.json", "model-00001-of-00002.safetensors",
                   "model-00002-of-00002.safetensors", "pytorch_model.bin", "sentencepiece.bpe.model"])
    folder, sha = models._download(model, None, None, None, hub=hub)
    assert str(folder) == "/hf-cache/snapshot" and sha == "a" * 40
    _, repo, revision, patterns, offline = hub.calls[-1]
    assert repo == model.repo and revision == "a" * 40 and offline is False
    assert "model.safetensors.index.json" in patterns and "model-*.safetensors" in patterns
    assert "pytorch_model.bin" not in patterns and "sentencepiece.bpe.model" in patterns
    assert models._weight_patterns({"model.safetensors", "pytorch_model.bin"}) == ["model.safetensors"]
    assert models._weight_patterns({"pytorch_model.bin"}) == ["pytorch_model.bin"]


def test_download_offline_falls_back_on_the_cache():
    model = models.KNOWN_MODELS["opus-mt-fr-no"]
    said = []
    hub = FakeHub([], online=False, cached="/hf-cache/old")
    folder, _ = models._download(model, None, None, said.append, hub=hub)
    assert str(folder) == "/hf-cache/old" and hub.calls[-1][-1] is True
    assert any("cache" in s for s in said)
    hub = FakeHub([], online=False, cached=None)
    with pytest.raises(MtqaError, match="download of Helsinki-NLP/opus-mt-fr-no failed"):
        models._download(model, None, None, None, hub=hub)
    # offline=True does not even ask the hub
    hub = FakeHub([], online=True, cached="/hf-cache/old")
    models._download(model, None, None, None, hub=hub, offline=True)
    assert [c[0] for c in hub.calls] == ["snapshot_download"]


def test_pull_writes_the_calibrated_thresholds_and_licence_into_the_manifest(tiny_marian, isolated, monkeypatch):
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: True)
    monkeypatch.setattr(models, "_download", lambda model, revision, into, progress, **k: (tiny_marian, "0" * 40))
    said = []
    path = models.pull("opus-mt-fr-no", quantization="int8", progress=said.append)
    manifest = json.loads((path / models.MANIFEST).read_text())
    assert manifest["thresholds"] == models.KNOWN_MODELS["opus-mt-fr-no"].thresholds
    assert "opus-mt-fra-nor-2020.txt" in manifest["thresholds_calibration"] and manifest["licence"] == "CC-BY-4.0"
    assert any("licence CC-BY-4.0" in s for s in said)


def test_nllb_pull_shows_its_non_commercial_licence(monkeypatch):
    said = []
    monkeypatch.setattr(models, "hub_reachable", lambda *a, **k: False)
    with pytest.raises(MtqaError):
        models.pull("nllb-200-distilled-600M", progress=said.append)
    assert any("CC-BY-NC-4.0" in s and "non-commercial" in s for s in said)


def test_marian_zip_pull_without_network_explains_the_manual_route(isolated):
    def fetch(url, dest):
        raise OSError("network unreachable")

    with pytest.raises(MtqaError) as exc:
        models._pull_marian_zip(models.KNOWN_MODELS[models.DEFAULT_MODEL], isolated / "x", "int8", None, fetch=fetch)
    assert "ct2-opus-mt-converter" in one_line(exc)
    assert not list(isolated.iterdir()), "temporary folders left behind"


def test_manifest_meta_carries_the_calibrated_thresholds_without_converting():
    meta = models._model_meta("opus-mt-tatoeba-fra-nor-2021", models.KNOWN_MODELS["opus-mt-tatoeba-fra-nor-2021"],
                              "url", None)
    assert meta["thresholds"] == models.THRESHOLDS_2021 and "opus-mt-fra-nor-2021.txt" in meta["thresholds_calibration"]
    assert "thresholds" not in models._model_meta("nllb-200-distilled-600M",
                                                  models.KNOWN_MODELS["nllb-200-distilled-600M"], "r", None)
