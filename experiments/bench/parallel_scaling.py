"""Replications per second on 1 and 2 local workers and on a 2-worker Dask cluster.

    python experiments/bench/parallel_scaling.py [scenario.yaml] [--reps N] [--engine E]

For the scenario (default: the multi-skill bank day) and each engine, the wall time
of ``ccsim.run`` over N replications (seed 1), KPIs and summary included: in this
process, on 2 local worker processes, and on a Dask ``LocalCluster`` of 2 worker
processes started beforehand (its start-up is timed on its own). The Dask overhead
per replication is (Dask time - local 2-worker time) / N. Every backend's summary is
checked to equal the one-process summary exactly.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import ccsim
from ccsim.batch.parallel import Backend

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = ROOT / "scenarios" / "bank_multiskill.yaml"


def timed_run(scenario, reps: int, engine: str, backend: Backend) -> tuple[float, str]:
    t0 = time.perf_counter()
    result = ccsim.run(scenario, reps, 1, engine=engine, backend=backend)
    return time.perf_counter() - t0, json.dumps(result.summary)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--reps", type=int, help="replications (default: 60 SimPy, 400 fast)")
    parser.add_argument("--engine", choices=("simpy", "fast"), action="append")
    args = parser.parse_args()
    scenario = ccsim.load_scenario(args.scenario)
    from distributed import LocalCluster

    t0 = time.perf_counter()
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    startup = time.perf_counter() - t0
    print(f"{scenario.name}: Dask LocalCluster (2 workers) started in {startup:.2f} s")
    print(f"{'engine':<7}{'reps':>6}{'backend':>22}{'wall s':>9}{'reps/s':>9}{'same':>6}")
    for engine in args.engine or ("simpy", "fast"):
        reps = args.reps or (60 if engine == "simpy" else 400)
        ccsim.run(scenario, 2, 1, engine=engine)  # compile / warm up, untimed
        times = {}
        base = None
        for label, backend in (
            ("1 process", Backend()),
            ("2 local processes", Backend(workers=2)),
            ("dask, 2 workers", Backend("dask", scheduler=cluster.scheduler_address)),
        ):
            if label.startswith("dask"):  # warm the workers (imports, compiled code)
                timed_run(scenario, 4, engine, backend)
            wall, summary = timed_run(scenario, reps, engine, backend)
            base = base or summary
            times[label] = wall
            same = "yes" if summary == base else "NO"
            print(f"{engine:<7}{reps:>6}{label:>22}{wall:>9.2f}{reps / wall:>9.1f}{same:>6}")
        overhead = (times["dask, 2 workers"] - times["2 local processes"]) / reps
        print(
            f"{engine:<7} Dask overhead per replication vs local processes: {1e3 * overhead:.1f} ms"
        )
    cluster.close()


if __name__ == "__main__":
    main()
