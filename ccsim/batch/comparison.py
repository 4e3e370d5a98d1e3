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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from scipy import stats

from ccsim.atomic import atomic_path, write_text
from ccsim.batch.runner import RunResult, run
from ccsim.i18n import check_lang, kpi_label, tr
from ccsim.metrics import per_replication_table, t_interval
from ccsim.outputs.jsondoc import dumps
from ccsim.outputs.report import DAY_ROWS, _left, _right, format_value
from ccsim.scenario import ScenarioError
from ccsim.scenario.model import Scenario
from ccsim.streams import new_seed

if TYPE_CHECKING:
    from ccsim.batch.parallel import Backend

__all__ = [
    "COLUMNS",
    "ROSTER_ROWS",
    "ComparisonResult",
    "compare",
    "compare_runs",
    "day_table",
    "interval_table",
    "to_json",
    "welch_interval",
    "write_outputs",
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
        from ccsim.outputs.notebook import comparison_repr

        return comparison_repr(self)

    def _repr_html_(self) -> str:
        from ccsim.outputs.notebook import comparison_html

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
            f"{_horizon_text(base)} vs {_horizon_text(alt)}; they cannot be compared "
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


def _horizon_text(s: Scenario) -> str:
    from ccsim.units import format_clock, format_duration

    h = s.horizon
    text = f"{format_clock(h.start)}–{format_clock(h.end)} by {format_duration(h.interval)}"
    return text + (f", warm-up {format_duration(h.warmup)}" if h.warmup else "")


# --------------------------------------------------------------------------- output


def _figure(row: pd.Series) -> dict[str, Any]:
    """One table row as JSON: NaN becomes null."""
    f = {k: None if pd.isna(row[k]) else float(row[k]) for k in _FIGURES if k != "n"}
    return {
        "base": f["base"],
        "alt": f["alt"],
        "diff": f["diff"],
        "ci95": None if f["ci_low"] is None else [f["ci_low"], f["ci_high"]],
        "unpaired_ci95": (
            None if f["unpaired_low"] is None else [f["unpaired_low"], f["unpaired_high"]]
        ),
        "width_ratio": f["width_ratio"],
        "n": int(row["n"]),
    }


def to_json(result: ComparisonResult) -> dict[str, Any]:
    """The ``ccsim compare --json`` document: the runs, then every KPI's figures by scope,
    laid out like ``ccsim run --json`` (``summary``, ``by_interval``, ...)."""
    doc: dict[str, Any] = {
        "base": result.base.scenario.name,
        "alt": result.alt.scenario.name,
        "replications": result.base.replications,
        "seed": result.base.seed,
        "engine": {"base": result.base.engine, "alt": result.alt.engine},
        "summary": {},
        "by_interval": [],
        "by_call_type": {},
        "by_agent_group": {},
    }
    intervals: dict[str, dict[str, Any]] = {}
    for _, row in result.table.iterrows():
        scope, kpi = row["scope"], row["kpi"]
        key = row["interval"] if scope == "interval" else row["name"]
        if scope == "day":
            entry = doc["summary"]
        elif scope == "interval":
            entry = intervals.setdefault(key, {"start": key})
        else:
            entry = doc[f"by_{scope}"].setdefault(key, {})
        entry[kpi] = _figure(row)
    doc["by_interval"] = list(intervals.values())
    return doc


def _fmt_diff(value: float, kind: str, lang: str = "en") -> str:
    """A signed difference: fractions in percentage points."""
    if math.isnan(value):
        return "—"
    if kind == "pct":
        return f"{100 * value:+.1f} {tr('unit.pp', lang)}"
    return ("+" if value >= 0 else "-") + format_value(abs(value), kind)


def _diff_cell(row: pd.Series, kind: str, lang: str = "en") -> str:
    """``-27.3 pp [-34.5 pp, -20.2 pp]``; in Chinese the unit once, at the end
    (``-27.3 [-34.5, -20.2] 个百分点``)."""
    once = lang == "zh" and kind == "pct" and not math.isnan(row["diff"])
    fmt = (lambda v: f"{100 * v:+.1f}") if once else (lambda v: _fmt_diff(v, kind, lang))
    ci = ""
    if not math.isnan(row["ci_low"]):
        ci = f" [{fmt(row['ci_low'])}, {fmt(row['ci_high'])}]"
    return fmt(row["diff"]) + ci + (f" {tr('unit.pp', lang)}" if once else "")


def _ratio_cell(ratio: float) -> str:
    return "—" if math.isnan(ratio) else f"{ratio:.2f}×"


#: What each roster costs, shown under the day's KPIs: (kpi, label, kind).
ROSTER_ROWS: tuple[tuple[str, str, str], ...] = (
    ("staffed_hours", "Agent-hours on the floor", "count"),
    ("scheduled_hours", "Scheduled hours", "count"),
    ("paid_hours", "Paid hours", "count"),
    ("agent_cost", "Agent cost", "money"),
)


def _header(first: str, width: int, lang: str, col: int) -> str:
    return (
        f"{_left(first, width)}{_right(tr('compare.base', lang), col)}"
        f"{_right(tr('compare.alt', lang), col)}   "
        f"{_left(tr('compare.diff', lang), 38)}{tr('compare.width_ratio', lang)}"
    )


def day_table(result: ComparisonResult, lang: str | None = None) -> str:
    """The day's KPIs: base, alternative, difference with its paired 95 % interval, and
    how wide that interval is next to the unpaired one; in ``lang`` (default: the
    base scenario's)."""
    b, a = result.base, result.alt
    lang = check_lang(lang or getattr(b.scenario, "lang", None))
    lines = [
        tr("compare.base_line", lang, name=b.scenario.name),
        tr("compare.alt_line", lang, name=a.scenario.name),
        tr("compare.paired", lang, n=b.replications, seed=b.seed),
        "",
        _header(tr("table.kpi", lang), 30, lang, 12),
    ]
    day = result.day
    for kpi, _label, kind in (*DAY_ROWS, *ROSTER_ROWS):
        if kpi not in day.index:
            continue
        row = day.loc[kpi]
        base, alt = format_value(row["base"], kind), format_value(row["alt"], kind)
        lines.append(
            f"{_left(kpi_label(kpi, lang), 30)}{base:>12}{alt:>12}   "
            f"{_left(_diff_cell(row, kind, lang), 38)}{_ratio_cell(row['width_ratio'])}"
        )
    return "\n".join(lines)


def interval_table(
    result: ComparisonResult, kpi: str = "service_level", lang: str | None = None
) -> str:
    """One KPI (a fraction, by default the service level) per interval: base,
    alternative, difference with its paired 95 % interval, and the width ratio."""
    lang = check_lang(lang or getattr(result.base.scenario, "lang", None))
    lines = [
        tr("compare.interval_title", lang, kpi=kpi_label(kpi, lang)),
        _header(tr("word.interval", lang), 9, lang, 9),
    ]
    for start, row in result.intervals.xs(kpi, level="kpi").iterrows():
        base, alt = format_value(row["base"], "pct"), format_value(row["alt"], "pct")
        lines.append(
            f"{start:<9}{base:>9}{alt:>9}   "
            f"{_left(_diff_cell(row, 'pct', lang), 38)}{_ratio_cell(row['width_ratio'])}"
        )
    return "\n".join(lines)


def renamed(result: ComparisonResult, alt_name: str) -> ComparisonResult:
    """``result`` with the alternative shown as ``alt_name`` (e.g. its changes in words)."""
    import dataclasses

    scenario = dataclasses.replace(result.alt.scenario, name=alt_name)
    return dataclasses.replace(result, alt=dataclasses.replace(result.alt, scenario=scenario))


def write_outputs(
    result: ComparisonResult, out_dir: Path, lang: str = "en", alt_name: str | None = None
) -> list[Path]:
    """Write ``comparison.csv`` (the tidy table), ``comparison.json`` (the ``--json``
    document), ``comparison_sl.png`` (SL difference per interval) and
    ``comparison_rosters.png`` (both rosters' SL per interval against the target),
    labels in ``lang``; the alternative called ``alt_name`` when given."""
    from ccsim.charts import sl_difference_chart  # matplotlib only when asked for

    out_dir.mkdir(parents=True, exist_ok=True)
    files = ("comparison.csv", "comparison.json", "comparison_sl.png", "comparison_rosters.png")
    paths = [out_dir / n for n in files]
    from ccsim.outputs.csvfiles import write_frame

    write_frame(result.table, paths[0])
    write_text(paths[1], dumps(to_json(result), indent=1))
    names = (result.base.scenario.name, alt_name or result.alt.scenario.name)
    chart = sl_difference_chart(result.table, lang=lang, names=names)
    with atomic_path(paths[2]) as tmp:
        chart.savefig(tmp, dpi=120, bbox_inches="tight")
    from ccsim.charts.rosters import both_rosters_chart

    shown = renamed(result, alt_name) if alt_name else result
    with atomic_path(paths[3]) as tmp:
        both_rosters_chart(shown, lang).savefig(tmp, dpi=120, bbox_inches="tight")
    return paths
