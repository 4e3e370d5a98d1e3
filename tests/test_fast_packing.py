"""The compiled engine's packing done once per scenario (`ccsim.models.pack_staff`,
`ccsim.models.pack_calls`, `ccsim.models.roster.roster_template`): shared tables
the kernel never changes, fresh state for each day, nothing reused across
scenarios; and the conservation check catching each broken rule."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from ccsim.models.agents import ABSENCE, BREAK, LOG_OUT
from ccsim.models.calls import draw_calls
from ccsim.models.center import simulate_day
from ccsim.models.fast import simulate_day_fast
from ccsim.models.legs import kernel_observations
from ccsim.models.pack_calls import _scenario_tables, pack
from ccsim.models.pack_staff import routing_tables, staff_arrays
from ccsim.models.roster import build_roster
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK,
    NOT_REACHED,
    OUTBOUND,
    Observations,
)
from ccsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent
#: Shrinkage and absences (bank), absenteeism and a group outage (outsourced),
#: outbound campaigns (blended), callbacks (surge), chats.
MIXED = [
    "bank_multiskill.yaml",
    "outsourced_overflow.yaml",
    "blended_sales_service.yaml",
    "callbacks_in_surge.yaml",
    "chat_voice_support.yaml",
]


def same(a: Observations, b: Observations) -> None:
    for f in dataclasses.fields(Observations):
        np.testing.assert_array_equal(getattr(a, f.name), getattr(b, f.name), err_msg=f.name)


@pytest.mark.parametrize("name", MIXED)
def test_days_in_sequence_equal_each_day_alone(name):
    """The kernel leaves the shared tables as it found them: a day run after others
    of the same scenario object is the day run first on a fresh one."""
    sc = load_scenario(ROOT / "scenarios" / name)
    draws = [draw_calls(sc, 5, r) for r in range(3)]
    in_turn = [simulate_day_fast(sc, draws[r], 5, r) for r in (0, 1, 2, 0)]
    same(in_turn[0], in_turn[3])
    for r in (1, 2):
        alone = load_scenario(ROOT / "scenarios" / name)  # another object: packed anew
        same(in_turn[r], simulate_day_fast(alone, draws[r], 5, r))


def test_shared_tables_are_read_only_and_the_state_is_fresh():
    sc = load_scenario(ROOT / "scenarios" / "bank_multiskill.yaml")
    calls = draw_calls(sc, 1, 0)
    args = pack(sc, calls, staff_arrays(sc, 1, 0), kernel_observations(sc, calls))
    mutable = {"ti", "gi", "ai", "af", "own_handle", "n_out"}
    for name in ("skills", "glist", "ovi", "gk", "gkf", "cbf", "sf", "si", "retry_prob"):
        assert not args[name].flags.writeable, name
        with pytest.raises(ValueError, match="read-only"):
            args[name][...] = 0
    for name in mutable:
        assert args[name].flags.writeable, name
    # The queues and agents the kernel changes are copies, never the shared ones.
    assert not np.shares_memory(args["ti"], routing_tables(sc)["ti"])
    again = staff_arrays(sc, 1, 0)
    assert not np.shares_memory(args["ai"], again["ai"])
    # The plans' steps are shared when no absence is drawn, a day's own otherwise.
    ref = load_scenario(ROOT / "scenarios" / "reference_80_erlangs.yaml")
    assert staff_arrays(ref, 1, 0)["sf"] is staff_arrays(ref, 1, 1)["sf"]
    assert staff_arrays(sc, 1, 0)["sf"] is not staff_arrays(sc, 1, 0)["sf"]  # bank's absences


def test_a_changed_scenario_is_packed_anew():
    sc = load_scenario(ROOT / "scenarios" / "bank_multiskill.yaml")
    calls = draw_calls(sc, 3, 0)
    simulate_day_fast(sc, calls, 3, 0)  # packs sc
    group = sc.agent_groups[0].name
    changed = sc.with_changes({f"agent_groups.{group}.reserve": 2, "trunks": 40})
    assert staff_arrays(changed, 3, 0)["ai"].shape == staff_arrays(sc, 3, 0)["ai"].shape
    assert routing_tables(changed)["gi"][0, 3] == 2 != routing_tables(sc)["gi"][0, 3]
    assert _scenario_tables(changed)["trunks"] == 40
    np.testing.assert_array_equal(
        simulate_day_fast(changed, calls, 3, 0).outcome, simulate_day(changed, calls, 3, 0).outcome
    )
    fewer = sc.with_changes({f"agent_groups.{group}.shrinkage": 0.0})
    assert staff_arrays(fewer, 3, 0)["ai"][:, 2].sum() < staff_arrays(sc, 3, 0)["ai"][:, 2].sum()


def _steps_of(plan):
    """A plan's steps as `agent_day` takes them: by due time, then kind (break,
    absence, log-out), then as listed."""
    steps = [(t, BREAK, length, paid) for t, length, paid in plan.breaks]
    steps += [(t0, ABSENCE, t1, True) for t0, t1 in plan.absences]
    if not plan.open_end:
        steps.append((plan.end, LOG_OUT, 0.0, True))
    return sorted(steps, key=lambda s: (s[0], s[1]))


@pytest.mark.parametrize("name", MIXED[:2] + ["service_line_day.yaml", "tech_support.yaml"])
def test_roster_arrays_are_the_plans_step_by_step(name):
    sc = load_scenario(ROOT / "scenarios" / name)
    for replication in range(4):
        plans = build_roster(sc, 9, replication)
        staff = staff_arrays(sc, 9, replication)
        ai, af, sf, si = staff["ai"], staff["af"], staff["sf"], staff["si"]
        assert ai.shape[0] == len(plans)
        for p, plan in enumerate(plans):
            assert ai[p, :3].tolist() == [plan.group, plan.open_end, plan.absent_all_shift]
            assert af[p, :2].tolist() == [plan.start, plan.end]
            lo, hi = ai[p, 3], ai[p, 4]
            pairs = zip(sf[lo:hi].tolist(), si[lo:hi].tolist(), strict=True)
            got = [(a, k, b, bool(paid)) for (a, b), (k, paid) in pairs]
            assert got == [(t, k, x, bool(paid)) for t, k, x, paid in _steps_of(plan)]
    if name == "bank_multiskill.yaml":
        assert any(p.absences for p in plans) and any(p.absent_all_shift for p in plans)


def _legs(outcome, group, leg, wait) -> Observations:
    n = len(outcome)
    obs = Observations.empty(n, 1, 1)
    obs.outcome[:] = outcome
    obs.group[:] = group
    obs.leg[:] = leg
    obs.wait[:] = wait
    return obs


def test_conservation_passes_a_consistent_day():
    _legs(
        [BLOCKED, ANSWERED, ABANDONED, NOT_REACHED, NOT_REACHED],
        [-1, 0, -1, -1, 0],
        [0, 0, 0, CALLBACK, OUTBOUND],
        [np.nan, 0.0, 3.0, 9.0, 0.0],
    ).check_conservation()


@pytest.mark.parametrize(
    ("outcome", "group", "leg", "wait", "what"),
    [
        ([ANSWERED, -1], [0, -1], [0, 0], [0.0, np.nan], "arrivals but outcomes"),
        ([ANSWERED, 7], [0, -1], [0, 0], [0.0, np.nan], "arrivals but outcomes"),
        ([ANSWERED], [-1], [0], [0.0], "without a group"),
        ([ABANDONED], [0], [0], [1.0], "without a group"),
        ([BLOCKED], [1], [0], [np.nan], "without a group"),
        ([NOT_REACHED], [-1], [OUTBOUND], [0.0], "outbound try"),
        ([ANSWERED], [0], [0], [np.nan], "no valid wait"),
        ([ABANDONED], [-1], [0], [-1.0], "no valid wait"),
    ],
)
def test_conservation_catches_each_broken_rule(outcome, group, leg, wait, what):
    with pytest.raises(AssertionError, match=what):
        _legs(outcome, group, leg, wait).check_conservation()
