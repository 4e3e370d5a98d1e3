"""Mixtures and per-period handle times and patience: reading, messages, and the
draws of each call (which period, which stream)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccsim.kernels.draws import sample
from ccsim.models.calls import draw_calls
from ccsim.planning.staffing import group_loads
from ccsim.scenario import ScenarioError, parse_scenario

SCENARIO = """\
name: test
horizon: {start: "08:00", end: "12:00", interval: 30min}
call_types:
  billing:
    arrivals: {rate: 600/h}
    handle_time: HANDLE
    patience: PATIENCE
agent_groups:
  all:
    skills: [billing]
    agents: 5
"""

ATOM = """
      dist: mixture
      components:
        - {weight: 0.1, dist: deterministic, value: 0s}   # hang up at once
        - {weight: 0.9, dist: exponential, mean: 1000s}"""

PERIODS = """
      by_period:
        - {from: "08:00", to: "10:00", dist: exponential, mean: 5min}
        - {from: "10:00", to: "12:00", dist: mixture, components: [
            {weight: 0.5, dist: deterministic, value: 0s},
            {weight: 0.5, dist: exponential, mean: 1min}]}"""


def scenario(handle: str = "3min", patience: str = "2min"):
    text = SCENARIO.replace("HANDLE", handle).replace("PATIENCE", patience)
    return parse_scenario(text, source="s.yaml")


def test_the_issues_mixture_reads_as_written():
    p = scenario(patience=ATOM).call_types[0].patience
    assert p.kind == "mixture"
    assert [(w, d.kind, d.params) for w, d in p.components] == [
        (0.1, "deterministic", (0.0,)),
        (0.9, "exponential", (1000.0,)),
    ]
    assert p.mean == pytest.approx(900.0)
    # E[X^2] = 0.9 * 2 * 1000^2, so Var = 1.8e6 - 900^2
    assert p.variance == pytest.approx(1.8e6 - 900.0**2)


def test_nested_mixtures_are_flattened_with_weights_multiplied():
    nested = (
        "{dist: mixture, components: [{weight: 0.4, dist: gamma, mean: 1min, cv: 2},"
        " {weight: 0.6, dist: mixture, components: [{weight: 0.5, dist: exponential, mean: 2min},"
        " {weight: 0.5, dist: uniform, low: 0s, high: 30s}]}]}"
    )
    h = scenario(handle=nested).call_types[0].handle_time
    assert [(round(w, 12), d.kind) for w, d in h.components] == [
        (0.4, "gamma"),
        (0.3, "exponential"),
        (0.3, "uniform"),
    ]
    assert h.mean == pytest.approx(0.4 * 60 + 0.3 * 120 + 0.3 * 15)


BAD = [
    # (handle, patience) replacing the placeholders, field path, line, phrase
    (
        "3min",
        "{dist: mixture, components: [{weight: 0.1, dist: deterministic, value: 0s},"
        " {weight: 0.8, dist: exponential, mean: 10min}]}",
        "call_types.billing.patience.components",
        7,
        "the weights must sum to 1, got 0.9 (0.1 + 0.8)",
    ),
    (
        "3min",
        "{dist: mixture, components: [{weight: 0, dist: exponential, mean: 1s},"
        " {weight: 1, dist: exponential, mean: 10min}]}",
        "call_types.billing.patience.components[0].weight",
        7,
        "must be > 0",
    ),
    (
        "3min",
        "{dist: mixture, components: [{dist: exponential, mean: 1s}]}",
        "call_types.billing.patience.components[0].weight",
        7,
        "is missing; each component has a weight",
    ),
    ("3min", "{dist: mixture, components: []}", "call_types.billing.patience.components", 7,
     "got an empty list"),
    ("3min", "{dist: mixture, mean: 3min}", "call_types.billing.patience.mean", 7,
     "unknown key 'mean'; allowed keys: dist, components"),
    ("3min", "{dist: mixture, components: [{weight: 1, dist: deterministic, value: 0s}]}",
     "call_types.billing.patience.components", 7, "must have a positive mean"),
    # outside a mixture a zero duration is still refused
    ("3min", "{dist: deterministic, value: 0s}", "call_types.billing.patience.value", 7,
     "must be > 0"),
    (
        "3min",
        '\n      by_period:\n        - {from: "08:00", to: "10:00", dist: exponential, mean: 5min}'
        '\n        - {from: "10:30", to: "12:00", dist: exponential, mean: 1min}',
        "call_types.billing.patience.by_period[1].from",
        10,
        "must be 10:00, where the previous period ends",
    ),
    (
        '\n      by_period:\n        - {from: "08:00", to: "11:00", value: 3min}',
        "2min",
        "call_types.billing.handle_time.by_period[0].to",
        8,
        "must be at or after the horizon's end 12:00",
    ),
    (
        '{by_period: [{from: "09:00", to: "12:00", value: 3min}]}',
        "2min",
        "call_types.billing.handle_time.by_period[0].from",
        6,
        "must be at or before the horizon's start 08:00",
    ),
    ('{by_period: [{from: "08:00", to: "12:00"}]}', "2min",
     "call_types.billing.handle_time.by_period[0]", 6, "gives no distribution"),
    ('{by_period: [{to: "12:00", value: 1s}]}', "2min",
     "call_types.billing.handle_time.by_period[0].from", 6, "is missing"),
    ('{by_period: [{from: "08:00", to: "12:00", value: 1s}], dist: gamma}', "2min",
     "call_types.billing.handle_time.dist", 6, "unknown key 'dist'; allowed keys: by_period"),
    # a cv whose square underflows to 0 (the gamma's shape 1/cv² would divide by 0), or
    # overflows (every kind's shape and scale then leave the floats)
    ("{dist: gamma, mean: 1s, cv: 1e-300}", "2min", "call_types.billing.handle_time.cv", 6,
     "is too small for a gamma distribution"),
    ("{dist: gamma, mean: 1s, cv: 1e-160}", "2min", "call_types.billing.handle_time.cv", 6,
     "its shape 1/cv² is infinite"),
    ("2min", "{dist: lognormal, mean: 1min, cv: 1e200}", "call_types.billing.patience.cv", 7,
     "must be <= 1000"),
    ("{dist: weibull, mean: 1min, cv: 1001}", "2min", "call_types.billing.handle_time.cv", 6,
     "must be <= 1000"),
]  # fmt: skip


@pytest.mark.parametrize(("handle", "patience", "path", "line", "phrase"), BAD)
def test_bad_mixtures_and_periods_name_file_line_and_field(handle, patience, path, line, phrase):
    with pytest.raises(ScenarioError) as info:
        scenario(handle, patience)
    err = info.value
    assert (err.file, err.path, err.line) == ("s.yaml", path, line)
    assert phrase in err.message
    assert str(err).startswith(f"s.yaml:{line}: {path}: ")


def test_by_period_is_refused_where_one_distribution_is_read():
    """Only a call type's handle_time and patience take periods: a group's own handle
    time (use a factor, which multiplies the type's per-period draw) and wrap-up not."""
    group = SCENARIO.replace("    agents: 5", "    agents: 5\n    handle_time:\n"
                             '      billing: {by_period: [{from: "08:00", to: "12:00", '
                             "value: 1min}]}")  # fmt: skip
    text = group.replace("HANDLE", "3min").replace("PATIENCE", "2min")
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="s.yaml")
    assert info.value.path == "agent_groups.all.handle_time.billing.by_period"
    assert "read only in a call type's handle_time and patience" in info.value.message
    wrap = scenario().call_types  # sanity: the base reads
    assert wrap[0].wrap_up is None
    text = SCENARIO.replace("HANDLE", "3min").replace(
        "PATIENCE", '2min\n    wrap_up: {by_period: [{from: "08:00", to: "12:00", value: 5s}]}'
    )
    with pytest.raises(ScenarioError, match="wrap_up.by_period"):
        parse_scenario(text, source="s.yaml")


