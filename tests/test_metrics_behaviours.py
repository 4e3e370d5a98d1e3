"""KPIs of caller behaviours — redials, transfers, callbacks — outsourced groups and
crisis events, from hand-made legs checked against values worked out by hand; and a
record of first calls only, which must give exactly the numbers it gave before legs."""

from __future__ import annotations

import json
import math
from dataclasses import replace

import numpy as np
import pytest
from test_metrics import (
    CALL_FIELDS,
    H9,
    _plain,
    abandoned,
    answered,
    blocked,
    blocked_ivr,
    hms,
    in_ivr,
    observations,
    scenario,
    through_ivr,
)

from ccsim.metrics import (
    CALL_KPIS,
    CALLBACK_KPIS,
    COST_KPIS,
    GROUP_KPIS,
    RETRIAL_KPIS,
    TRANSFER_KPIS,
    per_replication_table,
    replication_kpis,
    summarize,
)
from ccsim.observations import (
    ANSWERED,
    CALLBACK,
    CALLBACK_REQUESTED,
    FIRST,
    IVR_HANG_UP,
    NOT_REACHED,
    OUTBOUND,
    RETRIAL,
    SELF_SERVED,
    TRANSFER,
    Observations,
)
from ccsim.scenario.model import Costs, CrisisEvent, Scenario

# ----------------------------------------------------------------------------- helpers


def leg(kind: int, caller: int, call: tuple, attempt: int = 0, offered_callback: bool = False):
    """A leg: its kind, its caller (the row of the caller's first leg) and the call
    fields of `test_metrics.observations` (built with its helpers)."""
    return (kind, caller, attempt, offered_callback, call)


def requested(t: float, ct: int = 0):
    """A caller offered a callback at ``t`` who accepted and hung up (never waited)."""
    return (ct, t, t, CALLBACK_REQUESTED, 0.0, 0.0, 0.0, -1)


def called_back(requested_at: float, delay: float, talk: float, wrap: float = 0.0, ct=0, g=0):
    """A callback leg requested at ``requested_at``, dialed ``delay`` later and reached."""
    return (ct, requested_at, requested_at, ANSWERED, delay, talk, wrap, g)


def not_reached(requested_at: float, delay: float, attempt_time: float, ct=0, g=0):
    """A callback leg dialed ``delay`` after the request, customer not reached; ``g``
    -1: never dialed (still waiting when the center closed)."""
    return (ct, requested_at, requested_at, NOT_REACHED, delay, attempt_time, 0.0, g)


def record(
    legs: list[tuple], sc: Scenario, *, check: bool = True, **agent_time: np.ndarray
) -> Observations:
    """Observations of ``legs`` (see `leg`), with `test_metrics.observations`' agent time."""
    calls = [c for *_, c in legs]
    if check:
        obs = observations(calls, sc, **agent_time)
    else:  # a never-dialed callback has no group, which conservation does not allow
        obs = observations([], sc, **agent_time)
        rows = [tuple(c) + (0.0, False)[len(c) - 8 :] for c in calls]
        for i, name in enumerate(CALL_FIELDS):
            dtype = getattr(obs, name).dtype
            values = [np.nan if r[i] is None else r[i] for r in rows]
            setattr(obs, name, np.array(values, dtype))
    obs.leg = np.array([r[0] for r in legs], dtype=np.int8)
    obs.caller = np.array([r[1] for r in legs], dtype=np.int64)
    obs.attempt = np.array([r[2] for r in legs], dtype=np.int16)
    obs.callback_offered = np.array([r[3] for r in legs], dtype=bool)
    assert np.all(obs.caller[obs.leg == FIRST] == np.flatnonzero(obs.leg == FIRST))
    return obs


def first_only(calls: list[tuple]) -> list[tuple]:
    return [leg(FIRST, i, c) for i, c in enumerate(calls)]


def nan(x: float) -> bool:
    return isinstance(x, float) and math.isnan(x)


# ----------------------------------------------------------------------------- redials


