"""Build a tiny French→Norwegian CTranslate2 model with random weights, for tests.

    python scripts/make_tiny_model.py OUT_DIR [--seed N] [--layout opus-mt|nllb]

The directory has the layout that

    ct2-transformers-converter --model Helsinki-NLP/opus-mt-fr-no --copy_files source.spm target.spm

produces (model.bin, config.json, shared_vocabulary.json, source.spm, target.spm), plus an
mtqa-model.json manifest. Only ctranslate2, sentencepiece and numpy are needed: the two
SentencePiece models are trained on the repository's corpora/ and the Transformer is filled
with seeded random weights. The translations are nonsense, but the real loading,
tokenisation, batching, caching and scoring paths run on it, deterministically, in seconds.

With --layout nllb the directory looks like a converted NLLB-200 model instead: one
sentencepiece.bpe.model for both languages and the language tokens fra_Latn, nob_Latn.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
import time
from pathlib import Path

import ctranslate2
import numpy as np
import sentencepiece as spm
from ctranslate2.specs import transformer_spec

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
MANIFEST = "mtqa-model.json"

# Small enough to build and load in well under a second, big enough to be a real Transformer.
D_MODEL = 32
FFN = 64
LAYERS = 2
HEADS = 2
VOCAB_SIZE = 500  # per SentencePiece model; a soft limit (hard_vocab_limit=False)
MAX_POSITIONS = 512  # as in the OPUS-MT models (max_position_embeddings)
# Random weights never learn to stop: left alone they fall into repetition loops
# ("vise vise vise …") that run to max_decoding_length, which makes tests slow. So the
# decoder gets a clock: one dimension of its residual stream that no sublayer writes to,
# fed by the position encodings with a ramp from -CLOCK_AMPLITUDE to +CLOCK_AMPLITUDE around
# step STOP_AROUND, and read only by the </s> row of the output projection. </s> thus
# becomes likely after about STOP_AROUND pieces whatever the random weights do elsewhere.
CLOCK = D_MODEL - 1
STOP_AROUND = 10
CLOCK_AMPLITUDE = 2.0
EOS_WEIGHT = 40.0
# The decoder's token embeddings are scaled down so that positions and the source (through
# cross-attention) drive it more than the previous piece: fewer loops, and outputs that
# differ from one source to the next. The projection is scaled up so each step has a clear
# winner (tests compare outputs; near-ties would make int8 and float32 differ everywhere).
DECODER_EMBEDDING_SCALE = 0.5
PROJECTION_SCALE = 2.0

# Marian vocabularies start with </s> and <unk>; <s> is there too, as the bos token of the
# config. NLLB's (from its Transformers tokenizer) start with <s>, <pad>, </s>, <unk>.
MARIAN_SPECIALS = ["</s>", "<unk>", "<s>"]
NLLB_SPECIALS = ["<s>", "<pad>", "</s>", "<unk>"]
NLLB_LANGUAGES = ["fra_Latn", "nob_Latn"]


def corpus_lines(pattern: str) -> list[str]:
    """Lines of the matching corpus files, plus their clauses and lowercased copies.

    The corpora hold a few dozen paragraphs per language; splitting them into clauses and
    adding lowercased copies gives SentencePiece a few hundred lines, deterministically.
    """
    lines: list[str] = []
    for path in sorted(CORPORA.glob(pattern)):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"make_tiny_model: no text in {CORPORA / pattern}")
    clauses = [c.strip() for line in lines for c in re.split(r"(?<=[.!?;:,])\s+", line) if c.strip()]
    return lines + clauses + [c.lower() for c in clauses]


def train_spm(lines: list[str], model_type: str = "unigram") -> bytes:
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_writer=model,
        model_type=model_type,
        vocab_size=VOCAB_SIZE,
        hard_vocab_limit=False,  # the corpus may support fewer pieces; take what there is
        character_coverage=1.0,  # keep æ, ø, å, é, ç … as pieces rather than <unk>
        num_threads=1,  # reproducible piece inventory
        shuffle_input_sentence=False,
        # Marian's SentencePiece models: </s> is 0, <unk> is 1, and there is no <s>.
        eos_id=0,
        unk_id=1,
        bos_id=-1,
        pad_id=-1,
        minloglevel=2,
    )
    return model.getvalue()


def pieces(model: bytes) -> list[str]:
    sp = spm.SentencePieceProcessor(model_proto=model)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def sinusoids(length: int, depth: int) -> np.ndarray:
    """Marian's sinusoidal position table: sines in the first half, cosines in the second."""
    inv_freq = 1.0 / (10000 ** (np.arange(0, depth, 2) / depth))
    angles = np.arange(length)[:, None] * inv_freq[None, :]
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1).astype(np.float32)


