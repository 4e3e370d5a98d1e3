"""Speed benchmark: ccsim against SimPy, Ciw and salabim on one reference model.

    python experiments/benchmark.py [--quick] [--rounds N] [--days D]
                                    [--peers simpy,ciw,salabim] [--seed S]
    python experiments/benchmark.py --end-to-end   (whole batches: bench/end_to_end.py)

The reference model is scenarios/reference_80_erlangs.yaml (keep it exactly, so
numbers compare across versions): one call type, Poisson arrivals 20 per minute,
exponential handle time with mean 4 min (80 Erlangs), 85 agents, exponential
patience with mean 3 min, FCFS, an 8-hour day (about 9,600 calls); arrivals stop
after 8 h and the system drains. SL threshold 20 s. Every implementation below
takes its parameters from that file (checked to be this model).

Implementations, each simulating the same number of days per round:

- ``ccsim-simpy``: ccsim's own engine through the public API, per day
  ``ccsim.batch.replication.run_replication`` (draw callers + simulate) and
  ``ccsim.metrics.replication_kpis`` (all KPIs); the time of all three counts.
- ``ccsim-fast``: ccsim's compiled engine ``ccsim.models.fast.simulate_day_fast``
  with ``ccsim.models.calls.draw_calls`` and the same KPIs, when that module exists.
- ``ccsim-fast-kernel``: the engine's own speed: only ``simulate_day_fast`` is
  timed (roster, packing and the event loop); the same days' callers are drawn
  before the clock starts and the KPIs computed after it stops. It simulates the
  very days ccsim-fast does, so it is left out of the agreement and memory tables.
- ``simpy-idiomatic``: the model as a typical SimPy user writes it (below).
- ``ciw`` and ``salabim``: the same model in those libraries, if installed
  (``pip install -e ".[bench]"``); missing ones are named and skipped.

Method. Rounds alternate the implementations (the order rotates each round) so
that load from other work on the machine spreads over all of them. Before the
rounds every implementation simulates one untimed day (imports, numba compile or
cache load, first-call costs); its time is shown as "first day". Each round
times, with ``time.perf_counter``, one implementation's D days in a row after a
``gc.collect()``. Calls per second are reported as median, min and max over
rounds, and each implementation's ratio to simpy-idiomatic of the same round
(median over rounds). Peak memory is measured per implementation in a fresh
subprocess (see ``memory_probe``). The scaling table times ccsim's engines over
1 to 100 days to show that the cost per call does not grow with the run.

Correctness. Each implementation's SL(20 s) (answered within 20 s / offered, where
offered = answered + abandoned), ASA and abandon rate are pooled over all its days,
with standard errors from the day-to-day variation (days are independent
replications; calls within a day are not). They are checked against each other
and against exact values: the steady-state Erlang A values of
``ccsim.planning.analytic.erlang_a(85, 20/60, 240, 180)`` and the exact expectation for
this 8-h day that starts empty (``bench.erlang_transient``), which is what the
simulations estimate; a disagreement beyond Monte Carlo error is flagged, not
fatal.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import gc
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np
import simpy
from bench.erlang_transient import day_kpis
from scipy import stats

import ccsim
from ccsim.batch.replication import run_replication
from ccsim.metrics import replication_kpis
from ccsim.planning.analytic import erlang_a

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "scenarios" / "reference_80_erlangs.yaml"

PEERS = ("simpy", "ciw", "salabim")
BASELINE = "simpy-idiomatic"
#: Rows that only time part of another row's work, on the same days: shown in the
#: speed table, not in the agreement and memory tables.
TIMING_ONLY = ("ccsim-fast-kernel",)
TARGET_CALLS = 100_000  # per implementation per round, by default
SCALING_DAYS = (1, 3, 10, 30, 100)
QUICK_SCALING_DAYS = (1, 3)
SCALING_MIN_DAYS = 10  # runs shorter than this are repeated; the median run is shown
SCALING_TOLERANCE = 0.3  # "cost per call ~constant": within 30 % over sizes
MIN_DAYS_FOR_CHECK = 10  # fewer days give no usable estimate of the Monte Carlo error
FAMILY_ALPHA = 0.01  # family-wise false-alarm rate of the agreement checks
# Day indices (replication numbers) of the untimed first day, the memory probe and
# the scaling runs: far from the rounds' 0 .. rounds * days - 1, so all are distinct.
FIRST_DAY, PROBE_DAYS, SCALING_BASE = 10**6, 2 * 10**6, 3 * 10**6


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Model:
    """The reference model in seconds: M/M/n+M, FCFS, arrivals over ``day`` seconds."""

    lam: float  # arrivals per second
    aht: float  # mean handle time, s
    patience: float  # mean patience, s
    agents: int
    day: float  # arrivals stop after this long; the system then drains
    threshold: float  # service-level threshold, s

    @property
    def calls_per_day(self) -> float:
        return self.lam * self.day


def reference_model(scenario: ccsim.Scenario) -> Model:
    """The peers' parameters, read from the scenario and checked to be the reference."""
    (ct,) = scenario.call_types
    (group,) = scenario.agent_groups
    h = scenario.horizon
    rates = set(ct.rates)
    problems = [
        what
        for what, bad in (
            ("one constant arrival rate", len(rates) != 1),
            ("exponential handle time", ct.handle_time.kind != "exponential"),
            ("exponential patience", ct.patience is None or ct.patience.kind != "exponential"),
            ("no wrap-up", ct.wrap_up is not None),
            ("no IVR, no trunk limit", scenario.ivr is not None or scenario.trunks is not None),
            ("a fixed number of agents", group.agents is None or bool(group.shifts)),
            ("SL over offered calls", scenario.service_level.definition != "offered"),
        )
        if bad
    ]
    if problems:
        raise SystemExit(f"{REFERENCE} is not the reference model: needs {', '.join(problems)}")
    return Model(
        lam=rates.pop(),
        aht=ct.handle_time.mean,
        patience=ct.patience.mean,
        agents=group.agents,
        day=h.end - h.start,
        threshold=scenario.service_level.threshold,
    )


