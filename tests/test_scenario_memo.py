"""`per_scenario`: worked out once per scenario object, never mixed up between two."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ccsim.scenario import load_scenario
from ccsim.scenario.memo import REMEMBERED, per_scenario

ROOT = Path(__file__).resolve().parent.parent


def test_once_per_scenario_and_by_identity():
    calls = []

    @per_scenario
    def agents(scenario):
        calls.append(scenario)
        return sum(g.agents for g in scenario.agent_groups)

    sc = load_scenario(ROOT / "scenarios" / "teaching_single_queue.yaml")
    more = replace(sc, agent_groups=(replace(sc.agent_groups[0], agents=99),))
    assert agents(sc) == agents(sc) == sc.agent_groups[0].agents
    assert agents(more) == 99  # an equal-shaped but other scenario: worked out anew
    assert len(calls) == 2


def test_forgets_the_oldest_beyond_its_size():
    calls = []

    @per_scenario
    def name(scenario):
        calls.append(scenario)
        return scenario.name

    sc = load_scenario(ROOT / "scenarios" / "teaching_single_queue.yaml")
    many = [replace(sc, name=f"s{i}") for i in range(REMEMBERED + 1)]
    assert [name(s) for s in many] == [f"s{i}" for i in range(REMEMBERED + 1)]
    assert name(many[-1]) == f"s{REMEMBERED}" and len(calls) == REMEMBERED + 1
    assert name(many[0]) == "s0" and len(calls) == REMEMBERED + 2  # forgotten, again
