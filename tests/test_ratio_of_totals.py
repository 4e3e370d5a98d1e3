"""Ratio-of-totals rates: the delta-method estimate by hand, the layout, and on a
finite overloaded day the exact expectation of an M/M/n+M day from an empty start
(a transient birth–death computation), which the mean of daily ratios misses."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import linalg, stats

import ccsim
from ccsim.batch.ratios import ratio_estimate, ratio_of_totals


def test_ratio_estimate_by_hand() -> None:
    # R = (1 + 2 + 3) / (2 + 2 + 4) = 0.75; x - R y = (-0.5, 0.5, 0), sd 0.5;
    # half-width t(0.975, 2) * 0.5 / (sqrt(3) * 8 / 3).
    fig = ratio_estimate(np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 4.0]), fraction=True)
    half = stats.t.ppf(0.975, 2) * 0.5 / (math.sqrt(3) * 8 / 3)
    assert fig["mean"] == pytest.approx(0.75)
    assert fig["ci95"] == pytest.approx([0.75 - half, 1.0])  # clipped at 1: a fraction
    assert ratio_estimate(np.array([1.0]), np.array([4.0]), True) == {"mean": 0.25, "ci95": None}
    assert ratio_estimate(np.zeros(3), np.zeros(3), True) == {"mean": None, "ci95": None}


def _rep(offered: float, sl: float, answered: float, asa: float) -> dict:
    day = {
        "offered": offered,
        "answered": answered,
        "abandoned": offered - answered,
        "sl_offered": sl,
        "sl_answered": sl * offered / answered,
        "sl_exclude_short_abandons": sl,  # no short abandons: the same as of offered
        "sl_short_abandons_as_met": sl,
        "p_wait": 1 - sl,
        "asa_s": asa,
        "busy_hours": 1.0,
        "staffed_hours": 2.0,
    }
    return {
        "summary": day,
        "by_interval": [{"start": "09:00", **day}],
        "by_call_type": {"calls": day},
        "by_agent_group": {"a": {"busy_hours": 1.0, "staffed_hours": 4.0, "occupancy": 0.25}},
        "by_agent_group_interval": {
            "a": [{"start": "09:00", "busy_agents": 1, "available_agents": 2}]
        },
    }


def test_ratio_of_totals_weighs_busy_days_more() -> None:
    # A quiet day (10 offered, SL 50 %) and a busy one (30 offered, SL 90 %): the
    # totals give (5 + 27) / 40 = 80 %, the mean of the ratios 70 %.
    reps = [_rep(10, 0.5, 10, 20.0), _rep(30, 0.9, 20, 5.0)]
    rot = ratio_of_totals(reps, "offered")
    day = rot["summary"]
    assert day["service_level"]["mean"] == pytest.approx(0.8)
    assert day["sl_offered"]["mean"] == pytest.approx(0.8)
    assert day["sl_answered"]["mean"] == pytest.approx(32 / 30)  # made-up data: > 1 is fine
    assert day["p_wait"]["mean"] == pytest.approx(8 / 40)
    assert day["abandon_rate"]["mean"] == pytest.approx(10 / 40)
    assert day["asa_s"]["mean"] == pytest.approx((10 * 20 + 20 * 5) / 30)
    assert day["occupancy"]["mean"] == pytest.approx(0.5)
    assert rot["by_interval"][0]["start"] == "09:00"
    assert rot["by_call_type"]["calls"]["sl_offered"]["mean"] == pytest.approx(0.8)
    assert set(rot["by_agent_group"]["a"]) == {"occupancy"}
    assert rot["by_agent_group_interval"]["a"][0]["occupancy"]["mean"] == pytest.approx(0.5)


# --------------------------------------------------------------------------- the oracle


def finite_day(
    n: int, lam: float, mu: float, theta: float, length: float, t: float, steady: bool = False
) -> dict:
    """Exact expected totals of an M/M/n+M day of ``length`` s from an empty start,
    per offered call: SL(t) of offered and excluding short abandons, P(wait > 0),
    abandon rate. Arrivals stop at ``length``; the queue drains with n agents.
    (``steady``: start from the chain's stationary law instead, a check.)

    The state probabilities p_k(s) of the birth–death chain (truncated far above any
    reachable queue) come from the matrix exponential, integrated over the day
    exactly; an arrival at s sees k with
    probability p_k(s) (PASTA). If k >= n it waits behind j = k - n callers, whose
    fate it shares: an absorbing chain on "callers ahead" (each service completion,
    rate n mu, or abandonment ahead, rate i theta, moves it up; it abandons at rate
    theta) gives P(answered within t) and P(abandoned within t, and at all).
    """
    kmax = n + 100
    k = np.arange(kmax + 1)
    death = np.minimum(k, n) * mu + np.maximum(k - n, 0) * theta
    birth = np.full(kmax + 1, lam)
    birth[-1] = 0.0
    q = np.diag(birth[:-1], 1) + np.diag(death[1:], -1) - np.diag(birth + death)
    p0 = np.zeros(kmax + 1)
    p0[0] = 1.0
    if steady:  # pi_k proportional to the product of birth / death rates
        p0 = np.exp(np.concatenate([[0.0], np.cumsum(np.log(lam / death[1:]))]))
        p0 /= p0.sum()
    # The time integral of p(s) over the day, exactly: the last column of the
    # exponential of the generator bordered by p0 (Van Loan).
    border = np.zeros((kmax + 2, kmax + 2))
    border[: kmax + 1, : kmax + 1] = q.T
    border[: kmax + 1, kmax + 1] = p0
    occupancy = linalg.expm(border * length)[: kmax + 1, kmax + 1]
    m = kmax - n + 1  # callers ahead 0 … m-1; then "answered", "abandoned"
    g = np.zeros((m + 2, m + 2))
    for i in range(m):
        g[i, m + 1] = theta
        g[i, m if i == 0 else i - 1] += n * mu + i * theta
        g[i, i] = -g[i].sum()
    within = linalg.expm(g * t)
    ever = np.linalg.solve(-g[:m, :m], g[:m, m + 1])  # absorption in "abandoned"
    ans_in = np.ones(kmax + 1)
    ab_in = np.zeros(kmax + 1)
    ab = np.zeros(kmax + 1)
    ans_in[n:], ab_in[n:], ab[n:] = within[:m, m], within[:m, m + 1], ever

    def per_call(f: np.ndarray) -> float:  # E[# arrivals with f] / E[# arrivals]
        return float(occupancy @ f / length)

    a_in, a_ab_in = per_call(ans_in), per_call(ab_in)
    return {
        "sl_offered": a_in,
        "sl_exclude_short_abandons": a_in / (1.0 - a_ab_in),
        "p_wait": per_call((k >= n).astype(float)),
        "abandon_rate": per_call(ab),
    }


OVERLOADED_HOUR = """
name: an overloaded hour
horizon: {start: "09:00", end: "10:00", interval: 60min}
service_level: {threshold: 20s, definition: exclude_short_abandons}
call_types:
  calls:
    arrivals: {rate: 30/h}
    handle_time: {dist: exponential, mean: 4min}
    patience: {dist: exponential, mean: 2min}
agent_groups:
  pair: {skills: [calls], agents: 2}
"""


@pytest.mark.parametrize(("n", "rate"), [(2, 30), (5, 120)])
def test_oracle_started_in_steady_state_is_erlang_a(n: int, rate: float) -> None:
    # From the stationary law the day stays there: the per-call figures are Erlang
    # A's (a check of the waiting caller's chain, independent of ccsim.planning.analytic's
    # closed forms), and the empty start sits above it in SL.
    from ccsim.planning.analytic import erlang_a

    lam = rate / 3600
    exact = finite_day(n, lam, 1 / 240, 1 / 120, 600.0, 20.0, steady=True)
    steady = erlang_a(n, lam, 240.0, 120.0)
    assert exact["p_wait"] == pytest.approx(steady.p_wait, rel=1e-6)
    assert exact["abandon_rate"] == pytest.approx(steady.p_abandon, rel=1e-6)
    assert exact["sl_offered"] == pytest.approx(steady.service_level(20.0), rel=1e-6)
    esa = steady.service_level(20.0, "exclude_short_abandons")
    assert exact["sl_exclude_short_abandons"] == pytest.approx(esa, rel=1e-6)
    empty = finite_day(n, lam, 1 / 240, 1 / 120, 600.0, 20.0)
    assert empty["sl_offered"] > exact["sl_offered"] + 0.01


@pytest.mark.slow
def test_ratio_of_totals_is_the_finite_day_expectation() -> None:
    s = ccsim.parse_scenario(OVERLOADED_HOUR)
    result = ccsim.run(s, replications=2000, seed=1, engine="fast")
    exact = finite_day(2, 30 / 3600, 1 / 240, 1 / 120, 3600.0, 20.0)
    rot, daily = result.ratio_of_totals["summary"], result.summary["summary"]
    z = 2.576 / 1.96  # a 99 % band from the 95 % interval

    def band(fig: dict) -> tuple[float, float]:
        low, high = fig["ci95"]
        return fig["mean"], (high - low) / 2 * z

    for kpi in ("service_level", "sl_offered", "sl_exclude_short_abandons", "p_wait"):
        expected = exact["sl_exclude_short_abandons" if kpi == "service_level" else kpi]
        mean, half = band(rot[kpi])
        assert abs(mean - expected) <= half, (kpi, mean, expected, half)
    mean, half = band(rot["abandon_rate"])
    assert abs(mean - exact["abandon_rate"]) <= half
    # The mean of daily ratios estimates another quantity: a busy day (more
    # callers, a worse SL) weighs as much as a quiet one.
    for kpi in ("service_level", "p_wait"):
        expected = exact["sl_exclude_short_abandons" if kpi == "service_level" else kpi]
        mean, half = band(daily[kpi])
        assert abs(mean - expected) > half, (kpi, mean, expected, half)
