"""Benchmark mtqa's sentence aligner against NLTK's Gale-Church and Bleualign.

Test set (seeded): the 997 line-aligned nb/fr pairs of FLORES-200 dev are shuffled
and cut into documents of 20-40 pairs. In each document a few perturbations with
known gold beads are applied:

* split:  a French sentence is cut in two at a comma or conjunction near its
          middle (first part ends with ".", second part capitalised)  -> 1-2
* merge:  two consecutive pairs have their sentences joined on one side
          (nb joined -> 1-2, fr joined -> 2-1)
* drop:   one side of a pair is removed (fr dropped -> 1-0, nb dropped -> 0-1)

Every other pair is a 1-1 bead. Beads are scored by exact match (bead_f1).

Aligners:
* mtqa:        mtqa.source.align.align(nb, fr), lengths + anchors, no similarity; and two
               ablations: without the cognate anchors, and lengths only (all
               anchor and punctuation weights 0, tuned priors kept).
* NLTK G-C:    nltk.translate.gale_church.align_blocks on character lengths, with
               NLTK's default parameters (c=1, s2=6.8) and with mtqa's flores
               estimates (c=1.173, s2=3.70). Its links are grouped into beads;
               sentences it leaves unlinked become 1-0 / 0-1 beads.
* Bleualign:   bleualign.align.Aligner.process(nb, fr, [en], []): the "translation"
               of each nb line is the human English original of that line
               (en.txt; for a merged nb line the two English lines joined, for a
               dropped nb line nothing). Bleualign is built to get a machine
               translation of the source into the target language; a human
               translation of the same meaning is a flattering stand-in, though
               English against French shares mostly names and numbers. Sentences
               it leaves unaligned become 1-0 / 0-1 beads.
* Extra rows (flattered the same way): Bleualign and mtqa+similarity fed the
  French machine translation fr.mt-google.txt of the English line (chrF for mtqa).

Usage:
    python scripts/bench_align.py --seed 2 --out /tmp/align-table.md   # the reported table
    python scripts/bench_align.py --tune --seed 1      # coordinate search of the weights
    python scripts/bench_align.py --estimate            # length ratio / variance of flores
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mtqa.source.align import (DEFAULT_WEIGHTS, LENGTH_RATIO, LENGTH_VARIANCE, Bead,  # noqa: E402
                        CostWeights, align, bead_f1)

DATA = ROOT.parent / "shared" / "data" / "flores200-dev"
DEV_SEED = 1
TEST_SEED = 2


# --- data -------------------------------------------------------------------


@dataclass
class Corpus:
    nb: list[str]
    fr: list[str]
    en: list[str]
    mt: list[str]  # French machine translation of en (fr.mt-google.txt)


def load(data: Path = DATA) -> Corpus:
    def lines(name: str) -> list[str]:
        return (data / name).read_text(encoding="utf-8").rstrip("\n").split("\n")

    corpus = Corpus(lines("nb.txt"), lines("fr.txt"), lines("en.txt"), lines("fr.mt-google.txt"))
    assert len({len(corpus.nb), len(corpus.fr), len(corpus.en), len(corpus.mt)}) == 1
    return corpus


@dataclass
class Doc:
    nb: list[str] = field(default_factory=list)
    fr: list[str] = field(default_factory=list)
    en: list[str] = field(default_factory=list)  # English original of each nb line
    mt: list[str] = field(default_factory=list)  # French MT of each nb line's English
    gold: list[Bead] = field(default_factory=list)

    def add(self, nb: list[str], fr: list[str], en: list[str], mt: list[str]) -> None:
        """Append one bead: nb/en/mt are lists of 0 or 1 joined line, fr 0, 1 or 2 lines."""
        s0, t0 = len(self.nb), len(self.fr)
        self.nb += nb
        self.en += en
        self.mt += mt
        self.fr += fr
        self.gold.append(Bead(tuple(range(s0, len(self.nb))), tuple(range(t0, len(self.fr))), 0.0))


_SPLIT_RE = re.compile(r", | et | mais | car | puis | alors que | tandis que | où | qui ")


def split_french(text: str) -> tuple[str, str] | None:
    """Cut at the comma/conjunction closest to the middle (within 30-70% of the length)."""
    best = None
    for m in _SPLIT_RE.finditer(text):
        if not 0.3 <= m.start() / len(text) <= 0.7:
            continue
        if best is None or abs(m.start() - len(text) / 2) < abs(best.start() - len(text) / 2):
            best = m
    if best is None:
        return None
    first = text[:best.start()].rstrip(" ,;") + "."
    rest = text[best.start():].lstrip(" ,")
    if best.group(0) == ", ":
        rest = text[best.end():]
    if not rest:
        return None
    return first, rest[0].upper() + rest[1:]


def make_docs(corpus: Corpus, seed: int, indices: list[int] | None = None, shuffle: bool = True,
              sizes: tuple[int, int] = (20, 40), ops: tuple[int, int] = (1, 2)) -> list[Doc]:
    """Shuffle the pairs into documents and perturb each (see module docstring).
    shuffle=False keeps the lines in corpus order (FLORES runs of a few sentences per article)."""
    rng = random.Random(seed)
    order = list(range(len(corpus.nb))) if indices is None else list(indices)
    if shuffle:
        rng.shuffle(order)
    chunks = []
    while order:
        size = rng.randint(*sizes)
        chunks.append(order[:size])
        order = order[size:]

    docs = []
    for chunk in chunks:
        n = len(chunk)
        op: dict[int, str] = {}

        def free(k: int) -> bool:
            return 0 <= k < n and k not in op

        for kind in ("split", "merge", "drop"):
            for _ in range(rng.randint(*ops)):
                for _try in range(20):
                    k = rng.randrange(n)
                    if kind == "split" and free(k) and split_french(corpus.fr[chunk[k]]):
                        op[k] = "split"
                        break
                    if kind == "merge" and free(k) and free(k + 1):
                        op[k] = rng.choice(["merge-nb", "merge-fr"])
                        op[k + 1] = "merged"
                        break
                    if kind == "drop" and free(k):
                        op[k] = rng.choice(["drop-nb", "drop-fr"])
                        break

        doc = Doc()
        for k, idx in enumerate(chunk):
            nb, fr, en, mt = corpus.nb[idx], corpus.fr[idx], corpus.en[idx], corpus.mt[idx]
            what = op.get(k)
            if what is None:
                doc.add([nb], [fr], [en], [mt])
            elif what == "split":
                doc.add([nb], list(split_french(fr)), [en], [mt])
            elif what in ("merge-nb", "merge-fr"):
                nxt = chunk[k + 1]
                nb2, fr2, en2, mt2 = corpus.nb[nxt], corpus.fr[nxt], corpus.en[nxt], corpus.mt[nxt]
                if what == "merge-nb":
                    doc.add([nb + " " + nb2], [fr, fr2], [en + " " + en2], [mt + " " + mt2])
                else:  # 2-1: two nb sentences, one fr line
                    s0, t0 = len(doc.nb), len(doc.fr)
                    doc.nb += [nb, nb2]
                    doc.en += [en, en2]
                    doc.mt += [mt, mt2]
                    doc.fr.append(fr + " " + fr2)
                    doc.gold.append(Bead((s0, s0 + 1), (t0,), 0.0))
            elif what == "merged":
                continue
            elif what == "drop-nb":
                doc.add([], [fr], [], [])
            elif what == "drop-fr":
                doc.add([nb], [], [en], [mt])
        docs.append(doc)
    return docs


def synthetic(corpus: Corpus, size: int, seed: int, perturb: bool) -> Doc:
    """One long document of `size` flores pairs (lines repeated, shuffled)."""
    rng = random.Random(seed)
    order: list[int] = []
    while len(order) < size:
        block = list(range(len(corpus.nb)))
        rng.shuffle(block)
        order += block
    order = order[:size]
    if not perturb:
        doc = Doc()
        for idx in order:
            doc.add([corpus.nb[idx]], [corpus.fr[idx]], [corpus.en[idx]], [corpus.mt[idx]])
        return doc
    # Perturb in chunks as in the test set, then concatenate with shifted indices.
    whole = Doc()
    for part in make_docs(corpus, seed, indices=order):
        s0, t0 = len(whole.nb), len(whole.fr)
        whole.nb += part.nb
        whole.fr += part.fr
        whole.gold += [Bead(tuple(s + s0 for s in b.source), tuple(t + t0 for t in b.target), 0.0)
                       for b in part.gold]
    return whole


# --- the aligners under test --------------------------------------------------


def beads_from_links(links, n: int, m: int) -> list[Bead]:
    """Group (i, j) links into beads (connected runs); unlinked sentences become 1-0 / 0-1."""
    groups: list[tuple[set[int], set[int]]] = []
    for i, j in sorted(links):
        if groups and (i in groups[-1][0] or j in groups[-1][1]):
            groups[-1][0].add(i)
            groups[-1][1].add(j)
        else:
            groups.append(({i}, {j}))
    beads = [Bead(tuple(sorted(s)), tuple(sorted(t)), 0.0) for s, t in groups]
    linked_s = {i for b in beads for i in b.source}
    linked_t = {j for b in beads for j in b.target}
    beads += [Bead((i,), (), 0.0) for i in range(n) if i not in linked_s]
    beads += [Bead((), (j,), 0.0) for j in range(m) if j not in linked_t]
    return beads  # (unordered: scoring compares sets of beads)


NO_COGNATES = dataclasses.replace(DEFAULT_WEIGHTS, cognate_hit=0.0, cognate_miss=0.0)
LENGTHS_ONLY = dataclasses.replace(NO_COGNATES, number_hit=0.0, number_miss=0.0, name_hit=0.0,
                                   name_miss=0.0, punctuation=0.0)


def run_mtqa(doc: Doc, weights: CostWeights = DEFAULT_WEIGHTS) -> list[Bead]:
    return align(doc.nb, doc.fr, weights=weights)


def run_nltk(doc: Doc, flores_lengths: bool = False) -> list[Bead]:
    """NLTK's Gale-Church on character lengths: its default parameters (c=1, s2=6.8),
    or with flores_lengths its priors and mtqa's LENGTH_RATIO / LENGTH_VARIANCE."""
    from nltk.translate import gale_church

    params = gale_church.LanguageIndependent
    if flores_lengths:
        params = type("FloresParams", (gale_church.LanguageIndependent,),
                      {"AVERAGE_CHARACTERS": LENGTH_RATIO, "VARIANCE_CHARACTERS": LENGTH_VARIANCE})
    links = gale_church.align_blocks([len(s) for s in doc.nb], [len(t) for t in doc.fr], params)
    return beads_from_links(links, len(doc.nb), len(doc.fr))


