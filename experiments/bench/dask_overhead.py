"""Per-replication overhead of a Dask cluster next to local worker processes.

    python experiments/bench/dask_overhead.py [scenario.yaml] [--reps 200] [--trials 3]

A batch of ``--reps`` small days (default: the textbook M/M/14 queue, four hours,
~800 calls a day, compiled engine) runs in this process, on 2 local worker processes
and on a 2-worker Dask ``LocalCluster`` handed to ccsim as a ``distributed.Client``
(started and warmed beforehand, as a researcher's notebook would have it). The
overhead of a backend is its wall time beyond a perfect 2× speed-up of the
one-process run, per replication:

    overhead = (wall(backend) - wall(1 process) / 2) / reps

The best of ``--trials`` is kept for each backend (the machine is shared). For
contrast, Dask also runs with one replication per task (no batching). Every backend's
summary is checked to equal the one-process summary exactly.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from unittest import mock

import ccsim
from ccsim.batch import parallel
from ccsim.batch.parallel import Backend

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "teaching_single_queue.yaml"


def best_time(scenario, reps: int, backend: Backend, trials: int) -> tuple[float, str]:
    best, summary = float("inf"), ""
    for _ in range(trials):
        t0 = time.perf_counter()
        result = ccsim.run(scenario, reps, 1, backend=backend)
        best = min(best, time.perf_counter() - t0)
        summary = json.dumps(result.summary)
    return best, summary


def one_per_task(indices, workers, per_task_overhead):
    return [[i] for i in indices]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args()
    scenario = ccsim.load_scenario(args.scenario)
    from distributed import Client, LocalCluster

    reps = args.reps
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        backends = {
            "1 process": Backend(),
            "2 local processes": Backend.local(2),
            "dask Client, 2 workers": Backend.dask(client),
        }
        for backend in backends.values():  # warm up: imports and compiled code everywhere
            ccsim.run(scenario, 8, 1, backend=backend)
        walls, base = {}, None
        print(f"{scenario.name}: {reps} replications, best of {args.trials}")
        print(f"{'backend':<32}{'wall s':>8}{'ms/rep':>8}{'overhead ms/rep':>17}{'same':>6}")
        rows = list(backends.items())
        for label, backend in rows:
            walls[label], summary = best_time(scenario, reps, backend, args.trials)
            base = base or summary
            _row(label, walls, reps, summary == base)
        label = "dask Client, 1 replication/task"
        with mock.patch.object(parallel, "_chunks", one_per_task):
            walls[label], summary = best_time(scenario, reps, backends["dask Client, 2 workers"], 1)
        _row(label, walls, reps, summary == base)
        local = _overhead(walls, "2 local processes", reps)
        dask = _overhead(walls, "dask Client, 2 workers", reps)
        print(
            f"Dask overhead / local-process overhead: {dask / local:.2f}x "
            f"(wall-time ratio {walls['dask Client, 2 workers'] / walls['2 local processes']:.2f}x)"
        )


def _overhead(walls: dict[str, float], label: str, reps: int) -> float:
    return (walls[label] - walls["1 process"] / 2) / reps


def _row(label: str, walls: dict[str, float], reps: int, same: bool) -> None:
    wall = walls[label]
    over = "" if label == "1 process" else f"{1e3 * _overhead(walls, label, reps):.2f}"
    print(f"{label:<32}{wall:>8.2f}{1e3 * wall / reps:>8.2f}{over:>17}{'yes' if same else 'NO':>6}")


if __name__ == "__main__":
    main()
