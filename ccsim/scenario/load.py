"""Load a scenario from a YAML file, YAML text, or plain data.

    >>> from ccsim.scenario import load_scenario
    >>> scenario = load_scenario("scenarios/teaching_single_queue.yaml")  # doctest: +SKIP

Every problem is one `ScenarioError` naming the file, line and field of the
first error found, and saying what is allowed there.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.scenario.errors import ScenarioError
from ccsim.scenario.files import read_text
from ccsim.scenario.model import Scenario
from ccsim.scenario.validate import build_scenario
from ccsim.scenario.yamltree import LineMap, load_yaml


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; CSV files it names are relative to its folder."""
    path = Path(path)
    data, lines = read_yaml_file(path)
    try:
        return build_scenario(data, source=str(path), base_dir=path.parent)
    except ScenarioError as err:
        raise locate(err, str(path), lines) from None


def read_yaml_file(path: str | Path, what: str = "scenario") -> tuple[Any, LineMap]:
    """The YAML data of a ``what`` file (scenario, sweep, …) and the line of each key;
    a missing, unreadable or malformed file is a `ScenarioError` naming it."""
    path = Path(path)
    text = read_text(path, what)  # a regular file, bounded in size, UTF-8
    try:
        return load_yaml(text)
    except ScenarioError as err:
        raise locate(err, str(path), LineMap()) from None


def parse_scenario(text: str, source: str = "<string>", base_dir: Path | None = None) -> Scenario:
    """Validate scenario YAML text.

    ``source`` names it in messages; CSV paths are relative to ``base_dir`` (else
    to the current folder).
    """
    lines = LineMap()
    try:
        data, lines = load_yaml(text)
        return build_scenario(data, source=source, base_dir=base_dir)
    except ScenarioError as err:
        raise locate(err, source, lines) from None


def scenario_from_dict(
    data: dict[str, Any], source: str = "<dict>", base_dir: Path | None = None
) -> Scenario:
    """Validate scenario data already in Python form (messages then have no line numbers)."""
    try:
        return build_scenario(data, source=source, base_dir=base_dir)
    except ScenarioError as err:
        raise locate(err, source, LineMap()) from None


def locate(err: ScenarioError, source: str, lines: LineMap) -> ScenarioError:
    """Name ``source`` as the file of ``err`` and add the field's line from ``lines``,
    unless it has them (a CSV file's errors have theirs)."""
    if err.file is None:
        err.file = source
        if err.line is None:
            err.line = lines.line_of(err.loc)
    return err
