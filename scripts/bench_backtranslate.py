"""Benchmark back-translation speed: CTranslate2 (through mtqa's BackTranslator) against
Hugging Face transformers' `generate`, on the same randomly initialised OPUS-MT-sized model.

Issue acceptance: "CTranslate2 int8 on CPU at least 3x the sentences/s of transformers'
generate on the same model and settings, measured in one run".

What it does
------------
1. Builds (once; cached under --workdir) a seeded, randomly initialised `MarianMTModel` with
   the shape of Helsinki-NLP/opus-mt-fr-no: d_model 512, 6 encoder + 6 decoder layers,
   8 heads, FFN 2048, swish, sinusoidal positions (512), shared embeddings tied to the output
   projection, and a joint vocabulary of --vocab-size entries (default 58 101, MarianConfig's
   default). The MarianTokenizer's source.spm / target.spm are SentencePiece unigram models
   trained here on French text (FLORES-200 dev fr.txt + corpora/fr) and Norwegian text
   (nb.txt + corpora/nb), read in place from ../shared/data/flores200-dev and corpora/.
   Their pieces, `</s>`, `<unk>` and `>>nob<<` (the target-language token that
   opus-mt-fr-no wants) fill the start of the vocabulary; filler tokens `<fill_N>` pad it to
   the chosen size (the output projection over ~58k entries is a large part of the decoding
   cost, so it must be there); `<pad>` comes last, as in the OPUS-MT checkpoints.
2. Fixed output length. Random weights never choose `</s>` reliably, so the model is made
   unable to end early: `final_logits_bias` is set to -10 000 at `</s>` and `<pad>`
   (OPUS-MT's `bad_words_ids` also bans `<pad>`). Both engines then decode until their
   length limit, which is set to the same --target-tokens (BackTranslator's
   `max_decoding_length`, transformers' `max_new_tokens`); no min-length logits processor
   and no forced EOS are used by either. A verification pass (not timed) checks that every
   engine produced exactly --target-tokens target tokens for each sentence, that both
   engines saw the same number of source tokens, and how often CT2 and transformers chose
   the very same tokens (evidence that it is the same model).
3. Converts the saved model with the real converter, `mtqa.mt.models.convert_local`
   (ctranslate2.converters.TransformersConverter), to int8 and float32 CTranslate2 dirs.
4. Times, on the first --segments lines of FLORES-200 dev fr.txt (cycled if more than 997):
     * CT2 int8 and float32 through `mtqa.mt.ct2.BackTranslator` (cache disabled,
       greedy: beam_size 1, inter_threads 1, intra_threads = --threads);
     * the same ctranslate2.Translator called directly ("raw": SentencePiece encode,
       translate_batch, decode; no cache keys, no dedup), to show the wrapper's cost
       (int8 only by default; --raw int8,float32 adds float32, --raw none drops it);
     * transformers `model.generate` (greedy, num_beams 1, do_sample False, float32, under
       torch.inference_mode, torch.set_num_threads(--threads)), with MarianTokenizer
       encoding and batch_decode inside the timing, as the CT2 paths include theirs;
   at batch sizes 1, 16 and 64 sentences: the caller cuts the segments into consecutive
   chunks of that many and hands each chunk to the engine in one call. At each batch size
   all engines time the same segments (--limit caps how many, for the slow batch-1 runs).
   Runs are interleaved chunk by chunk: each chunk goes to every engine in turn (the order
   rotating from chunk to chunk and from repeat to repeat), so a burst of load from other jobs
   on this shared machine falls on all engines alike; an engine's time for a repeat is the
   sum over its chunks, and the median of --repeats repeats is reported.
   With a CUDA device, CT2 float16 / int8_float16 and transformers float16 on cuda are
   added; without one they are skipped with a note.

Usage:
    /work/venv/bin/python scripts/bench_backtranslate.py --out /tmp/bench-backtranslate.md
    python scripts/bench_backtranslate.py --limit 1=60 --limit 16=320 --limit 64=640 --repeats 3
    python scripts/bench_backtranslate.py --build-only          # just build/convert the model
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import platform
import shlex
import shutil
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "data" / "flores200-dev"
CORPORA = ROOT / "corpora"
DEFAULT_WORKDIR = Path("/tmp/mtqa-bench-backtranslate")
BUILD_FORMAT = 1  # bump when the built artefacts change

# Helsinki-NLP/opus-mt-* (Marian "transformer-align" base) shape.
ARCH = dict(d_model=512, encoder_layers=6, decoder_layers=6, encoder_attention_heads=8,
            decoder_attention_heads=8, encoder_ffn_dim=2048, decoder_ffn_dim=2048,
            max_position_embeddings=512, activation_function="swish", scale_embedding=True,
            share_encoder_decoder_embeddings=True, static_position_embeddings=True,
            normalize_before=False, normalize_embedding=False)
SPM_VOCAB = 8000           # per SentencePiece model (soft limit: the text may support fewer)
LANGUAGE_TOKEN = ">>nob<<"  # opus-mt-fr-no is multi-target: the source starts with >>nob<<
BLOCKED_LOGIT = -10_000.0   # final_logits_bias at </s> and <pad>: never chosen (fits float16)
DEFAULT_LIMITS = {1: 16, 16: 64, 64: 128}  # segments timed per batch size (fits ~10 min on 2 busy cores)


# ---------------------------------------------------------------- input text

def flores(lang: str) -> list[str]:
    path = DATA / f"{lang}.txt"
    if not path.is_file():
        raise SystemExit(f"bench_backtranslate: {path} not found")
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def corpus(lang: str) -> list[str]:
    lines: list[str] = []
    for path in sorted((CORPORA / lang).glob(f"*.{lang}.txt")):
        lines += [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return lines


def segments(n: int) -> list[str]:
    lines = flores("fr")
    return [lines[i % len(lines)] for i in range(n)]


# ---------------------------------------------------------------- building the model

def build_settings(args) -> dict:
    import ctranslate2
    import sentencepiece
    import torch
    import transformers

    return {"format": BUILD_FORMAT, "seed": args.seed, "vocab_size": args.vocab_size, "spm_vocab": SPM_VOCAB,
            "arch": ARCH, "language_token": LANGUAGE_TOKEN, "blocked_logit": BLOCKED_LOGIT,
            "versions": {"ctranslate2": ctranslate2.__version__, "transformers": transformers.__version__,
                         "torch": torch.__version__, "sentencepiece": sentencepiece.__version__}}


def train_spm(lines: list[str]) -> bytes:
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, model_type="unigram", vocab_size=SPM_VOCAB,
        hard_vocab_limit=False, character_coverage=1.0, num_threads=1, shuffle_input_sentence=False,
        eos_id=0, unk_id=1, bos_id=-1, pad_id=-1,  # as in the Marian SentencePiece models
        minloglevel=2)
    return buf.getvalue()


def build(workdir: Path, settings: dict, say) -> Path:
    """The cached model directory for `settings` (hf/, ct2-int8/, ct2-float32/), built if needed."""
    key = hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()[:12]
    home = workdir / f"model-{key}"
    if (home / "settings.json").is_file():
        say(f"using the cached model in {home}")
        return home
    import sentencepiece as spm
    import torch
    import transformers

    from mtqa.mt.models import convert_local

    start = time.perf_counter()
    partial = workdir / f"model-{key}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    hf = partial / "hf"
    hf.mkdir(parents=True)
    say("training SentencePiece models on flores dev + corpora")
    (hf / "source.spm").write_bytes(train_spm(flores("fr") + corpus("fr")))
    (hf / "target.spm").write_bytes(train_spm(flores("nb") + corpus("nb")))

    vocab: dict[str, int] = {}
    for token in ("</s>", "<unk>", LANGUAGE_TOKEN):
        vocab.setdefault(token, len(vocab))
    for name in ("source.spm", "target.spm"):
        sp = spm.SentencePieceProcessor(model_file=str(hf / name))
        for i in range(sp.get_piece_size()):
            if not sp.is_control(i):
                vocab.setdefault(sp.id_to_piece(i), len(vocab))
    real = len(vocab)
    if real >= settings["vocab_size"]:
        raise SystemExit(f"--vocab-size {settings['vocab_size']} is below the {real + 1} real tokens")
    while len(vocab) < settings["vocab_size"] - 1:
        vocab[f"<fill_{len(vocab)}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (hf / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    with warnings.catch_warnings():  # "Recommended: pip install sacremoses."
        warnings.simplefilter("ignore")
        tokenizer = transformers.MarianTokenizer(str(hf / "source.spm"), str(hf / "target.spm"),
                                                 str(hf / "vocab.json"), source_lang="fr", target_lang="nb")
    eos, pad = vocab["</s>"], vocab["<pad>"]
    config = transformers.MarianConfig(
        vocab_size=len(vocab), decoder_vocab_size=len(vocab), pad_token_id=pad, eos_token_id=eos,
        decoder_start_token_id=pad, forced_eos_token_id=None, bos_token_id=None, **ARCH)
    say(f"building MarianMTModel (seed {settings['seed']}, vocabulary {len(vocab)}: {real} real tokens)")
    torch.manual_seed(settings["seed"])
    model = transformers.MarianMTModel(config).eval()
    with torch.no_grad():
        model.final_logits_bias[0, eos] = BLOCKED_LOGIT
        model.final_logits_bias[0, pad] = BLOCKED_LOGIT
    model.generation_config = transformers.GenerationConfig(
        decoder_start_token_id=pad, pad_token_id=pad, eos_token_id=eos, num_beams=1, do_sample=False)
    model.save_pretrained(hf)
    tokenizer.save_pretrained(hf)
    params = sum(p.numel() for p in model.parameters())
    del model

    for quantization in ("int8", "float32"):
        say(f"converting with mtqa.mt.models.convert_local ({quantization})")
        convert_local(hf, partial / f"ct2-{quantization}", quantization, force=True)
    info = dict(settings, parameters=params, real_tokens=real,
                built_s=round(time.perf_counter() - start, 1))
    (partial / "settings.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(home, ignore_errors=True)
    os.replace(partial, home)
    say(f"model built in {info['built_s']} s")
    return home


# ---------------------------------------------------------------- engines

@dataclass
class Engine:
    name: str           # row label
    engine: str         # "ctranslate2" / "transformers"
    path: str           # "BackTranslator" / "raw" / "generate"
    compute: str
    device: str

    def run(self, chunks: list[list[str]]) -> tuple[int, int | None, list[list[str]] | None]:
        """Translate every chunk (one call each); (sentences, target tokens or None, token lists)."""
        raise NotImplementedError


class _CountingTranslator:
    """Stands in for BackTranslator.translator during the (untimed) verification pass only."""

    def __init__(self, inner):
        self.inner = inner
        self.hypotheses: list[list[str]] = []
        self.sources: list[int] = []

    def translate_batch(self, source, *args, **kwargs):
        results = self.inner.translate_batch(source, *args, **kwargs)
        self.sources += [len(s) for s in source]
        self.hypotheses += [r.hypotheses[0] for r in results]
        return results

    def __getattr__(self, name):
        return getattr(self.inner, name)


@dataclass
class BackTranslatorEngine(Engine):
    bt: object = None

    def run(self, chunks, record=False):
        if not record:
            for chunk in chunks:
                self.bt.translate(chunk)
            return sum(map(len, chunks)), None, None
        inner = self.bt.translator
        self.bt.translator = counting = _CountingTranslator(inner)
        try:
            for chunk in chunks:
                self.bt.translate(chunk)
        finally:
            self.bt.translator = inner
        self.last_sources = counting.sources
        return len(counting.hypotheses), sum(map(len, counting.hypotheses)), counting.hypotheses


@dataclass
class RawEngine(Engine):
    bt: object = None   # borrows the BackTranslator's ctranslate2.Translator and SentencePiece models
    max_decoding_length: int = 0

    def run(self, chunks, record=False):
        translator, src_sp, tgt_sp = self.bt.translator, self.bt.source_sp, self.bt.target_sp
        prefix = list(self.bt.layout.source_prefix)
        n = tokens = 0
        kept: list[list[str]] = []
        sources: list[int] = []
        for chunk in chunks:
            batch = [[*prefix, *src_sp.encode(t, out_type=str), "</s>"] for t in chunk]
            results = translator.translate_batch(batch, beam_size=1, max_decoding_length=self.max_decoding_length)
            hyps = [r.hypotheses[0] for r in results]
            [tgt_sp.decode(h) for h in hyps]
            n += len(hyps)
            tokens += sum(map(len, hyps))
            if record:
                kept += hyps
                sources += [len(s) for s in batch]
        self.last_sources = sources
        return n, tokens, kept if record else None


@dataclass
class TransformersEngine(Engine):
    model: object = None
    tokenizer: object = None
    generation_config: object = None

    def run(self, chunks, record=False):
        import torch

        tok, model = self.tokenizer, self.model
        blocked = {tok.eos_token_id, tok.pad_token_id}
        n = tokens = 0
        kept: list[list[str]] = []
        sources: list[int] = []
        for chunk in chunks:
            enc = tok([f"{LANGUAGE_TOKEN} {t}" for t in chunk], return_tensors="pt", padding=True,
                      truncation=True, max_length=512)
            enc = {k: v.to(self.device) for k, v in enc.items()}
            with torch.inference_mode():
                out = model.generate(**enc, generation_config=self.generation_config)
            new = out[:, 1:].cpu()  # out[:, 0] is the decoder start token
            tok.batch_decode(new, skip_special_tokens=True)
            n += new.shape[0]
            # Sequences stop only at max_new_tokens (</s> and <pad> are blocked), so every
            # position is a generated token; a </s> or <pad> would mean an early stop.
            bad = sum(int((new == b).sum()) for b in blocked)
            tokens += new.numel() - bad
            if record:
                kept += [tok.convert_ids_to_tokens(row) for row in new.tolist()]
                sources += enc["attention_mask"].sum(dim=1).tolist()
        self.last_sources = sources
        return n, tokens, kept if record else None


def make_engines(home: Path, args, say) -> tuple[list[Engine], list[str]]:
    import ctranslate2
    import torch
    import transformers

    from mtqa.mt.ct2 import MAX_INPUT_LENGTH, BackTranslator

    notes: list[str] = []
    engines: list[Engine] = []
    cuda = ctranslate2.get_cuda_device_count() > 0
    max_tokens = max(args.batch_sizes) * (MAX_INPUT_LENGTH + 2)  # one chunk is always one CT2 batch

    def ct2(compute: str, device: str, raw: bool):
        bt = BackTranslator(home / ("ct2-int8" if compute.startswith("int8") else "ct2-float32"),
                            device=device, compute_type=compute, inter_threads=1, intra_threads=args.threads,
                            beam_size=1, max_batch_tokens=max_tokens,
                            max_decoding_length=args.target_tokens, cache_dir=False)
        label = f"CT2 {compute}{' ' + device if device != 'cpu' else ''}"
        engines.append(BackTranslatorEngine(f"{label} (BackTranslator)", "ctranslate2", "BackTranslator",
                                            compute, device, bt=bt))
        if raw:
            engines.append(RawEngine(f"{label} (raw)", "ctranslate2", "raw", compute, device, bt=bt,
                                     max_decoding_length=args.target_tokens))

    raw = {c.strip() for c in args.raw.split(",")} - {"none", ""}
    for compute in ("int8", "float32"):
        ct2(compute, "cpu", raw=compute in raw)

    torch.set_num_threads(args.threads)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tokenizer = transformers.MarianTokenizer.from_pretrained(home / "hf")
        model = transformers.MarianMTModel.from_pretrained(home / "hf").eval()
    eos, pad = tokenizer.eos_token_id, tokenizer.pad_token_id
    bias = model.final_logits_bias[0]
    if not (bias[eos] <= BLOCKED_LOGIT / 2 and bias[pad] <= BLOCKED_LOGIT / 2):
        raise SystemExit("bench_backtranslate: the saved model lost its final_logits_bias")
    gen = transformers.GenerationConfig(
        max_new_tokens=args.target_tokens, num_beams=1, do_sample=False, decoder_start_token_id=pad,
        pad_token_id=pad, eos_token_id=eos)
    engines.append(TransformersEngine("transformers float32 (generate)", "transformers", "generate",
                                      "float32", "cpu", model=model, tokenizer=tokenizer, generation_config=gen))

    if cuda and torch.cuda.is_available():
        supported = ctranslate2.get_supported_compute_types("cuda")
        for compute in ("float16", "int8_float16"):
            if compute in supported:
                ct2(compute, "cuda", raw=False)
            else:
                notes.append(f"CT2 {compute} on cuda skipped: not supported by this GPU")
        gpu_model = transformers.MarianMTModel.from_pretrained(home / "hf", dtype=torch.float16).eval().to("cuda")
        engines.append(TransformersEngine("transformers float16 cuda (generate)", "transformers", "generate",
                                          "float16", "cuda", model=gpu_model, tokenizer=tokenizer,
                                          generation_config=gen))
    else:
        why = "ctranslate2 sees no CUDA device" if not cuda else "torch has no CUDA"
        notes.append(f"GPU rows (CT2 float16 / int8_float16, transformers float16 on cuda) skipped: {why}")
    say(f"engines: {', '.join(e.name for e in engines)}")
    return engines, notes


# ---------------------------------------------------------------- measuring

def chunked(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def verify(engines: list[Engine], texts: list[str], batch: int, target_tokens: int) -> list[str]:
    """Untimed: every engine gives exactly target_tokens per sentence from the same source lengths."""
    lines = []
    outputs: dict[str, list[list[str]]] = {}
    sources: dict[str, list[int]] = {}
    for e in engines:
        n, tokens, hyps = e.run(chunked(texts, batch), record=True)
        lengths = sorted({len(h) for h in hyps})
        ok = n == len(texts) and lengths == [target_tokens] and tokens == n * target_tokens
        lines.append(f"{e.name}: {n} sentences, {tokens} target tokens, lengths per sentence "
                     f"{lengths} → {'OK' if ok else 'MISMATCH'}")
        if not ok:
            raise SystemExit(f"bench_backtranslate: verification failed: {lines[-1]}")
        outputs[e.name], sources[e.name] = hyps, e.last_sources
    names = list(outputs)
    ref = next(n for n in names if n.startswith("transformers float32"))
    for name in names:
        if sources[name] != sources[ref]:
            raise SystemExit(f"bench_backtranslate: {name} saw other source lengths than {ref}")
    lines.append(f"source tokens per sentence identical in all engines "
                 f"(mean {statistics.mean(sources[ref]):.1f}, incl. {LANGUAGE_TOKEN} and </s>)")
    for name in names:
        if name == ref or not name.startswith("CT2") or "(raw)" in name:
            continue
        same = sum(a == b for a, b in zip(outputs[name], outputs[ref]))
        steps = sum(x == y for a, b in zip(outputs[name], outputs[ref]) for x, y in zip(a, b))
        lines.append(f"{name} vs {ref}: {same}/{len(texts)} outputs token-identical, "
                     f"{100 * steps / (len(texts) * target_tokens):.1f} % of token positions equal")
    return lines


@dataclass
class Cell:
    engine: Engine
    batch: int
    segments: int
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)   # process CPU seconds (all threads) per repeat

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def rate(self) -> float:
        return self.segments / self.median

    def speedup(self, other: "Cell") -> float:
        """Median over repeats of other's time / this one's in the same repeat (paired: same
        minutes, same outside load), i.e. how many times this one's sentences/s."""
        return statistics.median(o / t for t, o in zip(self.times, other.times))