def test_forecast_aht_and_per_period_handle_time_are_not_both_given(tmp_path):
    (tmp_path / "f.csv").write_text(
        "start,volume,aht\n"
        + "".join(f"{8 + h // 2:02d}:{30 * (h % 2):02d},10,200s\n" for h in range(8))
    )
    text = SCENARIO.replace("{rate: 600/h}", "{file: f.csv}").replace("PATIENCE", "2min")
    text = text.replace("HANDLE", '{by_period: [{from: "08:00", to: "12:00", value: 3min}]}')
    with pytest.raises(ScenarioError, match="give handle_time by_period or an aht column"):
        parse_scenario(text, base_dir=tmp_path)


def test_day_distribution_weights_periods_by_their_share_of_the_horizon():
    sc = scenario(patience=PERIODS)
    ct = sc.call_types[0]
    assert [(p.start, p.end) for p in ct.patience_by_period] == [(28800, 36000), (36000, 43200)]
    # halves of the day: 0.5 * 300 s + 0.5 * (0.5 * 0 + 0.5 * 60 s)
    assert ct.patience.mean == pytest.approx(165.0)
    assert [round(w, 12) for w, _ in ct.patience.components] == [0.5, 0.25, 0.25]


def test_each_call_draws_from_the_period_it_is_offered_in():
    """Deterministic periods make the choice visible call by call; the stream is the
    type's own patience stream (a mixture period consumes it as `sample` does)."""
    periods = (
        '\n      by_period:\n        - {from: "08:00", to: "09:10", value: 100s}'
        '\n        - {from: "09:10", to: "12:00", value: 200s}'
    )
    sc = scenario(handle=periods, patience=PERIODS)
    calls = draw_calls(sc, seed=5, replication=0)
    early = calls.arrival < 9 * 3600 + 600
    assert early.any() and (~early).any()
    np.testing.assert_array_equal(calls.handle, np.where(early, 100.0, 200.0))
    # patience: exponential mean 5 min before 10:00, half zeros after
    late = calls.arrival >= 10 * 3600
    assert np.all(calls.patience[~late] > 0)
    zero_share = np.mean(calls.patience[late] == 0)
    m = int(late.sum())
    assert abs(zero_share - 0.5) < 5 * math.sqrt(0.25 / m)


