"""A run's results as tidy pandas tables: per replication, per interval, summary, risk.

Tidy means one row per observation (replication × scope × KPI, or interval × KPI),
so the tables filter, pivot and plot directly, and write to CSV or Parquet as they
are. The same tables are what ``--out`` writes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from ccsim.metrics import per_replication_table

if TYPE_CHECKING:
    from ccsim.runner import RunResult

__all__ = ["intervals_frame", "replications_frame", "risk_frame", "summary_frame"]

SUMMARY_COLUMNS = ["scope", "name", "kpi", "mean", "ci_low", "ci_high"]


def replications_frame(result: RunResult) -> pd.DataFrame:
    """One row per replication × scope × key × KPI: columns ``replication``,
    ``scope`` (day, interval, call_type, agent_group), ``key`` (the interval's start
    or the type / group name), ``kpi``, ``value``."""
    rows = per_replication_table(result.kpis, result.scenario)
    return pd.DataFrame(rows, columns=["replication", "scope", "key", "kpi", "value"])


def _figures(kpis: dict[str, Any], prefix: str = "") -> list[tuple[str, Any, Any, Any]]:
    """``(kpi, mean, low, high)`` of each summarized figure, nested ones with dotted names."""
    out = []
    for kpi, fig in kpis.items():
        if not isinstance(fig, dict):
            continue  # a label, such as an interval's start or events
        if "mean" not in fig:
            out += _figures(fig, f"{prefix}{kpi}.")
            continue
        low, high = fig["ci95"] or (None, None)
        out.append((prefix + kpi, fig["mean"], low, high))
    return out


def summary_frame(result: RunResult) -> pd.DataFrame:
    """Mean and 95 % CI of every KPI for the day, each call type and each agent group:
    columns ``scope`` (day, call_type, agent_group), ``name``, ``kpi``, ``mean``,
    ``ci_low``, ``ci_high`` (the 95 % CI)."""
    s = result.summary
    scopes = [("day", "", s["summary"])]
    scopes += [("call_type", n, k) for n, k in s["by_call_type"].items()]
    scopes += [("agent_group", n, k) for n, k in s["by_agent_group"].items()]
    rows = [(scope, name, *fig) for scope, name, kpis in scopes for fig in _figures(kpis)]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def intervals_frame(result: RunResult) -> pd.DataFrame:
    """Mean and 95 % CI of every KPI per planning interval: columns ``interval``
    (its start, "HH:MM"), ``kpi``, ``mean``, ``ci_low``, ``ci_high``."""
    rows = [
        (entry["start"], *fig) for entry in result.summary["by_interval"] for fig in _figures(entry)
    ]
    return pd.DataFrame(rows, columns=["interval", "kpi", "mean", "ci_low", "ci_high"])


def risk_frame(result: RunResult) -> pd.DataFrame:
    """How often each interval (and the day, ``start`` "day") met the SL target across
    replications: columns ``start``, ``p_meet_target``, ``p10``, ``n``."""
    risk = result.risk
    rows = [{"start": "day", **risk["day"]}] + list(risk["by_interval"])
    return pd.DataFrame(rows, columns=["start", "p_meet_target", "p10", "n"])
