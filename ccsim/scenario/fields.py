"""Typed readers for scenario fields.

Each takes the raw value and its location, and returns the checked value in
canonical units, or raises a ``ScenarioError`` at that location whose message
says what is allowed. Bounds are checked here too, so every message about a
value shows what the user wrote (``got '-30s'``), not a converted number.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any, NoReturn

from ccsim import units
from ccsim.scenario.errors import Loc, ScenarioError
from ccsim.units import describe


def fail(loc: Loc, message: str) -> NoReturn:
    raise ScenarioError(message, path=loc)


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """``" did you mean 'x'?"`` for the closest choice, or ``""``."""
    choices = list(choices)
    close = difflib.get_close_matches(str(word), choices, n=1)
    if not close:  # an abbreviation: "expo" for "exponential", "det" for "deterministic"
        text = str(word).strip().lower()
        starts = [c for c in choices if len(text) >= 3 and c.lower().startswith(text)]
        close = starts[:1] if len(starts) == 1 else []
    return f" did you mean {close[0]!r}?" if close else ""


def mapping(value: Any, loc: Loc) -> dict:
    if not isinstance(value, dict):
        fail(loc, f"must be a mapping (key: value lines), got {describe(value)}")
    return value


def check_keys(
    data: dict,
    loc: Loc,
    allowed: Iterable[str],
    required: Iterable[str] = (),
    later: Mapping[str, str] | None = None,
) -> None:
    """Unknown keys (with a did-you-mean and the allowed list), then missing ones.

    ``later`` maps keys of the scenario format that this version does not support
    yet to the message that says so. A required key set to null counts as missing.
    """
    allowed, required = list(allowed), list(required)
    for key in data:
        if key in allowed:
            continue
        if later and key in later:
            fail((*loc, key), later[key])
        fail(
            (*loc, key),
            f"unknown key {describe(key)};{did_you_mean(key, allowed)}"
            f" allowed keys: {', '.join(allowed)}",
        )
    for key in required:
        if data.get(key) is None:
            state = "is empty" if key in data else "is missing"
            fail((*loc, key), f"{state}; required keys here: {', '.join(required)}")


def items(data: dict, loc: Loc, what: str) -> list[tuple[str, Any]]:
    """The entries of a mapping of names (call types, agent groups); at least one."""
    mapping(data, loc)
    if not data:
        fail(loc, f"must name at least one {what}")
    for key in data:
        name(key, (*loc, key), f"a {what} name")
    return list(data.items())


def optional(data: dict, key: str, default: Any, read: Callable[[Any, Loc], Any], loc: Loc) -> Any:
    """``read(data[key], its loc)``, or ``default`` when the key is absent or null."""
    return default if data.get(key) is None else read(data[key], (*loc, key))


def reference(value: Any, loc: Loc, choices: Iterable[str], what: str) -> str:
    """The name of something defined elsewhere (a call type, an agent group, an IVR node).

    ``what`` is singular ("agent group"); the message lists the choices under its plural.
    """
    choices = list(choices)
    name(value, loc, f"{_article(what)} {what} name")
    if value not in choices:
        hint = did_you_mean(value, choices)
        fail(loc, f"unknown {what} {value!r};{hint} {what}s: {', '.join(choices)}")
    return value


def _article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def name_list(value: Any, loc: Loc, what: str) -> list[tuple[Any, Loc]]:
    """The items of a non-empty list, each with its location (``preference: [a, b]``)."""
    if not isinstance(value, list):
        fail(loc, f"must be a list of {what}s, got {describe(value)}")
    if not value:
        fail(loc, f"must name at least one {what}")
    return [(v, (*loc, i)) for i, v in enumerate(value)]


def boolean(value: Any, loc: Loc) -> bool:
    if not isinstance(value, bool):
        fail(loc, f"must be true or false, got {describe(value)}")
    return value


def name(value: Any, loc: Loc, what: str = "a name") -> str:
    if not isinstance(value, str) or not value.strip():
        fail(loc, f"{what} must be non-empty text, got {describe(value)}")
    return value


def choice(value: Any, loc: Loc, choices: Iterable[str]) -> str:
    choices = list(choices)
    if value not in choices:
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        fail(
            loc, f"must be one of {', '.join(choices)}, got {describe(value)}{hint and ';' + hint}"
        )
    return value


def number(value: Any, loc: Loc, **bounds: Any) -> float:
    """A finite int or float (not true/false, not text), within ``bounds`` (see `_bounded`)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(loc, f"must be a number, got {describe(value)}{_bool_hint(value)}")
    try:
        x = float(value)
    except OverflowError:
        x = math.inf
    if not math.isfinite(x):
        fail(loc, f"must be a finite number, got {describe(value)}")
    return _bounded(x, value, loc, **bounds)


def whole(value: Any, loc: Loc, **bounds: Any) -> int:
    """A whole number (``agents: 25``), within ``bounds``."""
    if isinstance(value, bool) or not isinstance(value, int):
        fail(loc, f"must be a whole number, got {describe(value)}{_bool_hint(value)}")
    _bounded(value, value, loc, **bounds)
    return value


def duration(value: Any, loc: Loc, **bounds: Any) -> float:
    """Seconds from ``240s``, ``4min``, ``1.5h`` or a bare number of seconds."""
    return _bounded(_wrap(units.parse_duration, value, loc), value, loc, **bounds)


def rate(value: Any, loc: Loc) -> float:
    """Calls per second from ``120/h``, ``2/min``, ``0.5/s`` or a bare number per hour."""
    return _bounded(_wrap(units.parse_rate, value, loc), value, loc, ge=0)


def clock(value: Any, loc: Loc) -> float:
    """Seconds since midnight from ``"08:30"``."""
    return _wrap(units.parse_clock, value, loc)


def _bool_hint(value: Any) -> str:
    return " (YAML reads yes, no, on, off as true or false)" if isinstance(value, bool) else ""


def _wrap(parse: Callable[[object], float], value: Any, loc: Loc) -> float:
    try:
        return parse(value)
    except ValueError as exc:
        fail(loc, str(exc))


def _bounded(
    x: float,
    raw: Any,
    loc: Loc,
    gt: float | None = None,
    ge: float | None = None,
    le: float | None = None,
    lt: float | None = None,
    hint: str = "",
) -> Any:
    if gt is not None and not x > gt:
        rule = f"> {gt:g}"
    elif ge is not None and not x >= ge:
        rule = f">= {ge:g}"
    elif le is not None and not x <= le:
        rule = f"<= {le:g}"
    elif lt is not None and not x < lt:
        rule = f"< {lt:g}"
    else:
        return x
    fail(loc, f"must be {rule}, got {describe(raw)}{hint}")
