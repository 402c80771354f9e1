"""`mtqa batch --engine ray`: a local Ray instance gives the bytes of `--jobs 1`, Ctrl-C stops it
cleanly and `--resume` finishes the rest, all under the tests' network guard, with every socket of
Ray's processes (its C++ daemons too, which the guard cannot see) on loopback. Skips, saying why,
when Ray is not installed or cannot start here."""

from __future__ import annotations

import ipaddress
import logging
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
                    cluster=ray_constants.ENABLE_RAY_CLUSTER, api_server=node.Node.start_api_server,
                    quiet=[type(f) for f in logging.getLogger(ray_engine.TOKEN_LOGGER).filters])
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
    assert seen["quiet"] == [ray_engine._NoTokenNotice]     # no notice that token authentication is on
    assert (ray_constants.ENABLE_RAY_CLUSTER, node.Node.start_api_server) == before  # all put back
    assert not logging.getLogger(ray_engine.TOKEN_LOGGER).filters
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


def _processes() -> dict[int, tuple[int, str, str, str]]:
    """pid -> (parent pid, name, start time, state) of every process (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        pid, rest = text.split(" ", 1)
        name, fields = rest[1:].rsplit(") ", 1)  # "pid (name) state ppid ...": a name may hold ") "
        values = fields.split()
        found[int(pid)] = (int(values[1]), name, values[19], values[0])
    return found


class _Run:
    """`mtqa batch` in a process of its own, and every process seen under it while it ran (Ray's
    daemons and workers: some outlive a killed driver by a minute), by pid and start time, so that
    a test ends only processes it started."""

    def __init__(self, args: list[str], cwd: Path):
        self.proc = subprocess.Popen(args, cwd=cwd, env=_env(), stderr=subprocess.PIPE, text=True)
        self.seen: dict[tuple[int, str], str] = {}
        self.log: list[str] = []

    def look(self) -> None:
        table = _processes()
        tree, grew = {self.proc.pid} | {pid for pid, _ in self.seen}, True
        while grew:
            new = {pid for pid, (ppid, *_) in table.items() if ppid in tree} - tree
            tree |= new
            grew = bool(new)
        for pid in tree:
            if pid in table:
                self.seen.setdefault((pid, table[pid][2]), table[pid][1])

    def alive(self) -> dict[int, str]:
        table = _processes()
        return {pid: name for (pid, start), name in self.seen.items()
                if pid in table and table[pid][2] == start and table[pid][3] != "Z"}

    def follow(self, progress: int | None = None, timeout: float = 300) -> int:
        """Read stderr (looking at the processes every second) until `progress` progress lines, its
        end or `timeout` seconds; the number of progress lines read."""
        count, deadline = 0, time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(self.proc.stderr, selectors.EVENT_READ)
            while (progress is None or count < progress) and time.monotonic() < deadline:
                self.look()
                if not sel.select(timeout=min(1.0, max(0.0, deadline - time.monotonic()))):
                    continue
                line = self.proc.stderr.readline()
                if not line:
                    break
                self.log.append(line)
                count += bool(PROGRESS.match(line))
        return count

    def stopped(self, within: float) -> dict[int, str]:
        """The processes still running `within` seconds after mtqa exited (none: Ray was shut down)."""
        self.proc.wait(timeout=within)
        deadline = time.monotonic() + within
        while (left := self.alive()) and time.monotonic() < deadline:
            time.sleep(0.5)
        return left

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=60)
        for pid in self.alive():
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass


PROGRESS = re.compile(r"\[\d+/\d+\] ")  # a progress line, "[3/40] fr/x.fr.txt: fail (5 flags)" (Ray logs "[2026-...")


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


@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="lists processes and sockets through Linux's /proc")
def test_ray_engine_gives_the_bytes_of_jobs_1_stops_on_ctrl_c_and_resumes(feed40):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'mtqa[ray]'): --engine ray is not tested")
    base = [sys.executable, "-m", "mtqa", "batch", "--manifest", "feed.csv"]
    local = subprocess.run([*base, "-o", "local", "--jobs", "1"], cwd=feed40, env=_env(), capture_output=True,
                           text=True, timeout=300)
    assert local.returncode == 1, local.stderr

    # mtqa starts a local Ray instance (2 CPUs: 2 check actors) and is interrupted after 8 articles
    run = _Run([*base, "-o", "ray", "--engine", "ray", "--jobs", "2"], feed40)
    try:
        if run.follow(progress=8, timeout=240) < 8:
            run.kill()
            said = [line.strip() for line in run.log if "could not start or reach Ray" in line]
            if said:
                pytest.skip(f"a local Ray instance cannot start here: {said[-1][-500:]}")
            pytest.fail("".join(run.log))
        running = run.alive()
        assert {"raylet", "gcs_server"} <= set(running.values()), running  # Ray's daemons are among them
        sockets = _inet_sockets(running)
        assert sockets and not _not_loopback(sockets), _not_loopback(sockets)

        started = time.monotonic()
        run.proc.send_signal(signal.SIGINT)
        run.follow(timeout=120)
        assert run.stopped(within=60) == {}  # mtqa shut down the instance it started
        assert run.proc.returncode == 130, run.log
        assert run.log[-1].strip() == "mtqa: error: interrupted"
        assert time.monotonic() - started < 90
    finally:
        run.kill()  # a failing test leaves no Ray process behind
    assert not [p for p in (feed40 / "ray").iterdir() if p.name.endswith(".tmp")]  # only whole files
    assert not (feed40 / "ray" / "summary.json").exists()

    resumed = _Run([*base, "-o", "ray", "--engine", "ray", "--jobs", "2", "--resume"], feed40)
    try:
        resumed.follow(timeout=300)
        assert resumed.stopped(within=60) == {}
        assert resumed.proc.returncode == 1, resumed.log
    finally:
        resumed.kill()
    assert any("skipped: report current" in line for line in resumed.log)
    assert _files(feed40 / "ray") == _files(feed40 / "local")  # summary, reports, summary.html, resume state
