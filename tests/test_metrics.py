"""KPIs from hand-made observations, checked against values worked out by hand."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from scipy import stats

from ccsim.metrics import (
    AGENT_KPIS,
    CALL_KPIS,
    COST_KPIS,
    GROUP_INTERVAL_KPIS,
    GROUP_KPIS,
    HOURS_KPIS,
    IVR_KPIS,
    OUTBOUND_KPIS,
    STAFF_KPIS,
    per_replication_table,
    replication_kpis,
    summarize,
    t_interval,
)
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    IVR_HANG_UP,
    SELF_SERVED,
    Observations,
)
from ccsim.scenario.model import (
    AgentGroup,
    CallType,
    Costs,
    Distribution,
    Horizon,
    Ivr,
    IvrNode,
    Scenario,
    ServiceLevel,
)

H9 = 9 * 3600.0  # 09:00


def hms(h: int, m: int, s: float = 0.0) -> float:
    return h * 3600.0 + m * 60.0 + s


def scenario(
    *,
    end: float = hms(10, 0),
    interval: float = 1800.0,
    warmup: float = 0.0,
    definition: str = "offered",
    types: tuple[str, ...] = ("billing", "tech"),
    groups: tuple[str, ...] = ("generalists",),
    costs: Costs | None = None,
    agent_hour: dict[str, float] | None = None,
    ivr: bool = False,
) -> Scenario:
    h = Horizon(start=H9, end=end, interval=interval, warmup=warmup)
    exp = Distribution("exponential", (180.0,))
    menu = IvrNode(
        "menu",
        Distribution("deterministic", (60.0,)),
        ((types[0], 0.5), ("self_service", 0.3), ("hang_up", 0.2)),
    )
    return Scenario(
        name="test",
        horizon=h,
        call_types=tuple(CallType(t, (0.01,) * h.n_intervals, exp) for t in types),
        agent_groups=tuple(
            AgentGroup(g, types, 2, agent_hour=(agent_hour or {}).get(g)) for g in groups
        ),
        service_level=ServiceLevel(threshold=20.0, target=0.8, definition=definition),
        costs=costs or Costs(),
        ivr=Ivr((0.01,) * h.n_intervals, "menu", (menu,)) if ivr else None,
    )


#: Per-call fields of the tuples `observations` takes, in order.
CALL_FIELDS = (
    "call_type",
    "arrival",
    "offered",
    "outcome",
    "wait",
    "talk",
    "wrap",
    "group",
    "ivr_time",
    "via_ivr",
)


def observations(
    calls: list[tuple],
    sc: Scenario,
    staffed: np.ndarray | None = None,
    scheduled: np.ndarray | None = None,
    *,
    on_break: np.ndarray | None = None,
    unpaid_break: np.ndarray | None = None,
    absent: np.ndarray | None = None,
    overtime: np.ndarray | None = None,
) -> Observations:
    """A complete record from a few calls and agent-time arrays.

    ``calls``: (type, arrival, offered or None, outcome, wait or None, talk, wrap,
    group[, ivr_time, via_ivr]); without the last two, a call came straight to its
    queue. Agent time per (group, interval): ``staffed`` defaults to 2 agents all
    day, ``scheduled`` to ``staffed``, the others to zero.
    """
    n_g, n_i = len(sc.agent_groups), sc.horizon.n_intervals
    obs = Observations.empty(len(calls), n_g, n_i)
    rows = [tuple(c) + (0.0, False)[len(c) - 8 :] for c in calls]
    for i, name in enumerate(CALL_FIELDS):
        dtype = getattr(obs, name).dtype
        setattr(obs, name, np.array([np.nan if r[i] is None else r[i] for r in rows], dtype))
    if staffed is None:
        staffed = np.full((n_g, n_i), 2 * sc.horizon.interval)
    agent_time = {
        "staffed": staffed,
        "scheduled": staffed if scheduled is None else scheduled,
        "on_break": on_break,
        "unpaid_break": unpaid_break,
        "absent": absent,
        "overtime": overtime,
    }
    for name, values in agent_time.items():
        if values is not None:
            setattr(obs, name, np.asarray(values, dtype=float))
    obs.check_conservation()
    return obs


def answered(t: float, wait: float, talk: float = 100.0, wrap: float = 0.0, ct=0, g=0):
    return (ct, t, t, ANSWERED, wait, talk, wrap, g)


def abandoned(t: float, wait: float, ct=0):
    return (ct, t, t, ABANDONED, wait, 0.0, 0.0, -1)


def blocked(t: float, ct=0):
    return (ct, t, None, BLOCKED, None, 0.0, 0.0, -1)


def through_ivr(call: tuple, ivr_time: float) -> tuple:
    """A queued call that spent ``ivr_time`` in the IVR first: it arrived that much
    before it was offered."""
    ct, _, offered, *rest = call
    return (ct, offered - ivr_time, offered, *rest, ivr_time, True)


def in_ivr(t: float, ivr_time: float, outcome: int):
    """A call that ended in the IVR (self-served or hung up): never typed, never queued."""
    return (-1, t, None, outcome, None, 0.0, 0.0, -1, ivr_time, True)


def blocked_ivr(t: float):
    """An IVR caller refused at the trunk check, before the IVR."""
    return (-1, t, None, BLOCKED, None, 0.0, 0.0, -1, 0.0, True)


# Answered within T (10 s, and 20 s exactly), answered late (30 s), a short abandon
# (5 s) and a long one (60 s), plus a blocked arrival: all four SL definitions differ.
SL_CALLS = [
    answered(hms(9, 1), 10.0, talk=100.0, wrap=20.0),
    answered(hms(9, 2), 30.0, talk=200.0, wrap=10.0),
    answered(hms(9, 3), 20.0, talk=300.0, wrap=30.0),
    abandoned(hms(9, 4), 5.0),
    abandoned(hms(9, 5), 60.0),
    blocked(hms(9, 6)),
]


# ----------------------------------------------------------------------------- calls


@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ("offered", 2 / 5),
        ("answered", 2 / 3),
        ("exclude_short_abandons", 2 / 4),
        ("short_abandons_as_met", 3 / 5),
    ],
)
def test_service_level_definitions(definition: str, expected: float) -> None:
    sc = scenario(definition=definition)
    s = replication_kpis(observations(SL_CALLS, sc), sc)["summary"]
    assert s["service_level"] == pytest.approx(expected)
    assert s["sl_offered"] == pytest.approx(0.4)
    assert s["sl_answered"] == pytest.approx(2 / 3)
    assert s["sl_exclude_short_abandons"] == pytest.approx(0.5)
    assert s["sl_short_abandons_as_met"] == pytest.approx(0.6)


def test_unknown_definition_is_an_error() -> None:
    sc = scenario(definition="nonsense")
    with pytest.raises(ValueError, match="nonsense"):
        replication_kpis(observations(SL_CALLS, sc), sc)


def test_call_counts_and_times() -> None:
    sc = scenario()
    s = replication_kpis(observations(SL_CALLS, sc), sc)["summary"]
    assert (s["offered"], s["answered"], s["abandoned"], s["blocked"]) == (5, 3, 2, 1)
    assert s["asa_s"] == pytest.approx(20.0)
    assert s["abandon_time_s"] == pytest.approx(32.5)
    assert s["abandon_rate"] == pytest.approx(0.4)
    assert s["aht_s"] == pytest.approx((120 + 210 + 330) / 3)
    # Waits of answered calls 10, 20, 30: numpy's linear percentiles.
    assert s["wait_p50_s"] == pytest.approx(20.0)
    assert s["wait_p90_s"] == pytest.approx(28.0)
    assert s["wait_p95_s"] == pytest.approx(29.0)


def test_percentiles_match_numpy_per_group() -> None:
    rng = np.random.default_rng(1)
    sc = scenario(interval=900.0)
    t = np.sort(rng.uniform(H9, hms(10, 0), 300))
    calls = [
        answered(x, float(w), ct=int(c))
        for x, w, c in zip(t, rng.exponential(30, 300), rng.integers(0, 2, 300), strict=True)
    ]
    obs = observations(calls, sc)
    k = replication_kpis(obs, sc)
    idx = np.floor((obs.offered - H9) / 900).astype(int)
    for i, entry in enumerate(k["by_interval"]):
        w = obs.wait[idx == i]
        for q in (50, 90, 95):
            assert entry[f"wait_p{q}_s"] == pytest.approx(np.percentile(w, q))
    for c, name in enumerate(("billing", "tech")):
        w = obs.wait[obs.call_type == c]
        assert k["by_call_type"][name]["wait_p90_s"] == pytest.approx(np.percentile(w, 90))


def test_interval_attribution_by_offered_time() -> None:
    sc = scenario()
    calls = [
        # Arrives 09:29:50, offered 09:29:59: the 09:00-09:30 interval.
        (0, hms(9, 29, 50), hms(9, 29, 59), ANSWERED, 5.0, 60.0, 0.0, 0),
        # Arrives 09:29:55, offered 09:30:02 (after the IVR): the 09:30 interval.
        (1, hms(9, 29, 55), hms(9, 30, 2), ABANDONED, 40.0, 0.0, 0.0, -1),
        # Blocked: interval of its arrival.
        blocked(hms(9, 45)),
        # Offered after the end (late IVR exit): clamped to the last interval.
        (0, hms(9, 59, 59), hms(10, 0, 10), ANSWERED, 0.0, 30.0, 0.0, 0),
    ]
    k = replication_kpis(observations(calls, sc), sc)
    first, second = k["by_interval"]
    assert first["start"] == "09:00" and second["start"] == "09:30"
    assert (first["offered"], first["answered"], first["abandoned"], first["blocked"]) == (
        1,
        1,
        0,
        0,
    )
    assert (second["offered"], second["answered"], second["abandoned"], second["blocked"]) == (
        2,
        1,
        1,
        1,
    )
    assert first["service_level"] == 1.0
    assert second["service_level"] == 0.5


def test_empty_interval_gives_nan_ratios_and_zero_counts() -> None:
    sc = scenario()
    calls = [answered(hms(9, 5), 10.0)]
    staffed = np.array([[3600.0, 0.0]])
    k = replication_kpis(observations(calls, sc, staffed=staffed), sc)
    empty = k["by_interval"][1]
    assert empty["offered"] == 0 and empty["answered"] == 0 and empty["max_queue"] == 0
    for name in (
        "service_level",
        "sl_offered",
        "sl_answered",
        "sl_exclude_short_abandons",
        "sl_short_abandons_as_met",
        "asa_s",
        "abandon_time_s",
        "abandon_rate",
        "aht_s",
        "wait_p50_s",
        "wait_p95_s",
        "occupancy",
        "utilization",
    ):
        assert math.isnan(empty[name]), name
    # The call type without calls, too.
    assert math.isnan(k["by_call_type"]["tech"]["asa_s"])
    assert k["by_call_type"]["tech"]["offered"] == 0
    # Nothing abandoned: abandon time is NaN, abandon rate a true 0.
    assert math.isnan(k["summary"]["abandon_time_s"])
    assert k["summary"]["abandon_rate"] == 0.0


def test_no_calls_at_all() -> None:
    sc = scenario()
    k = replication_kpis(observations([], sc), sc)
    assert k["summary"]["offered"] == 0
    assert math.isnan(k["summary"]["service_level"])
    assert math.isnan(k["summary"]["cost_per_call"])
    assert k["summary"]["max_queue"] == 0
    assert k["summary"]["occupancy"] == 0.0


# ----------------------------------------------------------------------------- max queue


def test_max_queue_overall_per_interval_per_type() -> None:
    sc = scenario()
    calls = [
        abandoned(hms(9, 10), 600.0, ct=0),  # waits 09:10-09:20
        abandoned(hms(9, 15), 1200.0, ct=1),  # 09:15-09:35
        answered(hms(9, 18), 120.0, ct=0),  # 09:18-09:20
        answered(hms(9, 19, 30), 20.0, ct=0),  # 09:19:30-09:19:50 -> 4 waiting at once
        answered(hms(9, 25), 1200.0, ct=1),  # 09:25-09:45, waiting at 09:30
        answered(hms(9, 35), 0.0, ct=0),  # no wait: never in the queue
        answered(hms(9, 50), 0.0, ct=1),
    ]
    k = replication_kpis(observations(calls, sc), sc)
    assert k["summary"]["max_queue"] == 4
    # 09:30-10:00: two callers already waiting at 09:30, nobody joins who waits.
    assert [e["max_queue"] for e in k["by_interval"]] == [4, 2]
    assert k["by_call_type"]["billing"]["max_queue"] == 3
    assert k["by_call_type"]["tech"]["max_queue"] == 2


def test_max_queue_leaving_and_joining_at_the_same_instant() -> None:
    sc = scenario()
    calls = [
        abandoned(hms(9, 0), 60.0),  # leaves at 09:01:00 ...
        abandoned(hms(9, 1), 60.0),  # ... as this one joins: never two at once
        answered(hms(9, 1), 0.0),
    ]
    k = replication_kpis(observations(calls, sc), sc)
    assert k["summary"]["max_queue"] == 1


# ----------------------------------------------------------------------------- agents


def test_busy_split_across_intervals_and_clipped_at_end() -> None:
    sc = scenario()
    calls = [
        # Busy 09:26:00-09:31:00: 240 s in the first interval, 60 s in the second.
        answered(hms(9, 25), 60.0, talk=240.0, wrap=60.0),
        # Busy 09:58:00-10:03:00: 120 s counted, 180 s in the drain dropped.
        answered(hms(9, 57), 60.0, talk=200.0, wrap=100.0),
    ]
    staffed = np.array([[3600.0, 3600.0]])  # 2 agents available
    scheduled = np.array([[5400.0, 5400.0]])  # 3 agents paid
    k = replication_kpis(observations(calls, sc, staffed=staffed, scheduled=scheduled), sc)
    first, second = k["by_interval"]
    assert first["busy_hours"] * 3600 == pytest.approx(240.0)
    assert second["busy_hours"] * 3600 == pytest.approx(180.0)
    assert first["occupancy"] == pytest.approx(240 / 3600)
    assert first["utilization"] == pytest.approx(240 / 5400)
    assert second["occupancy"] == pytest.approx(180 / 3600)
    assert second["utilization"] == pytest.approx(180 / 5400)
    s = k["summary"]
    assert s["busy_hours"] == pytest.approx(420 / 3600)
    assert s["staffed_hours"] == pytest.approx(2.0)
    assert s["scheduled_hours"] == pytest.approx(3.0)
    assert s["occupancy"] == pytest.approx(420 / 7200)
    assert s["utilization"] == pytest.approx(420 / 10800)
    g = k["by_agent_group"]["generalists"]
    assert g["occupancy"] == pytest.approx(420 / 7200)
    assert g["answered"] == 2
    assert g["aht_s"] == pytest.approx(300.0)


def test_busy_spanning_many_intervals_by_group() -> None:
    sc = scenario(interval=900.0, groups=("generalists", "specialists"))
    calls = [
        # Group 1 busy 09:10-09:50: 300 + 900 + 900 + 300 s over four 15-min intervals.
        answered(hms(9, 10), 0.0, talk=2000.0, wrap=400.0, g=1),
        # Group 0 busy exactly 09:15-09:30: one whole interval.
        answered(hms(9, 14), 60.0, talk=900.0, g=0),
    ]
    staffed = np.full((2, 4), 900.0)
    k = replication_kpis(observations(calls, sc, staffed=staffed), sc)
    busy = [e["busy_hours"] * 3600 for e in k["by_interval"]]
    assert busy == pytest.approx([300.0, 1800.0, 900.0, 300.0])
    assert [e["occupancy"] for e in k["by_interval"]] == pytest.approx(
        [300 / 1800, 1.0, 0.5, 300 / 1800]
    )
    assert k["by_agent_group"]["specialists"]["busy_hours"] * 3600 == pytest.approx(2400.0)
    assert k["by_agent_group"]["generalists"]["busy_hours"] * 3600 == pytest.approx(900.0)
    assert k["by_agent_group"]["generalists"]["occupancy"] == pytest.approx(0.25)
    assert k["by_agent_group"]["specialists"]["aht_s"] == pytest.approx(2400.0)


def test_busy_split_matches_brute_force() -> None:
    rng = np.random.default_rng(7)
    sc = scenario(interval=900.0, groups=("a", "b", "c"))
    n = 400
    t = rng.uniform(H9, hms(10, 0), n)
    w, talk, wrap = rng.exponential(60, n), rng.exponential(600, n), rng.exponential(60, n)
    g = rng.integers(0, 3, n)
    calls = [answered(*row) for row in zip(t, w, talk, wrap, np.zeros(n, int), g, strict=True)]
    k = replication_kpis(observations(calls, sc, staffed=np.full((3, 4), 1.0)), sc)
    b0, b1 = t + w, t + w + talk + wrap
    for i, entry in enumerate(k["by_interval"]):
        lo, hi = H9 + 900 * i, H9 + 900 * (i + 1)
        expected = np.clip(np.minimum(b1, hi) - np.maximum(b0, lo), 0, None).sum()
        assert entry["busy_hours"] * 3600 == pytest.approx(expected)
    for gi, name in enumerate("abc"):
        sel = g == gi
        expected = (np.minimum(b1[sel], hms(10, 0)) - b0[sel]).clip(0).sum()
        assert k["by_agent_group"][name]["busy_hours"] * 3600 == pytest.approx(expected)


# ----------------------------------------------------------------------------- warm-up, cost


def test_warmup_excludes_early_calls_and_agent_time() -> None:
    sc = scenario(warmup=1800.0)  # counting from 09:30
    calls = [
        answered(hms(9, 10), 5.0),  # before the warm-up ends: left out of the day
        blocked(hms(9, 20)),
        # Offered 09:28 (left out as a call) but busy 09:28-09:32: 120 s counted.
        answered(hms(9, 28), 0.0, talk=240.0),
        # Waits 09:25-09:35: still in the queue after 09:30.
        abandoned(hms(9, 25), 600.0),
        answered(hms(9, 40), 30.0, talk=60.0, ct=1),
    ]
    staffed = np.array([[3600.0, 1800.0]])
    k = replication_kpis(observations(calls, sc, staffed=staffed), sc)
    s = k["summary"]
    assert (s["offered"], s["answered"], s["blocked"]) == (1, 1, 0)
    assert s["service_level"] == 0.0
    assert s["max_queue"] == 1
    assert s["staffed_hours"] == pytest.approx(0.5)
    assert s["busy_hours"] * 3600 == pytest.approx(120.0 + 60.0)
    assert s["occupancy"] == pytest.approx(180 / 1800)
    # by_interval lists every interval, warm-up included.
    first, second = k["by_interval"]
    assert (first["offered"], first["blocked"], second["offered"]) == (3, 1, 1)
    assert first["busy_hours"] * 3600 == pytest.approx(100.0 + 120.0)
    assert k["by_call_type"]["billing"]["offered"] == 0
    assert k["by_call_type"]["tech"]["answered"] == 1
    assert k["by_agent_group"]["generalists"]["answered"] == 1
    assert k["by_agent_group"]["generalists"]["staffed_hours"] == pytest.approx(0.5)


def test_warmup_inside_an_interval_counts_part_of_its_staffing() -> None:
    sc = scenario(warmup=900.0)  # counting from 09:15
    staffed = np.array([[3600.0, 3600.0]])
    k = replication_kpis(observations([], sc, staffed=staffed), sc)
    assert k["summary"]["staffed_hours"] == pytest.approx(1.5)


def test_cost() -> None:
    sc = scenario(costs=Costs(agent_hour=20.0, telecom_minute=0.5))
    calls = [
        answered(hms(9, 5), 30.0, talk=90.0, wrap=60.0),  # 2 min on the line
        abandoned(hms(9, 6), 60.0),  # 1 min
        blocked(hms(9, 7)),
    ]
    scheduled = np.array([[5400.0, 5400.0]])  # 3 paid hours
    s = replication_kpis(observations(calls, sc, scheduled=scheduled), sc)["summary"]
    assert s["agent_cost"] == pytest.approx(60.0)
    assert s["telecom_cost"] == pytest.approx(1.5)
    assert s["cost"] == pytest.approx(61.5)
    assert s["cost_per_call"] == pytest.approx(61.5)


def test_intervals_add_up_to_the_day() -> None:
    rng = np.random.default_rng(3)
    sc = scenario(interval=900.0)
    calls = []
    for t in np.sort(rng.uniform(H9, hms(10, 0), 200)):
        u = rng.random()
        if u < 0.1:
            calls.append(blocked(t))
        elif u < 0.3:
            calls.append(abandoned(t, rng.exponential(40)))
        else:
            calls.append(answered(t, rng.exponential(20), talk=rng.exponential(200)))
    k = replication_kpis(observations(calls, sc), sc)
    for name in ("offered", "answered", "abandoned", "blocked", "busy_hours", "staffed_hours"):
        assert sum(e[name] for e in k["by_interval"]) == pytest.approx(k["summary"][name])
    assert max(e["max_queue"] for e in k["by_interval"]) == k["summary"]["max_queue"]


def test_kpi_names() -> None:
    sc = scenario()
    k = replication_kpis(observations(SL_CALLS, sc), sc)
    assert set(k) == {
        "summary",
        "by_interval",
        "by_call_type",
        "by_agent_group",
        "by_agent_group_interval",
        "by_call_type_interval",
    }
    assert set(k["summary"]) == set(
        CALL_KPIS + IVR_KPIS + OUTBOUND_KPIS + STAFF_KPIS + HOURS_KPIS + COST_KPIS
    )
    for entry in k["by_interval"]:
        # "events": the labels of the scenario's events in that interval (none here).
        assert set(entry) == {"start", "events"} | set(
            CALL_KPIS + IVR_KPIS + OUTBOUND_KPIS + STAFF_KPIS + AGENT_KPIS
        )
        assert entry["events"] == []
    assert set(k["by_call_type"]["billing"]) == set(CALL_KPIS)
    assert set(k["by_agent_group"]["generalists"]) == set(STAFF_KPIS + HOURS_KPIS + GROUP_KPIS)
    assert k["by_agent_group"]["generalists"]["answered_by_type"] == {"billing": 3, "tech": 0}
    for rows in k["by_call_type_interval"].values():  # each queue: every interval
        assert [r["start"] for r in rows] == ["09:00", "09:30"]
        assert all(set(r) == {"start"} | set(CALL_KPIS) for r in rows)
    rows = k["by_agent_group_interval"]["generalists"]
    assert [r["start"] for r in rows] == ["09:00", "09:30"]
    for r in rows:
        assert set(r) == {"start"} | set(GROUP_INTERVAL_KPIS)
    # No IVR: its KPIs are still there, zero counts and NaN ratios.
    s = k["summary"]
    assert (s["ivr_arrivals"], s["self_served"], s["ivr_hang_ups"]) == (0, 0, 0)
    assert math.isnan(s["containment_rate"]) and math.isnan(s["ivr_time_s"])


# ----------------------------------------------------------------------------- replications


def test_t_interval_matches_hand_computation() -> None:
    v = np.array([1.0, 2.0, 4.0, 7.0])
    mean, ci = t_interval(v)
    half = stats.t.ppf(0.975, 3) * np.std(v, ddof=1) / math.sqrt(4)
    assert mean == pytest.approx(3.5)
    assert ci == pytest.approx((3.5 - half, 3.5 + half))
    assert t_interval(np.array([np.nan, 5.0])) == (5.0, None)
    assert t_interval(np.array([np.nan, np.nan])) == (None, None)
    assert t_interval(np.array([])) == (None, None)


def _reps() -> tuple[Scenario, list[dict]]:
    sc = scenario()
    rep1 = replication_kpis(observations(SL_CALLS, sc), sc)  # 2nd interval empty
    rep2 = replication_kpis(observations(SL_CALLS[:3] + [answered(hms(9, 40), 0.0)], sc), sc)
    rep3 = replication_kpis(observations(SL_CALLS[:2], sc), sc)
    return sc, [rep1, rep2, rep3]


def test_summarize_means_cis_and_nans() -> None:
    _, reps = _reps()
    out = summarize(reps)
    # offered per replication: 5, 4, 2.
    v = np.array([5.0, 4.0, 2.0])
    half = stats.t.ppf(0.975, 2) * v.std(ddof=1) / math.sqrt(3)
    assert out["summary"]["offered"]["mean"] == pytest.approx(11 / 3)
    # The t interval reaches below 0; counts cannot, so it is clipped there.
    assert 11 / 3 - half < 0
    assert out["summary"]["offered"]["ci95"] == pytest.approx([0.0, 11 / 3 + half])
    # The 09:30 interval has calls in one replication only: NaN SLs left out.
    late = out["by_interval"][1]
    assert late["start"] == "09:30"
    assert late["service_level"] == {"mean": 1.0, "ci95": None}
    assert late["offered"]["mean"] == pytest.approx(1 / 3)
    # No replication has a tech call: no mean at all.
    assert out["by_call_type"]["tech"]["asa_s"] == {"mean": None, "ci95": None}
    assert out["by_agent_group"]["generalists"]["answered"]["mean"] == pytest.approx(3.0)


def test_one_replication_has_no_interval() -> None:
    _, reps = _reps()
    out = summarize(reps[:1])
    assert out["summary"]["offered"] == {"mean": 5.0, "ci95": None}
    assert out["summary"]["sl_answered"]["mean"] == pytest.approx(2 / 3)


def _plain(x: object) -> None:
    """Only dicts, lists, str, plain float/int and None — no numpy types."""
    if isinstance(x, dict):
        for k, v in x.items():
            assert type(k) is str
            _plain(v)
    elif isinstance(x, list):
        for v in x:
            _plain(v)
    else:
        assert x is None or type(x) in (str, float, int), (x, type(x))


def test_outputs_are_json_serialisable() -> None:
    _, reps = _reps()
    for rep in reps:
        _plain(rep)
        json.dumps(rep)
    out = summarize(reps)
    _plain(out)
    json.dumps(out, allow_nan=False)  # summaries never hold NaN
    json.dumps(per_replication_table(reps))


def test_per_replication_table() -> None:
    sc, reps = _reps()
    rows = per_replication_table(reps)
    n_kpis = (
        len(CALL_KPIS + IVR_KPIS + OUTBOUND_KPIS + STAFF_KPIS + HOURS_KPIS + COST_KPIS)
        + 2 * len(CALL_KPIS + IVR_KPIS + OUTBOUND_KPIS + STAFF_KPIS + AGENT_KPIS)
        + 2 * len(CALL_KPIS)
        + len(STAFF_KPIS + HOURS_KPIS + GROUP_KPIS)
        - 1  # answered_by_type is a dict: one row per call type instead
        + 2
    )
    assert len(rows) == 3 * n_kpis
    assert set(rows[0]) == {"replication", "scope", "key", "kpi", "value"}
    assert {r["scope"] for r in rows} == {"day", "interval", "call_type", "agent_group"}
    pick = {(r["replication"], r["scope"], r["key"], r["kpi"]): r["value"] for r in rows}
    assert pick[(0, "day", "", "offered")] == 5
    assert pick[(1, "interval", "09:30", "answered")] == 1
    assert pick[(2, "call_type", "billing", "asa_s")] == pytest.approx(20.0)
    assert pick[(0, "agent_group", "generalists", "answered")] == 3
    assert per_replication_table(reps, sc) == rows


# ----------------------------------------------------------------------------- the IVR


def test_ivr_kpis_and_containment() -> None:
    sc = scenario(ivr=True)
    calls = [
        in_ivr(hms(9, 5), 60.0, SELF_SERVED),
        in_ivr(hms(9, 10), 90.0, SELF_SERVED),
        in_ivr(hms(9, 12), 30.0, IVR_HANG_UP),
        blocked_ivr(hms(9, 15)),  # refused before the IVR: not an IVR arrival
        through_ivr(answered(hms(9, 20, 40), 10.0, ct=0), 40.0),  # arrived 09:20
        through_ivr(abandoned(hms(9, 40, 50), 70.0, ct=1), 50.0),  # arrived 09:40
        answered(hms(9, 45), 5.0, ct=0),  # straight to the queue
        in_ivr(hms(9, 50), 120.0, SELF_SERVED),
        blocked(hms(9, 55), ct=0),  # a direct billing caller, blocked
    ]
    k = replication_kpis(observations(calls, sc), sc)
    s = k["summary"]
    assert (s["ivr_arrivals"], s["self_served"], s["ivr_hang_ups"]) == (6, 3, 1)
    assert s["containment_rate"] == pytest.approx(3 / 6)
    assert s["ivr_time_s"] == pytest.approx((60 + 90 + 30 + 40 + 50 + 120) / 6)
    # Calls that ended in the IVR are not offered; both blocked calls count as blocked.
    assert (s["offered"], s["answered"], s["abandoned"], s["blocked"]) == (3, 2, 1, 2)
    first, second = k["by_interval"]
    assert (first["ivr_arrivals"], first["self_served"], first["ivr_hang_ups"]) == (4, 2, 1)
    assert first["containment_rate"] == pytest.approx(0.5)
    assert first["ivr_time_s"] == pytest.approx((60 + 90 + 30 + 40) / 4)
    assert (second["ivr_arrivals"], second["self_served"], second["ivr_hang_ups"]) == (2, 1, 0)
    assert second["containment_rate"] == pytest.approx(0.5)
    assert second["ivr_time_s"] == pytest.approx((50 + 120) / 2)
    assert (first["offered"], first["blocked"], second["offered"], second["blocked"]) == (
        1,
        1,
        2,
        1,
    )
    # Per call type only typed calls: the IVR's blocked caller (type -1) is in no type.
    billing, tech = k["by_call_type"]["billing"], k["by_call_type"]["tech"]
    assert (billing["offered"], billing["answered"], billing["blocked"]) == (2, 2, 1)
    assert (tech["offered"], tech["abandoned"], tech["blocked"]) == (1, 1, 0)
    assert billing["max_queue"] == 1 and tech["max_queue"] == 1


def test_ivr_call_offered_in_the_next_interval() -> None:
    calls = [
        # Enters the IVR 09:29:00, 120 s there, offered 09:31:00: an IVR arrival of
        # 09:00 but an offered (and answered) call of 09:30.
        through_ivr(answered(hms(9, 31), 15.0, talk=100.0), 120.0),
        # Self-served 09:29:30-09:31:30: attributed to its arrival, 09:00.
        in_ivr(hms(9, 29, 30), 120.0, SELF_SERVED),
    ]
    sc = scenario(ivr=True, costs=Costs(telecom_minute=0.6))
    k = replication_kpis(observations(calls, sc), sc)
    first, second = k["by_interval"]
    assert (first["ivr_arrivals"], first["self_served"]) == (2, 1)
    assert (first["offered"], first["answered"]) == (0, 0)
    assert (second["ivr_arrivals"], second["offered"], second["answered"]) == (0, 1, 1)
    assert math.isnan(second["containment_rate"]) and math.isnan(second["ivr_time_s"])
    assert k["summary"]["telecom_cost"] == pytest.approx((235.0 + 120.0) / 60 * 0.6)

    # Counting from 09:30: the call counts as offered, its IVR arrival does not;
    # its line time counts with the call, IVR minutes included.
    sc = scenario(ivr=True, warmup=1800.0, costs=Costs(telecom_minute=0.6))
    s = replication_kpis(observations(calls, sc), sc)["summary"]
    assert (s["offered"], s["answered"], s["ivr_arrivals"], s["self_served"]) == (1, 1, 0, 0)
    assert math.isnan(s["containment_rate"])
    assert s["telecom_cost"] == pytest.approx((120.0 + 15.0 + 100.0) / 60 * 0.6)


# ----------------------------------------------------------------------------- staff, paid time


def test_staff_averages_by_group_and_interval() -> None:
    sc = scenario(groups=("generalists", "specialists"))
    # Agent-seconds per (group, interval); an agent over a 30-min interval is 1800.
    scheduled = np.array([[5400.0, 7200.0], [1800.0, 3600.0]])
    on_break = np.array([[900.0, 1800.0], [0.0, 0.0]])
    absent = np.array([[0.0, 1800.0], [1800.0, 0.0]])
    staffed = scheduled - on_break - absent  # [[4500, 3600], [0, 3600]]
    calls = [
        answered(hms(9, 10), 0.0, talk=900.0, g=0),  # busy 09:10-09:25
        answered(hms(9, 40), 0.0, talk=1200.0, g=0),  # busy 09:40-10:00
        answered(hms(9, 35), 0.0, talk=1800.0, g=1, ct=1),  # 09:35-10:05, 1500 s counted
    ]
    obs = observations(calls, sc, staffed, scheduled, on_break=on_break, absent=absent)
    k = replication_kpis(obs, sc)
    gen = k["by_agent_group_interval"]["generalists"]
    spe = k["by_agent_group_interval"]["specialists"]
    assert [r["start"] for r in gen] == ["09:00", "09:30"]

    def column(rows: list[dict], name: str) -> list[float]:
        return [r[name] for r in rows]

    assert column(gen, "scheduled_agents") == pytest.approx([3.0, 4.0])
    assert column(gen, "on_break_agents") == pytest.approx([0.5, 1.0])
    assert column(gen, "absent_agents") == pytest.approx([0.0, 1.0])
    assert column(gen, "available_agents") == pytest.approx([2.5, 2.0])
    assert column(gen, "busy_agents") == pytest.approx([0.5, 1200 / 1800])
    assert column(gen, "occupancy") == pytest.approx([900 / 4500, 1200 / 3600])
    assert column(spe, "scheduled_agents") == pytest.approx([1.0, 2.0])
    assert column(spe, "absent_agents") == pytest.approx([1.0, 0.0])
    assert column(spe, "available_agents") == pytest.approx([0.0, 2.0])
    assert column(spe, "busy_agents") == pytest.approx([0.0, 1500 / 1800])
    assert math.isnan(spe[0]["occupancy"])  # nobody available
    assert spe[1]["occupancy"] == pytest.approx(1500 / 3600)
    # by_interval: all groups together.
    rows = k["by_interval"]
    assert column(rows, "scheduled_agents") == pytest.approx([4.0, 6.0])
    assert column(rows, "on_break_agents") == pytest.approx([0.5, 1.0])
    assert column(rows, "absent_agents") == pytest.approx([1.0, 1.0])
    assert column(rows, "available_agents") == pytest.approx([2.5, 4.0])
    assert column(rows, "busy_agents") == pytest.approx([0.5, 1.5])
    assert column(rows, "occupancy") == pytest.approx([900 / 4500, 2700 / 7200])
    # The day, per group, in hours.
    g = k["by_agent_group"]["generalists"]
    assert g["on_break_hours"] == pytest.approx(0.75)
    assert g["absent_hours"] == pytest.approx(0.5)
    assert g["staffed_hours"] == pytest.approx(8100 / 3600)
    assert k["by_agent_group"]["specialists"]["absent_hours"] == pytest.approx(0.5)
    assert k["summary"]["absent_hours"] == pytest.approx(1.0)
    assert k["summary"]["on_break_hours"] == pytest.approx(0.75)


def test_paid_hours_utilization_overtime_and_cost_per_group() -> None:
    sc = scenario(
        groups=("generalists", "specialists"),
        costs=Costs(agent_hour=20.0),
        agent_hour={"specialists": 30.0},
    )
    scheduled = np.array([[3600.0, 3600.0], [1800.0, 1800.0]])  # 2 agents, 1 agent
    on_break = np.array([[600.0, 600.0], [0.0, 0.0]])
    unpaid = np.array([[0.0, 600.0], [0.0, 0.0]])  # the second break is unpaid
    absent = np.array([[0.0, 0.0], [1800.0, 0.0]])  # absent, but paid
    staffed = scheduled - on_break - absent  # [[3000, 3000], [0, 1800]]
    overtime = np.array([900.0, 0.0])  # a quarter of an hour finishing calls
    calls = [
        answered(hms(9, 0), 0.0, talk=1320.0, g=0),
        answered(hms(9, 30), 0.0, talk=660.0, g=0),
        answered(hms(9, 40), 0.0, talk=900.0, g=1, ct=1),
    ]
    obs = observations(
        calls,
        sc,
        staffed,
        scheduled,
        on_break=on_break,
        unpaid_break=unpaid,
        absent=absent,
        overtime=overtime,
    )
    k = replication_kpis(obs, sc)
    first, second = k["by_interval"]
    assert first["utilization"] == pytest.approx(1320 / 5400)  # paid 3600 + 1800
    assert second["utilization"] == pytest.approx((660 + 900) / (3000 + 1800))
    assert second["occupancy"] == pytest.approx((660 + 900) / (3000 + 1800))
    gen, spe = k["by_agent_group"]["generalists"], k["by_agent_group"]["specialists"]
    assert gen["scheduled_hours"] == pytest.approx(2.0)
    assert gen["overtime_hours"] == pytest.approx(0.25)
    assert gen["paid_hours"] == pytest.approx(6600 / 3600 + 0.25)
    assert gen["utilization"] == pytest.approx(1980 / 6600)
    assert gen["occupancy"] == pytest.approx(1980 / 6000)
    assert gen["cost"] == pytest.approx((6600 / 3600 + 0.25) * 20.0)
    assert spe["paid_hours"] == pytest.approx(1.0)
    assert spe["utilization"] == pytest.approx(900 / 3600)
    assert spe["occupancy"] == pytest.approx(900 / 1800)
    assert spe["cost"] == pytest.approx(30.0)  # its own rate
    s = k["summary"]
    assert s["overtime_hours"] == pytest.approx(0.25)
    assert s["paid_hours"] == pytest.approx(6600 / 3600 + 0.25 + 1.0)
    assert s["utilization"] == pytest.approx(2880 / 10200)
    assert s["agent_cost"] == pytest.approx(gen["cost"] + 30.0)
    assert s["telecom_cost"] == 0.0
    assert s["cost"] == pytest.approx(s["agent_cost"])
    assert s["cost_per_call"] == pytest.approx(s["agent_cost"] / 3)

    # Counting from 09:30: agent time of the first interval is left out, overtime
    # (a day total) is kept whole.
    sc = scenario(
        groups=("generalists", "specialists"),
        costs=Costs(agent_hour=20.0),
        agent_hour={"specialists": 30.0},
        warmup=1800.0,
    )
    k = replication_kpis(obs, sc)
    gen, spe = k["by_agent_group"]["generalists"], k["by_agent_group"]["specialists"]
    assert gen["paid_hours"] == pytest.approx(3000 / 3600 + 0.25)
    assert gen["cost"] == pytest.approx((3000 / 3600 + 0.25) * 20.0)
    assert gen["utilization"] == pytest.approx(660 / 3000)
    assert spe["paid_hours"] == pytest.approx(0.5)
    assert k["summary"]["agent_cost"] == pytest.approx(gen["cost"] + 15.0)
    assert k["summary"]["overtime_hours"] == pytest.approx(0.25)


def test_telecom_cost_counts_ivr_queue_and_talk_time() -> None:
    sc = scenario(ivr=True, costs=Costs(telecom_minute=1.0))
    calls = [
        through_ivr(answered(hms(9, 10), 30.0, talk=120.0, wrap=300.0), 60.0),  # 210 s
        through_ivr(abandoned(hms(9, 20), 75.0), 45.0),  # 120 s
        in_ivr(hms(9, 30), 90.0, SELF_SERVED),  # 90 s
        in_ivr(hms(9, 35), 30.0, IVR_HANG_UP),  # 30 s
        blocked_ivr(hms(9, 40)),  # no line
        blocked(hms(9, 41)),  # no line
        answered(hms(9, 50), 0.0, talk=150.0, wrap=60.0),  # 150 s, wrap-up not on the line
    ]
    s = replication_kpis(observations(calls, sc), sc)["summary"]
    assert s["telecom_cost"] == pytest.approx(600 / 60)
    assert s["agent_cost"] == 0.0
    assert s["cost"] == pytest.approx(10.0)
    assert s["cost_per_call"] == pytest.approx(5.0)


# ----------------------------------------------------------------------------- nested KPIs


def test_answered_by_type_in_summarize_and_tidy_table() -> None:
    sc = scenario(groups=("generalists", "specialists"), ivr=True)
    rep_a = [
        answered(hms(9, 1), 5.0, ct=0, g=0),
        answered(hms(9, 2), 5.0, ct=0, g=0),
        answered(hms(9, 3), 5.0, ct=1, g=0),
        answered(hms(9, 4), 5.0, ct=1, g=1),
        in_ivr(hms(9, 5), 60.0, SELF_SERVED),  # no type: in no group's count
    ]
    rep_b = [
        answered(hms(9, 1), 5.0, ct=0, g=0),
        answered(hms(9, 2), 5.0, ct=1, g=1),
        answered(hms(9, 3), 5.0, ct=1, g=1),
        answered(hms(9, 4), 5.0, ct=1, g=1),
    ]
    reps = [replication_kpis(observations(c, sc), sc) for c in (rep_a, rep_b)]
    gen = reps[0]["by_agent_group"]["generalists"]
    assert gen["answered_by_type"] == {"billing": 2, "tech": 1}
    assert sum(gen["answered_by_type"].values()) == gen["answered"]
    assert reps[1]["by_agent_group"]["specialists"]["answered_by_type"] == {
        "billing": 0,
        "tech": 3,
    }

    out = summarize(reps)
    nested = out["by_agent_group"]["generalists"]["answered_by_type"]
    half = stats.t.ppf(0.975, 1) * np.std([2.0, 1.0], ddof=1) / math.sqrt(2)
    assert nested["billing"]["mean"] == pytest.approx(1.5)
    assert nested["billing"]["ci95"] == pytest.approx([max(0.0, 1.5 - half), 1.5 + half])
    assert out["by_agent_group"]["specialists"]["answered_by_type"]["tech"]["mean"] == 2.0
    assert out["by_agent_group_interval"]["specialists"][0]["start"] == "09:00"
    assert out["by_agent_group_interval"]["specialists"][0]["busy_agents"]["mean"] > 0
    _plain(out)
    json.dumps(out, allow_nan=False)

    rows = per_replication_table(reps, sc)
    pick = {(r["replication"], r["scope"], r["key"], r["kpi"]): r["value"] for r in rows}
    assert pick[(0, "agent_group", "generalists", "answered_by_type.billing")] == 2
    assert pick[(0, "agent_group", "generalists", "answered_by_type.tech")] == 1
    assert pick[(1, "agent_group", "specialists", "answered_by_type.tech")] == 3
    assert not any(r["kpi"] == "answered_by_type" for r in rows)
    assert all(_is_plain_number(r["value"]) for r in rows)
    json.dumps(rows)


def _is_plain_number(x: object) -> bool:
    return type(x) in (float, int)


def test_fraction_intervals_are_clipped_to_one():
    reps = [{"summary": {"service_level": v, "asa_s": 10.0 * v}} for v in (1.0, 1.0, 0.5)]
    out = summarize(reps)["summary"]
    assert out["service_level"]["ci95"][1] == 1.0
    assert out["asa_s"]["ci95"][1] > 10.0  # not a fraction: no upper clip
