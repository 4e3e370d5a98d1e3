"""The staffing answer per queue (call type), where the agent groups allow it.

A queue has its own answer when one agent group serves it and nothing else (its only
skill, and no other group takes the queue, by skill or overflow): that group's
agents per interval are the queue's. A queue served by several groups, or by a
group that also serves other queues, shares its agents: its service level per
interval is still given, the agents are not split (any split would be a guess).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ccsim.planning.staffing import StaffingResult
    from ccsim.scenario.model import Scenario

__all__ = ["queue_groups", "queue_staffing"]


def queue_groups(scenario: Scenario) -> dict[str, list[str]]:
    """Per call type, the agent groups that can answer it (skill or overflow)."""
    out: dict[str, list[str]] = {c.name: [] for c in scenario.call_types}
    for g in scenario.agent_groups:
        for skill in g.skills:
            if skill in out and g.name not in out[skill]:
                out[skill].append(g.name)
    for c in scenario.call_types:
        for step in c.overflow:
            out[c.name] += [g for g in step.groups if g not in out[c.name]]
    return out


def queue_staffing(found: StaffingResult) -> dict[str, dict[str, Any]]:
    """Per call type: ``groups`` serving it, ``dedicated`` (one group serving only
    it), and ``by_interval`` rows: ``interval``, ``required_agents`` (the dedicated
    group's, else None) and the queue's simulated ``service_level`` and
    ``abandon_rate`` (``{"mean", "ci95"}``) with the found staffing."""
    scenario = found.scenario
    serving = queue_groups(scenario)
    queues_of: dict[str, set[str]] = {}  # group -> the queues it serves
    for queue, groups in serving.items():
        for g in groups:
            queues_of.setdefault(g, set()).add(queue)
    per_type = found.result.summary.get("by_call_type_interval", {})
    table = found.table
    out = {}
    for name, groups in serving.items():
        dedicated = len(groups) == 1 and queues_of[groups[0]] == {name}
        required = {}
        if dedicated:
            mine = table[table["group"] == groups[0]]
            required = dict(zip(mine["start"], mine["required_agents"], strict=True))
        rows = []
        for row in per_type.get(name, []):
            agents = required.get(row["start"])
            rows.append(
                {
                    "interval": row["start"],
                    "required_agents": None if agents is None else int(agents),
                    "service_level": row.get("service_level"),
                    "abandon_rate": row.get("abandon_rate"),
                }
            )
        out[name] = {"groups": groups, "dedicated": dedicated, "by_interval": rows}
    return out
