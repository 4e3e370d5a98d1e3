"""Horizons past midnight and long steady-state runs with a warm-up.

A night horizon (20:00 to 06:00) reads clock times after midnight as the next
day's; ``"06:00+1"`` and ``length: 48h`` say so explicitly; ``warm_up`` leaves the
first hours out of the statistics. Both engines run such a day call for call alike,
and a 48-hour run with a 4-hour warm-up reaches Erlang C with fewer replications
than a 24-hour run needs for the same precision.
"""

from __future__ import annotations

import json

import pytest

import ccsim
from ccsim.batch.runner import Precision
from ccsim.planning.analytic import erlang_c_service_level
from ccsim.scenario import ScenarioError
from ccsim.units import format_clock, parse_clock

NIGHT = """
name: night desk
seed: 3
horizon:
  start: "20:00"
  end: "06:00"
  interval: 60min
  warm_up: 2h
call_types:
  calls:
    arrivals: {volumes: [60, 50, 40, 30, 20, 20, 20, 30, 40, 60]}
    handle_time: {dist: exponential, mean: 4min}
    patience: {dist: exponential, mean: 3min}
agent_groups:
  night:
    skills: [calls]
    shifts:
      - {start: "20:00", end: "02:00", agents: 3, breaks: [{at: "00:30", length: 15min}]}
      - {start: "23:00", end: "06:00", agents: 2}
absences:
  - {group: night, from: "03:00", to: "04:00", agents: 1}
"""

H = 3600.0


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("06:00", 6 * H),
        ("24:00", 24 * H),
        ("00:30+1", 24.5 * H),
        ("06:00+1", 30 * H),
        ("24:00+1", 48 * H),
        ("01:00:15+1", 25 * H + 15),
    ],
)
def test_clock_times_past_midnight_round_trip(text: str, seconds: float) -> None:
    assert parse_clock(text) == seconds
    assert format_clock(seconds) == text


def test_night_horizon_reads_times_after_midnight_as_the_next_day() -> None:
    s = ccsim.parse_scenario(NIGHT)
    h = s.horizon
    assert (h.start, h.end, h.warmup, h.n_intervals) == (20 * H, 30 * H, 2 * H, 10)
    first, second = s.agent_groups[0].shifts
    assert (first.start, first.end, first.breaks[0].start) == (20 * H, 26 * H, 24.5 * H)
    assert (second.start, second.end) == (23 * H, 30 * H)
    assert (s.absences[0].start, s.absences[0].end) == (27 * H, 28 * H)


@pytest.mark.parametrize(
    ("horizon", "end"),
    [
        ('{start: "00:00", length: 48h, interval: 60min}', 48 * H),
        ('{start: "22:00", end: "06:00+1", interval: 60min}', 30 * H),
        ('{start: "08:00", end: "08:00", interval: 60min}', 32 * H),  # a whole day on
    ],
)
def test_horizon_end_or_length(horizon: str, end: float) -> None:
    text = NIGHT.split("horizon:")[0] + f"horizon: {horizon}\n" + _calls_and_agents()
    assert ccsim.parse_scenario(text).horizon.end == end


def _calls_and_agents() -> str:
    return """call_types:
  calls: {arrivals: {rate: 60/h}, handle_time: {dist: exponential, mean: 4min}}
agent_groups:
  all: {skills: [calls], agents: 5}
"""


