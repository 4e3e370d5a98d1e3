"""Load a scenario from a YAML file, YAML text, or plain data.

    >>> from ccsim.scenario import load_scenario
    >>> scenario = load_scenario("scenarios/teaching_single_queue.yaml")  # doctest: +SKIP

Every problem is one `ScenarioError` naming the file, line and field of the
first error found, and saying what is allowed there.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.files import read_text
from ccsim.scenario.limits import LIMITS
from ccsim.scenario.model import Scenario
from ccsim.scenario.origin import Origin, attach
from ccsim.scenario.validate import build_scenario
from ccsim.scenario.yamltree import LineMap, load_yaml


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Parameters
    ----------
    path : str or pathlib.Path
        The YAML scenario file. CSV files it names are read relative to its folder.

    Returns
    -------
    Scenario
        The validated scenario, in canonical units (seconds, calls per second). It
        keeps the file's data, so `Scenario.with_changes` can change and validate
        it again.

    Raises
    ------
    ScenarioError
        The file is missing, not YAML, or not a valid scenario: the message names the
        file, the line, the field and what is allowed there.

    Examples
    --------
    >>> import ccsim
    >>> scenario = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> scenario.name
    'Teaching example, one queue (M/M/14)'
    >>> ccsim.load_scenario("no/such.yaml")
    Traceback (most recent call last):
    ...
    ccsim.scenario.errors.ScenarioError: no/such.yaml: no such scenario file
    """
    path = Path(path)
    data, lines = read_yaml_file(path)
    try:
        scenario = build_scenario(data, source=str(path), base_dir=path.parent)
    except ScenarioError as err:
        raise locate(err, str(path), lines) from None
    return attach(scenario, Origin(data, lines, str(path), path.parent))


def read_yaml_file(path: str | Path, what: str = "scenario") -> tuple[Any, LineMap]:
    """The YAML data of a ``what`` file (scenario, sweep, …) and the line of each key;
    a missing, unreadable or malformed file is a `ScenarioError` naming it."""
    path = Path(path)
    text = read_text(path, what, limit=LIMITS.max_yaml_bytes)  # a bounded regular file
    try:
        return load_yaml(text)
    except ScenarioError as err:
        raise locate(err, str(path), LineMap()) from None


def parse_scenario(text: str, source: str = "<string>", base_dir: Path | None = None) -> Scenario:
    """Validate scenario YAML text.

    Parameters
    ----------
    text : str
        The scenario, as YAML.
    source : str
        Its name in messages.
    base_dir : pathlib.Path, optional
        Where CSV files it names are read from (default: the current folder).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        The text is not YAML or not a valid scenario (line and field named).

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.parse_scenario('''
    ... name: tiny
    ... horizon: {start: "09:00", end: "10:00", interval: 30min}
    ... call_types: {calls: {arrivals: {rate: 60/h}, handle_time: {dist: exponential, mean: 3min}}}
    ... agent_groups: {team: {skills: [calls], agents: 4}}
    ... ''')
    >>> s.with_changes({"agent_groups.team.agents": 5}).agent_groups[0].agents
    5
    """
    lines = LineMap()
    try:
        data, lines = load_yaml(text)
        scenario = build_scenario(data, source=source, base_dir=base_dir)
    except ScenarioError as err:
        raise locate(err, source, lines) from None
    return attach(scenario, Origin(data, lines, source, base_dir))


def scenario_from_dict(
    data: dict[str, Any], source: str = "<dict>", base_dir: Path | None = None
) -> Scenario:
    """Validate scenario data already in Python form.

    Parameters
    ----------
    data : dict
        The scenario as YAML would give it (a copy is kept for `Scenario.with_changes`).
    source : str
        Its name in messages (which have no line numbers).
    base_dir : pathlib.Path, optional
        Where CSV files it names are read from.

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioError
        The data is not a valid scenario.

    Examples
    --------
    >>> from ccsim import scenario_from_dict
    >>> data = {
    ...     "name": "tiny",
    ...     "horizon": {"start": "09:00", "end": "10:00", "interval": "30min"},
    ...     "call_types": {"calls": {"arrivals": {"rate": "60/h"},
    ...                              "handle_time": {"dist": "exponential", "mean": "3min"}}},
    ...     "agent_groups": {"team": {"skills": ["calls"], "agents": -4}},
    ... }
    >>> scenario_from_dict(data)
    Traceback (most recent call last):
    ...
    ccsim.scenario.errors.ScenarioError: <dict>: agent_groups.team.agents: must be >= 0, got -4
    """
    try:
        scenario = build_scenario(data, source=source, base_dir=base_dir)
    except ScenarioError as err:
        raise locate(err, source, LineMap()) from None
    return attach(scenario, Origin(copy.deepcopy(data), LineMap(), source, base_dir))


def locate(err: ScenarioError, source: str, lines: LineMap) -> ScenarioError:
    """Name ``source`` as the file of ``err`` and add the field's line from ``lines``,
    unless it has them (a CSV file's errors have theirs)."""
    if err.file is None:
        err.file = source
        if err.line is None:
            err.line = lines.line_of(err.loc)
    return err
