"""What `ccsim.planning.scheduling.plan_schedule` returns: the schedule checked by
simulation (`SchedulePlan`) with its rounds (`Round`), and its tables: the chosen
shifts and the coverage per interval (required, planned, scheduled, available,
over/under, simulated service level)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.planning.scheduled_roster import roster_presence
from ccsim.planning.shift_requirement import _group, planned_requirement
from ccsim.planning.shift_solver import Schedule
from ccsim.planning.shift_templates import ShiftTemplates
from ccsim.scenario.model import Scenario
from ccsim.units import format_clock, format_duration

if TYPE_CHECKING:
    import pandas as pd

    from ccsim.batch.result import RunResult


@dataclass
class Round:
    """One solve-and-simulate round: the schedule's cost and the intervals (their
    starts) whose mean service level missed the target."""

    number: int
    cost: float
    agents: int
    missed: list[str]
    solver_status: str


@dataclass
class SchedulePlan:
    """A schedule checked by simulation, and how it was reached."""

    scenario: Scenario
    group: str
    templates: ShiftTemplates
    requirement_source: str
    required: np.ndarray  # given, per interval
    planned: np.ndarray  # covered by the final schedule (shrinkage, absences, repairs)
    schedule: Schedule
    baseline: Schedule
    scheduled: Scenario
    scheduled_data: dict[str, Any]
    available: np.ndarray  # per interval: fewest agents on the floor (from the roster)
    result: RunResult | None
    rounds: list[Round]
    notes: list[str]
    slot: float

    @property
    def missed(self) -> list[str]:
        return self.rounds[-1].missed if self.rounds else []

    @property
    def verified(self) -> bool:
        """The simulation of the final schedule meets the target in every interval."""
        return self.result is not None and not self.missed

    def shifts_df(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "template": s.template,
                    "start": format_clock(s.start),
                    "end": format_clock(s.end),
                    "breaks": "; ".join(
                        f"{format_clock(at)} {format_duration(length)}{'' if paid else ' unpaid'}"
                        for at, length, paid in s.breaks
                    ),
                    "agents": s.agents,
                    "cost_per_agent": s.cost,
                    "cost": s.cost * s.agents,
                }
                for s in self.schedule.shifts
            ],
            columns=[
                "template",
                "start",
                "end",
                "breaks",
                "agents",
                "cost_per_agent",
                "cost",
            ],  # fmt: skip
        )

    def coverage_df(self) -> pd.DataFrame:
        """Per interval: ``required``, ``planned``, ``scheduled_agents`` (on shift,
        the interval's mean), ``available_agents`` (on the floor: not on a break,
        lunch or absent — the simulated mean, else the roster's grossed down for
        shrinkage and absences), ``fewest_on_floor`` (the roster's fewest on the floor
        at any moment of the interval: what the solver covers), ``over_under``
        (available − required: the one definition of coverage, as in ``ccsim run
        --required``), and the simulated service level with its CI and whether it
        meets the target."""
        import pandas as pd

        rows = self.result.summary["by_interval"] if self.result is not None else None
        target = self.scenario.service_level.target
        on_shift, floor = self.roster_means()
        out = []
        for i, t in enumerate(self.scenario.horizon.interval_starts()):
            available = float(floor[i])
            if self.result is not None:
                group = self.result.summary["by_agent_group_interval"][self.group][i]
                available = group["available_agents"]["mean"]
            row = {
                "interval": format_clock(t),
                "required": int(self.required[i]),
                "planned": int(self.planned[i]),
                "scheduled_agents": float(on_shift[i]),
                "available_agents": available,
                "fewest_on_floor": int(self.available[i]),
                "over_under": available - float(self.required[i]),
            }
            if rows is not None and self.result is not None:
                sl = rows[i]["service_level"]
                ci = sl["ci95"] or [None, None]
                row |= {
                    "service_level": sl["mean"],
                    "service_level_ci_low": ci[0],
                    "service_level_ci_high": ci[1],
                    "sl_p_meet_target": self.result.risk["by_interval"][i]["p_meet_target"],
                    "meets_target": sl["mean"] is None or sl["mean"] >= target,
                }
            out.append(row)
        return pd.DataFrame(out)

    def roster_means(self) -> tuple[np.ndarray, np.ndarray]:
        """Per interval, the roster's mean agents of the group on shift, and on the
        floor net of shrinkage and absences (the expectation, without a simulation)."""
        on_shift, on_floor = roster_presence(self.scheduled, self.group, self.slot)
        k = int(round(self.scenario.horizon.interval / self.slot))
        g = _group(self.scenario, self.group)
        floor = on_floor.reshape(-1, k).mean(axis=1) * (1.0 - g.shrinkage)
        away = planned_requirement(self.scenario, self.group, np.zeros(floor.size), True)
        return on_shift.reshape(-1, k).mean(axis=1), np.maximum(floor - away, 0.0)
