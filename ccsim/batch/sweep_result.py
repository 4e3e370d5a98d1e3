"""What `ccsim.sweep` returns: the sweep's tidy tables, and their notebook views."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ccsim.batch.sweep_spec import SweepSpec
from ccsim.metrics.kinds import kpi_kind
from ccsim.scenario.display import _ci, _plural, _value
from ccsim.scenario.display import _table as html_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SweepResult", "sweep_html", "sweep_repr"]


@dataclass
class SweepResult:
    """What a sweep produced: the tidy tables and how it was run.

    Returned by `ccsim.sweep`. In a notebook it shows the sweep's KPI per point
    with its 95 % CI.

    Parameters
    ----------
    spec : SweepSpec
        The sweep that ran.
    table : pandas.DataFrame
        One row per point × scope × KPI: ``point``, the parameters, ``scope``,
        ``name``, ``kpi``, ``mean``, ``ci_low``, ``ci_high``, ``replications``, ``seed``.
    parameters : tuple of str
        The grid's keys (the parameter columns).
    scenario_name : str
    seed : int
        The seed every point ran with.
    replications : int
        Replications per point.
    kpi : str
        The KPI `kpi_table` shows by default.
    x : str
        The parameter on the chart's x axis.
    target : float
        The scenario's service-level target.
    elapsed_s : float
    replications_df : pandas.DataFrame
        Every replication's KPIs at every point (see `paired_difference`).
    """

    spec: SweepSpec
    table: pd.DataFrame
    parameters: tuple[str, ...]
    scenario_name: str
    seed: int
    replications: int
    kpi: str
    x: str
    target: float  # the scenario's service-level target, for the chart
    elapsed_s: float = 0.0
    #: Every replication's KPIs at every point: ``point``, the parameters, then the
    #: columns of `ccsim.batch.tables.REPLICATION_COLUMNS` (replication r of every point
    #: saw the same callers, so differences between points pair by replication).
    replications_df: pd.DataFrame | None = field(default=None, repr=False)

    def kpi_table(self, kpi: str | None = None, scope: str = "day", name: str = "") -> pd.DataFrame:
        """One KPI per point, mean and 95 % CI.

        Parameters
        ----------
        kpi : str, optional
            Default: the sweep's KPI.
        scope : {"day", "call_type", "agent_group"}
        name : str
            The call type or agent group, for those scopes.

        Returns
        -------
        pandas.DataFrame
            One row per point: ``point``, the parameters, ``mean``, ``ci_low``, ``ci_high``.
        """
        kpi = kpi or self.kpi
        t = self.table
        rows = t[(t["scope"] == scope) & (t["name"] == name) & (t["kpi"] == kpi)]
        return rows[["point", *self.parameters, "mean", "ci_low", "ci_high"]].reset_index(drop=True)

    def paired_difference(
        self,
        base: int,
        alt: int,
        kpi: str | None = None,
        scope: str = "day",
        name: str = "",
        interval: str = "",
    ) -> dict[str, Any]:
        """The paired difference of a KPI between two points, alt − base, with its 95 % CI.

        Every point ran on the same callers (common random numbers), so the
        difference is taken replication by replication, like `ccsim.compare` does,
        with no re-run.

        Parameters
        ----------
        base, alt : int
            Point numbers (the table's ``point`` column).
        kpi : str, optional
            Default: the sweep's KPI.
        scope : {"day", "interval", "call_type", "agent_group"}
        name : str
            The call type or agent group (scopes ``call_type``, ``agent_group``).
        interval : str
            The interval's start "HH:MM" (scope ``interval``).

        Returns
        -------
        dict
            ``base`` and ``alt`` (means), ``diff`` (mean of the per-replication
            differences), ``ci_low``, ``ci_high`` (paired t interval; NaN with fewer
            than two pairs) and ``n`` (replications where both are defined).

        Raises
        ------
        KeyError
            A point, or the KPI in that scope, is not in the table.
        """
        import numpy as np

        from ccsim.metrics import t_interval

        if self.replications_df is None:
            raise KeyError("this sweep kept no per-replication table")
        t = self.replications_df
        kpi = kpi or self.kpi
        rows = t[
            (t["scope"] == scope)
            & (t["name"] == name)
            & (t["interval"] == interval)
            & (t["kpi"] == kpi)
        ]
        values = []
        for point in (base, alt):
            at = rows[rows["point"] == point].set_index("replication")["value"]
            if at.empty:
                raise KeyError(f"no {kpi!r} ({scope} {name or interval}) at point {point}")
            values.append(at.reindex(range(self.replications)).to_numpy(float))
        diffs = values[1] - values[0]
        mean, ci = t_interval(diffs)
        return {
            "base": float(np.nanmean(values[0])),
            "alt": float(np.nanmean(values[1])),
            "diff": np.nan if mean is None else mean,
            "ci_low": np.nan if ci is None else ci[0],
            "ci_high": np.nan if ci is None else ci[1],
            "n": int(np.count_nonzero(~np.isnan(diffs))),
        }

    def __repr__(self) -> str:
        return sweep_repr(self)

    def _repr_html_(self) -> str:
        return sweep_html(self)


def sweep_repr(result: SweepResult) -> str:
    """``SweepResult('name', 4 points × 20 replications, seed 7, service_level over …)``."""
    n = int(result.table["point"].nunique()) if len(result.table) else 0
    return (
        f"SweepResult({result.scenario_name!r}, {_plural(n, 'point')} × "
        f"{_plural(result.replications, 'replication')}, seed {result.seed}, "
        f"parameters {', '.join(result.parameters)})"
    )


def sweep_html(result: SweepResult) -> str:
    """The sweep's KPI per point: the parameters, mean and 95 % CI."""
    kind = kpi_kind(result.kpi)
    table = result.kpi_table()
    values = [table[p].tolist() for p in result.parameters]  # column by column: ints stay
    rows = [
        (
            *(str(column[i]) for column in values),
            _value(table["mean"].iloc[i], kind),
            _ci((table["ci_low"].iloc[i], table["ci_high"].iloc[i]), kind),
        )
        for i in range(len(table))
    ]
    caption = (
        f"{result.scenario_name}: {result.kpi}, {_plural(result.replications, 'replication')}"
        f" per point, seed {result.seed} (common random numbers)"
    )
    return html_table([*result.parameters, result.kpi, "95% CI"], rows, caption)