def test_caller_who_abandons_then_redials_and_is_answered_within_t() -> None:
    sc = scenario()
    legs = [
        leg(FIRST, 0, abandoned(hms(9, 1), 40.0)),  # a miss ...
        leg(RETRIAL, 0, answered(hms(9, 5), 10.0, talk=100.0), attempt=1),  # ... then a hit
        leg(FIRST, 2, answered(hms(9, 10), 30.0, talk=60.0)),  # answered late
        leg(FIRST, 3, abandoned(hms(9, 20), 50.0)),
        leg(RETRIAL, 3, abandoned(hms(9, 40), 15.0), attempt=1),  # gives up for good
    ]
    k = replication_kpis(record(legs, sc), sc)
    s = k["summary"]
    # Per attempt: 5 offered, only the redial of caller 0 answered within 20 s.
    assert (s["offered"], s["answered"], s["abandoned"]) == (5, 2, 3)
    assert s["service_level"] == pytest.approx(1 / 5)
    assert s["sl_short_abandons_as_met"] == pytest.approx(2 / 5)
    assert s["abandon_rate"] == pytest.approx(3 / 5)
    assert s["asa_s"] == pytest.approx(20.0)
    # Per caller: 3 callers, caller 0 served within T, caller 3 lost.
    assert (s["attempts"], s["retrials"], s["unique_callers"]) == (5, 2, 3)
    assert s["sl_per_caller"] == pytest.approx(1 / 3)
    assert s["caller_abandon_rate"] == pytest.approx(1 / 3)
    # First arrival to the end of the last answered talk: 09:01 -> 09:06:50, and 90 s.
    assert s["time_in_system_s"] == pytest.approx((350.0 + 90.0) / 2)

    first, second = k["by_interval"]
    assert (first["offered"], first["answered"]) == (4, 2)
    assert first["service_level"] == pytest.approx(1 / 4)
    assert (first["attempts"], first["retrials"], first["unique_callers"]) == (4, 1, 3)
    assert first["sl_per_caller"] == pytest.approx(1 / 3)
    assert first["caller_abandon_rate"] == pytest.approx(1 / 3)
    assert first["time_in_system_s"] == pytest.approx(220.0)
    # Caller 3's redial is an attempt of 09:30, the caller one of 09:00.
    assert (second["offered"], second["attempts"], second["retrials"]) == (1, 1, 1)
    assert second["unique_callers"] == 0
    assert nan(second["sl_per_caller"]) and nan(second["caller_abandon_rate"])
    assert nan(second["time_in_system_s"])

    billing, tech = k["by_call_type"]["billing"], k["by_call_type"]["tech"]
    for name in ("attempts", "retrials", "unique_callers", "sl_per_caller", "offered"):
        assert billing[name] == pytest.approx(s[name]), name
    assert (tech["attempts"], tech["unique_callers"]) == (0, 0)
    assert nan(tech["sl_per_caller"]) and nan(tech["time_in_system_s"])


def test_blocked_then_answered_caller() -> None:
    sc = scenario(ivr=True)
    legs = [
        leg(FIRST, 0, blocked(hms(9, 0))),
        leg(RETRIAL, 0, answered(hms(9, 2), 5.0, talk=60.0), attempt=1),
        leg(FIRST, 2, blocked(hms(9, 3))),  # every attempt blocked: never offered
        # An IVR caller blocked before the IVR typed it, then typed on its redial.
        leg(FIRST, 3, blocked_ivr(hms(9, 10))),
        leg(RETRIAL, 3, through_ivr(abandoned(hms(9, 21), 30.0), 60.0), attempt=1),
    ]
    k = replication_kpis(record(legs, sc), sc)
    s = k["summary"]
    assert (s["offered"], s["answered"], s["abandoned"], s["blocked"]) == (2, 1, 1, 3)
    assert s["service_level"] == pytest.approx(1 / 2)
    assert (s["attempts"], s["retrials"], s["unique_callers"]) == (5, 2, 3)
    # Callers offered: 0 and 3 (caller 2 only ever met busy trunks).
    assert s["sl_per_caller"] == pytest.approx(1 / 2)
    assert s["caller_abandon_rate"] == pytest.approx(1 / 2)
    assert s["ivr_arrivals"] == 1  # the redial; the blocked first try never entered
    # Per call type, a caller is of its first leg's type: caller 3 (-1) is in none.
    billing = k["by_call_type"]["billing"]
    assert (billing["offered"], billing["blocked"]) == (2, 2)
    assert (billing["attempts"], billing["retrials"], billing["unique_callers"]) == (4, 2, 2)
    assert billing["sl_per_caller"] == 1.0
    assert billing["caller_abandon_rate"] == 0.0


# ----------------------------------------------------------------------------- transfers


