"""`mtqa batch --engine ray`: the batch's groups of articles checked by a pool of Ray actors.

The local engine's shape, on a Ray cluster (or a local Ray instance mtqa starts and stops):

- each check actor (one CPU) holds one batch worker (`_Worker`: the checks built and the model
  loaded once) and is given the same groups of articles as a local worker process; it writes
  the reports itself (atomically) into OUTDIR and returns the summary rows (ArticleOutcome);
- the driver (the `mtqa batch` process) records every row as it arrives, exactly as the local
  engine does (resume state, progress, summary), so summary.json and the reports are the same
  bytes whatever the engine, the number of actors or the order in which groups finish;
- with `gpus_per_worker` (and a model), back-translation moves into separate translator actors
  holding that fraction of a GPU each; the check actors call them for the translations and
  scores, so no GPU is held while Grammalecte and the other checks run on the CPUs.

Ray is imported only here, and only when this engine is chosen (it is the optional extra
`mtqa[ray]`). On a cluster, the articles, the corpus and OUTDIR must be readable (OUTDIR
writable) at the same paths on every node, and mtqa installed there in the same version.
"""

from __future__ import annotations

import logging
import os
from contextlib import contextmanager
from glob import escape as glob_escape
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator, Sequence

from mtqa.errors import InputError, MtqaError

RAY_MISSING = "--engine ray needs Ray: pip install 'mtqa[ray]' (or pip install ray)"


def import_ray():
    """The ray module, or an InputError (exit status 2) saying how to install it."""
    try:
        import ray
    except ImportError:
        raise InputError(RAY_MISSING) from None
    return ray


@dataclass(frozen=True)
class RayOptions:
    address: str | None = None       # "auto", "HOST:PORT", "ray://HOST:10001"; None: start a local instance
    num_cpus: int | None = None      # CPUs of the local instance (None: Ray's choice, every CPU)
    gpus_per_worker: float = 0.0     # > 0 (with a model): translator actors holding this share of a GPU each


# The local instance (no --address) serves this machine alone, and Ray's defaults are a cluster's.
# Left to them (measured with Ray 2.60: strace -f -e trace=connect,bind, ss -ltnp), its processes
# find "the node's address" with a UDP connect towards 8.8.8.8 (no packet sent, but an outward
# route looked up), listen on every interface (GCS, raylet, workers, the driver) and talk to each
# other over that address; and the dashboard process, started even with include_dashboard=False
# for its usage-statistics module, asks the cloud metadata services which cloud it runs on (a DNS
# query for metadata.google.internal, HTTP to 169.254.169.254) whether or not statistics are on.
# mtqa's own instance is loopback-only instead: tests/batch/test_ray_engine.py checks it under the
# tests' network guard and lists every socket of its processes while it runs.
LOCAL_ENVIRONMENT = {
    # Ray's single-node mode (its default on macOS and Windows): the node's address is 127.0.0.1, so
    # every daemon binds and connects there; nothing can join from another machine.
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
    "RAY_USAGE_STATS_ENABLED": "0",  # no usage statistics (nor the prompt about them)
}


def _no_api_server(node, *args, **kwargs) -> None:
    node._webui_url = None  # as when the dashboard process fails to start, which Ray tolerates without a dashboard