# --------------------------------------------------------------------------- one day's counts


@dataclass
class Day:
    """What one simulated day contributes to the KPIs (all its calls)."""

    calls: int
    answered: int
    abandoned: int
    within: int  # answered within the SL threshold
    wait_answered: float  # total wait of the answered calls, s

    @property
    def offered(self) -> int:
        return self.answered + self.abandoned


def tally(outcomes: list[tuple[bool, float]], threshold: float) -> Day:
    """A day from ``(answered, wait in seconds)`` per call."""
    answered = within = 0
    wait = 0.0
    for ok, w in outcomes:
        if ok:
            answered += 1
            wait += w
            within += w <= threshold
    return Day(len(outcomes), answered, len(outcomes) - answered, within, wait)


def day_from_kpis(n_calls: int, s: dict) -> Day:
    """A day from ccsim's own KPIs (``replication_kpis(...)["summary"]``)."""
    offered, answered = s["offered"], s["answered"]
    return Day(
        calls=n_calls,
        answered=int(answered),
        abandoned=int(s["abandoned"]),
        within=round(s["sl_offered"] * offered) if offered else 0,
        wait_answered=s["asa_s"] * answered if answered else 0.0,
    )


def peer_seed(seed: int, code: int, index: int) -> np.random.SeedSequence:
    """Independent seeds per (implementation, day): peers never share random numbers."""
    return np.random.SeedSequence(seed, spawn_key=(code, index))


# --------------------------------------------------------------------------- implementations


@dataclass
class Impl:
    name: str
    what: str
    day: Callable[[int], Day] | None  # day(index): simulate day ``index``
    version: str = ""
    missing: str | None = None  # why it is skipped
    # Untimed work around the timed days: ``prepare(indices)`` before the clock
    # starts; ``finish(result)`` turns what ``day`` returned into a Day after it stops.
    prepare: Callable[[range], None] | None = None
    finish: Callable[[object], Day] | None = None


def make_ccsim_simpy(scenario: ccsim.Scenario, model: Model, seed: int) -> Impl:
    def day(index: int) -> Day:
        obs = run_replication(scenario, seed, index)
        return day_from_kpis(obs.n_calls, replication_kpis(obs, scenario)["summary"])

    return Impl("ccsim-simpy", "ccsim engine: draw + simulate + KPIs", day, ccsim.__version__)


def make_ccsim_fast(scenario: ccsim.Scenario, model: Model, seed: int) -> Impl:
    name, what = "ccsim-fast", "ccsim compiled engine: draw + simulate + KPIs"
    try:
        from ccsim.models.fast import simulate_day_fast
    except ImportError as exc:
        return Impl(
            name, what, None, missing=f"ccsim.models.fast.simulate_day_fast not found ({exc})"
        )
    except Exception as exc:  # present but broken: report, do not crash
        return Impl(name, what, None, missing=f"ccsim.models.fast failed to import: {exc!r}")
    from ccsim.models.calls import draw_calls

    def day(index: int) -> Day:
        calls = draw_calls(scenario, seed, index)
        obs = simulate_day_fast(scenario, calls, seed, index)
        return day_from_kpis(obs.n_calls, replication_kpis(obs, scenario)["summary"])

    return Impl(name, what, day, ccsim.__version__)


