"""Ratio-of-totals estimates of the rate KPIs, over replications.

A rate such as the service level is a ratio: answered within T / offered. Over
replications it can be estimated two ways:

- the **mean of daily ratios** (what ``summary`` gives for every KPI): each
  replication's ratio, averaged. It answers "what SL does a typical day show?"
  and weights a quiet day as much as a busy one;
- the **ratio of totals**: E[answered within T] / E[offered], estimated by the
  ratio of the replications' mean numerator and mean denominator. It is the
  expectation the queueing and simulation literature (ContactCenters, SSJ, the
  Erlang formulas as long-run fractions of callers) and WFM reports give, and
  the one whose counts add up: SL × offered is the expected number in target.

In an overloaded or short day the two differ: a day with more callers has a worse
ratio and weighs more in the totals. The confidence interval of the ratio of totals
is the delta method's: with R = X̄ / Ȳ, its standard error is
sd(X − R Y) / (√n Ȳ), and a Student-t quantile as for the other KPIs.

Each replication's numerator and denominator are read off its KPIs (a rate times
its denominator is the replication's count, exactly), so a stored run's
replications give these figures without simulating again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from ccsim.metrics import FRACTION_KPIS, _t975

__all__ = ["GROUP_INTERVAL_RATES", "RATES", "RATIO_KPIS", "ratio_of_totals", "ratio_estimate"]

Entry = dict[str, Any]
Part = Callable[[Entry], float]
#: A KPI by name: one replication's number (an entry's) or a column of them (a batch's).
Get = Callable[[str], Any]
#: A rate's (numerator, denominator), from its KPIs: the formulas work alike on numbers
#: and on numpy columns, so both readers below use the same ones.
Rate = Callable[[Get], tuple[Any, Any]]


def _v(entry: Entry, kpi: str) -> float:
    """A KPI of one replication, 0 where it is undefined (NaN: its denominator is 0)."""
    x = entry.get(kpi)
    return 0.0 if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _esa_den(g: Get) -> Any:
    """Offered minus abandoned within T, where abandoned within T is
    (SL short-abandons-as-met − SL offered) × offered."""
    return g("offered") - (g("sl_short_abandons_as_met") - g("sl_offered")) * g("offered")


def _per(rate: str, den: Callable[[Get], Any]) -> Rate:
    """``(numerator, denominator)`` of ``rate``: rate × denominator, and the denominator."""
    return lambda g: (g(rate) * den(g), den(g))


def _of(num: str, den: str) -> Rate:
    return lambda g: (g(num), g(den))


def _kpi(name: str) -> Callable[[Get], Any]:
    return lambda g: g(name)


#: Every rate with a ratio-of-totals estimate: name -> (its numerator and denominator,
#: the KPIs a scope needs for it). ``service_level`` follows the scenario's definition.
RATES: dict[str, tuple[Rate, tuple[str, ...]]] = {
    "sl_offered": (_per("sl_offered", _kpi("offered")), ("sl_offered", "offered")),
    "sl_answered": (_per("sl_answered", _kpi("answered")), ("sl_answered", "answered")),
    "sl_exclude_short_abandons": (
        _per("sl_exclude_short_abandons", _esa_den),
        ("sl_exclude_short_abandons", "sl_short_abandons_as_met", "sl_offered", "offered"),
    ),
    "sl_short_abandons_as_met": (
        _per("sl_short_abandons_as_met", _kpi("offered")),
        ("sl_short_abandons_as_met", "offered"),
    ),
    "abandon_rate": (_of("abandoned", "offered"), ("abandoned", "offered")),
    "p_wait": (_per("p_wait", _kpi("offered")), ("p_wait", "offered")),
    "asa_s": (_per("asa_s", _kpi("answered")), ("asa_s", "answered")),
    "occupancy": (_of("busy_hours", "staffed_hours"), ("busy_hours", "staffed_hours")),
}
#: An agent group's intervals give agents (average over the interval), not hours.
GROUP_INTERVAL_RATES: dict[str, tuple[Rate, tuple[str, ...]]] = {
    "occupancy": (_of("busy_agents", "available_agents"), ("busy_agents", "available_agents")),
}


def _on_entries(rates: dict[str, tuple[Rate, tuple[str, ...]]]) -> dict:
    """``rates`` read off one replication's entry: name -> (numerator, denominator, needs)."""
    return {
        name: (
            (lambda e, r=rate: r(partial(_v, e))[0]),
            (lambda e, r=rate: r(partial(_v, e))[1]),
            needs,
        )
        for name, (rate, needs) in rates.items()
    }


