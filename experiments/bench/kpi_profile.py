"""Where a replication's time goes: drawing callers, the event loop, the KPIs.

    python experiments/bench/kpi_profile.py [SCENARIO] [--reps 100] [--engine fast]

Times, per replication of ``SCENARIO`` (default the reference model) in this process,
`ccsim.models.calls.draw_calls`, the engine (`simulate_day_fast` or `simulate_day`),
the KPIs as a batch computes them (`ccsim.metrics.kpis.replication_row`, or with
``--documents`` `replication_kpis`, the nested dict), and the summary over the batch
at the end (`summarize_rows`, or `summarize` of the documents). The
compile cache is loaded by an untimed replication first, and the allocator set as a
batch sets it (`ccsim.batch.allocator`). Prints ms per replication
and each part's share; the machine may be shared, so the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios/reference_80_erlangs.yaml"))
    p.add_argument("--reps", type=int, default=100)
    p.add_argument("--engine", default="fast", choices=("fast", "simpy"))
    p.add_argument("--documents", action="store_true", help="time the nested-dict KPIs")
    args = p.parse_args(argv)

    import numpy as np

    import ccsim
    from ccsim.batch.allocator import keep_freed_memory
    from ccsim.metrics import replication_kpis, summarize
    from ccsim.metrics.compact import KpiLayout, KpiRows, summarize_rows
    from ccsim.metrics.kpis import replication_row
    from ccsim.models.calls import draw_calls
    from ccsim.models.center import simulate_day
    from ccsim.models.fast import simulate_day_fast

    keep_freed_memory()  # as every batch's replications run (`run_each`)
    scenario = ccsim.load_scenario(args.scenario)
    sim = simulate_day_fast if args.engine == "fast" else simulate_day
    first = replication_kpis(sim(scenario, draw_calls(scenario, 1, 10**6), 1, 10**6), scenario)
    measure = replication_kpis if args.documents else replication_row
    parts = {"draws": 0.0, "engine": 0.0, "kpis": 0.0}
    kpis, calls = [], 0
    for r in range(args.reps):
        t0 = time.perf_counter()
        drawn = draw_calls(scenario, 1, r)
        t1 = time.perf_counter()
        obs = sim(scenario, drawn, 1, r)
        t2 = time.perf_counter()
        kpis.append(measure(obs, scenario))
        t3 = time.perf_counter()
        parts["draws"] += t1 - t0
        parts["engine"] += t2 - t1
        parts["kpis"] += t3 - t2
        calls += obs.n_calls
    t0 = time.perf_counter()
    if args.documents:
        summarize(kpis)
    else:
        summarize_rows(KpiRows(KpiLayout.of(first), np.array(kpis)))
    parts["summary"] = time.perf_counter() - t0
    total = sum(parts.values())
    print(
        f"{Path(args.scenario).name}, {args.reps} reps, {args.engine} engine, "
        f"{calls / args.reps:,.0f} legs per rep, load {os.getloadavg()[0]:.1f}"
    )
    print(f"{'part':10s} {'ms/rep':>8s} {'share':>7s}")
    for name, s in parts.items():
        print(f"{name:10s} {1000 * s / args.reps:8.2f} {100 * s / total:6.1f}%")
    print(f"{'total':10s} {1000 * total / args.reps:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
