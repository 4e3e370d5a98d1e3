"""Ratio-of-totals estimates read column by column from compact replications.

`ccsim.batch.ratios.ratio_of_totals` reads a few figures of every scope of every
replication document, a Python call per figure: seconds for a thousand
replications of a day with many intervals and groups. `ratio_of_totals_rows` takes
the same numerators and denominators as whole columns of the batch's matrix
(`ccsim.metrics.compact.KpiRows`) and hands them to the same `ratio_estimate`:
the same formulas (`ccsim.batch.ratios.RATES`) on the same numbers, so the same
results (a test compares the two).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ccsim.batch.ratios import GROUP_INTERVAL_RATES, RATES, Rate, ratio_estimate
from ccsim.metrics.compact import KpiRows
from ccsim.metrics.names import FRACTION_KPIS

__all__ = ["ratio_of_totals_rows"]

Column = Callable[[str], np.ndarray]
_Rates = dict[str, tuple[Rate, tuple[str, ...]]]


def ratio_of_totals_rows(rows: KpiRows, definition: str = "offered") -> dict[str, Any]:
    """`ccsim.batch.ratios.ratio_of_totals` of the replications ``rows``."""
    if len(rows) == 0:
        raise ValueError("ratio_of_totals needs at least one replication")
    m = rows.matrix
    top = rows.layout.skeleton

    def scope(node: dict, rates: _Rates) -> dict[str, Any]:
        def column(kpi: str) -> np.ndarray:
            x = m[:, node[kpi]]
            return np.where(np.isnan(x), 0.0, x)  # undefined: 0, as a total

        out: dict[str, Any] = {}
        for kpi, (rate, needs) in rates.items():
            if all(k in node for k in needs):
                num, den = rate(column)
                out[kpi] = ratio_estimate(num, den, kpi in FRACTION_KPIS)
        if f"sl_{definition}" in out:
            out = {"service_level": out[f"sl_{definition}"], **out}
        return out

    def start(node: dict) -> Any:
        label = node.get("start")
        return getattr(label, "value", label)

    occupancy = {"occupancy": RATES["occupancy"]}
    return {
        "summary": scope(top["summary"], RATES),
        "by_interval": [{"start": start(e), **scope(e, RATES)} for e in top["by_interval"]],
        "by_call_type": {k: scope(e, RATES) for k, e in top["by_call_type"].items()},
        "by_agent_group": {k: scope(e, occupancy) for k, e in top["by_agent_group"].items()},
        "by_agent_group_interval": {
            k: [{"start": start(e), **scope(e, GROUP_INTERVAL_RATES)} for e in entries]
            for k, entries in top.get("by_agent_group_interval", {}).items()
        },
    }
