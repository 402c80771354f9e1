import importlib.util
import os
import tempfile
from pathlib import Path

import pytest

from tiny_model import tiny_model, tiny_nllb_model  # noqa: F401 (pytest fixtures for every test module)

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"
SEED_FR = CORPORA / "fr" / "dagbladet-russland-nekter.fr.txt"
SEED_NB = CORPORA / "nb" / "dagbladet-russland-nekter.nb.txt"
SHARED = REPO.parent / "shared"
FLORES = SHARED / "data" / "flores200-dev"


def mtqa_process(*args, cwd=REPO, env_extra=None, timeout=600):
    """`mtqa ARGS` as users run it: a fresh process (`python -m mtqa`), its output captured; the
    environment without MTQA_DEBUG and MTQA_MODEL, plus `env_extra`. `timeout` only stops a hang
    from blocking the suite."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("MTQA_DEBUG", "MTQA_MODEL")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "mtqa", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, env=env, timeout=timeout)


def script_fixture(script: str, name: str):
    """A module-scoped fixture `name`: scripts/SCRIPT.py imported as a module, registered in
    sys.modules while the test module runs (dataclasses look their module up there)."""
    import sys

    @pytest.fixture(scope="module", name=name)
    def fixture():
        module_name = f"_mtqa_script_{script}"
        spec = importlib.util.spec_from_file_location(module_name, REPO / "scripts" / f"{script}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
            yield module
        finally:
            sys.modules.pop(module_name, None)

    return fixture


def mtqa_main(capsys, *args) -> tuple[int, str, str]:
    """`mtqa ARGS` in this process (faster; pytest's capsys captures): (exit status, stdout, stderr)."""
    from mtqa.cli import main

    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in args])
    captured = capsys.readouterr()
    return exc.value.code, captured.out, captured.err


@pytest.fixture
def flores() -> Path:
    if not (FLORES / "nb.txt").exists():
        pytest.skip("flores200-dev not available (../shared/data/flores200-dev)")
    return FLORES


# ---------------------------------------------------------------- hypothesis

try:
    from hypothesis import settings
except ImportError:  # the property tests skip themselves (pytest.importorskip)
    pass
else:
    # Derandomised: the same examples on every run and machine, so CI is reproducible; no example
    # database written into the checkout. HYPOTHESIS_PROFILE=explore searches more, at random.
    settings.register_profile("ci", derandomize=True, max_examples=150, deadline=None, database=None,
                              print_blob=True)
    settings.register_profile("explore", max_examples=2000, deadline=None)
    # The long local run (about 10 minutes for the reader fuzz targets):
    #   HYPOTHESIS_PROFILE=long .venv/bin/python -m pytest -q tests/test_properties.py -k "bytes or manifest"
    settings.register_profile("long", max_examples=50_000, deadline=None, database=None)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


# ---------------------------------------------------------------- no network

# Every test runs without network: in this process and in every Python process a test starts with
# os.environ (tests/netguard/sitecustomize.py, found first on PYTHONPATH). An attempt is refused like
# on an offline machine and logged; the test during which it happened fails, even if the code under
# test swallowed the error.
NETGUARD = Path(__file__).resolve().parent / "netguard"
# Loaded by path under its own name: this interpreter may already have imported another sitecustomize.
_spec = importlib.util.spec_from_file_location("mtqa_test_netguard", NETGUARD / "sitecustomize.py")
netguard = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(netguard)

_NETWORK_LOG = Path(tempfile.mkstemp(prefix="mtqa-test-network-", suffix=".log")[1])
os.environ[netguard.LOG_VARIABLE] = str(_NETWORK_LOG)
os.environ["PYTHONPATH"] = os.pathsep.join([str(NETGUARD), *filter(None, [os.environ.get("PYTHONPATH")])])
netguard.install()


def network_attempts() -> list[str]:
    """Attempts to reach the network logged so far in this session (by any process)."""
    return _NETWORK_LOG.read_text(encoding="utf-8").splitlines() if _NETWORK_LOG.exists() else []


def forget_network_attempts(keep: int) -> None:
    """Keep only the first `keep` logged attempts (a test that provokes one on purpose)."""
    _NETWORK_LOG.write_text("".join(line + "\n" for line in network_attempts()[:keep]), encoding="utf-8")


@pytest.fixture(autouse=True)
def _no_network():
    before = len(network_attempts())
    yield
    new = network_attempts()[before:]
    if new:
        pytest.fail("the test tried to reach the network: " + "; ".join(new), pytrace=False)


def pytest_sessionfinish(session, exitstatus):
    netguard.uninstall()
    _NETWORK_LOG.unlink(missing_ok=True)
