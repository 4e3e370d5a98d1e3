"""Monte Carlo charts: the fan of service levels across replications, the paired
difference of two scenarios per interval, and a KPI over a sweep's grid."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ccsim.charts.intervals import WIDTH, IntervalSeries
from ccsim.charts.style import (
    BLUE,
    GREY,
    band,
    chart_context,
    finish,
    interval_axis,
    new_figure,
    percent_axis,
    steps,
    target_line,
    title_and_legend,
)
from ccsim.i18n import kpi_label, tr
from ccsim.metrics import FRACTION_KPIS

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from ccsim.batch.comparison import ComparisonResult
    from ccsim.batch.result import RunResult

__all__ = ["comparison_chart", "fan_chart", "interval_matrix", "sl_difference_chart", "sweep_chart"]

#: Percentile bands of the fan chart, outer first, with their opacity.
FAN_BANDS = ((5, 95, 0.14), (25, 75, 0.3))


def interval_matrix(table: pd.DataFrame, kpi: str, starts: Sequence[str]) -> np.ndarray:
    """A KPI per interval × replication (NaN where undefined) from a per-replication
    table (``replications.csv``, `RunResult.replications_df`), intervals in the
    order of ``starts``."""
    rows = table[(table["scope"] == "interval") & (table["kpi"] == kpi)]
    if rows.empty:
        return np.full((len(starts), 0), np.nan)
    where = "interval" if "interval" in rows.columns else "key"  # older CSVs: key
    wide = rows.pivot_table(index=where, columns="replication", values="value", dropna=False)
    wide = wide.reindex([str(s) for s in starts])
    return wide.to_numpy(float)


def fan_chart(
    result: RunResult, lang: str = "en", replications: pd.DataFrame | None = None
) -> Figure:
    """Service level per interval across replications: the median, the 25–75th and
    5–95th percentile bands, and the target. Where a CI says how precisely the mean
    is known, the fan shows how much one day can differ from another (the risk of
    missing the target). ``replications``: the ``replications.csv`` table, else the
    run's own."""
    data = IntervalSeries(result)
    table = replications if replications is not None else result.replications_df
    sl = interval_matrix(table, "service_level", data.starts)
    target = result.scenario.service_level.target
    n = sl.shape[1]
    with chart_context(lang), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "All-NaN", RuntimeWarning)
        fig = new_figure(WIDTH, 4.6)
        ax = fig.subplots()
        if n > 1:
            for low, high, alpha in FAN_BANDS:
                lo, hi = np.nanpercentile(sl, [low, high], axis=1)
                band(ax, lo, hi, BLUE, alpha, label=tr("chart.band", lang, lo=low, hi=high))
        median = np.nanmedian(sl, axis=1) if n else np.full(len(data.x), np.nan)
        ax.plot(*steps(median), color=BLUE, lw=2, label=tr("chart.median", lang))
        target_line(ax, target, lang)
        ax.set_ylim(0, 1.03)
        percent_axis(ax)
        ax.set_ylabel(kpi_label("service_level", lang))
        interval_axis(ax, data.starts, data.interval, lang)
        title = tr("chart.fan_title", lang, scenario=result.scenario.name, n=n)
        title_and_legend(fig, title, [ax])
        return finish(fig)


def _interval_length(starts: Sequence[str]) -> float:
    """The interval length in seconds from consecutive "HH:MM" starts (30 min if unknown)."""
    try:
        minutes = [int(s[:2]) * 60 + int(s[3:5]) for s in starts[:2]]
    except (ValueError, TypeError):
        return 1800.0
    return (
        60.0 * (minutes[1] - minutes[0])
        if len(minutes) == 2 and minutes[1] > minutes[0]
        else 1800.0
    )


def _names(comparison) -> tuple[str, str] | None:
    base = getattr(getattr(comparison, "base", None), "scenario", None)
    alt = getattr(getattr(comparison, "alt", None), "scenario", None)
    return (base.name, alt.name) if base and alt else None


