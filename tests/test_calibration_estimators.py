"""The calibration estimators on data whose answer is known by hand or by theory."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccsim.batch.runner import run
from ccsim.data.busyness import estimate_busyness
from ccsim.data.calibration import calibrate, fit_durations, kaplan_meier
from ccsim.data.calllog import CallLog
from ccsim.data.floor import floor_staffing
from ccsim.data.mixes import POOL_CALLS, pooled_share
from ccsim.data.patience import survival_spec
from ccsim.kernels.draws import sample
from ccsim.scenario import parse_scenario
from ccsim.scenario.distributions import distribution


def make_log(arrival, queue, answer, abandon, end, ivr=None) -> CallLog:
    n = len(arrival)
    nan = np.full(n, np.nan)
    f = lambda x: nan.copy() if x is None else np.asarray(x, dtype=float)  # noqa: E731
    return CallLog(
        source="by hand",
        arrival=f(arrival),
        ivr_start=f(ivr),
        ivr_end=f(ivr),
        queue=f(queue),
        answer=f(answer),
        abandon=f(abandon),
        end=f(end),
        call_type=np.zeros(n, dtype=np.int64),
        types=["calls"],
        agent=np.full(n, -1),
        agents=[],
        has={"arrival", "queue", "answer", "abandon", "end"},
    )


def test_busy_while_waiting_by_hand():
    """Two agents busy 08:00–08:10; a caller waits 08:02–08:10 (answered when one frees):
    while he waits, 2 agents are busy — the floor is 2, though only 1 is busy later."""
    t0 = 8 * 3600
    log = make_log(
        arrival=[t0, t0, t0 + 120, t0 + 900],
        queue=[t0, t0, t0 + 120, t0 + 900],
        answer=[t0, t0, t0 + 600, t0 + 900],
        abandon=[np.nan] * 4,
        end=[t0 + 600, t0 + 600, t0 + 700, t0 + 1000],
    )
    est = floor_staffing(log, np.array([t0]), 1800.0)
    assert est.while_waiting.tolist() == [2.0] and est.agents.tolist() == [2]
    assert est.peak_busy.tolist() == [2]


def test_busyness_moments():
    rng = np.random.default_rng(3)
    b = rng.gamma(1 / 0.2**2, 0.2**2, size=4000)  # mean 1, cv 0.2
    totals = rng.poisson(500 * b)
    est = estimate_busyness(totals)
    # c² has sd ≈ √(2/n)·Var/mean² ≈ 0.001 here: c within ±0.01
    assert abs(est.cv - 0.2) < 0.01
    assert estimate_busyness(rng.poisson(500, size=4000)).cv < 0.02  # Poisson alone
    assert estimate_busyness([500, 510]) is None


def test_pooling_shrinks_thin_hours_only():
    share = pooled_share(np.array([1, 600]), np.array([2, 1000]), 0.3)
    assert share[0] == pytest.approx((1 + POOL_CALLS * 0.3) / (2 + POOL_CALLS))
    assert abs(share[1] - 0.6) < 0.01


def test_tail_rule_is_memoryless_for_exponential_patience():
    """Exponential patience (mean 200 s) censored by exponential waits: the tail's hazard
    estimate is the exponential MLE past the 75th percentile: mean 200 ± 4 sd."""
    rng = np.random.default_rng(8)
    patience, wait = rng.exponential(200, 20000), rng.exponential(150, 20000)
    w, ab = np.minimum(patience, wait), patience < wait
    spec = survival_spec(w, ab, *kaplan_meier(w, ab))
    start = np.quantile(w[ab], 0.75)
    events = np.sum(ab & (w > start))
    tail = float(spec["tail_mean"].rstrip("s"))
    assert abs(tail - 200) < 4 * 200 / math.sqrt(events)
    d = distribution(spec, ())
    t = np.linspace(0, np.quantile(w, 0.95), 200)
    m = len(d.values) // 2
    got = np.interp(t, d.values[:m], d.values[m:])
    assert np.max(np.abs(got - np.exp(-t / 200))) < 0.02


def test_a_constant_duration_is_deterministic_not_a_crash():
    fits = fit_durations(np.full(50, 10.0))
    assert [f.dist for f in fits] == ["deterministic"]
    assert fits[0].scenario() == {"dist": "deterministic", "value": "10s"}


def test_staffing_file_overrides_and_is_checked():
    t0 = 8 * 3600
    log = make_log(
        [t0, t0 + 60, t0 + 120],
        [t0, t0 + 60, t0 + 120],
        [t0, np.nan, t0 + 130],
        [np.nan, t0 + 90, np.nan],
        [t0 + 300, np.nan, t0 + 200],
    )
    cal = calibrate(log, staffing_line=[7])
    assert cal.scenario["agent_groups"]["agents"]["agents"] == [7]
    with pytest.raises(ValueError, match="staffing file has 2 interval"):
        calibrate(log, staffing_line=[7, 8])


def test_engines_agree_on_survival_patience():
    text = (
        "name: s\nhorizon: {start: '08:00', end: '10:00', interval: 30min}\n"
        "call_types:\n  c:\n    arrivals: {rate: 300/h}\n"
        "    handle_time: {dist: exponential, mean: 100s}\n"
        "    patience: {dist: survival, times: [0s, 30s, 90s], survival: [1, 0.6, 0.5]}\n"
        "agent_groups:\n  a: {skills: [c], agents: 7}\n"
    )
    sc = parse_scenario(text)
    slow, fast = (run(sc, replications=2, seed=4, engine=e).kpis for e in ("simpy", "fast"))
    for a, b in zip(slow, fast, strict=True):  # bit for bit (nan where undefined on both)
        for key, value in a["summary"].items():
            assert value == b["summary"][key] or (
                math.isnan(value) and math.isnan(b["summary"][key])
            )
    assert sample(np.random.default_rng(1), sc.call_types[0].patience, 5).min() >= 0


def test_priorities_that_change_service_stay_call_types():
    """Priority 2 callers wait ~5 s, priority 0 ~60 s: kept apart, p2 served first;
    a base type whose classes wait alike is merged."""
    from dataclasses import replace

    from ccsim.data.priorities import split_by_priority

    rng = np.random.default_rng(2)
    n = 400
    kind = np.repeat([0, 1, 2, 3], n // 4)  # x.p0, x.p2, y.p0, y.p1
    wait = np.where(kind == 1, rng.exponential(5, n), rng.exponential(60, n))
    t = np.arange(n) * 60.0
    log = make_log(t, t, t + wait, [np.nan] * n, t + wait + 100)
    log = replace(log, call_type=kind, types=["x.p0", "x.p2", "y.p0", "y.p1"])
    notes: list[str] = []
    out, report = split_by_priority(log, notes)
    assert out.types == ["x.p0", "x.p2", "y"]
    assert report["priority"] == {"x.p2": 1, "x.p0": 2}
    assert report["classes"]["y"]["kept"] is False
    cal = calibrate(log)
    assert cal.scenario["call_types"]["x.p2"]["priority"] == 1
    assert "priority" not in cal.scenario["call_types"]["y"]
