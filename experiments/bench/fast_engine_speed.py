"""Speed of the compiled engine on one scenario, against the SimPy engine.

    python experiments/bench/fast_engine_speed.py [scenario.yaml ...] [--days D]

Per scenario, over D days (replications 0 .. D-1, seed 1), calls (legs) per second
of (for a scenario the compiled engine refuses, the SimPy engine alone, and the
feature it lacks): ``simulate_day_fast`` (roster, packing, kernel; callers drawn beforehand,
compilation excluded by an untimed first day), the kernel alone
(``ccsim.models.fast.run_kernel`` on arguments packed beforehand), and the SimPy
engine's ``simulate_day`` on the same callers. CPU time of this process
(``time.process_time``), the median day.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import ccsim
from ccsim.models import fast
from ccsim.models.calls import draw_calls
from ccsim.models.center import simulate_day
from ccsim.models.legs import kernel_observations
from ccsim.models.pack_staff import staff_arrays

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = [
    ROOT / "scenarios" / "bank_multiskill.yaml",
    ROOT / "scenarios" / "reference_80_erlangs.yaml",
    ROOT / "scenarios" / "tech_support.yaml",
    ROOT / "scenarios" / "blended_sales_service.yaml",
    ROOT / "scenarios" / "chat_voice_support.yaml",
    ROOT / "scenarios" / "callbacks_in_surge.yaml",
]


def _timed(run) -> tuple[float, object]:
    c0 = time.process_time()
    out = run()
    return time.process_time() - c0, out


def measure(path: Path, days: int, seed: int = 1) -> dict:
    scenario = ccsim.load_scenario(path)
    missing = fast.supports(scenario)
    if missing is not None:
        legs, rates = [], []
        for r in range(days):
            calls = draw_calls(scenario, seed, r)
            t, ref = _timed(lambda: simulate_day(scenario, calls, seed, r))  # noqa: B023
            legs.append(ref.n_calls)
            rates.append(ref.n_calls / t)
        return {
            "scenario": path.name,
            "error": f"compiled engine: not supported: {missing}",
            "legs_per_day": statistics.median(legs),
            "simpy": statistics.median(rates),
        }
    fast.simulate_day_fast(scenario, draw_calls(scenario, seed, 10**6), seed, 10**6)  # compile
    rates: dict[str, list[float]] = {"simulate_day_fast": [], "kernel": [], "simpy": []}
    legs = []
    for r in range(days):
        calls = draw_calls(scenario, seed, r)
        t, obs = _timed(lambda: fast.simulate_day_fast(scenario, calls, seed, r))  # noqa: B023
        legs.append(obs.n_calls)
        rates["simulate_day_fast"].append(obs.n_calls / t)
        out = kernel_observations(scenario, calls)
        args = fast.pack(scenario, calls, staff_arrays(scenario, seed, r), out)
        t, _ = _timed(lambda: fast.run_kernel(args))  # noqa: B023
        rates["kernel"].append(int(args["n_out"][0]) / t)
        t, ref = _timed(lambda: simulate_day(scenario, calls, seed, r))  # noqa: B023
        rates["simpy"].append(ref.n_calls / t)
    return {
        "scenario": path.name,
        "legs_per_day": statistics.median(legs),
        **{k: statistics.median(v) for k, v in rates.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--days", type=int, default=5)
    args = parser.parse_args()
    for path in args.scenarios:
        m = measure(path, args.days)
        if "error" in m:
            print(
                f"{m['scenario']}: {m['legs_per_day']:,.0f} legs/day; calls per CPU second: "
                f"SimPy simulate_day {m['simpy']:,.0f}; {m['error']}"
            )
            continue
        print(
            f"{m['scenario']}: {m['legs_per_day']:,.0f} legs/day; calls per CPU second: "
            f"simulate_day_fast {m['simulate_day_fast']:,.0f}, kernel alone {m['kernel']:,.0f}, "
            f"SimPy simulate_day {m['simpy']:,.0f} "
            f"(fast x{m['simulate_day_fast'] / m['simpy']:.1f}, "
            f"kernel x{m['kernel'] / m['simpy']:.1f})"
        )


if __name__ == "__main__":
    main()