def test_transfer_legs_and_time_in_system() -> None:
    sc = scenario(costs=Costs(telecom_minute=1.0))
    legs = [
        # Billing answered after 15 s, 120 s talk (30 s wrap), then sent on to tech:
        # queued again at 09:12:15, answered after 25 s, 200 s talk, 10 s wrap.
        leg(FIRST, 0, answered(hms(9, 10), 15.0, talk=120.0, wrap=30.0)),
        leg(TRANSFER, 0, answered(hms(9, 12, 15), 25.0, talk=200.0, wrap=10.0, ct=1)),
        leg(FIRST, 2, answered(hms(9, 40), 0.0, talk=100.0)),
    ]
    k = replication_kpis(record(legs, sc), sc)
    s = k["summary"]
    # Both legs are live calls: 3 offered, 2 within T.
    assert (s["offered"], s["answered"]) == (3, 3)
    assert s["service_level"] == pytest.approx(2 / 3)
    assert s["aht_s"] == pytest.approx((150.0 + 210.0 + 100.0) / 3)
    assert s["transfers"] == 1
    assert (s["attempts"], s["retrials"], s["unique_callers"]) == (2, 0, 2)
    assert s["sl_per_caller"] == 1.0
    # Caller 0: 09:10:00 -> end of the tech talk at 09:16:00; caller 2: 100 s.
    assert s["time_in_system_s"] == pytest.approx((360.0 + 100.0) / 2)
    assert s["max_queue"] == 1
    assert s["busy_hours"] * 3600 == pytest.approx(150.0 + 210.0 + 100.0)
    # The caller stays on the line: queue and talk of both legs.
    assert s["telecom_cost"] == pytest.approx((15 + 120 + 25 + 200 + 100) / 60)
    first, second = k["by_interval"]
    assert (first["transfers"], second["transfers"]) == (1, 0)
    assert first["time_in_system_s"] == pytest.approx(360.0)
    assert second["time_in_system_s"] == pytest.approx(100.0)
    billing, tech = k["by_call_type"]["billing"], k["by_call_type"]["tech"]
    assert (billing["transfers"], tech["transfers"]) == (0, 1)  # the transferred leg's type
    assert (tech["offered"], tech["answered"], tech["asa_s"]) == (1, 1, 25.0)
    assert tech["unique_callers"] == 0 and nan(tech["time_in_system_s"])
    assert billing["time_in_system_s"] == pytest.approx(230.0)
    g = k["by_agent_group"]["generalists"]
    assert g["answered"] == 3
    assert g["answered_by_type"] == {"billing": 2, "tech": 1}


# ----------------------------------------------------------------------------- callbacks


def callback_legs() -> list[tuple]:
    return [
        # Requested 09:05, dialed 09:15 (600 s later), reached: 300 s talk, 60 s wrap.
        leg(FIRST, 0, requested(hms(9, 5)), offered_callback=True),
        leg(CALLBACK, 0, called_back(hms(9, 5), 600.0, talk=300.0, wrap=60.0)),
        # Requested 09:20, dialed 09:35, not reached: the agent tried for 30 s.
        leg(FIRST, 2, requested(hms(9, 20)), offered_callback=True),
        leg(CALLBACK, 2, not_reached(hms(9, 20), 900.0, 30.0)),
        # Offered a callback, declined, answered after 45 s.
        leg(FIRST, 4, answered(hms(9, 25), 45.0, talk=100.0), offered_callback=True),
        # Requested 09:50, never dialed before the center closed at 10:00.
        leg(FIRST, 5, requested(hms(9, 50)), offered_callback=True),
        leg(CALLBACK, 5, not_reached(hms(9, 50), 600.0, 0.0, g=-1)),
        # Abandons after 70 s, redials 09:45 and asks for a callback: dialed 120 s
        # later, reached, 60 s talk.
        leg(FIRST, 7, abandoned(hms(9, 40), 70.0)),
        leg(RETRIAL, 7, requested(hms(9, 45)), attempt=1, offered_callback=True),
        leg(CALLBACK, 7, called_back(hms(9, 45), 120.0, talk=60.0)),
    ]


def test_callbacks_requested_completed_and_not_reached() -> None:
    sc = scenario(costs=Costs(telecom_minute=1.0))
    k = replication_kpis(record(callback_legs(), sc, check=False), sc)
    s = k["summary"]
    # Live calls only: the declined offer (answered) and the abandon. Callback waits
    # are no queue waits: ASA, AHT and the queue length leave them out.
    assert (s["offered"], s["answered"], s["abandoned"], s["blocked"]) == (2, 1, 1, 0)
    assert s["service_level"] == 0.0
    assert s["asa_s"] == pytest.approx(45.0)
    assert s["aht_s"] == pytest.approx(100.0)
    assert s["max_queue"] == 1
    assert s["callback_offers"] == 5
    assert s["callback_accepts"] == 4
    assert s["callbacks_completed"] == 2
    assert s["callbacks_not_reached"] == 2  # one tried, one never dialed
    assert s["callback_delay_s"] == pytest.approx((600.0 + 900.0 + 120.0) / 3)
    # Callers: 5; offered (answered or abandoned live): 4 and 7. Caller 7 abandoned
    # once but then asked for a callback: not a lost caller.
    assert (s["attempts"], s["retrials"], s["unique_callers"]) == (6, 1, 5)
    assert s["sl_per_caller"] == 0.0
    assert s["caller_abandon_rate"] == 0.0
    # Served callers: 0 (09:05 -> 09:20:00 end of the callback talk), 4 (145 s),
    # 7 (09:40 -> 09:48:00).
    assert s["time_in_system_s"] == pytest.approx((900.0 + 145.0 + 480.0) / 3)

    # Agents: busy with callback talk + wrap and with the failed try.
    first, second = k["by_interval"]
    assert first["busy_hours"] * 3600 == pytest.approx(360.0 + 100.0)
    assert second["busy_hours"] * 3600 == pytest.approx(30.0 + 60.0)
    assert s["busy_hours"] * 3600 == pytest.approx(550.0)
    g = k["by_agent_group"]["generalists"]
    assert g["answered"] == 3  # the live call and two callbacks reached
    assert g["aht_s"] == pytest.approx((100.0 + 360.0 + 60.0) / 3)
    assert g["callbacks_handled"] == 3  # dialed: reached or not
    assert g["answered_by_type"] == {"billing": 3, "tech": 0}

    # By the time of the offer / request.
    assert (first["callback_offers"], second["callback_offers"]) == (3, 2)
    assert (first["callback_accepts"], second["callback_accepts"]) == (2, 2)
    assert (first["callbacks_completed"], second["callbacks_completed"]) == (1, 1)
    assert (first["callbacks_not_reached"], second["callbacks_not_reached"]) == (1, 1)
    assert first["callback_delay_s"] == pytest.approx(750.0)
    assert second["callback_delay_s"] == pytest.approx(120.0)
    assert (first["offered"], second["offered"]) == (1, 1)
    assert (first["unique_callers"], second["unique_callers"]) == (3, 2)
    assert first["time_in_system_s"] == pytest.approx((900.0 + 145.0) / 2)
    billing, tech = k["by_call_type"]["billing"], k["by_call_type"]["tech"]
    for name in CALLBACK_KPIS:
        assert billing[name] == pytest.approx(s[name]), name
    assert tech["callback_accepts"] == 0 and nan(tech["callback_delay_s"])

    # Lines: the live legs' queue and talk, the callbacks' talk once reached.
    assert s["telecom_cost"] == pytest.approx((45 + 100 + 70 + 300 + 60) / 60)
    # A completed callback is an answered call for the cost per call.
    assert s["cost_per_call"] == pytest.approx(s["cost"] / 3)


