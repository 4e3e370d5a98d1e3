"""Exact queueing formulas (ccsim.planning.analytic): published values, limits, identities, and
the Erlang A closed forms against an independent birth-death chain."""

import dataclasses
import math

import pytest

from ccsim.planning import analytic
from ccsim.planning.analytic import (
    erlang_a,
    erlang_a_chain,
    erlang_b,
    erlang_c,
    erlang_c_agents,
    erlang_c_asa,
    erlang_c_occupancy,
    erlang_c_service_level,
)

SL_DEFINITIONS = ("offered", "answered", "exclude_short_abandons", "short_abandons_as_met")

# The textbook example: 100 calls per 30 min, AHT 3 min -> 10 Erlangs, 80/20 target.
EX_LAM = 100 / 1800
EX_AHT = 180.0
EX_LOAD = EX_LAM * EX_AHT


# -- Erlang B / C ------------------------------------------------------------------------


def test_erlang_b_published_table_values():
    assert erlang_b(10, 10.0) == pytest.approx(0.2146, abs=5e-5)
    assert erlang_b(5, 5.0) == pytest.approx(0.2849, abs=5e-5)


def test_erlang_b_small_cases_exact():
    assert erlang_b(0, 3.0) == 1.0
    assert erlang_b(1, 3.0) == pytest.approx(3.0 / 4.0, rel=1e-15)
    assert erlang_b(2, 1.0) == pytest.approx(0.2, rel=1e-15)  # (1/2) / (1 + 1 + 1/2)
    assert erlang_b(5, 0.0) == 0.0


def test_erlang_c_published_example():
    assert math.isclose(EX_LOAD, 10.0)
    assert erlang_c(14, EX_LOAD) == pytest.approx(0.1741, abs=5e-5)
    assert erlang_c_service_level(14, EX_LOAD, EX_AHT, 20) == pytest.approx(0.8884, abs=5e-5)
    assert erlang_c_asa(14, EX_LOAD, EX_AHT) == pytest.approx(7.8, abs=0.05)
    assert erlang_c_occupancy(14, EX_LOAD) == pytest.approx(10 / 14)


def test_erlang_c_closed_cases():
    # M/M/1: P(wait) = rho, W | W > 0 ~ Exp(mu - lam)
    assert erlang_c(1, 0.6) == pytest.approx(0.6, rel=1e-14)
    assert erlang_c_service_level(1, 0.6, 100.0, 50.0) == pytest.approx(
        1 - 0.6 * math.exp(-0.4 * 50 / 100), rel=1e-14
    )
    assert erlang_c_asa(1, 0.6, 100.0) == pytest.approx(0.6 * 100 / 0.4, rel=1e-14)
    # M/M/2 with A = 1: C = 1/3;  M/M/3 with A = 2: C = 4/9
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, rel=1e-14)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9, rel=1e-14)


def test_erlang_c_unstable_and_edges():
    assert erlang_c(10, 10.0) == 1.0
    assert erlang_c(10, 12.0) == 1.0
    assert erlang_c_service_level(10, 12.0, 180, 20) == 0.0
    assert erlang_c_asa(10, 10.0, 180) == math.inf
    assert erlang_c_occupancy(10, 12.0) == 1.0
    assert erlang_c(10, 0.0) == 0.0
    with pytest.raises(ValueError):
        erlang_b(-1, 1.0)
    with pytest.raises(ValueError):
        erlang_c(3, -1.0)


def test_erlang_c_agents_published_example():
    assert erlang_c_service_level(13, EX_LOAD, EX_AHT, 20) < 0.8
    assert erlang_c_service_level(14, EX_LOAD, EX_AHT, 20) >= 0.8
    assert erlang_c_agents(EX_LOAD, EX_AHT, 20, 0.8) == 14


