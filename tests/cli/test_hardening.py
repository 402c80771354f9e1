"""Whatever it is given, mtqa ends with a report or with one line on stderr and a documented exit
status: never a traceback, never a hang, never a half-written file.

Covered elsewhere and not repeated here: empty, binary and Latin-1 files and directories at the
command line (test_cli.py::test_bad_input_gets_one_line_and_exit_2), a UTF-16 file with a byte order
mark at the reader (test_io.py), model directories without model.bin or SentencePiece files, empty or
not a directory (test_backtranslation.py, test_translate.py), a cache file that is not a database
(test_translate.py), malformed XLIFF/TMX/PO/JSONL (test_bilingual.py), Ctrl-C sent to the process group
of a 2-job batch (test_batch.py::test_ctrl_c_stops_at_once_and_leaves_only_whole_recorded_reports), and
`mtqa batch` giving the same bytes with --jobs 1 and 2 (test_batch.py::test_jobs_do_not_change_a_byte).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import conftest
from conftest import CORPORA, REPO, SEED_FR, SEED_NB, mtqa_process

from mtqa.core.document import Document


mtqa = mtqa_process  # the command line as users run it


def assert_one_line_error(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("mtqa: error:") and proc.stderr.count("\n") == 1, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, proc.stderr


# ---------------------------------------------------------------- files that are not UTF-8 text


@pytest.mark.parametrize("data, needle", [
    (b"  \n\t\n   \n", "empty"),
    ("Bonjour, le monde.\nDeuxième ligne.\n".encode("utf-16"), "UTF-16"),       # with a byte order mark
    ("Bonjour, le monde.\nDeuxième ligne.\n".encode("utf-16-le"), "UTF-16LE"),  # without one
    ("Bonjour, le monde.\nDeuxième ligne.\n".encode("utf-16-be"), "UTF-16BE"),
], ids=["whitespace-only", "utf-16-bom", "utf-16le", "utf-16be"])
def test_unreadable_text_is_one_line_on_either_side(tmp_path, data, needle):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(data)
    assert_one_line_error(mtqa("check", bad, "--source", SEED_NB), str(bad), needle)
    assert_one_line_error(mtqa("check", SEED_FR, "--source", bad), str(bad), needle)


# ---------------------------------------------------------------- sizes


def test_a_large_article_is_checked_not_refused(tmp_path, flores):
    """About 1 MB (6 500 lines, the FLORES pairs repeated): a report, in bounded memory.
    The 50 MB run is measured by scripts/bench_large.py (docs/benchmarks/large.md)."""
    fr_lines = (flores / "fr.txt").read_text(encoding="utf-8").splitlines()
    nb_lines = (flores / "nb.txt").read_text(encoding="utf-8").splitlines()
    repeat = 1_000_000 // sum(len(line.encode()) + 1 for line in fr_lines) + 1
    fr, nb = tmp_path / "big.fr.txt", tmp_path / "big.nb.txt"
    fr.write_text("\n".join(fr_lines * repeat) + "\n", encoding="utf-8")
    nb.write_text("\n".join(nb_lines * repeat) + "\n", encoding="utf-8")
    report_path = tmp_path / "report.json"
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", "check", fr, "--source", nb, "-f", "json",
                             "-o", report_path, "--disable", "grammar"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    stderr = proc.stderr.read().decode()
    proc.stdout.close()
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode in (0, 1), stderr
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["target"]["lines"] == len(fr_lines) * repeat
    # Human translations: the length of the file must not turn into flags.
    assert report["summary"]["flagged_lines_at_fail_on"] / report["target"]["lines"] <= 0.03
    peak_mb = usage.ru_maxrss / 1024  # KiB on Linux
    assert peak_mb < 1000, f"peak RSS {peak_mb:.0f} MB for a 1 MB article"


LONG_LINE_PIECES = {
    # Each piece once made a stage quadratic or worse, or crash; the line holds 1 MB of them, no space.
    "dots": ".",            # sentence-end search retried at every position (segmenter)
    "email-like": "a@",     # \S+@\S+ retried at every position (language identification)
    "digits": "1",          # int() of more than 4 300 digits (number anchors)
    "words": "Abc.",        # a prefix copy per capitalised word (name anchors), all pairs (coverage)
    "hyphens": "l'a-",      # one "word" of a million characters (coverage, stemmer)
}


def test_a_one_megabyte_line_without_spaces_is_checked(tmp_path):
    """Must finish (the time it takes is measured in scripts/bench_large.py --long-line, not here)."""
    line = "".join(piece * (200_000 // len(piece)) for piece in LONG_LINE_PIECES.values())
    fr, nb = tmp_path / "line.fr.txt", tmp_path / "line.nb.txt"
    fr.write_text(line + "\n", encoding="utf-8")
    nb.write_text("Første linje.\n" + line + "\n", encoding="utf-8")
    proc = mtqa("check", fr, "--source", nb, "-f", "json", cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert report["target"]["lines"] == 1
    assert all(f["line"] == 1 for f in report["flags"])


def test_grammalecte_is_spared_huge_documents_and_segments(monkeypatch):
    from mtqa.checks import grammar
    from mtqa.pipeline import check_article

    sent: list[str] = []
    monkeypatch.setattr(grammar, "available", lambda executable="": True)
    monkeypatch.setattr(grammar, "run_grammalecte", lambda texts, **kw: sent.extend(texts) or [[] for _ in texts])
    doc = Document("a.fr.txt", ("Une phrase courte et complète.", "Une phrase très longue " + "et encore " * 50 + "."))
    result = check_article(doc, checks=[grammar.GrammarCheck(max_segment_chars=100)])
    assert result.checks_run == ["grammar"] and sent == ["Une phrase courte et complète."]

    sent.clear()
    too_large = grammar.GrammarCheck(max_segments=1, max_segment_chars=10_000)
    result = check_article(doc, checks=[too_large])
    assert "too large" in result.checks_skipped["grammar"] and "grammar.max_segments" in result.checks_skipped["grammar"]
    from mtqa.checks import CheckInput

    too_large.prepare([CheckInput(result.target_segments)])  # mtqa batch: a group holding such a document
    too_large.close()
    assert sent == []


def test_the_aligner_holds_one_block_of_costs_at_a_time(monkeypatch):
    """Memory: the banded search computes bead costs a block of rows at a time, and the beads do
    not depend on the block size."""
    from mtqa.source import align as aligner

    source = [f"Sak {i}: Ola Nordmann fikk {i * 7} kroner i {1900 + i % 100}." for i in range(1500)]
    target = [f"Affaire {i} : Ola Nordmann a reçu {i * 7} couronnes en {1900 + i % 100}." for i in range(1500)
              if i % 97]  # some sentences dropped
    whole = aligner.align(source, target)
    rows_asked = []
    real = aligner._bead_costs

    def spy(kind, src, tgt, band, anchors, similarity, weights, r0, r1, only=None):
        rows_asked.append((r1 - r0) * band.width)
        return real(kind, src, tgt, band, anchors, similarity, weights, r0, r1, only)

    monkeypatch.setattr(aligner, "BLOCK_CELLS", 5_000)
    monkeypatch.setattr(aligner, "_bead_costs", spy)
    assert aligner.align(source, target) == whole
    assert len(rows_asked) > 6 * 10 and max(rows_asked) <= 5_000  # many blocks, none larger than asked


# ---------------------------------------------------------------- the wrong files


def test_a_french_source_is_refused(tmp_path):
    """Decision (README, "Output and exit status"): a --source that reads as French is the wrong file
    (or the two are swapped); checking French against French would only produce bogus flags."""
    other = CORPORA / "fr" / "e24-rentemote-krone.fr.txt"
    assert_one_line_error(mtqa("check", SEED_FR, "--source", other), str(other), "reads as French")
    assert_one_line_error(mtqa("check", SEED_NB, "--source", SEED_FR), "swapped")


def test_a_bad_option_value_says_what_is_allowed_in_plain_words():
    """The value's problem and the allowed values, without the validator's own vocabulary
    (Typer checks values through pydantic, whose messages open with "Value error,")."""
    proc = mtqa("check", SEED_FR, "-f", "xyz")
    assert_one_line_error(proc, "'--format'", "'xyz' is not one of", "'json'")
    assert "Value error" not in proc.stderr


def test_a_clean_article_says_no_flags(tmp_path):
    fr, nb = tmp_path / "a.fr.txt", tmp_path / "a.nb.txt"
    fr.write_text("Le gouvernement a présenté le budget mardi.\n", encoding="utf-8")
    nb.write_text("Regjeringen la fram budsjettet tirsdag.\n", encoding="utf-8")
    proc = mtqa("check", fr, "--source", nb)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().splitlines()[-1] == "no flags; pass at --fail-on major", proc.stdout


def test_the_same_file_on_both_sides_is_refused(tmp_path):
    copy = tmp_path / "a.fr.txt"
    shutil.copy(SEED_FR, copy)
    link = tmp_path / "link.txt"
    link.symlink_to(copy)
    assert_one_line_error(mtqa("check", copy, "--source", link), "both the article and its source")


# ---------------------------------------------------------------- models and their cache


def test_a_missing_or_corrupt_model_is_one_line(tiny_model, tmp_path):  # noqa: F811 (fixture)
    missing = tmp_path / "no-such-model"
    assert_one_line_error(mtqa("check", SEED_FR, "--source", SEED_NB, "--model", missing), str(missing),
                          "does not exist")
    corrupt = shutil.copytree(tiny_model, tmp_path / "corrupt")
    (corrupt / "model.bin").write_bytes(b"\0garbage" * 64)
    assert_one_line_error(mtqa("check", SEED_FR, "--source", SEED_NB, "--model", corrupt), str(corrupt),
                          "cannot load the model")


def _cache_file(cache_home: Path) -> Path:
    return cache_home / "mtqa" / "backtranslations.sqlite3"


def test_a_corrupt_cache_is_rebuilt_and_the_report_unchanged(tiny_model, tmp_path):  # noqa: F811 (fixture)
    cache_home = tmp_path / "cache"
    env = {"XDG_CACHE_HOME": str(cache_home)}
    args = ("check", SEED_FR, "--source", SEED_NB, "--model", tiny_model, "-f", "json")
    clean = mtqa(*args, env_extra=env)
    assert clean.returncode in (0, 1), clean.stderr
    cache = _cache_file(cache_home)
    with sqlite3.connect(cache) as con:
        rows = con.execute("SELECT COUNT(*) FROM translations").fetchone()[0]
    assert rows > 0

    # Pages overwritten in the middle of the file: sqlite reports the database as malformed.
    data = bytearray(cache.read_bytes())
    for offset in range(4096, len(data), 1024):
        data[offset:offset + 64] = b"\xaa" * 64
    cache.write_bytes(bytes(data))
    again = mtqa(*args, env_extra=env)
    assert again.returncode == clean.returncode and "Traceback" not in again.stderr
    assert again.stdout == clean.stdout
    assert again.stderr.count("\n") == 1 and "is corrupt" in again.stderr, again.stderr  # said once
    with sqlite3.connect(cache) as con:  # rebuilt, and whole
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM translations").fetchone()[0] == rows


def test_a_corrupt_cache_row_is_translated_again(tiny_model, tmp_path):  # noqa: F811 (fixture)
    from mtqa.mt.ct2 import CACHE_FILE, BackTranslator

    texts = ["Le budget affiche un déficit.", "Le ministre a parlé mardi.", "Voir plus"]

    def translator():
        return BackTranslator(tiny_model, device="cpu", intra_threads=1, cache_dir=tmp_path)

    first = translator().translate(texts)
    with sqlite3.connect(tmp_path / CACHE_FILE) as con:
        keys = [k for (k,) in con.execute("SELECT key FROM translations ORDER BY key")]
        con.execute("UPDATE translations SET translation = ? WHERE key = ?", (b"\xff\xfe\x00", keys[0]))
    second = translator()
    assert second.translate(texts) == first
    assert second.stats.translated == 1 and second.stats.cache_hits == 2
    with sqlite3.connect(tmp_path / CACHE_FILE) as con:  # the row was replaced by the translation
        assert all(isinstance(v, str) for (v,) in con.execute("SELECT translation FROM translations"))


# ---------------------------------------------------------------- an interrupted batch


def _feed(root: Path, articles: int = 20) -> Path:
    """`articles` articles of ~200 lines (each a sample article ten times), with their sources."""
    (root / "fr").mkdir()
    (root / "nb").mkdir()
    stems = ("dagbladet-russland-nekter", "e24-rentemote-krone", "nrk-droneangrep-kyiv")
    rows = ["target,source"]
    for i in range(articles):
        stem = stems[i % len(stems)]
        for side in ("fr", "nb"):
            text = (CORPORA / side / f"{stem}.{side}.txt").read_text(encoding="utf-8")
            (root / side / f"a{i:02d}.{side}.txt").write_text(text * 10, encoding="utf-8")
        rows.append(f"fr/a{i:02d}.fr.txt,nb/a{i:02d}.nb.txt")
    manifest = root / "feed.csv"
    manifest.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return manifest


@pytest.mark.parametrize("signum, jobs, status, message", [
    (signal.SIGINT, 1, 130, "interrupted"),
    (signal.SIGTERM, 2, 143, "terminated"),
], ids=["ctrl-c", "sigterm-2-jobs"])
def test_an_interrupted_batch_leaves_whole_reports_and_resumes(tmp_path, signum, jobs, status, message):
    manifest = _feed(tmp_path)
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    cmd = [sys.executable, "-m", "mtqa", "batch", "--manifest", manifest, "-o", out, "--jobs", str(jobs),
           "--disable", "grammar"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.glob("a*.fr.json"))) >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=120)
    before = sorted(p.name for p in out.glob("a*.fr.json"))
    assert 3 <= len(before) < 20, "the batch was not stopped mid-way"

    assert proc.returncode == status, stderr
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("mtqa: error:")]
    assert errors == [f"mtqa: error: {message}"], stderr
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]  # written atomically
    for report in out.glob("a*.fr.json"):
        assert json.loads(report.read_text(encoding="utf-8"))["target"]["path"].endswith(".fr.txt")
    state = out / ".mtqa-batch.json"  # the articles recorded as done (a worker may have written more reports)
    recorded = len(json.loads(state.read_text(encoding="utf-8"))["articles"]) if state.exists() else 0

    resumed = subprocess.run(cmd + ["--resume"], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600)
    assert resumed.returncode == 1, resumed.stderr  # the sample articles have major flags
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["articles"] == 20 and summary["totals"]["error"] == 0
    skipped = int(resumed.stderr.split(" skipped: report current")[0].rsplit("(", 1)[1])
    assert skipped == recorded  # what was recorded as done before the interrupt is not done again
    assert len(list(out.glob("a*.fr.json"))) == 20
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


# ---------------------------------------------------------------- determinism and isolation


@pytest.mark.parametrize("args", [
    ("--source", SEED_NB),
    ("--corpus", CORPORA),  # retrieval ranks the candidates
], ids=["source", "retrieval"])
def test_json_is_byte_identical_across_hash_seeds(args):
    outputs = {seed: mtqa("check", SEED_FR, *args, "-f", "json", env_extra={"PYTHONHASHSEED": seed}).stdout
               for seed in ("0", "1", "4242", "random")}
    assert outputs["0"] and len(set(outputs.values())) == 1


def test_the_suite_cannot_reach_the_network(tmp_path):
    """The guard of tests/conftest.py is in place, here and in the processes the tests start."""
    before = len(conftest.network_attempts())
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)  # TEST-NET-1: never routed
    with pytest.raises(OSError):
        socket.getaddrinfo("example.org", 443)
    child = subprocess.run([sys.executable, "-c", "import socket; socket.getaddrinfo('example.org', 443)"],
                           capture_output=True, text=True, env=dict(os.environ), timeout=60)
    assert child.returncode != 0 and "network access disabled" in child.stderr
    attempts = conftest.network_attempts()[before:]
    assert len(attempts) == 3 and "example.org" in attempts[-1]
    conftest.forget_network_attempts(before)  # expected here: do not fail this test for them
    # Loopback and Unix sockets stay usable.
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    with socket.create_connection(server.getsockname(), timeout=5):
        pass
    server.close()


# ---------------------------------------------------------------- issue 11: outputs (write_output)

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="device nodes need root")


@needs_root
def test_output_onto_a_character_device_writes_into_it_and_never_replaces_it(tmp_path):
    from mtqa.report import write_output

    null = tmp_path / "null"
    os.mknod(null, 0o666 | __import__("stat").S_IFCHR, os.makedev(1, 3))  # a private /dev/null
    before = os.stat(null)
    write_output(null, "report\n")
    after = os.stat(null)
    assert __import__("stat").S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert after.st_ino == before.st_ino and after.st_mode == before.st_mode


@needs_root
def test_check_output_onto_a_device_node_from_the_command_line(tmp_path):
    import stat as st
    null = tmp_path / "null"
    os.mknod(null, 0o666 | st.S_IFCHR, os.makedev(1, 3))
    proc = mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "json", "-o", null, "--disable", "grammar")
    assert proc.returncode in (0, 1), proc.stderr
    assert st.S_ISCHR(os.stat(null).st_mode)
    full = tmp_path / "full"
    os.mknod(full, 0o666 | st.S_IFCHR, os.makedev(1, 7))  # /dev/full
    assert_one_line_error(mtqa("check", SEED_FR, "--source", SEED_NB, "-f", "json", "-o", full,
                               "--disable", "grammar"), "cannot write", str(full))
    assert st.S_ISCHR(os.stat(full).st_mode)


def test_output_onto_a_fifo_with_and_without_a_reader(tmp_path):
    import threading

    from mtqa.errors import InputError
    from mtqa.report import write_output

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="cannot write .*FIFO has no reader"):
        write_output(fifo, "x")  # does not block
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    deadline = time.time() + 10
    while True:  # the reader thread opens the FIFO at some point
        try:
            write_output(fifo, "report\n")
            break
        except InputError:
            assert time.time() < deadline
            time.sleep(0.01)
    reader.join(10)
    assert got == [b"report\n"]
    assert __import__("stat").S_ISFIFO(os.lstat(fifo).st_mode)


def test_output_onto_a_socket_or_a_folder_is_refused(tmp_path):
    from mtqa.errors import InputError
    from mtqa.report import write_output

    sock_path = tmp_path / "s"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        with pytest.raises(InputError, match="cannot write .*socket"):
            write_output(sock_path, "x")
    finally:
        server.close()
    with pytest.raises(InputError, match="cannot write .*directory"):
        write_output(tmp_path, "x")
    with pytest.raises(InputError, match="cannot write .*does not exist"):
        write_output(tmp_path / "no" / "r.json", "x")
    with pytest.raises(InputError, match="cannot write"):
        write_output(tmp_path / ("n" * 300), "x")  # a file name over 255 bytes


def test_output_through_a_symlink_keeps_the_link_and_replaces_the_target(tmp_path):
    from mtqa.report import write_output

    target = tmp_path / "real.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_output(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text() == "new" and (os.stat(target).st_mode & 0o777) == 0o640
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "later.json")
    write_output(dangling, "made")
    assert dangling.is_symlink() and (tmp_path / "later.json").read_text() == "made"


def test_written_files_get_the_umask_mode_or_keep_their_own(tmp_path):
    from mtqa.report import write_output

    old = os.umask(0o022)
    try:
        fresh = tmp_path / "fresh.json"
        write_output(fresh, "x")
        assert os.stat(fresh).st_mode & 0o777 == 0o644
        os.umask(0o077)
        write_output(tmp_path / "private.json", "x")
        assert os.stat(tmp_path / "private.json").st_mode & 0o777 == 0o600
        os.chmod(fresh, 0o664)
        write_output(fresh, "y")
        assert os.stat(fresh).st_mode & 0o777 == 0o664 and fresh.read_text() == "y"
    finally:
        os.umask(old)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_output_dash_is_stdout_and_inputs_are_protected(tmp_path, capfdbinary):
    from mtqa.errors import InputError
    from mtqa.report import write_output

    write_output("-", "to stdout\n")
    assert capfdbinary.readouterr().out == b"to stdout\n"
    article = tmp_path / "a.txt"
    article.write_text("x")
    with pytest.raises(InputError, match="refusing to overwrite an input file"):
        write_output(article, "y", protected=[None, tmp_path / "other", article])
    assert article.read_text() == "x"


# ---------------------------------------------------------------- issue 11: linear output


def test_report_size_is_linear_in_a_unit_that_repeats_a_sentence(tmp_path):
    """One JSONL unit repeating a sentence: the JSON report once held the unit's source per segment."""
    sizes = []
    for repeat in (250, 1000):
        path = tmp_path / f"u{repeat}.jsonl"
        path.write_text(json.dumps({"id": "1", "source": "Regjeringen la fram budsjettet i dag. " * repeat,
                                    "target": "Le gouvernement a présenté le budget aujourd'hui. " * repeat}) + "\n")
        out = tmp_path / f"u{repeat}.json"
        proc = mtqa("check", path, "-f", "json", "-o", out, "--disable", "grammar")
        assert proc.returncode in (0, 1), proc.stderr
        sizes.append(out.stat().st_size / path.stat().st_size)
    assert sizes[1] < 1.5 * sizes[0] and sizes[1] < 10, sizes


