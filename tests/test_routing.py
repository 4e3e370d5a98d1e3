"""Routing, shifts, breaks and absences on tiny hand-made days with exact times."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ccsim.models.calls import CallDraws, draw_calls
from ccsim.models.center import simulate_day
from ccsim.observations import ABANDONED, ANSWERED
from ccsim.scenario import parse_scenario
from ccsim.scenario.model import (
    Absence,
    AgentGroup,
    Break,
    Distribution,
    OverflowStep,
    Shift,
)

START = 8 * 3600.0
INF = np.inf


def base(types=("a", "b")):
    text = (
        "name: tiny\nhorizon: {start: '08:00', end: '09:00', interval: 30min}\ncall_types:\n"
        + "".join(
            f"  {t}: {{arrivals: {{rate: 1/h}}, handle_time: {{dist: deterministic, value: 1s}}}}\n"
            for t in types
        )
        + "agent_groups:\n  all: {skills: ["
        + ", ".join(types)
        + "], agents: 1}\n"
    )
    return parse_scenario(text)


def with_groups(sc, *groups, **changes):
    return replace(sc, agent_groups=tuple(groups), **changes)


def with_type(sc, name, **changes):
    types = tuple(replace(c, **changes) if c.name == name else c for c in sc.call_types)
    return replace(sc, call_types=types)


def calls(rows) -> CallDraws:
    """rows: (arrival offset s, type, handle, wrap, patience) in arrival order."""
    a = np.array(rows, dtype=float)
    return CallDraws(
        arrival=START + a[:, 0],
        call_type=a[:, 1].astype(np.int32),
        handle=a[:, 2],
        wrap=a[:, 3],
        patience=a[:, 4],
    )


def answer_times(obs):
    return obs.offered + obs.wait


def test_freed_agent_serves_its_priority_one_skill_first():
    sc = with_groups(base(), AgentGroup("g", ("b", "a"), 1, priorities=(1, 2)))
    obs = simulate_day(
        sc,
        calls([(0, 0, 100, 0, INF), (10, 0, 10, 0, INF), (20, 1, 10, 0, INF)]),
    )
    # At 100 the agent takes b (priority 1) although a has waited longer.
    np.testing.assert_allclose(answer_times(obs) - START, [0, 110, 100])


def test_vip_call_type_jumps_ahead_across_queues():
    sc = with_type(base(), "b", priority=1)
    obs = simulate_day(
        sc,
        calls([(0, 0, 100, 0, INF), (10, 0, 10, 0, INF), (20, 1, 10, 0, INF)]),
    )
    np.testing.assert_allclose(answer_times(obs) - START, [0, 110, 100])


def test_overflow_happens_exactly_at_after():
    sc = with_groups(base(("a",)), AgentGroup("x", ("a",), 1), AgentGroup("y", ("a",), 1))
    sc = with_type(sc, "a", overflow=(OverflowStep(30.0, ("y",)),))
    obs = simulate_day(sc, calls([(0, 0, 100, 0, INF), (10, 0, 10, 0, INF)]))
    # y is idle all along but may only answer after the call has waited 30 s.
    assert obs.group.tolist() == [0, 1]
    assert obs.wait[1] == 30.0


def test_staged_overflow_second_step():
    sc = with_groups(
        base(("a",)),
        AgentGroup("x", ("a",), 1),
        AgentGroup("y", ("a",), 1),
        AgentGroup("z", ("a",), 1),
    )
    steps = (OverflowStep(30.0, ("y",)), OverflowStep(90.0, ("z",)))
    sc = with_type(sc, "a", overflow=steps)
    obs = simulate_day(
        sc,
        calls([(0, 0, 500, 0, INF), (1, 0, 500, 0, INF), (5, 0, 10, 0, INF)]),
    )
    # Call 1 overflows to y at 31; call 2 waits for z, eligible at 95.
    assert obs.group.tolist() == [0, 1, 2]
    np.testing.assert_allclose(obs.wait, [0, 30, 90])


def test_overflow_group_freed_agent_takes_only_overflowed_calls():
    sc = with_groups(base(("a",)), AgentGroup("x", ("a",), 1), AgentGroup("y", ("a",), 1))
    sc = with_type(sc, "a", overflow=(OverflowStep(60.0, ("y",)),))
    # y is busy with an overflowed call until 61 + 20 = 81... set up: x busy long.
    obs = simulate_day(
        sc,
        calls([(0, 0, 1000, 0, INF), (1, 0, 20, 0, INF), (70, 0, 5, 0, INF)]),
    )
    # Call 1 goes to y at 61, y free at 81; call 2 (offered 70) is not eligible for y
    # until 130, so y takes it at 130, not at 81.
    assert obs.group.tolist() == [0, 1, 1]
    np.testing.assert_allclose(obs.wait, [0, 60, 60])


def test_reserved_agent_refuses_a_lower_priority_call():
    group = AgentGroup("g", ("a", "b"), 2, priorities=(1, 2), reserve=1)
    sc = with_groups(base(), group)
    obs = simulate_day(
        sc,
        calls([(0, 0, 100, 0, INF), (10, 1, 10, 0, INF)]),
    )
    # One agent busy, one idle: 1 idle is not more than the reserve of 1, so the
    # b call waits until the busy agent frees at 100 (then 2 would be idle).
    assert obs.outcome.tolist() == [ANSWERED, ANSWERED]
    np.testing.assert_allclose(answer_times(obs) - START, [0, 100])


def test_preference_selection_picks_the_preferred_group():
    sc = with_groups(base(("a",)), AgentGroup("x", ("a",), 1), AgentGroup("y", ("a",), 1))
    sc = with_type(sc, "a", agent_selection="preference", preference=("y", "x"))
    obs = simulate_day(sc, calls([(0, 0, 10, 0, INF), (20, 0, 10, 0, INF)]))
    assert obs.group.tolist() == [1, 1]


def test_random_selection_uses_the_call_uniform():
    sc = with_groups(base(("a",)), AgentGroup("x", ("a",), 1), AgentGroup("y", ("a",), 1))
    sc = with_type(sc, "a", agent_selection="random")
    c = calls([(0, 0, 10, 0, INF), (20, 0, 10, 0, INF)])
    c.route_u[:] = [0.9, 0.1]
    obs = simulate_day(sc, c)
    assert obs.group.tolist() == [1, 0]


def test_group_specific_handle_time_factor_and_distribution():
    slow = AgentGroup("slow", ("a",), 1, handle_time_factor=(("a", 1.5),))
    sc = with_groups(base(("a",)), slow)
    obs = simulate_day(sc, calls([(0, 0, 100, 0, INF)]))
    assert obs.talk[0] == 150.0
    own = AgentGroup("own", ("a",), 1, handle_time=(("a", Distribution("deterministic", (7.0,))),))
    sc = with_groups(base(("a",)), own)
    c = draw_calls(sc, seed=1, replication=0)
    obs = simulate_day(sc, c)
    assert np.all(obs.talk[obs.outcome == ANSWERED] == 7.0)


def shift_scenario(*shifts, absences=()):
    return with_groups(base(("a",)), AgentGroup("g", ("a",), shifts=shifts), absences=absences)


def test_agent_at_shift_end_finishes_the_call_then_leaves():
    sc = shift_scenario(Shift(START, START + 600, 1), Shift(START + 900, START + 3600, 1))
    obs = simulate_day(
        sc,
        calls([(590, 0, 100, 0, INF), (700, 0, 10, 0, INF)]),
    )
    # Call 0 ends at 690 (90 s overtime); call 1 waits for the next shift at 900.
    np.testing.assert_allclose(answer_times(obs) - START, [590, 900])
    assert obs.overtime[0] == pytest.approx(90.0)
    # Floor time: 0–690 and 900–3600 within the horizon (60 min).
    assert obs.staffed[0].sum() == pytest.approx(690 + 2700)
    assert obs.scheduled[0].sum() == pytest.approx(600 + 2700)


def test_break_is_delayed_by_a_call_in_progress():
    brk = Break(START + 300, 60.0)
    sc = shift_scenario(Shift(START, START + 3600, 1, breaks=(brk,)))
    obs = simulate_day(sc, calls([(250, 0, 150, 0, INF), (420, 0, 10, 0, INF)]))
    # Break due at 300 starts at 400 (end of call), lasts 60: next answer at 460.
    np.testing.assert_allclose(answer_times(obs) - START, [250, 460])
    assert obs.on_break[0].sum() == pytest.approx(60.0)
    assert obs.unpaid_break[0].sum() == 0.0


def test_idle_agent_goes_on_break_on_time_and_unpaid_is_recorded():
    brk = Break(START + 300, 60.0, paid=False)
    sc = shift_scenario(Shift(START, START + 3600, 1, breaks=(brk,)))
    obs = simulate_day(sc, calls([(310, 0, 10, 0, INF)]))
    assert obs.wait[0] == pytest.approx(50.0)
    assert obs.unpaid_break[0].sum() == pytest.approx(60.0)


def test_breaks_in_a_window_are_staggered():
    brk = Break(START + 600, 300.0, window_end=START + 1500)
    sc = shift_scenario(Shift(START, START + 3600, 3, breaks=(brk,)))
    # With no calls, the three agents' breaks start at 600, 800 and 1000.
    obs = simulate_day(sc, calls([(3000, 0, 1, 0, INF)]))
    assert obs.on_break[0].sum() == pytest.approx(900.0)
    from ccsim.models.roster import build_roster

    due = [p.breaks[0][0] - START for p in build_roster(sc, 0, 0)]
    assert due == [600.0, 800.0, 1000.0]


def test_absence_takes_agents_off_the_floor():
    sc = shift_scenario(
        Shift(START, START + 3600, 2),
        absences=(Absence("g", START + 100, START + 400, 1),),
    )
    obs = simulate_day(
        sc,
        calls([(150, 0, 500, 0, INF), (200, 0, 10, 0, INF)]),
    )
    # One of two agents is absent 100–400: call 1 waits until 400.
    np.testing.assert_allclose(answer_times(obs) - START, [150, 400])
    assert obs.absent[0].sum() == pytest.approx(300.0)


def test_call_left_waiting_with_no_agent_on_duty_hangs_up_at_closing():
    sc = shift_scenario(Shift(START, START + 600, 1))
    obs = simulate_day(sc, calls([(700, 0, 10, 0, INF)]))
    assert obs.outcome[0] == ABANDONED
    assert obs.wait[0] == pytest.approx(3600 - 700)


def test_staffing_line_equals_constant_staffing_call_by_call():
    sc = parse_scenario(
        "name: line\nhorizon: {start: '08:00', end: '12:00', interval: 30min}\n"
        "call_types:\n  a: {arrivals: {rate: 300/h}, handle_time: {dist: exponential, mean: 150s},"
        " patience: {dist: exponential, mean: 60s}}\n"
        "agent_groups:\n  g: {skills: [a], agents: 12}\n"
    )
    line = with_groups(sc, AgentGroup("g", ("a",), agents_per_interval=(12,) * 8))
    c = draw_calls(sc, 3, 0)
    a, b = simulate_day(sc, c), simulate_day(line, c)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_allclose(a.wait, b.wait, atol=1e-9)
    np.testing.assert_allclose(a.staffed, b.staffed)


def test_groups_sharing_every_skill_equal_one_pooled_group_call_by_call():
    sc = parse_scenario(
        "name: pool\nhorizon: {start: '08:00', end: '12:00', interval: 30min}\n"
        "call_types:\n"
        "  a: {arrivals: {rate: 400/h}, handle_time: {dist: lognormal, mean: 150s, cv: 1}}\n"
        "  b: {arrivals: {rate: 200/h}, handle_time: {dist: exponential, mean: 200s},"
        " patience: {dist: exponential, mean: 90s}}\n"
        "agent_groups:\n  g: {skills: [a, b], agents: 28}\n"
    )
    split = with_groups(
        sc,
        AgentGroup("g1", ("a", "b"), 10),
        AgentGroup("g2", ("a", "b"), 11),
        AgentGroup("g3", ("a", "b"), 7),
    )
    c = draw_calls(sc, 4, 0)
    a, b = simulate_day(sc, c), simulate_day(split, c)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_allclose(a.wait, b.wait, atol=1e-9)
    assert np.mean(a.wait[a.outcome == ANSWERED] > 0) > 0.05  # there was queueing