def test_erlang_c_agents_is_minimal_and_monotone():
    load, aht, t = 2950.0, 300.0, 20.0
    targets = [0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
    agents = [erlang_c_agents(load, aht, t, target) for target in targets]
    assert agents == sorted(agents)
    assert agents[0] == 2951  # the search starts at floor(A) + 1
    for target, n in zip(targets[1:], agents[1:], strict=True):
        assert erlang_c_service_level(n, load, aht, t) >= target
        assert erlang_c_service_level(n - 1, load, aht, t) < target
    with pytest.raises(ValueError):
        erlang_c_agents(load, aht, t, 1.0)


def test_large_loads_are_stable():
    b = erlang_b(3000, 2950.0)
    c = erlang_c(3000, 2950.0)
    assert math.isfinite(b) and 0 < b < 1
    assert math.isfinite(c) and 0 < c < 1
    assert b < c
    sl = erlang_c_service_level(3000, 2950.0, 300.0, 20.0)
    assert 0 < sl < 1
    # light load on many agents: B underflows towards 0 but stays a number
    assert 0.0 <= erlang_b(3000, 10.0) < 1e-300
    assert erlang_c(3000, 10.0) < 1e-300


# -- Erlang A ----------------------------------------------------------------------------


def test_erlang_a_huge_patience_equals_erlang_c():
    for n, load, aht in [(14, EX_LOAD, EX_AHT), (50, 45.0, 240.0), (3000, 2950.0, 180.0)]:
        a = erlang_a(n, load / aht, aht, 1e12)
        assert a.p_wait == pytest.approx(erlang_c(n, load), abs=1e-6)
        for t in (0.0, 20.0, 60.0):
            for definition in SL_DEFINITIONS:
                assert a.service_level(t, definition) == pytest.approx(
                    erlang_c_service_level(n, load, aht, t), abs=1e-6
                )
        assert a.asa == pytest.approx(erlang_c_asa(n, load, aht), rel=1e-6)
        assert a.p_abandon < 1e-6
        assert a.occupancy == pytest.approx(load / n, abs=1e-6)
        # the limit of the mean wait of (ever rarer) abandoned calls: 1 / (n mu - lam)
        assert a.mean_abandon_time == pytest.approx(aht / (n - load), rel=1e-6)


def test_erlang_a_infinite_patience_is_erlang_c():
    a = erlang_a(14, EX_LAM, EX_AHT, math.inf)
    assert a.p_wait == erlang_c(14, EX_LOAD)
    assert a.asa == erlang_c_asa(14, EX_LOAD, EX_AHT)
    assert a.p_abandon == 0.0
    assert a.service_level(20) == erlang_c_service_level(14, EX_LOAD, EX_AHT, 20)


def test_erlang_a_is_not_erlang_c():
    """The known trap: finite patience must change the answer."""
    a = erlang_a(14, EX_LAM, EX_AHT, 120.0)
    assert a.p_abandon > 0.01
    assert a.p_wait < erlang_c(14, EX_LOAD) - 0.01
    assert a.asa < erlang_c_asa(14, EX_LOAD, EX_AHT) - 1.0
    assert a.service_level(20) != pytest.approx(erlang_c_service_level(14, EX_LOAD, EX_AHT, 20))


def test_erlang_a_single_agent_with_patience_equal_to_aht():
    """M/M/1+M with theta = mu: every call in the system leaves at rate mu, so the count
    is Poisson(rho) as in M/M/inf: P(wait) = 1 - e^-rho, P(ab) = (rho - P(wait)) / rho."""
    rho, aht = 0.7, 180.0
    a = erlang_a(1, rho / aht, aht, aht)
    p_wait = -math.expm1(-rho)
    assert a.p_wait == pytest.approx(p_wait, rel=1e-12)
    assert a.p_abandon == pytest.approx((rho - p_wait) / rho, rel=1e-12)


ERLANG_A_CASES = [
    # (n, offered load in Erlangs, aht s, mean patience s)
    pytest.param(14, EX_LOAD, EX_AHT, 120.0, id="example-14n"),
    pytest.param(10, 10.0, 180.0, 120.0, id="critical-10n"),
    pytest.param(20, 25.0, 180.0, 120.0, id="overloaded-20n-25E"),
    pytest.param(10, 40.0, 180.0, 30.0, id="overloaded-400pct"),
    pytest.param(48, 50.0, 180.0, 300.0, id="overloaded-48n-50E"),
    pytest.param(1000, 990.0, 180.0, 300.0, id="large-1000n-990E"),
    pytest.param(3, 2.0, 100.0, 5.0, id="impatient"),
    # x = n patience / aht > 1e5: the quadrature regime
    pytest.param(100, 95.0, 180.0, 1e6, id="patient-100n-95E"),
    pytest.param(100, 105.0, 180.0, 1e6, id="patient-overloaded-100n-105E"),
]


@pytest.mark.parametrize(("n", "load", "aht", "patience"), ERLANG_A_CASES)
def test_erlang_a_matches_birth_death_chain(n, load, aht, patience):
    lam = load / aht
    a = erlang_a(n, lam, aht, patience)
    for t in (0.0, 20.0, 90.0):
        chain = erlang_a_chain(n, lam, aht, patience, t)
        for field in ("p_wait", "p_abandon", "occupancy"):
            assert getattr(a, field) == pytest.approx(chain[field], abs=1e-9), field
        for field in ("asa", "mean_abandon_time"):
            assert getattr(a, field) == pytest.approx(chain[field], rel=1e-8), field
        for definition in SL_DEFINITIONS:
            assert a.service_level(t, definition) == pytest.approx(
                chain[f"sl_{definition}"], abs=1e-9
            ), definition


@pytest.mark.parametrize(("n", "load", "aht", "patience"), ERLANG_A_CASES)
def test_erlang_a_littles_law(n, load, aht, patience):
    """Abandonment flow theta E[Q] equals lam P(ab) (E[Q] from the chain)."""
    lam = load / aht
    chain = erlang_a_chain(n, lam, aht, patience, 0.0)
    expected = chain["mean_queue"] / patience / lam
    assert erlang_a(n, lam, aht, patience).p_abandon == pytest.approx(expected, rel=1e-9)
    # and the mean wait of all calls E[min(V, tau)] = P(ab) / theta, by Little on the queue
    a = erlang_a(n, lam, aht, patience)
    mean_wait = a.asa * (1 - a.p_abandon) + a.mean_abandon_time * a.p_abandon
    assert mean_wait == pytest.approx(a.p_abandon * patience, rel=1e-8)


def test_erlang_a_service_level_limits():
    a = erlang_a(20, 25.0 / 180, 180.0, 120.0)
    assert a.service_level(0.0) == pytest.approx(1 - a.p_wait, abs=1e-12)
    assert a.service_level(0.0, "short_abandons_as_met") == pytest.approx(1 - a.p_wait)
    assert a.service_level(1e5) == pytest.approx(1 - a.p_abandon, abs=1e-12)
    assert a.service_level(1e5, "answered") == pytest.approx(1.0, abs=1e-12)
    assert a.service_level(1e5, "short_abandons_as_met") == pytest.approx(1.0, abs=1e-12)
    values = [a.service_level(t) for t in (0, 5, 10, 20, 40, 80)]
    assert values == sorted(values)
    with pytest.raises(ValueError):
        a.service_level(20, "within_target")


def test_erlang_a_large_overloaded_is_finite():
    a = erlang_a(3000, 3300.0 / 300, 300.0, 600.0)
    fields = dataclasses.asdict(a)
    assert all(math.isfinite(v) for v in fields.values())
    # heavy overload: abandonment sheds the excess, so P(ab) ~ 1 - n / A
    assert a.p_abandon == pytest.approx(1 - 3000 / 3300, abs=1e-3)
    assert 0 < a.occupancy <= 1
    assert 0 <= a.service_level(20) <= 1


def test_erlang_a_is_frozen_and_validates():
    a = erlang_a(14, EX_LAM, EX_AHT, 120.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.p_wait = 0.5  # type: ignore[misc]
    with pytest.raises(ValueError):
        erlang_a(0, EX_LAM, EX_AHT, 120.0)
    with pytest.raises(ValueError):
        erlang_a(14, EX_LAM, EX_AHT, 0.0)


def test_public_api():
    for name in (
        "erlang_b",
        "erlang_c",
        "erlang_c_service_level",
        "erlang_c_asa",
        "erlang_c_occupancy",
        "erlang_c_agents",
        "ErlangA",
        "erlang_a",
        "erlang_a_chain",
    ):
        assert name in analytic.__all__
