"""The IVR tree: callers arrive at its entry node and follow branches to a queue or an exit.

    ivr:
      arrivals: {rate: 300/h}             # the same forms as a call type's arrivals
      entry: welcome                      # optional: the first node listed
      nodes:
        welcome:
          duration: {dist: uniform, low: 15s, high: 30s}    # any distribution
          branches: {balance: 0.5, tech: 0.3, self_service: 0.1, hang_up: 0.1}

A branch leads to another node, a call type, ``self_service`` (done in the IVR) or
``hang_up``; a node's probabilities sum to 1. Every node must be able to reach a
call type or an exit, or callers could loop forever.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ccsim.scenario.arrivals import arrivals
from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    check_keys,
    did_you_mean,
    fail,
    items,
    mapping,
    name,
    number,
    reference,
)
from ccsim.scenario.model import IVR_HANG_UP, IVR_SELF_SERVICE, Horizon, Ivr, IvrNode

EXITS = (IVR_SELF_SERVICE, IVR_HANG_UP)
SUM_TOLERANCE = 1e-9


def ivr(
    value: Any, loc: Loc, horizon: Horizon, base_dir: Path | None, type_names: list[str]
) -> Ivr:
    v = mapping(value, loc)
    check_keys(v, loc, ("arrivals", "entry", "nodes"), ("arrivals", "nodes"))
    rates, aht = arrivals(v["arrivals"], (*loc, "arrivals"), horizon, base_dir)
    if aht is not None:
        fail(
            (*loc, "arrivals", "file"),
            "has an aht column, which means nothing for IVR arrivals: give forecast AHT"
            " in the call types' own arrivals files",
        )
    raw_nodes = items(v["nodes"], (*loc, "nodes"), "IVR node")
    node_names = [key for key, _ in raw_nodes]
    for key in node_names:
        at = (*loc, "nodes", key)
        if key in EXITS:
            fail(at, f"{key!r} is where a branch leaves the IVR: name the node otherwise")
        if key in type_names:
            fail(
                at,
                f"{key!r} is also a call type: IVR node names must differ from call type names"
                " (a branch to it would be ambiguous)",
            )
    targets = [*node_names, *type_names, *EXITS]
    nodes = tuple(
        _node(key, raw, (*loc, "nodes", key), base_dir, targets) for key, raw in raw_nodes
    )
    entry = node_names[0]
    if v.get("entry") is not None:
        entry = reference(v["entry"], (*loc, "entry"), node_names, "IVR node")
    _check_exits(nodes, (*loc, "nodes"))
    return Ivr(rates, entry, nodes)


def _node(key: str, value: Any, loc: Loc, base_dir: Path | None, targets: list[str]) -> IvrNode:
    n = mapping(value, loc)
    check_keys(n, loc, ("duration", "branches"), ("duration", "branches"))
    duration = distribution(n["duration"], (*loc, "duration"), base_dir)
    at = (*loc, "branches")
    raw = mapping(n["branches"], at)
    if not raw:
        fail(at, "must name at least one branch (target: probability)")
    branches = []
    for target, p in raw.items():
        where = (*at, target)
        name(target, where, "a branch target")
        if target not in targets:
            hint = did_you_mean(target, targets)
            fail(
                where,
                f"unknown branch target {target!r};{hint} a branch leads to an IVR node, a call"
                f" type, {IVR_SELF_SERVICE} or {IVR_HANG_UP}: {', '.join(targets)}",
            )
        branches.append(
            (target, number(p, where, ge=0, le=1, hint=" (a probability: 0.9 is 90 %)"))
        )
    total = math.fsum(p for _, p in branches)
    if abs(total - 1) > SUM_TOLERANCE:
        fail(at, f"the probabilities must sum to 1, got {total:.10g}")
    return IvrNode(key, duration, tuple(branches))


def _check_exits(nodes: tuple[IvrNode, ...], loc: Loc) -> None:
    """Every node reaches a call type or an exit along branches of positive probability."""
    names = {node.name for node in nodes}
    leaves: set[str] = set()  # nodes from which callers surely leave the IVR, eventually
    changed = True
    while changed:
        changed = False
        for node in nodes:
            if node.name not in leaves and any(
                p > 0 and (target not in names or target in leaves) for target, p in node.branches
            ):
                leaves.add(node.name)
                changed = True
    for node in nodes:
        if node.name not in leaves:
            fail(
                (*loc, node.name),
                "callers could loop forever: no path of branches from this node leads to a"
                f" call type, {IVR_SELF_SERVICE} or {IVR_HANG_UP}",
            )