# ---------------------------------------------------------------- issue 11: escaping

ESCAPES = "\x1b[2J\x1b]52;c;ZXZpbA==\x07"  # clear screen, then an OSC 52 clipboard write


def _escape_article(tmp_path):
    fr = tmp_path / "esc.fr.txt"
    nb = tmp_path / "esc.nb.txt"
    fr.write_text(ESCAPES + "=HYPERLINK(\"http://x\") Poutine a dit que 12 000 soldats sont là.\n"
                  + "Le reste de l'article parle de la situation dans la région et des réactions officielles.\n" * 12)
    nb.write_text("Putin sa at 15 000 soldater er der.\n"
                  + "Resten av artikkelen handler om situasjonen i regionen og de offisielle reaksjonene.\n" * 12)
    return fr, nb


def test_terminal_escapes_are_shown_escaped_in_the_text_report(tmp_path):
    fr, nb = _escape_article(tmp_path)
    out = tmp_path / "r.txt"
    for args in ((), ("-o", out)):
        proc = mtqa("check", fr, "-s", nb, "--disable", "grammar", *args)
        assert proc.returncode == 1, proc.stderr
        text = out.read_text() if args else proc.stdout
        assert "\x1b" not in text and "\x07" not in text
        assert "\\x1b[2J\\x1b]52;c;ZXZpbA==\\x07" in text


