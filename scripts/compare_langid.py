#!/usr/bin/env python3
"""Compare language detectors for mtqa on the same inputs, in one run.

Detectors: langdetect (seeded), lingua restricted to fr/nb/nn/da/sv/en (high and low
accuracy mode), and mtqa.text.langid (the one mtqa uses). Inputs, built from the FLORES-200
dev files (line-aligned nb/fr/en human translations):

  * full sentences (fr, nb, en);
  * fragments: the first 2, 3 and 5 words of each line (fr and nb);
  * half/half mixes: first half of a French line + second half of its Norwegian line;
  * all-caps headlines: the first 3-6 words of a line, upper-cased (fr and nb);
  * machine-translated French (the fr.mt-*.txt files: 4 systems, one of them weak);
  * UI strings of news sites in both languages (some Norwegian ones are in mtqa's own
    phrase list, the rest are held out so the phrase list does not grade itself).

Prints a markdown table (accuracy per input type, time per 1 000 strings, determinism,
load time and peak memory); --out FILE writes it too.

    python scripts/compare_langid.py --out /tmp/langid_table.md
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "flores200-dev"
SCAND = {"nb", "nn", "da", "sv", "no"}

# Norwegian UI strings. The first group is also in mtqa.text.langid's phrase list; the
# second is not (held out), so its row measures the statistical + lexical model only.
UI_NB_LISTED = ["Se mer", "Les også", "Vis mer", "Del", "Annonse", "Les mer", "Vis flere",
                "Logg inn", "Abonner", "Lukk", "Kommentarer", "Mest lest", "Siste nytt",
                "Tips oss", "Kopier lenke", "Del artikkelen", "Annonsørinnhold", "Se video"]
UI_NB_HELD_OUT = ["Les hele artikkelen", "Trykk for å se video", "Last inn flere", "Skjul",
                  "Gå til forsiden", "Hør artikkelen", "Vis bildetekst", "Lagre artikkelen",
                  "Få varsler", "Bli abonnent", "Relaterte saker", "Siste saker",
                  "Kjøp abonnement", "Rediger profil", "Nyhetsbrev", "Personvern",
                  "Skriv en kommentar", "Flere nyheter"]
UI_FR = ["Voir plus", "Afficher plus", "Lire aussi", "Partager", "Publicité", "Lire la suite",
         "Se connecter", "S'abonner", "Fermer", "Commentaires", "Les plus lus", "Dernières infos",
         "Nous contacter", "Copier le lien", "Partager l'article", "Contenu sponsorisé",
         "Voir la vidéo", "Lire l'article", "Écouter l'article", "Afficher la légende",
         "Charger plus", "Masquer", "Retour à l'accueil", "Recevoir les alertes",
         "Articles liés", "Newsletter", "Confidentialité", "Écrire un commentaire"]

MIXED_LOW, MIXED_HIGH = 0.2, 0.8  # an estimated Norwegian share in this range = "mixed"


# --- inputs ------------------------------------------------------------------------


def load_inputs(data: Path) -> dict[str, list[str]]:
    read = lambda name: (data / name).read_text(encoding="utf-8").splitlines()  # noqa: E731
    fr, nb, en = read("fr.txt"), read("nb.txt"), read("en.txt")
    assert len(fr) == len(nb) == len(en), "flores files are not line-aligned"
    inputs: dict[str, list[str]] = {"sent_fr": fr, "sent_nb": nb, "sent_en": en}
    for k in (2, 3, 5):
        inputs[f"frag{k}_fr"] = [" ".join(x.split()[:k]) for x in fr]
        inputs[f"frag{k}_nb"] = [" ".join(x.split()[:k]) for x in nb]
    mixes, truth = [], []
    for f, n in zip(fr, nb, strict=True):
        fw, nw = f.split(), n.split()
        head, tail = fw[: len(fw) // 2], nw[len(nw) // 2:]
        mixes.append(" ".join(head + tail))
        truth.append(len(tail) / (len(head) + len(tail)))
    inputs["mix"] = mixes
    inputs["_mix_truth"] = truth  # type: ignore[assignment]
    mt = sorted(data.glob("fr.mt-*.txt"))
    inputs["mt_fr"] = [x for f in mt for x in f.read_text(encoding="utf-8").splitlines()]
    inputs["caps_fr"] = [" ".join(x.split()[: 3 + i % 4]).upper() for i, x in enumerate(fr)]
    inputs["caps_nb"] = [" ".join(x.split()[: 3 + i % 4]).upper() for i, x in enumerate(nb)]
    from mtqa.text.langid import _NB_UI

    assert all(x.lower() in _NB_UI for x in UI_NB_LISTED), "UI_NB_LISTED drifted from mtqa"
    assert not any(x.lower() in _NB_UI for x in UI_NB_HELD_OUT), "held-out UI string is listed"
    inputs["ui_nb_listed"] = UI_NB_LISTED
    inputs["ui_nb_heldout"] = UI_NB_HELD_OUT
    inputs["ui_fr"] = UI_FR
    return inputs


# --- detectors -------------------------------------------------------------------------


class Detector:
    name: str

    def label(self, text: str) -> str:  # "fr", "nb", ..., "und"
        raise NotImplementedError

    def share(self, text: str) -> float:  # estimated share of Norwegian words
        raise NotImplementedError

    def reset(self) -> None:  # forget caches before timing
        pass


class LangdetectDetector(Detector):
    def __init__(self, seed: int | None = 0):
        from langdetect import DetectorFactory, detect_langs

        self._factory = DetectorFactory
        self._seed = seed
        self._detect_langs = detect_langs
        self.name = "langdetect (seed 0)" if seed is not None else "langdetect (unseeded)"

    def _probs(self, text: str) -> list:
        from langdetect.lang_detect_exception import LangDetectException

        self._factory.seed = self._seed
        try:
            return self._detect_langs(text)
        except LangDetectException:
            return []

    def label(self, text: str) -> str:
        probs = self._probs(text)
        if not probs:
            return "und"
        lang = probs[0].lang
        return "nb" if lang == "no" else lang

    def share(self, text: str) -> float:
        return sum(p.prob for p in self._probs(text) if p.lang in SCAND)


class LinguaDetector(Detector):
    def __init__(self, low_accuracy: bool = False, preload: bool = True):
        from lingua import Language, LanguageDetectorBuilder

        builder = LanguageDetectorBuilder.from_languages(
            Language.FRENCH, Language.BOKMAL, Language.NYNORSK, Language.DANISH,
            Language.SWEDISH, Language.ENGLISH,
        )
        if preload:
            builder = builder.with_preloaded_language_models()
        if low_accuracy:
            builder = builder.with_low_accuracy_mode()
        self._d = builder.build()
        self.name = "lingua low-acc" if low_accuracy else "lingua"

    def label(self, text: str) -> str:
        lang = self._d.detect_language_of(text)
        return lang.iso_code_639_1.name.lower() if lang is not None else "und"

    def share(self, text: str) -> float:
        total = len(text.split())
        if not total:
            return 0.0
        nb_words = 0
        for r in self._d.detect_multiple_languages_of(text):
            if r.language.iso_code_639_1.name.lower() in SCAND:
                nb_words += len(text[r.start_index:r.end_index].split())
        return nb_words / total


class MtqaDetector(Detector):
    """mtqa.text.langid; with low_accuracy=True, the same code on lingua's low-accuracy mode
    alone (mtqa reads with it first and confirms what it reports with the high-accuracy mode)."""

    def __init__(self, low_accuracy: bool = False):
        from mtqa.text import langid

        self._m = langid
        self.name = "mtqa.text.langid on lingua low-acc only" if low_accuracy else "mtqa.text.langid"
        self._mode = "low" if low_accuracy else ""  # "": mtqa's default mode (MTQA_LANGID_ACCURACY)
        langid._detectors.clear()  # mtqa's own models, as mtqa builds them

    def label(self, text: str) -> str:
        return self._m.guess_language(text).lang

    def share(self, text: str) -> float:
        return self._m.norwegian_share(text)

    def reset(self) -> None:
        import os

        if self._mode:
            os.environ["MTQA_LANGID_ACCURACY"] = self._mode
        else:
            os.environ.pop("MTQA_LANGID_ACCURACY", None)
        self._m._clear_caches()


# --- metrics ---------------------------------------------------------------------------


def rate(values: list[bool]) -> float:
    return 100.0 * sum(values) / len(values) if values else float("nan")


def label_all(det: Detector, inputs: dict[str, list]) -> tuple[dict[str, list[str]], float]:
    """Labels for every input (caches cleared first) and the time it took, ms per 1 000."""
    det.reset()
    t0 = time.process_time()
    labels = {k: [det.label(x) for x in v] for k, v in inputs.items() if not k.startswith("_")}
    n = sum(len(v) for v in labels.values())
    return labels, (time.process_time() - t0) / n * 1e6


def evaluate(det: Detector, inputs: dict[str, list], lab: dict[str, list[str]]) -> dict[str, float]:
    res: dict[str, float] = {}
    res["sent_fr"] = rate([x == "fr" for x in lab["sent_fr"]])
    res["sent_fr_scand"] = rate([x in SCAND for x in lab["sent_fr"]])
    res["sent_nb"] = rate([x == "nb" for x in lab["sent_nb"]])
    res["sent_nb_scand"] = rate([x in SCAND for x in lab["sent_nb"]])
    res["sent_en_notfr"] = rate([x != "fr" for x in lab["sent_en"]])
    res["sent_en_notnb"] = rate([x not in SCAND for x in lab["sent_en"]])
    for k in (2, 3, 5):
        res[f"frag{k}_fr"] = rate([x == "fr" for x in lab[f"frag{k}_fr"]])
        res[f"frag{k}_fr_scand"] = rate([x in SCAND for x in lab[f"frag{k}_fr"]])
        res[f"frag{k}_nb"] = rate([x == "nb" for x in lab[f"frag{k}_nb"]])
        res[f"frag{k}_nb_fr"] = rate([x == "fr" for x in lab[f"frag{k}_nb"]])
    for k in ("caps_fr", "caps_nb", "ui_nb_listed", "ui_nb_heldout", "ui_fr"):
        want = "fr" if k.endswith("fr") else "nb"
        res[k] = rate([x == want for x in lab[k]])
    res["ui_nb_notfr"] = rate([x != "fr" for x in lab["ui_nb_listed"] + lab["ui_nb_heldout"]])
    det.reset()
    t0 = time.process_time()
    shares = [det.share(x) for x in inputs["mix"]]
    fr_shares = [det.share(x) for x in inputs["sent_fr"]]
    res["share_ms"] = (time.process_time() - t0) / (len(shares) + len(fr_shares)) * 1e6
    res["mix"] = rate([MIXED_LOW <= s <= MIXED_HIGH for s in shares])
    res["mix_mae"] = sum(abs(s - t) for s, t in zip(shares, inputs["_mix_truth"], strict=True)) / len(shares)
    res["fr_share_ge_02"] = rate([s >= MIXED_LOW for s in fr_shares])
    res["fr_flagged"] = rate([lab_ != "fr" or s >= 0.5
                              for lab_, s in zip(lab["sent_fr"], fr_shares, strict=True)])
    mt_shares = [det.share(x) for x in inputs["mt_fr"]]
    res["mt_fr"] = rate([x == "fr" for x in lab["mt_fr"]])
    res["mt_flagged"] = rate([lab_ != "fr" or s >= 0.5
                              for lab_, s in zip(lab["mt_fr"], mt_shares, strict=True)])
    nb_shares = [det.share(x) for x in inputs["sent_nb"]]
    res["nb_share_ge_05"] = rate([s >= 0.5 for s in nb_shares])
    return res


def all_strings(inputs: dict[str, list]) -> list[str]:
    return [x for k, v in inputs.items() if not k.startswith("_") for x in v]


def article_time(det: Detector, lines: list[str], repeats: int = 3) -> float:
    """CPU seconds to label and measure the share of 1 000 lines (cold caches; best of 3)."""
    best = float("inf")
    for _ in range(repeats):
        det.reset()
        t0 = time.process_time()
        for x in lines:
            det.label(x)
            det.share(x)
        best = min(best, (time.process_time() - t0) * 1000 / len(lines))
    return best


def determinism(det: Detector, inputs: dict[str, list], first: dict[str, list[str]] | None = None) -> float:
    """% of strings labelled the same on a second pass (reverse order, caches cleared)."""
    strings = all_strings(inputs)
    if first is None:
        det.reset()
        first_list = [det.label(x) for x in strings]
    else:
        first_list = [x for k, v in first.items() if k in inputs for x in v]
    det.reset()
    second = [det.label(x) for x in reversed(strings)][::-1]
    return rate([a == b for a, b in zip(first_list, second, strict=True)])


# --- load time and memory (each in a fresh process) --------------------------------------

_LOAD_SNIPPET = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
def rss():
    # VmHWM (peak resident set) starts afresh at exec; ru_maxrss would include the parent's.
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
base = rss()
t0 = time.perf_counter()
c0 = time.process_time()
kind = {kind!r}
if kind.startswith("lingua"):
    from lingua import Language, LanguageDetectorBuilder
    b = LanguageDetectorBuilder.from_languages(Language.FRENCH, Language.BOKMAL, Language.NYNORSK,
                                               Language.DANISH, Language.SWEDISH, Language.ENGLISH)
    if "preload" in kind: b = b.with_preloaded_language_models()
    if "low" in kind: b = b.with_low_accuracy_mode()
    d = b.build()
    built = time.perf_counter() - t0
    d.detect_language_of("Les médias russes indépendants ont fait un aperçu.")
elif kind == "langdetect":
    from langdetect import DetectorFactory, detect
    DetectorFactory.seed = 0
    built = time.perf_counter() - t0
    detect("Les médias russes indépendants ont fait un aperçu.")
else:
    from mtqa.text import langid
    built = time.perf_counter() - t0
    langid.guess_language("Partager")  # a short string: needs the statistical model
    langid.norwegian_share("Les médias russes indépendants ont fait un aperçu.")
ready = time.perf_counter() - t0
cpu = time.process_time() - c0
print(json.dumps({{"built": built, "ready": ready, "cpu": cpu, "base_mb": base, "peak_mb": rss()}}))
"""