def fill_spec(spec: transformer_spec.TransformerSpec, vocab: list[str], outputs: set[str],
              rng: np.random.Generator) -> None:
    """Set every weight of `spec`; only "</s>" and the tokens in `outputs` can be generated."""
    d = D_MODEL

    def dense(rows: int, cols: int) -> np.ndarray:
        # Scaled so activations stay around unit variance through the layers.
        return (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)

    def bias(n: int) -> np.ndarray:
        return (0.02 * rng.standard_normal(n)).astype(np.float32)

    def linear(spec_, rows: int, cols: int, writes_residual: bool = False) -> None:
        spec_.weight = dense(rows, cols)
        spec_.bias = bias(rows)
        if writes_residual:  # decoder sublayer output: leave the clock dimension alone
            spec_.weight[CLOCK] = 0.0
            spec_.bias[CLOCK] = 0.0

    def layer_norm(spec_, decoder: bool = False) -> None:
        spec_.gamma = (1.0 + 0.05 * rng.standard_normal(d)).astype(np.float32)
        spec_.beta = bias(d)
        if decoder:
            spec_.gamma[CLOCK], spec_.beta[CLOCK] = 1.0, 0.0

    def ffn(spec_, decoder: bool = False) -> None:
        linear(spec_.linear_0, FFN, d)
        linear(spec_.linear_1, d, FFN, writes_residual=decoder)
        layer_norm(spec_.layer_norm, decoder)

    # OPUS-MT models tie the encoder and decoder embeddings and the output projection; here
    # the decoder's are a scaled copy, and the projection is its own matrix (see the scales).
    embeddings = dense(len(vocab), d)
    positions = sinusoids(MAX_POSITIONS, d)

    enc = spec.encoder
    enc.embeddings[0].weight = embeddings
    enc.scale_embeddings = True  # multiply by sqrt(d_model), as Marian does
    enc.position_encodings.encodings = positions
    for layer in enc.layer:
        linear(layer.self_attention.linear[0], 3 * d, d)  # fused queries, keys, values
        linear(layer.self_attention.linear[1], d, d)
        layer_norm(layer.self_attention.layer_norm)
        ffn(layer.ffn)

    dec = spec.decoder
    dec_embeddings = DECODER_EMBEDDING_SCALE * embeddings
    dec_embeddings[:, CLOCK] = 0.0
    dec.embeddings.weight = dec_embeddings
    dec.scale_embeddings = True
    dec_positions = positions.copy()
    steps = np.arange(MAX_POSITIONS)
    dec_positions[:, CLOCK] = CLOCK_AMPLITUDE * np.tanh((steps - STOP_AROUND) / 3.0)
    dec.position_encodings.encodings = dec_positions
    for layer in dec.layer:
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d, writes_residual=True)
        layer_norm(layer.self_attention.layer_norm, decoder=True)
        linear(layer.attention.linear[0], d, d)  # queries from the decoder
        linear(layer.attention.linear[1], 2 * d, d)  # fused keys, values from the encoder
        linear(layer.attention.linear[2], d, d, writes_residual=True)
        layer_norm(layer.attention.layer_norm, decoder=True)
        ffn(layer.ffn, decoder=True)

    projection = PROJECTION_SCALE * dense(len(vocab), d)
    projection[:, CLOCK] = 0.0
    eos = vocab.index("</s>")
    projection[eos] = 0.0
    projection[eos, CLOCK] = EOS_WEIGHT
    dec.projection.weight = projection
    # Tokens the target side cannot decode (<s>, <unk>, <pad>, language tokens, French-only
    # pieces of a joint vocabulary) are kept out of the output, as a trained model would.
    logit_bias = np.zeros(len(vocab), dtype=np.float32)
    for i, token in enumerate(vocab):
        if token != "</s>" and token not in outputs:
            logit_bias[i] = -10.0
    dec.projection.bias = logit_bias


def _joint(*parts: list[str]) -> list[str]:
    """The tokens of `parts` in order, each once."""
    return list(dict.fromkeys(token for part in parts for token in part))


