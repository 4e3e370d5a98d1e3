"""End-to-end speed: whole batches as a researcher runs them, against idiomatic SimPy.

    python experiments/bench/end_to_end.py [--reps 2000] [--day-reps 1000]
        [--simpy-days 10] [--memory-reps 250,1000] [--no-cold]

(also ``python experiments/benchmark.py --end-to-end``). Every figure comes from
this one run on this machine; the machine may be shared, so each is printed with
the load average, and ratios (not seconds) are what compare across runs.

1. Reference model (scenarios/reference_80_erlangs.yaml), ``ccsim.run`` with the
   compiled engine, ``--reps`` replications in this process (as ``ccsim run
   --engine fast --workers 1``: draws, simulation, every KPI, the summary with
   CIs), start-up excluded (imports and the compile cache are loaded by an untimed
   run first). Its calls per second over idiomatic SimPy's (the model as a SimPy
   user writes it, `benchmark.make_simpy_idiomatic`, timed just before and just
   after, ``--simpy-days`` days each): the ratio, both single-process. Then the
   same batch on all cores (local worker processes, the default of ``ccsim run``;
   the pool started by an untimed run), and the whole command as a user types it,
   ``ccsim run reference_80_erlangs.yaml --engine fast --reps N``, with its
   start-up (the same command with ``--reps 2``) subtracted. Idiomatic SimPy stays
   single-process: it is what a SimPy user's script does.
2. scenarios/bank_multiskill.yaml and blended_sales_service.yaml, ``--day-reps``
   replications, all KPIs, on 2 local worker processes: wall time (the pool is
   started and its caches loaded by an untimed run first).
3. First run: ``ccsim run scenarios/teaching_single_queue.yaml --reps 1`` with an
   empty compile cache (``NUMBA_CACHE_DIR`` a new folder) and then warm, wall time
   of the whole command, what it printed on stderr; and the compile time of the
   engine (``--engine fast`` with an empty cache, minus the warm time).
4. Memory: peak RSS of a fresh process running the reference model's batch of
   each ``--memory-reps`` replications (1,000 ≈ 10 million calls), so that growth
   with the number of replications shows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))  # experiments/, for benchmark.py

REFERENCE = ROOT / "scenarios" / "reference_80_erlangs.yaml"
DAYS = ("bank_multiskill.yaml", "blended_sales_service.yaml")
TEACHING = ROOT / "scenarios" / "teaching_single_queue.yaml"


def load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def simpy_rate(days: int, first: int) -> float:
    """Idiomatic SimPy's calls per second on the reference model, ``days`` days."""
    import benchmark

    import ccsim

    scenario = ccsim.load_scenario(REFERENCE)
    impl = benchmark.make_simpy_idiomatic(scenario, benchmark.reference_model(scenario), 1)
    t0 = time.perf_counter()
    calls = sum(impl.day(first + d).calls for d in range(days))
    return calls / (time.perf_counter() - t0)


def reference_batch(reps: int, workers: int = 1) -> tuple[float, int]:
    """Seconds and calls of ``reps`` replications of the reference model, end to end,
    in this process (``workers`` 1) or on that many local worker processes."""
    import ccsim
    from ccsim.batch.parallel import Backend
    from ccsim.batch.runner import run

    scenario = ccsim.load_scenario(REFERENCE)
    backend = None if workers == 1 else Backend("local", workers=workers)
    # imports, caches, the pool's start: untimed
    run(scenario, replications=2 * workers, seed=99, engine="fast", backend=backend)
    t0 = time.perf_counter()
    result = run(scenario, replications=reps, seed=1, engine="fast", backend=backend)
    return time.perf_counter() - t0, result.n_calls


def command_batch(reps: int) -> tuple[float, float]:
    """Wall seconds of the whole command ``ccsim run REFERENCE --engine fast --reps N``
    as a user types it (all cores), for ``reps`` and for 2 replications (start-up:
    imports, reading the file, the pool, the cache load)."""
    cmd = [sys.executable, "-m", "ccsim", "run", str(REFERENCE), "--engine", "fast"]
    times = []
    for n in (2, reps):
        t0 = time.perf_counter()
        subprocess.run([*cmd, "--reps", str(n)], capture_output=True, check=True, cwd=ccsim_root())
        times.append(time.perf_counter() - t0)
    return times[1], times[0]


def day_batch(name: str, reps: int) -> tuple[float, int, str]:
    """Wall seconds, calls and engine of ``reps`` replications on 2 local workers."""
    import ccsim
    from ccsim.batch.parallel import Backend
    from ccsim.batch.runner import run

    scenario = ccsim.load_scenario(ROOT / "scenarios" / name)
    backend = Backend("local", workers=2)
    run(scenario, replications=4, seed=99, backend=backend)  # start the pool: untimed
    t0 = time.perf_counter()
    result = run(scenario, replications=reps, seed=1, backend=backend)
    return time.perf_counter() - t0, result.n_calls, result.engine


def ccsim_root() -> Path:
    """The folder holding the ccsim package this run measures (subprocesses run there,
    so that ``python -m ccsim`` finds that one, also when it comes from PYTHONPATH)."""
    import ccsim

    return Path(ccsim.__file__).resolve().parent.parent


def timed_command(args: list[str], cache: str) -> tuple[float, str]:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    t0 = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=ccsim_root())
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return seconds, proc.stderr.strip().splitlines()[0] if proc.stderr.strip() else ""