def test_callbacks_after_the_warmup_go_by_their_request() -> None:
    sc = scenario(warmup=1800.0)  # counting from 09:30
    k = replication_kpis(record(callback_legs(), sc, check=False), sc)
    s = k["summary"]
    assert (s["callback_offers"], s["callback_accepts"]) == (2, 2)
    assert (s["callbacks_completed"], s["callbacks_not_reached"]) == (1, 1)
    assert s["callback_delay_s"] == pytest.approx(120.0)
    assert (s["unique_callers"], s["attempts"]) == (2, 3)
    assert k["by_agent_group"]["generalists"]["callbacks_handled"] == 1
    assert k["by_agent_group"]["generalists"]["answered"] == 1


# ----------------------------------------------------------------------------- outsourcing


def outsourced_scenario(**kw) -> Scenario:
    sc = scenario(groups=("inhouse", "partner"), costs=Costs(agent_hour=20.0), **kw)
    inhouse, partner = sc.agent_groups
    return replace(sc, agent_groups=(inhouse, replace(partner, price_per_call=4.5)))


OUTSOURCED_LEGS = [
    leg(FIRST, 0, answered(hms(9, 5), 5.0, g=0)),
    leg(FIRST, 1, answered(hms(9, 10), 5.0, g=1)),
    leg(FIRST, 2, answered(hms(9, 40), 5.0, g=1)),
    leg(FIRST, 3, requested(hms(9, 12)), offered_callback=True),
    leg(CALLBACK, 3, called_back(hms(9, 12), 300.0, talk=100.0, g=1)),  # paid: handled
    leg(FIRST, 5, requested(hms(9, 15)), offered_callback=True),
    leg(CALLBACK, 5, not_reached(hms(9, 15), 100.0, 30.0, g=1)),  # not a handled call
    leg(FIRST, 7, answered(hms(9, 50), 0.0, g=0)),
]


def test_outsourced_group_is_paid_per_call() -> None:
    sc = outsourced_scenario()
    k = replication_kpis(record(OUTSOURCED_LEGS, sc), sc)  # 2 agents per group, 2 paid hours
    inhouse, partner = k["by_agent_group"]["inhouse"], k["by_agent_group"]["partner"]
    assert inhouse["cost"] == pytest.approx(2.0 * 20.0)
    assert partner["answered"] == 3 and partner["callbacks_handled"] == 2
    assert partner["cost"] == pytest.approx(3 * 4.5)  # no hourly pay
    assert partner["paid_hours"] == pytest.approx(2.0)  # its hours are still reported
    s = k["summary"]
    assert s["agent_cost"] == pytest.approx(40.0)
    assert s["outsourced_cost"] == pytest.approx(13.5)
    assert s["telecom_cost"] == 0.0
    assert s["cost"] == pytest.approx(53.5)
    assert s["cost_per_call"] == pytest.approx(53.5 / (4 + 1))

    # Counting from 09:30: only the partner's call of 09:40 is paid.
    sc = outsourced_scenario(warmup=1800.0)
    s = replication_kpis(record(OUTSOURCED_LEGS, sc), sc)["summary"]
    assert s["outsourced_cost"] == pytest.approx(4.5)
    assert s["agent_cost"] == pytest.approx(20.0)
    assert s["cost"] == pytest.approx(24.5)


