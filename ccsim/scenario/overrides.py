"""What-if overrides: change a scenario's fields without editing its file.

    ccsim run bank.yaml --set agent_groups.generalists.agents=22 \\
        --set call_types.billing.handle_time.mean=270s --scale-arrivals billing=1.2

``--set PATH=VALUE`` changes the YAML data *before* validation, so a bad value gets
the same message as in the file (file, line of the key, field, what is allowed),
plus where the value came from. PATH is the field's dotted path as in the error
messages (``agent_groups.day.shifts.0.agents`` or ``…shifts[0].agents``); VALUE is
read as YAML (``22``, ``270s``, ``[10, 12]``, ``{dist: exponential, mean: 3min}``;
empty or ``null`` removes an optional key). A key the format allows but the file
lacks is added; a call type, agent group, campaign or IVR node must exist.

``--scale-arrivals F`` multiplies every arrival rate (every call type's and the
IVR's) by F; ``--scale-arrivals TYPE=F`` one call type's own arrivals. It acts on
the validated `Scenario`'s rates (calls per second per interval), so it is exact
for ``rate``, ``volumes`` and ``file`` arrivals alike.

The CLI commands share `add_override_arguments` and `scenario_from_args`; the
library uses `load_with_overrides`, and sweeps `ScenarioSource` (read once,
validated once per grid point).
"""

from __future__ import annotations

import argparse
import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ccsim.scenario.errors import Loc, ScenarioError, format_path
from ccsim.scenario.fields import number, reference
from ccsim.scenario.load import locate, read_yaml_file
from ccsim.scenario.model import EDITING, Scenario
from ccsim.scenario.origin import Origin, attach, origin_of
from ccsim.scenario.validate import build_scenario
from ccsim.scenario.yamltree import LineMap, load_yaml

#: Mappings whose keys are names the user defined: a path must name an existing one.
NAMED: dict[Loc, str] = {
    ("call_types",): "call type",
    ("agent_groups",): "agent group",
    ("outbound",): "outbound campaign",
    ("ivr", "nodes"): "IVR node",
}

#: The pseudo-field of arrival scaling in messages and sweep grids.
SCALE_KEY = "scale_arrivals"

_PATH = re.compile(r"[^.\[\]]+(?:\[\d+\])*(?:\.[^.\[\]]+(?:\[\d+\])*)*")
_PART = re.compile(r"[^.\[\]]+|\[\d+\]")


@dataclass(frozen=True)
class Override:
    """One change to the scenario data: the field at ``loc`` becomes ``value``.

    ``origin`` says where the value came from (``--set PATH=VALUE``), for messages;
    empty: the caller words the message itself.
    """

    loc: Loc
    value: Any
    origin: str = ""


def parse_path(text: str) -> Loc:
    """``"agent_groups.day.shifts[0].agents"`` -> ``("agent_groups", "day", "shifts", 0,
    "agents")``.

    A bare number part (``shifts.0``) stays text; it is read as a list index where
    the data has a list there.
    """
    text = text.strip()
    if not _PATH.fullmatch(text):
        raise ScenarioError(
            f"{text!r} is not a field path: write names joined by dots, list items by their"
            " index (agent_groups.day.shifts.0.agents)"
        )
    return tuple(int(p[1:-1]) if p.startswith("[") else p.strip() for p in _PART.findall(text))


def parse_set(text: str) -> Override:
    """``"PATH=VALUE"`` (the argument of ``--set``); VALUE is read as YAML."""
    path, eq, raw = text.partition("=")
    if not eq or not path.strip():
        raise ScenarioError(
            f"--set takes PATH=VALUE (such as agent_groups.team.agents=22), got {text!r}"
        )
    try:
        loc = parse_path(path)
    except ScenarioError as err:
        raise ScenarioError(f"--set {text}: {err.message}") from None
    try:
        value, _ = load_yaml(raw)
    except ScenarioError as err:
        raise ScenarioError(f"--set {text}: the value is not valid YAML: {err.message}") from None
    return Override(loc, value, f"--set {text}")