def first_run() -> dict:
    ccsim_cmd = [sys.executable, "-m", "ccsim", "run", str(TEACHING), "--reps", "1"]
    ccsim_cmd += ["--workers", "1"]
    out = {}
    with tempfile.TemporaryDirectory() as cache:
        out["cold_s"], out["cold_said"] = timed_command(ccsim_cmd, cache)
        # The engine compiled and cached (a small auto run does not compile it).
        timed_command([sys.executable, "-m", "ccsim", "warm-up"], cache)
        out["warm_s"], out["warm_said"] = timed_command(ccsim_cmd, cache)
    with tempfile.TemporaryDirectory() as cache:
        fast = ccsim_cmd + ["--engine", "fast"]
        out["compile_cold_s"], out["compile_said"] = timed_command(fast, cache)
        out["compile_warm_s"], _ = timed_command(fast, cache)
    return out


MEMORY_PROBE = """
import json, resource, sys
import ccsim
from ccsim.batch.runner import run
s = ccsim.load_scenario(sys.argv[1])
r = run(s, replications=int(sys.argv[2]), seed=1, engine="fast")
print(json.dumps({"calls": r.n_calls,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def peak_memory(reps: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(REFERENCE), str(reps)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ccsim_root(),
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=2000, help="reference model replications")
    p.add_argument("--day-reps", type=int, default=1000, help="bank / blended replications")
    p.add_argument(
        "--blended-reps", type=int, help="blended replications if not --day-reps (it runs SimPy)"
    )
    p.add_argument("--simpy-days", type=int, default=10, help="idiomatic SimPy days, twice")
    p.add_argument("--memory-reps", default="250,1000", help="batches whose peak RSS to take")
    p.add_argument("--no-cold", action="store_true", help="skip the empty-cache runs")
    p.add_argument(
        "--sections", default="1,2,3,4", help="which of the numbered parts to run (default all)"
    )
    args = p.parse_args(argv)
    sections = {int(x) for x in args.sections.split(",") if x}
    import ccsim

    print(f"end-to-end benchmark, ccsim at {Path(ccsim.__file__).parent}")
    print(f"load average at start: {load()} (2-core machine shared with other work: noisy)")

    from ccsim.batch.first_run import compile_engine

    # every kernel compiled (or loaded) before any timing: a run interprets the KPI
    # kernels for its first legs and compiles them then, which no timed part should hold
    print(f"compiled or loaded every kernel first: {compile_engine():.1f} s")
    if 1 in sections:
        reference_section(args)
    if 2 in sections:
        days_section(args)
    if 3 in sections and not args.no_cold:
        first_run_section()
    if 4 in sections:
        memory_section(args)
    print(f"\nload average at end: {load()}")
    return 0


def reference_section(args: argparse.Namespace) -> None:
    before = simpy_rate(args.simpy_days, 0)
    seconds, calls = reference_batch(args.reps)
    after = simpy_rate(args.simpy_days, args.simpy_days)
    simpy = (before + after) / 2
    rate = calls / seconds
    print(f"\n1. reference model, {args.reps} replications, compiled engine, 1 process")
    print(f"   ccsim run end to end: {seconds:.1f} s, {calls:,} calls, {rate:,.0f} calls/s")
    print(f"   idiomatic SimPy: {before:,.0f} calls/s before, {after:,.0f} after")
    print(f"   ratio to idiomatic SimPy: {rate / simpy:.1f}x   (load {load()})")
    from ccsim.batch.parallel import cpu_count

    workers = cpu_count()
    if workers > 1:
        seconds, calls = reference_batch(args.reps, workers)
        rate = calls / seconds
        print(f"   on {workers} local worker processes (ccsim run's default, all cores):")
        print(f"   {seconds:.1f} s, {rate:,.0f} calls/s, {rate / simpy:.1f}x idiomatic SimPy")
    whole, startup = command_batch(args.reps)
    rate = calls / (whole - startup)
    print(
        f"   `ccsim run reference_80_erlangs.yaml --engine fast --reps {args.reps}` as typed: "
        f"{whole:.1f} s; with --reps 2: {startup:.1f} s (start-up)"
    )
    print(
        f"   start-up excluded: {whole - startup:.1f} s, {rate:,.0f} calls/s, "
        f"{rate / simpy:.1f}x idiomatic SimPy   (load {load()})"
    )


def days_section(args: argparse.Namespace) -> None:
    print("\n2. replications of a day, all KPIs, 2 local workers")
    for name in DAYS:
        reps = args.day_reps
        if name.startswith("blended") and args.blended_reps:
            reps = args.blended_reps
        seconds, calls, engine = day_batch(name, reps)
        print(
            f"   {name:28s} {reps:>5} reps {seconds:6.1f} s wall  {calls:>12,} calls  "
            f"{calls / seconds:>10,.0f} calls/s  ({engine} engine, load {load()})"
        )


def first_run_section() -> None:
    f = first_run()
    said = f["cold_said"] or "(nothing)"
    print("\n3. first run: ccsim run teaching_single_queue.yaml --reps 1 (whole command)")
    print(f"   empty compile cache: {f['cold_s']:.1f} s, said: {said}")
    ratio = f["cold_s"] / f["warm_s"]
    print(f"   warm compile cache:  {f['warm_s']:.1f} s   -> cold/warm {ratio:.2f}")
    compiling = f["compile_cold_s"] - f["compile_warm_s"]
    print(
        f"   --engine fast, empty cache: {f['compile_cold_s']:.1f} s "
        f"(warm {f['compile_warm_s']:.1f} s: compiling ~{compiling:.0f} s), "
        f"said: {f['compile_said'] or '(nothing)'}"
    )


def memory_section(args: argparse.Namespace) -> None:
    print("\n4. peak memory of a fresh process running the reference batch (compiled engine)")
    for reps in [int(x) for x in args.memory_reps.split(",") if x]:
        m = peak_memory(reps)
        mib = m["peak_mib"]
        print(f"   {reps:>6} replications, {m['calls']:>12,} calls: peak RSS {mib:,.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
