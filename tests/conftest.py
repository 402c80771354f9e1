from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
SEED_FR = CORPORA / "fr" / "dagbladet-russland-nekter.fr.txt"
SEED_NB = CORPORA / "nb" / "dagbladet-russland-nekter.nb.txt"
SHARED = REPO.parent / "shared"
FLORES = SHARED / "data" / "flores200-dev"


@pytest.fixture
def flores() -> Path:
    if not (FLORES / "nb.txt").exists():
        pytest.skip("flores200-dev not available (../shared/data/flores200-dev)")
    return FLORES