class _NoTokenNotice(logging.Filter):
    """Ray's notice, at every start, that token authentication is on (its default, kept: the token in
    ~/.ray/auth_token): a warning line in mtqa's output that asks nothing of the user."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Token authentication is enabled")


TOKEN_LOGGER = "ray._private.authentication.authentication_token_setup"


@contextmanager
def _loopback_only(ray) -> Iterator[None]:
    """While a local instance starts: its daemons inherit LOCAL_ENVIRONMENT (and keep it, as do
    the workers they start), this process takes the node's address to be 127.0.0.1 (Ray read
    RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER when it was imported), and no dashboard process is started:
    mtqa does not use it, and it probes the cloud metadata services. Ray's notice that token
    authentication is on is not printed. Everything is put back after."""
    from ray._private import node, ray_constants

    saved_env = {name: os.environ.get(name) for name in LOCAL_ENVIRONMENT}
    saved_cluster = getattr(ray_constants, "ENABLE_RAY_CLUSTER", None)
    saved_api_server = node.Node.__dict__.get("start_api_server")
    os.environ.update(LOCAL_ENVIRONMENT)
    ray_constants.ENABLE_RAY_CLUSTER = False
    if saved_api_server is not None:
        setattr(node.Node, "start_api_server", _no_api_server)
    notice = _NoTokenNotice()
    logging.getLogger(TOKEN_LOGGER).addFilter(notice)
    try:
        yield
    finally:
        logging.getLogger(TOKEN_LOGGER).removeFilter(notice)
        if saved_api_server is not None:
            setattr(node.Node, "start_api_server", saved_api_server)
        if saved_cluster is not None:
            ray_constants.ENABLE_RAY_CLUSTER = saved_cluster
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class RaySession:
    """Connected to a Ray cluster while open: `address` given, the existing cluster (left running);
    else a local instance started here, on loopback only (_loopback_only), and shut down on close."""

    def __init__(self, options: RayOptions):
        self.options = options
        self.ray = import_ray()
        self.owned = False

    def __enter__(self) -> "RaySession":
        ray = self.ray
        common: dict[str, Any] = dict(include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING,
                                      configure_logging=True)
        try:
            if self.options.address:
                ray.init(address=self.options.address, **common)
            else:
                with _loopback_only(ray):
                    # "local": a new instance even when another one runs on this machine (ray.init() would join it)
                    ray.init(address="local", num_cpus=self.options.num_cpus, **common)
                self.owned = True
        except Exception as exc:  # Ray says "could not start" with plain Exceptions too (a node start timing out)
            self.__exit__()
            where = self.options.address or "a local instance"
            raise InputError(f"--engine ray: could not start or reach Ray ({where}): "
                             f"{' '.join(str(exc).split()) or type(exc).__name__}") from None
        except BaseException:  # Ctrl-C while Ray starts: what started is stopped
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        # A driver's disconnect; the cluster itself stays up unless we started it. Also after a start
        # that failed or was interrupted half-way (not "initialized"): the processes it started stop.
        self.ray.shutdown()

    def cpus(self) -> int:
        return max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def gpus(self) -> float:
        return float(self.ray.cluster_resources().get("GPU", 0))


# ---------------------------------------------------------------- actors (plain classes, made remote lazily)


class _TranslatorActor:
    """Holds the back-translation model (on its share of a GPU) for the check actors."""

    def __init__(self, model: str, options: dict):
        from mtqa.mt.base import load_translator

        self.translator = load_translator(model, **options)

    def translate(self, texts: Sequence[str]) -> tuple[Sequence[str | None], int, int]:
        before = self.translator.stats
        out = self.translator.translate(texts)
        after = self.translator.stats
        return out, after.translated - before.translated, after.cache_hits - before.cache_hits

    def score(self, sources: Sequence[str], targets: Sequence[str]):
        return self.translator.score(sources, targets)

    def identity(self) -> dict:
        return dict(self.translator.identity)


class RemoteTranslator:
    """A mtqa.mt.base.Translator whose model lives in translator actors. Its stats count only
    the calls made through it, so each article's report counts its own translations."""

    def __init__(self, actors: Sequence[Any], identity: dict):
        from mtqa.mt.base import TranslationStats

        self._actors = list(actors)
        self._identity = identity
        self._stats = TranslationStats()
        self._next = 0

    def _actor(self):
        actor = self._actors[self._next % len(self._actors)]
        self._next += 1
        return actor

    def translate(self, texts: Sequence[str]) -> list[str | None]:
        import ray
        from mtqa.mt.base import TranslationStats

        out, translated, hits = ray.get(self._actor().translate.remote(list(texts)))
        self._stats = TranslationStats(self._stats.translated + translated, self._stats.cache_hits + hits)
        return out

    def score(self, sources: Sequence[str], targets: Sequence[str]):
        import ray

        return ray.get(self._actor().score.remote(list(sources), list(targets)))

    @property
    def identity(self) -> dict:
        return self._identity

    @property
    def stats(self):
        return self._stats


class _CheckActor:
    """One batch worker (mtqa.batch._Worker) in a Ray actor. A worker that cannot start (the model
    does not load...) says why on its first group, and the batch stops with that one line."""

    def __init__(self, config, translators: Sequence[Any] = (), identity: dict | None = None):
        from mtqa.batch.runner import _Worker

        self.error: str | None = None
        try:
            if translators:
                worker = _Worker(replace(config, model=None))
                worker.pipeline.translator = RemoteTranslator(translators, identity or {})
            else:
                worker = _Worker(config)
            self.worker = worker
        except MtqaError as exc:
            self.error = str(exc)
        except Exception as exc:
            self.error = f"batch worker failed to start: {type(exc).__name__}: {exc}"

    def check_group(self, index: int, jobs: Sequence) -> tuple[int, list | None, str | None]:
        if self.error is not None:
            return index, None, self.error
        return index, self.worker.check_group(jobs), None


