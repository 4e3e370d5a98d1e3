"""A run's results as tidy pandas tables: per replication, per interval, summary, risk, calls.

Tidy means one row per observation (replication × scope × KPI, or interval × KPI),
so the tables filter, pivot and plot directly, and write to CSV or Parquet as they
are. The same tables are what ``--out`` writes.

Every table names its columns alike (the comparison and sweep tables too):

- ``scope``: ``day``, ``interval``, ``call_type`` or ``agent_group``;
- ``name``: the call type's or agent group's name (empty for the day and intervals);
- ``interval``: the planning interval's start, ``"HH:MM"`` (empty outside intervals);
- ``kpi``: the KPI's key (``service_level``, ``asa_s``, …; nested ones dotted,
  ``answered_by_type.billing``);
- ``value`` (one replication) or ``mean``, ``ci_low``, ``ci_high`` (the 95 % t
  interval over replications).

Earlier versions named these ``key`` (for both name and interval), ``start`` and
``ci95_low``/``ci95_high``; the ``--json`` document keeps its ``{"mean", "ci95"}``
form.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd

from ccsim.metrics import per_replication_table
from ccsim.metrics.compact import KpiRows
from ccsim.observations import CALL_COLUMNS, LEGS

if TYPE_CHECKING:
    from ccsim.observations import Observations
    from ccsim.scenario.model import Scenario


class RunResult(Protocol):
    """What the tables read of a `ccsim.batch.result.RunResult` (which calls them for
    its ``*_df`` properties, so this module does not import it back)."""

    @property
    def scenario(self) -> Scenario: ...
    @property
    def kpis(self) -> Sequence[dict]: ...
    @property
    def summary(self) -> dict: ...
    @property
    def risk(self) -> dict: ...
    @property
    def observations(self) -> list[Observations]: ...
    @property
    def ratio_of_totals(self) -> dict: ...


__all__ = [
    "CALL_COLUMNS",
    "REPLICATION_COLUMNS",
    "SUMMARY_COLUMNS",
    "calls_frame",
    "intervals_frame",
    "ratio_of_totals_frame",
    "replications_frame",
    "risk_frame",
    "summary_frame",
    "tidy_replications",
]

SUMMARY_COLUMNS = ["scope", "name", "kpi", "mean", "ci_low", "ci_high"]
REPLICATION_COLUMNS = ["replication", "scope", "name", "interval", "kpi", "value"]


def tidy_replications(kpis: Sequence[dict[str, Any]], scenario: Scenario) -> pd.DataFrame:
    """Per-replication KPIs (``RunResult.kpis``) as a table with `REPLICATION_COLUMNS`.

    Parameters
    ----------
    kpis : list of dict
        One replication's KPIs per item, as `ccsim.metrics.replication_kpis` gives them.
    scenario : Scenario
        The scenario they come from (its interval starts label the interval rows).

    Returns
    -------
    pandas.DataFrame
        One row per replication × scope × name or interval × KPI.
    """
    if isinstance(kpis, KpiRows):  # a batch's: one walk of the layout, not one per replication
        table = _tidy_rows(kpis, scenario)
    else:
        rows = per_replication_table(kpis, scenario)
        table = pd.DataFrame(rows, columns=["replication", "scope", "key", "kpi", "value"])
    is_interval = table["scope"] == "interval"
    table.insert(3, "interval", table["key"].where(is_interval, ""))
    table["key"] = table["key"].where(~is_interval, "")
    return table.rename(columns={"key": "name"})[REPLICATION_COLUMNS]


def _tidy_rows(kpis: KpiRows, scenario: Scenario) -> pd.DataFrame:
    """`per_replication_table` of a batch's rows at once: its rows for a document
    whose numbers are their own column indices say which column each tidy row reads,
    the same for every replication (one layout)."""
    skeleton = per_replication_table([kpis.layout.build(lambda j: j)], scenario)
    columns = np.array([row["value"] for row in skeleton], dtype=np.int64)
    n = len(kpis)
    table = pd.DataFrame(
        {
            "replication": np.repeat(np.arange(n), len(skeleton)),
            **{
                name: np.tile(np.array([row[name] for row in skeleton], dtype=object), n)
                for name in ("scope", "key", "kpi")
            },
            "value": kpis.matrix[:, columns].ravel(),
        }
    )
    return table


def replications_frame(result: RunResult) -> pd.DataFrame:
    """Every replication's KPIs: one row per replication × scope × name or interval × KPI.

    Parameters
    ----------
    result : RunResult
        A finished run.

    Returns
    -------
    pandas.DataFrame
        Columns ``replication`` (from 0), ``scope`` (day, interval, call_type,
        agent_group), ``name`` (the type or group), ``interval`` ("HH:MM"), ``kpi``,
        ``value`` (NaN where the KPI is undefined in that replication).

    Examples
    --------
    >>> import ccsim
    >>> r = ccsim.run(ccsim.load_scenario("scenarios/teaching_single_queue.yaml"), 3, seed=1)
    >>> df = r.replications_df
    >>> list(df.columns)
    ['replication', 'scope', 'name', 'interval', 'kpi', 'value']
    >>> df.query("scope == 'day' and kpi == 'service_level'")["value"].size
    3
    """
    return tidy_replications(result.kpis, result.scenario)


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
    """Mean and 95 % CI of every KPI for the day, each call type and each agent group.

    Parameters
    ----------
    result : RunResult

    Returns
    -------
    pandas.DataFrame
        Columns ``scope`` (day, call_type, agent_group), ``name``, ``kpi``, ``mean``,
        ``ci_low``, ``ci_high`` (what ``summary.csv`` holds).
    """
    s = result.summary
    scopes = [("day", "", s["summary"])]
    scopes += [("call_type", n, k) for n, k in s["by_call_type"].items()]
    scopes += [("agent_group", n, k) for n, k in s["by_agent_group"].items()]
    rows = [(scope, name, *fig) for scope, name, kpis in scopes for fig in _figures(kpis)]
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)


def intervals_frame(result: RunResult) -> pd.DataFrame:
    """Mean and 95 % CI of every KPI per planning interval.

    Parameters
    ----------
    result : RunResult

    Returns
    -------
    pandas.DataFrame
        Columns ``interval`` ("HH:MM"), ``kpi``, ``mean``, ``ci_low``, ``ci_high``.
    """
    rows = [
        (entry["start"], *fig) for entry in result.summary["by_interval"] for fig in _figures(entry)
    ]
    return pd.DataFrame(rows, columns=["interval", "kpi", "mean", "ci_low", "ci_high"])


def risk_frame(result: RunResult) -> pd.DataFrame:
    """How often the day and each interval met the SL target across replications.

    Parameters
    ----------
    result : RunResult

    Returns
    -------
    pandas.DataFrame
        Columns ``scope`` (``day`` first, then ``interval``), ``interval`` ("HH:MM";
        empty for the day), ``p_meet_target``, ``p10`` (the 10th percentile of the
        SL), ``n`` (replications where the SL is defined).
    """
    risk = result.risk
    rows = [{"scope": "day", "interval": "", **risk["day"]}]
    rows += [
        {
            "scope": "interval",
            **{k: v for k, v in e.items() if k != "start"},
            "interval": e["start"],
        }
        for e in risk["by_interval"]
    ]
    return pd.DataFrame(rows, columns=["scope", "interval", "p_meet_target", "p10", "n"])


def calls_frame(result: RunResult) -> pd.DataFrame:
    """Every call (leg) of every replication kept with ``run(..., keep_calls=True)``.

    Parameters
    ----------
    result : RunResult
        A run made with ``keep_calls=True`` (else it has no calls to show).

    Returns
    -------
    pandas.DataFrame
        One row per leg and replication, with the columns of ``ccsim run --trace``
        (`CALL_COLUMNS`): times in seconds since midnight (``arrival_s``,
        ``offered_s``: when it joined a queue) or durations (``ivr_s``, ``wait_s``,
        ``talk_s``, ``wrap_s``); NaN where there is none (``wait_s`` of a call
        never queued); ``call_type`` and ``group`` empty where there is none.

    Raises
    ------
    ValueError
        The run kept no calls.

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> calls = ccsim.run(s, 2, seed=1, keep_calls=True).calls_df
    >>> calls.groupby("replication")["outcome"].value_counts().unstack().columns.tolist()
    ['answered']
    """
    if not result.observations:
        raise ValueError(
            "this run kept no calls: run it with keep_calls=True for the per-call table"
        )
    scenario = result.scenario
    frames = [_calls(r, obs, scenario) for r, obs in enumerate(result.observations)]
    return pd.concat(frames, ignore_index=True)[CALL_COLUMNS]


def _labels(codes: np.ndarray, names: Iterable[str]) -> np.ndarray:
    """Names by code, ``""`` for code -1."""
    lookup = np.array([*names, ""], dtype=object)
    return lookup[np.where(codes >= 0, codes, len(lookup) - 1)]


def _calls(replication: int, obs: Observations, scenario: Scenario) -> pd.DataFrame:
    from ccsim.observations import OUTCOMES

    n = obs.n_calls
    return pd.DataFrame(
        {
            "replication": np.full(n, replication),
            "caller": obs.caller[:n].astype(int),
            "leg": _labels(obs.leg[:n].astype(int), LEGS),
            "attempt": obs.attempt[:n].astype(int),
            "call_type": _labels(
                obs.call_type[:n].astype(int), (c.name for c in scenario.call_types)
            ),
            "arrival_s": obs.arrival[:n],
            "ivr_s": obs.ivr_time[:n],
            "offered_s": obs.offered[:n],
            "outcome": np.array(OUTCOMES, dtype=object)[obs.outcome[:n].astype(int)],
            "wait_s": obs.wait[:n],
            "talk_s": obs.talk[:n],
            "wrap_s": obs.wrap[:n],
            "group": _labels(obs.group[:n].astype(int), (g.name for g in scenario.agent_groups)),
        }
    )


RATIO_COLUMNS = ["scope", "name", "interval", "kpi", "estimator", "mean", "ci_low", "ci_high"]


def _ratio_scopes(doc: dict[str, Any]) -> list[tuple[str, str, str, dict[str, Any]]]:
    """``(scope, name, interval, figures)`` of every entry of a summary-shaped dict."""
    out = [("day", "", "", doc.get("summary", {}))]
    out += [("interval", "", e.get("start", ""), e) for e in doc.get("by_interval", [])]
    out += [("call_type", n, "", e) for n, e in doc.get("by_call_type", {}).items()]
    out += [("agent_group", n, "", e) for n, e in doc.get("by_agent_group", {}).items()]
    for n, rows in doc.get("by_agent_group_interval", {}).items():
        out += [("agent_group_interval", n, e.get("start", ""), e) for e in rows]
    return out


def ratio_of_totals_frame(result: RunResult) -> pd.DataFrame:
    """Each rate two ways, side by side: ``estimator`` ``ratio_of_totals`` (the ratio
    of expected totals over replications, `ccsim.batch.ratios`) and
    ``mean_of_daily_ratios`` (the summary's figure). Columns ``scope`` (day, interval,
    call_type, agent_group, agent_group_interval), ``name``, ``interval`` (its start),
    ``kpi``, ``estimator``, ``mean``, ``ci_low``, ``ci_high``."""
    rot = _ratio_scopes(result.ratio_of_totals or {})
    daily = _ratio_scopes(result.summary)
    rows = []
    for (scope, name, start, totals), (_, _, _, means) in zip(rot, daily, strict=False):
        for kpi, fig in totals.items():
            if not isinstance(fig, dict):
                continue
            for estimator, f in (("ratio_of_totals", fig), ("mean_of_daily_ratios", means[kpi])):
                low, high = f["ci95"] or (None, None)
                rows.append((scope, name, start, kpi, estimator, f["mean"], low, high))
    return pd.DataFrame(rows, columns=RATIO_COLUMNS)
