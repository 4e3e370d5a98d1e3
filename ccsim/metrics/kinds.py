"""How a KPI's value is shown: a fraction as a percentage, seconds, money or a number.

One rule for every table, sheet and notebook view (``kpi_kind``); the formatting of a
value of each kind is `ccsim.units.format_value`.
"""

from __future__ import annotations

from ccsim.metrics import FRACTION_KPIS

__all__ = ["kpi_kind"]

_MONEY = frozenset({"cost", "agent_cost", "telecom_cost", "outsourced_cost", "cost_per_call"})
_PCT_EXTRA = frozenset(
    {"sl_p_meet_target", "sl_p10", "p_meet_target", "p10", "shrinkage", "p_wait"}
)


def kpi_kind(kpi: str) -> str:
    """How a KPI's value is shown: pct (fractions), sec (``*_s``), money or num."""
    base = kpi.rsplit(".", 1)[-1]
    for suffix in ("_ci_low", "_ci_high"):
        base = base.removesuffix(suffix)
    if base in FRACTION_KPIS or base in _PCT_EXTRA:
        return "pct"
    if base.endswith("_s"):
        return "sec"
    if base in _MONEY:
        return "money"
    return "num"