def test_ivr_callers_take_the_period_of_their_offer_not_of_their_ivr_arrival():
    text = (
        SCENARIO.replace("    arrivals: {rate: 600/h}\n", "")
        .replace("HANDLE", "3min")
        .replace(
            "PATIENCE",
            '\n      by_period:\n        - {from: "08:00", to: "10:00", value: 100s}'
            '\n        - {from: "10:00", to: "12:00", value: 200s}',
        )
    )
    text += (
        "ivr:\n  arrivals: {rate: 600/h}\n  entry: menu\n  nodes:\n"
        "    menu: {duration: {dist: exponential, mean: 10min}, branches: {billing: 1}}\n"
    )
    sc = parse_scenario(text, source="s.yaml")
    calls = draw_calls(sc, seed=2, replication=0)
    offer = calls.arrival + calls.ivr_time
    straddle = (calls.arrival < 36000) & (offer >= 36000)
    assert straddle.sum() > 10  # callers who entered the IVR before 10:00, queued after
    np.testing.assert_array_equal(calls.patience, np.where(offer < 36000, 100.0, 200.0))


def test_redials_and_transfers_take_the_period_of_the_first_offer():
    periods = (
        '{by_period: [{from: "08:00", to: "10:00", value: 100s},'
        ' {from: "10:00", to: "12:00", value: 200s}]}'
    )
    text = SCENARIO.replace("HANDLE", periods).replace("PATIENCE", periods)
    text = text.replace(
        "agent_groups:",
        "    retrial: {probability: 0.5, delay: 5min, max_attempts: 3}\n"
        "    transfer: {probability: 0.2, to: other}\n"
        "  other:\n    arrivals: {rate: 60/h}\n    handle_time: "
        + periods
        + "\n    patience: "
        + periods
        + "\n"
        "agent_groups:",
    )
    sc = parse_scenario(text.replace("[billing]", "[billing, other]"), source="s.yaml")
    calls = draw_calls(sc, seed=1, replication=0)
    mine = calls.call_type == 0  # billing's callers redial and transfer
    first = np.where(calls.arrival[mine] < 36000, 100.0, 200.0)
    np.testing.assert_array_equal(calls.retry_patience[mine], np.column_stack([first, first]))
    np.testing.assert_array_equal(calls.transfer_handle[mine], first)
    np.testing.assert_array_equal(calls.transfer_patience[mine], first)


def test_mixture_patience_uses_the_types_patience_stream():
    """A mixture is drawn like any distribution: from stream ("patience", k), in the
    type's arrival order, so the callers' other attributes do not move."""
    plain, mixed = scenario(), scenario(patience=ATOM)
    a, b = draw_calls(plain, 9, 3), draw_calls(mixed, 9, 3)
    np.testing.assert_array_equal(a.arrival, b.arrival)
    np.testing.assert_array_equal(a.handle, b.handle)
    from ccsim.streams import stream

    want = sample(stream(9, 3, "patience", 0), mixed.call_types[0].patience, b.n_calls)
    np.testing.assert_array_equal(b.patience, want)


def test_mixtures_and_periods_survive_the_results_folders_scenario_json(tmp_path):
    from ccsim.batch.results import read_scenario, write_scenario

    nested = "{dist: mixture, components: [{weight: 0.5, dist: empirical, values: [1s, 2s]}," \
        " {weight: 0.5, dist: gamma, mean: 1min, cv: 2}]}"  # fmt: skip
    sc = scenario(handle=nested, patience=PERIODS)
    assert read_scenario(write_scenario(sc, tmp_path / "scenario.json")) == sc


def test_staffing_reads_the_mean_of_each_intervals_period():
    periods = (
        '{by_period: [{from: "08:00", to: "09:15", value: 100s},'
        ' {from: "09:15", to: "12:00", value: 300s}]}'
    )
    loads = group_loads(scenario(handle=periods, patience=PERIODS))["all"]
    # 30-min intervals from 08:00; 09:00-09:30 is half 100 s, half 300 s
    assert loads["aht"][:4] == pytest.approx([100, 100, 200, 300])
    assert loads["patience"] == pytest.approx([300] * 4 + [30] * 4)
