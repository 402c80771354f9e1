"""Measuring mtqa: injected errors, gold files and real MT outputs.

Three measurements, all line-level (a line is what a reviewer looks at):

* **Injected errors** (`inject`, `build_eval_set`, `evaluate`): from a line-aligned nb/fr corpus
  (FLORES-200 dev by default), one set per error category; in each set about `rate` of the
  lines where the error can be applied get exactly one error of that category, the others stay
  as they are (negatives). Each set is checked as ONE nb/fr document pair with
  `mtqa.pipeline.check_article`, so segmentation and alignment run as in real use, and the
  aligner's bead F1 under the damage is reported next to the detection figures
  (`alignment_scores`: the gold is line N <-> line N); `evaluate(..., line_aligned=True)`
  (`mtqa eval --pair-lines`) pairs line N with line N instead, to measure the checks alone.
* **Gold files** (`evaluate_gold`): a French file, its Norwegian source and a `corpora/gold`
  TSV (flag categories, flawed lines only).
* **Real MT outputs** (`evaluate_systems`): the four FLORES French MT outputs against nb.txt:
  lines flagged per category, and the segment-level Kendall tau-b between mtqa's line score
  and sentence chrF against the human French reference.

Modules: `inject` (error injection), `run` (documents through mtqa.pipeline), `score`
(line-level scores, `evaluate`), `gold` (gold files), `systems` (real MT outputs). Everything
public is re-exported here. The function `inject` shadows its module's name on this package:
reach the module itself with `importlib.import_module("mtqa.eval.inject")`.
"""

from mtqa.eval.inject import (
    CATEGORIES, CLAUSE_OPENERS, CREDITS, DETECTS, FINITE_VERBS, GENERIC_NAME_WORDS, INJECTOR_VERSION, KICKERS,
    NAME_TRANSLATIONS, NB_CLAUSE_OPENERS, TEASER_LABELS, UI_LABELS, EvalSets, InjectedLine, build_eval_set,
    data_digest, default_flores_dir, gallicise, inject, read_lines,
)
from mtqa.eval.run import CheckedDocument, LineFlag, alignment_scores
from mtqa.eval.score import (
    VIEWS, CategoryScore, EvalReport, ViewScores, evaluate, kendall_tau_b, score_documents, signature,
)
from mtqa.eval.gold import evaluate_gold, evaluate_gold_many, read_gold
from mtqa.eval.systems import SEVERITY_WEIGHTS, SYSTEMS, SystemScore, SystemsReport, evaluate_systems, line_scores

__all__ = [
    "CATEGORIES", "CLAUSE_OPENERS", "CREDITS", "DETECTS", "FINITE_VERBS", "GENERIC_NAME_WORDS",
    "INJECTOR_VERSION", "KICKERS", "NAME_TRANSLATIONS", "NB_CLAUSE_OPENERS", "SEVERITY_WEIGHTS", "SYSTEMS",
    "TEASER_LABELS", "UI_LABELS", "VIEWS", "CategoryScore", "alignment_scores", "CheckedDocument", "EvalReport", "EvalSets",
    "InjectedLine", "LineFlag", "SystemScore", "SystemsReport", "ViewScores", "build_eval_set", "data_digest",
    "default_flores_dir", "evaluate", "evaluate_gold", "evaluate_gold_many", "evaluate_systems", "gallicise",
    "inject", "kendall_tau_b", "line_scores", "read_gold", "read_lines", "score_documents", "signature",
]
