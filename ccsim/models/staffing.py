"""Agent time on the interval grid: who is logged in, and who is paid."""

from __future__ import annotations

import numpy as np

from ccsim.scenario.model import Scenario


def constant_staffing(scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Staffed and scheduled agent-seconds per (group, interval) for constant ``agents``.

    With no shifts or breaks every agent is logged in, available and paid for the
    whole horizon, so the two arrays are equal.
    """
    h = scenario.horizon
    agents = np.array([g.agents for g in scenario.agent_groups], dtype=float)
    staffed = np.repeat(agents[:, None] * h.interval, h.n_intervals, axis=1)
    return staffed, staffed.copy()
