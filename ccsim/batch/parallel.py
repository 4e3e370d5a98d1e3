"""Where replications run: in this process, on local worker processes, or on Dask.

A `Backend` says where; `map_replications` runs replication indices there and yields
each replication's outcome as soon as it finishes. Each replication's random streams
come from the SeedSequence (``seed``, replication index), never from the worker, and
its KPIs are computed where it ran by the same code, so the numbers do not depend on
the backend or the number of workers.

Work travels in chunks of replications: one process-pool task per replication costs
~1 ms, a Dask task ~10 ms, so chunks are sized to keep that overhead small while
every worker stays busy. A worker that dies (killed, out of memory) loses only its
chunk, which runs again: on a rebuilt local pool, or on another Dask worker (Dask
reschedules it by itself).
"""

from __future__ import annotations

import math
import os
import signal
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccsim.batch.replication import Replication, run_chunk, run_each

if TYPE_CHECKING:
    from ccsim.scenario.model import Scenario

__all__ = [
    "BACKENDS",
    "CALLS_PER_SECOND",
    "SMALL_BATCH_S",
    "Backend",
    "Replication",
    "close_pools",
    "cpu_count",
    "map_replications",
]

#: Calls one process simulates and measures per second, by engine, end to end
#: (draws, simulation, every KPI; rounded down from experiments/bench/end_to_end.py
#: and benchmark.py on a 2-core machine): what a batch would take in this process.
CALLS_PER_SECOND = {"fast": 1_000_000, "simpy": 40_000}

#: A batch this process would finish within this many seconds runs here rather than
#: on worker processes when the backend allows it (``small_in_process``): starting
#: them (a fork each, and each loading the compiled engine) costs about 0.6 s of wall
#: time, so below ~1 s two workers finish no sooner than one process.
SMALL_BATCH_S = 1.0

BACKENDS = ("local", "dask")

#: How often a chunk whose worker died is run again before the run fails.
RETRIES = 2


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass(frozen=True)
class Backend:
    """Where replications run; never changes the numbers.

    Parameters
    ----------
    kind : {"local", "dask"}
        ``local``: ``workers`` processes on this machine (1: in this process, no pool).
        ``dask``: a Dask cluster (``pip install "ccsim[dask]"``).
    workers : int
        Local processes, or the size of the local Dask cluster started for each run
        when no ``scheduler`` is given.
    scheduler : str or distributed.Client or distributed.deploy.Cluster, optional
        The Dask cluster to use: its scheduler's address (``"tcp://10.0.0.5:8786"``),
        a ``Client`` you already have (it is used as it is and left open), or a
        ``Cluster`` object (``LocalCluster``, a Kubernetes or SLURM cluster; left
        running). A ``Client`` or ``Cluster`` implies ``kind="dask"``; an address
        needs it said (``Backend("dask", scheduler=...)`` or `Backend.dask`).

    Raises
    ------
    ValueError
        An unknown kind, fewer than 1 worker, or a scheduler with ``kind="local"``.

    Notes
    -----
    The Python default, ``Backend()``, runs in this process, while the CLI uses all
    cores: a notebook's short runs then start no worker processes (each would load
    and compile the engine first) and their results come back without pickling.
    `Backend.local` gives the CLI's default. Work travels in chunks of several
    replications per task (about 8 chunks per worker, local or Dask), so the
    per-task overhead of Dask (~10 ms) is spread over many replications while the
    last chunks still finish together (experiments/bench/dask_overhead.py).

    Examples
    --------
    >>> from ccsim import Backend
    >>> Backend()
    Backend(kind='local', workers=1, scheduler=None)
    >>> Backend.local(workers=2).describe()
    '2 local processes'
    >>> Backend.dask("tcp://10.0.0.5:8786").describe()
    'dask (tcp://10.0.0.5:8786)'
    """

    kind: str = "local"
    workers: int = 1
    scheduler: Any = None
    #: Run a batch that this process would finish before worker processes had
    #: started, here (`for_batch`): what ``ccsim run`` does when ``--workers`` is not
    #: given. Off by default: asked for K workers, a batch gets K workers.
    small_in_process: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if self.scheduler is not None and self.kind == "local" and not _is_text(self.scheduler):
            object.__setattr__(self, "kind", "dask")  # a Client or Cluster: surely Dask
        if self.kind not in BACKENDS:
            raise ValueError(f"unknown backend {self.kind!r}: use one of {', '.join(BACKENDS)}")
        if self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.scheduler is not None and self.kind != "dask":
            raise ValueError("a scheduler address needs the dask backend")

    @classmethod
    def local(cls, workers: int | None = None) -> Backend:
        """Local processes: ``workers`` of them, by default one per core (the CLI's default).

        Parameters
        ----------
        workers : int, optional
            How many processes; default: the cores this process may use.

        Returns
        -------
        Backend
        """
        return cls("local", workers or cpu_count())

    @classmethod
    def dask(cls, scheduler: Any = None, workers: int | None = None) -> Backend:
        """A Dask backend: on ``scheduler`` (an address, ``Client`` or ``Cluster``), else
        on a local cluster of ``workers`` processes started for each run.

        Parameters
        ----------
        scheduler : str or distributed.Client or distributed.deploy.Cluster, optional
        workers : int, optional
            The local cluster's size when there is no scheduler; default: all cores.

        Returns
        -------
        Backend
        """
        return cls("dask", workers or cpu_count(), scheduler)

    def for_batch(self, calls: float, engine: str) -> Backend:
        """Where a batch of ``calls`` expected calls (all replications) on ``engine``
        runs: this backend, or this process when ``small_in_process`` allows it and
        the batch would take it less than `SMALL_BATCH_S` (`CALLS_PER_SECOND`).

        Parameters
        ----------
        calls : float
            Expected calls of the whole batch (`ccsim.batch.first_run.expected_calls`).
        engine : {"fast", "simpy"}
            The engine that will run it.

        Returns
        -------
        Backend
        """
        if not self.small_in_process or self.kind != "local" or self.workers == 1:
            return self
        if calls / CALLS_PER_SECOND.get(engine, CALLS_PER_SECOND["simpy"]) >= SMALL_BATCH_S:
            return self
        return Backend()

    def describe(self) -> str:
        """Where the replications run, in words (``RunResult.backend``).

        Returns
        -------
        str
        """
        if self.kind == "dask":
            where = _address(self.scheduler) or f"a local cluster of {self.workers} worker(s)"
            return f"dask ({where})"
        return "this process" if self.workers == 1 else f"{self.workers} local processes"


