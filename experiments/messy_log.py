"""Write a messy ACD export from a scenario, for trying `ccsim calibrate` and
`ccsim backtest` end to end on a log whose truth is known (docs/calibration.md).

    python experiments/messy_log.py SCENARIO.yaml DAYS OUT.csv [SEED]

Replication r is the r-th weekday from 2 March 2026; the layout is the shipped
``generic-acd`` format's, with sentinels, outcome codes, clock skew, phantom rows,
a weekend copy and a priority that changes nothing (`ccsim.data.synthetic`).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ccsim.batch.runner import run
from ccsim.data.synthetic import messy_log
from ccsim.scenario import load_scenario


def main(argv: list[str]) -> None:
    scenario = load_scenario(argv[0])
    days, out = int(argv[1]), Path(argv[2])
    seed = int(argv[3]) if len(argv) > 3 else 1
    result = run(scenario, replications=days, seed=seed, keep_observations=True)
    names = [c.name for c in scenario.call_types]
    injected = messy_log(result.observations, names, out, seed=seed)
    print(f"wrote {out}: {injected.rows} rows, {len(injected.dates)} weekdays; injected {injected}")


if __name__ == "__main__":
    main(sys.argv[1:])