def run_bleualign(doc: Doc, translation: list[str]) -> list[Bead]:
    import io

    from bleualign.align import Aligner

    aligner = Aligner({"srcfile": doc.nb, "targetfile": doc.fr, "srctotarget": [translation],
                       "verbosity": 0, "log_to": io.StringIO()})
    aligned = aligner.process(doc.nb, doc.fr, [translation], [])
    links = []
    for (src, tgt), _how in aligned:
        links += [(i, j) for i in src for j in tgt]
    return beads_from_links(links, len(doc.nb), len(doc.fr))


def chrf_similarity(doc: Doc):
    """similarity(nb_text, fr_text) = chrF(French MT of nb_text's English, fr_text) / 100."""
    from sacrebleu.metrics import CHRF

    chrf = CHRF()
    mt_of = {}
    for k in range(len(doc.nb)):
        mt_of[doc.nb[k]] = doc.mt[k]
        if k + 1 < len(doc.nb):
            mt_of[doc.nb[k] + " " + doc.nb[k + 1]] = doc.mt[k] + " " + doc.mt[k + 1]
    cache: dict[tuple[str, str], float] = {}

    def similarity(src: str, tgt: str) -> float:
        key = (src, tgt)
        if key not in cache:
            cache[key] = chrf.sentence_score(mt_of[src], [tgt]).score / 100
        return cache[key]

    return similarity