def measure(engines: list[Engine], texts: list[str], batch_sizes: list[int], limits: dict[int, int],
            repeats: int, target_tokens: int, say) -> dict[tuple[str, int], Cell]:
    """Time every engine on the same chunks, interleaved chunk by chunk.

    The machine is shared: other jobs come and go within seconds. So rather than one engine
    running all its chunks and then the next engine, every chunk is given to every engine in
    turn (the order rotating from chunk to chunk and from repeat to repeat) and each engine's
    times are summed; a burst of outside load then falls on all engines alike. One repeat
    gives one total per engine and batch size; the median of the repeats is reported."""
    cells: dict[tuple[str, int], Cell] = {}
    for b in batch_sizes:
        for e in engines:
            cells[e.name, b] = Cell(e, b, min(limits.get(b, len(texts)), len(texts)))
    for rep in range(repeats):
        for b in batch_sizes:
            n_segments = cells[engines[0].name, b].segments
            chunks = chunked(texts[:n_segments], b)
            totals = {e.name: 0.0 for e in engines}
            cpu = {e.name: 0.0 for e in engines}
            done = {e.name: [0, 0] for e in engines}
            for i, chunk in enumerate(chunks):
                k = (rep + i) % len(engines)
                for e in engines[k:] + engines[:k]:
                    start, start_cpu = time.perf_counter(), time.process_time()
                    n, tokens, _ = e.run([chunk])
                    totals[e.name] += time.perf_counter() - start
                    cpu[e.name] += time.process_time() - start_cpu
                    done[e.name][0] += n
                    done[e.name][1] += n * target_tokens if tokens is None else tokens
            for e in engines:
                n, tokens = done[e.name]
                if n != n_segments or tokens != n * target_tokens:
                    raise SystemExit(f"bench_backtranslate: {e.name} at batch {b} gave {n} sentences, "
                                     f"{tokens} tokens")
                cells[e.name, b].times.append(totals[e.name])
                cells[e.name, b].cpu.append(cpu[e.name])
                say(f"repeat {rep + 1}/{repeats} batch {b:>3} {e.name:<36} {n:>4} sentences "
                    f"{totals[e.name]:7.2f} s  {n / totals[e.name]:7.2f} sent/s")
            say(f"load average {os.getloadavg()[0]:.2f}")
    return cells


