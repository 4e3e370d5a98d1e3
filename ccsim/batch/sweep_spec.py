"""A sweep file (``ccsim sweep FILE``): its keys, grid and ranges, validated into a
`SweepSpec` with file:line errors, and the grid's points.

Running the points is `ccsim.batch.sweeps`."""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.metrics import DAY_KPIS
from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.scenario.fields import (
    check_keys,
    choice,
    fail,
    items,
    mapping,
    number,
    optional,
    reference,
    whole,
)
from ccsim.scenario.files import resolve_reference
from ccsim.scenario.load import locate, read_yaml_file
from ccsim.scenario.model import Scenario
from ccsim.scenario.overrides import (
    SCALE_KEY,
    parse_path,
)
from ccsim.scenario.validate import ENGINES
from ccsim.scenario.yamltree import LineMap
from ccsim.units import describe

if TYPE_CHECKING:
    pass


SWEEP_KEYS = ("scenario", "description", "replications", "seed", "engine", "grid", "plot")


RANGE_KEYS = ("from", "to", "step")


PLOT_KEYS = ("kpi", "x")


#: Scenario keys a grid may not change: the sweep sets them for every point.
NOT_SWEPT = {
    "seed": "every point runs with the sweep's seed (common random numbers): give seed: N",
    "replications": "every point runs the sweep's replications: give replications: N",
    "name": "the name does not change the numbers",
    "description": "the description does not change the numbers",
}


#: At most this many points (a range with a tiny step is more likely a slip).
MAX_POINTS = 10_000


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep: the scenario file, the grid (key -> its values, ranges
    expanded) and the run settings. ``source`` and ``lines`` locate messages."""

    scenario: Path
    grid: Mapping[str, tuple[Any, ...]]
    replications: int | None = None
    seed: int | None = None
    engine: str | None = None
    kpi: str = "service_level"
    x: str | None = None
    description: str | None = None
    source: str | None = None
    lines: LineMap = field(default_factory=LineMap, repr=False, compare=False)

    @property
    def n_points(self) -> int:
        return math.prod(len(values) for values in self.grid.values())


def load_sweep(path: str | Path) -> SweepSpec:
    """Read and validate a sweep file; its ``scenario`` is relative to its folder."""
    path = Path(path)
    data, lines = read_yaml_file(path, "sweep")
    try:
        return sweep_from_dict(data, str(path), path.parent, lines)
    except ScenarioError as err:
        raise locate(err, str(path), lines) from None


def sweep_from_dict(
    data: Any,
    source: str | None = None,
    base_dir: Path | None = None,
    lines: LineMap | None = None,
) -> SweepSpec:
    """Validate sweep data (as the YAML gives it); ``scenario`` is relative to ``base_dir``."""
    if not isinstance(data, dict):
        fail((), f"a sweep must be a mapping with scenario and grid, got {describe(data)}")
    check_keys(data, (), SWEEP_KEYS, ("scenario", "grid"))
    scenario = resolve_reference(
        data["scenario"], ("scenario",), base_dir, "scenario file", anywhere=True
    )
    if data.get("description") is not None and not isinstance(data["description"], str):
        fail(("description",), f"must be text, got {describe(data['description'])}")
    grid = _grid(data["grid"], ("grid",))
    kpi, x = "service_level", None
    if data.get("plot") is not None:
        plot = mapping(data["plot"], ("plot",))
        check_keys(plot, ("plot",), PLOT_KEYS)
        at = ("plot",)
        kpi = optional(plot, "kpi", kpi, lambda v, at: reference(v, at, DAY_KPIS, "KPI"), at)
        x = optional(plot, "x", None, lambda v, at: reference(v, at, grid, "grid key"), at)
    return SweepSpec(
        scenario=scenario,
        grid=grid,
        replications=optional(data, "replications", None, lambda v, at: whole(v, at, ge=1), ()),
        seed=optional(data, "seed", None, lambda v, at: whole(v, at, ge=0), ()),
        engine=optional(data, "engine", None, lambda v, at: choice(v, at, ENGINES), ()),
        kpi=kpi,
        x=x,
        description=data.get("description"),
        source=source,
        lines=lines or LineMap(),
    )


def _grid(value: Any, loc: Loc) -> dict[str, tuple[Any, ...]]:
    """Each key's values: a list, or a range ``{from, to, step}`` of plain numbers."""
    grid: dict[str, tuple[Any, ...]] = {}
    for key, values in items(value, loc, "grid key"):
        at = (*loc, key)
        _check_key(key, at)
        if isinstance(values, dict):
            grid[key] = _range(values, at)
        elif isinstance(values, list) and values:
            for i, v in enumerate(values):
                if key.split(".")[0] == SCALE_KEY:
                    number(v, (*at, i), gt=0)
                if values.index(v) < i:
                    fail((*at, i), f"repeats the value {describe(v)} (item {values.index(v)})")
            grid[key] = tuple(values)
        else:
            fail(
                at,
                "must be a non-empty list of values, or a range {from: 80, to: 95, step: 1};"
                f" got {describe(values)}",
            )
    n = math.prod(len(v) for v in grid.values())
    if n > MAX_POINTS:
        fail(loc, f"has {n:,} points (every combination of its values): at most {MAX_POINTS:,}")
    return grid


