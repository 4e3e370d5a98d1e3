"""Charts. Functions take a run's results and return a matplotlib Figure.

The object-oriented API and the Agg canvas are used directly, so plotting never
needs a display and never touches pyplot's global state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ccsim.report import intervals, sl_label
from ccsim.runner import RunResult

if TYPE_CHECKING:
    import pandas as pd

_BLUE, _GREEN, _RED, _GREY = "#1f5fa8", "#3b8f4f", "#c0392b", "#555555"


def _series(rows: list[dict], key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean and CI bounds of one KPI over the intervals (NaN where undefined)."""
    mean, lo, hi = [], [], []
    for row in rows:
        fig = row.get(key) or {}
        m = fig.get("mean")
        ci = fig.get("ci95") or [m, m]
        mean.append(np.nan if m is None else m)
        lo.append(np.nan if ci[0] is None else ci[0])
        hi.append(np.nan if ci[1] is None else ci[1])
    return np.array(mean, float), np.array(lo, float), np.array(hi, float)


def service_level_chart(result: RunResult) -> Figure:
    """Service level per interval with its 95 % CI band against the target,
    above the offered, answered and abandoned calls per interval."""
    rows = intervals(result)
    labels = [r["start"] for r in rows]
    x = np.arange(len(rows))
    target = result.scenario.service_level.target

    fig = Figure(figsize=(11, 6.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax_sl, ax_calls = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])

    sl, lo, hi = _series(rows, "service_level")
    ax_sl.fill_between(x, lo, hi, color=_BLUE, alpha=0.18, step="mid", label="95% CI")
    ax_sl.step(x, sl, where="mid", color=_BLUE, lw=2, label="service level (mean)")
    ax_sl.axhline(target, color=_RED, ls="--", lw=1.5, label=f"target {target:.0%}")
    below = sl < target
    ax_sl.scatter(x[below], sl[below], color=_RED, zorder=3, s=18, label="below target")
    ax_sl.set_ylim(0, 1.02)
    ax_sl.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax_sl.set_ylabel("service level")
    ax_sl.set_title(
        f"{result.scenario.name}: service level {sl_label(result)} per interval "
        f"({result.replications} replications)",
        loc="left",
    )
    ax_sl.grid(alpha=0.3)
    ax_sl.legend(loc="lower left", fontsize=8, ncols=4)

    offered = _series(rows, "offered")[0]
    answered = _series(rows, "answered")[0]
    abandoned = _series(rows, "abandoned")[0]
    ax_calls.bar(x, answered, color=_GREEN, label="answered")
    ax_calls.bar(x, abandoned, bottom=answered, color=_RED, label="abandoned")
    ax_calls.step(x, offered, where="mid", color=_GREY, lw=1.2, label="offered")
    ax_calls.set_ylabel("calls per interval")
    ax_calls.grid(alpha=0.3, axis="y")
    ax_calls.legend(loc="upper left", fontsize=8, ncols=3)

    step = max(1, len(x) // 16)
    ax_calls.set_xticks(x[::step], labels[::step], rotation=45, ha="right")
    ax_calls.set_xlabel("interval start")
    return fig


def staffing_chart(result: RunResult) -> Figure:
    """Agents per interval (all groups): scheduled, on the floor, busy, away
    (breaks and absences), against the offered load in Erlangs."""
    rows = intervals(result)
    labels = [r["start"] for r in rows]
    x = np.arange(len(rows))
    interval = result.scenario.horizon.interval

    fig = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    busy = _series(rows, "busy_agents")[0]
    available = _series(rows, "available_agents")[0]
    away = _series(rows, "on_break_agents")[0] + _series(rows, "absent_agents")[0]
    scheduled = _series(rows, "scheduled_agents")[0]
    offered = _series(rows, "offered")[0]
    aht = _series(rows, "aht_s")[0]
    load = np.nan_to_num(offered * aht / interval)

    ax.bar(x, busy, color=_BLUE, alpha=0.85, label="busy")
    ax.bar(x, available - busy, bottom=busy, color=_BLUE, alpha=0.25, label="idle on the floor")
    ax.bar(x, away, bottom=available, color=_GREY, alpha=0.35, label="on break / absent")
    ax.step(x, scheduled, where="mid", color="black", lw=1.2, label="scheduled")
    ax.plot(x, load, color=_RED, lw=2, marker="o", ms=3, label="offered load (Erlangs)")
    top = np.nanmax(np.concatenate([scheduled, available + away, load, [1.0]]))
    ax.set_ylim(0, top * 1.25)  # room for the legend above the bars
    ax.set_ylabel("agents (mean over the interval)")
    ax.set_title(f"{result.scenario.name}: staffing per interval", loc="left")
    ax.grid(alpha=0.3, axis="y")
    ax.legend(loc="upper left", fontsize=8, ncols=5)
    step = max(1, len(x) // 16)
    ax.set_xticks(x[::step], labels[::step], rotation=45, ha="right")
    ax.set_xlabel("interval start")
    return fig


def sl_difference_chart(
    table: pd.DataFrame, kpi: str = "service_level", title: str | None = None
) -> Figure:
    """The difference alt − base of a fraction KPI (the service level) per interval,
    with its paired 95 % CI band and the zero line, from a comparison table
    (`ccsim.comparison.ComparisonResult.table`)."""
    rows = table[(table["scope"] == "interval") & (table["kpi"] == kpi)]
    labels = list(rows["key"])
    x = np.arange(len(rows))
    diff, lo, hi = (rows[c].to_numpy(float) for c in ("diff", "ci_low", "ci_high"))

    fig = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.fill_between(x, lo, hi, color=_BLUE, alpha=0.2, step="mid", label="paired 95% CI")
    ax.step(x, diff, where="mid", color=_BLUE, lw=2, label="difference (alt − base)")
    ax.axhline(0.0, color=_GREY, lw=1.2, label="no difference")
    ax.yaxis.set_major_formatter(lambda v, _pos: f"{100 * v:+.3g} pp")
    ax.set_ylabel(f"{kpi.replace('_', ' ')} difference")
    ax.set_title(
        title or f"{kpi.replace('_', ' ')}: alt − base per interval", loc="left", fontsize=10
    )
    ax.grid(alpha=0.3)
    ax.legend(loc="best", fontsize=8, ncols=3)
    step = max(1, len(x) // 16)
    ax.set_xticks(x[::step], labels[::step], rotation=45, ha="right")
    ax.set_xlabel("interval start")
    return fig


def sweep_chart(
    table: pd.DataFrame,
    kpi: str,
    x: str,
    parameters: list[str] | tuple[str, ...],
    *,
    target: float | None = None,
    title: str | None = None,
) -> Figure:
    """A day KPI over the sweep parameter ``x``, with its 95 % CI band: one line per
    combination of the other ``parameters``, from a sweep table
    (`ccsim.sweeps.SweepResult.table`). Numeric ``x`` values are spaced as numbers,
    others as categories. ``target`` draws the service-level target."""
    from ccsim.metrics import FRACTION_KPIS

    rows = table[(table["scope"] == "day") & (table["kpi"] == kpi)]
    others = [p for p in parameters if p != x]
    values = list(dict.fromkeys(rows[x]))
    numeric = all(isinstance(v, int | float | np.number) for v in values)
    position = {v: (v if numeric else i) for i, v in enumerate(values)}

    fig = Figure(figsize=(9, 5), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    groups = rows.groupby(others, sort=False) if others else [((), rows)]
    for n, (key, part) in enumerate(groups):
        key = key if isinstance(key, tuple) else (key,)
        label = ", ".join(f"{p}={v}" for p, v in zip(others, key, strict=True)) or kpi
        px = np.array([position[v] for v in part[x]], dtype=float)
        order = np.argsort(px, kind="stable")
        mean, lo, hi = (part[c].to_numpy(float)[order] for c in ("mean", "ci_low", "ci_high"))
        color = f"C{n % 10}"
        ax.fill_between(px[order], lo, hi, color=color, alpha=0.18, lw=0)
        ax.plot(px[order], mean, color=color, lw=2, marker="o", ms=3, label=label)
    if target is not None:
        ax.axhline(target, color=_RED, ls="--", lw=1.5, label=f"target {target:.0%}")
    if not numeric:
        ax.set_xticks(range(len(values)), [str(v) for v in values], rotation=30, ha="right")
    elif all(isinstance(v, int | np.integer) for v in values):
        ax.xaxis.get_major_locator().set_params(integer=True)  # agents: whole numbers
    if kpi in FRACTION_KPIS:
        ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
    ax.set_xlabel(x)
    ax.set_ylabel(f"{kpi} (mean, 95% CI band)")
    ax.set_title(title or f"{kpi} over {x}", loc="left")
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    if len(labels) > 1:
        ax.legend(handles[:13], labels[:13], fontsize=8, loc="best")
    return fig
