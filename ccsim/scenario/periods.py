"""Values per period of the day: ``{by_period: [{from: "08:00", to: "12:00", ...}, ...]}``.

A call type's ``patience`` and ``handle_time`` may change over the day (evening
callers are less patient, night calls are longer). Each period gives ``from`` and
``to`` (clock times) and a distribution in the usual form, written beside them::

    patience:
      by_period:
        - {from: "08:00", to: "17:00", dist: exponential, mean: 5min}
        - {from: "17:00", to: "22:00", dist: exponential, mean: 2min}

The periods follow one another (each starts where the previous one ends) and cover
the horizon; they need not fall on interval boundaries. A call takes the period of
the time it is offered to the queue (after the IVR, if any), for its patience and
its handle time alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ccsim.scenario.distributions import distribution
from ccsim.scenario.errors import Loc
from ccsim.scenario.fields import check_keys, clock, fail, mapping
from ccsim.scenario.model import Distribution, Horizon, Period
from ccsim.units import describe, format_clock

_EXAMPLE = '[{from: "08:00", to: "17:00", dist: exponential, mean: 5min}, {from: "17:00", ...}]'


def is_by_period(value: Any) -> bool:
    """Whether a handle time or patience is given per period of the day."""
    return isinstance(value, dict) and "by_period" in value


def by_period(
    value: Any, loc: Loc, horizon: Horizon, base_dir: Path | None
) -> tuple[tuple[Period, ...], Distribution]:
    """The periods, and the day's distribution: the periods' mixture, each weighted by
    the share of the horizon it covers (what a single mean, as in reports, stands for)."""
    spec = mapping(value, loc)
    check_keys(spec, loc, ("by_period",))
    raw = spec["by_period"]
    loc = (*loc, "by_period")
    if not isinstance(raw, list) or not raw:
        got = "an empty list" if raw == [] else describe(raw)
        fail(loc, f"must be a list of periods such as {_EXAMPLE}, got {got}")
    periods = tuple(_period(entry, (*loc, i), base_dir) for i, entry in enumerate(raw))
    _check_cover(periods, loc, horizon)
    return periods, day_distribution(periods, horizon)


def _period(entry: Any, loc: Loc, base_dir: Path | None) -> Period:
    spec = mapping(entry, loc)
    for key in ("from", "to"):
        if key not in spec:
            fail((*loc, key), 'is missing; a period is {from: "08:00", to: "12:00", dist: ...}')
    start, end = clock(spec["from"], (*loc, "from")), clock(spec["to"], (*loc, "to"))
    if end <= start:
        got = describe(spec["to"])
        fail((*loc, "to"), f"must be after from ({format_clock(start)}), got {got}")
    rest = {key: v for key, v in spec.items() if key not in ("from", "to")}
    if not rest:
        fail(loc, "gives no distribution; add e.g. dist: exponential, mean: 3min")
    if len(rest) == 1 and "value" in rest:
        rest = rest["value"]  # {from, to, value: 30s}: a fixed duration
    return Period(start, end, distribution(rest, loc, base_dir))


def _check_cover(periods: tuple[Period, ...], loc: Loc, horizon: Horizon) -> None:
    """Each period starts where the previous ends; together they cover the horizon."""
    for i in range(1, len(periods)):
        if periods[i].start != periods[i - 1].end:
            fail(
                (*loc, i, "from"),
                f"must be {format_clock(periods[i - 1].end)}, where the previous period ends"
                f" (periods follow one another, without gaps or overlaps), got"
                f" {format_clock(periods[i].start)}",
            )
    if periods[0].start > horizon.start:
        fail(
            (*loc, 0, "from"),
            f"must be at or before the horizon's start {format_clock(horizon.start)}, got"
            f" {format_clock(periods[0].start)}: the periods cover the whole day",
        )
    if periods[-1].end < horizon.end:
        fail(
            (*loc, len(periods) - 1, "to"),
            f"must be at or after the horizon's end {format_clock(horizon.end)}, got"
            f" {format_clock(periods[-1].end)}: the periods cover the whole day",
        )


def day_distribution(periods: tuple[Period, ...], horizon: Horizon) -> Distribution:
    """The periods' mixture, weighted by their overlap with the horizon (flattened)."""
    overlap = [max(0.0, min(p.end, horizon.end) - max(p.start, horizon.start)) for p in periods]
    total = sum(overlap)
    parts = [(w / total, p.dist) for w, p in zip(overlap, periods, strict=True) if w > 0]
    if len(parts) == 1:
        return parts[0][1]
    flat: list[tuple[float, Distribution]] = []
    for w, dist in parts:
        flat.extend((w * v, d) for v, d in dist.rule.parts(dist))
    return Distribution("mixture", components=tuple(flat))


def period_means(periods: tuple[Period, ...], horizon: Horizon) -> list[float]:
    """Per planning interval, the mean of the periods over it, weighted by overlap."""
    means = []
    for a in horizon.interval_starts():
        b = a + horizon.interval
        num = 0.0
        for i, p in enumerate(periods):
            lo = p.start if i else -float("inf")  # the first and last extend outward
            hi = p.end if i < len(periods) - 1 else float("inf")
            num += max(0.0, min(hi, b) - max(lo, a)) * p.dist.mean
        means.append(num / horizon.interval)
    return means