# --- scoring ----------------------------------------------------------------


def evaluate(docs: list[Doc], aligner) -> tuple[dict, float]:
    predicted: list[Bead] = []
    gold: list[Bead] = []
    seconds = 0.0
    for d, doc in enumerate(docs):
        start = time.perf_counter()
        beads = aligner(doc)
        seconds += time.perf_counter() - start
        # Tag indices with the document number so beads of different documents never match.
        predicted += [Bead(tuple((d, s) for s in b.source), tuple((d, t) for t in b.target), 0.0)
                      for b in beads]
        gold += [Bead(tuple((d, s) for s in b.source), tuple((d, t) for t in b.target), 0.0)
                 for b in doc.gold]
    return bead_f1(predicted, gold), seconds


KINDS = ("1-1", "1-0", "0-1", "1-2", "2-1")


def table(rows: list[tuple[str, dict, float]]) -> str:
    head = "| aligner | P | R | F1 | " + " | ".join(f"{k} R" for k in KINDS) + " | time (s) |"
    lines = [head, "|" + " --- |" * (5 + len(KINDS))]
    for name, s, seconds in rows:
        per = s["per_kind"]
        recall = " | ".join(f"{per[k]['recall']:.3f}" if k in per and per[k]["gold"] else "–" for k in KINDS)
        lines.append(f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {recall} | {seconds:.2f} |")
    return "\n".join(lines)


def gold_counts(docs: list[Doc]) -> str:
    counts: dict[str, int] = {}
    for doc in docs:
        for b in doc.gold:
            counts[b.kind] = counts.get(b.kind, 0) + 1
    return ", ".join(f"{k}: {counts.get(k, 0)}" for k in KINDS)


# --- tuning -----------------------------------------------------------------

GRID = {
    "prior_1_1": [0.5, 0.7, 0.89, 0.95],
    "prior_null": [0.001, 0.003, 0.005, 0.0099, 0.03, 0.1],
    "prior_merge": [0.01, 0.03, 0.089, 0.2],
    "prior_2_2": [0.0001, 0.001, 0.011],
    "null_length": [0.0, 0.1, 0.25, 0.5, 1.0],
    "number_hit": [0.0, 0.5, 1.0, 2.0, 4.0],
    "number_miss": [0.0, 0.5, 1.0, 2.0, 4.0],
    "name_hit": [0.0, 0.5, 1.0, 2.0, 4.0],
    "name_miss": [0.0, 0.25, 0.5, 1.0, 2.0],
    "cognate_hit": [0.0, 0.25, 0.5, 1.0, 2.0, 4.0],
    "cognate_miss": [0.0, 0.05, 0.1, 0.25, 0.5],
    "punctuation": [0.0, 0.5, 1.0, 2.0, 4.0],
}


def tune(docs: list[Doc], start: CostWeights, rounds: int = 3) -> CostWeights:
    """Coordinate search: for each weight in turn keep the grid value with the best F1
    (F1 over all of `docs`, i.e. both layouts of the dev seed)."""
    best = start
    best_f1 = evaluate(docs, lambda d: run_mtqa(d, best))[0]["f1"]
    print(f"start F1 {best_f1:.4f}", file=sys.stderr)
    for r in range(rounds):
        changed = False
        for name, values in GRID.items():
            for v in values:
                trial = dataclasses.replace(best, **{name: v})
                f1 = evaluate(docs, lambda d: run_mtqa(d, trial))[0]["f1"]
                if f1 > best_f1 + 1e-9:
                    best, best_f1, changed = trial, f1, True
                    print(f"round {r}: {name}={v} -> F1 {f1:.4f}", file=sys.stderr)
        if not changed:
            break
    return best


def tune_similarity(docs: list[Doc], start: CostWeights) -> CostWeights:
    """Grid over the similarity weight and the empty-bead share, with the chrF similarity."""
    sims = {id(d): chrf_similarity(d) for d in docs}  # (each caches its chrF scores)
    best, best_f1 = start, -1.0
    for w in (10.0, 30.0, 100.0):
        for null in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45):
            trial = dataclasses.replace(start, similarity=w, similarity_null=null)
            f1 = evaluate(docs, lambda d: align(d.nb, d.fr, sims[id(d)], weights=trial))[0]["f1"]
            if f1 > best_f1:
                best, best_f1 = trial, f1
            print(f"similarity={w} similarity_null={null}: F1 {f1:.4f}", file=sys.stderr)
    return best