def make_ccsim_fast_kernel(scenario: ccsim.Scenario, model: Model, seed: int) -> Impl:
    name = "ccsim-fast-kernel"
    what = "ccsim compiled engine alone: simulate_day_fast (callers drawn before, no KPIs)"
    try:
        from ccsim.models.fast import simulate_day_fast
    except ImportError as exc:
        return Impl(
            name, what, None, missing=f"ccsim.models.fast.simulate_day_fast not found ({exc})"
        )
    except Exception as exc:  # present but broken: report, do not crash
        return Impl(name, what, None, missing=f"ccsim.models.fast failed to import: {exc!r}")
    from ccsim.models.calls import draw_calls

    drawn: dict[int, object] = {}

    def prepare(indices: range) -> None:
        drawn.clear()
        drawn.update((i, draw_calls(scenario, seed, i)) for i in indices)

    def day(index: int):
        calls = drawn.pop(index, None)
        if calls is None:  # not prepared (the first day, the memory probe)
            calls = draw_calls(scenario, seed, index)
        return simulate_day_fast(scenario, calls, seed, index)

    def finish(obs) -> Day:
        return day_from_kpis(obs.n_calls, replication_kpis(obs, scenario)["summary"])

    return Impl(name, what, day, ccsim.__version__, prepare=prepare, finish=finish)


def make_simpy_idiomatic(scenario: ccsim.Scenario, model: Model, seed: int) -> Impl:
    """The model as a typical SimPy user writes it: a Resource of agents, a process
    per caller racing its request against its patience, numpy draws per call."""

    def day(index: int) -> Day:
        rng = np.random.default_rng(peer_seed(seed, 1, index))
        env = simpy.Environment()
        agents = simpy.Resource(env, capacity=model.agents)
        outcomes: list[tuple[bool, float]] = []

        def caller(env: simpy.Environment):
            arrived = env.now
            patience = rng.exponential(model.patience)
            with agents.request() as request:
                result = yield request | env.timeout(patience)
                if request in result:
                    outcomes.append((True, env.now - arrived))
                    yield env.timeout(rng.exponential(model.aht))
                else:  # patience ran out first: leaving the block withdraws the request
                    outcomes.append((False, env.now - arrived))

        def arrivals(env: simpy.Environment):
            while True:
                gap = rng.exponential(1.0 / model.lam)
                if env.now + gap >= model.day:
                    return
                yield env.timeout(gap)
                env.process(caller(env))

        env.process(arrivals(env))
        env.run()  # no end time: runs until the last caller has left (the drain)
        return tally(outcomes, model.threshold)

    return Impl(BASELINE, "SimPy: Resource + process per call", day, simpy.__version__)


def make_ciw(scenario: ccsim.Scenario, model: Model, seed: int) -> Impl:
    name, what = "ciw", "Ciw: M/M/85 node with reneging"
    try:
        import ciw
    except ImportError:
        return Impl(name, what, None, missing="not installed (pip install -e '.[bench]')")

    class ArrivalsUntil(ciw.dists.Exponential):
        """Exponential inter-arrival times switched off at the end of the day.

        Ciw passes the current time ``t`` to ``sample`` (its time-dependent
        distributions): a gap that would land after ``until`` is infinite, so no
        arrival is scheduled any more and the node drains.
        """

        def __init__(self, rate: float, until: float) -> None:
            super().__init__(rate)
            self.until = until

        def sample(self, t=None, ind=None):
            gap = super().sample(t, ind)
            return gap if t + gap < self.until else math.inf

    def day(index: int) -> Day:
        network = ciw.create_network(
            arrival_distributions=[ArrivalsUntil(model.lam, model.day)],
            service_distributions=[ciw.dists.Exponential(1.0 / model.aht)],
            number_of_servers=[model.agents],
            reneging_time_distributions=[ciw.dists.Exponential(1.0 / model.patience)],
        )
        ciw.seed(int(peer_seed(seed, 2, index).generate_state(1)[0]))
        q = ciw.Simulation(network)
        # With no event left the clock jumps to infinity and the run stops: the cap
        # only has to lie beyond the drain (minutes after the last arrival).
        q.simulate_until_max_time(100 * model.day)
        arrived, left = q.nodes[0].number_of_individuals, q.nodes[-1].number_of_individuals
        if left != arrived:
            raise RuntimeError(f"ciw did not drain: {arrived} arrived, {left} left")
        records = q.get_all_records()
        return tally(
            [(r.record_type == "service", r.waiting_time) for r in records], model.threshold
        )

    return Impl(name, what, day, metadata.version("ciw"))


