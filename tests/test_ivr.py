"""The IVR, trunks held by IVR callers, shrinkage and extended conservation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccsim.batch.replication import run_replication
from ccsim.metrics import replication_kpis
from ccsim.models.calls import HANG_UP_TARGET, SELF_SERVICE_TARGET, CallDraws, draw_calls, ivr_paths
from ccsim.models.center import simulate_day
from ccsim.models.roster import build_roster
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    IVR_HANG_UP,
    SELF_SERVED,
)
from ccsim.scenario import parse_scenario
from ccsim.streams import stream

IVR_SCENARIO = """
name: ivr
horizon: {start: '08:00', end: '12:00', interval: 30min}
trunks: 40
ivr:
  arrivals: {rate: 600/h}
  nodes:
    welcome:
      duration: 20s
      branches: {menu: 0.7, billing: 0.2, hang_up: 0.1}
    menu:
      duration: {dist: uniform, low: 10s, high: 30s}
      branches: {self_service: 0.5, billing: 0.3, welcome: 0.2}
call_types:
  billing:
    handle_time: {dist: exponential, mean: 200s}
    patience: {dist: exponential, mean: 120s}
  direct:
    arrivals: {rate: 60/h}
    handle_time: {dist: exponential, mean: 200s}
agent_groups:
  team: {skills: [billing, direct], agents: 25}
"""


def test_ivr_branch_counts_match_their_probabilities():
    sc = parse_scenario(IVR_SCENARIO)
    n = 200_000
    total, target = ivr_paths(sc, n, stream(1, 0, "ivr", 0), stream(1, 0, "ivr", 1))
    # Exits from the two-node chain with the loop menu -> welcome (probability 0.2):
    # per pass through welcome: billing 0.2, hang-up 0.1, menu 0.7; from menu
    # self-service 0.5, billing 0.3, back 0.2. With r = 0.7 * 0.2 = 0.14 returning,
    # P(exit e) = p_e / (1 - r) where p_e is the one-pass probability.
    r = 0.7 * 0.2
    expected = {
        0: (0.2 + 0.7 * 0.3) / (1 - r),  # billing
        SELF_SERVICE_TARGET: 0.7 * 0.5 / (1 - r),
        HANG_UP_TARGET: 0.1 / (1 - r),
    }
    for code, p in expected.items():
        share = np.mean(target == code)
        se = math.sqrt(p * (1 - p) / n)
        assert abs(share - p) < 5 * se, (code, share, p)
    # Mean IVR time: 20 s per welcome visit + 20 s per menu visit; visits to
    # welcome are geometric with mean 1 / (1 - r), menu visits 0.7 of those.
    mean_time = (20 + 0.7 * 20) / (1 - r)
    se = total.std() / math.sqrt(n)
    assert abs(total.mean() - mean_time) < 5 * se


def test_ivr_outcomes_conserve_every_arrival_and_match_metrics():
    sc = parse_scenario(IVR_SCENARIO)
    obs = run_replication(sc, 7, 0)  # check_conservation runs inside
    counts = np.bincount(obs.outcome, minlength=5)
    assert counts[SELF_SERVED] > 0 and counts[IVR_HANG_UP] > 0
    assert counts.sum() == obs.n_calls
    day = replication_kpis(obs, sc)["summary"]
    ivr = obs.via_ivr & (obs.outcome != BLOCKED)
    assert day["ivr_arrivals"] == ivr.sum()
    assert day["self_served"] == counts[SELF_SERVED]
    assert day["containment_rate"] == pytest.approx(counts[SELF_SERVED] / ivr.sum())
    # Offered calls came through the IVR with their IVR time before the queue.
    queued = (obs.outcome == ANSWERED) | (obs.outcome == ABANDONED)
    np.testing.assert_allclose(obs.offered[queued], (obs.arrival + obs.ivr_time)[queued])


def test_an_ivr_caller_holds_a_line():
    sc = parse_scenario(IVR_SCENARIO.replace("trunks: 40", "trunks: 1"))
    start = 8 * 3600.0
    calls = CallDraws(
        arrival=start + np.array([0.0, 50.0, 150.0]),
        call_type=np.array([-1, 1, 1], dtype=np.int32),
        handle=np.array([0.0, 10.0, 10.0]),
        wrap=np.zeros(3),
        patience=np.full(3, np.inf),
        ivr_time=np.array([100.0, 0.0, 0.0]),
        via_ivr=np.array([True, False, False]),
        ivr_exit=np.array([SELF_SERVED, -1, -1], dtype=np.int8),
    )
    obs = simulate_day(sc, calls)
    # The IVR caller holds the only line 0-100: the call at 50 is blocked, the
    # one at 150 gets through.
    assert obs.outcome.tolist() == [SELF_SERVED, BLOCKED, ANSWERED]


def test_blocked_ivr_caller_has_no_call_type():
    sc = parse_scenario(IVR_SCENARIO.replace("trunks: 40", "trunks: 2"))
    obs = run_replication(sc, 3, 0)
    blocked_ivr = obs.via_ivr & (obs.outcome == BLOCKED)
    assert blocked_ivr.any()
    assert np.all(obs.call_type[blocked_ivr] == -1)


def test_draws_for_direct_callers_do_not_depend_on_the_ivr():
    with_ivr = parse_scenario(IVR_SCENARIO)
    direct = draw_calls(with_ivr, 5, 0)
    no_ivr_text = IVR_SCENARIO.split("ivr:\n")[0] + (
        "call_types:\n"
        "  billing:\n    arrivals: {rate: 1/h}\n    handle_time: {dist: exponential, mean: 200s}\n"
        "    patience: {dist: exponential, mean: 120s}\n"
        "  direct:\n    arrivals: {rate: 60/h}\n    handle_time: {dist: exponential, mean: 200s}\n"
        "agent_groups:\n  team: {skills: [billing, direct], agents: 25}\n"
    )
    plain = draw_calls(parse_scenario(no_ivr_text), 5, 0)
    a = direct.call_type == 1
    b = plain.call_type == 1
    np.testing.assert_array_equal(direct.arrival[a & ~direct.via_ivr], plain.arrival[b])
    np.testing.assert_array_equal(direct.handle[a & ~direct.via_ivr], plain.handle[b])


def test_shrinkage_removes_the_drawn_fraction_of_agents():
    sc = parse_scenario(
        "name: s\nhorizon: {start: '08:00', end: '16:00', interval: 60min}\n"
        "call_types:\n  a: {arrivals: {rate: 10/h}, handle_time: 60s}\n"
        "agent_groups:\n  g: {skills: [a], shrinkage: 0.2, shifts: [\n"
        "    {start: '08:00', end: '12:00', agents: 50},\n"
        "    {start: '12:00', end: '16:00', agents: 50}]}\n"
    )
    absent = [sum(p.absent_all_shift for p in build_roster(sc, 11, r)) for r in range(200)]
    # Binomial(100, 0.2) per replication: mean 20, sd 4; mean of 200 within 5 SE.
    assert abs(np.mean(absent) - 20) < 5 * 4 / math.sqrt(200)
    assert np.std(absent) == pytest.approx(4, rel=0.25)
    obs = run_replication(sc, 11, 0)
    absent_agents = sum(p.absent_all_shift for p in build_roster(sc, 11, 0))
    assert obs.absent.sum() == pytest.approx(absent_agents * 4 * 3600)