def overrides_from(
    sets: Sequence[str] | Mapping[str, Any], origin: str = "override"
) -> list[Override]:
    """Overrides from ``--set`` texts (``"PATH=VALUE"``, VALUE read as YAML), or from a
    mapping of path -> Python value (taken as it is; ``origin`` names it in messages)."""
    if isinstance(sets, Mapping):
        return [
            Override(parse_path(path), value, f"{origin} {path}") for path, value in sets.items()
        ]
    if isinstance(sets, str):
        sets = [sets]
    return [parse_set(text) for text in sets]


@dataclass(frozen=True)
class ScenarioSource:
    """A scenario file read but not yet validated: its data and the line of each field.

    `build` validates it with overrides applied; a sweep reads the file once and
    builds one scenario per grid point.
    """

    data: Any
    lines: LineMap
    source: str
    base_dir: Path | None

    @classmethod
    def read(cls, path: str | Path) -> ScenarioSource:
        """Read ``path`` (a `ScenarioError` if it is missing or not YAML)."""
        path = Path(path)
        data, lines = read_yaml_file(path)
        return cls(data, lines, str(path), path.parent)

    def build(self, overrides: Iterable[Override] = ()) -> Scenario:
        """The validated scenario with ``overrides`` applied in order (later ones win).

        An error is located in the file (the line of the overridden key, or of its
        nearest ancestor when the file lacks it) and says which override caused it.
        """
        overrides = list(overrides)
        data = copy.deepcopy(self.data)
        changed: list[tuple[Loc, Override]] = []
        for override in overrides:
            try:
                changed.append((apply_override(data, override), override))
            except ScenarioError as err:
                raise _explain(err, self.source, self.lines, [override.origin]) from None
        lines = _without_replaced(self.lines, [loc for loc, _ in changed])
        try:
            scenario = build_scenario(data, source=self.source, base_dir=self.base_dir)
        except ScenarioError as err:
            related = [o.origin for loc, o in changed if _related(err.loc, loc)]
            if not related and overrides:
                _check_alone(self)  # if the file itself is wrong, that is the error
            origins = related or [o.origin for o in overrides]
            raise _explain(err, self.source, lines, origins, after=not related) from None
        return attach(scenario, Origin(data, lines, self.source, self.base_dir))

    @classmethod
    def of(cls, scenario: Scenario) -> ScenarioSource:
        """The data ``scenario`` was validated from (`ccsim.scenario.origin`).

        A `ScenarioError` if it has none: it was built directly, or made by
        `dataclasses.replace`, whose changes its YAML data would not have.
        """
        origin = origin_of(scenario)
        if origin is None:
            raise ScenarioError(
                f"the scenario {scenario.name!r} has no YAML data to change: it was built"
                " directly or made with dataclasses.replace (which skips validation);"
                " load it with load_scenario, parse_scenario or scenario_from_dict and"
                " change it with with_changes"
            )
        return cls(origin.data, origin.lines, origin.source, origin.base_dir)


def _check_alone(source: ScenarioSource) -> None:
    """Raise the file's own error, if it has one without any override."""
    try:
        source.build()
    except ScenarioError as own:
        raise own from None


def change_scenario(
    scenario: Scenario, changes: Sequence[str] | Mapping[str, Any], origin: str = "with_changes"
) -> Scenario:
    """``scenario`` rebuilt from its YAML data with ``changes`` applied and validated,
    then its earlier arrival factors applied again (`Scenario.with_changes`).

    ``changes``: ``--set`` texts (values read as YAML) or a path -> value mapping;
    ``origin`` names them in messages (``(from with_changes agent_groups.team.agents)``).
    """
    changed = ScenarioSource.of(scenario).build(overrides_from(changes, origin))
    previous = origin_of(scenario)
    for factors in previous.scales if previous is not None else ():
        changed = scale(changed, factors, "scale_arrivals")
    return changed