def test_visible_escapes_c0_c1_and_surrogates():
    from mtqa.core.escape import visible

    assert visible("a\x1b]8;;http://e\x1b\\b\x9bc\r\udcff") == "a\\x1b]8;;http://e\\x1b\\b\\x9bc\\x0d\\udcff"
    assert visible("a\tb\nc", one_line=False) == "a\tb\nc"
    assert visible("name\nwith newline") == "name\\x0awith newline"


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(tmp_path):
    import csv
    import io

    fr, nb = _escape_article(tmp_path)
    proc = mtqa("check", fr, "-s", nb, "--disable", "grammar", "-f", "csv")
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert len(rows) > 1
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "@", "\t", "\r")), row
            assert not cell.startswith("-") or cell.lstrip("-").isdigit(), row
    assert any(cell.startswith("'\x1b") or cell.startswith("'=") or cell.startswith("\x1b") for r in rows for cell in r)
    from mtqa.report.csv_report import _cell

    assert [_cell(v) for v in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "ok", -3, None)] == \
        ["'=1+1", "'+1", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "ok", "-3", ""]


# ---------------------------------------------------------------- issue 11: hostile encodings and structures


def test_hostile_reader_inputs_are_one_line(tmp_path):
    cases = {
        "surrogate.jsonl": (b'{"id":"1","source":"Hei \\ud800","target":"Salut"}\n', "lone surrogate"),
        "deep.jsonl": (b"[" * 5000 + b"\n", "nested too deeply"),
        "digits.jsonl": (b'{"id":' + b"9" * 5000 + b',"source":"Hei","target":"Salut"}\n', "5000 digits"),
        "ttk.po": (b'msgid""\nmsgstr""\n#\nmsgid""\nmsgid_plural"\xc3\xa9"\n', "ttk.po:4:"),
        "u32.txt": ("Bonjour le monde.\n".encode("utf-32"), "UTF-32"),
        "u32be.txt": (b"\x00\x00\xfe\xff" + "Bonjour le monde.\n".encode("utf-32-be"), "iconv -f UTF-32"),
        "entity.xlf": (b"<?xml version='1.0'?>\n<!DOCTYPE xliff [<!ENTITY tu \"<trans-unit id='x'><source>Hei"
                       b"</source><target>Salut</target></trans-unit>\">]>\n<xliff version='1.2' xmlns='urn:oasis:"
                       b"names:tc:xliff:document:1.2'><file source-language='nb' target-language='fr' datatype="
                       b"'plaintext' original='a'><body>&tu;</body></file></xliff>\n", "entity.xlf:3"),
    }
    for name, (data, needle) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        assert_one_line_error(mtqa("check", path, "-f", "json", "--disable", "grammar"), needle)


