"""One day of a week as scenario data: the base day cut to the day's open hours,
its call volumes scaled to the day's total or factor.

Shifts, breaks, absences, events and outbound windows are clipped to the open
hours (a shift that does not overlap them is dropped), so a Friday that closes at
16:00 needs no Friday roster of its own: the late shift simply works until closing.
"""

from __future__ import annotations

import copy
from typing import Any

from ccsim.scenario.fields import fail
from ccsim.scenario.model import Scenario
from ccsim.units import format_clock, format_duration, parse_clock, parse_duration

__all__ = ["day_data"]

Span = tuple[float, float]


def day_data(
    base: Scenario,
    base_data: dict,
    span: Span,
    scaled: dict[str, tuple[str, float]],
    dated: dict[str, str] | None = None,
) -> dict:
    """Scenario data of a day open ``span`` whose call types ``scaled`` have a
    ``("daily_totals", calls)`` or ``("day_factors", factor)`` that day, and whose
    call types ``dated`` take the rows of that date from their forecast file (which
    then gives the day's open intervals)."""
    dated = dated or {}
    h = base.horizon
    first, n = _slice(base, span)
    data = copy.deepcopy(base_data)
    horizon = data["horizon"]
    horizon.pop("length", None)
    horizon["start"], horizon["end"] = format_clock(span[0]), format_clock(span[1])
    same_hours = span == (h.start, h.end)
    if not same_hours and data.get("ivr") is not None:
        fail(("horizon", "open"), "days with their own hours cannot have an IVR yet")
    for ct in base.call_types:
        body = data["call_types"][ct.name]
        if ct.name in dated:
            if ct.name in scaled:
                fail(
                    ("call_types", ct.name, "arrivals", scaled[ct.name][0]),
                    "a dated forecast file gives each day's calls: no scaling beside it",
                )
            body["arrivals"]["date"] = dated[ct.name]
            continue
        if "arrivals" not in body or (same_hours and ct.name not in scaled):
            continue
        volumes = [r * h.interval for r in ct.rates[first : first + n]]
        factor = _factor(ct.name, scaled.get(ct.name), sum(volumes))
        if ct.aht is not None and any(a is not None for a in ct.aht):
            fail(
                ("call_types", ct.name, "arrivals"),
                "a forecast file's AHT column cannot be cut or scaled to a day yet: "
                "give the day's volumes (or a file per day) without scaling",
            )
        body["arrivals"] = {"volumes": [v * factor for v in volumes]}
    if not same_hours:
        _clip_staffing(data, span, first, n)
    return data


def _slice(base: Scenario, span: Span) -> tuple[int, int]:
    """First interval and number of intervals of ``span`` in the base day."""
    h = base.horizon
    first, n = (span[0] - h.start) / h.interval, (span[1] - span[0]) / h.interval
    ok = span[0] >= h.start and span[1] <= h.end
    if not ok or first != int(first) or n != int(n):
        fail(
            ("horizon", "open"),
            f"open hours {format_clock(span[0])} to {format_clock(span[1])} must lie within "
            f"the day ({format_clock(h.start)} to {format_clock(h.end)}) on whole "
            f"{format_duration(h.interval)} intervals",
        )
    return int(first), int(n)


def _factor(name: str, rule: tuple[str, float] | None, profile_calls: float) -> float:
    if rule is None:
        return 1.0
    kind, x = rule
    if kind == "day_factors":
        return x
    if profile_calls <= 0:
        if x == 0:
            return 0.0
        fail(
            ("call_types", name, "arrivals", "daily_totals"),
            f"{x:g} calls on a day whose profile has no calls in its open hours",
        )
    return x / profile_calls


def _clip_staffing(data: dict, span: Span, first: int, n: int) -> None:
    for group in (data.get("agent_groups") or {}).values():
        if isinstance(group.get("agents"), list):
            group["agents"] = group["agents"][first : first + n]
        if isinstance(group.get("shifts"), list):
            group["shifts"] = [s for s in (_shift(s, span) for s in group["shifts"]) if s]
    for key, a, b in (("absences", "from", "to"), ("events", "from", "to")):
        if isinstance(data.get(key), list):
            data[key] = [x for x in (_period(x, span, a, b) for x in data[key]) if x]
    for campaign in (data.get("outbound") or {}).values():
        if isinstance(campaign, dict) and isinstance(campaign.get("window"), list):
            lo, hi = _clip(campaign["window"][0], campaign["window"][1], span)
            if lo >= hi:
                lo, hi = span[0], span[0]  # closed that day: validation names it
            campaign["window"] = [format_clock(lo), format_clock(hi)]


def _clip(start: Any, end: Any, span: Span) -> Span:
    return max(parse_clock(start), span[0]), min(parse_clock(end), span[1])


def _period(item: Any, span: Span, a: str, b: str) -> dict | None:
    if not isinstance(item, dict) or a not in item or b not in item:
        return item
    lo, hi = _clip(item[a], item[b], span)
    if lo >= hi:
        return None
    return {**item, a: format_clock(lo), b: format_clock(hi)}


def _shift(shift: Any, span: Span) -> dict | None:
    """The shift within the open hours (None if it does not overlap them); breaks
    that no longer fit are dropped, break windows clipped."""
    if not isinstance(shift, dict) or "start" not in shift or "end" not in shift:
        return shift
    lo, hi = _clip(shift["start"], shift["end"], span)
    if lo >= hi:
        return None
    out = {**shift, "start": format_clock(lo), "end": format_clock(hi)}
    if isinstance(shift.get("breaks"), list):
        out["breaks"] = [b for b in (_break(b, lo, hi) for b in shift["breaks"]) if b]
    return out


def _break(brk: Any, lo: float, hi: float) -> dict | None:
    if not isinstance(brk, dict) or "length" not in brk:
        return brk
    length = parse_duration(brk["length"])
    if "at" in brk:
        at = parse_clock(brk["at"])
        return brk if lo <= at and at + length <= hi else None
    if isinstance(brk.get("window"), list) and len(brk["window"]) == 2:
        w0, w1 = max(parse_clock(brk["window"][0]), lo), min(parse_clock(brk["window"][1]), hi)
        if w1 - w0 < length:
            return None
        return {**brk, "window": [format_clock(w0), format_clock(w1)]}
    return brk
