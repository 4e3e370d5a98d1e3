"""The simulator against exact queueing theory: Erlang B, C and A.

How the tolerance is derived
----------------------------
Each replication simulates a long day (24 h, 30-min intervals) and measures a
KPI over the calls offered after a warm-up (the day starts empty: the warm-up,
many relaxation times long, removes that bias). Replications are independent and
identically distributed, so their day values give a Student-t confidence interval
for the steady-state value. We assert that the exact value lies inside the
99.9 % interval (a false alarm in one assertion has probability 0.001; with the
~40 assertions here, under 4 % for the whole file — and the seeds are fixed, so
a run is repeatable).

A wide interval would pass anything, so every check also asserts that the
interval is narrow: its half-width must be below ``max_half_width``, chosen
smaller than the error a plausible bug makes. Examples, worked out with the exact
formulas: serving callers after they abandoned (Erlang C instead of A) moves SL
in the overloaded Erlang A case from about 0.45 to 0 and P(abandon) by 0.2;
counting SL over answered instead of offered calls moves it by over 0.1; a
one-agent error in Erlang C moves SL by ≥ 0.03 at the loads below.

Per-replication values: within a replication, waits of successive callers are
correlated, which is why the CI is built from the per-replication means (the
batch-means idea), never from the calls pooled as if independent.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim.batch.replication import run_replication
from ccsim.metrics import replication_kpis
from ccsim.observations import BLOCKED
from ccsim.planning import analytic
from ccsim.scenario import load_scenario, parse_scenario

pytestmark = pytest.mark.slow

CONFIDENCE = 0.999

#: Every check runs on both engines, named explicitly (not ``auto``): theory is the
#: oracle for each of them, so a mistake both engines share is caught too.
ENGINES = pytest.mark.parametrize("engine", ["simpy", "fast"])


def scenario(
    *,
    rate_per_h: float,
    aht: float,
    agents: int,
    patience: float | None = None,
    trunks: int | None = None,
    warmup: str = "2h",
    definition: str = "offered",
):
    patience_line = f"    patience: {{dist: exponential, mean: {patience}s}}\n" if patience else ""
    trunk_line = f"trunks: {trunks}\n" if trunks else ""
    text = (
        "name: theory\n"
        "horizon: {start: '00:00', end: '24:00', interval: 30min, warmup: " + warmup + "}\n"
        f"service_level: {{threshold: 20s, target: 0.8, definition: {definition}}}\n"
        f"{trunk_line}"
        "call_types:\n"
        "  calls:\n"
        f"    arrivals: {{rate: {rate_per_h}/h}}\n"
        f"    handle_time: {{dist: exponential, mean: {aht}s}}\n"
        f"{patience_line}"
        "agent_groups:\n"
        f"  agents: {{skills: [calls], agents: {agents}}}\n"
    )
    return parse_scenario(text, source="<theory>")


def replicate(sc, reps: int, seed: int, engine: str, extra=None) -> dict[str, np.ndarray]:
    """Day KPIs of ``reps`` replications on ``engine``, plus ``extra(obs, counted)``
    values per replication."""
    rows: dict[str, list[float]] = {}
    cutoff = sc.horizon.start + sc.horizon.warmup
    for r in range(reps):
        obs = run_replication(sc, seed, r, engine)
        day = replication_kpis(obs, sc)["summary"]
        values = dict(day)
        if extra is not None:
            # Calls arriving after the warm-up (blocked ones never get an offered time).
            counted = obs.arrival >= cutoff
            values.update(extra(obs, counted))
        for k, v in values.items():
            rows.setdefault(k, []).append(v)
    return {k: np.asarray(v, dtype=float) for k, v in rows.items()}


def assert_agrees(values: np.ndarray, exact: float, max_half_width: float, what: str) -> None:
    n = values.size
    mean = float(values.mean())
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
    assert half < max_half_width, (
        f"{what}: CI half-width {half:.4g} too wide to test anything (max {max_half_width})"
    )
    assert abs(mean - exact) <= half, (
        f"{what}: simulated {mean:.5f} ± {half:.5f} (99.9% CI) but theory says {exact:.5f}"
    )


def p_wait(obs, counted) -> dict[str, float]:
    served = counted & (obs.outcome != BLOCKED)
    return {"p_wait": float(np.mean(obs.wait[served] > 0))}


# -- Erlang C: M/M/n, no abandonment ------------------------------------------------

ERLANG_C_CASES = [
    # (calls per hour, AHT s, agents): load, occupancy
    pytest.param(200, 180, 14, id="10E-14n"),  # the published example
    pytest.param(1000, 180, 55, id="50E-55n"),
    pytest.param(960, 180, 50, id="48E-50n-96pct"),  # heavily loaded: occupancy 96 %
]


@ENGINES
@pytest.mark.parametrize(("rate", "aht", "n"), ERLANG_C_CASES)
def test_erlang_c(rate, aht, n, engine):
    load = rate * aht / 3600
    heavy = load / n > 0.95
    sc = scenario(rate_per_h=rate, aht=aht, agents=n, warmup="4h" if heavy else "2h")
    v = replicate(sc, reps=120 if heavy else 60, seed=101, engine=engine, extra=p_wait)
    assert_agrees(v["p_wait"], analytic.erlang_c(n, load), 0.03, "P(wait)")
    assert_agrees(
        v["service_level"], analytic.erlang_c_service_level(n, load, aht, 20), 0.03, "SL(20s)"
    )
    asa = analytic.erlang_c_asa(n, load, aht)
    assert_agrees(v["asa_s"], asa, 0.15 * asa, "ASA")
    assert_agrees(v["occupancy"], load / n, 0.01, "occupancy")
    assert np.all(v["abandoned"] == 0)


@ENGINES
def test_erlang_c_shipped_scenario(engine):
    """The shipped theory scenario reproduces the published 0.8884 / 0.1741."""
    sc = load_scenario("scenarios/theory/erlang_c.yaml")
    v = replicate(sc, reps=sc.replications, seed=sc.seed, engine=engine, extra=p_wait)
    assert_agrees(v["service_level"], 0.8884, 0.02, "SL(20s)")
    assert_agrees(v["p_wait"], 0.1741, 0.02, "P(wait)")


# -- Erlang B: trunks only, nobody queues ---------------------------------------------


def blocking(obs, counted) -> dict[str, float]:
    return {"blocking": float(np.mean(obs.outcome[counted] == BLOCKED))}


@ENGINES
@pytest.mark.parametrize(("rate", "aht", "trunks"), [(360, 180, 20), (1200, 120, 40)])
def test_erlang_b(rate, aht, trunks, engine):
    load = rate * aht / 3600
    # More agents than trunks: whoever gets a line is answered at once.
    sc = scenario(rate_per_h=rate, aht=aht, agents=trunks + 5, trunks=trunks)
    v = replicate(sc, reps=60, seed=202, engine=engine, extra=blocking)
    assert_agrees(v["blocking"], analytic.erlang_b(trunks, load), 0.01, "blocking")
    assert np.all(v["asa_s"] == 0)


@ENGINES
def test_erlang_b_shipped_scenario(engine):
    sc = load_scenario("scenarios/theory/erlang_b.yaml")
    v = replicate(sc, reps=sc.replications, seed=sc.seed, engine=engine, extra=blocking)
    assert_agrees(v["blocking"], analytic.erlang_b(20, 18.0), 0.01, "blocking")


# -- Erlang A: M/M/n+M, exponential patience ------------------------------------------

ERLANG_A_CASES = [
    # (calls per hour, AHT s, agents, mean patience s)
    pytest.param(200, 180, 10, 120, id="10E-10n"),  # critically loaded
    pytest.param(1000, 180, 48, 300, id="50E-48n"),  # offered load above the agents
    pytest.param(240, 180, 10, 120, id="12E-10n-overloaded"),  # 120 % of the agents
]


@ENGINES
@pytest.mark.parametrize(("rate", "aht", "n", "patience"), ERLANG_A_CASES)
def test_erlang_a(rate, aht, n, patience, engine):
    sc = scenario(rate_per_h=rate, aht=aht, agents=n, patience=patience)
    exact = analytic.erlang_a(n, rate / 3600, aht, patience)
    v = replicate(sc, reps=60, seed=303, engine=engine, extra=p_wait)
    assert_agrees(v["abandon_rate"], exact.p_abandon, 0.02, "P(abandon)")
    assert_agrees(v["p_wait"], exact.p_wait, 0.03, "P(wait)")
    assert_agrees(v["asa_s"], exact.asa, 0.1 * exact.asa, "ASA")
    assert_agrees(
        v["abandon_time_s"], exact.mean_abandon_time, 0.1 * exact.mean_abandon_time, "abandon time"
    )
    assert_agrees(v["occupancy"], exact.occupancy, 0.02, "occupancy")
    for definition in (
        "offered",
        "answered",
        "exclude_short_abandons",
        "short_abandons_as_met",
    ):
        assert_agrees(
            v[f"sl_{definition}"],
            exact.service_level(20, definition),
            0.03,
            f"SL(20s) [{definition}]",
        )


@ENGINES
def test_erlang_a_shipped_scenario(engine):
    sc = load_scenario("scenarios/theory/erlang_a.yaml")
    exact = analytic.erlang_a(10, 4 / 60, 180, 120)
    v = replicate(sc, reps=sc.replications, seed=sc.seed, engine=engine)
    assert_agrees(v["abandon_rate"], exact.p_abandon, 0.02, "P(abandon)")
    assert_agrees(v["service_level"], exact.service_level(20, "offered"), 0.03, "SL(20s)")


# -- Multi-skill router invariants -----------------------------------------------------


@ENGINES
def test_groups_with_disjoint_skills_are_independent_erlang_queues(engine):
    """Two call types, each served only by its own group: each behaves exactly like
    its own Erlang C (no abandonment) or Erlang A (with abandonment) queue."""
    sc = parse_scenario(
        "name: split\n"
        "horizon: {start: '00:00', end: '24:00', interval: 30min, warmup: 2h}\n"
        "call_types:\n"
        "  sales: {arrivals: {rate: 200/h}, handle_time: {dist: exponential, mean: 180s}}\n"
        "  service: {arrivals: {rate: 240/h}, handle_time: {dist: exponential, mean: 180s},\n"
        "            patience: {dist: exponential, mean: 120s}}\n"
        "agent_groups:\n"
        "  sales_team: {skills: [sales], agents: 14}\n"
        "  service_team: {skills: [service], agents: 10}\n"
    )
    rows: dict[str, list[float]] = {}
    for r in range(60):
        kpis = replication_kpis(run_replication(sc, 404, r, engine), sc)["by_call_type"]
        for t in ("sales", "service"):
            for k in ("service_level", "abandon_rate", "asa_s"):
                rows.setdefault(f"{t}.{k}", []).append(kpis[t][k])
    v = {k: np.asarray(x) for k, x in rows.items()}
    assert_agrees(
        v["sales.service_level"], analytic.erlang_c_service_level(14, 10, 180, 20), 0.03, "SL C"
    )
    exact = analytic.erlang_a(10, 240 / 3600, 180, 120)
    assert_agrees(v["service.abandon_rate"], exact.p_abandon, 0.02, "P(abandon) A")
    assert_agrees(v["service.service_level"], exact.service_level(20), 0.03, "SL A")
    assert_agrees(v["service.asa_s"], exact.asa, 0.1 * exact.asa, "ASA A")
