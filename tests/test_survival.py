"""The `survival` patience distribution: a censoring-aware curve scenarios can use.

Checked against its definition (S = 1 before the first knot, linear between knots,
an exponential tail) by the Dvoretzky–Kiefer–Wolfowitz bound, and against Erlang A
where it reduces to an exponential (one knot at 0)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from ccsim.batch.replication import run_replication
from ccsim.kernels.draws import sample
from ccsim.metrics import replication_kpis
from ccsim.planning import analytic
from ccsim.scenario import ScenarioError, parse_scenario
from ccsim.scenario.distributions import distribution
from ccsim.scenario.model import Distribution

N = 40_000
#: DKW: P(sup |F_n − F| > eps) <= 2 exp(−2 n eps²); eps for a false alarm of 1e-6.
DKW_EPS = math.sqrt(math.log(2 / 1e-6) / (2 * N))


def curve(d: Distribution, t: np.ndarray) -> np.ndarray:
    """S(t) written out from the documented definition (the oracle)."""
    m = len(d.values) // 2
    times, surv = np.array(d.values[:m]), np.array(d.values[m:])
    inside = np.interp(t, times, surv)
    tail = surv[-1] * np.exp(-(t - times[-1]) / d.params[0])
    return np.where(t < times[0], 1.0, np.where(t >= times[-1], tail, inside))


def sup_distance(x: np.ndarray, d: Distribution) -> float:
    """sup_t |S_n(t) − S(t)| over the sample's jumps (both sides of each)."""
    x = np.sort(x)
    s, s_left = curve(d, x), curve(d, np.nextafter(x, -np.inf))  # S(x) and S(x−)
    n = x.size
    above = 1.0 - np.searchsorted(x, x, side="right") / n  # S_n(x_i): share > x_i
    below = 1.0 - np.searchsorted(x, x, side="left") / n  # S_n(x_i−): share >= x_i
    return float(max(np.max(np.abs(above - s)), np.max(np.abs(below - s_left))))


@pytest.mark.parametrize(
    "spec",
    [
        {
            "dist": "survival",
            "times": ["0s", "20s", "60s", "2min"],
            "survival": [1, 0.7, 0.6, 0.3],
            "tail_mean": "100s",
        },
        # an atom at the first knot (S drops from 1 to 0.8 at 5 s) and a flat stretch
        {
            "dist": "survival",
            "times": [5, 30, 40, 90],
            "survival": [0.8, 0.5, 0.5, 0.1],
            "tail_mean": 30,
        },
        # the curve reaches 0: no tail
        {"dist": "survival", "times": [0, 10, 50], "survival": [1, 0.4, 0.0]},
    ],
)
def test_samples_follow_the_curve(spec):
    d = distribution(spec, ("patience",))
    x = sample(np.random.default_rng(5), d, N)
    assert sup_distance(x, d) < DKW_EPS
    # the exact mean (used by the staffing estimates) agrees with the sample
    assert abs(x.mean() - d.mean) < 5 * math.sqrt(d.variance / N)


def test_one_uniform_per_draw_and_reproducible():
    d = distribution({"dist": "survival", "times": [0, 60], "survival": [1, 0.5]}, ())
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    x = sample(a, d, 1000)
    b.random(1000)
    assert a.bit_generator.state == b.bit_generator.state
    np.testing.assert_array_equal(x, sample(np.random.default_rng(3), d, 1000))


def test_default_tail_keeps_the_average_hazard():
    d = distribution({"dist": "survival", "times": [0, 60], "survival": [1, 0.5]}, ())
    assert d.params[0] == pytest.approx(60 / math.log(2))


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"times": [0, 10], "survival": [1, 0.9, 0.8]}, "one level per time"),
        ({"times": [0, 10, 5], "survival": [1, 0.9, 0.8]}, r"times\[2\]: must be increasing"),
        ({"times": [0, 10], "survival": [0.9, 0.95]}, r"survival\[1\]: must not increase"),
        ({"times": [0, 10], "survival": [1, 1.2]}, r"survival\[1\]: must be <= 1"),
        ({"times": [0, 10], "survival": [1, 1]}, "never falls below 1: give tail_mean"),
        ({"times": [0, 10]}, "survival: is missing"),
    ],
)
def test_bad_curves_name_the_field(spec, message):
    text = (
        "name: s\nhorizon: {start: '08:00', end: '09:00', interval: 30min}\n"
        "call_types:\n  calls:\n    arrivals: {rate: 10/h}\n    handle_time: 60s\n"
        f"    patience: {dict(dist='survival', **spec)}\n"
        "agent_groups:\n  a: {skills: [calls], agents: 1}\n"
    )
    with pytest.raises(ScenarioError, match=message) as err:
        parse_scenario(text, source="s.yaml")
    assert str(err.value).startswith("s.yaml:7: call_types.calls.patience")


@pytest.mark.slow
def test_one_knot_is_exponential_and_matches_erlang_a():
    """S(t) = exp(−t/120) (one knot at 0, tail mean 120 s) in an overloaded M/M/10+M:
    abandon rate and ASA within the 99.9 % CI of 40 replications of Erlang A."""
    text = (
        "name: s\nhorizon: {start: '00:00', end: '10:00', interval: 30min, warmup: 2h}\n"
        "call_types:\n  calls:\n    arrivals: {rate: 240/h}\n"
        "    handle_time: {dist: exponential, mean: 180s}\n"
        "    patience: {dist: survival, times: [0s], survival: [1.0], tail_mean: 120s}\n"
        "agent_groups:\n  a: {skills: [calls], agents: 10}\n"
    )
    sc = parse_scenario(text)
    exact = analytic.erlang_a(10, 240 / 3600, 180, 120)
    days = [replication_kpis(run_replication(sc, 17, r), sc)["summary"] for r in range(40)]
    for kpi, want, width in (
        ("abandon_rate", exact.p_abandon, 0.02),
        ("asa_s", exact.asa, 0.1 * exact.asa),
    ):
        v = np.array([d[kpi] for d in days])
        half = stats.t.ppf(0.9995, v.size - 1) * v.std(ddof=1) / math.sqrt(v.size)
        assert half < width
        assert abs(v.mean() - want) <= half, (kpi, v.mean(), half, want)
