"""Semantics of the SimPy model on tiny hand-made days with exact event times."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.models.calls import CallDraws
from ccsim.models.center import simulate_day
from ccsim.observations import ABANDONED, ANSWERED, BLOCKED, Observations
from ccsim.scenario import parse_scenario

START = 8 * 3600.0


def make_scenario(groups: str, trunks: int | None = None, types=("a",)):
    call_types = "".join(
        f"  {t}:\n    arrivals: {{rate: 1/h}}\n"
        "    handle_time: {dist: deterministic, value: 1s}\n"
        for t in types
    )
    return parse_scenario(
        "name: tiny\n"
        "horizon: {start: '08:00', end: '09:00', interval: 30min}\n"
        + (f"trunks: {trunks}\n" if trunks else "")
        + "call_types:\n"
        + call_types
        + "agent_groups:\n"
        + groups
    )


def calls(rows) -> CallDraws:
    """rows: (arrival offset s, type, handle, wrap, patience)."""
    a = np.array(rows, dtype=float)
    return CallDraws(
        arrival=START + a[:, 0],
        call_type=a[:, 1].astype(np.int32),
        handle=a[:, 2],
        wrap=a[:, 3],
        patience=a[:, 4],
    )


INF = np.inf


def test_fcfs_single_agent_waits_and_abandonment():
    sc = make_scenario("  one: {skills: [a], agents: 1}\n")
    obs = simulate_day(
        sc,
        calls(
            [
                (0, 0, 30, 0, INF),  # answered at once, busy until 30
                (10, 0, 30, 0, INF),  # waits 20, busy until 60
                (20, 0, 30, 0, 25),  # would wait 40 > patience 25: abandons at 45
                (25, 0, 30, 0, INF),  # waits 35 (the abandoned caller is skipped)
            ]
        ),
    )
    assert obs.outcome.tolist() == [ANSWERED, ANSWERED, ABANDONED, ANSWERED]
    np.testing.assert_allclose(obs.wait, [0, 20, 25, 35], atol=1e-9)
    np.testing.assert_allclose(obs.talk, [30, 30, 0, 30])


def test_wrap_up_keeps_the_agent_but_frees_the_line():
    sc = make_scenario("  one: {skills: [a], agents: 2}\n", trunks=1)
    obs = simulate_day(
        sc,
        calls(
            [
                (0, 0, 10, 50, INF),  # talk 0–10 holds the line; wrap-up 10–60
                (5, 0, 10, 0, INF),  # line busy: blocked
                (12, 0, 10, 0, INF),  # line free again: answered by the 2nd agent
            ]
        ),
    )
    assert obs.outcome.tolist() == [ANSWERED, BLOCKED, ANSWERED]
    assert np.isnan(obs.offered[1]) and np.isnan(obs.wait[1])
    assert obs.wait[2] == 0


def test_wrap_up_delays_the_next_answer():
    sc = make_scenario("  one: {skills: [a], agents: 1}\n")
    obs = simulate_day(sc, calls([(0, 0, 10, 50, INF), (5, 0, 10, 0, INF)]))
    np.testing.assert_allclose(obs.wait, [0, 55])  # agent free at 10 + 50


def test_longest_idle_agent_answers():
    # Two single-agent groups, same skill. x is busy 0–10, y 0–20 (two calls);
    # at 30 both are idle: x has been idle longer (since 10), so x answers.
    sc = make_scenario("  x: {skills: [a], agents: 1}\n  y: {skills: [a], agents: 1}\n")
    obs = simulate_day(
        sc,
        calls([(0, 0, 10, 0, INF), (0, 0, 20, 0, INF), (30, 0, 5, 0, INF)]),
    )
    assert obs.group.tolist() == [0, 1, 0]


def test_longest_idle_prefers_idle_since_over_group_order():
    sc = make_scenario("  x: {skills: [a], agents: 1}\n  y: {skills: [a], agents: 1}\n")
    # x takes call 0 (ties at the start go to the first group) and is busy until 50;
    # y takes call 1 until 10. At 60, y (idle since 10) beats x (idle since 50).
    obs = simulate_day(
        sc,
        calls([(0, 0, 50, 0, INF), (1, 0, 9, 0, INF), (60, 0, 5, 0, INF)]),
    )
    assert obs.group.tolist() == [0, 1, 1]


def test_freed_agent_takes_longest_waiting_call_across_its_skills():
    sc = make_scenario("  both: {skills: [a, b], agents: 1}\n", types=("a", "b"))
    obs = simulate_day(
        sc,
        calls(
            [
                (0, 0, 100, 0, INF),  # occupies the agent until 100
                (10, 1, 10, 0, INF),  # b waits since 10: longest, served first
                (20, 0, 10, 0, INF),  # a waits since 20
            ]
        ),
    )
    # b answered at 100 (waited 90), then a at 110 (waited 90).
    np.testing.assert_allclose(obs.wait, [0, 90, 90])
    assert obs.offered[1] + obs.wait[1] < obs.offered[2] + obs.wait[2]


def test_calls_queued_at_the_end_of_the_horizon_are_drained():
    sc = make_scenario("  one: {skills: [a], agents: 1}\n")
    end = 3600 - 1
    obs = simulate_day(sc, calls([(end - 1, 0, 600, 0, INF), (end, 0, 600, 0, INF)]))
    assert obs.outcome.tolist() == [ANSWERED, ANSWERED]
    assert obs.wait[1] == pytest.approx(599)


def test_conservation_check_catches_an_unfinished_call():
    obs = Observations.empty(2, 1, 1)
    obs.outcome[0] = BLOCKED
    with pytest.raises(AssertionError, match="conservation"):
        obs.check_conservation()


def test_patience_expiring_as_agent_frees_is_not_answered_twice():
    sc = make_scenario("  one: {skills: [a], agents: 1}\n")
    obs = simulate_day(sc, calls([(0, 0, 30, 0, INF), (10, 0, 5, 0, 20)]))
    # Patience ends at 30 exactly when the agent frees: one outcome, never both.
    assert obs.outcome[1] in (ANSWERED, ABANDONED)
    obs.check_conservation()
