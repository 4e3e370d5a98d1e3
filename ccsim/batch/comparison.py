"""Paired what-if comparison of two scenarios with common random numbers.

Both scenarios run with the same seed and the same number of replications. ccsim draws
every call's randomness per (seed, replication, purpose) (`ccsim.streams`), so
replication r of the base and of the alternative sees the same callers: the same
arrivals, handle times and patience. Their difference in replication r is then due to
the change alone, and the 95 % interval of the mean difference is computed from the
per-replication differences (a paired t interval). Because the two runs are positively
correlated, that interval is much narrower than the unpaired (Welch) interval one would
get from two independent runs; both are reported, with the ratio of their widths.

Every numeric KPI of `ccsim.metrics.per_replication_table` is compared, by scope
(``day``, ``interval``, ``call_type``, ``agent_group``), key and KPI.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.batch.result import RunResult
from ccsim.batch.runner import run
from ccsim.metrics import per_replication_table, t_interval
from ccsim.scenario import ScenarioError
from ccsim.scenario.display import HEADLINE, SHORT, _plural, _table, _value
from ccsim.scenario.display import _horizon as horizon_text
from ccsim.scenario.model import Scenario
from ccsim.streams import new_seed

if TYPE_CHECKING:
    from ccsim.batch.parallel import Backend

__all__ = [
    "COLUMNS",
    "ComparisonResult",
    "compare",
    "compare_runs",
    "welch_interval",
]

#: Columns of `ComparisonResult.table`.
COLUMNS: tuple[str, ...] = (
    "scope",
    "name",
    "interval",
    "kpi",
    "base",
    "alt",
    "diff",
    "ci_low",
    "ci_high",
    "unpaired_low",
    "unpaired_high",
    "width_ratio",
    "n",
)
_FIGURES = COLUMNS[4:]


@dataclass
class ComparisonResult:
    """Two runs on common random numbers, and their KPI differences.

    ``table`` is tidy, one row per (scope, name or interval, KPI), with the columns
    of `COLUMNS` (``name``: the call type or group; ``interval``: its start "HH:MM"):
    ``base`` and ``alt`` are the means over the replications where the KPI is defined;
    ``diff`` is the mean of the per-replication differences alt − base over the ``n``
    replications where both are defined, ``ci_low``/``ci_high`` its paired 95 % t
    interval, ``unpaired_low``/``unpaired_high`` the Welch 95 % interval of the
    difference of the two means (as if the runs were independent), and
    ``width_ratio`` the paired width over the unpaired width (NaN when both are 0).

    Parameters
    ----------
    base, alt : RunResult
        The two runs (same seed and replications).
    table : pandas.DataFrame
        The comparison table described above.

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> c = ccsim.compare(s, s.with_changes({"agent_groups.team.agents": 13}), 10, seed=4)
    >>> bool(c.day.loc["service_level", "diff"] < 0)  # one agent less: a lower SL
    True
    >>> bool(c.day.loc["service_level", "width_ratio"] < 1)  # paired CI narrower
    True
    """

    base: RunResult
    alt: RunResult
    table: pd.DataFrame

    @property
    def day(self) -> pd.DataFrame:
        """The day's KPIs, indexed by KPI: ``result.day.loc["service_level", "diff"]``."""
        day = self.table[self.table["scope"] == "day"]
        return day.drop(columns=["scope", "name", "interval"]).set_index("kpi")

    @property
    def intervals(self) -> pd.DataFrame:
        """Per interval × KPI, indexed by (interval start ``"HH:MM"``, KPI), in time order:
        ``result.intervals.xs("service_level", level="kpi")``."""
        rows = self.table[self.table["scope"] == "interval"]
        return rows.drop(columns=["scope", "name"]).set_index(["interval", "kpi"])

    def __repr__(self) -> str:
        return comparison_repr(self)

    def _repr_html_(self) -> str:
        return comparison_html(self)


