"""The tiny random CTranslate2 models of scripts/make_tiny_model.py, built once per test session.

The fixtures are imported by conftest.py, so every test module can ask for them by name.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "make_tiny_model.py"


def load_builder():
    """scripts/make_tiny_model.py's build_tiny_model (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("make_tiny_model", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_tiny_model


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """An OPUS-MT-layout model directory (source.spm, target.spm). Do not modify it: copy it."""
    return load_builder()(tmp_path_factory.mktemp("models") / "tiny-opus-mt")


@pytest.fixture(scope="session")
def tiny_nllb_model(tmp_path_factory) -> Path:
    """An NLLB-layout model directory (sentencepiece.bpe.model, fra_Latn / nob_Latn). Do not modify it."""
    return load_builder()(tmp_path_factory.mktemp("models") / "tiny-nllb", layout="nllb")
