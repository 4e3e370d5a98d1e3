"""Mixtures and per-period patience against exact queueing theory, on both engines.

Patience with an atom at zero (a share p of callers hang up as soon as they hear they
must wait, the others have exponential patience) keeps M/M/n+G a birth-death chain:
`ccsim.planning.analytic.erlang_a_atom` gives its abandonment in closed form, checked here
against the chain solved numerically (an independent route: linear algebra on the
generator and a flow balance instead of the Erlang B / Kummer series algebra).

The simulations follow tests/test_theory.py: long days, a warm-up, one KPI value per
replication, a Student-t 99.9 % interval from the replications that must hold the
exact value and be narrower than the error a plausible bug makes (named per check).
A per-period patience is checked on a day of two long periods: each is stationary
after a relaxation of minutes, so the calls offered from two hours into a period on
are compared with the Erlang A model of that period.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim.batch.replication import run_replication
from ccsim.metrics import replication_kpis
from ccsim.observations import ANSWERED, BLOCKED
from ccsim.planning import analytic
from ccsim.scenario import load_scenario, parse_scenario

CONFIDENCE = 0.999
ENGINES = ("simpy", "fast")


def chain(n: int, lam: float, aht: float, p_zero: float, patience_mean: float) -> dict:
    """P(wait) and P(abandon) from the truncated chain, solved as pi Q = 0."""
    mu, theta = 1 / aht, 1 / patience_mean
    size = n + 400  # the queue's tail is far below 1e-16 by then in every case here
    q = np.zeros((size, size))
    for j in range(size - 1):
        q[j, j + 1] = lam if j < n else lam * (1 - p_zero)
        q[j + 1, j] = min(j + 1, n) * mu + max(j + 1 - n, 0) * theta
    q -= np.diag(q.sum(axis=1))
    a = q.T.copy()
    a[-1] = 1.0  # one balance equation is redundant: replace it by sum(pi) = 1
    b = np.zeros(size)
    b[-1] = 1.0
    pi = np.linalg.solve(a, b)
    waiting = np.maximum(np.arange(size) - n, 0)
    p_wait = pi[n:].sum()
    # hang up at once, plus the queue's abandonment flow theta E[queue] per offered call
    return {"p_wait": p_wait, "p_abandon": p_zero * p_wait + theta * (waiting @ pi) / lam}


@pytest.mark.parametrize(
    ("n", "lam", "aht", "p_zero", "patience"),
    [
        (10, 3 / 60, 180, 0.2, 300),  # the simulated case below
        (10, 5 / 60, 180, 0.3, 120),  # overloaded: 15 Erlangs on 10 agents
        (50, 16 / 60, 180, 0.05, 600),
        (1, 1 / 300, 240, 0.5, 60),
    ],
)
def test_atom_closed_form_equals_the_solved_chain(n, lam, aht, p_zero, patience):
    exact = analytic.erlang_a_atom(n, lam, aht, p_zero, patience)
    solved = chain(n, lam, aht, p_zero, patience)
    # the solved chain agrees to ~1e-12 (LU on the generator); a wrong term is far off
    assert exact.p_wait == pytest.approx(solved["p_wait"], rel=1e-10)
    assert exact.p_abandon == pytest.approx(solved["p_abandon"], rel=1e-10)
    assert exact.p_abandon_at_once == pytest.approx(p_zero * solved["p_wait"], rel=1e-10)


def test_atom_limits_are_erlang_a_and_erlang_b():
    a = analytic.erlang_a(10, 0.05, 180, 300)
    none = analytic.erlang_a_atom(10, 0.05, 180, 0.0, 300)
    assert (none.p_wait, none.p_abandon) == pytest.approx((a.p_wait, a.p_abandon), rel=1e-12)
    everyone = analytic.erlang_a_atom(10, 0.05, 180, 1.0, 300)  # all who must wait leave
    assert everyone.p_abandon == pytest.approx(analytic.erlang_b(10, 9.0), rel=1e-12)
    with pytest.raises(ValueError, match="p_zero"):
        analytic.erlang_a_atom(10, 0.05, 180, 1.5, 300)


def interval_share(obs, sc, numerator: str, windows) -> float:
    """Sum of ``numerator`` over the sum of ``offered`` in the intervals starting in
    ``windows`` ([from, to) in seconds), from the run's own interval table."""
    rows = replication_kpis(obs, sc)["by_interval"]
    starts = sc.horizon.interval_starts()
    inside = [r for r, s in zip(rows, starts, strict=True) if any(a <= s < b for a, b in windows)]
    return sum(r[numerator] for r in inside) / sum(r["offered"] for r in inside)


