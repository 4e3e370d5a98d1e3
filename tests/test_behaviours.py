"""Caller behaviours and crisis events: redials, transfers, callbacks, busyness,
surges and outages — exact times on tiny days, and theory where it exists."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from ccsim.batch.replication import run_replication
from ccsim.metrics import replication_kpis
from ccsim.models.calls import CallDraws, draw_calls
from ccsim.models.center import simulate_day
from ccsim.models.roster import build_roster
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK,
    CALLBACK_REQUESTED,
    FIRST,
    NOT_REACHED,
    OUTBOUND,
    RETRIAL,
    TRANSFER,
)
from ccsim.scenario import parse_scenario
from ccsim.scenario.model import (
    Callback,
    CrisisEvent,
    Distribution,
    Outbound,
    Retrial,
    Shift,
    Transfer,
)

START = 8 * 3600.0
INF = np.inf
FIXED = Distribution("deterministic", (100.0,))


def base(agents: int = 1, trunks: int | None = None):
    return parse_scenario(
        "name: tiny\nhorizon: {start: '08:00', end: '09:00', interval: 30min}\n"
        + (f"trunks: {trunks}\n" if trunks else "")
        + "call_types:\n"
        "  a: {arrivals: {rate: 1/h}, handle_time: {dist: deterministic, value: 1s}}\n"
        "  b: {arrivals: {rate: 1/h}, handle_time: {dist: deterministic, value: 1s}}\n"
        f"agent_groups:\n  g: {{skills: [a, b], agents: {agents}}}\n"
    )


def with_type(sc, name, **changes):
    types = tuple(replace(c, **changes) if c.name == name else c for c in sc.call_types)
    return replace(sc, call_types=types)


def calls(rows, redials: int = 0) -> CallDraws:
    a = np.array(rows, dtype=float)
    n = len(rows)
    c = CallDraws(
        arrival=START + a[:, 0],
        call_type=a[:, 1].astype(np.int32),
        handle=a[:, 2],
        wrap=a[:, 3],
        patience=a[:, 4],
    )
    c.retry_u = np.zeros((n, redials))  # every redial happens
    c.retry_delay = np.full((n, redials), 100.0)
    c.retry_patience = np.full((n, redials), INF)
    return c


def test_abandoned_caller_redials_after_the_delay():
    sc = with_type(base(), "a", retrial=Retrial(0.5, FIXED, max_attempts=3))
    c = calls([(0, 0, 50, 0, INF), (10, 0, 10, 0, 20)], redials=2)
    c.retry_u[1] = [0.2, 0.9]  # redial once (0.2 < 0.5), then not needed
    obs = simulate_day(sc, c)
    # Caller 1 abandons at 30, redials at 130 and is answered at once.
    assert obs.leg.tolist() == [FIRST, FIRST, RETRIAL]
    assert obs.caller.tolist() == [0, 1, 1]
    assert obs.outcome.tolist() == [ANSWERED, ABANDONED, ANSWERED]
    assert obs.arrival[2] - START == pytest.approx(130)
    assert obs.attempt.tolist() == [0, 0, 1]


def test_redials_stop_at_max_attempts_and_after_a_no():
    sc = with_type(base(), "a", retrial=Retrial(0.5, FIXED, max_attempts=3))
    c = calls([(0, 0, 5000, 0, INF), (10, 0, 10, 0, 1)], redials=2)
    c.retry_patience[1] = [1.0, 1.0]
    obs = simulate_day(sc, c)
    # The agent is busy all along: caller 1 tries 3 times in all, then gives up.
    assert (obs.caller == 1).sum() == 3
    assert np.all(obs.outcome[obs.caller == 1] == ABANDONED)
    c = calls([(0, 0, 5000, 0, INF), (10, 0, 10, 0, 1)], redials=2)
    c.retry_u[1] = [0.7, 0.0]  # says no to the first redial
    obs = simulate_day(sc, c)
    assert (obs.caller == 1).sum() == 1


def test_blocked_caller_redials():
    sc = with_type(base(agents=2, trunks=1), "a", retrial=Retrial(1.0, FIXED, 2))
    c = calls([(0, 0, 50, 0, INF), (10, 0, 10, 0, INF)], redials=1)
    obs = simulate_day(sc, c)
    assert obs.outcome.tolist() == [ANSWERED, BLOCKED, ANSWERED]
    assert obs.arrival[2] - START == pytest.approx(110)


def test_transfer_keeps_the_caller_and_the_line():
    sc = with_type(base(agents=2, trunks=1), "a", transfer=Transfer(1.0, "b"))
    c = calls([(0, 0, 50, 20, INF), (60, 0, 5, 0, INF)])
    c.transfer_u[:] = [0.0, 0.9]  # only caller 0 is transferred
    c.transfer_handle[:] = 30.0
    c.transfer_wrap[:] = 0.0
    c.transfer_patience[:] = INF
    obs = simulate_day(sc, c)
    # Caller 0: talk 0–50 with one agent, then type b with the other agent 50–80,
    # still on the only line: caller 1 at 60 is blocked.
    assert obs.leg.tolist() == [FIRST, FIRST, TRANSFER]
    assert obs.caller.tolist() == [0, 1, 0]
    assert obs.outcome.tolist() == [ANSWERED, BLOCKED, ANSWERED]
    assert obs.call_type[2] == 1 and obs.talk[2] == 30.0
    assert obs.offered[2] - START == pytest.approx(50)


def callback_type(sc, **kw):
    cb = Callback(threshold=60.0, accept=0.5, reach=0.5, **kw)
    return with_type(sc, "a", callback=cb)


def test_no_callback_offered_when_the_predicted_wait_is_short():
    sc = callback_type(base())
    c = calls([(0, 0, 100, 0, INF), (10, 0, 40, 0, INF), (20, 1, 30, 0, INF)])
    c.callback_u[:] = [[0.9, 0.9], [0.1, 0.1], [0.9, 0.9]]
    obs = simulate_day(sc, c)
    # Predicted wait: (0 waiting + 1) × mean handle 1 s / 1 agent = 1 s < 60 s.
    assert not obs.callback_offered.any()
    assert obs.outcome[1] == ANSWERED and obs.n_calls == 3


def test_callback_accepted_when_predicted_wait_is_long():
    sc = callback_type(base())
    sc = with_type(sc, "a", handle_time=Distribution("deterministic", (300.0,)))
    c = calls([(0, 0, 100, 0, INF), (10, 0, 40, 0, INF), (20, 1, 30, 0, INF)])
    c.callback_u[:] = [[0.9, 0.9], [0.1, 0.1], [0.9, 0.9]]
    obs = simulate_day(sc, c)
    # Caller 1 is told ~300 s, accepts and hangs up; the live b call at 20 is served
    # first (100–130), then the callback is dialed at 130 and reached: talk 40.
    assert obs.leg.tolist() == [FIRST, FIRST, FIRST, CALLBACK]
    assert obs.outcome.tolist() == [ANSWERED, CALLBACK_REQUESTED, ANSWERED, ANSWERED]
    assert obs.callback_offered.tolist() == [False, True, False, False]
    assert obs.offered[2] + obs.wait[2] - START == pytest.approx(100)
    assert obs.offered[3] - START == pytest.approx(10)  # requested at 10
    assert obs.wait[3] == pytest.approx(120)  # dialed at 130
    assert obs.talk[3] == 40.0


def test_callback_not_reached_takes_the_attempt_time():
    sc = callback_type(base())
    sc = with_type(sc, "a", handle_time=Distribution("deterministic", (300.0,)))
    c = calls([(0, 0, 100, 0, INF), (10, 0, 40, 0, INF), (200, 0, 10, 0, INF)])
    c.callback_u[:] = [[0.9, 0.9], [0.1, 0.9], [0.9, 0.9]]
    obs = simulate_day(sc, c)
    # Dialed at 100, not reached: the agent tries 30 s (to 130), then is idle.
    assert obs.outcome[3] == NOT_REACHED
    assert obs.talk[3] == 30.0
    assert obs.wait[2] == 0.0


def test_overdue_callback_goes_ahead_of_live_calls():
    sc = callback_type(base(), deadline=50.0)
    sc = with_type(sc, "a", handle_time=Distribution("deterministic", (300.0,)))
    c = calls([(0, 0, 100, 0, INF), (10, 0, 40, 0, INF), (20, 1, 30, 0, INF)])
    c.callback_u[:] = [[0.9, 0.9], [0.1, 0.1], [0.9, 0.9]]
    obs = simulate_day(sc, c)
    # The callback (requested 10, due by 60) is overdue at 100: dialed before the b call.
    assert obs.wait[3] == pytest.approx(90)
    assert obs.offered[2] + obs.wait[2] - START == pytest.approx(140)


SCENARIO = """
name: day
horizon: {{start: '08:00', end: '16:00', interval: 60min}}
call_types:
  a: {{arrivals: {{rate: 300/h}}, handle_time: {{dist: exponential, mean: 120s}},
      patience: {{dist: exponential, mean: 60s}}}}
