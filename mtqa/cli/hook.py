"""`mtqa hook FILES...`: check every file a git hook (pre-commit) or a CI step passes, in one run.

`mtqa check` takes one article; a hook is given a list of changed files. Each French article
(`*.fr.txt`) is checked against its Norwegian source found beside it (`story.fr.txt` ->
`story.nb.txt` in the same folder, or in a sibling `nb/` folder when the article is in `fr/`),
else by retrieval in --corpus (default ./corpora when it exists), else without a source;
bilingual files (.xlf, .xliff, .xlf2, .tmx, .po, .jsonl) hold their own source. Files whose
name ends in `.nb.txt` (sources) are left alone. The checks are built once and Grammalecte
runs once for all the files.

Output: one line per file (`path: pass (2 flags)`), and the text report of each file that
fails. Exit status of the worst file: 0 all pass, 1 some file fails at --fail-on, 2 some file
could not be checked (the others are still checked).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from mtqa.cli.options import ConfigOption, DisableOption, EnableOption, FailOnOption, Severity, _split
from mtqa.errors import EXIT_FLAGGED, EXIT_OK, EXIT_USAGE, MtqaError


def hook_cmd(
    files: Annotated[Optional[list[Path]], typer.Argument(help="Files to check: French articles (*.fr.txt, their "
                                                          "source found beside them) and bilingual files.",
                                                     show_default=False)] = None,
    corpus: Annotated[Optional[Path], typer.Option("--corpus", "-c", help="Folder of candidate Norwegian articles for "
                                                   "the articles with no source beside them (default: ./corpora "
                                                   "when it exists).")] = None,
    fail_on: FailOnOption = None,
    min_severity: Annotated[Optional[Severity], typer.Option("--min-severity", help="Hide flags below this severity "
                                                             "in the reports.", show_default=False)] = None,
    enable: EnableOption = None,
    disable: DisableOption = None,
    config: ConfigOption = None,
) -> int:
    """Check the files a pre-commit hook or CI step passes: one line each, the report of those that fail."""
    from mtqa.config import load_config
    from mtqa.core.flags import active, verdict
    from mtqa.pipeline import Pipeline
    from mtqa.readers import read_input
    from mtqa.readers.manifest import SOURCE_SUFFIX, sibling_source
    from mtqa.report.terminal import render_text

    settings = load_config(config, Path.cwd()).override(
        fail_on=fail_on.value if fail_on is not None else None,
        min_severity=min_severity.value if min_severity is not None else None,
        enable=_split(enable), disable=_split(disable))
    pipeline = Pipeline(settings)  # unknown check names and bad options fail before any file is read
    paths = [p for p in dict.fromkeys(files or []) if not p.name.endswith(SOURCE_SUFFIX)]
    items: list = []
    for path in paths:
        try:
            items.append(read_input(path, source=sibling_source(path), corpus=corpus,
                                    default_corpus=Path("corpora")))
        except MtqaError as exc:
            items.append(exc)
    readable = [i for i in items if not isinstance(i, BaseException)]
    checked = iter(pipeline.check_many(readable, capture=True))
    status = EXIT_OK
    for path, item in zip(paths, items):
        result = item if isinstance(item, BaseException) else next(checked)
        if isinstance(result, MtqaError):
            print(f"{path}: error: {' '.join(str(result).split())}", flush=True)
            status = max(status, EXIT_USAGE)
            continue
        if isinstance(result, BaseException):
            raise result  # a bug in mtqa: mapped to exit status 3 by the entry point
        outcome = verdict(result.flags, settings.fail_on)
        n = len(active(result.flags))
        print(f"{path}: {outcome} ({n} flag{'' if n == 1 else 's'})", flush=True)
        if outcome == "fail":
            sys.stdout.write(render_text(result, settings.fail_on, settings.min_severity))
            status = max(status, EXIT_FLAGGED)
    return status