def build_tiny_model(out_dir: Path, seed: int = 0, layout: str = "opus-mt", *, add_source_eos: bool = False,
                     target_tokens: tuple[str, ...] = ()) -> Path:
    """Write the tiny model into `out_dir` (created if needed; files there are replaced).

    layout "m2m" is an M2M-100 layout (one sentencepiece.bpe.model, __fr__ / __nb__ tokens).
    add_source_eos: the config says CTranslate2 appends </s> (as models converted from original
    Marian checkpoints do). target_tokens: OPUS-MT target tokens (">>nob<<") in the vocabulary,
    which the manifest's direction then puts before every source sentence."""
    if layout not in ("opus-mt", "nllb", "m2m"):
        raise ValueError(f"layout must be opus-mt, nllb or m2m, not {layout!r}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    french, norwegian = corpus_lines("fr/*.fr.txt"), corpus_lines("nb/*.nb.txt")

    spec = transformer_spec.TransformerSpec.from_config(LAYERS, HEADS, pre_norm=False)
    if layout == "opus-mt":
        tokenizers = {"source.spm": train_spm(french), "target.spm": train_spm(norwegian)}
        target_pieces = pieces(tokenizers["target.spm"])
        # One joint vocabulary over both SentencePiece models, as in OPUS-MT's vocab.yml.
        vocab = _joint(MARIAN_SPECIALS, list(target_tokens), pieces(tokenizers["source.spm"]), target_pieces)
        outputs = set(target_pieces)
        # As MarianMTLoader.set_config: decoding starts from </s>, whose embedding is replaced
        # by zeros (start_from_zero_embedding, as MarianMTLoader.set_decoder sets it).
        start_token = "</s>"
        spec.decoder.start_from_zero_embedding = True
        direction = {"source": "fr", "target": "nb", "source_code": "fra", "target_code": "nob",
                     "source_prefix": list(target_tokens[:1]), "target_prefix": []}
    else:
        # NLLB's tokenizer is one BPE SentencePiece model for every language.
        tokenizers = {"sentencepiece.bpe.model": train_spm(french + norwegian, model_type="bpe")}
        joint_pieces = pieces(tokenizers["sentencepiece.bpe.model"])
        languages = NLLB_LANGUAGES if layout == "nllb" else ["__fr__", "__nb__"]
        vocab = _joint(NLLB_SPECIALS, joint_pieces, languages)
        outputs = set(joint_pieces)
        start_token = "</s>"  # NLLB's decoder_start_token_id is </s> as well
        direction = {"source": "fr", "target": "nb", "source_code": languages[0], "target_code": languages[1],
                     "source_prefix": [languages[0]], "target_prefix": [languages[1]]}

    fill_spec(spec, vocab, outputs, np.random.default_rng(seed))
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.eos_token = "</s>"
    spec.config.unk_token = "<unk>"
    spec.config.bos_token = "<s>"
    spec.config.decoder_start_token = start_token
    spec.config.add_source_eos = add_source_eos
    spec.validate()
    spec.optimize(quantization="float32")

    # spec.save refuses to overwrite, so clear what a previous build left.
    for name in ("model.bin", "config.json", "shared_vocabulary.json", MANIFEST, *tokenizers):
        (out_dir / name).unlink(missing_ok=True)
    spec.save(str(out_dir))
    for name, model in tokenizers.items():
        (out_dir / name).write_bytes(model)

    # The keys mtqa.mt.models writes for pulled models, without the file hashes.
    manifest = {
        "name": f"tiny-random-{layout}",
        "origin": "scripts/make_tiny_model.py",
        "family": {"opus-mt": "marian", "nllb": "nllb", "m2m": "m2m"}[layout],
        # M2M: no directions, the language tokens are read from the vocabulary (as mtqa models pull writes it).
        "directions": [direction] if layout != "m2m" else [],
        "note": "random weights: the output is nonsense; for tests of the loading, "
                "tokenisation, batching, caching and scoring paths only",
        "seed": seed,
        "d_model": D_MODEL,
        "layers": LAYERS,
        "vocabulary_size": len(vocab),
        "ctranslate2": ctranslate2.__version__,
        "sentencepiece": spm.__version__,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return out_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--layout", choices=("opus-mt", "nllb", "m2m"), default="opus-mt")
    parser.add_argument("--add-source-eos", action="store_true")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    out = build_tiny_model(args.out_dir, seed=args.seed, layout=args.layout, add_source_eos=args.add_source_eos)
    print(f"tiny model written to {out} in {time.perf_counter() - start:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
