"""Where a validated scenario came from: its YAML data, so it can be changed and validated again.

A `Scenario` is frozen, canonical data (seconds, calls per second). Changing one
field of it in code — ``agent_groups.team.agents`` — must be validated like the
file itself (a group's agents bound its shifts, a call type's skills its groups),
so ccsim keeps the data the scenario was built from, with each field's line, and
rebuilds the scenario from that data with the change applied
(`ccsim.scenario.model.Scenario.with_changes`). Arrival scaling acts on the
validated rates; the factors applied so far are kept too and applied again after
a rebuild, in the order ``--set`` then ``--scale-arrivals`` that the CLI uses.

The origin is attached to the scenario object outside its dataclass fields: it is
not compared, not pickled (workers do not need it; a store's fingerprint stays the
same) and not carried over by `dataclasses.replace`, so a scenario made by
``replace`` has no origin and `Scenario.with_changes` refuses it instead of
silently dropping the replaced fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ccsim.scenario.yamltree import LineMap

if TYPE_CHECKING:
    from ccsim.scenario.model import Scenario

#: The attribute that holds a scenario's `Origin` (not a dataclass field).
ATTRIBUTE = "_origin"


@dataclass(frozen=True)
class Origin:
    """The data a scenario was validated from, and the arrival factors applied since.

    ``data`` is the YAML data with every override so far applied; ``lines`` locates
    its fields in ``source`` (the file, or ``<string>``); ``base_dir`` is where CSV
    files it names are read from; ``scales`` are the ``scale_arrivals`` factors
    applied after validation, in order.
    """

    data: Any
    lines: LineMap
    source: str
    base_dir: Path | None
    scales: tuple[Mapping[str | None, float], ...] = ()


def attach(scenario: Scenario, origin: Origin) -> Scenario:
    """Record ``origin`` on ``scenario`` (in place) and return it."""
    object.__setattr__(scenario, ATTRIBUTE, origin)
    return scenario


def origin_of(scenario: Scenario) -> Origin | None:
    """The scenario's origin, or None (built directly, or made by `dataclasses.replace`)."""
    return scenario.__dict__.get(ATTRIBUTE)