@pytest.mark.parametrize(
    ("horizon", "path", "phrase"),
    [
        ('{start: "00:00", end: "24:00", length: 24h, interval: 60min}', "horizon.length",
         "give end or length, not both"),
        ('{start: "00:00", interval: 60min}', "horizon", "needs end (a clock time) or length"),
        ('{start: "00:00", end: "12:00", interval: 60min, warmup: 1h, warm_up: 1h}',
         "horizon.warm_up", "give warmup or warm_up, not both"),
        ('{start: "00:00", end: "12:00", interval: 60min, warm_up: 90min}',
         "horizon.warm_up", "whole number of 1h intervals"),
        ('{start: "10:00+1", end: "09:00+1", interval: 60min}', "horizon.end",
         "must be after start (10:00+1)"),
    ],
)  # fmt: skip
def test_bad_horizons_name_the_field(horizon: str, path: str, phrase: str) -> None:
    text = f"name: x\nhorizon: {horizon}\n" + _calls_and_agents()
    with pytest.raises(ScenarioError) as info:
        ccsim.parse_scenario(text)
    assert info.value.path == path
    assert phrase in info.value.message


def test_a_shift_outside_a_night_horizon_is_refused() -> None:
    text = NIGHT.replace(
        '{start: "23:00", end: "06:00", agents: 2}', '{start: "07:00", end: "09:00", agents: 2}'
    )
    with pytest.raises(ScenarioError) as info:
        ccsim.parse_scenario(text)
    assert info.value.path == "agent_groups.night.shifts[1].start"
    assert "within the horizon (20:00 to 06:00+1)" in info.value.message


def test_night_runs_alike_on_both_engines_and_labels_intervals() -> None:
    s = ccsim.parse_scenario(NIGHT)
    fast = ccsim.run(s, replications=3, engine="fast")
    simpy = ccsim.run(s, replications=3, engine="simpy")
    assert json.dumps(list(fast.kpis)) == json.dumps(list(simpy.kpis))
    starts = [e["start"] for e in fast.summary["by_interval"]]
    assert starts[:5] == ["20:00", "21:00", "22:00", "23:00", "24:00"]
    assert starts[5:] == ["01:00+1", "02:00+1", "03:00+1", "04:00+1", "05:00+1"]
    # The warm-up (20:00-22:00) is left out of the day: its offered calls are the
    # intervals' from 22:00 on.
    for rep in fast.kpis:
        after = sum(e["offered"] for e in rep["by_interval"][2:])
        assert rep["summary"]["offered"] == after
    # The 00:30 break of three agents shows in the 24:00 interval: 5 - 3/4 available.
    assert fast.summary["by_interval"][4]["available_agents"]["mean"] == pytest.approx(4.25)
    # The absence (03:00-04:00, one agent) leaves one of the two night agents (the
    # other finishes the call it is on first).
    at_three = fast.summary["by_interval"][7]
    assert at_three["scheduled_agents"]["mean"] == pytest.approx(2.0)
    assert 1.0 <= at_three["available_agents"]["mean"] < 1.25


def steady_state(length: str) -> ccsim.Scenario:
    return ccsim.parse_scenario(
        f"""
name: M/M/14, 10 Erlangs
horizon: {{start: "00:00", length: {length}, interval: 60min, warm_up: 4h}}
call_types:
  calls:
    arrivals: {{rate: 200/h}}
    handle_time: {{dist: exponential, mean: 3min}}
agent_groups:
  agents: {{skills: [calls], agents: 14}}
"""
    )


@pytest.mark.slow
def test_48_hours_reach_erlang_c_with_fewer_replications_than_24() -> None:
    exact = erlang_c_service_level(14, 10.0, 180.0, 20.0)
    target = Precision(half_width=0.005, kpi="service_level", max_replications=400)
    reps = {}
    for length in ("24h", "48h"):
        result = ccsim.run(steady_state(length), seed=21, engine="fast", precision=target)
        p = result.precision
        assert p["met"], (length, p)
        fig = result.summary["summary"]["service_level"]
        # Within a 99.9 % band (the 95 % half-width, widened) of Erlang C.
        assert abs(fig["mean"] - exact) <= p["half_width"] * 3.29 / 1.96, (length, fig, exact)
        reps[length] = result.replications
    # 44 counted hours a replication against 20: about half the replications.
    assert reps["48h"] < 0.75 * reps["24h"], reps