@pytest.mark.parametrize("encoding", ["Shift_JIS", "EUC-JP", "GB18030", "UTF-7"])
def test_xliff_in_a_multibyte_legacy_encoding_is_handled(tmp_path, encoding):
    path = tmp_path / "legacy.xlf"
    path.write_bytes(f"<?xml version='1.0' encoding='{encoding}'?>\n<xliff version='1.2' xmlns='urn:oasis:names:"
                     "tc:xliff:document:1.2'><file source-language='nb' target-language='fr' datatype='plaintext' "
                     "original='a'><body><trans-unit id='1'><source>Hei</source><target>Salut</target></trans-unit>"
                     "</body></file></xliff>\n".encode("ascii"))
    proc = mtqa("check", path, "-f", "json", "--disable", "grammar")
    assert proc.returncode in (0, 1, 2) and "Traceback" not in proc.stderr, proc.stderr
    if proc.returncode == 2:
        assert_one_line_error(proc)
    else:
        json.loads(proc.stdout)


def test_a_file_name_that_is_not_utf8_gives_valid_utf8_reports(tmp_path):
    name = os.fsdecode(b"na\xffme.fr.txt")
    shutil.copy(SEED_FR, tmp_path / name)
    for fmt in ("json", "text", "csv", "html"):
        proc = subprocess.run([sys.executable, "-m", "mtqa", "check", name, "-s", str(SEED_NB), "-f", fmt,
                               "--disable", "grammar"], capture_output=True, cwd=tmp_path)
        assert proc.returncode in (0, 1), proc.stderr
        text = proc.stdout.decode("utf-8")  # never invalid UTF-8
        if fmt == "json":
            assert json.loads(text)["target"]["path"].startswith("na")