def load_with_overrides(
    path: str | Path,
    sets: Sequence[str] | Mapping[str, Any] = (),
    scale_arrivals: Mapping[str | None, float] | float | None = None,
) -> Scenario:
    """Load ``path`` with ``--set``-style overrides, then scale its arrivals.

    ``sets``: ``["agent_groups.team.agents=13", …]`` (values read as YAML) or
    ``{"agent_groups.team.agents": 13, …}`` (values as they are). ``scale_arrivals``:
    a factor for every call type (key None, or a bare number) and/or per call type.
    """
    scenario = ScenarioSource.read(path).build(overrides_from(sets))
    if scale_arrivals is None:
        return scenario
    if not isinstance(scale_arrivals, Mapping):
        scale_arrivals = {None: scale_arrivals}
    return scale(scenario, scale_arrivals)


def scale(scenario: Scenario, factors: Mapping[str | None, float], origin: str = "") -> Scenario:
    """Arrival rates × factor: key None scales every call type's own arrivals and the
    IVR's; a call type's name scales that type's own arrivals (both given: they multiply).
    """
    names = [ct.name for ct in scenario.call_types]
    where = scenario.source or ""
    checked: dict[str | None, float] = {}
    for key, factor in factors.items():
        loc: Loc = (SCALE_KEY,) if key is None else (SCALE_KEY, key)
        try:
            if key is not None:
                reference(key, loc, names, "call type")
            checked[key] = number(factor, loc, gt=0)
        except ScenarioError as err:
            raise _explain(err, where, LineMap(), [origin]) from None
    every = checked.pop(None, 1.0)
    call_types = []
    for ct in scenario.call_types:
        if ct.name in checked and not any(ct.rates):
            missing = ScenarioError(
                f"call type {ct.name!r} has no arrivals of its own to scale (its callers come"
                " through the IVR: scale all arrivals to scale the IVR's)",
                path=(SCALE_KEY, ct.name),
            )
            raise _explain(missing, where, LineMap(), [origin])
        factor = every * checked.get(ct.name, 1.0)
        call_types.append(replace(ct, rates=tuple(r * factor for r in ct.rates)))
    ivr = scenario.ivr
    if ivr is not None:
        ivr = replace(ivr, rates=tuple(r * every for r in ivr.rates))
    scaled = replace(scenario, call_types=tuple(call_types), ivr=ivr)
    previous = origin_of(scenario)
    if previous is not None:  # with_changes rebuilds from the data, then scales again
        attach(scaled, replace(previous, scales=(*previous.scales, dict(factors))))
    return scaled