def compare(
    base: Scenario | str | Path,
    alt: Scenario | str | Path,
    replications: int | None = None,
    seed: int | None = None,
    *,
    engine: str | None = None,
    backend: Backend | None = None,
) -> ComparisonResult:
    """Run ``base`` and ``alt`` on common random numbers and compare every KPI.

    Replication r of both runs sees the same callers, so the per-replication
    differences measure the change alone, and their paired 95 % interval is much
    narrower than two independent runs would give (both are reported).

    Parameters
    ----------
    base, alt : Scenario or str or pathlib.Path
        The two scenarios (objects, e.g. from `Scenario.with_changes`, or files).
    replications : int, optional
        Default: the base scenario's.
    seed : int, optional
        Default: the base's, else the alternative's, else a fresh one; both runs
        always get the same value, which is what pairs them.
    engine : {"auto", "simpy", "fast"}, optional
    backend : Backend, optional
        Where replications run (`ccsim.Backend`).

    Returns
    -------
    ComparisonResult
        Both runs and the table of differences (``.day``, ``.intervals``).

    Raises
    ------
    ScenarioError
        The scenarios have different horizons (start, end, interval, warm-up): there
        is no interval-by-interval pairing.

    Examples
    --------
    >>> import ccsim
    >>> s = ccsim.load_scenario("scenarios/teaching_single_queue.yaml")
    >>> c = ccsim.compare(s, s.scale_arrivals(1.1), replications=5, seed=1)
    >>> bool(c.day.loc["offered", "diff"] > 0)
    True
    """
    from ccsim.scenario import load_scenario

    base, alt = (s if isinstance(s, Scenario) else load_scenario(s) for s in (base, alt))
    if base.horizon != alt.horizon:
        raise ScenarioError(
            "the two scenarios have different horizons (start, end, interval or warm-up): "
            f"{horizon_text(base)} vs {horizon_text(alt)}; they cannot be compared "
            "interval by interval",
            path="horizon",
        )
    reps = replications if replications is not None else base.replications
    if seed is None:
        seed = next((s.seed for s in (base, alt) if s.seed is not None), None)
        seed = new_seed() if seed is None else seed
    runs = [run(s, reps, seed, engine=engine, backend=backend) for s in (base, alt)]
    return ComparisonResult(base=runs[0], alt=runs[1], table=compare_runs(*runs))


def compare_runs(base: RunResult, alt: RunResult) -> pd.DataFrame:
    """The comparison table (`ComparisonResult.table`) of two runs, replication by
    replication: meaningful as a paired comparison when they share seed and replications."""
    if (base.seed, base.replications) != (alt.seed, alt.replications):
        raise ValueError(
            "a paired comparison needs runs with the same seed and replications, got "
            f"seed {base.seed} / {alt.seed}, replications {base.replications} / "
            f"{alt.replications}"
        )
    b, a = _values(base), _values(alt)
    rows = list({**b, **a})  # base's order, then what only the alternative has
    missing = np.full(base.replications, np.nan)
    b_values = np.array([b.get(w, missing) for w in rows]).reshape(len(rows), -1)
    a_values = np.array([a.get(w, missing) for w in rows]).reshape(len(rows), -1)
    diffs = a_values - b_values  # NaN unless both are numbers: the pairs
    paired = [t_interval(d) for d in diffs]
    b_mean, a_mean, unpaired_low, unpaired_high = welch_interval(b_values, a_values)
    table = pd.DataFrame(rows, columns=["scope", "name", "kpi"])
    is_interval = table["scope"] == "interval"  # the key of an interval is its start
    table.insert(2, "interval", table["name"].where(is_interval, ""))
    table["name"] = table["name"].where(~is_interval, "")
    table["base"], table["alt"] = b_mean, a_mean
    table["diff"] = [math.nan if m is None else m for m, _ in paired]
    table["ci_low"] = [math.nan if ci is None else ci[0] for _, ci in paired]
    table["ci_high"] = [math.nan if ci is None else ci[1] for _, ci in paired]
    table["unpaired_low"], table["unpaired_high"] = unpaired_low, unpaired_high
    # NaN where the unpaired width is 0 (a KPI constant in both runs) or undefined.
    unpaired_width = np.nan_to_num(unpaired_high - unpaired_low)
    table["width_ratio"] = np.divide(
        table["ci_high"] - table["ci_low"],
        unpaired_width,
        out=np.full(len(rows), np.nan),
        where=unpaired_width > 0,
    )
    table["n"] = np.count_nonzero(~np.isnan(diffs), axis=1)
    return table


