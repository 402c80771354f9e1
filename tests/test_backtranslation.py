"""mtqa check with a (tiny, test-built) CTranslate2 model: back-translations in the report, cache, failures."""

import json
import os
import subprocess
import sys

import pytest

from mtqa.mt.roundtrip import sentence_chrf, similarity_function, BackTranslation
from mtqa.core.document import Document
from mtqa.pipeline import check_article
from mtqa.text.segment import segment_document

from conftest import REPO, SEED_FR, SEED_NB
from tiny_model import tiny_model  # noqa: F401 (fixture)


def mtqa(*args, env_extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "mtqa", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, env=env, timeout=300)


def test_check_with_model_back_translates_every_segment_and_caches(tiny_model, tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    first = mtqa("check", SEED_FR, "--source", SEED_NB, "--model", tiny_model, "-f", "json", env_extra=env)
    assert first.returncode == 1, first.stderr
    report = json.loads(first.stdout)
    bt = report["summary"]["backtranslation"]
    segments = report["segments"]
    assert bt["skipped"] is False and bt["model_hash"] and bt["compute_type"]
    assert bt["translated"] == len({s["text"] for s in segments}) and bt["cache_hits"] == 0
    assert all(isinstance(s["back_translation"], str) for s in segments)
    assert all(isinstance(s["chrf"], float) for s in segments if s["bead"] is not None)
    assert "back-translation" in report["summary"]["checks_run"]

    second = json.loads(mtqa("check", SEED_FR, "--source", SEED_NB, "--model", tiny_model, "-f", "json",
                             env_extra=env).stdout)
    assert second["summary"]["backtranslation"]["translated"] == 0
    assert second["summary"]["backtranslation"]["cache_hits"] == bt["translated"]
    assert second["segments"] == segments and second["flags"] == report["flags"]


def test_model_from_environment_variable(tiny_model, tmp_path):
    proc = mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "json",
                env_extra={"MTQA_MODEL": str(tiny_model), "XDG_CACHE_HOME": str(tmp_path)})
    assert json.loads(proc.stdout)["summary"]["backtranslation"]["skipped"] is False


def test_without_model_says_once_how_to_enable_it():
    proc = mtqa("check", SEED_FR, "--source", SEED_NB)
    assert proc.stdout.count("back-translation skipped") == 1
    assert "mtqa models pull opus-mt-tatoeba-fra-nor-2021" in proc.stdout and "--back-translation" in proc.stdout
    report = json.loads(mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "json").stdout)
    assert report["summary"]["backtranslation"]["skipped"] is True
    assert report["summary"]["checks_skipped"]["back-translation"] == "needs a translation model"


@pytest.mark.parametrize("breakage", ["missing-model-bin", "missing-spm", "empty", "not-a-dir"])
def test_broken_model_directory_is_one_clear_line(tiny_model, tmp_path, breakage):
    import shutil

    broken = tmp_path / "model"
    if breakage == "not-a-dir":
        broken.write_text("x")
    elif breakage == "empty":
        broken.mkdir()
    else:
        shutil.copytree(tiny_model, broken)
        (broken / ("model.bin" if breakage == "missing-model-bin" else "source.spm")).unlink()
    proc = mtqa("check", SEED_FR, "--source", SEED_NB, "--model", broken)
    assert proc.returncode == 2
    assert proc.stderr.startswith("mtqa: error:") and proc.stderr.count("\n") == 1, proc.stderr
    assert str(broken) in proc.stderr


def test_models_pull_without_hub_is_one_line_exit_2():
    proc = mtqa("models", "pull", "opus-mt-fr-no", env_extra={"HF_ENDPOINT": "http://127.0.0.1:9"})
    assert proc.returncode == 2
    err = proc.stderr.strip().splitlines()[-1]
    assert "cannot reach the Hugging Face hub" in err and "ct2-transformers-converter" in err


def test_translate_command_prints_line_numbers(tiny_model, tmp_path):
    proc = mtqa("translate", SEED_FR, "--model", tiny_model, env_extra={"XDG_CACHE_HOME": str(tmp_path)})
    assert proc.returncode == 0
    first = proc.stdout.splitlines()[0].split("\t")
    assert first[0] == "1" and first[1]


class FakeTranslator:
    """Back-translates by looking the French up in a dictionary: tests the plumbing exactly."""

    def __init__(self, table):
        self.table = table
        self.calls = 0

    identity = {"backend": "table", "model": "table"}

    @property
    def stats(self):
        from mtqa.mt.base import TranslationStats
        return TranslationStats(self.calls, 0)

    def translate(self, texts):
        self.calls += len(texts)
        return [self.table.get(t, "") for t in texts]

    def score(self, sources, targets):
        return [-1.0 for _ in sources]


# A faithful first sentence and a second whose back-translation says something else.
MEANING_NB = ("Russland har registrert totalt mange saker om soldater som nekter å kjempe.",
              "Presidenten sendte en hilsen til soldatene ved fronten.")
MEANING_FR = ("La Russie a enregistré au total de nombreux cas de soldats refusant de combattre.",
              "Le Premier ministre a fait hier un discours sur l'économie du pays.")
MEANING_BT = {MEANING_FR[0]: MEANING_NB[0],
              MEANING_FR[1]: "Statsministeren holdt en tale om økonomien i landet i går."}


def check_meaning_pair():
    return check_article(Document("fr", MEANING_FR), Document("nb", MEANING_NB),
                         translator=FakeTranslator(MEANING_BT))


def test_back_translation_check_flags_a_meaning_change_with_evidence():
    result = check_meaning_pair()
    fr, table = MEANING_FR, MEANING_BT
    bt_flags = [f for f in result.flags if f.check == "back-translation"]
    assert [f.line for f in bt_flags] == [2]
    assert bt_flags[0].evidence["back_translation"] == table[fr[1]]
    assert bt_flags[0].evidence["chrf"] < 32 and bt_flags[0].severity == "major"


def test_similarity_answers_single_and_joined_segments():
    segs = segment_document(Document("fr", ("Une phrase ici.", "Une autre là.")), "fr")
    bt = BackTranslation({0: "En setning her.", 1: "En annen der."}, "m", "h", "int8", 2, 0)
    sim = similarity_function(segs, bt)
    assert sim("En setning her.", "Une phrase ici.") == pytest.approx(1.0)
    assert sim("En setning her. En annen der.", "Une phrase ici. Une autre là.") == pytest.approx(1.0)
    assert sim("Noe helt annet.", "Une phrase ici.") < 0.5
    assert sentence_chrf("", "x") == 0.0



def test_merged_beads_do_not_hide_a_bad_pair():
    """The similarity must be on one scale for single and merged beads; otherwise the aligner
    merges a bad pair into a good one and the meaning check sees a fine 2-2 bead."""
    result = check_meaning_pair()
    assert [b.kind for b in result.beads] == ["1-1", "1-1"]
    assert result.bead_chrf[0] == pytest.approx(100.0) and result.bead_chrf[1] < 32