#: `RATES` as functions of one replication's entry (``(num, den, needs)``).
RATIO_KPIS: dict[str, tuple[Part, Part, tuple[str, ...]]] = _on_entries(RATES)
_GROUP_INTERVAL = _on_entries(GROUP_INTERVAL_RATES)


def ratio_estimate(num: np.ndarray, den: np.ndarray, fraction: bool) -> dict[str, Any]:
    """Ratio of the means of ``num`` and ``den`` over replications, with its 95 %
    delta-method interval: ``{"mean", "ci95"}`` (``ci95`` None for one replication,
    ``mean`` None too when the mean denominator is 0). A fraction's interval is
    clipped to [0, 1], any other to [0, ∞), as in `ccsim.metrics.summarize`."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    n = num.size
    d = float(den.mean()) if n else 0.0
    if d <= 0:
        return {"mean": None, "ci95": None}
    r = float(num.mean()) / d
    if n < 2:
        return {"mean": r, "ci95": None}
    half = _t975(n - 1) * float(np.std(num - r * den, ddof=1)) / (math.sqrt(n) * d)
    high = 1.0 if fraction else math.inf
    return {"mean": r, "ci95": [max(r - half, 0.0), min(r + half, high)]}


def _entry_ratios(entries: list[Entry], table: dict, definition: str) -> dict[str, Any]:
    """The ratio-of-totals figure of every rate the entries have the KPIs for."""
    out: dict[str, Any] = {}
    first = entries[0]
    for kpi, (num, den, needs) in table.items():
        if not all(k in first for k in needs):
            continue
        x = np.array([num(e) for e in entries])
        y = np.array([den(e) for e in entries])
        out[kpi] = ratio_estimate(x, y, kpi in FRACTION_KPIS)
    if f"sl_{definition}" in out:
        out = {"service_level": out[f"sl_{definition}"], **out}
    return out


def ratio_of_totals(reps: list[dict[str, Any]], definition: str = "offered") -> dict[str, Any]:
    """Ratio-of-totals estimates over the replications ``reps`` (`replication_kpis`).

    Same layout as the run's summary, each rate as ``{"mean", "ci95"}``::

        {"summary": {kpi: …}, "by_interval": [{"start", kpi: …}, …],
         "by_call_type": {name: {kpi: …}}, "by_agent_group": {name: {kpi: …}},
         "by_agent_group_interval": {name: [{"start", "occupancy": …}, …]}}

    Rates (`RATIO_KPIS`): ``service_level`` (the scenario's ``definition``) and the
    four ``sl_*``, ``abandon_rate``, ``p_wait``, ``asa_s`` and ``occupancy``, where the
    scope has them: a call type has no occupancy, an agent group only occupancy.
    """
    if not reps:
        raise ValueError("ratio_of_totals needs at least one replication")
    first = reps[0]

    def scope(get: Callable[[dict], Entry], table: dict = RATIO_KPIS) -> dict[str, Any]:
        return _entry_ratios([get(r) for r in reps], table, definition)

    return {
        "summary": scope(lambda r: r["summary"]),
        "by_interval": [
            {"start": entry.get("start"), **scope(_getter("by_interval", i))}
            for i, entry in enumerate(first["by_interval"])
        ],
        "by_call_type": {
            name: scope(_getter("by_call_type", name)) for name in first["by_call_type"]
        },
        "by_agent_group": {
            name: scope(_getter("by_agent_group", name), _occupancy_only())
            for name in first["by_agent_group"]
        },
        "by_agent_group_interval": {
            name: [
                {
                    "start": entry.get("start"),
                    **scope(partial(_group_interval, name=name, i=i), _GROUP_INTERVAL),
                }
                for i, entry in enumerate(rows)
            ]
            for name, rows in first.get("by_agent_group_interval", {}).items()
        },
    }


def _group_interval(rep: dict[str, Any], name: str, i: int) -> Entry:
    return rep["by_agent_group_interval"][name][i]


def _occupancy_only() -> dict:
    return {"occupancy": RATIO_KPIS["occupancy"]}


def _getter(section: str, key: int | str) -> Callable[[dict], Entry]:
    """``rep[section][key]``, as a function of one replication's KPI document."""
    return lambda rep: rep[section][key]
