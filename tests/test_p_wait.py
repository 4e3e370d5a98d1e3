"""P(wait > 0): hand-worked cases, and the Erlang C / A value within Monte Carlo error
on three loads per model, on both engines."""

from __future__ import annotations

import math

import pytest

import ccsim
from ccsim.metrics import replication_kpis
from ccsim.planning.analytic import erlang_a
from ccsim.planning.theory import theory_reference
from tests.test_metrics import (
    abandoned,
    answered,
    blocked,
    hms,
    observations,
    scenario,
)

# Answered at once (twice), answered after 30 s, abandoned after 5 s, abandoned at
# once (patience 0), and a blocked call (never offered): 2 of 5 offered waited.
CALLS = [
    answered(hms(9, 1), 0.0),
    answered(hms(9, 2), 0.0, ct=1),
    answered(hms(9, 40), 30.0),
    abandoned(hms(9, 41), 5.0, ct=1),
    abandoned(hms(9, 42), 0.0),
    blocked(hms(9, 43)),
]


def test_p_wait_day_interval_type_and_group_by_hand() -> None:
    sc = scenario()
    k = replication_kpis(observations(CALLS, sc), sc)
    assert k["summary"]["p_wait"] == pytest.approx(2 / 5)
    assert k["by_interval"][0]["p_wait"] == pytest.approx(0 / 2)  # 09:00-09:30
    assert k["by_interval"][1]["p_wait"] == pytest.approx(2 / 3)  # 09:30-10:00
    assert k["by_call_type"]["billing"]["p_wait"] == pytest.approx(1 / 3)
    assert k["by_call_type"]["tech"]["p_wait"] == pytest.approx(1 / 2)
    # The group answered three calls, one of them after a wait.
    assert k["by_agent_group"]["generalists"]["p_wait"] == pytest.approx(1 / 3)


def test_p_wait_is_undefined_without_offered_calls() -> None:
    sc = scenario()
    k = replication_kpis(observations([blocked(hms(9, 1))], sc), sc)
    assert math.isnan(k["summary"]["p_wait"])


def theory_yaml(rate_per_h: float, agents: int, patience: str | None) -> str:
    abandon = f"\n    patience: {{dist: exponential, mean: {patience}}}" if patience else ""
    return f"""
name: theory
horizon: {{start: "00:00", length: 26h, interval: 60min, warm_up: 4h}}
call_types:
  calls:
    arrivals: {{rate: {rate_per_h}/h}}
    handle_time: {{dist: exponential, mean: 3min}}{abandon}
agent_groups:
  agents: {{skills: [calls], agents: {agents}}}
"""


# (model, offered Erlangs on 10 agents, patience): three loads of Erlang C (under
# 1) and three of Erlang A (under, at and over capacity).
LOADS = [
    ("C", 6.0, None),
    ("C", 8.0, None),
    ("C", 9.0, None),
    ("A", 8.0, "2min"),
    ("A", 10.0, "2min"),
    ("A", 12.0, "2min"),
]


def test_theory_reference_names_the_model() -> None:
    s = ccsim.parse_scenario(theory_yaml(180, 10, None))
    ref = theory_reference(s)
    assert ref is not None and ref.model == "Erlang C" and ref.agents == 10
    s = ccsim.parse_scenario(theory_yaml(200, 10, "2min"))
    assert theory_reference(s).model == "Erlang A"


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["simpy", "fast"])
@pytest.mark.parametrize(("model", "load", "patience"), LOADS)
def test_p_wait_matches_erlang(engine: str, model: str, load: float, patience) -> None:
    rate = load / 180.0 * 3600.0
    s = ccsim.parse_scenario(theory_yaml(rate, 10, patience))
    seed = 7 if engine == "simpy" else 8  # independent checks, not the same numbers twice
    result = ccsim.run(s, replications=12, seed=seed, engine=engine)
    theta = math.inf if patience is None else 120.0
    exact = erlang_a(10, rate / 3600.0, 180.0, theta).p_wait
    assert theory_reference(s).p_wait == pytest.approx(exact)
    for figure in (
        result.ratio_of_totals["summary"]["p_wait"],
        result.summary["summary"]["p_wait"],
    ):
        low, high = figure["ci95"]
        # A 99.9 % interval (the 95 % one widened by 3.29 / 1.96): 12 checks at once.
        half = (high - low) / 2 * 3.29 / 1.96
        assert abs(figure["mean"] - exact) <= half, (model, load, figure, exact)
        assert half < 0.08  # precise enough to tell a wrong rule (e.g. wait >= 0) apart
