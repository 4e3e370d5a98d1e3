"""The compiled engine (`ccsim.models.fast`) against the SimPy engine, call by call.

Same scenario, same pre-drawn callers, same seed: the two engines must give the
same observations, every array of them (outcome, group and wait are the ones that
matter most; the rest, talk times, floor time, breaks, overtime, follow). Cases:
every shipped scenario, the hand-made days of test_routing.py and test_model.py,
and random small days with whole-second times, where events tie all the time
(calls arriving together, a patience running out as an agent frees, a break due
as a call ends), so the order of events at equal times is tested too.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from ccsim.kernels import decisions, engine
from ccsim.models import agents as simpy_agents
from ccsim.models import fast
from ccsim.models.calls import CallDraws, draw_calls
from ccsim.models.center import simulate_day
from ccsim.models.fast import simulate_day_fast, supports
from ccsim.models.legs import leg_capacity
from ccsim.observations import (
    ABANDONED,
    ANSWERED,
    BLOCKED,
    CALLBACK,
    FIRST,
    IVR_HANG_UP,
    OUTBOUND,
    RETRIAL,
    SELF_SERVED,
    TRANSFER,
    Observations,
)
from ccsim.scenario import load_scenario, parse_scenario
from ccsim.scenario.model import (
    AGENT_SELECTIONS,
    Absence,
    AgentGroup,
    Break,
    Callback,
    CallType,
    CrisisEvent,
    Distribution,
    Horizon,
    Outbound,
    OverflowStep,
    Retrial,
    Scenario,
    Shift,
    Transfer,
)
from ccsim.scenario.week import is_week_file

ROOT = Path(__file__).resolve().parent.parent
#: What the fast engine refuses today (`supports` names the first one found).
REFUSED: tuple[str, ...] = ()  # every shipped scenario runs compiled
SHIPPED = sorted(
    p
    for p in [*(ROOT / "scenarios").glob("**/*.yaml"), *(ROOT / "tests/data/good").glob("*.yaml")]
    if not is_week_file(p)  # a week runs as one-day scenarios: tests/test_week.py
)
#: The shipped scenarios the fast engine runs (the others it refuses by name:
#: `test_supports_the_shipped_scenarios`).
FAST_SHIPPED = [p for p in SHIPPED if supports(load_scenario(p)) is None]
START = 8 * 3600.0
INF = np.inf


def assert_same(a: Observations, b: Observations, label: str = "") -> None:
    """Every array equal: outcome and group exactly, times to 1e-9 s."""
    np.testing.assert_array_equal(a.outcome, b.outcome, err_msg=f"{label} outcome")
    np.testing.assert_array_equal(a.group, b.group, err_msg=f"{label} group")
    np.testing.assert_allclose(a.wait, b.wait, rtol=0, atol=1e-9, err_msg=f"{label} wait")
    for f in dataclasses.fields(Observations):
        x, y = getattr(a, f.name), getattr(b, f.name)
        assert x.shape == y.shape, f"{label} {f.name}: shapes {x.shape} {y.shape}"
        if x.dtype.kind == "f":
            np.testing.assert_allclose(x, y, rtol=0, atol=1e-9, err_msg=f"{label} {f.name}")
        else:
            np.testing.assert_array_equal(x, y, err_msg=f"{label} {f.name}")


def both(scenario: Scenario, calls: CallDraws, seed: int = 0, replication: int = 0):
    """Run both engines on the same inputs; check they agree; return SimPy's."""
    assert supports(scenario) is None, supports(scenario)
    a = simulate_day(scenario, calls, seed, replication)
    b = simulate_day_fast(scenario, calls, seed, replication)
    assert_same(a, b)
    return a


# -- codes shared with the model ----------------------------------------------------


def test_kernel_codes_match_the_model():
    assert (engine.BLOCKED, engine.ANSWERED, engine.ABANDONED) == (BLOCKED, ANSWERED, ABANDONED)
    order = (engine.LONGEST_IDLE, engine.PREFERENCE, engine.RANDOM)
    assert [AGENT_SELECTIONS[i] for i in order] == ["longest_idle", "preference", "random"]
    assert (engine.BREAK, engine.ABSENCE, engine.LOG_OUT) == (
        simpy_agents.BREAK,
        simpy_agents.ABSENCE,
        simpy_agents.LOG_OUT,
    )
    assert SELF_SERVED >= 0 and IVR_HANG_UP >= 0  # IVR exits are stored as outcomes
    kinds = (decisions.FIRST, decisions.RETRIAL, decisions.TRANSFER, decisions.CALLBACK)
    assert kinds + (decisions.OUTBOUND,) == (FIRST, RETRIAL, TRANSFER, CALLBACK, OUTBOUND)


def test_kernel_cache_is_keyed_on_the_shared_decisions():
    """A kernel's cached machine code contains the functions it calls from the other
    files of the engine: a change to any of them (a routing rule in `decisions`)
    must make numba discard it (`decisions.key_engine_caches`)."""
    import importlib

    from numba.core.dispatcher import Dispatcher

    folder = Path(decisions.__file__).parent
    stamps = [os.stat(folder / name) for name in decisions.ENGINE_SOURCES]
    checked = 0
    for name in decisions.ENGINE_SOURCES:
        module = importlib.import_module(f"ccsim.kernels.{Path(name).stem}")
        for obj in vars(module).values():
            if isinstance(obj, Dispatcher) and obj.py_func.__module__ == module.__name__:
                if obj.py_func.__name__.endswith("_jit") or module is decisions:
                    continue  # the decisions call nothing
                key = obj._cache._cache_file._source_stamp
                assert all((st.st_mtime, st.st_size) in key for st in stamps), obj
                checked += 1
    assert checked > 10


