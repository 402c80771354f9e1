"""The measuring harness: error injection, line-level scores, gold files, Kendall tau, `mtqa eval`."""

import importlib
import json
import random
import re
from collections import Counter

import pytest
import typer
from typer.testing import CliRunner

from conftest import CORPORA
from mtqa import eval as ev
from mtqa.checks import build_checks
from mtqa.checks.grammar import available as grammalecte_available
from mtqa.errors import InputError

injection = importlib.import_module("mtqa.eval.inject")  # the module (mtqa.eval.inject is the function)

# A small line-aligned nb/fr corpus written for these tests.
PAIRS = [
    ("Statsminister Jonas Gahr Støre besøkte Tromsø på mandag, der han møtte ordføreren.",
     "Le Premier ministre Jonas Gahr Støre s'est rendu à Tromsø lundi, où il a rencontré le maire."),
    ("Rundt 12 000 mennesker deltok i demonstrasjonen i Oslo.",
     "Environ 12 000 personnes ont participé à la manifestation à Oslo."),
    ("Prisene steg med 87 prosent i 2023, ifølge Statistisk sentralbyrå.",
     "Les prix ont augmenté de 87 % en 2023, selon l'institut Statistisk sentralbyrå."),
    ("Politiet har ikke funnet den savnede mannen.",
     "La police n'a pas retrouvé l'homme disparu."),
    ("Ingen ble skadet i brannen, som startet natt til søndag.",
     "Personne n'a été blessé dans l'incendie, qui a commencé dans la nuit de samedi à dimanche."),
    ("Laget vant kampen 3-1 etter en sterk andre omgang.",
     "L'équipe a gagné le match 3-1 après une bonne deuxième mi-temps."),
    ("Forskerne ved Universitetet i Bergen sier at isen smelter raskere enn ventet.",
     "Les chercheurs de l'université de Bergen disent que la glace fond plus vite que prévu."),
    ("Selskapet Equinor har investert i vindkraft i Nordsjøen i mange år.",
     "La société Equinor investit dans l'éolien en mer du Nord depuis de nombreuses années."),
    ("Hun sa at regjeringen vil legge fram et nytt forslag, og at det vil skje før sommeren.",
     "Elle a dit que le gouvernement présentera une nouvelle proposition, et que cela se fera avant l'été."),
    ("Etter flere uker med forhandlinger, ble partene enige om en ny avtale om lønn.",
     "Après plusieurs semaines de négociations, les parties se sont mises d'accord sur un nouvel accord salarial."),
    ("Kommunen må spare penger, og derfor blir to skoler lagt ned.",
     "La commune doit faire des économies, et c'est pourquoi deux écoles vont fermer."),
    ("Været blir kaldt og vått i hele landet denne uken.",
     "Le temps sera froid et humide dans tout le pays cette semaine."),
    ("Peter Hansen, som leder foreningen, mener at avgjørelsen er feil.",
     "Peter Hansen, qui dirige l'association, estime que la décision est erronée."),
    ("Museet har tatt imot 250 000 besøkende siden åpningen i 2019.",
     "Le musée a accueilli 250 000 visiteurs depuis son ouverture en 2019."),
]
NB = [nb for nb, _ in PAIRS]
FR = [fr for _, fr in PAIRS]


@pytest.fixture
def near(monkeypatch):
    """Donor lines may come from 2 lines away (the test corpus is shorter than MIN_DISTANCE)."""
    monkeypatch.setattr(injection, "MIN_DISTANCE", 2)


def tokens(text):
    return re.findall(r"\w+", text.lower())


@pytest.mark.usefixtures("near")
@pytest.mark.parametrize("category", ev.CATEGORIES)
def test_injection_is_deterministic_and_damages_exactly_the_chosen_lines(category):
    a = ev.inject(NB, FR, category, seed=3, rate=0.5)
    assert a == ev.inject(NB, FR, category, seed=3, rate=0.5)
    assert [x.line for x in a] == list(range(1, len(FR) + 1))
    damaged = [x for x in a if x.category]
    eligible = [x for x in a if x.category or x.note]
    assert damaged, category
    assert len(damaged) == round(0.5 * len(eligible))
    for x in a:
        assert x.original == FR[x.line - 1]
        if x.category:
            assert x.category == category and x.target != x.original and x.note
        else:
            assert x.target == x.original and x.source == NB[x.line - 1]
    if category != "kicker":
        assert all(x.source == NB[x.line - 1] for x in a)


