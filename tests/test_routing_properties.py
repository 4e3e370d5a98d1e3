"""Routing rules checked as properties of random small days, on both engines.

These tests do not compare one engine with the other (that cannot catch a mistake
both make): each states what a routing rule means in terms of the observations
alone (who waited when, who was answered when, by which group) and checks it on
days hypothesis draws at random: one to three call types with random priorities,
one or two groups with random skill sets and skill priorities, random staffing,
loads from light to overloaded, with or without patience.

- **VIP first**: while a call waits, no group that could answer it answers a call
  of a worse call-type priority.
- **Longest wait first**: among equal priorities (call type and skill), a group
  never answers a call while an earlier-offered one it could answer still waits.
- **Work conserving**: while a call waits, every agent of every group that could
  answer it is busy (no reservation, no overflow delay in these days).
- **Conservation per interval**: the interval table's offered calls are the
  answered plus abandoned ones, interval by interval; and per group and interval
  the agents' busy time never exceeds their time on the floor.
- **Reservation**: a group whose ``reserve`` is all its agents never has more than
  ``reserve`` idle, so it never answers a skill below its best priority.
- **Chat concurrency**: a group never has more chats in progress than its agents
  times ``chat_max`` (SimPy only while the compiled engine refuses chat).

Times are compared with a small tolerance (``EPS``): an answer time is ``offered +
wait``, one rounding away from the engine's clock.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ccsim.metrics import replication_kpis
from ccsim.models.calls import draw_calls
from ccsim.models.center import simulate_day
from ccsim.models.fast import simulate_day_fast, supports
from ccsim.observations import ABANDONED, ANSWERED
from ccsim.scenario import parse_scenario

EPS = 1e-6
ENGINES = {"simpy": simulate_day, "fast": simulate_day_fast}
SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def days(draw, chat: bool = False, reserve: bool = False):
    """A random small day: (scenario, seed); ``reserve``: every group reserves all
    its agents for its best-priority skills."""
    n_types = draw(st.integers(1, 3))
    types = [f"t{i}" for i in range(n_types)]
    lines = [
        "name: random_day",
        "horizon: {start: '08:00', end: '09:00', interval: 30min}",
        "call_types:",
    ]
    for t in types:
        rate = draw(st.integers(20, 160))
        aht = draw(st.integers(60, 300))
        prio = draw(st.integers(1, 3))
        patience = draw(st.sampled_from([None, 60, 240]))
        lines.append(
            f"  {t}: {{arrivals: {{rate: {rate}/h}}, priority: {prio},"
            f" handle_time: {{dist: exponential, mean: {aht}s}}"
            + (f", patience: {{dist: exponential, mean: {patience}s}}" if patience else "")
            + (", channel: chat" if chat else "")
            + "}"
        )
    lines.append("agent_groups:")
    n_groups = draw(st.integers(1, 2))
    covered: set[str] = set()
    for g in range(n_groups):
        skills = draw(st.lists(st.sampled_from(types), min_size=1, max_size=n_types, unique=True))
        if g == n_groups - 1:  # every type has a group
            skills += [t for t in types if t not in covered and t not in skills]
        covered.update(skills)
        prios = ", ".join(f"{s}: {draw(st.integers(1, 2))}" for s in skills)
        agents = draw(st.integers(1, 4))
        chat_max = f", chat: {{max_concurrent: {draw(st.integers(1, 3))}}}" if chat else ""
        held = f", reserve: {agents}" if reserve else ""
        lines.append(f"  g{g}: {{skills: {{{prios}}}, agents: {agents}{chat_max}{held}}}")
    sc = parse_scenario("\n".join(lines) + "\n", source="<random day>")
    return sc, draw(st.integers(0, 10_000))


def run(engine: str, sc, seed: int):
    return ENGINES[engine](sc, draw_calls(sc, seed, 0), seed, 0)


def spans(obs):
    """Each queued leg's wait (offered, end of wait) and each answered leg's service
    (start, end of talk and wrap-up) with its group."""
    queued = (obs.outcome == ANSWERED) | (obs.outcome == ABANDONED)
    wait_end = obs.offered + obs.wait
    answered = obs.outcome == ANSWERED
    service_end = wait_end + obs.talk + obs.wrap
    return queued, wait_end, answered, service_end


def eligible(sc):
    """[type][group] -> (call-type priority, skill priority), or None if not a skill."""
    out = []
    for ct in sc.call_types:
        row = []
        for g in sc.agent_groups:
            row.append((ct.priority, g.priority_of(ct.name)) if ct.name in g.skills else None)
        out.append(row)
    return out


def waiting_at(obs, t: float, queued, wait_end) -> np.ndarray:
    """Legs waiting at time t (strictly inside their wait, beyond rounding)."""
    return queued & (obs.offered < t - EPS) & (wait_end > t + EPS)


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(day=days())
def test_no_call_is_served_before_a_better_or_earlier_one_it_could_have_been(engine, day):
    sc, seed = day
    obs = run(engine, sc, seed)
    queued, wait_end, answered, _ = spans(obs)
    rank = eligible(sc)
    for b in np.flatnonzero(answered):
        t, g, kb = wait_end[b], obs.group[b], obs.call_type[b]
        prio_b = rank[kb][g]
        for a in np.flatnonzero(waiting_at(obs, t, queued, wait_end)):
            prio_a = rank[obs.call_type[a]][g]
            if prio_a is None:
                continue  # group g cannot answer the waiting call
            # (call-type priority, skill priority, offered): the smaller goes first.
            assert (*prio_a, obs.offered[a]) > (*prio_b, obs.offered[b]), (
                f"group {g} answered call {b} (priorities {prio_b}, offered "
                f"{obs.offered[b]:.1f}) at {t:.1f} while call {a} (priorities {prio_a}, "
                f"offered {obs.offered[a]:.1f}) waited"
            )


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(day=days())
def test_no_agent_idles_while_a_caller_it_could_answer_waits(engine, day):
    sc, seed = day
    obs = run(engine, sc, seed)
    queued, wait_end, answered, service_end = spans(obs)
    rank = eligible(sc)
    # Instants to look at: every offer and every end of service during some wait.
    instants = np.concatenate([obs.offered[queued], service_end[answered]])
    for t in np.unique(instants):
        waiting = np.flatnonzero(waiting_at(obs, t, queued, wait_end))
        if waiting.size == 0:
            continue
        for g, group in enumerate(sc.agent_groups):
            if all(rank[obs.call_type[a]][g] is None for a in waiting):
                continue
            mine = answered & (obs.group == g)
            busy = np.sum(mine & (wait_end <= t + EPS) & (service_end > t + EPS))
            assert busy >= group.agents, (
                f"at {t}: {group.agents - busy} agent(s) of {group.name} idle while a "
                "caller they could answer waits"
            )


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(day=days())
def test_conservation_per_interval(engine, day):
    sc, seed = day
    obs = run(engine, sc, seed)
    kpis = replication_kpis(obs, sc)
    h = sc.horizon
    queued, _, answered, service_end = spans(obs)
    interval = np.clip(((obs.offered - h.start) // h.interval), 0, h.n_intervals - 1)
    for i, row in enumerate(kpis["by_interval"]):
        mine = queued & (interval == i)
        assert row["offered"] == np.sum(mine)
        assert row["offered"] == row["answered"] + row["abandoned"]
        assert row["answered"] == np.sum(mine & answered)
    # Busy time per group and interval (talk and wrap-up split over the intervals)
    # never exceeds the group's time on the floor there.
    edges = h.start + h.interval * np.arange(h.n_intervals + 1)
    for g in range(len(sc.agent_groups)):
        mine = answered & (obs.group == g)
        s, e = (obs.offered + obs.wait)[mine], service_end[mine]
        for i in range(h.n_intervals):
            lo, hi = edges[i], edges[i + 1]  # floor time past the horizon is not kept
            busy = np.clip(np.minimum(e, hi) - np.maximum(s, lo), 0, None).sum()
            assert busy <= obs.staffed[g, i] + 1e-6 * (1 + busy)


@pytest.mark.parametrize("engine", ENGINES)
@SETTINGS
@given(day=days(reserve=True))
def test_a_group_holding_all_its_agents_in_reserve_never_answers_its_lower_skills(engine, day):
    sc, seed = day
    obs = run(engine, sc, seed)
    answered = obs.outcome == ANSWERED
    for g, group in enumerate(sc.agent_groups):
        best = min(group.priority_of(s) for s in group.skills)
        lower = [
            k
            for k, ct in enumerate(sc.call_types)
            if ct.name in group.skills and group.priority_of(ct.name) > best
        ]
        taken = answered & (obs.group == g) & np.isin(obs.call_type, lower)
        assert not np.any(taken), f"{group.name} answered {int(np.sum(taken))} lower-skill calls"


def chat_engines():
    sample = parse_scenario(
        "name: c\nhorizon: {start: '08:00', end: '09:00', interval: 30min}\n"
        "call_types:\n  c: {arrivals: {rate: 10/h}, handle_time: {dist: exponential, mean: 60s},"
        " channel: chat}\nagent_groups:\n  g: {skills: [c], agents: 1, chat: {max_concurrent: 2}}\n"
    )
    return [e for e in ENGINES if e == "simpy" or supports(sample) is None]


@pytest.mark.parametrize("engine", chat_engines())
@SETTINGS
@given(day=days(chat=True))
def test_chats_in_progress_never_exceed_the_concurrency_limit(engine, day):
    sc, seed = day
    obs = run(engine, sc, seed)
    _, wait_end, answered, service_end = spans(obs)
    for g, group in enumerate(sc.agent_groups):
        mine = answered & (obs.group == g)
        starts, ends = wait_end[mine], service_end[mine]
        for t in starts:
            in_progress = np.sum((starts <= t + EPS) & (ends > t + EPS))
            assert in_progress <= group.agents * group.chat_max
