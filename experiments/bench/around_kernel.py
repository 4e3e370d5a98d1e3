"""The Python work around the compiled kernel, per replication, in ms.

    python experiments/bench/around_kernel.py [SCENARIO ...] [--reps 200]

For each scenario (default the reference model), times the draw-free parts of
`ccsim.models.fast.simulate_day_fast`: the roster's arrays
(`ccsim.models.pack_staff.staff_arrays`, its shrinkage draws included), the
observations (`ccsim.models.legs.kernel_observations`), `pack`, the kernel
(`ccsim.kernels.engine.simulate`), the whole day, and ``around`` = the day less
its kernel, measured in the same loop; then `Observations.check_conservation`.
CPU time of this process, best of 3 loops of ``--reps`` after 5 untimed days (the
compile cache loaded); the machine may be shared, so the load average is printed.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from ccsim.kernels import engine as k
from ccsim.models import fast
from ccsim.models.calls import draw_calls
from ccsim.models.legs import kernel_observations
from ccsim.models.pack_calls import pack
from ccsim.models.pack_staff import staff_arrays
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[2]
clock = time.process_time


def best(fn, reps: int) -> float:
    """Best of 3 loops of ``fn(i)``, ms per call."""
    out = []
    for _ in range(3):
        t = clock()
        for i in range(reps):
            fn(i)
        out.append((clock() - t) / reps * 1e3)
    return min(out)


def measure(path: Path, reps: int) -> dict[str, float]:
    sc = load_scenario(path)
    calls = [draw_calls(sc, 1, r) for r in range(8)]
    for r in range(5):
        fast.simulate_day_fast(sc, calls[r], 1, r)
    res = {
        "roster": best(lambda i: staff_arrays(sc, 1, i % 8), reps),
        "observations": best(lambda i: kernel_observations(sc, calls[i % 8]), reps),
    }
    staff, obs = staff_arrays(sc, 1, 0), kernel_observations(sc, calls[0])
    res["pack"] = best(lambda i: pack(sc, calls[0], staff, obs), reps)
    kernel = [0.0]

    def timed(args: dict) -> int:
        structures = k.structures(args)
        t = clock()
        n = k.simulate(*structures)
        kernel[0] += clock() - t
        return int(n)

    real, fast.run_kernel = fast.run_kernel, timed
    try:
        loops = []
        for _ in range(3):
            kernel[0] = 0.0
            t = clock()
            for i in range(reps):
                fast.simulate_day_fast(sc, calls[i % 8], 1, i % 8)
            loops.append(((clock() - t) / reps * 1e3, kernel[0] / reps * 1e3))
    finally:
        fast.run_kernel = real
    res["kernel"] = min(b for _, b in loops)
    res["day"] = min(a for a, _ in loops)
    res["around"] = min(a - b for a, b in loops)
    day = fast.simulate_day_fast(sc, calls[0], 1, 0)
    res["conservation"] = best(lambda i: day.check_conservation(), reps)
    return res


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path)
    parser.add_argument("--reps", type=int, default=200)
    args = parser.parse_args()
    for path in args.scenarios or [ROOT / "scenarios" / "reference_80_erlangs.yaml"]:
        res = measure(path, args.reps)
        print(f"{path.name:28s}", " ".join(f"{name}={ms:.3f}" for name, ms in res.items()))
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
