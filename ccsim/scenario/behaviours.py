"""Caller behaviours of a call type: redials, virtual hold (callbacks) and transfers.

    call_types:
      billing:
        retrial: {probability: 0.3, delay: {dist: exponential, mean: 10min},
                  max_attempts: 3, after_blocked: true}
        callback: {threshold: 2min, accept: 0.6, reach: 0.9, predictor: queue_length,
                   deadline: 2h, attempt_time: 30s}
        transfer: {probability: 0.1, to: tech}

The semantics are those of `ccsim.scenario.model.Retrial`, `Callback` and `Transfer`.
A transfer names another call type; transfers of probability 1 must not form a cycle
(`check_transfer_cycles`, once every call type is read).
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import (
    boolean,
    check_keys,
    choice,
    duration,
    fail,
    mapping,
    number,
    optional,
    reference,
    whole,
)
from ccsim.scenario.model import Callback, CallType, Retrial, Transfer

#: How a callback offer predicts the wait (see `Callback`).
PREDICTORS: tuple[str, ...] = ("queue_length", "last_wait")

_PROBABILITY = " (a probability: 0.3 is 30 %)"


def _default(cls: type, key: str) -> Any:
    """The model's default for field ``key`` of dataclass ``cls``."""
    return next(f.default for f in fields(cls) if f.name == key)


def _probability(value: Any, loc: Loc) -> float:
    return number(value, loc, ge=0, le=1, hint=_PROBABILITY)


def _attempts(value: Any, loc: Loc) -> int:
    hint = " (attempts in all, the first included: 2 allows one redial)"
    return whole(value, loc, ge=2, hint=hint)


def retrial(value: Any, loc: Loc, base_dir: Path | None) -> Retrial:
    r = mapping(value, loc)
    keys = ("probability", "delay", "max_attempts", "after_blocked")
    check_keys(r, loc, keys, ("probability", "delay"))
    return Retrial(
        probability=_probability(r["probability"], (*loc, "probability")),
        delay=distribution(r["delay"], (*loc, "delay"), base_dir),
        max_attempts=optional(r, "max_attempts", _default(Retrial, "max_attempts"), _attempts, loc),
        after_blocked=optional(
            r, "after_blocked", _default(Retrial, "after_blocked"), boolean, loc
        ),
    )


def callback(value: Any, loc: Loc) -> Callback:
    c = mapping(value, loc)
    keys = ("threshold", "accept", "reach", "predictor", "deadline", "attempt_time")
    check_keys(c, loc, keys, ("threshold", "accept"))
    return Callback(
        threshold=duration(c["threshold"], (*loc, "threshold"), ge=0),
        accept=_probability(c["accept"], (*loc, "accept")),
        reach=optional(c, "reach", _default(Callback, "reach"), _probability, loc),
        predictor=optional(
            c,
            "predictor",
            _default(Callback, "predictor"),
            lambda v, at: choice(v, at, PREDICTORS),
            loc,
        ),
        deadline=optional(c, "deadline", None, lambda v, at: duration(v, at, gt=0), loc),
        attempt_time=optional(
            c,
            "attempt_time",
            _default(Callback, "attempt_time"),
            lambda v, at: duration(v, at, gt=0),
            loc,
        ),
    )


def transfer(value: Any, loc: Loc, type_name: str, type_names: list[str]) -> Transfer:
    t = mapping(value, loc)
    check_keys(t, loc, ("probability", "to"), ("probability", "to"))
    probability = number(t["probability"], (*loc, "probability"), gt=0, le=1, hint=_PROBABILITY)
    to = reference(t["to"], (*loc, "to"), type_names, "call type")
    if to == type_name:
        others = ", ".join(n for n in type_names if n != type_name) or "none"
        fail(
            (*loc, "to"),
            f"a call type cannot transfer to itself ({to!r}): name another call type"
            f" (others: {others})",
        )
    return Transfer(probability, to)


def check_transfer_cycles(call_types: list[CallType], loc: Loc) -> None:
    """Certain transfers (probability 1) must not lead from a type back to itself.

    Each type transfers to at most one other, so following the certain transfers
    from a type either stops or enters a cycle; the error is at the cycle's first
    type in the order written.
    """
    certain = {
        ct.name: ct.transfer.to
        for ct in call_types
        if ct.transfer is not None and ct.transfer.probability == 1
    }
    for ct in call_types:
        path = [ct.name]
        while path[-1] in certain and certain[path[-1]] not in path:
            path.append(certain[path[-1]])
        if path[-1] in certain and certain[path[-1]] == ct.name:
            cycle = " -> ".join([*path, ct.name])
            fail(
                (*loc, ct.name, "transfer", "probability"),
                f"transfers of probability 1 form a cycle ({cycle}): every answered call of"
                " each of these types would be handed on to the next; make at least one of"
                " these probabilities less than 1",
            )
