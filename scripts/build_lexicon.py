#!/usr/bin/env python3
"""Build mtqa's Norwegian (Bokmål) -> French word lexicon from FreeDict dictionaries.

No FreeDict dictionary pairs nb with fr directly, so the lexicon pivots through the languages
that FreeDict pairs with both (Swedish, Italian, Polish, Finnish, Greek): nb <- X -> fr. Only the
Wiktionary-derived dictionaries (CC-BY-SA 3.0) are used, so the lexicon is CC-BY-SA 3.0 too
(mtqa/data/LEXICON-LICENSE). Entries are lemma pairs reduced to Snowball stems (mtqa.text.lexicon.stem),
the form the checks match on. A pair is kept when at least one pivot supports it; a Norwegian
stem keeps its MAX_FR best-supported French stems (pivots multiply senses: "kamp" -> "combat",
"lutte", "match", ...).

    apt-get install dict-freedict-{swe-nor,swe-fra,fra-swe,ita-nor,fra-ita,pol-nor,pol-fra,fra-pol,\\
        fin-nor,fin-fra,fra-fin,ell-nor,ell-fra,fra-ell}
    apt-get install dict-freedict-eng-nor       # and the English -> Norwegian list
    python scripts/build_lexicon.py            # writes mtqa/data/lexicon.nb-fr.tsv and lexicon.en-nb.tsv
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mtqa.text.lexicon import stem  # noqa: E402

DICT_DIR = Path("/usr/share/dictd")
PIVOTS = ("swe", "ita", "pol", "fin", "ell")
MAX_FR = 12
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE_MARK = re.compile(r"\s+\d+\.\s*$")


def _b64(s: str) -> int:
    n = 0
    for ch in s:
        n = n * 64 + _B64.index(ch)
    return n


def read_dict(pair: str) -> dict[str, set[str]]:
    """headword -> translations of its first sense line, from a dictd .index/.dict.dz pair."""
    index = DICT_DIR / f"freedict-{pair}.index"
    data = gzip.open(DICT_DIR / f"freedict-{pair}.dict.dz").read()
    out: dict[str, set[str]] = defaultdict(set)
    for line in index.read_text(encoding="utf-8").splitlines():
        head, off, length = line.split("\t")
        if head.startswith("00database"):
            continue
        text = data[_b64(off): _b64(off) + _b64(length)].decode("utf-8", "replace").splitlines()
        if len(text) < 2:
            continue
        translations = _SENSE_MARK.sub("", text[1])
        for t in translations.split(","):
            t = t.strip()
            if t and len(t.split()) <= 3:
                out[head.strip()].add(t)
    return out


def _words(phrase: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]+", phrase.lower()) if len(w) > 1]


def single_stems(phrase: str, lang: str) -> set[str]:
    """The stem of a one-word phrase (multi-word phrases are skipped: "océan Atlantique")."""
    words = _words(phrase)
    return {stem(words[0], lang)} if len(words) == 1 else set()


def build() -> dict[str, dict[str, int]]:
    support: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for x in PIVOTS:
        x_nb = read_dict(f"{x}-nor")
        x_fr: dict[str, set[str]] = defaultdict(set)
        if (DICT_DIR / f"freedict-{x}-fra.index").exists():
            for k, v in read_dict(f"{x}-fra").items():
                x_fr[k.lower()] |= v
        if (DICT_DIR / f"freedict-fra-{x}.index").exists():
            for fr, xs in read_dict(f"fra-{x}").items():
                for xw in xs:
                    x_fr[xw.lower()].add(fr)
        pairs: set[tuple[str, str]] = set()
        for xw, nbs in x_nb.items():
            frs = x_fr.get(xw.lower())
            if not frs:
                continue
            for nb in nbs:
                for f in frs:
                    for a in single_stems(nb, "nb"):
                        for b in single_stems(f, "fr"):
                            pairs.add((a, b))
        for a, b in pairs:  # one vote per pivot language
            support[a][b] += 1
        print(f"{x}: {len(pairs)} stem pairs", file=sys.stderr)
    return support


def build_english() -> dict[str, set[str]]:
    """English word (lowercase) -> Norwegian stems, from eng-nor: tells a name kept in English
    by the French ("Research Service") from one the Norwegian translated ("Forskningstjeneste")."""
    out: dict[str, set[str]] = defaultdict(set)
    for en, nbs in read_dict("eng-nor").items():
        words = _words(en)
        if len(words) != 1 or len(words[0]) < 3:
            continue
        for nb in nbs:
            out[words[0]] |= single_stems(nb, "nb")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path,
                    default=Path(__file__).resolve().parents[1] / "mtqa" / "data" / "lexicon.nb-fr.tsv")
    args = ap.parse_args()
    english = build_english()
    en_path = args.output.with_name("lexicon.en-nb.tsv")
    en_path.write_text("# English word\tnb stems (built by scripts/build_lexicon.py from FreeDict eng-nor, CC-BY-SA 3.0)\n"
                       + "".join(f"{en}\t{' '.join(sorted(nbs))}\n" for en, nbs in sorted(english.items()) if nbs),
                       encoding="utf-8")
    print(f"{len(english)} English words -> {en_path}", file=sys.stderr)
    support = build()
    lines = []
    for nb in sorted(support):
        best = sorted(support[nb].items(), key=lambda kv: (-kv[1], kv[0]))[:MAX_FR]
        lines.append(nb + "\t" + " ".join(f"{fr}:{n}" for fr, n in best))
    args.output.write_text("# nb stem\tfr stem:pivots ... (built by scripts/build_lexicon.py from FreeDict, "
                           "CC-BY-SA 3.0)\n" + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} Norwegian stems -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