def test_another_seed_damages_other_lines_or_differently():
    runs = {tuple((x.line, x.target) for x in ev.inject(NB, FR, "word-order", seed=s)) for s in range(4)}
    assert len(runs) > 1


def test_rate_bounds():
    assert all(x.category is None for x in ev.inject(NB, FR, "kicker", rate=0.0))
    assert all(x.category == "kicker" for x in ev.inject(NB, FR, "kicker", rate=1.0))
    with pytest.raises(ValueError):
        ev.inject(NB, FR, "kicker", rate=1.5)
    with pytest.raises(ValueError):
        ev.inject(NB, FR, "spelling")
    with pytest.raises(ValueError):
        ev.inject(NB, FR[:-1], "kicker")


def test_number_eligibility_needs_the_number_on_both_sides():
    nb = ["Det kom 40 personer.", "Det kom mange personer.", "Det kom førti personer.", "Ingen tall her."]
    fr = ["40 personnes sont venues.", "40 personnes sont venues.", "Quarante personnes sont venues.",
          "Pas de chiffres ici."]
    out = ev.inject(nb, fr, "number", rate=1.0)
    assert [x.category for x in out] == ["number", None, None, None]


@pytest.mark.parametrize("seed", range(12))
def test_number_changes_keep_the_format(seed):
    out = {x.line: x for x in ev.inject(NB, FR, "number", seed=seed, rate=1.0)}
    assert out[2].target == "Environ 1 200 personnes ont participé à la manifestation à Oslo."  # 12 000 -> 1 200
    m = re.fullmatch(r"Les prix ont augmenté de (\d+) % en (\d{4}), selon l'institut Statistisk sentralbyrå\.",
                     out[3].target)
    assert m, out[3].target
    pct, year = m.groups()
    assert (pct == "87") != (year == "2023")  # exactly one number changed
    if year != "2023":
        assert 1 <= abs(int(year) - 2023) <= 5
    score = re.search(r"(\d+)-(\d+)", out[6].target)
    assert score and score.group(0) != "3-1"
    assert re.search(r"\b\d{2,3} \d{3} visiteurs\b|\b\d{4}\.$", out[14].target)  # group separator kept


def test_magnitude_change_keeps_the_separator():
    changed = injection._change_number(injection._numbers("soit 15 902 euros")[0], random.Random(0))
    assert changed == ("159 020", "magnitude x10")
    assert injection._change_number(injection._numbers("12 000")[0], random.Random(0)) == ("1 200", "magnitude /10")


@pytest.mark.usefixtures("near")
def test_named_entity_is_altered_in_the_french_only():
    for seed in range(8):
        for x in ev.inject(NB, FR, "named-entity", seed=seed, rate=1.0):
            if not x.category:
                continue
            old, new = re.match(r"name '(.+?)' -> '(.+?)'", x.note).groups()
            assert old in x.source and old in x.original and old not in x.target.split()
            assert new in x.target


def test_gallicised_names_read_french():
    assert ev.gallicise("Mediazona") == "Médiazone"
    assert ev.gallicise("Telegram") == "Télégramme"
    assert ev.gallicise("Ukrenergo") == "Ukrénergie"
    assert ev.gallicise("Oslo") is None or ev.gallicise("Oslo") != "Oslo"
    assert ev.gallicise("Kursk") is None  # no French ending to give it


def test_entity_eligibility_needs_the_name_on_both_sides():
    nb = ["Han bor i Drammen nå.", "Han bor i byen nå.", "Han bor i Drammen nå."]
    fr = ["Il habite à Drammen maintenant.", "Il habite à Drammen maintenant.", "Il habite en ville maintenant."]
    out = ev.inject(nb, fr, "named-entity", rate=1.0)
    assert [x.category for x in out] == ["named-entity", None, None]