def make_salabim(scenario: ccsim.Scenario, model: Model, seed: int) -> Impl:
    name, what = "salabim", "salabim: Component per call, Resource"
    try:
        import salabim as sim
    except ImportError:
        return Impl(name, what, None, missing="not installed (pip install -e '.[bench]')")

    def day(index: int) -> Day:
        # Yield style: salabim's yield-less mode needs greenlet, not a dependency of it.
        env = sim.Environment(
            trace=False,
            random_seed=int(peer_seed(seed, 3, index).generate_state(1)[0]),
            yieldless=False,
        )
        agents = sim.Resource("agents", capacity=model.agents)
        inter_arrival = sim.Exponential(1.0 / model.lam)
        handle = sim.Exponential(model.aht)
        patience = sim.Exponential(model.patience)
        outcomes: list[tuple[bool, float]] = []

        class Caller(sim.Component):
            def process(self):
                arrived = env.now()
                yield self.request(agents, fail_delay=patience())
                if self.failed():  # patience ran out before an agent was free
                    outcomes.append((False, env.now() - arrived))
                    return
                outcomes.append((True, env.now() - arrived))
                yield self.hold(handle())
                self.release(agents)

        class Arrivals(sim.Component):
            def process(self):
                while True:
                    gap = inter_arrival()
                    if env.now() + gap >= model.day:
                        return
                    yield self.hold(gap)
                    Caller()

        Arrivals()
        env.run()  # no end time: runs until no event is left (the drain)
        return tally(outcomes, model.threshold)

    return Impl(name, what, day, sim.__version__)


def build_impls(scenario: ccsim.Scenario, model: Model, seed: int, peers: list[str]) -> list[Impl]:
    impls = [
        make_ccsim_simpy(scenario, model, seed),
        make_ccsim_fast(scenario, model, seed),
        make_ccsim_fast_kernel(scenario, model, seed),
    ]
    makers = {"simpy": make_simpy_idiomatic, "ciw": make_ciw, "salabim": make_salabim}
    impls += [makers[p](scenario, model, seed) for p in PEERS if p in peers]
    return impls


# --------------------------------------------------------------------------- timing


def time_days(impl: Impl, indices: range) -> tuple[float, float, list[Day]]:
    """Wall seconds (``time.perf_counter``) and CPU seconds of this process
    (``time.process_time``) to simulate days ``indices`` one after the other, and
    their counts. CPU time is far less sensitive to other work on the machine.
    The implementation's ``prepare`` and ``finish``, if any, run outside the clock."""
    if impl.prepare is not None:
        impl.prepare(indices)
    gc.collect()
    w0, c0 = time.perf_counter(), time.process_time()
    results = [impl.day(i) for i in indices]
    wall, cpu = time.perf_counter() - w0, time.process_time() - c0
    days = results if impl.finish is None else [impl.finish(r) for r in results]
    return wall, cpu, days


@dataclass
class Timings:
    first_day_s: float = math.nan
    seconds: list[float] = field(default_factory=list)  # wall, per round
    cpu: list[float] = field(default_factory=list)  # CPU, per round
    calls: list[int] = field(default_factory=list)  # per round
    days: list[Day] = field(default_factory=list)  # all rounds

    def rates(self) -> list[float]:
        return [c / s for c, s in zip(self.calls, self.seconds, strict=True)]

    def cpu_rates(self) -> list[float]:
        return [c / s for c, s in zip(self.calls, self.cpu, strict=True)]


# --------------------------------------------------------------------------- memory