# --- main -------------------------------------------------------------------


def estimate(corpus: Corpus) -> None:
    import numpy as np

    ls = np.array([len(x) for x in corpus.nb], float)
    lt = np.array([len(x) for x in corpus.fr], float)
    c = lt.sum() / ls.sum()
    s2 = (((lt - c * ls) / np.sqrt(ls)) ** 2).mean()
    print(f"LENGTH_RATIO = {c:.4f}   LENGTH_VARIANCE = {((lt - c * ls) / np.sqrt(ls)).var():.3f}"
          f" (second moment {s2:.3f}); mean nb {ls.mean():.1f}, fr {lt.mean():.1f} chars")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=TEST_SEED, help=f"test-set seed (dev {DEV_SEED}, test {TEST_SEED})")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, help="write the markdown table here")
    ap.add_argument("--tune", action="store_true", help="tune the cost weights on --seed and print them")
    ap.add_argument("--estimate", action="store_true", help="print the flores length ratio and variance")
    ap.add_argument("--big", type=int, default=10_000, help="size of the synthetic timing document")
    ap.add_argument("--no-extra", action="store_true", help="skip the MT-fed rows (chrF, Bleualign+MT)")
    ap.add_argument("--big-only", action="store_true", help="only the timing on the long document")
    args = ap.parse_args(argv)

    corpus = load(args.data)
    if args.estimate:
        estimate(corpus)
        return 0
    layouts = {
        "shuffled": make_docs(corpus, args.seed),
        "in corpus order": make_docs(corpus, args.seed, shuffle=False),
    }
    if args.tune:
        docs = layouts["shuffled"] + layouts["in corpus order"]
        weights = tune(docs, DEFAULT_WEIGHTS)
        print(weights)
        if not args.no_extra:
            print(tune_similarity(docs, weights))
        return 0

    out = []
    for layout, docs in ({} if args.big_only else layouts).items():
        rows = []
        rows.append(("mtqa (lengths + anchors)", *evaluate(docs, run_mtqa)))
        rows.append(("mtqa ablation: no cognates", *evaluate(docs, lambda d: run_mtqa(d, NO_COGNATES))))
        rows.append(("mtqa ablation: lengths only", *evaluate(docs, lambda d: run_mtqa(d, LENGTHS_ONLY))))
        rows.append(("NLTK Gale-Church, default c=1 s2=6.8", *evaluate(docs, run_nltk)))
        rows.append((f"NLTK Gale-Church, flores c={LENGTH_RATIO} s2={LENGTH_VARIANCE}",
                     *evaluate(docs, lambda d: run_nltk(d, flores_lengths=True))))
        rows.append(("Bleualign, translation = human English (flattered)",
                     *evaluate(docs, lambda d: run_bleualign(d, d.en))))
        if not args.no_extra:
            rows.append(("Bleualign, translation = French MT of the English (flattered)",
                         *evaluate(docs, lambda d: run_bleualign(d, d.mt))))
            sims = {id(d): chrf_similarity(d) for d in docs}
            rows.append(("mtqa + similarity = chrF(French MT of the English, fr) (flattered)",
                         *evaluate(docs, lambda d: align(d.nb, d.fr, sims[id(d)]))))
        out += [f"**{layout}** — seed {args.seed}: {len(docs)} documents, "
                f"{sum(len(d.nb) for d in docs)} nb x {sum(len(d.fr) for d in docs)} fr sentences, "
                f"{sum(len(d.gold) for d in docs)} gold beads ({gold_counts(docs)}).", "",
                table(rows), ""]

    # Timing on one long document (wall clock and CPU time of this process).
    timing = ["| document | sentences (nb x fr) | mtqa wall (s) | mtqa CPU (s) | mtqa F1 |",
              "| --- | --- | --- | --- | --- |"]
    for perturb in (False, True) if args.big else ():
        big = synthetic(corpus, args.big, seed=args.seed, perturb=perturb)
        wall, cpu = time.perf_counter(), time.process_time()
        beads = align(big.nb, big.fr)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        f1 = bead_f1(beads, big.gold)["f1"]
        what = "perturbed as above" if perturb else "1-1 only"
        timing.append(f"| {args.big} flores pairs, shuffled, {what} | {len(big.nb)} x {len(big.fr)} | "
                      f"{wall:.2f} | {cpu:.2f} | {f1:.3f} |")
    if args.big:
        out += timing
    text = "\n".join(out)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