def _values(result: RunResult) -> dict[tuple[str, str, str], np.ndarray]:
    """Per (scope, key, KPI), the KPI's value in each replication (NaN where undefined)."""
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for row in per_replication_table(result.kpis, result.scenario):
        where = (row["scope"], row["key"], row["kpi"])
        values = out.setdefault(where, np.full(result.replications, np.nan))
        values[row["replication"]] = np.nan if row["value"] is None else row["value"]
    return out


def welch_interval(
    base: np.ndarray, alt: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Row by row, the means of ``base`` and ``alt`` and the 95 % Welch interval of
    mean(alt) − mean(base), NaNs left out: the interval two independent runs would give.

    Returns ``(base_mean, alt_mean, low, high)``; the interval is NaN where a side has
    fewer than two values, and a single point where both sides are constant.
    """
    base, alt = np.atleast_2d(base), np.atleast_2d(alt)
    nb = np.count_nonzero(~np.isnan(base), axis=1)
    na = np.count_nonzero(~np.isnan(alt), axis=1)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN, as meant
        mb, ma = np.nanmean(base, axis=1), np.nanmean(alt, axis=1)
        vb = np.nanvar(base, axis=1, ddof=1) / nb
        va = np.nanvar(alt, axis=1, ddof=1) / na
        se2 = va + vb
        df = se2**2 / (va**2 / (na - 1) + vb**2 / (nb - 1))  # Welch–Satterthwaite
        half = stats.t.ppf(0.975, df) * np.sqrt(se2)
    half = np.where(se2 == 0, 0.0, half)
    half = np.where((na < 2) | (nb < 2), np.nan, half)
    return mb, ma, ma - mb - half, ma - mb + half


# --------------------------------------------------------------------------- output


def renamed(result: ComparisonResult, alt_name: str) -> ComparisonResult:
    """``result`` with the alternative shown as ``alt_name`` (e.g. its changes in words)."""
    import dataclasses

    scenario = dataclasses.replace(result.alt.scenario, name=alt_name)
    return dataclasses.replace(result, alt=dataclasses.replace(result.alt, scenario=scenario))


def _signed(value: float, kind: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    if kind == "pct":
        return f"{100 * value:+.1f} pp"
    return ("+" if value >= 0 else "-") + _value(abs(value), kind)


def _diff_rows(result: ComparisonResult, kpis: Sequence[tuple[str, str, str]]):
    day = result.day
    for kpi, label, kind in kpis:
        if kpi not in day.index:
            continue
        row = day.loc[kpi]
        ci = ""
        if not math.isnan(row["ci_low"]):
            ci = f"[{_signed(row['ci_low'], kind)}, {_signed(row['ci_high'], kind)}]"
        yield kpi, label, kind, row, ci


def comparison_repr(result: ComparisonResult) -> str:
    """``ComparisonResult('base' vs 'alt', 30 paired replications, seed 7: SL +5.2 pp […])``."""
    figures = [
        f"{label} {_signed(row['diff'], kind)}" + (f" {ci}" if ci else "")
        for _, label, kind, row, ci in _diff_rows(result, SHORT)
    ]
    b, a = result.base, result.alt
    head = (
        f"{b.scenario.name!r} vs {a.scenario.name!r}, "
        f"{_plural(b.replications, 'paired replication')}, seed {b.seed}"
    )
    return f"ComparisonResult({head}: {', '.join(figures)})"


def comparison_html(result: ComparisonResult) -> str:
    """Base, alternative and the paired difference with its 95 % CI, per headline KPI."""
    rows = [
        (
            label,
            _value(row["base"], kind),
            _value(row["alt"], kind),
            _signed(row["diff"], kind),
            ci,
            "—" if math.isnan(row["width_ratio"]) else f"{row['width_ratio']:.2f}×",
        )
        for _, label, kind, row, ci in _diff_rows(result, HEADLINE)
    ]
    b, a = result.base, result.alt
    caption = (
        f"{a.scenario.name} − {b.scenario.name}: "
        f"{_plural(b.replications, 'paired replication')}, seed {b.seed}"
    )
    header = ["KPI", "base", "alt", "difference", "95% CI", "CI width vs unpaired"]
    return _table(header, rows, caption)