LOAD_KINDS = [
    ("langdetect", "langdetect (seed 0)"),
    ("lingua-lazy", "lingua, lazy (default)"),
    ("lingua-preload", "lingua, with_preloaded_language_models()"),
    ("lingua-low-lazy", "lingua low-acc, lazy"),
    ("lingua-low-preload", "lingua low-acc, preloaded"),
    ("mtqa", "mtqa.text.langid (lingua, preloaded when first needed)"),
]


def load_costs(repeats: int = 3) -> list[tuple[str, dict]]:
    """Per configuration, the best of `repeats` fresh processes (wall-clock times)."""
    out = []
    for kind, label in LOAD_KINDS:
        code = _LOAD_SNIPPET.format(root=str(ROOT), kind=kind)
        runs = []
        for _ in range(repeats):
            proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True)
            runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        out.append((label, {k: min(r[k] for r in runs) for k in runs[0]}))
    return out


# --- report ----------------------------------------------------------------------------

ROWS = [
    ("sent_fr", "Full sentences fr: labelled fr (%)"),
    ("sent_fr_scand", "Full sentences fr: labelled nb/nn/da/sv (%) (lower is better)"),
    ("sent_nb", "Full sentences nb: labelled nb (%)"),
    ("sent_nb_scand", "Full sentences nb: labelled nb/nn/da/sv (%)"),
    ("sent_en_notfr", "Full sentences en: not fr (%)"),
    ("sent_en_notnb", "Full sentences en: not nb/nn/da/sv (%)"),
    ("frag2_fr", "2-word fragments fr: fr (%)"),
    ("frag2_fr_scand", "2-word fragments fr: nb/nn/da/sv (%) (lower is better)"),
    ("frag2_nb", "2-word fragments nb: nb (%)"),
    ("frag2_nb_fr", "2-word fragments nb: fr (%) (lower is better)"),
    ("frag3_fr", "3-word fragments fr: fr (%)"),
    ("frag3_fr_scand", "3-word fragments fr: nb/nn/da/sv (%) (lower is better)"),
    ("frag3_nb", "3-word fragments nb: nb (%)"),
    ("frag3_nb_fr", "3-word fragments nb: fr (%) (lower is better)"),
    ("frag5_fr", "5-word fragments fr: fr (%)"),
    ("frag5_fr_scand", "5-word fragments fr: nb/nn/da/sv (%) (lower is better)"),
    ("frag5_nb", "5-word fragments nb: nb (%)"),
    ("frag5_nb_fr", "5-word fragments nb: fr (%) (lower is better)"),
    ("mix", f"Half fr + half nb: Norwegian share in [{MIXED_LOW}, {MIXED_HIGH}] (%)"),
    ("mix_mae", "Half fr + half nb: mean abs. error of the share (lower is better)"),
    ("fr_share_ge_02", f"Full sentences fr: share >= {MIXED_LOW} (%) (lower is better)"),
    ("fr_flagged", "Full sentences fr: not fr or share >= 0.5 (%) (lower is better)"),
    ("nb_share_ge_05", "Full sentences nb: share >= 0.5 (%)"),
    ("mt_fr", "Machine-translated fr (4 systems, fr.mt-*.txt): labelled fr (%)"),
    ("mt_flagged", "Machine-translated fr: not fr or share >= 0.5 (%) (lower is better)"),
    ("caps_fr", "All-caps headlines fr (3-6 words): fr (%)"),
    ("caps_nb", "All-caps headlines nb (3-6 words): nb (%)"),
    ("ui_fr", f"UI strings fr ({len(UI_FR)}): fr (%)"),
    ("ui_nb_listed", f"UI strings nb, in mtqa's phrase list ({len(UI_NB_LISTED)}): nb (%)"),
    ("ui_nb_heldout", f"UI strings nb, held out ({len(UI_NB_HELD_OUT)}): nb (%)"),
    ("ui_nb_notfr", "UI strings nb, all: not fr (%)"),
]