# ---------------------------------------------------------------- issue 11: limits on reading


@needs_root
def test_devices_and_fifos_are_refused_as_input(tmp_path):
    import stat as st
    zero = tmp_path / "zero"
    os.mknod(zero, 0o666 | st.S_IFCHR, os.makedev(1, 5))  # a private /dev/zero
    fifo = tmp_path / "fifo.txt"
    os.mkfifo(fifo)  # no writer: must not block
    for path in (zero, fifo, tmp_path / "fifo.xml"):
        if path.name == "fifo.xml":
            os.mkfifo(path)
        assert_one_line_error(mtqa("check", path, "-s", SEED_NB, timeout=60), "only regular files are read")
        assert_one_line_error(mtqa("check", SEED_FR, "-s", path, timeout=60), "only regular files are read")


def test_every_read_is_bounded_by_a_configurable_limit(tmp_path):
    big = tmp_path / "big.fr.txt"
    big.write_text("Bonjour le monde, voici une phrase.\n" * 40_000)  # about 1.4 MB
    assert_one_line_error(mtqa("check", big, env_extra={"MTQA_MAX_INPUT_MB": "1"}), "input limit of 1 MiB",
                          "MTQA_MAX_INPUT_MB")
    assert_one_line_error(mtqa("check", big, env_extra={"MTQA_MAX_INPUT_MB": "nan"}), "MTQA_MAX_INPUT_MB")
    from mtqa.readers.text import _read_bounded
    import io
    from mtqa.errors import InputError

    with pytest.raises(InputError, match="input limit"):
        _read_bounded(io.BytesIO(b"x" * 11), "stdin", 10)


def test_check_dash_reads_the_article_from_stdin():
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    proc = subprocess.run([sys.executable, "-m", "mtqa", "check", "-", "-s", str(SEED_NB), "-f", "json",
                           "--disable", "grammar"], input=SEED_FR.read_bytes(), capture_output=True, env=env,
                          cwd=REPO, timeout=600)
    assert proc.returncode in (0, 1), proc.stderr
    assert json.loads(proc.stdout)["target"]["lines"] == len(SEED_FR.read_text().splitlines())


