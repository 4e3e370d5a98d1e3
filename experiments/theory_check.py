"""Simulated vs exact: ccsim against Erlang B, C and A, as a table.

    python experiments/theory_check.py [--reps 60]

Each row runs a 24-hour stationary day (2 h warm-up left out) ``--reps`` times and
prints the simulated mean with its 95 % CI next to the exact value, and whether the
exact value lies inside the CI. Uses only the public API.
"""

from __future__ import annotations

import argparse
import time

from ccsim import parse_scenario, run
from ccsim.planning import analytic


def scenario_text(rate_h: float, aht: float, n: int, patience: float | None, trunks=None) -> str:
    return (
        "name: theory\n"
        "horizon: {start: '00:00', end: '24:00', interval: 30min, warmup: 2h}\n"
        + (f"trunks: {trunks}\n" if trunks else "")
        + "call_types:\n  calls:\n"
        + f"    arrivals: {{rate: {rate_h}/h}}\n"
        + f"    handle_time: {{dist: exponential, mean: {aht}s}}\n"
        + (f"    patience: {{dist: exponential, mean: {patience}s}}\n" if patience else "")
        + f"agent_groups:\n  agents: {{skills: [calls], agents: {n}}}\n"
    )


def row(label: str, figure: dict, exact: float) -> str:
    lo, hi = figure["ci95"]
    inside = "yes" if lo <= exact <= hi else "NO"
    return f"{label:<34}{figure['mean']:>10.4f}  [{lo:.4f}, {hi:.4f}]{exact:>10.4f}   {inside}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reps", type=int, default=60)
    reps = parser.parse_args().reps
    print(f"{'case / KPI':<34}{'sim':>10}  {'95% CI':<18}{'exact':>10}   in CI")
    t0 = time.perf_counter()
    for rate, aht, n in [(200, 180, 14), (1000, 180, 55), (960, 180, 50)]:
        load = rate * aht / 3600
        day = run(parse_scenario(scenario_text(rate, aht, n, None)), reps, seed=1).summary
        s = day["summary"]
        print(f"Erlang C, {load:g} E on {n} agents")
        print(
            row("  SL(20s)", s["service_level"], analytic.erlang_c_service_level(n, load, aht, 20))
        )
        print(row("  ASA s", s["asa_s"], analytic.erlang_c_asa(n, load, aht)))
        print(row("  occupancy", s["occupancy"], load / n))
    for rate, aht, n, patience in [(200, 180, 10, 120), (1000, 180, 48, 300), (240, 180, 10, 120)]:
        exact = analytic.erlang_a(n, rate / 3600, aht, patience)
        day = run(parse_scenario(scenario_text(rate, aht, n, patience)), reps, seed=2).summary
        s = day["summary"]
        print(f"Erlang A, {rate * aht / 3600:g} E on {n} agents, patience {patience}s")
        print(row("  P(abandon)", s["abandon_rate"], exact.p_abandon))
        print(row("  ASA s", s["asa_s"], exact.asa))
        for d in ("offered", "answered", "exclude_short_abandons", "short_abandons_as_met"):
            print(row(f"  SL(20s) {d}", s[f"sl_{d}"], exact.service_level(20, d)))
    print(f"({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