class RayEngine:
    """Checks groups of batch jobs on `workers` check actors of a connected RaySession."""

    def __init__(self, session: RaySession, workers: int):
        self.session = session
        self.workers = max(1, workers)

    def run(self, config, groups: Sequence[Sequence]) -> Iterator[tuple[int, list]]:
        """(index of the group, its ArticleOutcomes) for each group, in the order they finish.

        An actor that dies (killed, out of memory) gives its group internal-error rows and is
        replaced; Ctrl-C (or any exception in the driver) cancels what is running, stops the
        actors and removes the temporary files of reports they were writing."""
        from mtqa.batch.summary import error_outcome

        ray = self.session.ray
        groups = [list(g) for g in groups]
        if not groups:
            return
        workers = min(self.workers, len(groups))
        config_ref = ray.put(config)  # the corpus candidates and settings: shipped once
        translators, identity = self._translators(ray, config, workers)
        check_actor = ray.remote(num_cpus=1, max_concurrency=1)(_CheckActor)

        def start():
            return check_actor.remote(config_ref, translators, identity)

        actors = [start() for _ in range(workers)]
        pending: dict[Any, tuple[int, Any]] = {}  # object ref -> (group index, actor)
        queue = list(range(len(groups)))
        queue.reverse()

        def submit(actor) -> None:
            if queue:
                index = queue.pop()
                pending[actor.check_group.remote(index, groups[index])] = (index, actor)

        try:
            for actor in actors:
                submit(actor)
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                index, actor = pending.pop(ready[0])
                try:
                    _, outcomes, error = ray.get(ready[0])
                except ray.exceptions.RayActorError as exc:
                    if os.environ.get("MTQA_DEBUG"):
                        raise
                    message = f"internal error: Ray worker died: {type(exc).__name__}"
                    outcomes = [error_outcome(job.item, message, internal=True) for job in groups[index]]
                    error = None
                    actor = start()
                if error is not None:
                    from mtqa.batch.runner import WorkerFailed  # the local engine's: the whole batch stops

                    raise WorkerFailed(error)
                submit(actor)
                yield index, outcomes
        except BaseException:
            self._stop(ray, pending, actors + list(translators), config, groups)
            raise
        finally:
            for actor in actors + list(translators):
                ray.kill(actor)

    def _translators(self, ray, config, workers: int) -> tuple[list, dict | None]:
        share = self.session.options.gpus_per_worker
        if share <= 0 or not config.model:
            return [], None
        gpus = self.session.gpus()
        if gpus <= 0:
            raise InputError("--gpus-per-worker: the Ray cluster has no GPU")
        count = max(1, min(workers, int(gpus / share + 1e-9)))
        options = dict(device="cuda" if config.device == "auto" else config.device,
                       compute_type=config.compute_type, beam_size=config.beam_size)
        actor = ray.remote(num_cpus=0, num_gpus=share)(_TranslatorActor)
        translators = [actor.remote(config.model, options) for _ in range(count)]
        try:
            identity = ray.get(translators[0].identity.remote())
        except ray.exceptions.RayActorError as exc:
            cause = getattr(exc, "cause", None) or exc
            from mtqa.batch.runner import WorkerFailed

            raise WorkerFailed(f"the translation model did not load in a Ray worker: {cause}") from None
        return translators, identity

    @staticmethod
    def _stop(ray, pending: dict, actors: list, config, groups: list) -> None:
        for ref in pending:
            ray.cancel(ref, force=False)  # KeyboardInterrupt in the actor: write_atomic removes its temporary file
        try:
            ray.wait(list(pending), num_returns=len(pending), timeout=5)
        except Exception:
            pass
        for actor in actors:
            ray.kill(actor)
        outdir = Path(config.outdir)
        for index, _ in pending.values():  # a report an actor was writing when it was killed
            for job in groups[index]:
                for tmp in outdir.glob(f".{glob_escape(job.report)}.*.tmp"):
                    tmp.unlink(missing_ok=True)