# ---------------------------------------------------------------- issue 11: configuration loading


def test_a_configuration_with_a_utf8_bom_loads(tmp_path):
    from mtqa.config import read_config

    path = tmp_path / "mtqa.toml"
    path.write_bytes(b"\xef\xbb\xbffail_on = \"minor\"\n")
    assert read_config(path).fail_on == "minor"


@pytest.mark.parametrize("text, needle", [
    ("a = " + "[" * 5000 + "]" * 5000 + "\n", "invalid TOML"),
    ("x = {" + "a = {" * 5000 + "}" * 5001 + "\n", "invalid TOML"),
    ("fail_on = " + "9" * 5000 + "\n", "invalid TOML"),
], ids=["arrays", "tables", "digits"])
def test_a_hostile_toml_is_one_line(tmp_path, text, needle):
    from mtqa.config import read_config
    from mtqa.errors import InputError

    path = tmp_path / "mtqa.toml"
    path.write_text(text)
    try:
        read_config(path)
    except InputError as exc:
        assert needle in str(exc) or "fail_on" in str(exc)
    assert_one_line_error(mtqa("check", SEED_FR, "--config", path))


@needs_root
def test_a_configuration_that_is_a_device_is_refused(tmp_path):
    import stat as st
    zero = tmp_path / "mtqa.toml"
    os.mknod(zero, 0o666 | st.S_IFCHR, os.makedev(1, 5))
    assert_one_line_error(mtqa("check", SEED_FR, "--config", zero, timeout=60), "only regular files are read")


def test_a_catastrophic_suppression_pattern_cannot_hang_the_run():
    from mtqa.config import parse_config
    from mtqa.core.flags import Flag
    from mtqa.errors import InputError

    flag = Flag(check="numbers", category="accuracy/number", severity="major", line=1, message="m",
                text="a" * 40 + "!", source_text="")
    start = time.monotonic()
    assert not parse_config({"suppress": [{"pattern": "(a+)+$", "reason": "r"}]}).suppress[0].matches(flag)
    with pytest.raises(InputError, match="took longer"):  # one that the engine cannot shortcut: bounded
        parse_config({"suppress": [{"pattern": "(a|aa)+$", "reason": "r"}]}).suppress[0].matches(flag)
    assert time.monotonic() - start < 5
    assert parse_config({"suppress": [{"pattern": "a+$", "reason": "r"}]}).suppress[0].matches(
        Flag(check="numbers", category="accuracy/number", severity="major", line=1, message="m", text="baa",
             source_text=""))
    with pytest.raises(InputError, match="longer than"):
        parse_config({"suppress": [{"pattern": "a" * 2000, "reason": "r"}]})


def test_discovery_stops_at_home_and_outside_home_reads_only_the_current_folder(tmp_path, monkeypatch):
    from mtqa.config import find_config

    (tmp_path / "mtqa.toml").write_text('fail_on = "info"\n')  # above $HOME: never read
    home = tmp_path / "home"
    (home / "desk" / "sub").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    assert find_config(home / "desk" / "sub") is None
    (home / "mtqa.toml").write_text('fail_on = "minor"\n')
    assert find_config(home / "desk" / "sub") == home / "mtqa.toml"
    elsewhere = tmp_path / "shared" / "tmp"  # outside $HOME and any repository: only the folder itself
    elsewhere.mkdir(parents=True)
    (tmp_path / "shared" / "mtqa.toml").write_text('fail_on = "info"\n')
    assert find_config(elsewhere) is None
    (elsewhere / "mtqa.toml").write_text('fail_on = "info"\n')
    assert find_config(elsewhere) == elsewhere / "mtqa.toml"


# ---------------------------------------------------------------- issue 11: CLI outputs and batch


def _small_feed(tmp_path, n=1):
    (tmp_path / "fr").mkdir()
    (tmp_path / "nb").mkdir()
    rows = ["target,source"]
    for i in range(n):
        shutil.copy(SEED_FR, tmp_path / "fr" / f"a{i}.fr.txt")
        rows.append(f"fr/a{i}.fr.txt,nb/a.nb.txt")
    shutil.copy(SEED_NB, tmp_path / "nb" / "a.nb.txt")
    manifest = tmp_path / "feed.csv"
    manifest.write_text("\n".join(rows) + "\n")
    return manifest


def test_config_and_corpus_files_are_protected_from_o(tmp_path):
    config = tmp_path / "mtqa.toml"
    config.write_text('fail_on = "major"\n')
    before = config.read_bytes()
    assert_one_line_error(mtqa("check", SEED_FR, "-s", SEED_NB, "--config", config, "-o", config,
                               "--disable", "grammar", cwd=tmp_path), "refusing to overwrite an input file")
    assert_one_line_error(mtqa("check", SEED_FR, "-s", SEED_NB, "-o", config, "--disable", "grammar",
                               cwd=tmp_path), "refusing to overwrite")  # the discovered mtqa.toml
    assert config.read_bytes() == before
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED_NB, corpus / "x.nb.txt")
    assert_one_line_error(mtqa("check", SEED_FR, "--corpus", corpus, "-o", corpus / "x.nb.txt",
                               "--disable", "grammar", cwd=tmp_path), "refusing to overwrite")
    assert (corpus / "x.nb.txt").read_bytes() == SEED_NB.read_bytes()
    (tmp_path / "feed").mkdir()
    manifest = _small_feed(tmp_path / "feed")
    out = tmp_path / "out"
    out.mkdir()
    odd_config = out / "summary.json"  # a configuration where the batch would write its summary
    odd_config.write_text('fail_on = "major"\n')
    assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", out, "--config", odd_config,
                               "--disable", "grammar", cwd=tmp_path / "feed"), "would overwrite this input")
    assert odd_config.read_text() == 'fail_on = "major"\n'


