"""Waiting-time distribution: how long callers waited, with the SL threshold marked.

From the call-by-call record (`RunResult.observations` of a run with
``keep_observations=True``, or the ``calls.csv`` that ``ccsim run --trace`` writes)
the chart is the empirical distribution of every offered call's wait; without
it, the waiting-time percentiles each replication recorded (median, 90th, 95th).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.charts.style import (
    BLUE,
    GREY,
    RED,
    chart_context,
    finish,
    new_figure,
    percent_axis,
    target_line,
    title_and_legend,
)
from ccsim.i18n import tr
from ccsim.observations import ABANDONED, ANSWERED, FIRST, RETRIAL, TRANSFER

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ccsim.batch.result import RunResult

__all__ = ["call_waits", "waiting_time_chart"]

#: Live legs (the calls that count in the service level) in ``calls.csv`` words.
LIVE_LEGS = ("first", "retrial", "transfer")
#: Percentile KPIs of answered calls' waits, with their level.
PERCENTILE_KPIS = (("wait_p50_s", 0.50), ("wait_p90_s", 0.90), ("wait_p95_s", 0.95))


def call_waits(
    result: RunResult, calls: pd.DataFrame | None = None
) -> tuple[np.ndarray, np.ndarray] | None:
    """Waits of the answered and of the abandoned live calls offered after the
    warm-up, from ``calls`` (the ``calls.csv`` table) or the run's observations;
    ``None`` when the run kept neither."""
    h = result.scenario.horizon
    counted_from = h.start + h.warmup
    if calls is not None:
        live = calls["leg"].isin(LIVE_LEGS) & (calls["offered_s"] >= counted_from)
        wait = calls["wait_s"].to_numpy(float)
        answered = (live & (calls["outcome"] == "answered")).to_numpy()
        abandoned = (live & (calls["outcome"] == "abandoned")).to_numpy()
        return wait[answered], wait[abandoned]
    if not result.observations:
        return None
    ans, ab = [], []
    for obs in result.observations:
        leg, outcome = np.asarray(obs.leg), np.asarray(obs.outcome)
        live = np.isin(leg, (FIRST, RETRIAL, TRANSFER)) & (np.asarray(obs.offered) >= counted_from)
        wait = np.asarray(obs.wait, dtype=float)
        ans.append(wait[live & (outcome == ANSWERED)])
        ab.append(wait[live & (outcome == ABANDONED)])
    return np.concatenate(ans), np.concatenate(ab)


def waiting_time_chart(
    result: RunResult,
    lang: str = "en",
    calls: pd.DataFrame | None = None,
    replications: pd.DataFrame | None = None,
) -> Figure:
    """The share of offered calls answered within t (and abandoned within t) for
    every wait t, with the SL threshold T and the target: where the blue curve
    crosses T is the service level (of offered calls). Without the call-by-call
    record, each replication's waiting-time percentiles of answered calls
    (``replications``: the ``replications.csv`` table, else the run's own)."""
    waits = call_waits(result, calls)
    sl = result.scenario.service_level
    with chart_context(lang):
        fig = new_figure(9.0, 4.8)
        ax = fig.subplots()
        if waits is not None:
            title = tr("chart.waits_title", lang, scenario=result.scenario.name)
            _distribution(ax, *waits, sl.threshold, sl.target, lang)
        elif result.summary.get("by_interval"):
            # no call-by-call record: each interval's waiting-time percentiles (kept in
            # every run, result.json included) tell how long answered callers waited
            title = tr("chart.waits_by_interval", lang, scenario=result.scenario.name)
            _interval_percentiles(ax, result, sl.threshold, lang)
            title_and_legend(fig, title, [ax], ncols=4)
            return finish(fig)
        else:
            title = tr("chart.waits_title_pct", lang, scenario=result.scenario.name)
            table = replications if replications is not None else result.replications_df
            _percentiles(ax, table, sl.threshold, lang)
        ax.axvline(
            sl.threshold,
            color=GREY,
            ls=":",
            lw=1.5,
            label=tr("chart.threshold", lang, t=f"{sl.threshold:g}s"),
        )
        ax.set_xlabel(tr("chart.wait_axis", lang))
        ax.set_xlim(left=0)
        ax.grid(True, axis="x")
        title_and_legend(fig, title, [ax], ncols=4)
        return finish(fig)


def _distribution(
    ax: Axes, answered: np.ndarray, abandoned: np.ndarray, threshold: float, target: float, lang
) -> None:
    offered = len(answered) + len(abandoned)
    if offered == 0:
        _nothing(ax, threshold, lang)
        return
    answered, abandoned = np.sort(answered), np.sort(abandoned)
    top = max(np.quantile(np.concatenate([answered, abandoned]), 0.99), 3 * threshold, 1.0)
    t = np.linspace(0.0, top, 600)
    ans_share = np.searchsorted(answered, t, side="right") / offered
    ab_share = np.searchsorted(abandoned, t, side="right") / offered
    ax.plot(t, ans_share, color=BLUE, lw=2, label=tr("chart.answered_calls", lang))
    if len(abandoned):
        ax.plot(t, ab_share, color=RED, lw=1.6, ls="--", label=tr("chart.abandoned_calls", lang))
    target_line(ax, target, lang, lw=1.2, ls=(0, (5, 3)), alpha=0.6)
    at = np.searchsorted(answered, threshold, side="right") / offered
    ax.plot([threshold], [at], "o", color=BLUE, ms=6, zorder=3)
    ax.annotate(
        f"{at:.1%}",
        (threshold, at),
        xytext=(8, 5),
        textcoords="offset points",
        color=BLUE,
        fontsize=10.5,
    )
    ax.set_xlim(0, top)
    ax.set_ylim(0, 1.02)
    percent_axis(ax)
    ax.set_ylabel(tr("chart.share_within", lang))


def _percentiles(ax: Axes, table: pd.DataFrame, threshold: float, lang: str) -> None:
    day = table[table["scope"] == "day"] if len(table) else table
    levels, values = [], []
    for kpi, level in PERCENTILE_KPIS:
        v = day[day["kpi"] == kpi]["value"].to_numpy(float) if len(day) else np.array([])
        v = v[np.isfinite(v)]
        if len(v):
            levels.append(level)
            values.append(v)
    if not values:
        _nothing(ax, threshold, lang)
        return
    for level, v in zip(levels, values, strict=True):
        jitter = np.linspace(-0.012, 0.012, len(v)) if len(v) > 1 else np.zeros(1)
        ax.scatter(v, level + jitter, s=10, color=BLUE, alpha=0.35, lw=0)
    means = [float(np.mean(v)) for v in values]
    ax.plot(means, levels, "o", color=BLUE, ms=7, label=tr("chart.mean_of_reps", lang))
    for m, level in zip(means, levels, strict=True):
        ax.annotate(
            f"{m:.0f}s", (m, level), xytext=(6, -12), textcoords="offset points", fontsize=9
        )
    ax.set_ylim(0.4, 1.0)
    ax.set_yticks([level for _, level in PERCENTILE_KPIS])
    percent_axis(ax)
    ax.set_xlim(0, max(max(np.max(v) for v in values) * 1.15, 2 * threshold))
    ax.set_ylabel(tr("chart.percentile", lang))
    ax.set_title(tr("chart.waits_note", lang), fontsize=9, color=GREY)


def _nothing(ax: Axes, threshold: float, lang: str) -> None:
    ax.text(0.5, 0.5, tr("chart.no_waits", lang), transform=ax.transAxes, ha="center", color=GREY)
    ax.set_xlim(0, 2 * threshold)
    ax.set_ylim(0, 1)
    percent_axis(ax)


def _interval_percentiles(ax: Axes, result: RunResult, threshold: float, lang: str) -> None:
    """Per interval, the mean 50th, 90th and 95th percentile of answered calls' waits
    (step lines, the 50–95 band shaded), against the SL threshold."""
    from ccsim.charts.style import band, interval_axis, steps

    rows = result.summary["by_interval"]

    def series(kpi: str) -> np.ndarray:
        return np.array(
            [np.nan if (r.get(kpi) or {}).get("mean") is None else r[kpi]["mean"] for r in rows],
            dtype=float,
        )

    p50, p90, p95 = (series(k) for k, _ in PERCENTILE_KPIS)
    band(ax, p50, p95, BLUE, 0.15)
    for values, style, kpi in ((p50, "-", "50"), (p90, "--", "90"), (p95, ":", "95")):
        ax.plot(*steps(values), color=BLUE, ls=style, lw=1.8,
                label=tr("chart.wait_pct", lang, p=kpi))  # fmt: skip
    ax.axhline(
        threshold,
        color=RED,
        ls="--",
        lw=1.4,
        label=tr("chart.threshold", lang, t=f"{threshold:g}s"),
    )
    top = np.nanmax(np.concatenate([p95, [2 * threshold]]))
    ax.set_ylim(0, top * 1.1 if np.isfinite(top) else 2 * threshold)
    ax.set_ylabel(tr("chart.wait_axis", lang))
    interval_axis(ax, [r["start"] for r in rows], result.scenario.horizon.interval, lang)
    ax.set_title(tr("chart.no_call_data", lang), fontsize=8.5, color=GREY, wrap=True)