@pytest.mark.parametrize("seed", range(6))
def test_negation_is_toggled(seed):
    out = {x.line: x for x in ev.inject(NB, FR, "negation", seed=seed, rate=1.0)}
    assert out[4].target == "La police a retrouvé l'homme disparu."           # ne ... pas removed
    assert out[5].target.startswith("Quelqu'un a été blessé")                    # personne ne -> quelqu'un
    added = out[12].target                                                        # none there: one added
    assert re.fullmatch(r"Le temps ne sera (pas|plus) froid et humide dans tout le pays cette semaine\.", added)
    for line in (1, 2, 6, 7, 10, 13):
        if out[line].category:
            assert re.search(r"\bn(e |['’])\S+( \S+)?( \S+)? (pas|plus)\b", out[line].target), out[line].target


def test_omission_drops_a_clause_at_a_boundary():
    seen = 0
    for seed in range(6):
        for x in ev.inject(NB, FR, "omission", seed=seed, rate=1.0):
            if not x.category:
                continue
            seen += 1
            kept, orig = tokens(x.target), tokens(x.original)
            assert not Counter(kept) - Counter(orig)  # nothing added
            assert len(orig) - len(kept) >= 4
            assert x.target.endswith(".") and x.target[0].isupper()
            dropped = re.search(r": (['\"])(.+)\1$", x.note).group(2)
            assert dropped.endswith((",", ".")) or x.original.endswith(dropped)
    assert seen


@pytest.mark.usefixtures("near")
def test_addition_appends_a_real_clause_from_another_line():
    for x in ev.inject(NB, FR, "addition", seed=1, rate=1.0):
        if x.category:
            body = x.original[:-1]
            assert x.target.startswith(body + ", ") and x.target.endswith(".")
            clause = x.target[len(body) + 2:-1]
            donor = int(re.search(r"line (\d+)", x.note).group(1))
            assert donor != x.line and clause in FR[donor - 1]
            assert len(clause.split()) >= 4


def test_untranslated_copies_the_norwegian_or_half_of_it():
    for seed in range(4):
        for x in ev.inject(NB, FR, "untranslated", seed=seed, rate=1.0):
            assert x.category
            if x.note == "Norwegian line copied":
                assert x.target == x.source
            else:
                nb_words, fr_words = set(x.source.split()), set(x.original.split())
                words = x.target.split()
                assert any(w in nb_words and w not in fr_words for w in words)
                assert any(w in fr_words and w not in nb_words for w in words)


@pytest.mark.usefixtures("near")
def test_hallucination_is_another_french_line_of_similar_length():
    for x in ev.inject(NB, FR, "hallucination", seed=2, rate=1.0):
        if x.category:
            assert x.target in FR and x.target != x.original
            assert abs(FR.index(x.target) + 1 - x.line) >= 2
            assert 0.75 * len(x.original) <= len(x.target) <= 1.33 * len(x.original)


def test_word_order_only_moves_words():
    for x in ev.inject(NB, FR, "word-order", seed=0, rate=1.0):
        if x.category:
            assert sorted(x.target.split()) == sorted(x.original.split())
            assert x.target.split()[0] == x.original.split()[0]


@pytest.mark.usefixtures("near")
def test_boilerplate_is_page_furniture_glued_to_the_line():
    for x in ev.inject(NB, FR, "boilerplate", seed=0, rate=1.0):
        added = x.target[len(x.original) + 1:]
        assert x.target.startswith(x.original + " ")
        assert (added in ev.UI_LABELS or added in ev.CREDITS
                or any(added.startswith(label) for label in ev.TEASER_LABELS))


def test_kicker_is_a_literal_caps_label_on_both_sides():
    labels = {fr: nb for nb, fr in ev.KICKERS}
    fr_labels = set()
    for x in ev.inject(NB, FR, "kicker", seed=0, rate=1.0):
        m = re.fullmatch(r"([A-ZÀ-ÖØ-Ý' ]+?) ?: (.*)", x.target)
        assert m and m.group(2) == x.original, x.target
        assert m.group(1) in labels and x.source == f"{labels[m.group(1)]}: {NB[x.line - 1]}"
        fr_labels.add(m.group(1))
    assert len(fr_labels) > 3  # varied labels


# --------------------------------------------------------------------------- scoring


def doc(name, scope, n, labels, flags):
    return ev.CheckedDocument(name, scope, n, {k: frozenset(v) for k, v in labels.items()},
                              [ev.LineFlag(*f, "check", "") for f in flags], [], {}, 0.0)


