"""`mtqa batch --engine ray`: a local Ray instance gives the bytes of `--jobs 1`, Ctrl-C stops it
cleanly and `--resume` finishes the rest. Skips, saying why, when Ray is not installed or cannot
start here."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import CORPORA

from mtqa.errors import InputError

STEMS = ("dagbladet-russland-nekter", "e24-rentemote-krone", "nrk-droneangrep-kyiv")
CLEAN_NB = "Regjeringen la fram statsbudsjettet tirsdag.\nBudsjettet har et underskudd på 12 milliarder kroner.\n"
CLEAN_FR = ("Le gouvernement a présenté le budget de l'État mardi.\n"
            "Le budget affiche un déficit de 12 milliards de couronnes.\n")


def test_without_ray_the_engine_says_how_to_install_it(monkeypatch):
    from mtqa.batch.ray_engine import import_ray

    monkeypatch.setitem(sys.modules, "ray", None)  # import ray fails as where it is not installed
    with pytest.raises(InputError, match=r"pip install 'mtqa\[ray\]'"):
        import_ray()


def test_ray_options_need_the_ray_engine(tmp_path):
    (tmp_path / "a.fr.txt").write_text(CLEAN_FR, encoding="utf-8")
    (tmp_path / "a.nb.txt").write_text(CLEAN_NB, encoding="utf-8")
    (tmp_path / "feed.csv").write_text("target,source\na.fr.txt,a.nb.txt\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mtqa", "batch", "--manifest", "feed.csv", "-o", "out",
                           "--address", "auto"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip() == "mtqa: error: --address and --gpus-per-worker are options of --engine ray"


@pytest.fixture
def feed40(tmp_path) -> Path:
    """40 articles: the three samples (flawed) and a clean one, ten copies each under their own names."""
    for side in ("fr", "nb"):
        (tmp_path / side).mkdir()
    rows = ["target,source"]
    for n in range(10):
        for stem in STEMS:
            for side in ("fr", "nb"):
                shutil.copy(CORPORA / side / f"{stem}.{side}.txt", tmp_path / side / f"{stem}-{n}.{side}.txt")
            rows.append(f"fr/{stem}-{n}.fr.txt,nb/{stem}-{n}.nb.txt")
        (tmp_path / "fr" / f"budget-{n}.fr.txt").write_text(CLEAN_FR, encoding="utf-8")
        (tmp_path / "nb" / f"budget-{n}.nb.txt").write_text(CLEAN_NB, encoding="utf-8")
        rows.append(f"fr/budget-{n}.fr.txt,nb/budget-{n}.nb.txt")
    (tmp_path / "feed.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return tmp_path


def _env() -> dict:
    # Ray's own daemons, started by mtqa, probe the cloud metadata addresses (169.254.169.254) and
    # open sockets on this machine's address at start-up: the network guard of the tests would
    # refuse them and Ray would not start. These runs go without it; every other test of `mtqa
    # batch` (the same worker code) runs with it.
    from conftest import netguard

    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL", netguard.LOG_VARIABLE)}
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    return env


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_ray_engine_gives_the_bytes_of_jobs_1_stops_on_ctrl_c_and_resumes(feed40):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'mtqa[ray]'): --engine ray is not tested")
    base = [sys.executable, "-m", "mtqa", "batch", "--manifest", "feed.csv"]
    local = subprocess.run([*base, "-o", "local", "--jobs", "1"], cwd=feed40, env=_env(), capture_output=True,
                           text=True, timeout=600)
    assert local.returncode == 1, local.stderr

    proc = subprocess.Popen([*base, "-o", "ray", "--engine", "ray", "--jobs", "2"], cwd=feed40, env=_env(),
                            stderr=subprocess.PIPE, text=True)
    seen, log = 0, []
    for line in proc.stderr:
        log.append(line)
        seen += line.startswith("[")
        if seen >= 8:
            break
    if seen < 8:
        proc.wait(timeout=60)
        if "could not start or reach Ray" in "".join(log):
            pytest.skip("a local Ray instance cannot start here: " + "".join(log)[-500:])
        pytest.fail("".join(log))
    started = time.monotonic()
    proc.send_signal(signal.SIGINT)
    rest = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == 130, rest
    assert rest.strip().endswith("mtqa: error: interrupted")
    assert time.monotonic() - started < 60
    assert not [p for p in (feed40 / "ray").iterdir() if p.name.endswith(".tmp")]  # only whole files
    assert not (feed40 / "ray" / "summary.json").exists()

    resumed = subprocess.run([*base, "-o", "ray", "--engine", "ray", "--jobs", "2", "--resume"], cwd=feed40,
                             env=_env(), capture_output=True, text=True, timeout=600)
    assert resumed.returncode == 1, resumed.stderr
    assert "skipped: report current" in resumed.stderr
    assert _files(feed40 / "ray") == _files(feed40 / "local")  # summary, reports, summary.html, resume state