def _proc_status_kib(key: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS counter (VmHWM) to the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    hwm, rss = _proc_status_kib("VmHWM"), _proc_status_kib("VmRSS")
    return hwm is not None and rss is not None and hwm <= rss + 1024


def _trim_heap() -> None:
    """Give freed heap memory back to the OS (glibc), so that what a day allocates shows
    up as resident-set growth instead of reusing what an earlier day left resident."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def memory_probe(impl: Impl, days: int) -> dict:
    """Peak memory of one implementation, run in a fresh process (``--memory-probe``).

    Two steps, each measured from the resident set just before it (after
    ``gc.collect()`` and ``malloc_trim``) to the peak resident set during it, with the
    kernel's peak counter reset in between: the first day (first-call costs such as
    numba compilation included), then ``days`` more days one after the other (what a
    run needs). Resident memory counts numpy and numba (compiled code)
    allocations, which tracemalloc would not all see. ``peak`` is the process's peak
    during the days, interpreter and imports included. Without /proc (not Linux),
    ru_maxrss deltas are used instead: lower bounds (0 if a step stays below an
    earlier peak).
    """
    exact = _reset_peak_rss()
    scale = 1 if sys.platform.startswith("linux") else 1 / 1024  # ru_maxrss: KiB, macOS bytes

    def step(run: Callable[[], object]) -> tuple[float, float]:
        gc.collect()
        _trim_heap()
        if exact:
            before = _proc_status_kib("VmRSS")
            _reset_peak_rss()
            run()
            peak = _proc_status_kib("VmHWM")
        else:
            import resource  # not on Windows; only needed here

            before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
            run()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale
        return max(peak - before, 0), peak

    first_growth, _ = step(lambda: impl.day(FIRST_DAY))
    growth, peak = step(lambda: [impl.day(PROBE_DAYS + d) for d in range(days)])
    return {
        "method": "VmHWM reset" if exact else "ru_maxrss delta",
        "first_day_growth_kib": first_growth,
        "growth_kib": growth,
        "peak_kib": peak,
    }


def run_memory_probe(name: str, args: argparse.Namespace) -> dict:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--memory-probe",
        name,
        "--days",
        str(args.days),
        "--seed",
        str(args.seed),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["no output"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- statistics


def ratio_estimate(num: list[float], den: list[float]) -> tuple[float, float]:
    """Pooled ratio sum(num) / sum(den) over independent days, and its standard error
    (delta method: the day-to-day variation of num - ratio * den)."""
    y, x = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    if x.sum() == 0:
        return math.nan, math.nan
    r = y.sum() / x.sum()
    n = x.size
    if n < 2:
        return r, math.nan
    se = math.sqrt(float(np.sum((y - r * x) ** 2)) / (n * (n - 1))) / float(x.mean())
    return r, se


KPIS = ("SL", "ASA", "abandon")


def z_score(difference: float, se: float) -> float:
    """difference / se; a zero standard error gives 0 for no difference, else inf."""
    if se > 0:
        return difference / se
    return 0.0 if difference == 0 else math.copysign(math.inf, difference)


def kpi_estimates(days: list[Day]) -> dict[str, tuple[float, float]]:
    offered = [d.offered for d in days]
    return {
        "SL": ratio_estimate([d.within for d in days], offered),
        "ASA": ratio_estimate([d.wait_answered for d in days], [d.answered for d in days]),
        "abandon": ratio_estimate([d.abandoned for d in days], offered),
    }


# --------------------------------------------------------------------------- printing


def fmt_kpi(kpi: str, value: float, half: float | None = None) -> str:
    """SL as a fraction (4 places), ASA in seconds (2), abandoned in percent (2)."""
    scale, places = {"SL": (1.0, 4), "ASA": (1.0, 2), "abandon": (100.0, 2)}[kpi]
    text = f"{scale * value:.{places}f}"
    if half is None:
        return text
    return f"{text} ± n/a" if math.isnan(half) else f"{text} ± {scale * half:.{places}f}"


def versions() -> str:
    out = []
    for dist in ("numpy", "numba", "scipy", "simpy", "ciw", "salabim"):
        try:
            out.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            out.append(f"{dist} -")
    return f"ccsim {ccsim.__version__}, " + ", ".join(out)


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def print_table(header: list[str], rows: list[list[str]], align: str) -> None:
    """Aligned columns; ``align`` has one 'l' or 'r' per column."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if a == "l" else c.rjust(w)
            for c, w, a in zip(cells, widths, align, strict=True)
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


# --------------------------------------------------------------------------- the report