def _is_text(scheduler: Any) -> bool:
    return isinstance(scheduler, str)


def _address(scheduler: Any) -> str | None:
    """A scheduler's address, whether given as text, a ``Client`` or a ``Cluster``."""
    if scheduler is None or _is_text(scheduler):
        return scheduler
    address = getattr(scheduler, "scheduler_address", None)  # a Cluster
    if address is None:  # a Client
        address = getattr(getattr(scheduler, "scheduler", None), "address", None)
    return str(address) if address else type(scheduler).__name__


def _chunks(indices: Sequence[int], workers: int, per_task_overhead: int) -> list[list[int]]:
    """Split ``indices`` into chunks: about ``per_task_overhead`` chunks per worker,
    so the last ones finish together and a lost chunk costs little."""
    n = len(indices)
    if n == 0:
        return []
    size = max(1, math.ceil(n / (workers * per_task_overhead)))
    return [list(indices[i : i + size]) for i in range(0, n, size)]


#: How often a worker checks that its parent is alive (seconds).
PARENT_CHECK_S = 0.5


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops the batch cleanly, and die with
    it: a parent killed with kill -9 cannot stop its pool, so each worker watches."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent(os.getppid())


def watch_parent(parent: int, every: float = PARENT_CHECK_S) -> threading.Thread:
    """Exit this process as soon as ``parent`` is no longer its parent (it died and the
    process was adopted), checked every ``every`` seconds on a daemon thread."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(1)  # no cleanup to do: the parent, which wanted the results, is gone

    thread = threading.Thread(target=watch, name="ccsim-parent-watch", daemon=True)
    thread.start()
    return thread


def map_replications(
    scenario: Scenario,
    seed: int,
    engine: str,
    indices: Sequence[int],
    backend: Backend | None = None,
    keep_observations: bool = False,
) -> Iterator[Replication]:
    """Run replications ``indices`` of ``scenario`` on ``backend``, yielding each as it
    finishes (in completion order, not index order)."""
    backend = backend or Backend()
    indices = list(indices)
    if not indices:
        return
    if backend.kind == "local" and min(backend.workers, len(indices)) == 1:
        # No pool for one worker (or one replication): each as it finishes.
        yield from run_each(scenario, seed, engine, indices, keep_observations)
        return
    if backend.kind == "local":
        workers = min(backend.workers, len(indices))
        chunks = _chunks(indices, workers, per_task_overhead=8)
        yield from _on_local_pool(scenario, seed, engine, chunks, workers, keep_observations)
        return
    with _dask_executor(backend) as (executor, workers):
        # As many chunks as locally: fewer, larger ones (4 per worker) left a worker
        # idle at the end and doubled the overhead (experiments/bench/dask_overhead.py).
        chunks = _chunks(indices, workers, per_task_overhead=8)
        yield from _collect(executor, scenario, seed, engine, chunks, keep_observations)


def _submit(executor: Executor, scenario, seed, engine, chunk, keep) -> Future:
    return executor.submit(run_chunk, scenario, seed, engine, chunk, keep)


def _collect(executor, scenario, seed, engine, chunks, keep) -> Iterator[Replication]:
    """Submit every chunk and yield results as they come (Dask retries lost chunks)."""
    pending = {_submit(executor, scenario, seed, engine, c, keep) for c in chunks}
    try:
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                yield from future.result()
    finally:
        for future in pending:
            future.cancel()


#: Worker pools kept between runs (a sweep or a comparison runs many): by size.
_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """A pool of ``workers`` processes, reused by later runs in this process."""
    pool = _POOLS.get(workers)
    if pool is None:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)
        _POOLS[workers] = pool
    return pool


def _discard_pool(workers: int, wait: bool) -> None:
    pool = _POOLS.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=wait, cancel_futures=True)


def close_pools() -> None:
    """Stop the worker pools kept between runs (they also stop when Python exits)."""
    for workers in list(_POOLS):
        _discard_pool(workers, wait=True)


def _on_local_pool(scenario, seed, engine, chunks, workers, keep) -> Iterator[Replication]:
    """Run ``chunks`` on a process pool; if a worker dies the pool is rebuilt and the
    chunks that had not finished run again (at most `RETRIES` times each)."""
    tries = {tuple(c): 0 for c in chunks}
    todo = list(chunks)
    while todo:
        pool = _pool(workers)
        futures = {_submit(pool, scenario, seed, engine, c, keep): c for c in todo}
        todo = []
        finished = False
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = futures[future]
                    try:
                        results = future.result()
                    except BrokenProcessPool:
                        tries[tuple(chunk)] += 1
                        if tries[tuple(chunk)] > RETRIES:
                            raise
                        todo.append(chunk)
                        continue
                    yield from results
            finished = not todo
        finally:
            if not finished:  # broken, interrupted or failed: never reuse this pool
                _discard_pool(workers, wait=False)


#: How long to wait for a Dask scheduler to answer before giving up.
CONNECT_TIMEOUT_S = 10


class SchedulerUnavailable(ConnectionError):
    """No Dask scheduler answers at the address given (an environment failure)."""


def _connect(client_class, address: str):
    """A client of the scheduler at ``address``, or `SchedulerUnavailable` within
    `CONNECT_TIMEOUT_S` seconds (rather than a bare OSError after 30 s)."""
    try:
        return client_class(address, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerUnavailable(
            0,
            f"no Dask scheduler answers there ({exc}); start one (dask scheduler) or "
            "leave out --scheduler to run on this machine",
            address,
        ) from None


@contextmanager
def _dask_executor(backend: Backend):
    """A `concurrent.futures` executor on the Dask cluster, and its number of workers."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - depends on the installation
        raise RuntimeError(
            'the dask backend needs Dask distributed: pip install "ccsim[dask]"'
        ) from None
    # The nanny's default MALLOC_TRIM_THRESHOLD_ slows numpy-heavy tasks: leave glibc's
    # dynamic default (the key must be removed, not set to another value).
    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", {}))
    environ.pop("MALLOC_TRIM_THRESHOLD_", None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        cluster = None
        if isinstance(backend.scheduler, Client):
            client, owned = backend.scheduler, False  # the caller's: used, left open
        elif backend.scheduler is not None:
            client, owned = _connect(Client, backend.scheduler), True  # an address or a Cluster
        else:
            cluster = LocalCluster(
                n_workers=backend.workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
            )
            client, owned = Client(cluster), True
        try:
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            yield client.get_executor(pure=False, retries=RETRIES), workers
        finally:
            if owned:
                client.close()
            if cluster is not None:
                cluster.close()
