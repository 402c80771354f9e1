"""`mtqa batch --engine ray`: a local Ray instance gives the bytes of `--jobs 1`, Ctrl-C stops it
cleanly and `--resume` finishes the rest, all under the tests' network guard, with every socket of
Ray's processes (its C++ daemons too, which the guard cannot see) on loopback. Skips, saying why,
when Ray is not installed or cannot start here."""

from __future__ import annotations

import ipaddress
import os
import re
import selectors
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


def test_a_local_instance_starts_loopback_only_and_says_why_it_could_not_start(monkeypatch):
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'mtqa[ray]')")
    from ray._private import node, ray_constants

    from mtqa.batch import ray_engine

    seen = {}

    def init(**kwargs):  # as Ray fails when its node does not come up in time
        seen.update(kwargs, env={k: os.environ.get(k) for k in ray_engine.LOCAL_ENVIRONMENT},
                    cluster=ray_constants.ENABLE_RAY_CLUSTER, api_server=node.Node.start_api_server)
        raise Exception("The current node timed out during startup.\nThis could happen because ...")

    monkeypatch.setattr(ray, "init", init)
    monkeypatch.delenv("RAY_USAGE_STATS_ENABLED", raising=False)
    before = (ray_constants.ENABLE_RAY_CLUSTER, node.Node.start_api_server)
    with pytest.raises(InputError) as exc:
        with ray_engine.RaySession(ray_engine.RayOptions(num_cpus=1)):
            pass
    assert str(exc.value) == ("--engine ray: could not start or reach Ray (a local instance): The current node "
                              "timed out during startup. This could happen because ...")
    assert seen["address"] == "local" and seen["num_cpus"] == 1 and seen["include_dashboard"] is False
    assert seen["env"] == ray_engine.LOCAL_ENVIRONMENT      # inherited by the daemons Ray starts
    assert seen["cluster"] is False                          # this process takes 127.0.0.1 as the node's address
    assert seen["api_server"] is ray_engine._no_api_server  # no dashboard process (its cloud metadata probe)
    assert (ray_constants.ENABLE_RAY_CLUSTER, node.Node.start_api_server) == before  # all put back
    assert "RAY_USAGE_STATS_ENABLED" not in os.environ


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
    # The network guard stays on (its log variable and PYTHONPATH are inherited): mtqa, Ray's Python
    # daemons (dashboard agent, runtime-env agent, log monitor, autoscaler monitor) and its workers.
    return {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# ---------------------------------------------------------------- the processes of a Ray instance and their sockets


def _descendants(root: int) -> dict[int, str]:
    """pid -> name of `root` and every process under it (Linux /proc)."""
    parent: dict[int, int] = {}
    name: dict[int, str] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses
        pid, rest = text.split(" ", 1)
        comm, fields = rest[1:].rsplit(") ", 1)
        parent[int(pid)], name[int(pid)] = int(fields.split()[1]), comm
    tree, grew = {root}, True
    while grew:
        new = {pid for pid, ppid in parent.items() if ppid in tree} - tree
        tree |= new
        grew = bool(new)
    return {pid: name.get(pid, "?") for pid in tree}


def _address(hex_address: str) -> tuple[ipaddress.IPv4Address | ipaddress.IPv6Address, int]:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)  # /proc/net: 32-bit words in host (little-endian) order
    packed = b"".join(raw[i:i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(packed), int(port, 16)


def _loopback(ip) -> bool:
    mapped = getattr(ip, "ipv4_mapped", None)
    return ip.is_loopback or (mapped is not None and mapped.is_loopback)


def _shown(ip) -> str:
    return str(getattr(ip, "ipv4_mapped", None) or ip)  # ::ffff:192.0.2.2 rather than ::ffff:c000:202


def _inet_sockets(pids: dict[int, str]) -> list[tuple[str, str, str, str]]:
    """(process, table, local address, remote address) of every TCP and UDP socket the processes hold."""
    owner: dict[str, str] = {}
    for pid, name in pids.items():
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                owner[target[8:-1]] = f"{name}[{pid}]"
    found = []
    for table in ("tcp", "tcp6", "udp", "udp6"):
        path = Path("/proc/net") / table
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in owner:
                found.append((owner[fields[9]], table, fields[1], fields[2]))
    return found


def _not_loopback(sockets) -> list[str]:
    """The sockets bound or connected to anything but loopback (an unbound or listening socket's
    remote end is the unspecified address; one listening on every interface is not loopback)."""
    bad = []
    for process, table, local, remote in sockets:
        (lip, lport), (rip, rport) = _address(local), _address(remote)
        bound_ok = _loopback(lip) or (lip.is_unspecified and lport == 0)
        peer_ok = _loopback(rip) or (rip.is_unspecified and rport == 0)
        if not (bound_ok and peer_ok):
            bad.append(f"{process} {table} {_shown(lip)}:{lport} -> {_shown(rip)}:{rport}")
    return bad


def _kill(pids) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


PROGRESS = re.compile(r"\[\d+/\d+\] ")  # a progress line, "[3/40] fr/x.fr.txt: fail (5 flags)" (Ray logs "[2026-...")


def _read_progress(proc, count: int, timeout: float) -> tuple[int, list[str]]:
    """Lines of `proc`'s stderr until `count` progress lines, its end, or `timeout` seconds."""
    seen, log, deadline = 0, [], time.monotonic() + timeout
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stderr, selectors.EVENT_READ)
        while seen < count and time.monotonic() < deadline:
            if not sel.select(timeout=max(0.0, deadline - time.monotonic())):
                break
            line = proc.stderr.readline()
            if not line:
                break
            log.append(line)
            seen += bool(PROGRESS.match(line))
    return seen, log


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="lists sockets through Linux's /proc")
def test_ray_engine_gives_the_bytes_of_jobs_1_stops_on_ctrl_c_and_resumes(feed40):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'mtqa[ray]'): --engine ray is not tested")
    base = [sys.executable, "-m", "mtqa", "batch", "--manifest", "feed.csv"]
    local = subprocess.run([*base, "-o", "local", "--jobs", "1"], cwd=feed40, env=_env(), capture_output=True,
                           text=True, timeout=300)
    assert local.returncode == 1, local.stderr

    # mtqa starts a local Ray instance (2 CPUs: 2 check actors), is interrupted after 8 articles
    proc = subprocess.Popen([*base, "-o", "ray", "--engine", "ray", "--jobs", "2"], cwd=feed40, env=_env(),
                            stderr=subprocess.PIPE, text=True)
    tree: dict[int, str] = {}
    try:
        seen, log = _read_progress(proc, 8, timeout=240)
        if seen < 8:
            proc.kill()
            proc.wait(timeout=60)
            if "could not start or reach Ray" in "".join(log):
                pytest.skip("a local Ray instance cannot start here: " + "".join(log)[-500:])
            pytest.fail("".join(log))
        tree = _descendants(proc.pid)
        names = set(tree.values())
        assert {"raylet", "gcs_server"} <= names, names  # the daemons are mtqa's children: the list below is Ray's
        sockets = _inet_sockets(tree)
        assert sockets and not _not_loopback(sockets), _not_loopback(sockets)

        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        rest = proc.stderr.read()
        proc.wait(timeout=120)
        assert proc.returncode == 130, rest
        assert rest.strip().endswith("mtqa: error: interrupted")
        assert time.monotonic() - started < 60
        deadline = time.monotonic() + 30  # mtqa stopped the instance it started: no Ray process is left
        while (left := {p: n for p, n in tree.items() if Path(f"/proc/{p}").exists()
                        and "zombie" not in _state(p)}) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not left, left
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=60)
        _kill(tree)  # a failed test leaves no Ray daemons behind
    assert not [p for p in (feed40 / "ray").iterdir() if p.name.endswith(".tmp")]  # only whole files
    assert not (feed40 / "ray" / "summary.json").exists()

    resumed = subprocess.run([*base, "-o", "ray", "--engine", "ray", "--jobs", "2", "--resume"], cwd=feed40,
                             env=_env(), capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 1, resumed.stderr
    assert "skipped: report current" in resumed.stderr
    assert _files(feed40 / "ray") == _files(feed40 / "local")  # summary, reports, summary.html, resume state


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text().split("State:", 1)[1].split("\n", 1)[0].lower()
    except (OSError, IndexError):
        return "gone"