agent_groups:
  g: {{skills: [a], agents: {agents}}}
"""


def test_busyness_raises_the_variance_of_daily_arrivals():
    """Counts are mixed Poisson: Var = λ + λ²/α with gamma(shape α, mean 1)."""
    sc = parse_scenario(SCENARIO.format(agents=12))
    alpha = 25.0  # cv 0.2
    sc = replace(sc, busyness=Distribution("gamma", (alpha, 1 / alpha)))
    lam = 300 * 8
    counts = np.array([draw_calls(sc, 9, r).n_calls for r in range(1500)], dtype=float)
    var = lam + lam**2 / alpha
    assert abs(counts.mean() - lam) < 5 * math.sqrt(var / counts.size)
    # The sample variance of n draws has sd ≈ var·sqrt(2/(n−1)) (near-normal counts);
    # allow 5 of those. Without busyness the variance would be λ = 2400, not 232,800.
    assert abs(counts.var(ddof=1) - var) < 5 * var * math.sqrt(2 / (counts.size - 1))


def test_surge_multiplies_arrivals_in_its_window():
    sc = parse_scenario(SCENARIO.format(agents=12))
    surge = CrisisEvent("surge", START + 3600, START + 5400, factor=3.0)
    calm = CrisisEvent("surge", START + 7200, START + 9000, factor=0.5)
    sc = replace(sc, events=(surge, calm))
    inside, quiet, outside = [], [], []
    for r in range(300):
        t = draw_calls(sc, 4, r).arrival - START
        inside.append(np.sum((t >= 3600) & (t < 5400)))
        quiet.append(np.sum((t >= 7200) & (t < 9000)))
        outside.append(np.sum(t < 3600))
    for got, mean in ((inside, 3 * 150), (quiet, 0.5 * 150), (outside, 300)):
        assert abs(np.mean(got) - mean) < 5 * math.sqrt(mean / len(got))


def test_trunk_outage_blocks_calls_only_while_it_lasts():
    sc = base(agents=5, trunks=5)
    sc = replace(sc, events=(CrisisEvent("trunk_outage", START + 100, START + 200, trunks=1),))
    c = calls([(50, 0, 500, 0, INF), (150, 0, 10, 0, INF), (250, 0, 10, 0, INF)])
    obs = simulate_day(sc, c)
    assert obs.outcome.tolist() == [ANSWERED, BLOCKED, ANSWERED]


def test_group_outage_and_absenteeism_take_agents_away():
    sc = parse_scenario(SCENARIO.format(agents=10))
    outage = CrisisEvent("group_outage", START + 3600, START + 7200, group="g", agents=4)
    spike = CrisisEvent("absenteeism", START + 7200, START + 10800, group="g", fraction=0.5)
    sc = replace(sc, events=(outage, spike))
    plans = build_roster(sc, 1, 0)
    assert sum((START + 3600, START + 7200) in p.absences for p in plans) == 4
    assert sum((START + 7200, START + 10800) in p.absences for p in plans) == 5
    obs = run_replication(sc, 1, 0)
    hours = obs.absent[0] / 3600
    # An agent on a call finishes it first, so absence starts a little late.
    assert np.all(hours[[0, 3, 4, 5, 6, 7]] == 0)
    assert 4 - 0.5 < hours[1] <= 4 and 5 - 0.5 < hours[2] <= 5


def test_every_leg_ends_in_one_outcome_with_all_behaviours():
    sc = parse_scenario(SCENARIO.format(agents=9))
    a = sc.call_types[0]
    a = replace(
        a,
        retrial=Retrial(0.6, Distribution("exponential", (120.0,)), 3),
        callback=Callback(threshold=90.0, accept=0.5, reach=0.8, deadline=1800.0),
    )
    sc = replace(sc, call_types=(a,))
    obs = run_replication(sc, 2, 0)  # conservation is checked inside
    legs = np.bincount(obs.leg, minlength=4)
    assert legs[RETRIAL] > 0 and legs[CALLBACK] > 0
    assert np.sum(obs.outcome == CALLBACK_REQUESTED) == legs[CALLBACK]


def chat_scenario(chat_max: int, factors: tuple[float, ...], agents: int = 1):
    sc = base(agents=agents)
    sc = with_type(sc, "a", channel="chat")
    g = replace(sc.agent_groups[0], chat_max=chat_max, chat_factors=factors)
    return replace(sc, agent_groups=(g,))


def test_chat_agent_handles_several_chats_but_no_voice_meanwhile():
    sc = chat_scenario(2, (1.0, 1.5))
    obs = simulate_day(sc, calls([(0, 0, 100, 0, INF), (10, 0, 100, 0, INF), (20, 1, 10, 0, INF)]))
    # Chat 2 joins the agent's first chat as its 2nd concurrent one: 100 × 1.5.
    np.testing.assert_allclose(obs.talk, [100, 150, 10])
    np.testing.assert_allclose(obs.wait, [0, 0, 140])  # voice waits until 160
    assert obs.group.tolist() == [0, 0, 0]


def test_chat_slot_freed_takes_the_next_waiting_chat():
    sc = chat_scenario(2, (1.0, 1.0))
    obs = simulate_day(
        sc,
        calls([(0, 0, 100, 0, INF), (10, 0, 300, 0, INF), (20, 0, 50, 0, INF)]),
    )
    # The third chat waits for a slot: the first chat ends at 100.
    np.testing.assert_allclose(obs.wait, [0, 0, 80])


def test_chat_with_one_slot_and_factor_one_is_voice_call_by_call():
    voice = parse_scenario(SCENARIO.format(agents=10))
    chat = with_type(voice, "a", channel="chat")
    c = draw_calls(voice, 8, 0)
    a, b = simulate_day(voice, c), simulate_day(chat, c)
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_allclose(a.wait, b.wait, atol=1e-9)
    assert np.sum(a.wait > 0) > 100  # there was queueing


def with_campaign(sc, customers: int, threshold: int, connect: float = 1.0):
    campaign = Outbound(
        name="sales",
        customers=customers,
        start=START,
        end=START + 3600,
        groups=("g",),
        connect=connect,
        talk_time=Distribution("deterministic", (200.0,)),
        attempt_time=20.0,
        idle_threshold=threshold,
    )
    return replace(sc, outbound=(campaign,))


def outbound_calls(c: CallDraws, customers: int, connect_u: float = 0.0) -> CallDraws:
    c.outbound = [(np.full(customers, connect_u), np.full(customers, 200.0), np.zeros(customers))]
    return c


def test_blended_agents_dial_only_while_enough_others_stay_idle():
    sc = with_campaign(base(agents=2), customers=3, threshold=1)
    c = outbound_calls(calls([(100, 0, 50, 0, INF)]), 3)
    obs = simulate_day(sc, c)
    out = obs.leg == OUTBOUND
    # At 08:00 one agent dials (the other stays idle: the threshold); the inbound
    # call at 100 is answered at once by the idle agent; when the first outbound
    # call ends at 200 the agent dials again, and again at 400.
    assert obs.outcome[~out].tolist() == [ANSWERED] and obs.wait[~out][0] == 0
    np.testing.assert_allclose(obs.arrival[out] - START, [0, 200, 400])
    assert np.all(obs.group[out] == 0)


def test_unreached_customer_takes_the_attempt_time():
    sc = with_campaign(base(agents=1), customers=2, threshold=0, connect=0.5)
    c = outbound_calls(calls([(3000, 0, 10, 0, INF)]), 2, connect_u=0.9)
    obs = simulate_day(sc, c)
    out = obs.leg == OUTBOUND
    assert np.all(obs.outcome[out] == NOT_REACHED)
    np.testing.assert_allclose(obs.arrival[out] - START, [0, 20])


def test_high_idle_threshold_never_starves_inbound():
    sc = parse_scenario(SCENARIO.format(agents=10))
    blended = with_campaign(sc, customers=500, threshold=10)
    c = draw_calls(blended, 6, 0)
    a, b = simulate_day(sc, c), simulate_day(blended, c)
    assert not np.any(b.leg == OUTBOUND)  # never 10 others idle while one dials
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_allclose(a.wait, b.wait, atol=1e-9)


def test_callback_never_dialed_before_closing_is_not_reached():
    sc = callback_type(base())
    sc = with_type(sc, "a", handle_time=Distribution("deterministic", (300.0,)))
    shift = Shift(START, START + 600, 1)
    sc = replace(sc, agent_groups=(replace(sc.agent_groups[0], agents=0, shifts=(shift,)),))
    # The only agent is busy past the end of the shift, then leaves: no callback.
    c = calls([(0, 0, 1000, 0, INF), (10, 0, 40, 0, INF)])
    c.callback_u[:] = [[0.9, 0.9], [0.1, 0.1]]
    obs = simulate_day(sc, c)  # conservation is checked inside
    assert obs.outcome[2] == NOT_REACHED and obs.group[2] == -1


def test_outbound_figures_per_interval_and_day():
    sc = with_campaign(base(agents=2), customers=20, threshold=0, connect=0.5)
    c = outbound_calls(calls([(3500, 0, 10, 0, INF)]), 20)
    connect_u = np.tile([0.1, 0.9], 10)  # every other customer is reached
    c.outbound = [(connect_u, np.full(20, 200.0), np.zeros(20))]
    obs = simulate_day(sc, c)
    day = replication_kpis(obs, sc)["summary"]
    assert day["outbound_dials"] == 20
    assert day["outbound_connects"] == 10
    assert day["outbound_connect_rate"] == 0.5
    assert day["outbound_connects_per_hour"] == pytest.approx(10.0)
    assert day["offered"] == 1  # outbound legs are not inbound calls


def test_chat_counts_as_a_share_of_an_agent_and_uses_no_line():
    sc = replace(chat_scenario(2, (1.0, 1.0)), trunks=1)
    obs = simulate_day(
        sc, calls([(0, 0, 1800, 0, INF), (0, 0, 1800, 0, INF), (10, 1, 100, 0, INF)])
    )
    # Two chats fill the one agent's two slots for the first interval; the voice call
    # still gets the only line (chats hold none) and waits for the agent.
    assert obs.outcome.tolist() == [ANSWERED, ANSWERED, ANSWERED]
    per_int = replication_kpis(obs, sc)["by_interval"]
    assert per_int[0]["occupancy"] == pytest.approx(1.0)  # 2 chats × 1/2 of an agent
    assert per_int[0]["busy_agents"] == pytest.approx(1.0)


def test_absenteeism_takes_a_share_of_everyone_on_shift_in_the_period():
    sc = parse_scenario(SCENARIO.format(agents=1))
    shifts = (Shift(START, START + 4 * 3600, 10), Shift(START + 4 * 3600, START + 8 * 3600, 10))
    g = replace(sc.agent_groups[0], agents=0, shifts=shifts)
    flu = CrisisEvent("absenteeism", START + 3 * 3600, START + 6 * 3600, group="g", fraction=0.5)
    sc = replace(sc, agent_groups=(g,), events=(flu,))
    away = [p.absences for p in build_roster(sc, 0, 0) if p.absences]
    # 20 agents overlap the period; half of them (the last listed first: the late
    # shift) are away for their part of it, 12:00–14:00.
    assert len(away) == 10
    assert all(a == [(START + 4 * 3600, START + 6 * 3600)] for a in away)