def test_no_outsourced_group_costs_nothing_outsourced() -> None:
    sc = scenario(costs=Costs(agent_hour=20.0))
    s = replication_kpis(record(first_only([answered(hms(9, 5), 5.0)]), sc), sc)["summary"]
    assert s["outsourced_cost"] == 0.0
    assert s["cost"] == pytest.approx(s["agent_cost"])


# ----------------------------------------------------------------------------- outbound dials


def test_outbound_dials_keep_agents_busy_but_are_no_inbound_calls() -> None:
    sc = scenario(costs=Costs(telecom_minute=1.0))
    legs = [
        leg(FIRST, 0, answered(hms(9, 5), 10.0, talk=100.0)),
        leg(OUTBOUND, 1, (-1, hms(9, 10), hms(9, 10), ANSWERED, 0.0, 200.0, 20.0, 0)),
        leg(OUTBOUND, 2, (-1, hms(9, 20), hms(9, 20), NOT_REACHED, 0.0, 30.0, 0.0, 0)),
    ]
    k = replication_kpis(record(legs, sc), sc)
    s = k["summary"]
    assert (s["offered"], s["answered"], s["attempts"], s["unique_callers"]) == (1, 1, 1, 1)
    assert s["busy_hours"] * 3600 == pytest.approx(100.0 + 220.0 + 30.0)
    assert s["time_in_system_s"] == pytest.approx(110.0)
    assert s["telecom_cost"] == pytest.approx((110.0 + 200.0) / 60)
    assert k["by_agent_group"]["generalists"]["answered"] == 2


# ----------------------------------------------------------------------------- events


def test_event_labels_on_the_intervals_they_overlap() -> None:
    sc = scenario(interval=900.0)  # 09:00, 09:15, 09:30, 09:45
    events = (
        CrisisEvent("surge", hms(9, 10), hms(9, 30), factor=2.0, label="storm"),
        CrisisEvent("ivr_outage", hms(9, 20), hms(9, 25), to="billing"),  # no label: its kind
        CrisisEvent("trunk_outage", hms(9, 45), hms(10, 30), trunks=1, label="outage"),
        CrisisEvent("surge", hms(8, 0), hms(9, 0), factor=2.0, label="before"),  # ends at 09:00
    )
    sc = replace(sc, events=events)
    obs = record(first_only([answered(hms(9, 5), 5.0)]), sc)
    reps = [replication_kpis(obs, sc), replication_kpis(obs, sc)]
    expected = [["storm"], ["storm", "ivr_outage"], [], ["outage"]]
    assert [e["events"] for e in reps[0]["by_interval"]] == expected
    out = summarize(reps)
    assert [e["events"] for e in out["by_interval"]] == expected  # labels pass through
    assert out["by_interval"][0]["start"] == "09:00"
    assert out["by_interval"][0]["offered"] == {"mean": 1.0, "ci95": [1.0, 1.0]}
    rows = per_replication_table(reps, sc)
    assert not any(r["kpi"].startswith("events") for r in rows)
    assert all(type(r["value"]) in (float, int) for r in rows)
    for doc in (*reps, out):
        _plain(doc)
    json.dumps(out, allow_nan=False)
    json.dumps(rows)


def test_without_events_every_interval_has_an_empty_list() -> None:
    sc = scenario()
    reps = [replication_kpis(record(first_only([]), sc), sc)] * 2
    assert [e["events"] for e in reps[0]["by_interval"]] == [[], []]
    assert [e["events"] for e in summarize(reps)["by_interval"]] == [[], []]


# ----------------------------------------------------------------------------- first calls only


def lcg(seed: int):
    """A tiny deterministic stream of uniforms in [0, 1) (independent of numpy)."""
    x = seed
    while True:
        x = (1103515245 * x + 12345) % 2**31
        yield x / 2**31


def first_only_case() -> tuple[Scenario, Observations]:
    """Sixty first calls of every outcome, with the IVR, a warm-up, two groups,
    breaks, overtime and costs."""
    sc = scenario(
        interval=900.0,
        warmup=600.0,
        groups=("generalists", "specialists"),
        costs=Costs(agent_hour=18.0, telecom_minute=0.05),
        agent_hour={"specialists": 25.0},
        ivr=True,
    )
    u = lcg(7)
    calls = []
    t = H9
    for _ in range(60):
        t += 5.0 + 110.0 * next(u)
        kind, ct, g = next(u), int(next(u) < 0.4), int(next(u) < 0.3)
        wait, talk = round(60 * next(u), 1), round(30 + 400 * next(u), 1)
        wrap = round(40 * next(u), 1)
        if kind < 0.08:
            calls.append(blocked(t, ct=ct))
        elif kind < 0.12:
            calls.append(blocked_ivr(t))
        elif kind < 0.2:
            calls.append(in_ivr(t, round(20 + 60 * next(u), 1), SELF_SERVED))
        elif kind < 0.25:
            calls.append(in_ivr(t, round(20 + 60 * next(u), 1), IVR_HANG_UP))
        elif kind < 0.45:
            calls.append(abandoned(t, wait, ct=ct))
        elif kind < 0.6:
            calls.append(through_ivr(answered(t, wait, talk, wrap, ct=ct, g=g), 45.0))
        else:
            calls.append(answered(t, wait, talk, wrap, ct=ct, g=g))
    staffed = np.array([[2700.0, 3600.0, 3600.0, 1800.0], [900.0, 1800.0, 1800.0, 900.0]])
    scheduled = staffed + np.array([[900.0, 0.0, 900.0, 900.0], [0.0, 900.0, 0.0, 0.0]])
    on_break = scheduled - staffed
    obs = observations(
        calls,
        sc,
        staffed,
        scheduled,
        on_break=on_break,
        unpaid_break=on_break / 2,
        overtime=np.array([420.0, 0.0]),
    )
    return sc, obs