def agreement(active: list[Impl], timings: dict[str, Timings], model: Model) -> None:
    steady = erlang_a(model.agents, model.lam, model.aht, model.patience)
    exact_steady = {
        "SL": steady.service_level(model.threshold),
        "ASA": steady.asa,
        "abandon": steady.p_abandon,
    }
    d = day_kpis(model.agents, model.lam, model.aht, model.patience, model.day, model.threshold)
    exact_day = {"SL": d["sl"], "ASA": d["asa_s"], "abandon": d["abandon_rate"]}

    est = {i.name: kpi_estimates(timings[i.name].days) for i in active}
    n_days = min(len(timings[i.name].days) for i in active)
    df = max(n_days - 1, 1)
    t95 = float(stats.t.ppf(0.975, df))
    print()
    print(
        "Results: each implementation's calls pooled over all its days; ± is a 95% confidence "
        "half-width\nfrom the day-to-day variation (days are independent, calls within a day "
        "are not)."
    )
    rows = []
    for i in active:
        t = timings[i.name]
        rows.append(
            [i.name, str(len(t.days)), f"{sum(x.calls for x in t.days):,}"]
            + [fmt_kpi(k, est[i.name][k][0], t95 * est[i.name][k][1]) for k in KPIS]
        )
    rows.append(
        ["exact, this 8-h day from empty", "", ""] + [fmt_kpi(k, exact_day[k]) for k in KPIS]
    )
    rows.append(
        ["exact, steady state (erlang_a)", "", ""] + [fmt_kpi(k, exact_steady[k]) for k in KPIS]
    )
    print_table(
        ["implementation", "days", "calls", "SL(20s)", "ASA (s)", "abandoned (%)"],
        rows,
        "lrrrrr",
    )
    bias = {k: exact_day[k] - exact_steady[k] for k in KPIS}
    print(
        "The day starts empty (exact M/M/n+M chain from an empty start, "
        "experiments/bench/erlang_transient.py):\n"
        f"its exact values differ from steady state by SL {bias['SL']:+.4f}, "
        f"ASA {bias['ASA']:+.3f} s, abandoned {100 * bias['abandon']:+.3f} points."
    )

    if n_days < MIN_DAYS_FOR_CHECK:
        print(
            f"Agreement not checked: {n_days} day(s) per implementation are too few to estimate "
            f"the Monte Carlo error (needs >= {MIN_DAYS_FOR_CHECK}; use more --rounds or --days)."
        )
        return
    k = len(active)
    comparisons = len(KPIS) * (k + k * (k - 1) // 2)
    crit = float(stats.t.ppf(1 - FAMILY_ALPHA / (2 * comparisons), df))
    print()
    print(
        f"Agreement: z = difference / its standard error. Flagged when |z| > {crit:.2f} "
        f"(Bonferroni: {FAMILY_ALPHA:.0%} family-wise\nfalse alarms over {comparisons} "
        f"comparisons with the exact day and between implementations; t with {df} df).\n"
        "z against steady state is shown for information (it includes the start-up bias)."
    )
    flags: list[str] = []
    rows = []
    for i in active:
        e = est[i.name]
        z_day = [z_score(e[q][0] - exact_day[q], e[q][1]) for q in KPIS]
        z_steady = [z_score(e[q][0] - exact_steady[q], e[q][1]) for q in KPIS]
        bad = [q for q, z in zip(KPIS, z_day, strict=True) if not abs(z) <= crit]
        flags += [f"{i.name} vs exact day: {q}" for q in bad]
        rows.append(
            [i.name]
            + [f"{z:+.2f}" for z in z_day]
            + [f"{z:+.2f}" for z in z_steady]
            + ["FLAG " + ",".join(bad) if bad else "ok"]
        )
    print_table(
        [
            "implementation",
            "SL z",
            "ASA z",
            "aband. z",
            "SL z(ss)",
            "ASA z(ss)",
            "aband. z(ss)",
            "vs exact day",
        ],
        rows,
        "lrrrrrrl",
    )
    worst = (0.0, "")
    for a in range(k):
        for b in range(a + 1, k):
            ea, eb = est[active[a].name], est[active[b].name]
            for q in KPIS:
                z = z_score(ea[q][0] - eb[q][0], math.hypot(ea[q][1], eb[q][1]))
                pair = f"{active[a].name} vs {active[b].name}, {q}"
                if not abs(z) <= crit:
                    flags.append(pair)
                if abs(z) >= abs(worst[0]) or math.isnan(z):
                    worst = (z, pair)
    if k > 1:
        print(f"Between implementations: largest |z| = {abs(worst[0]):.2f} ({worst[1]}).")
    if "ccsim-fast" in est and "ccsim-simpy" in est:
        print(
            "(ccsim-simpy and ccsim-fast see the same callers, seed for seed: their z is "
            "conservative.)"
        )
    if flags:
        print("FLAG: disagreement beyond Monte Carlo error: " + "; ".join(flags))
    else:
        print(
            "Agreement: all implementations agree with each other and with the exact values "
            "within Monte Carlo error."
        )


def speed(active: list[Impl], timings: dict[str, Timings], args: argparse.Namespace) -> None:
    base = timings.get(BASELINE)
    print()
    print(
        f"Speed: calls simulated per second of wall time, time.perf_counter ({args.rounds} "
        f"round(s) of {args.days} day(s)).\n'x {BASELINE}': median over rounds of the ratio "
        f"to {BASELINE} in the same round. 'calls/CPU-s': per\nsecond of this process's CPU "
        "time (time.process_time), which leaves out time other processes held the CPU.\n"
        "'first day': the untimed first call (imports, numba compile or cache load).\n"
        "ccsim-fast-kernel times simulate_day_fast alone on ccsim-fast's days (callers drawn "
        "before, KPIs after)."
    )
    rows = []
    for i in active:
        t = timings[i.name]
        r = t.rates()
        if base is not None and base.seconds:
            ratio = statistics.median(a / b for a, b in zip(r, base.rates(), strict=True))
            ratio_s = f"{ratio:.2f}"
        else:
            ratio_s = "n/a"
        rows.append(
            [
                i.name,
                f"{statistics.median(r):,.0f}",
                f"{min(r):,.0f}",
                f"{max(r):,.0f}",
                ratio_s,
                f"{statistics.median(t.cpu_rates()):,.0f}",
                f"{t.first_day_s:.2f}",
                i.what,
            ]
        )
    print_table(
        [
            "implementation",
            "calls/s median",
            "min",
            "max",
            f"x {BASELINE}",
            "calls/CPU-s",
            "first day (s)",
            "what is timed",
        ],
        rows,
        "lrrrrrrl",
    )


def memory(active: list[Impl], args: argparse.Namespace) -> None:
    print()
    print(
        "Memory, per implementation in a fresh subprocess: peak resident set during a step "
        "minus the resident\nset just before it (after gc.collect() and malloc_trim), from "
        "the kernel's peak-RSS counter (VmHWM,\nreset via /proc/self/clear_refs), so numpy "
        "and numba allocations count too (tracemalloc would miss\nnumba's). Steps: the first "
        f"day (first-call costs, e.g. compilation), then {args.days} more day(s) in a row.\n"
        "'process peak' includes the interpreter and imports (numpy, scipy, numba, SimPy and "
        "ccsim for all)."
    )
    rows = []
    for i in active:
        m = run_memory_probe(i.name, args)
        if "error" in m:
            rows.append([i.name, "error", "", "", m["error"][:60]])
            continue
        rows.append(
            [
                i.name,
                f"{m['first_day_growth_kib'] / 1024:.1f}",
                f"{m['growth_kib'] / 1024:.1f}",
                f"{m['peak_kib'] / 1024:.1f}",
                m["method"],
            ]
        )
    print_table(
        [
            "implementation",
            "first day: growth (MiB)",
            f"{args.days} day(s): growth (MiB)",
            "process peak (MiB)",
            "method",
        ],
        rows,
        "lrrrl",
    )


def scaling(active: list[Impl], args: argparse.Namespace) -> None:
    engines = [i for i in active if i.name in ("ccsim-simpy", "ccsim-fast")]
    sizes = QUICK_SCALING_DAYS if args.quick else SCALING_DAYS
    print()
    print(
        f"Scaling: ccsim's engines over runs of {sizes[0]} to {sizes[-1]} days (one day after "
        "the other, as in the rounds).\nRuns of fewer than "
        f"{SCALING_MIN_DAYS} days are repeated ('runs') and the median run is shown. The cost "
        "per call\nshould not depend on the size of the run (judged on CPU time, within "
        f"{SCALING_TOLERANCE:.0%})."
    )
    rows = []
    notes = []
    offset = SCALING_BASE
    for i in engines:
        cpu_costs = []
        for n in sizes:
            runs = []  # (cpu, wall, calls) per repeat; short runs are repeated
            for _ in range(max(1, math.ceil(SCALING_MIN_DAYS / n))):
                seconds, cpu, days = time_days(i, range(offset, offset + n))
                offset += n
                runs.append((cpu, seconds, sum(d.calls for d in days)))
            cpu, seconds, calls = sorted(runs, key=lambda x: x[0] / x[2])[len(runs) // 2]
            cpu_costs.append(cpu / calls)
            rows.append(
                [
                    i.name,
                    str(n),
                    str(len(runs)),
                    f"{calls:,}",
                    f"{seconds:.2f}",
                    f"{calls / seconds:,.0f}",
                    f"{1e6 * seconds / calls:.2f}",
                    f"{1e6 * cpu / calls:.2f}",
                    f"{cpu_costs[-1] / cpu_costs[0]:.2f}",
                ]
            )
        spread = max(cpu_costs) / min(cpu_costs) - 1
        if args.quick:
            verdict = "not judged (--quick: runs too short)"
        elif spread <= SCALING_TOLERANCE:
            verdict = "~constant"
        else:
            verdict = "NOT constant, or noisy: check the load average and rerun"
        notes.append(f"{i.name}: CPU cost per call varies by {spread:.0%} over sizes: {verdict}")
    print_table(
        [
            "engine",
            "days",
            "runs",
            "calls",
            "seconds",
            "calls/s",
            "us/call",
            "CPU us/call",
            "CPU cost vs first",
        ],
        rows,
        "lrrrrrrrr",
    )
    for n in notes:
        print(n)


# --------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="tiny run for CI: 1 day per round, 2 rounds, scaling 1 and 3 days",
    )
    parser.add_argument("--rounds", type=int, help="timed rounds (default 5; --quick 2)")
    parser.add_argument(
        "--days",
        type=int,
        help="days per implementation per round (default: ~100k calls; --quick 1)",
    )
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help="comma-separated, of: simpy,ciw,salabim (default: all); '' for none",
    )
    parser.add_argument("--seed", type=int, default=1, help="root seed (default 1)")
    parser.add_argument("--memory-probe", help=argparse.SUPPRESS)
    parser.add_argument(
        "--end-to-end",
        action="store_true",
        help="instead: whole batches (ccsim run) against idiomatic SimPy, 2-worker days, "
        "first run with an empty compile cache, peak memory (experiments/bench/end_to_end.py)",
    )
    args = parser.parse_args(argv)
    args.peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    unknown = sorted(set(args.peers) - set(PEERS))
    if unknown:
        parser.error(f"unknown peer(s) {', '.join(unknown)}; choose from {', '.join(PEERS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.end_to_end:
        from bench.end_to_end import main as end_to_end

        return end_to_end([])
    scenario = ccsim.load_scenario(REFERENCE)
    model = reference_model(scenario)
    if args.rounds is None:
        args.rounds = 2 if args.quick else 5
    if args.days is None:
        args.days = 1 if args.quick else max(1, round(TARGET_CALLS / model.calls_per_day))
    if args.rounds < 1 or args.days < 1:
        raise SystemExit("--rounds and --days must be at least 1")

    if args.memory_probe:  # child process of the memory table
        (impl,) = [
            i
            for i in build_impls(scenario, model, args.seed, list(PEERS))
            if i.name == args.memory_probe
        ]
        if impl.missing:
            raise SystemExit(f"{impl.name}: {impl.missing}")
        print(json.dumps(memory_probe(impl, args.days)))
        return 0

    t_start = time.perf_counter()
    print(
        "ccsim speed benchmark: reference model M/M/85+M (scenarios/reference_80_erlangs.yaml)\n"
        f"  {model.lam * 60:g} calls/min, AHT {model.aht / 60:g} min "
        f"({model.lam * model.aht:g} Erlangs), {model.agents} agents, patience "
        f"{model.patience / 60:g} min, FCFS, {model.day / 3600:g}-h day "
        f"(~{model.calls_per_day:,.0f} calls) + drain, SL {model.threshold:g} s"
    )
    print(
        f"machine: {platform.platform()}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPU(s)"
    )
    print(
        f"load average at start: {load_average()} (other work on the machine slows every "
        "number; the rounds alternate to share it out)"
    )
    print(f"versions: {versions()}")
    print(
        f"plan: {args.rounds} round(s) x {args.days} day(s) per implementation "
        f"(~{args.days * model.calls_per_day:,.0f} calls each per round), seed {args.seed}"
        + (", --quick" if args.quick else "")
    )

    impls = build_impls(scenario, model, args.seed, args.peers)
    for name in sorted(set(PEERS) - set(args.peers)):
        print(f"skipped: {name} (not in --peers)")
    timings: dict[str, Timings] = {}
    for i in impls:
        if i.missing is None:
            try:
                t0 = time.perf_counter()
                i.day(FIRST_DAY)
                timings[i.name] = Timings(first_day_s=time.perf_counter() - t0)
            except Exception as exc:  # report and go on without it
                i.missing = f"failed on its first day: {exc!r}"
        if i.missing is not None:
            print(f"skipped: {i.name}: {i.missing}")
    active = [i for i in impls if i.missing is None]
    if "ccsim-simpy" not in {i.name for i in active}:
        print(
            "error: ccsim's own engine (ccsim-simpy) does not run: nothing to compare with",
            file=sys.stderr,
        )
        return 1

    print()
    for r in range(args.rounds):
        order = active[r % len(active) :] + active[: r % len(active)]
        parts = []
        for i in order:
            seconds, cpu, days = time_days(i, range(r * args.days, (r + 1) * args.days))
            t = timings[i.name]
            t.seconds.append(seconds)
            t.cpu.append(cpu)
            t.calls.append(sum(d.calls for d in days))
            t.days += days
            parts.append(f"{i.name} {seconds:.2f} s")
        print(f"round {r + 1}/{args.rounds}: " + " | ".join(parts), flush=True)

    speed(active, timings, args)
    compared = [i for i in active if i.name not in TIMING_ONLY]
    agreement(compared, timings, model)
    memory(compared, args)
    scaling(active, args)
    print()
    print(f"load average at end: {load_average()}; total {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