def fmt(key: str, v: float) -> str:
    if v != v:  # nan
        return "n/a"
    return f"{v:.3f}" if key.endswith("mae") else f"{v:.1f}"


def build_report(dets: list[Detector], results: dict, times: dict, determ: dict,
                 unseeded: float | None, loads: list, n_strings: int, n_lines: int) -> str:
    names = [d.name for d in dets]
    lines = ["| Input / measure | " + " | ".join(names) + " |",
             "| --- | " + " | ".join("---:" for _ in names) + " |"]
    for key, label in ROWS:
        lines.append(f"| {label} | " + " | ".join(fmt(key, results[n][key]) for n in names) + " |")
    lines.append(f"| CPU time, label, ms per 1 000 strings (all {n_strings} inputs) | "
                 + " | ".join(f"{times[n]['label_ms']:.0f}" for n in names) + " |")
    lines.append("| CPU time, Norwegian share, ms per 1 000 strings (fr sentences + mixes) | "
                 + " | ".join(f"{times[n]['share_ms']:.0f}" for n in names) + " |")
    lines.append(f"| CPU time, label + share of a 1 000-line article, s (from {n_lines} fr lines, best of 3) | "
                 + " | ".join(f"{times[n]['article_s']:.2f}" for n in names) + " |")
    lines.append("| Determinism: same label on a 2nd pass, reverse order (%) | "
                 + " | ".join(f"{determ[n]:.2f}" for n in names) + " |")
    out = "\n".join(lines)
    if unseeded is not None:
        out += (f"\n\nlangdetect without `DetectorFactory.seed = 0`: {unseeded:.2f} % of the "
                "same strings get the same label on a second pass.")
    out += ("\n\n| Load (fresh process, best of 3) | import + build, s | ready after 1st call, s "
            "| CPU time to ready, s | peak RSS, MB (bare python) |\n")
    out += "| --- | ---: | ---: | ---: | ---: |\n"
    for label, v in loads:
        out += (f"| {label} | {v['built']:.2f} | {v['ready']:.2f} | {v['cpu']:.2f} "
                f"| {v['peak_mb']:.0f} ({v['base_mb']:.0f}) |\n")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="flores200-dev folder")
    ap.add_argument("--out", type=Path, help="also write the markdown table to this file")
    ap.add_argument("--no-load", action="store_true", help="skip the load-time/memory subprocesses")
    ap.add_argument("--detectors", default="langdetect,lingua,lingua-low,mtqa,mtqa-low",
                    help="comma-separated subset of langdetect,lingua,lingua-low,mtqa,mtqa-low")
    args = ap.parse_args(argv)
    if not (args.data / "fr.txt").exists():
        print(f"no flores data in {args.data}", file=sys.stderr)
        return 2
    loads = [] if args.no_load else load_costs()  # first, while this process is small
    inputs = load_inputs(args.data)
    factories = {"langdetect": lambda: LangdetectDetector(0), "lingua": LinguaDetector,
                 "lingua-low": lambda: LinguaDetector(low_accuracy=True), "mtqa": MtqaDetector,
                 "mtqa-low": lambda: MtqaDetector(low_accuracy=True)}
    dets: list[Detector] = [factories[name]() for name in args.detectors.split(",")]
    results, times, determ = {}, {}, {}
    for det in dets:
        print(f"... {det.name}", file=sys.stderr)
        labels, label_ms = label_all(det, inputs)
        results[det.name] = evaluate(det, inputs, labels)
        times[det.name] = {"label_ms": label_ms, "share_ms": results[det.name]["share_ms"],
                           "article_s": article_time(det, inputs["sent_fr"])}
        determ[det.name] = determinism(det, inputs, labels)
    short = {k: v for k, v in inputs.items() if k.startswith(("frag2", "ui_", "caps"))}
    unseeded = determinism(LangdetectDetector(None), short) if "langdetect" in args.detectors else None
    report = build_report(dets, results, times, determ, unseeded, loads,
                          len(all_strings(inputs)), len(inputs["sent_fr"]))
    from importlib.metadata import version

    report += (f"\nPython {platform.python_version()}, langdetect {version('langdetect')}, "
               f"lingua-language-detector {version('lingua-language-detector')}, "
               f"{os.cpu_count()} CPUs.\n")
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