def assert_same(before: object, now: object, path: str = "") -> None:
    """Every figure of ``before`` is in ``now`` with exactly the same value (new
    figures may be added)."""
    if isinstance(before, dict):
        for key, value in before.items():
            assert key in now, f"{path}/{key} is gone"
            assert_same(value, now[key], f"{path}/{key}")
    elif isinstance(before, list):
        assert len(before) == len(now), path
        for i, (b, n) in enumerate(zip(before, now, strict=True)):
            assert_same(b, n, f"{path}[{i}]")
    elif isinstance(before, float) and math.isnan(before):
        assert nan(now), (path, now)
    else:
        assert now == before, (path, before, now)


def test_first_calls_only_give_exactly_the_previous_numbers() -> None:
    sc, obs = first_only_case()
    assert np.all(obs.leg == FIRST) and np.all(obs.caller == np.arange(obs.n_calls))
    k = replication_kpis(obs, sc)
    assert_same(json.loads(BEFORE_LEGS), k)


def test_first_calls_only_behaviour_figures() -> None:
    sc, obs = first_only_case()
    k = replication_kpis(obs, sc)
    scopes = [k["summary"], *k["by_interval"], *k["by_call_type"].values()]
    for e in scopes:
        # One attempt per caller: per caller = per attempt.
        assert e["attempts"] == e["unique_callers"]
        assert e["retrials"] == 0 and e["transfers"] == 0
        assert e["sl_per_caller"] == e["sl_offered"] or nan(e["sl_offered"])
        assert e["caller_abandon_rate"] == e["abandon_rate"] or nan(e["abandon_rate"])
        for name in CALLBACK_KPIS[:-1]:
            assert e[name] == 0, name
        assert nan(e["callback_delay_s"])
    for e in k["by_interval"]:
        assert e["events"] == []
    s = k["summary"]
    assert s["outsourced_cost"] == 0.0
    counted = obs.offered >= H9 + 600.0
    served = counted & (obs.outcome == ANSWERED)
    assert s["time_in_system_s"] == pytest.approx(
        np.mean((obs.ivr_time + obs.wait + obs.talk)[served])
    )
    n_legs = np.sum(np.where(np.isnan(obs.offered), obs.arrival, obs.offered) >= H9 + 600.0)
    assert s["attempts"] == n_legs
    assert all(g["callbacks_handled"] == 0 for g in k["by_agent_group"].values())


def test_new_kpi_names() -> None:
    assert set(RETRIAL_KPIS) == {
        "attempts",
        "retrials",
        "unique_callers",
        "sl_per_caller",
        "caller_abandon_rate",
    }
    assert set(TRANSFER_KPIS) == {"transfers", "time_in_system_s"}
    assert set(RETRIAL_KPIS + TRANSFER_KPIS + CALLBACK_KPIS) <= set(CALL_KPIS)
    assert "outsourced_cost" in COST_KPIS and "callbacks_handled" in GROUP_KPIS
    assert len(set(CALL_KPIS)) == len(CALL_KPIS)
    sc = scenario()
    k = replication_kpis(record(first_only([blocked(hms(9, 1))]), sc), sc)
    for e in (k["summary"], *k["by_interval"], *k["by_call_type"].values()):
        assert set(CALL_KPIS) <= set(e)
    assert k["summary"]["unique_callers"] == 1
    assert nan(k["summary"]["sl_per_caller"])  # nobody offered