def assert_agrees(values, exact: float, max_half_width: float, what: str) -> None:
    values = np.asarray(values, dtype=float)
    n = values.size
    mean = float(values.mean())
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, n - 1) * values.std(ddof=1) / math.sqrt(n)
    print(
        f"{what}: simulated {mean:.5f} ± {half:.5f}, theory {exact:.5f}, error {mean - exact:+.5f}"
    )
    assert half < max_half_width, f"{what}: CI half-width {half:.4g} above {max_half_width}"
    assert abs(mean - exact) <= half, (
        f"{what}: simulated {mean:.5f} ± {half:.5f} (99.9% CI) but theory says {exact:.5f}"
    )


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_atom_at_zero_patience_matches_m_m_n_g(engine):
    """The shipped scenario: 9 Erlangs on 10 agents, 20 % hang up at once if they must
    wait, the others wait Exp(5 min). Ignoring the atom would give P(abandon) 0.072
    instead of 0.106; counting zero-patience callers who find a free agent as
    abandoned would add 0.13; the bound 0.01 tells both apart."""
    sc = load_scenario("scenarios/theory/erlang_a_atom.yaml")
    exact = analytic.erlang_a_atom(10, 3 / 60, 180, 0.2, 300)
    cutoff = sc.horizon.start + sc.horizon.warmup
    rows = {"abandon": [], "at_once": [], "wait": []}
    for r in range(sc.replications):
        obs = run_replication(sc, sc.seed, r, engine)
        rows["abandon"].append(replication_kpis(obs, sc)["summary"]["abandon_rate"])
        counted = (obs.arrival >= cutoff) & (obs.outcome != BLOCKED)
        at_once = counted & (obs.outcome != ANSWERED) & (obs.wait == 0)
        # found every agent busy: waited, or hung up at once on hearing it
        rows["wait"].append(np.mean((obs.wait > 0)[counted] | at_once[counted]))
        rows["at_once"].append(at_once.sum() / counted.sum())
    assert_agrees(rows["abandon"], exact.p_abandon, 0.01, f"{engine} P(abandon)")
    assert_agrees(rows["at_once"], exact.p_abandon_at_once, 0.01, f"{engine} P(hang up at once)")
    assert_agrees(rows["wait"], exact.p_wait, 0.02, f"{engine} P(wait)")


PER_PERIOD = """\
name: per-period patience and handle time
horizon: {start: "00:00", end: "24:00", interval: 60min, warmup: 2h}
call_types:
  calls:
    arrivals: {rate: 3/min}
    handle_time:
      by_period:
        - {from: "00:00", to: "12:00", dist: exponential, mean: 180s}
        - {from: "12:00", to: "24:00", dist: exponential, mean: 200s}
    patience:
      by_period:
        - {from: "00:00", to: "12:00", dist: exponential, mean: 10min}
        - {from: "12:00", to: "24:00", dist: exponential, mean: 2min}
agent_groups:
  agents: {skills: [calls], agents: 10}
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_per_period_patience_and_handle_time_match_erlang_a_per_period(engine):
    """Morning: 9 Erlangs, patience 10 min (Erlang A: P(abandon) 0.054); afternoon:
    10 Erlangs, patience 2 min (0.141). Taking one period's values all day would be
    off by ≥ 0.08 in the other period; the bound on the half-width is 0.015."""
    sc = parse_scenario(PER_PERIOD, source="<per-period>")
    morning = [(2 * 3600, 12 * 3600)]
    afternoon = [(14 * 3600, 24 * 3600)]
    am, pm = [], []
    for r in range(40):
        obs = run_replication(sc, 31, r, engine)
        am.append(interval_share(obs, sc, "abandoned", morning))
        pm.append(interval_share(obs, sc, "abandoned", afternoon))
    exact_am = analytic.erlang_a(10, 3 / 60, 180, 600).p_abandon
    exact_pm = analytic.erlang_a(10, 3 / 60, 200, 120).p_abandon
    assert_agrees(am, exact_am, 0.015, f"{engine} P(abandon) 02-12h, patience 10 min")
    assert_agrees(pm, exact_pm, 0.015, f"{engine} P(abandon) 14-24h, patience 2 min")


HYPER = """\
name: hyperexponential handle time
horizon: {start: "00:00", end: "24:00", interval: 60min, warmup: 2h}
call_types:
  calls:
    arrivals: {rate: 2.5/min}
    handle_time:             # two kinds of calls in one queue: cv 1.36
      dist: mixture
      components:
        - {weight: 0.7, dist: exponential, mean: 2min}
        - {weight: 0.3, dist: exponential, mean: 7min}
agent_groups:
  agents: {skills: [calls], agents: 10}
"""


@pytest.mark.slow
@pytest.mark.parametrize("engine", ENGINES)
def test_hyperexponential_handle_time_mean_and_occupancy(engine):
    """M/H2/10: Erlang C is not exact for it, but two things are: every call is
    answered, so talk times average E[S] = 210 s, and by Little's law the agents are
    busy lam E[S] / n = 0.875 of the time. A handle time drawn from one component
    only would move the mean talk time by ≥ 90 s and occupancy by ≥ 0.12."""
    sc = parse_scenario(HYPER, source="<hyper>")
    mean = sc.call_types[0].handle_time.mean
    assert mean == pytest.approx(0.7 * 120 + 0.3 * 420)
    cutoff = sc.horizon.start + sc.horizon.warmup
    talk, occupancy, sl = [], [], []
    for r in range(20):
        obs = run_replication(sc, 17, r, engine)
        talk.append(np.mean(obs.talk[obs.arrival >= cutoff]))
        kpis = replication_kpis(obs, sc)
        rows = [
            row
            for row, s in zip(kpis["by_interval"], sc.horizon.interval_starts(), strict=True)
            if s >= cutoff
        ]
        occupancy.append(np.mean([row["occupancy"] for row in rows]))
        sl.append(kpis["summary"]["service_level"])
    assert_agrees(talk, mean, 10.0, f"{engine} mean talk time (s)")
    assert_agrees(occupancy, 2.5 / 60 * mean / 10, 0.02, f"{engine} occupancy")
    erlang_c_sl = analytic.erlang_c_service_level(10, 2.5 / 60 * mean, mean, 20)
    print(f"{engine} SL(20 s) {np.mean(sl):.3f}; Erlang C with the mean {erlang_c_sl:.3f}")