def comparison_chart(
    comparison: ComparisonResult | pd.DataFrame,
    kpi: str = "service_level",
    lang: str = "en",
    *,
    names: tuple[str, str] | None = None,
    title: str | None = None,
) -> Figure:
    """The paired difference alternative − base of ``kpi`` per interval with its
    95 % CI band and the zero line (`ccsim.batch.comparison`: both runs on the same random
    calls). Where the band does not cross zero, the difference is real. Fraction
    KPIs are shown in percentage points. ``names``: (base, alternative) scenario
    names for the title (default: the comparison's scenarios; none for a bare
    table); ``title`` replaces the whole title."""
    table: pd.DataFrame = getattr(comparison, "table", comparison)
    names = names or _names(comparison)
    rows = table[(table["scope"] == "interval") & (table["kpi"] == kpi)]
    starts = [str(s) for s in rows["interval" if "interval" in rows.columns else "key"]]
    diff, lo, hi = (rows[c].to_numpy(float) for c in ("diff", "ci_low", "ci_high"))
    label = kpi_label(kpi, lang)
    fraction = kpi in FRACTION_KPIS
    scale = 100.0 if fraction else 1.0
    with chart_context(lang):
        fig = new_figure(WIDTH, 4.8)
        ax = fig.subplots()
        band(ax, scale * lo, scale * hi, BLUE, 0.22, label=tr("chart.paired_ci", lang))
        ax.plot(*steps(scale * diff), color=BLUE, lw=2, label=tr("chart.difference", lang))
        ax.axhline(0.0, color=GREY, lw=1.2, label=tr("chart.no_difference", lang))
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:+.3g}" if v else "0")
        axis = "chart.diff_axis_pp" if fraction else "chart.diff_axis"
        ax.set_ylabel(tr(axis, lang, kpi=label))
        interval_axis(ax, starts, _interval_length(starts), lang)
        if title is None:
            title = tr("chart.compare_title", lang, kpi=label)
            if names:
                title += "\n" + tr("chart.compare_names", lang, base=names[0], alt=names[1])
        title_and_legend(fig, title, [ax])
        return finish(fig)


def sl_difference_chart(
    table: pd.DataFrame,
    kpi: str = "service_level",
    title: str | None = None,
    lang: str = "en",
    names: tuple[str, str] | None = None,
) -> Figure:
    """`comparison_chart` of a comparison table (`ComparisonResult.table`)."""
    return comparison_chart(table, kpi, lang, names=names, title=title)


def sweep_chart(
    table: pd.DataFrame,
    kpi: str,
    x: str,
    parameters: list[str] | tuple[str, ...],
    *,
    target: float | None = None,
    title: str | None = None,
    lang: str = "en",
) -> Figure:
    """A day KPI over the sweep parameter ``x``, with its 95 % CI band: one line per
    combination of the other ``parameters``, from a sweep table
    (`ccsim.batch.sweeps.SweepResult.table`). Numeric ``x`` values are spaced as numbers,
    others as categories. ``target`` draws the service-level target."""
    from ccsim.outputs.changes import parameter_label, point_label

    rows = table[(table["scope"] == "day") & (table["kpi"] == kpi)]
    others = [p for p in parameters if p != x]
    values = list(dict.fromkeys(rows[x]))
    numeric = all(isinstance(v, int | float | np.number) for v in values)
    position = {v: (v if numeric else i) for i, v in enumerate(values)}
    label = kpi_label(kpi, lang)
    with chart_context(lang):
        fig = new_figure(9, 5)
        ax = fig.subplots()
        groups = rows.groupby(others, sort=False) if others else [((), rows)]
        for n, (key, part) in enumerate(groups):
            key = key if isinstance(key, tuple) else (key,)
            name = point_label(others, key, lang) or label
            px = np.array([position[v] for v in part[x]], dtype=float)
            order = np.argsort(px, kind="stable")
            mean, lo, hi = (part[c].to_numpy(float)[order] for c in ("mean", "ci_low", "ci_high"))
            color = f"C{n % 10}"
            ax.fill_between(px[order], lo, hi, color=color, alpha=0.18, lw=0)
            ax.plot(px[order], mean, color=color, lw=2, marker="o", ms=3, label=name)
        if target is not None:
            target_line(ax, target, lang)
        if not numeric:
            ax.set_xticks(range(len(values)), [str(v) for v in values], rotation=30, ha="right")
        elif all(isinstance(v, int | np.integer) for v in values):
            ax.xaxis.get_major_locator().set_params(integer=True)  # type: ignore[call-arg]
        if kpi in FRACTION_KPIS:
            percent_axis(ax)
        ax.grid(True, axis="x")
        ax.set_xlabel(parameter_label(x, lang))
        ax.set_ylabel(tr("chart.sweep_axis", lang, kpi=label))
        title = title or tr("chart.sweep_title", lang, kpi=label, x=parameter_label(x, lang))
        title_and_legend(fig, title, [ax], ncols=4, max_entries=13)
        return finish(fig)
