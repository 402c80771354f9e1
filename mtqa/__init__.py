"""mtqa: quality checks for French machine translations of Norwegian news.

    import mtqa
    item = mtqa.read_input("story.fr.txt", source="story.nb.txt")   # or an .xlf/.tmx/.po/.jsonl file
    result = mtqa.check(item)                                        # a mtqa.CheckResult
    result.verdict, [f.to_dict() for f in result.flags]
    print(mtqa.render(result, "json"))                               # the report `mtqa check -f json` writes

Everything is imported on first use, so `import mtqa` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mtqa._lazy import lazy_exports

__version__ = "0.1.0"

__all__ = ["Article", "BilingualDocument", "CheckResult", "Config", "Flag", "Pipeline", "__version__", "check",
           "load_config", "load_translator", "read_input", "render"]

_LAZY = {
    "check": "mtqa.pipeline", "Pipeline": "mtqa.pipeline",
    "read_input": "mtqa.readers", "BilingualDocument": "mtqa.readers",
    "Article": "mtqa.core", "CheckResult": "mtqa.core", "Flag": "mtqa.core",
    "Config": "mtqa.config", "load_config": "mtqa.config",
    "load_translator": "mtqa.mt.base",
    "render": "mtqa.report",
}

if TYPE_CHECKING:
    from mtqa.config import Config, load_config
    from mtqa.core import Article, CheckResult, Flag
    from mtqa.mt.base import load_translator
    from mtqa.pipeline import Pipeline, check
    from mtqa.readers import BilingualDocument, read_input
    from mtqa.report import render


__getattr__, __dir__ = lazy_exports(globals(), _LAZY, __all__)
