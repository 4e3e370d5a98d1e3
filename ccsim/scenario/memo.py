"""Work a function does once per scenario, not once per replication.

A scenario is frozen plain data, so what is derived from it alone (whether the
compiled engine runs it, the KPIs' per-scenario constants) is the same for each of
its replications. `per_scenario` remembers it for the last few scenarios, by
identity (not by value: hashing a whole scenario would cost what is saved).
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["per_scenario"]

R = TypeVar("R")

#: How many scenarios each function remembers (a sweep or a comparison alternates
#: between a few).
REMEMBERED = 8


def per_scenario(fn: Callable[[Any], R]) -> Callable[[Any], R]:
    """``fn(scenario)``, worked out once for each scenario object: the last
    `REMEMBERED` ones are kept with their results, so their ids stay unique."""
    seen: OrderedDict[int, tuple[Any, R]] = OrderedDict()

    @functools.wraps(fn)
    def once(scenario: Any) -> R:
        entry = seen.get(id(scenario))
        if entry is not None and entry[0] is scenario:
            return entry[1]
        value = fn(scenario)
        seen[id(scenario)] = (scenario, value)  # holding it keeps its id unique
        if len(seen) > REMEMBERED:
            seen.popitem(last=False)
        return value

    return once
