"""Size and solve time of the weekly roster program (docs/scheduling.md, "Weekly rosters").

    python experiments/week_roster_size.py                 # the shipped example
    python experiments/week_roster_size.py --scale 1.1     # volumes x 1.1 (more agents)

Solves the week of scenarios/week_roster_service.yaml with
experiments/roster_service_week.yaml (Erlang requirement per day, no simulation)
and prints the program's size, the solver's status, gap and time, and the agents
and cost of the roster and of the day-by-day baseline.
"""

from __future__ import annotations

import argparse
import copy
import time
from pathlib import Path

import yaml

from ccsim.planning.shift_templates import load_templates
from ccsim.planning.week_baseline import day_by_day_baseline
from ccsim.planning.week_problem import week_problem, week_requirement
from ccsim.planning.week_roster import solve_week
from ccsim.scenario.week import week_from_dict

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="factor on the daily totals")
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--baseline", action="store_true", help="also build the baseline")
    args = parser.parse_args()
    path = ROOT / "scenarios" / "week_roster_service.yaml"
    data = yaml.safe_load(path.read_text())
    totals = data["call_types"]["service"]["arrivals"]["daily_totals"]
    data = copy.deepcopy(data)
    data["call_types"]["service"]["arrivals"]["daily_totals"] = {
        k: v * args.scale for k, v in totals.items()
    }
    week = week_from_dict(data, str(path), path.parent)
    templates = load_templates(ROOT / "experiments" / "roster_service_week.yaml")
    required, _ = week_requirement(week, "agents")
    problem = week_problem(week, "agents", templates, required, on_floor=True)
    t0 = time.perf_counter()
    roster = solve_week(problem, args.time_limit, 0.0)
    s = roster.solver
    print(
        f"scale {args.scale}: {s['variables']} variables, {s['constraints']} constraints,"
        f" {s['nonzeros']} nonzeros, {s['classes']} classes; {s['status']}, gap"
        f" {100 * (s['gap'] or 0):.2f}%, {s['nodes']} nodes, solve {s['time_s']:.1f} s"
        f" (with the build {time.perf_counter() - t0:.1f} s); roster {len(roster.agents)}"
        f" agents, {len(roster.shifts)} shifts, cost {roster.cost:,.0f}"
    )
    if args.baseline:
        base, note = day_by_day_baseline(problem, args.time_limit)
        if base is None:
            print(f"baseline: {note}")
        else:
            print(
                f"baseline: {len(base.agents)} agents, {len(base.shifts)} shifts, cost"
                f" {base.cost:,.0f} ({note})"
            )


if __name__ == "__main__":
    main()