def test_scores_on_a_tiny_synthetic_prediction():
    # 10 lines; damaged (number): 2, 4, 6, 8. Flags: 2 number major (TP), 4 grammar minor (not detecting),
    # 5 number minor (FP at minor only), 7 kicker minor (untouched, flagged), 8 number minor (TP at minor).
    d = doc("number", ("number",), 10, {2: {"number"}, 4: {"number"}, 6: {"number"}, 8: {"number"}},
            [(2, "accuracy/number", "major"), (4, "fluency/grammar", "minor"), (5, "accuracy/number", "minor"),
             (7, "style/kicker", "minor"), (8, "accuracy/number", "minor")])
    minor = ev.score_documents([d], ev.DETECTS, "minor", ["number"])
    r = minor.rows[0]
    assert (r.support, r.tp, r.fp, r.fn) == (4, 2, 1, 2)
    assert r.precision == pytest.approx(2 / 3) and r.recall == pytest.approx(0.5)
    assert r.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))
    assert r.recall_any == pytest.approx(3 / 4)                    # lines 2, 4, 8 have some flag
    assert (r.untouched, r.untouched_flagged) == (6, 2)            # lines 5 and 7
    assert r.fp_rate == pytest.approx(2 / 6)
    a = minor.any_flag
    assert (a.tp, a.fp, a.fn) == (3, 2, 1)
    major = ev.score_documents([d], ev.DETECTS, "major", ["number"]).rows[0]
    assert (major.tp, major.fp, major.fn, major.untouched_flagged) == (1, 0, 3, 0)
    assert major.precision == 1.0 and major.recall == 0.25


def test_each_set_is_scored_only_for_its_own_category():
    a = doc("number", ("number",), 3, {1: {"number"}}, [(1, "accuracy/number", "major"),
                                                         (2, "style/kicker", "minor")])
    b = doc("kicker", ("kicker",), 3, {3: {"kicker"}}, [(2, "accuracy/number", "major"),
                                                        (3, "style/kicker", "minor")])
    view = ev.score_documents([a, b], ev.DETECTS, "minor", ["number", "kicker"])
    number, kicker = view.rows
    assert (number.tp, number.fp, number.untouched, number.untouched_flagged) == (1, 0, 2, 1)
    assert (kicker.tp, kicker.fp, kicker.untouched, kicker.untouched_flagged) == (1, 0, 2, 1)
    assert view.any_flag.fp_rate == pytest.approx(2 / 4)
    assert view.micro["precision"] == 1.0 and view.macro_f1 == 1.0


def test_no_support_gives_undefined_not_zero():
    d = doc("x", ("number",), 2, {}, [])
    r = ev.score_documents([d], ev.DETECTS, "minor", ["number"]).rows[0]
    assert r.precision is None and r.recall is None and r.f1 is None and r.fp_rate == 0.0