def _check_key(key: str, loc: Loc) -> None:
    head = key.split(".")[0]
    if head in NOT_SWEPT:
        fail(loc, f"{head} cannot be swept: {NOT_SWEPT[head]}")
    if head == SCALE_KEY:
        if key not in (SCALE_KEY,) and not key[len(SCALE_KEY) + 1 :].strip():
            fail(loc, "scale_arrivals (all call types) or scale_arrivals.TYPE (one)")
        return
    try:
        parse_path(key)
    except ScenarioError as err:
        fail(loc, err.message)


def _range(value: dict, loc: Loc) -> tuple[float, ...]:
    """``{from: 80, to: 95, step: 1}``: from, from + step, … up to ``to`` included.

    Whole numbers stay whole (an agent count); other values are rounded to 12
    significant digits so 0.1 steps land on 0.3, not 0.30000000000000004.
    """
    check_keys(value, loc, RANGE_KEYS, RANGE_KEYS)
    start, stop = (number(value[k], (*loc, k)) for k in ("from", "to"))
    step = number(value["step"], (*loc, "step"), gt=0)
    if stop < start:
        fail((*loc, "to"), f"must be >= from ({describe(value['from'])}), got {value['to']!r}")
    n = math.floor((stop - start) / step + 1e-9) + 1
    if n > MAX_POINTS:
        fail(loc, f"gives {n:,} values: at most {MAX_POINTS:,}")
    if all(isinstance(value[k], int) for k in RANGE_KEYS):
        return tuple(value["from"] + i * value["step"] for i in range(n))
    return tuple(float(f"{start + i * step:.12g}") for i in range(n))


def _spec_of_scenario(scenario: Scenario, grid: Mapping[str, Any] | None) -> SweepSpec:
    """The sweep of an in-memory scenario over ``grid`` (validated like a file's grid)."""
    if grid is None:
        raise TypeError("a sweep of a Scenario needs grid={path: values, ...}")
    return SweepSpec(
        scenario=Path(scenario.source or "<scenario>"),
        grid=_grid(dict(grid), ("grid",)),
        source="<sweep>",
    )


def grid_points(spec: SweepSpec) -> list[dict[str, Any]]:
    """The points of the grid, in order (the last key varies fastest)."""
    keys = list(spec.grid)
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*spec.grid.values())]


def _default_x(grid: Mapping[str, Sequence[Any]]) -> str:
    """The first key with several numeric values, else the first key."""
    numeric = [
        k
        for k, vs in grid.items()
        if len(vs) > 1 and all(isinstance(v, int | float) and not isinstance(v, bool) for v in vs)
    ]
    return (numeric or list(grid))[0]