# -- shipped scenarios --------------------------------------------------------------


@pytest.mark.parametrize("path", FAST_SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_scenario_call_by_call(path):
    scenario = load_scenario(path)
    for seed, replication in ((1, 0), (2, 3)):
        calls = draw_calls(scenario, seed, replication)
        obs = both(scenario, calls, seed, replication)
        assert np.sum(obs.leg == FIRST) == calls.n_calls  # then redials and transfers


@pytest.mark.slow
@pytest.mark.parametrize("path", FAST_SHIPPED, ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_scenario_many_replications(path):
    scenario = load_scenario(path)
    for replication in range(8):
        both(scenario, draw_calls(scenario, 20260, replication), 20260, replication)


# -- the hand-made days of test_routing.py and test_model.py ------------------------


def base(types=("a", "b"), groups=None, trunks=None):
    text = (
        "name: tiny\nhorizon: {start: '08:00', end: '09:00', interval: 30min}\n"
        + (f"trunks: {trunks}\n" if trunks else "")
        + "call_types:\n"
        + "".join(
            f"  {t}: {{arrivals: {{rate: 1/h}}, handle_time: {{dist: deterministic, value: 1s}}}}\n"
            for t in types
        )
        + "agent_groups:\n"
        + (groups or "  all: {skills: [" + ", ".join(types) + "], agents: 1}\n")
    )
    return parse_scenario(text)


def with_groups(sc, *groups, **changes):
    return replace(sc, agent_groups=tuple(groups), **changes)


def with_type(sc, name, **changes):
    types = tuple(replace(c, **changes) if c.name == name else c for c in sc.call_types)
    return replace(sc, call_types=types)


def calls(rows, route_u=None) -> CallDraws:
    """rows: (arrival offset s, type, handle, wrap, patience), in arrival order."""
    a = np.array(rows, dtype=float)
    c = CallDraws(
        arrival=START + a[:, 0],
        call_type=a[:, 1].astype(np.int32),
        handle=a[:, 2],
        wrap=a[:, 3],
        patience=a[:, 4],
    )
    if route_u is not None:
        c.route_u[:] = route_u
    return c


def shift_scenario(*shifts, absences=()):
    return with_groups(base(("a",)), AgentGroup("g", ("a",), shifts=shifts), absences=absences)


def _hand_made_cases():
    one = base(("a",), "  one: {skills: [a], agents: 1}\n")
    two_x_y = base(("a",), "  x: {skills: [a], agents: 1}\n  y: {skills: [a], agents: 1}\n")
    xy = with_groups(base(("a",)), AgentGroup("x", ("a",), 1), AgentGroup("y", ("a",), 1))
    xyz = with_groups(
        base(("a",)),
        AgentGroup("x", ("a",), 1),
        AgentGroup("y", ("a",), 1),
        AgentGroup("z", ("a",), 1),
    )
    three = [(0, 0, 100, 0, INF), (10, 0, 10, 0, INF), (20, 1, 10, 0, INF)]
    yield (
        "priority one skill",
        with_groups(base(), AgentGroup("g", ("b", "a"), 1, priorities=(1, 2))),
        calls(three),
    )
    yield "vip type", with_type(base(), "b", priority=1), calls(three)
    yield (
        "overflow at after",
        with_type(xy, "a", overflow=(OverflowStep(30.0, ("y",)),)),
        calls([(0, 0, 100, 0, INF), (10, 0, 10, 0, INF)]),
    )
    steps = (OverflowStep(30.0, ("y",)), OverflowStep(90.0, ("z",)))
    yield (
        "staged overflow",
        with_type(xyz, "a", overflow=steps),
        calls([(0, 0, 500, 0, INF), (1, 0, 500, 0, INF), (5, 0, 10, 0, INF)]),
    )
    yield (
        "overflow group takes only overflowed calls",
        with_type(xy, "a", overflow=(OverflowStep(60.0, ("y",)),)),
        calls([(0, 0, 1000, 0, INF), (1, 0, 20, 0, INF), (70, 0, 5, 0, INF)]),
    )
    reserve = AgentGroup("g", ("a", "b"), 2, priorities=(1, 2), reserve=1)
    yield "reserve", with_groups(base(), reserve), calls([(0, 0, 100, 0, INF), (10, 1, 10, 0, INF)])
    yield (
        "preference",
        with_type(xy, "a", agent_selection="preference", preference=("y", "x")),
        calls([(0, 0, 10, 0, INF), (20, 0, 10, 0, INF)]),
    )
    yield (
        "random selection",
        with_type(xy, "a", agent_selection="random"),
        calls([(0, 0, 10, 0, INF), (20, 0, 10, 0, INF)], route_u=[0.9, 0.1]),
    )
    slow = AgentGroup("slow", ("a",), 1, handle_time_factor=(("a", 1.5),))
    yield "handle time factor", with_groups(base(("a",)), slow), calls([(0, 0, 100, 0, INF)])
    own = AgentGroup("own", ("a",), 1, handle_time=(("a", Distribution("deterministic", (7.0,))),))
    own_sc = with_groups(base(("a",)), own)
    yield "own handle time", own_sc, draw_calls(own_sc, seed=1, replication=0)
    yield (
        "shift end finishes the call",
        shift_scenario(Shift(START, START + 600, 1), Shift(START + 900, START + 3600, 1)),
        calls([(590, 0, 100, 0, INF), (700, 0, 10, 0, INF)]),
    )
    yield (
        "break delayed by a call",
        shift_scenario(Shift(START, START + 3600, 1, breaks=(Break(START + 300, 60.0),))),
        calls([(250, 0, 150, 0, INF), (420, 0, 10, 0, INF)]),
    )
    unpaid = Break(START + 300, 60.0, paid=False)
    yield (
        "unpaid break on time",
        shift_scenario(Shift(START, START + 3600, 1, breaks=(unpaid,))),
        calls([(310, 0, 10, 0, INF)]),
    )
    window = Break(START + 600, 300.0, window_end=START + 1500)
    yield (
        "staggered breaks",
        shift_scenario(Shift(START, START + 3600, 3, breaks=(window,))),
        calls([(3000, 0, 1, 0, INF)]),
    )
    yield (
        "absence",
        shift_scenario(
            Shift(START, START + 3600, 2), absences=(Absence("g", START + 100, START + 400, 1),)
        ),
        calls([(150, 0, 500, 0, INF), (200, 0, 10, 0, INF)]),
    )
    yield (
        "closing hang-up",
        shift_scenario(Shift(START, START + 600, 1)),
        calls([(700, 0, 10, 0, INF)]),
    )
    yield (
        "fcfs and abandonment",
        one,
        calls([(0, 0, 30, 0, INF), (10, 0, 30, 0, INF), (20, 0, 30, 0, 25), (25, 0, 30, 0, INF)]),
    )
    yield (
        "wrap-up frees the line",
        base(("a",), "  one: {skills: [a], agents: 2}\n", trunks=1),
        calls([(0, 0, 10, 50, INF), (5, 0, 10, 0, INF), (12, 0, 10, 0, INF)]),
    )
    yield "wrap-up delays", one, calls([(0, 0, 10, 50, INF), (5, 0, 10, 0, INF)])
    yield (
        "longest idle",
        two_x_y,
        calls([(0, 0, 10, 0, INF), (0, 0, 20, 0, INF), (30, 0, 5, 0, INF)]),
    )
    yield (
        "idle since over group order",
        two_x_y,
        calls([(0, 0, 50, 0, INF), (1, 0, 9, 0, INF), (60, 0, 5, 0, INF)]),
    )
    yield (
        "longest wait across skills",
        base(("a", "b"), "  both: {skills: [a, b], agents: 1}\n"),
        calls([(0, 0, 100, 0, INF), (10, 1, 10, 0, INF), (20, 0, 10, 0, INF)]),
    )
    yield "drain", one, calls([(3598, 0, 600, 0, INF), (3599, 0, 600, 0, INF)])
    yield "patience ends as the agent frees", one, calls([(0, 0, 30, 0, INF), (10, 0, 5, 0, 20)])


HAND_MADE = list(_hand_made_cases())


@pytest.mark.parametrize("case", HAND_MADE, ids=[c[0] for c in HAND_MADE])
def test_hand_made_day_call_by_call(case):
    _, scenario, draws = case
    both(scenario, draws)


def test_staffing_line_and_pooled_groups_call_by_call():
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
        AgentGroup("g2", ("a", "b"), agents_per_interval=(11, 11, 9, 11, 12, 11, 11, 11)),
        AgentGroup("g3", ("a", "b"), 7, reserve=2, priorities=(1, 2)),
    )
    for scenario in (sc, split):
        both(scenario, draw_calls(sc, 4, 0))


def test_trunk_outage_and_crisis_events_call_by_call():
    sc = load_scenario(ROOT / "tests" / "data" / "good" / "contact_center.yaml")
    events = (
        CrisisEvent("trunk_outage", START + 1800, START + 3600, trunks=5),
        CrisisEvent("surge", START + 3600, START + 5400, factor=1.8),
        CrisisEvent("group_outage", START + 600, START + 2400, group="generalists", agents=4),
        CrisisEvent("absenteeism", START + 7200, START + 9000, group="generalists", fraction=0.2),
        CrisisEvent("ivr_outage", START + 3000, START + 6000, to="billing"),
    )
    sc = replace(sc, trunks=40, events=events, busyness=Distribution("gamma", (100.0, 0.01)))
    assert supports(sc) is None
    for replication in range(2):
        obs = both(sc, draw_calls(sc, 5, replication), 5, replication)
        assert np.any(obs.outcome == BLOCKED)


def test_behaviours_scenario_without_its_unsupported_features_call_by_call():
    """The every-key behaviours scenario, less callbacks: its redials (after blocks or
    not), transfers, crisis events, busyness and partner group run on the fast
    engine; and less redials too."""
    sc = load_scenario(ROOT / "tests" / "data" / "behaviours" / "every_key.yaml")
    assert any(c.transfer is not None for c in sc.call_types)
    kept = tuple(replace(c, callback=None) for c in sc.call_types)
    sc = replace(sc, call_types=kept)
    assert supports(sc) is None
    assert any(c.retrial is not None for c in sc.call_types)
    for replication in range(3):
        calls = draw_calls(sc, 11, replication)
        obs = both(sc, calls, 11, replication)
        assert np.sum(obs.leg == RETRIAL) > 0
        assert np.sum(obs.leg == TRANSFER) > 0
        assert obs.n_calls > calls.n_calls
    plain = replace(sc, call_types=tuple(replace(c, retrial=None) for c in sc.call_types))
    for replication in range(2):
        both(plain, draw_calls(plain, 11, replication), 11, replication)


def test_surge_scenario_with_redials_call_by_call():
    """The storm afternoon, less its callbacks, keeps its redials: a big busy day."""
    sc = load_scenario(ROOT / "scenarios" / "callbacks_in_surge.yaml")
    sc = replace(sc, call_types=tuple(replace(c, callback=None) for c in sc.call_types))
    assert supports(sc) is None
    obs = both(sc, draw_calls(sc, 3, 1), 3, 1)
    assert np.sum(obs.leg == RETRIAL) > 0


# -- redials (test_behaviours.py's hand-made cases, and more) -------------------------


def redial_calls(rows, redials, u=0.0, delay=100.0, patience=INF) -> CallDraws:
    """`calls` with every caller's redial draws: ``u`` (0: every redial happens), the
    ``delay`` and the redial's ``patience``."""
    c = calls(rows)
    n = len(rows)
    c.retry_u = np.full((n, redials), u)
    c.retry_delay = np.full((n, redials), delay)
    c.retry_patience = np.full((n, redials), patience)
    return c


def _redial_cases():
    fixed = Distribution("deterministic", (100.0,))
    one = base(("a", "b"))
    retry3 = with_type(one, "a", retrial=Retrial(0.5, fixed, max_attempts=3))
    c = redial_calls([(0, 0, 50, 0, INF), (10, 0, 10, 0, 20)], 2)
    c.retry_u[1] = [0.2, 0.9]
    yield "abandoned caller redials after the delay", retry3, c, 3
    c = redial_calls([(0, 0, 5000, 0, INF), (10, 0, 10, 0, 1)], 2, patience=1.0)
    yield "redials stop at max attempts", retry3, c, 4
    c = redial_calls([(0, 0, 5000, 0, INF), (10, 0, 10, 0, 1)], 2)
    c.retry_u[1] = [0.7, 0.0]
    yield "no redial after a no", retry3, c, 2
    two = base(("a", "b"), "  g: {skills: [a, b], agents: 2}\n", trunks=1)
    blocked = with_type(two, "a", retrial=Retrial(1.0, fixed, 2))
    c = redial_calls([(0, 0, 50, 0, INF), (10, 0, 10, 0, INF)], 1)
    yield "blocked caller redials", blocked, c, 3
    not_after_block = with_type(blocked, "a", retrial=Retrial(1.0, fixed, 2, after_blocked=False))
    yield "no redial after a block when not after_blocked", not_after_block, c, 2
    # The redial falls due as the line frees and another call arrives: it takes the
    # line (scheduled before the arrival), the new call is blocked and redials.
    c = redial_calls([(0, 0, 100, 0, INF), (0, 0, 10, 0, INF), (100, 0, 10, 0, INF)], 1)
    yield "redial ties with an arrival and a hang-up", blocked, c, 5
    ivr = with_type(one, "a", retrial=Retrial(1.0, fixed, 4))
    c = redial_calls([(0, 0, 300, 0, INF), (5, 0, 10, 0, 30)], 3, delay=50.0, patience=30.0)
    c.via_ivr[1] = True
    c.ivr_time[1] = 20.0
    yield "redial through the IVR", ivr, c, 5
    own = AgentGroup("own", ("a",), 1, handle_time=(("a", Distribution("deterministic", (7.0,))),))
    own_sc = with_type(with_groups(base(("a",)), own), "a", retrial=Retrial(1.0, fixed, 3))
    c = redial_calls([(0, 0, 300, 0, INF), (5, 0, 10, 0, 30)], 2)
    c.group_handle[(0, 0)] = np.array([300.0, 9.0])
    yield "own handle time of the redialing caller", own_sc, c, 3


REDIALS = list(_redial_cases())


@pytest.mark.parametrize("case", REDIALS, ids=[c[0] for c in REDIALS])
def test_redial_day_call_by_call(case):
    _, scenario, draws, n_legs = case
    obs = both(scenario, draws)
    assert obs.n_calls == n_legs
    assert np.all(obs.leg[draws.n_calls :] == RETRIAL)
    assert np.all(obs.leg[: draws.n_calls] == FIRST)


def test_redial_rows_are_legs_of_their_caller():
    _, sc, c, _ = REDIALS[0]
    obs = both(sc, c)
    # Caller 1 abandons at 30, redials at 130 and is answered at once.
    assert obs.caller.tolist() == [0, 1, 1]
    assert obs.attempt.tolist() == [0, 0, 1]
    assert obs.outcome.tolist() == [ANSWERED, ABANDONED, ANSWERED]
    assert obs.arrival[2] - START == 130


# -- random small days, full of ties -------------------------------------------------


def random_day(
    rng: np.random.Generator,
    redials: bool = False,
    transfers: bool = False,
    outbound: bool = False,
    callbacks: bool = False,
    chat: bool = False,
) -> tuple[Scenario, CallDraws]:
    """A small random day: 1-3 call types, 1-3 groups, shifts with breaks, absences,
    overflow, reservation, every agent selection, IVR exits, trunks, wrap-ups; every
    time a whole number of seconds, so events often fall at the same instant.
    ``redials``: most types redial (after blocks or not), and trunks are likelier.
    ``transfers``: most types transfer a share of their calls to a random type.
    ``outbound``: one or two campaigns dial from random groups in random windows.
    ``callbacks``: most types offer callbacks (either predictor, with or without a
    deadline). ``chat``: some types are chats, and groups take up to three at once."""
    n_types = int(rng.integers(1, 4))
    n_groups = int(rng.integers(1, 4))
    types = [f"t{i}" for i in range(n_types)]
    names = [f"g{i}" for i in range(n_groups)]
    end = START + 1800.0
    skills = []
    for g in range(n_groups):
        mine = [t for t in types if rng.random() < 0.6] or [types[g % n_types]]
        skills.append(list(rng.permutation(mine)))
    for t in types:  # every type has a group
        if not any(t in s for s in skills):
            skills[int(rng.integers(n_groups))].append(t)
    groups = []
    for g in range(n_groups):
        prios = tuple(int(p) for p in np.sort(rng.integers(1, 3, len(skills[g]))))
        kw = {}
        staffing = rng.random()
        if staffing < 0.4:
            kw["agents"] = int(rng.integers(1, 4))
        elif staffing < 0.6:
            kw["agents_per_interval"] = tuple(int(x) for x in rng.integers(0, 4, 3))
        else:
            shifts = []
            for _ in range(int(rng.integers(1, 3))):
                s0 = START + 60.0 * int(rng.integers(0, 15))
                s1 = min(end, s0 + 60.0 * int(rng.integers(5, 30)))
                breaks = ()
                if rng.random() < 0.6 and s1 - s0 > 400:
                    at = s0 + 10.0 * int(rng.integers(1, (s1 - s0 - 200) // 10))
                    window = at + 200.0 if rng.random() < 0.5 else None
                    breaks = (
                        Break(at, 10.0 * int(rng.integers(1, 10)), window, rng.random() < 0.5),
                    )
                shifts.append(Shift(s0, s1, int(rng.integers(1, 4)), breaks))
            kw["shifts"] = tuple(shifts)
        factors = tuple((s, 1.5) for s in skills[g] if rng.random() < 0.2)
        groups.append(
            AgentGroup(
                names[g],
                tuple(skills[g]),
                priorities=prios,
                reserve=int(rng.integers(0, 3)) if rng.random() < 0.3 else 0,
                handle_time_factor=factors,
                shrinkage=0.3 if rng.random() < 0.2 else 0.0,
                **kw,
            )
        )
    call_types = []
    for t in types:
        retrial = None
        if redials and rng.random() < 0.8:
            retrial = Retrial(
                float(rng.choice([0.3, 0.7, 1.0])),
                Distribution("deterministic", (60.0,)),
                int(rng.integers(2, 5)),
                bool(rng.random() < 0.7),
            )
        skilled = [names[g] for g in range(n_groups) if t in skills[g]]
        selection = AGENT_SELECTIONS[int(rng.integers(len(AGENT_SELECTIONS)))]
        preference = tuple(rng.permutation(skilled)) if selection == "preference" else ()
        overflow = ()
        if len(skilled) > 1 and rng.random() < 0.6:
            late = list(rng.permutation(skilled))[: int(rng.integers(1, len(skilled)))]
            after = 0.0
            steps = []
            for name in late:
                after += 10.0 * int(rng.integers(1, 6))
                steps.append(OverflowStep(after, (name,)))
            overflow = tuple(steps)
        call_types.append(
            CallType(
                t,
                (1.0, 1.0, 1.0),
                Distribution("deterministic", (60.0,)),
                priority=int(rng.integers(1, 4)) if rng.random() < 0.5 else 5,
                agent_selection=selection,
                preference=preference,
                overflow=overflow,
                retrial=retrial,
            )
        )
    absences = ()
    if rng.random() < 0.3:
        g = int(rng.integers(n_groups))
        a0 = START + 60.0 * int(rng.integers(0, 20))
        absences = (Absence(names[g], a0, a0 + 60.0 * int(rng.integers(1, 10)), 1),)
    scenario = Scenario(
        name="random",
        horizon=Horizon(START, end, 600.0),
        call_types=tuple(call_types),
        agent_groups=tuple(groups),
        trunks=int(rng.integers(2, 8)) if rng.random() < (0.6 if redials else 0.3) else None,
        absences=absences,
    )
    if rng.random() < 0.2 and scenario.trunks is not None:
        t0 = START + 60.0 * int(rng.integers(0, 20))
        outage = CrisisEvent("trunk_outage", t0, t0 + 300.0, trunks=1)
        scenario = replace(scenario, events=(outage,))

    n = int(rng.integers(10, 80))
    arrival = START + np.sort(rng.integers(0, 1800, n)).astype(float)
    call_type = rng.integers(0, n_types, n).astype(np.int32)
    via_ivr = rng.random(n) < 0.25
    ivr_exit = np.where(
        via_ivr & (rng.random(n) < 0.3), rng.choice([SELF_SERVED, IVR_HANG_UP], n), -1
    )
    call_type[ivr_exit >= 0] = -1
    patience = np.where(rng.random(n) < 0.6, rng.integers(1, 200, n).astype(float), INF)
    draws = CallDraws(
        arrival=arrival,
        call_type=call_type,
        handle=rng.integers(0, 300, n).astype(float),
        wrap=np.where(rng.random(n) < 0.4, rng.integers(0, 60, n), 0).astype(float),
        patience=patience,
        ivr_time=np.where(via_ivr, rng.integers(0, 40, n), 0).astype(float),
        via_ivr=via_ivr,
        ivr_exit=ivr_exit.astype(np.int8),
        route_u=rng.random(n),
    )
    for g in range(n_groups):
        for t in skills[g]:
            if rng.random() < 0.15:
                k = types.index(t)
                own = np.full(n, np.nan)
                own[call_type == k] = rng.integers(1, 200, int(np.sum(call_type == k)))
                draws.group_handle[(g, k)] = own
    if redials:
        r = max((c.retrial.max_attempts - 1 for c in call_types if c.retrial), default=0)
        draws.retry_u = rng.random((n, r))
        draws.retry_delay = rng.integers(0, 300, (n, r)).astype(float)
        draws.retry_patience = np.where(
            rng.random((n, r)) < 0.7, rng.integers(1, 200, (n, r)).astype(float), INF
        )
    if transfers:
        with_transfer = []
        for c in scenario.call_types:
            if rng.random() < 0.7:
                to = types[int(rng.integers(n_types))]
                c = replace(c, transfer=Transfer(float(rng.choice([0.3, 0.7, 1.0])), to))
            with_transfer.append(c)
        scenario = replace(scenario, call_types=tuple(with_transfer))
        draws.transfer_u = rng.random(n)
        draws.transfer_handle = rng.integers(0, 300, n).astype(float)
        draws.transfer_wrap = np.where(rng.random(n) < 0.4, rng.integers(0, 60, n), 0).astype(float)
        draws.transfer_patience = np.where(
            rng.random(n) < 0.6, rng.integers(1, 200, n).astype(float), INF
        )
    if outbound:
        campaigns = []
        for c in range(int(rng.integers(1, 3))):
            t0 = START + 60.0 * int(rng.integers(0, 20))
            customers = int(rng.integers(1, 25))
            mine = tuple(g.name for g in scenario.agent_groups if rng.random() < 0.6)
            campaigns.append(
                Outbound(
                    f"c{c}",
                    customers,
                    t0,
                    min(end, t0 + 60.0 * int(rng.integers(1, 30))),
                    mine or (scenario.agent_groups[0].name,),
                    float(rng.choice([0.3, 0.7])),
                    Distribution("deterministic", (60.0,)),
                    attempt_time=float(rng.integers(0, 60)),
                    idle_threshold=int(rng.integers(0, 3)),
                )
            )
            draws.outbound.append(
                (
                    rng.random(customers),
                    rng.integers(0, 300, customers).astype(float),
                    np.where(rng.random(customers) < 0.4, rng.integers(0, 60, customers), 0),
                )
            )
        scenario = replace(scenario, outbound=tuple(campaigns))
    if callbacks:
        offering = []
        for c in scenario.call_types:
            if rng.random() < 0.7:
                cb = Callback(
                    float(rng.integers(0, 120)),
                    float(rng.choice([0.5, 1.0])),
                    float(rng.choice([0.6, 1.0])),
                    str(rng.choice(["queue_length", "last_wait"])),
                    float(rng.integers(30, 300)) if rng.random() < 0.5 else None,
                    float(rng.integers(0, 60)),
                )
                c = replace(c, callback=cb)
            offering.append(c)
        scenario = replace(scenario, call_types=tuple(offering))
        draws.callback_u = rng.random((n, 2))
    if chat:
        channels = tuple(
            replace(c, channel="chat") if rng.random() < 0.5 else c for c in scenario.call_types
        )
        groups = []
        for g in scenario.agent_groups:
            most = int(rng.integers(1, 4))
            factors = (1.0, *(float(f) for f in rng.choice([1.0, 1.25, 1.5], most - 1)))
            groups.append(replace(g, chat_max=most, chat_factors=factors))
        scenario = replace(scenario, call_types=channels, agent_groups=tuple(groups))
    return scenario, draws


@pytest.mark.parametrize("block", range(4))
def test_random_tied_days_call_by_call(block):
    rng = np.random.default_rng(1000 + block)
    for i in range(60):
        scenario, draws = random_day(rng)
        seed = int(rng.integers(1 << 30))
        a = simulate_day(scenario, draws, seed, i)
        b = simulate_day_fast(scenario, draws, seed, i)
        assert_same(a, b, label=f"block {block} day {i}")


@pytest.mark.parametrize("block", range(4))
def test_random_tied_days_with_redials_call_by_call(block):
    rng = np.random.default_rng(2000 + block)
    legs = 0
    for i in range(60):
        scenario, draws = random_day(rng, redials=True)
        seed = int(rng.integers(1 << 30))
        a = simulate_day(scenario, draws, seed, i)
        b = simulate_day_fast(scenario, draws, seed, i)
        assert_same(a, b, label=f"block {block} day {i}")
        assert b.n_calls <= leg_capacity(scenario, draws)
        legs += int(np.sum(b.leg == RETRIAL))
    assert legs > 0


@pytest.mark.parametrize("block", range(4))
def test_random_tied_days_with_transfers_call_by_call(block):
    rng = np.random.default_rng(3000 + block)
    legs = 0
    for i in range(60):
        scenario, draws = random_day(rng, redials=block % 2 == 1, transfers=True)
        seed = int(rng.integers(1 << 30))
        a = simulate_day(scenario, draws, seed, i)
        b = simulate_day_fast(scenario, draws, seed, i)
        assert_same(a, b, label=f"block {block} day {i}")
        assert b.n_calls <= leg_capacity(scenario, draws)
        legs += int(np.sum(b.leg == TRANSFER))
    assert legs > 0


@pytest.mark.parametrize("block", range(4))
def test_random_tied_days_with_outbound_call_by_call(block):
    rng = np.random.default_rng(4000 + block)
    dials = 0
    for i in range(60):
        scenario, draws = random_day(
            rng, redials=block % 2 == 1, transfers=block >= 2, outbound=True
        )
        seed = int(rng.integers(1 << 30))
        a = simulate_day(scenario, draws, seed, i)
        b = simulate_day_fast(scenario, draws, seed, i)
        assert_same(a, b, label=f"block {block} day {i}")
        dials += int(np.sum(b.leg == OUTBOUND))
    assert dials > 0


@pytest.mark.parametrize("block", range(4))
def test_random_tied_days_with_callbacks_call_by_call(block):
    rng = np.random.default_rng(5000 + block)
    made = 0
    for i in range(60):
        scenario, draws = random_day(
            rng, redials=block % 2 == 1, transfers=block >= 2, outbound=block == 3, callbacks=True
        )
        seed = int(rng.integers(1 << 30))
        a = simulate_day(scenario, draws, seed, i)
        b = simulate_day_fast(scenario, draws, seed, i)
        assert_same(a, b, label=f"block {block} day {i}")
        made += int(np.sum(b.leg == CALLBACK))
    assert made > 0


@pytest.mark.slow
def test_many_random_tied_days_with_callbacks_call_by_call():
    rng = np.random.default_rng(11)
    for i in range(1000):
        scenario, draws = random_day(
            rng, redials=i % 2 == 1, transfers=i % 3 == 0, outbound=i % 4 == 0, callbacks=True
        )
        assert_same(
            simulate_day(scenario, draws, 3, i),
            simulate_day_fast(scenario, draws, 3, i),
            f"day {i}",
        )


@pytest.mark.parametrize("block", range(4))
def test_random_tied_days_with_chat_call_by_call(block):
    rng = np.random.default_rng(6000 + block)
    for i in range(60):
        scenario, draws = random_day(
            rng, redials=block % 2 == 1, outbound=block == 2, callbacks=block == 3, chat=True
        )
        seed = int(rng.integers(1 << 30))
        a = simulate_day(scenario, draws, seed, i)
        b = simulate_day_fast(scenario, draws, seed, i)
        assert_same(a, b, label=f"block {block} day {i}")


@pytest.mark.parametrize("block", range(2))
def test_random_tied_days_with_chat_transfers_call_by_call(block):
    """Chats that transfer (to a chat or to the phone) and calls that transfer to a
    chat: the transferred leg keeps the caller's phone line, if it had one."""
    rng = np.random.default_rng(6500 + block)
    with_chat_transfers = 0
    for i in range(60):
        scenario, draws = random_day(
            rng, redials=block == 1, transfers=True, callbacks=block == 1, chat=True
        )
        chats = {c.name for c in scenario.call_types if c.channel == "chat"}
        with_chat_transfers += any(
            c.transfer and (c.name in chats or c.transfer.to in chats) for c in scenario.call_types
        )
        seed = int(rng.integers(1 << 30))
        assert_same(
            simulate_day(scenario, draws, seed, i),
            simulate_day_fast(scenario, draws, seed, i),
            label=f"block {block} day {i}",
        )
    assert with_chat_transfers >= 20


def test_a_chat_transferred_to_the_phone_takes_no_line():
    """A chat moved to a phone call holds no trunk line (it came in on none), so it
    never frees one: the phone callers still find exactly ``trunks`` lines."""
    text = (
        "name: chat to phone\nhorizon: {start: '08:00', end: '10:00', interval: 1h}\n"
        "trunks: 2\ncall_types:\n"
        "  web: {arrivals: {rate: 60/h}, handle_time: {dist: deterministic, value: 60s},"
        " channel: chat, transfer: {probability: 1.0, to: phone}}\n"
        "  phone: {arrivals: {rate: 60/h}, handle_time: {dist: deterministic, value: 600s}}\n"
        "agent_groups:\n  g: {skills: [web, phone], agents: 30}\n"
    )
    sc = parse_scenario(text)
    obs = both(sc, draw_calls(sc, 4, 0), 4, 0)
    phone_first = (obs.leg == FIRST) & (obs.call_type == 1)
    start = obs.arrival[phone_first]
    answered = obs.outcome[phone_first] == ANSWERED
    # Phone callers in talk at once never exceed the trunks (30 agents: no queue).
    ends = start + obs.talk[phone_first]
    busy = [int(np.sum(answered & (start <= t) & (t < ends))) for t in start[answered]]
    assert max(busy) <= 2
    assert np.any(obs.outcome[phone_first] == BLOCKED)


@pytest.mark.slow
def test_many_random_tied_days_with_chat_call_by_call():
    rng = np.random.default_rng(12)
    for i in range(1000):
        scenario, draws = random_day(
            rng, redials=i % 2 == 1, outbound=i % 3 == 0, callbacks=i % 4 == 0, chat=True
        )
        assert_same(
            simulate_day(scenario, draws, 3, i),
            simulate_day_fast(scenario, draws, 3, i),
            f"day {i}",
        )


@pytest.mark.slow
def test_many_random_tied_days_with_outbound_call_by_call():
    rng = np.random.default_rng(10)
    for i in range(1000):
        scenario, draws = random_day(rng, redials=i % 2 == 1, transfers=i % 3 == 0, outbound=True)
        assert_same(
            simulate_day(scenario, draws, 3, i),
            simulate_day_fast(scenario, draws, 3, i),
            f"day {i}",
        )


@pytest.mark.slow
def test_many_random_tied_days_with_transfers_call_by_call():
    rng = np.random.default_rng(9)
    for i in range(1000):
        scenario, draws = random_day(rng, redials=i % 2 == 1, transfers=True)
        assert_same(
            simulate_day(scenario, draws, 3, i),
            simulate_day_fast(scenario, draws, 3, i),
            f"day {i}",
        )


@pytest.mark.slow
def test_many_random_tied_days_with_redials_call_by_call():
    rng = np.random.default_rng(8)
    for i in range(5000):
        scenario, draws = random_day(rng, redials=True)
        assert_same(
            simulate_day(scenario, draws, 3, i),
            simulate_day_fast(scenario, draws, 3, i),
            f"day {i}",
        )


@pytest.mark.slow
def test_many_random_tied_days_call_by_call():
    rng = np.random.default_rng(7)
    for i in range(5000):
        scenario, draws = random_day(rng)
        assert_same(
            simulate_day(scenario, draws, 3, i),
            simulate_day_fast(scenario, draws, 3, i),
            f"day {i}",
        )


def test_no_calls_and_no_agents_at_work():
    sc = shift_scenario(Shift(START + 600, START + 1200, 2))
    empty = CallDraws(np.empty(0), np.empty(0, np.int32), np.empty(0), np.empty(0), np.empty(0))
    obs = both(sc, empty)
    assert obs.n_calls == 0
    assert obs.staffed.sum() == pytest.approx(1200.0)


# -- supports() ----------------------------------------------------------------------


def _with_type_feature(**changes):
    sc = load_scenario(ROOT / "scenarios" / "reference_80_erlangs.yaml")
    return with_type(sc, sc.call_types[0].name, **changes)


def test_supports_the_base_model():
    for name in (
        "scenarios/reference_80_erlangs.yaml",
        "scenarios/demo_two_types.yaml",
        "scenarios/theory/erlang_b.yaml",
        "tests/data/good/bank.yaml",
        "tests/data/good/contact_center.yaml",
    ):
        assert supports(load_scenario(ROOT / name)) is None, name
    for path in SHIPPED:
        assert supports(load_scenario(path)) in (None, *REFUSED), path


def test_supports_names_the_first_unsupported_feature(monkeypatch):
    from ccsim.scenario.model import Retrial, Transfer

    exp = Distribution("exponential", (60.0,))
    assert supports(_with_type_feature(retrial=Retrial(0.5, exp))) is None
    assert supports(_with_type_feature(callback=Callback(60.0, 0.5))) is None
    assert supports(_with_type_feature(transfer=Transfer(0.1, "calls"))) is None
    assert supports(_with_type_feature(channel="chat")) is None
    chat_transfer = _with_type_feature(transfer=Transfer(0.1, "calls"), channel="chat")
    assert supports(chat_transfer) is None
    sc = load_scenario(ROOT / "scenarios" / "reference_80_erlangs.yaml")
    campaign = Outbound("c", 10, START, START + 3600, ("agents",), 0.5, exp)
    assert supports(replace(sc, outbound=(campaign,))) is None
    meteor = CrisisEvent("meteor", START, START + 60)
    assert supports(replace(sc, events=(meteor,))) == "meteor events"
    with pytest.raises(NotImplementedError, match="meteor events"):
        simulate_day_fast(replace(sc, events=(meteor,)), draw_calls(sc, 1, 0))


def test_supports_refuses_a_model_field_it_does_not_know(monkeypatch):
    """A feature added to the model later is refused while it is in use."""
    sc = load_scenario(ROOT / "scenarios" / "teaching_single_queue.yaml")
    monkeypatch.setattr(fast, "unpacked_fields", lambda: frozenset({"reserve", "trunks"}))
    assert supports(sc) is None  # at their defaults: nothing to refuse
    assert supports(replace(sc, trunks=10)) == "trunks"
    group = replace(sc.agent_groups[0], reserve=1)
    assert supports(replace(sc, agent_groups=(group,))) == "reserve"
    nested = Callback(60.0, 0.5)  # inside a call type: found there too
    monkeypatch.setattr(fast, "unpacked_fields", lambda: frozenset({"reach"}))
    assert supports(_with_type_feature(callback=nested)) is None
    assert supports(_with_type_feature(callback=replace(nested, reach=0.5))) == "reach"


def test_unpacked_fields_are_read_off_the_sources(tmp_path):
    """A field the SimPy side reads and the packing does not is unpacked; names
    that are no field of the format (``env``) never are."""
    simpy_side = tmp_path / "center.py"
    simpy_side.write_text("def f(g, env):\n    return g.reserve + g.skills + env.now\n")
    feed = tmp_path / "fast.py"
    feed.write_text("def pack(g):\n    return g.skills\n")
    assert fast.unpacked_between([simpy_side], [feed]) == {"reserve"}
    feed.write_text("def pack(g):\n    return g.skills, g.reserve\n")
    assert fast.unpacked_between([simpy_side], [feed]) == frozenset()


def test_the_compiled_engine_packs_every_field_the_simpy_model_reads():
    assert fast.unpacked_fields() == frozenset()


def test_supports_ignores_what_acts_outside_the_engine():
    sc = load_scenario(ROOT / "scenarios" / "teaching_single_queue.yaml")
    group = replace(sc.agent_groups[0], price_per_call=2.0, shrinkage=0.1)
    sc = replace(
        sc,
        agent_groups=(group,),
        busyness=Distribution("gamma", (100.0, 0.01)),
        engine="fast",
        events=(CrisisEvent("surge", START, START + 600, factor=2.0),),
    )
    assert supports(sc) is None
    both(sc, draw_calls(sc, 9, 1), 9, 1)