def add_override_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--set`` and ``--scale-arrivals`` to a CLI command that takes a scenario."""
    parser.add_argument(
        "--set",
        dest="set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="change a scenario field before validation, e.g. agent_groups.team.agents=22 "
        "or call_types.billing.handle_time.mean=270s (VALUE is YAML; repeatable)",
    )
    parser.add_argument(
        "--scale-arrivals",
        dest="scale_arrivals",
        action="append",
        default=[],
        metavar="[TYPE=]FACTOR",
        help="multiply the arrival rates of every call type (1.1) or of one (billing=1.2); "
        "repeatable",
    )


def scenario_from_args(args: argparse.Namespace, path: str | Path | None = None) -> Scenario:
    """The scenario of a CLI command: ``path`` (default ``args.scenario``) with the
    ``--set`` and ``--scale-arrivals`` of ``args`` applied."""
    path = args.scenario if path is None else path
    scenario = ScenarioSource.read(path).build(overrides_from(getattr(args, "set", []) or []))
    factors = parse_scale_arguments(getattr(args, "scale_arrivals", []) or [])
    return scale(scenario, factors, "--scale-arrivals") if factors else scenario


def parse_scale_arguments(texts: Sequence[str]) -> dict[str | None, float]:
    """``["1.1", "billing=1.2"]`` -> ``{None: 1.1, "billing": 1.2}``; factors read as YAML
    (so a bad one gets the validator's message), each key at most once."""
    factors: dict[str | None, Any] = {}
    for text in texts:
        name, eq, raw = text.rpartition("=")
        key = name.strip() if eq else None
        if eq and not key:
            raise ScenarioError(f"--scale-arrivals takes FACTOR or TYPE=FACTOR, got {text!r}")
        if key in factors:
            which = "all call types" if key is None else f"call type {key!r}"
            raise ScenarioError(f"--scale-arrivals: {which} is given twice")
        try:
            factors[key], _ = load_yaml(raw)
        except ScenarioError:
            factors[key] = raw
    return factors


# --------------------------------------------------------------------------- applying


def apply_override(data: Any, override: Override) -> Loc:
    """Set the field in ``data`` (in place); return the location of the topmost field
    it created or replaced (what the file's lines no longer describe)."""
    node: Any = data
    here: Loc = ()
    created: Loc | None = None
    if not isinstance(data, dict):
        raise ScenarioError("the scenario is not a mapping: nothing to override")
    for i, part in enumerate(override.loc):
        key = _key(node, here, part)
        at = (*here, key)
        if i == len(override.loc) - 1:
            node[key] = copy.deepcopy(override.value)
            return created or at
        if isinstance(node, dict) and node.get(key) is None:
            node[key] = {}
            created = created or at
        child = node[key]
        if not isinstance(child, dict | list):
            rest = format_path(override.loc[i + 1 :])
            raise ScenarioError(
                f"is {child!r}, not a mapping or list, so it has no {rest}: set"
                f" {format_path(at)} itself",
                path=at,
            )
        node, here = child, at
    raise ScenarioError("an override needs a field path")  # an empty loc


def _key(node: dict | list, here: Loc, part: object) -> object:
    """The key or index ``part`` means in ``node`` (at ``here``); unknown names are errors."""
    if isinstance(node, list):
        if isinstance(part, int) or (isinstance(part, str) and part.isdigit()):
            index = int(part)
            if index < len(node):
                return index
            items = f"items 0 to {len(node) - 1}" if node else "no items"
            raise ScenarioError(f"the list has {items}, got item {index}", path=here)
        raise ScenarioError(
            f"is a list: give an item's index (0 to {len(node) - 1}), got {part!r}", path=here
        )
    if part in node:
        return part
    if isinstance(part, str) and part.isdigit() and int(part) in node:
        return int(part)
    if here in NAMED:
        reference(part, (*here, part), [str(k) for k in node], NAMED[here])
    return part


def _related(error: Loc, changed: Loc) -> bool:
    """Whether an error at ``error`` is about the field ``changed`` (or inside it, or
    about the mapping holding it)."""
    if not error:
        return False
    n = min(len(error), len(changed))
    return error[:n] == changed[:n]


def _without_replaced(lines: LineMap, replaced: list[Loc]) -> LineMap:
    """The line map without the fields inside replaced values: an error there points
    to the overridden key's line, not to a line of the old value."""
    return LineMap(
        {
            loc: line
            for loc, line in lines.lines.items()
            if not any(len(loc) > len(r) and loc[: len(r)] == r for r in replaced)
        }
    )


def _explain(
    err: ScenarioError,
    source: str,
    lines: LineMap,
    origins: Sequence[str],
    after: bool = False,
) -> ScenarioError:
    """``err`` located in ``source``, saying which overrides were involved:
    ``(from --set …)`` for the value at fault, ``(after --set …)`` when the error is
    elsewhere but the file alone is valid."""
    err = locate(err, source, lines)
    origins = [o for o in origins if o]
    if not origins:
        return err
    note = f" ({'after' if after else 'from'} {'; '.join(origins)})"
    return ScenarioError(err.message + note, path=err.loc or err.path, file=err.file, line=err.line)


EDITING.update(change=change_scenario, scale=scale)  # Scenario.with_changes / scale_arrivals
