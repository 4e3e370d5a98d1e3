"""Simulated logs with known truth: a ccsim run written as a messy ACD export
(`ccsim.data.synthetic`: split date/time, sentinels, outcome codes, clock skew,
phantom rows, weekends, a priority that changes nothing), read with the shipped
``generic-acd`` format, calibrated, and compared with the scenario that made it.

Tolerances, from the sample sizes:
- staffing: the truth is one number per interval; busy-while-waiting is exact up to
  the seconds' rounding, so ±1 agent at >= 90 % of the intervals where callers waited;
- busyness cv: from 60 daily totals the moment estimate of c² has relative sd
  √(2/59)·Var/(Var − mean) ≈ 0.19, so c's is ≈ 0.09: 20 % is over 2 sd;
- patience: sup |S_written − S_true| <= 0.03 up to the 95th-percentile wait; the
  Kaplan–Meier sd there is ≈ √(S(1−S)/at-risk) < 0.005 with thousands at risk, the
  rest is the written curve's linear interpolation between knots;
- the IVR self-service share per hour (truth 0.3 every hour) within 4 binomial sd.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccsim.batch.runner import run
from ccsim.data.backtest import backtest_days
from ccsim.data.calibration import calibrate
from ccsim.data.calllog import read_call_log
from ccsim.data.logformat import load_log_format
from ccsim.data.synthetic import messy_log
from ccsim.outputs.calibration_text import format_report
from ccsim.scenario import parse_scenario, scenario_from_dict
from ccsim.scenario.distributions import distribution

pytestmark = pytest.mark.slow

AGENTS = [8, 11, 13, 13, 12, 11, 9, 8]
PATIENCE = (
    "{dist: survival, times: [0s, 20s, 60s, 75s, 240s], survival: [1, 0.8, 0.7, 0.58, 0.4], "
    "tail_mean: 300s}"
)
TRUTH = f"""
name: truth
horizon: {{start: "08:00", end: "12:00", interval: 30min}}
busyness: {{dist: gamma, mean: 1, cv: 0.25}}
ivr:
  arrivals: {{volumes: [120, 160, 200, 200, 180, 160, 140, 120]}}
  nodes:
    menu:
      duration: {{dist: lognormal, mean: 30s, cv: 0.5}}
      branches: {{retail: 0.7, self_service: 0.3}}
call_types:
  retail:
    handle_time: {{dist: lognormal, mean: 180s, cv: 0.8}}
    patience: {PATIENCE}
agent_groups:
  agents: {{skills: [retail], agents: {AGENTS}}}
"""


def messy_case(tmp, days: int, seed: int):
    scenario = parse_scenario(TRUTH)
    result = run(scenario, replications=days, seed=seed, keep_observations=True)
    path = tmp / "export.csv"
    injected = messy_log(result.observations, ["retail"], path, seed=seed)
    log = read_call_log(path, fmt=load_log_format("generic-acd"))
    return scenario, injected, log


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    _, injected, log = messy_case(tmp_path_factory.mktemp("truth"), days=60, seed=5)
    return injected, log, calibrate(log)


def test_every_defect_is_counted(month):
    injected, log, _ = month
    assert log.days.size == 60
    assert log.dropped == {
        "sat not in days.weekdays": injected.weekend_rows,
        "outcome PHANTOM (outcome.ignore)": injected.phantom,
    }
    assert log.fixed["IVR exit before IVR entry: IVR time left out"] == injected.ivr_backwards
    skew = "service start differs from the queue exit (two clocks): answered at the exit"
    assert log.fixed[skew] == injected.skewed_service
    assert not log.bad
    assert np.all(log.wait[log.queued] >= 0)
    assert log.n_calls + sum(log.dropped.values()) == injected.rows


def test_staffing_within_one_agent(month):
    _, _, cal = month
    st = cal.report["staffing"]
    busy = np.array(st["days_with_wait"]) >= 30  # callers waited on at least half the days
    got = np.array(st["agents"])
    assert busy.sum() >= 6
    assert np.mean(np.abs(got[busy] - np.array(AGENTS)[busy]) <= 1) >= 0.9, got


def test_busyness_cv_within_20_percent(month):
    _, _, cal = month
    assert abs(cal.report["busyness"]["cv"] - 0.25) <= 0.2 * 0.25
    assert cal.scenario["busyness"]["dist"] == "gamma"


def test_patience_curve_within_003(month):
    _, log, cal = month
    written = cal.scenario["call_types"]["retail"]["patience"]
    assert written["dist"] == "survival"  # the parametric fits stray from this shape
    got = distribution(written, ())
    truth = distribution(parse_yaml(PATIENCE), ())
    t95 = np.quantile(log.wait[log.queued], 0.95)
    t = np.linspace(0, t95, 400)
    assert np.max(np.abs(curve(got, t) - curve(truth, t))) <= 0.03


def test_ivr_share_per_hour(month):
    _, _, cal = month
    mix = cal.report["time_of_day"]
    for n, share in zip(mix["ivr_calls"], mix["self_service_share"], strict=True):
        if n >= 1000:
            assert abs(share - 0.3) < 4 * math.sqrt(0.21 / n)


def test_the_priority_that_changes_nothing_is_merged(month):
    _, log, cal = month
    assert set(log.types) == {"retail.p0", "retail.p1"}
    assert list(cal.scenario["call_types"]) == ["retail"]
    assert cal.report["priorities"]["classes"]["retail"]["kept"] is False


def test_fit_report_says_what_it_did(month):
    _, _, cal = month
    text = format_report(cal)
    for words in ("busy while waiting", "busyness", "chosen survival", "PHANTOM", "by hour"):
        assert words in text
    scenario_from_dict(cal.scenario)


def test_backtest_coverage_on_a_month_of_20_days(tmp_path):
    """The calibrated scenario reproduces the month it came from: each real day is
    one draw, so it lies in the replications' 95 % range with probability ≈ 0.95
    (less where the calibration is off): >= 90 % of the 80 day × KPI pairs. With the
    staffing known, occupancy too: >= 16 of 20 days (a binomial(20, 0.95) falls
    below that with probability 0.016)."""
    _, _, log = messy_case(tmp_path, days=20, seed=23)
    cal = calibrate(log)
    scenario = scenario_from_dict(cal.scenario)
    bt = backtest_days(log, scenario, replications=100, seed=3)
    assert bt["pairs"] == 80
    assert bt["pairs_in_range"] / bt["pairs"] >= 0.9, bt["verdict"]
    # with the agents on the floor known, occupancy is measured and judged too
    bt = backtest_days(log, scenario, replications=100, seed=3, staffing=AGENTS)
    assert bt["kpis"][-1] == "occupancy" and bt["pairs"] == 100
    assert bt["verdict"]["occupancy"]["days_in_range"] >= 16


def parse_yaml(text: str):
    import yaml

    return yaml.safe_load(text)


def curve(d, t: np.ndarray) -> np.ndarray:
    """S(t) of a survival distribution, from its documented definition."""
    m = len(d.values) // 2
    times, surv = np.array(d.values[:m]), np.array(d.values[m:])
    tail = surv[-1] * np.exp(-(t - times[-1]) / d.params[0])
    return np.where(t < times[0], 1.0, np.where(t >= times[-1], tail, np.interp(t, times, surv)))