#: `replication_kpis` of `first_only_case` before legs existed (ccsim.metrics at the
#: commit 173a7ce, before per-leg KPIs), every float exactly as it was.
BEFORE_LEGS = """
{"summary": {"offered": 42.0, "answered": 32.0, "abandoned": 10.0, "blocked": 5.0,
"service_level": 0.30952380952380953, "sl_offered": 0.30952380952380953,
"sl_answered": 0.40625, "sl_exclude_short_abandons": 0.34210526315789475,
"sl_short_abandons_as_met": 0.40476190476190477, "asa_s": 27.7,
"abandon_time_s": 22.880000000000003, "abandon_rate": 0.23809523809523808,
"aht_s": 215.88437500000003, "wait_p50_s": 30.1, "wait_p90_s": 53.550000000000004,
"wait_p95_s": 54.33, "max_queue": 2.0, "ivr_arrivals": 13.0, "self_served": 1.0,
"ivr_hang_ups": 3.0, "containment_rate": 0.07692307692307693, "ivr_time_s": 43.56923076923077,
"occupancy": 0.4294365100514289, "utilization": 0.3896738702318521,
"staffed_hours": 4.083333333333333, "scheduled_hours": 4.916666666666667,
"busy_hours": 1.7535324160433345, "on_break_hours": 0.8333333333333334, "absent_hours": 0.0,
"overtime_hours": 0.11666666666666667, "paid_hours": 4.616666666666666,
"agent_cost": 93.30833333333332, "telecom_cost": 6.616333333333334, "cost": 99.92466666666665,
"cost_per_call": 3.122645833333333}, "by_interval": [{"start": "09:00", "offered": 9.0,
"answered": 4.0, "abandoned": 5.0, "blocked": 1.0, "service_level": 0.1111111111111111,
"sl_offered": 0.1111111111111111, "sl_answered": 0.25,
"sl_exclude_short_abandons": 0.16666666666666666,
"sl_short_abandons_as_met": 0.4444444444444444, "asa_s": 40.8, "abandon_time_s": 27.22,
"abandon_rate": 0.5555555555555556, "aht_s": 228.775, "wait_p50_s": 42.75, "wait_p90_s": 54.03,
"wait_p95_s": 55.964999999999996, "max_queue": 2.0, "ivr_arrivals": 5.0, "self_served": 1.0,
"ivr_hang_ups": 3.0, "containment_rate": 0.2, "ivr_time_s": 32.44,
"occupancy": 0.16292068937777812, "utilization": 0.14481839055802498, "staffed_hours": 1.0,
"scheduled_hours": 1.25, "busy_hours": 0.16292068937777812, "scheduled_agents": 5.0,
"on_break_agents": 1.0, "absent_agents": 0.0, "available_agents": 4.0,
"busy_agents": 0.6516827575111124}, {"start": "09:15", "offered": 10.0, "answered": 7.0,
"abandoned": 3.0, "blocked": 0.0, "service_level": 0.4, "sl_offered": 0.4,
"sl_answered": 0.5714285714285714, "sl_exclude_short_abandons": 0.4444444444444444,
"sl_short_abandons_as_met": 0.5, "asa_s": 19.285714285714285,
"abandon_time_s": 27.866666666666664, "abandon_rate": 0.3, "aht_s": 216.87142857142857,
"wait_p50_s": 10.6, "wait_p90_s": 40.260000000000005, "wait_p95_s": 46.97999999999999,
"max_queue": 2.0, "ivr_arrivals": 6.0, "self_served": 0.0, "ivr_hang_ups": 2.0,
"containment_rate": 0.0, "ivr_time_s": 41.61666666666667, "occupancy": 0.2849904018201414,
"utilization": 0.26306806321859205, "staffed_hours": 1.5, "scheduled_hours": 1.75,
"busy_hours": 0.42748560273021213, "scheduled_agents": 7.0, "on_break_agents": 1.0,
"absent_agents": 0.0, "available_agents": 6.0, "busy_agents": 1.7099424109208485},
{"start": "09:30", "offered": 13.0, "answered": 10.0, "abandoned": 3.0, "blocked": 4.0,
"service_level": 0.3076923076923077, "sl_offered": 0.3076923076923077, "sl_answered": 0.4,
"sl_exclude_short_abandons": 0.3333333333333333,
"sl_short_abandons_as_met": 0.38461538461538464, "asa_s": 28.770000000000003,
"abandon_time_s": 23.2, "abandon_rate": 0.23076923076923078, "aht_s": 258.07000000000005,
"wait_p50_s": 38.25, "wait_p90_s": 41.35999999999999, "wait_p95_s": 47.47999999999999,
"max_queue": 2.0, "ivr_arrivals": 2.0, "self_served": 0.0, "ivr_hang_ups": 0.0,
"containment_rate": 0.0, "ivr_time_s": 45.0, "occupancy": 0.44452651399046267,
"utilization": 0.41033216676042705, "staffed_hours": 1.5, "scheduled_hours": 1.75,
"busy_hours": 0.666789770985694, "scheduled_agents": 7.0, "on_break_agents": 1.0,
"absent_agents": 0.0, "available_agents": 6.0, "busy_agents": 2.6671590839427757},
{"start": "09:45", "offered": 15.0, "answered": 12.0, "abandoned": 3.0, "blocked": 1.0,
"service_level": 0.26666666666666666, "sl_offered": 0.26666666666666666,
"sl_answered": 0.3333333333333333, "sl_exclude_short_abandons": 0.2857142857142857,
"sl_short_abandons_as_met": 0.3333333333333333, "asa_s": 29.866666666666664,
"abandon_time_s": 20.0, "abandon_rate": 0.2, "aht_s": 181.64999999999998, "wait_p50_s": 30.1,
"wait_p90_s": 54.900000000000006, "wait_p95_s": 56.36, "max_queue": 2.0, "ivr_arrivals": 3.0,
"self_served": 1.0, "ivr_hang_ups": 0.0, "containment_rate": 0.3333333333333333,
"ivr_time_s": 47.699999999999996, "occupancy": 0.7674855076365714,
"utilization": 0.6578447208313469, "staffed_hours": 0.75, "scheduled_hours": 1.0,
"busy_hours": 0.5756141307274285, "scheduled_agents": 4.0, "on_break_agents": 1.0,
"absent_agents": 0.0, "available_agents": 3.0, "busy_agents": 2.302456522909714}],
"by_call_type": {"billing": {"offered": 23.0, "answered": 17.0, "abandoned": 6.0,
"blocked": 0.0, "service_level": 0.30434782608695654, "sl_offered": 0.30434782608695654,
"sl_answered": 0.4117647058823529, "sl_exclude_short_abandons": 0.3333333333333333,
"sl_short_abandons_as_met": 0.391304347826087, "asa_s": 26.482352941176465,
"abandon_time_s": 23.233333333333334, "abandon_rate": 0.2608695652173913,
"aht_s": 227.07058823529414, "wait_p50_s": 30.0, "wait_p90_s": 50.660000000000004,
"wait_p95_s": 54.46, "max_queue": 2.0}, "tech": {"offered": 19.0, "answered": 15.0,
"abandoned": 4.0, "blocked": 1.0, "service_level": 0.3157894736842105,
"sl_offered": 0.3157894736842105, "sl_answered": 0.4,
"sl_exclude_short_abandons": 0.35294117647058826,
"sl_short_abandons_as_met": 0.42105263157894735, "asa_s": 29.080000000000005,
"abandon_time_s": 22.35, "abandon_rate": 0.21052631578947367, "aht_s": 203.20666666666668,
"wait_p50_s": 31.3, "wait_p90_s": 53.46, "wait_p95_s": 54.12, "max_queue": 2.0}},
"by_agent_group": {"generalists": {"occupancy": 0.47635522199555647,
"utilization": 0.4306773239959826, "staffed_hours": 2.75,
"scheduled_hours": 3.3333333333333335, "busy_hours": 1.3099768604877802,
"on_break_hours": 0.5833333333333334, "absent_hours": 0.0,
"overtime_hours": 0.11666666666666667, "paid_hours": 3.158333333333333, "answered": 25.0,
"aht_s": 212.46000000000006, "answered_by_type": {"billing": 13.0, "tech": 12.0},
"cost": 56.849999999999994}, "specialists": {"occupancy": 0.3326666666666658,
"utilization": 0.3041523809523801, "staffed_hours": 1.3333333333333333,
"scheduled_hours": 1.5833333333333333, "busy_hours": 0.44355555555555437,
"on_break_hours": 0.25, "absent_hours": 0.0, "overtime_hours": 0.0,
"paid_hours": 1.4583333333333333, "answered": 7.0, "aht_s": 228.1142857142857,
"answered_by_type": {"billing": 4.0, "tech": 3.0}, "cost": 36.45833333333333}},
"by_agent_group_interval": {"generalists": [{"start": "09:00", "scheduled_agents": 4.0,
"on_break_agents": 1.0, "absent_agents": 0.0, "available_agents": 3.0,
"busy_agents": 0.3273494696219778, "occupancy": 0.10911648987399261}, {"start": "09:15",
"scheduled_agents": 4.0, "on_break_agents": 0.0, "absent_agents": 0.0, "available_agents": 4.0,
"busy_agents": 1.3056090321433214, "occupancy": 0.32640225803583034}, {"start": "09:30",
"scheduled_agents": 5.0, "on_break_agents": 1.0, "absent_agents": 0.0, "available_agents": 4.0,
"busy_agents": 2.327603528387222, "occupancy": 0.5819008820968055}, {"start": "09:45",
"scheduled_agents": 3.0, "on_break_agents": 1.0, "absent_agents": 0.0, "available_agents": 2.0,
"busy_agents": 1.5964565229097125, "occupancy": 0.7982282614548563}],
"specialists": [{"start": "09:00", "scheduled_agents": 1.0, "on_break_agents": 0.0,
"absent_agents": 0.0, "available_agents": 1.0, "busy_agents": 0.3243332878891346,
"occupancy": 0.3243332878891346}, {"start": "09:15", "scheduled_agents": 3.0,
"on_break_agents": 1.0, "absent_agents": 0.0, "available_agents": 2.0,
"busy_agents": 0.4043333787775272, "occupancy": 0.2021666893887636}, {"start": "09:30",
"scheduled_agents": 2.0, "on_break_agents": 0.0, "absent_agents": 0.0, "available_agents": 2.0,
"busy_agents": 0.33955555555555395, "occupancy": 0.16977777777777697}, {"start": "09:45",
"scheduled_agents": 1.0, "on_break_agents": 0.0, "absent_agents": 0.0, "available_agents": 1.0,
"busy_agents": 0.7060000000000016, "occupancy": 0.7060000000000016}]}}
"""
