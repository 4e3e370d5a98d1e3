"""Ratio-of-totals estimates read column by column from compact replications.

`ccsim.batch.ratios.ratio_of_totals` reads a few figures of every scope of every
replication document, a Python call per figure: seconds for a thousand
replications of a day with many intervals and groups. `ratio_of_totals_rows` takes
the same numerators and denominators as whole columns of the batch's matrix
(`ccsim.metrics.compact.KpiRows`) and hands them to the same `ratio_estimate`:
the same arrays, so the same numbers (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ccsim.batch.ratios import RATIO_KPIS, ratio_estimate
from ccsim.metrics.compact import KpiRows
from ccsim.metrics.names import FRACTION_KPIS

__all__ = ["ratio_of_totals_rows"]

Column = Callable[[str], np.ndarray]
Rate = Callable[[Column], tuple[np.ndarray, np.ndarray]]


def _per(rate: str, den: Callable[[Column], np.ndarray]) -> Rate:
    return lambda c: (c(rate) * den(c), den(c))


def _esa_den(c: Column) -> np.ndarray:
    """Offered minus abandoned within T, as `ccsim.batch.ratios` derives it."""
    return c("offered") - (c("sl_short_abandons_as_met") - c("sl_offered")) * c("offered")


#: Numerator and denominator columns of each rate, as `ccsim.batch.ratios.RATIO_KPIS`.
_RATES: dict[str, Rate] = {
    "sl_offered": _per("sl_offered", lambda c: c("offered")),
    "sl_answered": _per("sl_answered", lambda c: c("answered")),
    "sl_exclude_short_abandons": _per("sl_exclude_short_abandons", _esa_den),
    "sl_short_abandons_as_met": _per("sl_short_abandons_as_met", lambda c: c("offered")),
    "abandon_rate": lambda c: (c("abandoned"), c("offered")),
    "p_wait": _per("p_wait", lambda c: c("offered")),
    "asa_s": _per("asa_s", lambda c: c("answered")),
    "occupancy": lambda c: (c("busy_hours"), c("staffed_hours")),
}
_NEEDS = {name: needs for name, (_, _, needs) in RATIO_KPIS.items()}
_GROUP_INTERVAL: dict[str, Rate] = {
    "occupancy": lambda c: (c("busy_agents"), c("available_agents")),
}
_GROUP_INTERVAL_NEEDS = {"occupancy": ("busy_agents", "available_agents")}


def ratio_of_totals_rows(rows: KpiRows, definition: str = "offered") -> dict[str, Any]:
    """`ccsim.batch.ratios.ratio_of_totals` of the replications ``rows``."""
    if len(rows) == 0:
        raise ValueError("ratio_of_totals needs at least one replication")
    m = rows.matrix
    top = rows.layout.skeleton

    def scope(node: dict, rates: dict[str, Rate], needs: dict) -> dict[str, Any]:
        def column(kpi: str) -> np.ndarray:
            x = m[:, node[kpi]]
            return np.where(np.isnan(x), 0.0, x)  # undefined: 0, as a total

        out: dict[str, Any] = {}
        for kpi, rate in rates.items():
            if all(k in node for k in needs[kpi]):
                num, den = rate(column)
                out[kpi] = ratio_estimate(num, den, kpi in FRACTION_KPIS)
        if f"sl_{definition}" in out:
            out = {"service_level": out[f"sl_{definition}"], **out}
        return out

    def start(node: dict) -> Any:
        label = node.get("start")
        return getattr(label, "value", label)

    occupancy = {"occupancy": _RATES["occupancy"]}
    return {
        "summary": scope(top["summary"], _RATES, _NEEDS),
        "by_interval": [
            {"start": start(e), **scope(e, _RATES, _NEEDS)} for e in top["by_interval"]
        ],
        "by_call_type": {k: scope(e, _RATES, _NEEDS) for k, e in top["by_call_type"].items()},
        "by_agent_group": {
            k: scope(e, occupancy, _NEEDS) for k, e in top["by_agent_group"].items()
        },
        "by_agent_group_interval": {
            k: [
                {"start": start(e), **scope(e, _GROUP_INTERVAL, _GROUP_INTERVAL_NEEDS)}
                for e in entries
            ]
            for k, entries in top.get("by_agent_group_interval", {}).items()
        },
    }
