"""Scenario: the YAML file a planner writes, loaded into validated plain data."""

from ccsim.scenario import overrides as _overrides  # noqa: F401  (Scenario.with_changes)
from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.load import load_scenario, parse_scenario, scenario_from_dict
from ccsim.scenario.model import (
    AgentGroup,
    CallType,
    Costs,
    Distribution,
    Horizon,
    Scenario,
    ServiceLevel,
)

__all__ = [
    "AgentGroup",
    "CallType",
    "Costs",
    "Distribution",
    "Horizon",
    "Scenario",
    "ScenarioError",
    "ServiceLevel",
    "load_scenario",
    "parse_scenario",
    "scenario_from_dict",
]