def test_init_writes_to_stdout_and_devices(tmp_path):
    proc = mtqa("init", "-", cwd=tmp_path)
    assert proc.returncode == 0 and "fail_on" in proc.stdout and not (tmp_path / "-").exists()
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    assert_one_line_error(mtqa("init", fifo, cwd=tmp_path, timeout=60), "FIFO has no reader")


def test_a_full_or_closed_stdout_is_one_line(tmp_path):
    for fmt in ("text", "json"):
        with open("/dev/full", "w") as full:
            proc = subprocess.run([sys.executable, "-m", "mtqa", "check", str(SEED_FR), "-s", str(SEED_NB), "-f", fmt,
                                   "--disable", "grammar"], stdout=full, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
        assert_one_line_error(proc, "cannot write standard output")
    proc = subprocess.run([sys.executable, "-m", "mtqa", "check", str(SEED_FR), "-s", str(SEED_NB), "-f", "json",
                           "--disable", "grammar"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          cwd=tmp_path, pass_fds=(), close_fds=True,
                          preexec_fn=lambda: os.close(1))
    assert_one_line_error(proc, "cannot write standard output")


def test_batch_never_replaces_a_file_it_did_not_write(tmp_path):
    manifest = _small_feed(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.html").write_text("the user's page")
    assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", out, "--disable", "grammar", cwd=tmp_path),
                          "summary.html", "not written by mtqa batch")
    assert (out / "summary.html").read_text() == "the user's page"
    (out / "summary.html").unlink()
    (out / "a0.fr.json").write_text("the user's report")
    assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", out, "--disable", "grammar", cwd=tmp_path),
                          "a0.fr.json")
    (out / "a0.fr.json").unlink()
    first = mtqa("batch", "--manifest", manifest, "-o", out, "--disable", "grammar", cwd=tmp_path)
    assert first.returncode == 1, first.stderr
    again = mtqa("batch", "--manifest", manifest, "-o", out, "--disable", "grammar", cwd=tmp_path)
    assert again.returncode == 1, again.stderr  # its own files are replaced
    state = json.loads((out / ".mtqa-batch.json").read_text())
    assert {"a0.fr.json", "summary.json", "summary.html"} <= set(state["files"])


def test_a_second_batch_into_the_same_outdir_is_refused(tmp_path):
    import fcntl

    manifest = _small_feed(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    fd = os.open(out, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # what a running batch holds
        assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", out, "--disable", "grammar",
                                   cwd=tmp_path), "another mtqa batch is writing into this folder")
    finally:
        os.close(fd)


def test_manifest_rows_outside_its_folder_need_allow_outside(tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    manifest = feed / "m.csv"
    for row in (f"{SEED_FR},{SEED_NB}", "../a.fr.txt,"):
        shutil.copy(SEED_FR, tmp_path / "a.fr.txt")
        manifest.write_text("target,source\n" + row + "\n")
        assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", tmp_path / "out", cwd=tmp_path),
                              "m.csv:2", "outside the manifest's folder", "--allow-outside")
    manifest.write_text(f"target,source\n{SEED_FR},{SEED_NB}\n")
    proc = mtqa("batch", "--manifest", manifest, "-o", tmp_path / "out", "--allow-outside", "--disable", "grammar",
                cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    jsonl = feed / "m.jsonl"
    jsonl.write_text('{"target": ' + "1" * 5000 + "}\n")
    assert_one_line_error(mtqa("batch", "--manifest", jsonl, "-o", tmp_path / "out2", cwd=tmp_path), "m.jsonl:1")


def test_batch_progress_lines_escape_file_names(tmp_path):
    feed = tmp_path / "feed"
    feed.mkdir()
    name = "evil\x1b[2J\nname.fr.txt"
    shutil.copy(SEED_FR, feed / name)
    shutil.copy(SEED_NB, feed / "a.nb.txt")
    (feed / "m.jsonl").write_text(json.dumps({"target": name, "source": "a.nb.txt"}) + "\n")
    proc = mtqa("batch", "--manifest", feed / "m.jsonl", "-o", tmp_path / "out", "--disable", "grammar", cwd=feed)
    assert proc.returncode == 1, proc.stderr
    assert "\x1b" not in proc.stderr and "evil\\x1b[2J\\x0aname.fr.txt" in proc.stderr


def test_batch_workers_exit_when_the_main_process_is_killed(tmp_path):
    manifest = _small_feed(tmp_path, 12)
    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    proc = subprocess.Popen([sys.executable, "-m", "mtqa", "batch", "--manifest", str(manifest), "-o", "out",
                             "--jobs", "2"], cwd=tmp_path, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)

    def children():
        found = []
        for entry in Path("/proc").iterdir():
            try:
                stat_fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(stat_fields[1]) == proc.pid:
                found.append(int(entry.name))
        return found

    deadline = time.monotonic() + 120
    while len(children()) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    workers = children()
    if proc.poll() is not None or len(workers) < 2:
        pytest.skip("the batch finished before its workers could be seen")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [w for w in alive if Path(f"/proc/{w}").exists()
                 and Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        time.sleep(0.1)
    assert not alive, f"workers {alive} outlived the killed batch"


def test_the_batch_state_is_saved_in_batches_not_per_article(tmp_path, monkeypatch):
    from mtqa import batch
    from mtqa.report import write_output as real

    writes = []

    def counting(path, text, protected=()):
        if Path(path).name == batch.STATE_FILE:
            writes.append(len(json.loads(text)["articles"]))
        real(path, text, protected)

    monkeypatch.setattr("mtqa.report.write_output", counting)
    manifest = _small_feed(tmp_path, 6)
    items = batch.read_manifest(manifest)
    config = batch.WorkerConfig(outdir=str(tmp_path / "out"), fmt="json", fail_on="major", disable=("grammar",))
    (tmp_path / "out").mkdir()
    result = batch.run_batch(items, config, {"x": 1}, jobs=1, resume=False)
    assert len(result.outcomes) == 6
    assert len(writes) <= 3 and writes[-1] == 6, writes  # the claim at the start, the end; not one per article


# ---------------------------------------------------------------- issue 11 with bring-your-own back-translation


def _bt_article(folder: Path) -> tuple[Path, Path, Path]:
    """A two-line article, its source and a replayed back-translation of it (mtqa check --back-translation)."""
    folder.mkdir(parents=True, exist_ok=True)
    fr = folder / "fr.txt"
    fr.write_text("Le conseil municipal a voté le budget mardi.\nLa séance a duré trois heures.\n", encoding="utf-8")
    nb = folder / "nb.txt"
    nb.write_text("Bystyret vedtok budsjettet tirsdag.\nMøtet varte i tre timer.\n", encoding="utf-8")
    bt = folder / "bt.txt"
    bt.write_text("Bystyret stemte over budsjettet tirsdag.\nMøtet varte i tre timer.\n", encoding="utf-8")
    return fr, nb, bt


def test_a_back_translation_file_is_an_input_like_the_others(tmp_path):
    fr, nb, bt = _bt_article(tmp_path)
    before = bt.read_bytes()
    assert_one_line_error(mtqa("check", fr, "-s", nb, "--back-translation", bt, "-o", bt, "--disable", "grammar",
                               cwd=tmp_path), "refusing to overwrite an input file")
    assert bt.read_bytes() == before
    fifo = tmp_path / "bt-fifo.txt"
    os.mkfifo(fifo)  # no writer: must not block
    assert_one_line_error(mtqa("check", fr, "-s", nb, "--back-translation", fifo, "--disable", "grammar",
                               cwd=tmp_path, timeout=60), "FIFO", "only regular files are read")


def test_a_manifest_back_translation_is_protected_checked_and_never_blocks(tmp_path):
    feed = tmp_path / "feed"
    _bt_article(feed)
    (feed / "summary.json").write_bytes((feed / "bt.txt").read_bytes())  # where the batch writes its summary
    manifest = feed / "m.csv"
    manifest.write_text("target,source,back_translation\nfr.txt,nb.txt,summary.json\n", encoding="utf-8")
    assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", feed, "--disable", "grammar", "--jobs", "1",
                               cwd=feed), "would overwrite this input file")
    assert (feed / "summary.json").read_bytes() == (feed / "bt.txt").read_bytes()
    shutil.copy(feed / "bt.txt", tmp_path / "outside.txt")
    manifest.write_text("target,source,back_translation\nfr.txt,nb.txt,../outside.txt\n", encoding="utf-8")
    assert_one_line_error(mtqa("batch", "--manifest", manifest, "-o", tmp_path / "out0", "--disable", "grammar",
                               cwd=feed), "m.csv:2", "back_translation", "outside the manifest's folder")
    os.mkfifo(feed / "fifo.txt")
    manifest.write_text("target,source,back_translation\nfr.txt,nb.txt,fifo.txt\n", encoding="utf-8")
    proc = mtqa("batch", "--manifest", manifest, "-o", tmp_path / "out", "--disable", "grammar", "--jobs", "1",
                cwd=feed, timeout=120)
    assert proc.returncode == 2, proc.stderr  # an error row, not a hang
    (row,) = json.loads((tmp_path / "out" / "summary.json").read_text())["articles"]
    assert row["verdict"] == "error" and "only regular files are read" in row["error"], row


# ---------------------------------------------------------------- issue 11 item 13: no configuration runs a program


def test_no_configuration_file_can_make_mtqa_run_a_program(tmp_path, monkeypatch):
    """The grammar check's executable comes from MTQA_GRAMMALECTE (or Python code), never from a
    configuration file: a mtqa.toml found by discovery, a pyproject.toml or --config FILE naming a
    program is one line naming the setting, and the program is not run."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    work = repo / "articles"
    fr, nb, _ = _bt_article(work)
    marker = tmp_path / "ran"
    program = tmp_path / "evil.sh"
    program.write_text(f"#!/bin/sh\ntouch {marker}\n")
    program.chmod(0o755)
    table = f"[checks.grammar]\nexecutable = '{program}'\n"
    attempts = [
        (repo / "mtqa.toml", table, ["check", fr, "-s", nb]),                      # discovered in a parent
        (repo / "mtqa.toml", table, ["check", fr, "-s", nb, "--enable", "grammar"]),
        (repo / "pyproject.toml", "[tool.mtqa.checks.grammar]\n" + table.split("\n", 1)[1], ["check", fr, "-s", nb]),
        (tmp_path / "given.toml", table, ["check", fr, "-s", nb, "--config", tmp_path / "given.toml"]),
        (repo / "mtqa.toml", table, ["batch", fr, "--corpus", work, "-o", tmp_path / "out", "--jobs", "1"]),
    ]
    for path, text, args in attempts:
        path.write_text(text)
        proc = mtqa(*args, cwd=work, timeout=120)
        assert_one_line_error(proc, "[checks.grammar] executable cannot be set in a configuration file")
        assert not marker.exists(), (path, args)
        path.unlink()
    # The environment variable is the way to name another Grammalecte.
    from mtqa.checks import grammar

    monkeypatch.setenv("MTQA_GRAMMALECTE", str(program))
    assert grammar.executable_path() == str(program)


def test_a_manifest_path_with_a_lone_surrogate_is_a_one_line_error(tmp_path):
    """Found by the long fuzz profile: a JSON escape such as \\ud80c is no file name."""
    from mtqa.errors import InputError
    from mtqa.readers.manifest import read_manifest

    manifest = tmp_path / "feed.jsonl"
    manifest.write_text('{"target": "a\\ud80c.fr.txt"}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"feed\.jsonl:1: target .*not a valid file name"):
        read_manifest(manifest)