# ---------------------------------------------------------------- reporting

def machine_info(threads: int, ct2_model: Path) -> list[tuple[str, str]]:
    import ctranslate2
    import sentencepiece
    import torch
    import transformers

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    flags = ""
    try:
        text = Path("/proc/cpuinfo").read_text()
        have = set(next(line for line in text.splitlines() if line.startswith("flags")).split(":", 1)[1].split())
        flags = ", ".join(f for f in ("avx2", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8") if f in have)
    except (OSError, StopIteration):
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 1
    try:
        capability = torch.backends.cpu.get_cpu_capability()
    except AttributeError:
        capability = "?"
    return [
        ("CPU", f"{cpu} ({flags or 'no AVX2'})"),
        ("CTranslate2 CPU backends", ct2_backends(ct2_model)),
        ("cores usable", f"{usable} (os.cpu_count {os.cpu_count()}); threads used per engine: {threads}"),
        ("OS / Python", f"{platform.system()} {platform.release()} / {platform.python_version()}"),
        ("ctranslate2", f"{ctranslate2.__version__} (CPU compute types: "
                        f"{', '.join(sorted(ctranslate2.get_supported_compute_types('cpu')))}; "
                        f"CUDA devices: {ctranslate2.get_cuda_device_count()})"),
        ("torch", f"{torch.__version__} (CPU capability {capability}, {torch.get_num_threads()} threads)"),
        ("transformers", transformers.__version__),
        ("sentencepiece", sentencepiece.__version__),
    ]


def ct2_backends(model: Path) -> str:
    """What CTranslate2 logs about its CPU kernels (ISA, MKL or oneDNN), from a child process."""
    import subprocess

    code = "import ctranslate2, sys; ctranslate2.Translator(sys.argv[1], device='cpu', compute_type='int8')"
    try:
        done = subprocess.run([sys.executable, "-c", code, str(model)], capture_output=True, text=True,
                              timeout=120, env=dict(os.environ, CT2_VERBOSE="1"))
    except (OSError, subprocess.SubprocessError):
        return "?"
    keep = []
    for line in done.stderr.splitlines():
        text = line.split("[info]", 1)[-1].strip().lstrip("- ").strip()
        if text.startswith(("Selected ISA", "Use Intel MKL", "SGEMM backend", "GEMM_S8 backend",
                            "Selected compute type")):
            keep.append(text)
    return "; ".join(keep) or "?"


def report(args, argv: list[str], info: dict, engines: list[Engine], cells, checks: list[str], notes: list[str],
           machine: list[tuple[str, str]], load: tuple[tuple, tuple], timing: dict) -> str:
    n_tok = args.target_tokens
    out = []
    cmd = " ".join(shlex.quote(a) for a in ["python", "scripts/bench_backtranslate.py", *argv])
    out.append("Command:\n\n```\n" + cmd + "\n```\n")
    out.append("| machine | |\n| --- | --- |")
    out += [f"| {k} | {v} |" for k, v in machine]
    out.append(f"| load average (1 min) | {load[0][0]:.2f} at start, {load[1][0]:.2f} at end "
               f"(shared machine) |")
    out.append("")
    out.append(f"Model: random MarianMTModel, seed {info['seed']}, {info['parameters'] / 1e6:.1f} M parameters "
               f"(d_model 512, 6+6 layers, 8 heads, FFN 2048), vocabulary {info['vocab_size']} "
               f"({info['real_tokens']} real SentencePiece pieces + fillers); every sentence decodes exactly "
               f"{n_tok} target tokens (greedy, beam 1) in every engine. Input: first "
               f"{args.segments} FLORES-200 dev fr.txt lines; at each batch size all engines time the same "
               f"leading segments. Median of {args.repeats} repeats, interleaved chunk by chunk; "
               f"spread: slowest–fastest repeat; sentences per CPU-s: per second of this process's CPU time "
               f"(all its threads).\n")
    out.append("| engine | batch | segments | median s | sentences/s | target tokens/s | spread sent/s | "
               "sentences per CPU-s | × transformers |")
    out.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for b in args.batch_sizes:
        hf = cells.get(("transformers float32 (generate)", b))
        for e in engines:
            c = cells[e.name, b]
            rates = [c.segments / t for t in c.times]
            ratio = f"{c.speedup(hf):.2f}×" if hf and e.device == "cpu" else "–"
            per_cpu = c.segments / statistics.median(c.cpu)
            out.append(f"| {e.name} | {b} | {c.segments} | {c.median:.2f} | {c.rate:.2f} | {c.rate * n_tok:.0f} | "
                       f"{min(rates):.2f}–{max(rates):.2f} | {per_cpu:.2f} | {ratio} |")
    out.append("")
    out.append("Ratios: sentences/s over transformers float32 `generate` at the same batch size on the same "
               "segments. Each repeat gives one ratio (both engines timed in the same minutes, under the same "
               "outside load); in bold the median of the repeats, in brackets each repeat:\n")
    cols = [e for e in engines if e.device == "cpu" and e.engine == "ctranslate2"]
    out.append("| batch | " + " | ".join(e.name for e in cols) + " | wrapper cost (raw / BackTranslator, int8) |")
    out.append("| ---: | " + " | ".join("---:" for _ in cols) + " | ---: |")
    for b in args.batch_sizes:
        hf = cells[("transformers float32 (generate)", b)]
        row = []
        for e in cols:
            c = cells[e.name, b]
            each = ", ".join(f"{h / t:.2f}" for t, h in zip(c.times, hf.times))
            row.append(f"**{c.speedup(hf):.2f}×** ({each})")
        raw, bt = cells.get(("CT2 int8 (raw)", b)), cells.get(("CT2 int8 (BackTranslator)", b))
        wrap = f"{raw.speedup(bt):.3f}" if raw and bt else "–"
        out.append(f"| {b} | " + " | ".join(row) + f" | {wrap} |")
    out.append("")
    out.append("Checks (untimed verification pass):\n")
    out += [f"- {line}" for line in checks]
    out += [f"- {line}" for line in notes]
    out.append(f"- run time: {timing['total']:.0f} s in all (model build/convert {timing['build']:.0f} s"
               f"{' — cached' if timing['build'] < 5 else ''}, loading {timing['load']:.0f} s, "
               f"verification {timing['verify']:.0f} s, timed runs {timing['measure']:.0f} s)")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- main

def parse_limits(values: list[str] | None, batch_sizes: list[int]) -> dict[int, int]:
    """--limit B=N (batch size B times the first N segments) or a bare N (every batch size)."""
    limits = {b: DEFAULT_LIMITS[b] for b in batch_sizes if b in DEFAULT_LIMITS}
    for value in values or []:
        try:
            if "=" in value:
                b, n = value.split("=", 1)
                limits[int(b)] = int(n)
            else:
                limits = {b: int(value) for b in batch_sizes}
        except ValueError:
            raise SystemExit(f"bench_backtranslate: --limit {value!r}: expected B=N or N") from None
    return limits


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help=f"where the built model is cached (default {DEFAULT_WORKDIR})")
    parser.add_argument("--segments", type=int, default=1000, help="input pool: first N flores fr lines")
    parser.add_argument("--limit", action="append", metavar="B=N or N",
                        help="time only the first N segments at batch size B (repeatable; a bare N applies "
                             f"to every batch size); defaults {DEFAULT_LIMITS}")
    parser.add_argument("--batch-sizes", default="1,16,64")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--target-tokens", type=int, default=32,
                        help="target tokens decoded per sentence, in every engine (default 32)")
    parser.add_argument("--threads", type=int, default=0, help="threads per engine (default: usable cores)")
    parser.add_argument("--vocab-size", type=int, default=58101)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--verify-segments", type=int, default=32,
                        help="segments in the untimed verification pass (at the largest batch size)")
    parser.add_argument("--raw", default="int8",
                        help="compute types that also get a raw ctranslate2 row, comma-separated, or none "
                             "(default int8)")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the markdown to this file")
    args = parser.parse_args(argv)
    args.batch_sizes = [int(b) for b in args.batch_sizes.split(",")]
    limits = parse_limits(args.limit, args.batch_sizes)
    if not args.threads:
        try:
            args.threads = len(os.sched_getaffinity(0))
        except AttributeError:
            args.threads = os.cpu_count() or 1

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - t0:7.1f} s] {message}", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    load_start = os.getloadavg()
    logging_quiet()
    settings = build_settings(args)
    home = build(args.workdir, settings, say)
    t_build = time.perf_counter() - t0
    if args.build_only:
        print(home)
        return 0
    info = json.loads((home / "settings.json").read_text())

    engines, notes = make_engines(home, args, say)
    t_load = time.perf_counter() - t0 - t_build
    texts = segments(args.segments)
    say("verification pass (untimed, also the warm-up)")
    checks = verify(engines, texts[:args.verify_segments], max(args.batch_sizes), args.target_tokens)
    verify(engines, texts[:2], 1, args.target_tokens)  # warm the batch-1 path too
    for line in checks:
        say(line)
    t_verify = time.perf_counter() - t0 - t_build - t_load
    cells = measure(engines, texts, args.batch_sizes, limits, args.repeats, args.target_tokens, say)
    t_measure = time.perf_counter() - t0 - t_build - t_load - t_verify
    timing = {"total": time.perf_counter() - t0, "build": t_build, "load": t_load, "verify": t_verify,
              "measure": t_measure}
    text = report(args, argv, info, engines, cells, checks, notes, machine_info(args.threads, home / "ct2-int8"),
                  (load_start, os.getloadavg()), timing)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


def logging_quiet() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()


if __name__ == "__main__":
    sys.exit(main())
