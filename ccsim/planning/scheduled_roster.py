"""The schedule as a scenario: the scenario's data with the group's shifts replaced
by the chosen ones (`scheduled_scenario_data`), and the agents its roster puts on
shift and on the floor per slot (`roster_presence`, `roster_availability`)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import numpy as np

from ccsim.planning.shift_solver import Schedule
from ccsim.scenario.model import Scenario
from ccsim.scenario.writing import staffed_document


def scheduled_scenario_data(
    data: dict[str, Any],
    scenario: Scenario,
    group: str,
    schedule: Schedule,
    base_dir: Path | None = None,
    out_dir: Path | None = None,
) -> dict[str, Any]:
    """The scenario's YAML data with ``group`` staffed by ``schedule``'s shifts.

    Everything else is kept; with ``out_dir``, relative ``file:`` paths (forecasts,
    samples) are rewritten from ``base_dir`` so the file written there still finds them
    (`ccsim.scenario.writing.staffed_document`, which writes ``ccsim staff``'s staffed.yaml).
    """

    if out_dir is not None:
        out = staffed_document(data, scenario, {}, base_dir=base_dir, out_dir=Path(out_dir))
    else:
        out = copy.deepcopy(data)
    entry = out["agent_groups"][group]
    for key in ("agents", "shifts"):
        entry.pop(key, None)
    shifts = [s.to_scenario() for s in schedule.shifts]
    if shifts:
        entry["shifts"] = shifts
    else:
        entry["agents"] = 0
    out["name"] = f"{data.get('name', 'scenario')} (scheduled)"
    return out


def roster_presence(scenario: Scenario, group: str, step: float) -> tuple[np.ndarray, np.ndarray]:
    """Agents of ``group`` on shift, and on shift and not on a break, per slot of
    ``step`` seconds (at each slot's middle), from the scenario's roster."""
    from ccsim.models.roster import build_roster

    h = scenario.horizon
    g = [x.name for x in scenario.agent_groups].index(group)
    mid = h.start + (np.arange(int(round((h.end - h.start) / step))) + 0.5) * step
    shift = np.zeros(mid.shape[0], dtype=int)
    floor = np.zeros(mid.shape[0], dtype=int)
    for p in build_roster(scenario, seed=0, replication=0):
        if p.group != g:
            continue
        on = (mid >= p.start) & (mid < p.end)
        shift += on
        for at, length, _paid in p.breaks:
            on &= ~((mid >= at) & (mid < at + length))
        floor += on
    return shift, floor


def roster_availability(scenario: Scenario, group: str, step: float) -> np.ndarray:
    """Agents of ``group`` on shift and not on a break, per slot of ``step`` seconds
    (at each slot's middle), from the scenario's roster (`build_roster`); absences
    and shrinkage are left out (the requirement was grossed up for them)."""
    from ccsim.models.roster import build_roster

    h = scenario.horizon
    g = [x.name for x in scenario.agent_groups].index(group)
    mid = h.start + (np.arange(int(round((h.end - h.start) / step))) + 0.5) * step
    out = np.zeros(mid.shape[0], dtype=int)
    for p in build_roster(scenario, seed=0, replication=0):
        if p.group != g:
            continue
        on = (mid >= p.start) & (mid < p.end)
        for at, length, _paid in p.breaks:
            on &= ~((mid >= at) & (mid < at + length))
        out += on
    return out