def test_kendall_tau_b():
    x, y = [12, 2, 1, 12, 2], [1, 4, 7, 1, 0]
    assert ev.kendall_tau_b(x, y) == pytest.approx(-0.47140452079103173)  # scipy.stats.kendalltau's example
    assert ev.kendall_tau_b([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert ev.kendall_tau_b([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert ev.kendall_tau_b([0, 0, 0], [1, 2, 3]) is None


def test_line_scores_weigh_severities():
    flags = [ev.LineFlag(1, "a", "minor", "c", ""), ev.LineFlag(1, "a", "major", "c", ""),
             ev.LineFlag(3, "a", "info", "c", ""), ev.LineFlag(2, "a", "critical", "c", "")]
    assert ev.line_scores(flags, 3) == [-6.0, -10.0, 0.0]
    # lexical coverage orders the lines without flags, and never outweighs a minor flag
    scores = ev.line_scores(flags[:1], 3, [1.0, 0.2, 0.9])
    assert scores == [0.0, 0.2, 0.9] and scores[2] > scores[1] > scores[0]


# --------------------------------------------------------------------------- running the checks

FAST = ["numbers", "named-entity", "untranslated", "length", "kicker", "interface-text", "credits", "teaser"]


def test_evaluate_runs_each_set_as_one_document():
    sets = {c: ev.inject(NB, FR, c, seed=0) for c in ("number", "kicker", "untranslated")}
    report = ev.evaluate(sets, build_checks(FAST))
    assert [d.name for d in report.docs] == ["number", "untranslated", "kicker"]  # in CATEGORIES order
    assert all(d.n_lines == len(FR) for d in report.docs)
    assert list(report.views) == ["minor", "major"]
    scores = report.scores("minor")
    assert scores["kicker"].recall == 1.0 and scores["untranslated"].recall >= 0.8
    assert "seed" not in report.signature  # plain dicts carry no build parameters
    data = report.to_dict()
    assert data["views"]["major"]["threshold"] == "major" and "timings" in data
    assert ev.evaluate(sets, build_checks(FAST)).to_dict(details=True) | {"timings": 0} == data | {"timings": 0}


def test_evaluate_runs_the_aligner_and_reports_bead_f1_under_damage():
    """What users run: each set through the aligner, its beads scored against line N <-> line N;
    --pair-lines (line_aligned) is the diagnostic that measures the checks alone."""
    sets = {c: ev.inject(NB, FR, c, seed=0) for c in ("omission", "hallucination")}
    report = ev.evaluate(sets, build_checks(FAST))
    assert report.config["alignment"] == "aligner" and "align:aligner" in report.signature
    alignment = report.to_dict()["alignment"]
    assert set(alignment["documents"]) == {"omission", "hallucination"}
    for a in alignment["documents"].values():
        assert 0.0 <= a["f1"] <= 1.0 and a["gold"] == len(FR) and a["damaged_right"] <= a["damaged_lines"]
    assert alignment["all"]["gold"] == 2 * len(FR)
    paired = ev.evaluate(sets, build_checks(FAST), line_aligned=True)
    assert paired.config["alignment"] == "lines" and paired.alignment is None and "alignment" not in paired.to_dict()


@pytest.mark.skipif(not grammalecte_available(), reason="grammalecte-cli not installed")
def test_reused_grammalecte_answers_give_the_same_flags():
    sets = {c: ev.inject(NB, FR, c, seed=1) for c in ("word-order", "negation")}
    checks = build_checks(["grammar", "numbers"])
    fresh = ev.evaluate(sets, checks, reuse=False)
    reused = ev.evaluate(sets, checks, reuse=True, jobs=2)
    assert [d.flags for d in fresh.docs] == [d.flags for d in reused.docs]
    assert any(f.check == "grammar" for d in reused.docs for f in d.flags)
    assert "grammar" in reused.checks_run


@pytest.mark.parametrize("gold", sorted((CORPORA / "gold").glob("*.gold.tsv")), ids=lambda p: p.stem)
def test_evaluate_gold_on_the_corpora(gold):
    stem = gold.name.removesuffix(".gold.tsv")
    fr, nb = CORPORA / "fr" / f"{stem}.fr.txt", CORPORA / "nb" / f"{stem}.nb.txt"
    labels = ev.read_gold(gold)
    report = ev.evaluate_gold(fr, nb, gold)
    assert report.kind == "gold" and report.docs[0].labels == labels
    view = report.view("minor")
    assert view.any_flag.support == len(labels)
    assert sum(r.support for r in view.rows) == sum(len(v) for v in labels.values())
    assert 0.0 <= view.any_flag.recall <= 1.0
    assert set(report.views) == {"minor", "major"}


def test_read_gold_refuses_unknown_categories(tmp_path):
    bad = tmp_path / "x.gold.tsv"
    bad.write_text("line\tcategories\tnote\n3\taccuracy/numbers\ttypo\n", encoding="utf-8")
    with pytest.raises(InputError, match="accuracy/numbers"):
        ev.read_gold(bad)


# --------------------------------------------------------------------------- the command


@pytest.fixture
def mini_flores(tmp_path):
    folder = tmp_path / "flores"
    folder.mkdir()
    (folder / "nb.txt").write_text("\n".join(NB) + "\n", encoding="utf-8")
    (folder / "fr.txt").write_text("\n".join(FR) + "\n", encoding="utf-8")
    for k, system in enumerate(ev.SYSTEMS):
        lines = [line if (i + k) % 3 else line.replace("a ", "a bien ", 1) for i, line in enumerate(FR)]
        (folder / f"fr.mt-{system}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def run_eval(*args):
    from mtqa.cli.eval import eval_cmd

    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    app.callback()(lambda: None)
    app.command("eval")(eval_cmd)
    return CliRunner().invoke(app, ["eval", *map(str, args)])


def test_cli_writes_json_and_prints_a_signature(mini_flores, tmp_path):
    out = tmp_path / "eval.json"
    args = ["--flores", mini_flores, "--seed", 4, "--category", "number,kicker", "--enable", ",".join(FAST),
            "--json", out, "--systems"]
    result = run_eval(*args)
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["config"]["seed"] == 4 and data["config"]["categories"] == ["number", "kicker"]
    assert [r["category"] for r in data["views"]["minor"]["categories"]] == ["number", "kicker"]
    assert {r["system"] for r in data["systems"]["rows"]} == {"human", *ev.SYSTEMS}
    assert "signature: mtqa-eval:inject|v:" in result.output and "seed:4|rate:0.5" in result.output
    assert "Kendall tau-b" in result.output
    assert "bead F1 under damage" in result.output and data["config"]["alignment"] == "aligner"
    again = run_eval(*args)
    assert again.stdout == result.stdout  # deterministic: the time goes to stderr and "timings"
    assert {k: v for k, v in json.loads(out.read_text(encoding="utf-8")).items() if k != "timings"} == \
        {k: v for k, v in data.items() if k != "timings"}


def test_cli_gold_mode_finds_the_files_beside_the_gold(tmp_path):
    gold = CORPORA / "gold" / "e24-rentemote-krone.gold.tsv"
    out = tmp_path / "gold.json"
    result = run_eval("--gold", gold, "--enable", ",".join(FAST), "--json", out, "--min-severity", "major")
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["kind"] == "gold" and list(data["views"]) == ["major", "minor"]


@pytest.mark.parametrize("args, message", [
    (["--category", "spelling"], "unknown category"),
    (["--gold", CORPORA / "gold" / "e24-rentemote-krone.gold.tsv", "--seed", "1"], "--seed"),
    (["--fr", CORPORA / "fr" / "e24-rentemote-krone.fr.txt"], "--fr and --nb go with --gold"),
    (["--pair-lines", "--aligner"], "contradict"),
])
def test_cli_usage_errors_are_mtqa_errors(mini_flores, args, message):
    result = run_eval("--flores", mini_flores, *args)
    assert isinstance(result.exception, InputError) and message in str(result.exception)


def test_cli_missing_flores_folder(tmp_path):
    result = run_eval("--flores", tmp_path / "nowhere")
    assert isinstance(result.exception, InputError)


# --------------------------------------------------------------------------- FLORES (skipped without it)


def test_flores_sets(flores):
    sets = ev.build_eval_set(flores, seed=0)
    assert list(sets) == list(ev.CATEGORIES)
    assert sets.meta["seed"] == 0 and len(sets.meta["data_sha256"]) == 12
    for category, lines in sets.items():
        assert len(lines) == 997
        damaged = [x for x in lines if x.category]
        assert len(damaged) >= 80, category
        assert all(x.target != x.original for x in damaged)
        assert all(x.target == x.original for x in lines if not x.category)


def test_flores_evaluate_a_slice(flores):
    nb = ev.read_lines(flores / "nb.txt")[:150]
    fr = ev.read_lines(flores / "fr.txt")[:150]
    sets = {"number": ev.inject(nb, fr, "number", seed=0), "untranslated": ev.inject(nb, fr, "untranslated")}
    report = ev.evaluate(sets, build_checks(FAST))
    scores = report.scores()
    assert scores["number"].support > 5 and scores["number"].recall > 0.5
    assert scores["untranslated"].recall > 0.8
    assert 0.0 <= report.view().any_flag.fp_rate < 0.5


def test_default_flores_dir_is_beside_the_repository():
    from conftest import REPO

    assert ev.default_flores_dir() == REPO.parent / "shared" / "data" / "flores200-dev"


@pytest.mark.parametrize("number", ["9" * 5000, "\u00b2", "1\u0663"])
def test_a_gold_line_number_that_is_not_one_is_a_one_line_error(tmp_path, number):
    gold = tmp_path / "x.gold.tsv"
    gold.write_text(f"line\tcategories\tnote\n{number}\taccuracy/number\tx\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x\.gold\.tsv:2:"):
        ev.read_gold(gold)
