"""Charts of the day interval by interval: service level, call volumes, staffing
against the offered load, ASA and abandon rate.

Each takes a `RunResult` (its per-interval summary: means and 95 % CIs over the
replications) and a language, and returns a drawn `Figure`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.charts.style import (
    BLUE,
    GREEN,
    GREY,
    ORANGE,
    RED,
    band,
    chart_context,
    finish,
    interval_axis,
    nan_array,
    new_figure,
    percent_axis,
    shade_empty,
    steps,
    target_line,
    title_and_legend,
)
from ccsim.i18n import kpi_label, tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.batch.result import RunResult

__all__ = ["asa_abandon_chart", "service_level_chart", "staffing_chart", "volumes_chart"]

WIDTH = 11.0


class IntervalSeries:
    """The per-interval summary of a run as arrays: ``mean(kpi)``, ``ci(kpi)``."""

    def __init__(self, result: RunResult):
        self.rows = result.summary["by_interval"]
        self.starts = [r["start"] for r in self.rows]
        self.x = np.arange(len(self.rows))
        self.interval = result.scenario.horizon.interval

    def mean(self, kpi: str) -> np.ndarray:
        return nan_array([(r.get(kpi) or {}).get("mean") for r in self.rows])

    def ci(self, kpi: str) -> tuple[np.ndarray, np.ndarray]:
        """Low and high 95 % bounds; NaN without a CI (one replication)."""
        cis = [(r.get(kpi) or {}).get("ci95") or (None, None) for r in self.rows]
        return nan_array([c[0] for c in cis]), nan_array([c[1] for c in cis])

    def empty(self) -> np.ndarray:
        """Intervals without an offered call."""
        return ~(np.nan_to_num(self.mean("offered")) > 0)


def _replications_note(result: RunResult, lang: str) -> str:
    if result.replications > 1:
        return tr("chart.replications", lang, n=result.replications)
    return tr("chart.one_replication", lang)


def sl_name(result: RunResult) -> str:
    """``80/20s``: the target and threshold of the scenario's service level."""
    sl = result.scenario.service_level
    return f"{round(100 * sl.target)}/{sl.threshold:g}s"


def service_level_chart(result: RunResult, lang: str = "en") -> Figure:
    """Service level per interval (mean over replications) with its 95 % CI band and
    the target line; intervals below target are marked, intervals without calls
    greyed (their service level is undefined)."""
    data = IntervalSeries(result)
    target = result.scenario.service_level.target
    with chart_context(lang):
        fig = new_figure(WIDTH, 4.6)
        ax = fig.subplots()
        shade_empty(ax, data.empty(), lang)
        sl = data.mean("service_level")
        lo, hi = data.ci("service_level")
        if result.replications > 1:
            band(ax, lo, hi, BLUE, 0.2, label=tr("chart.ci95", lang))
        ax.plot(*steps(sl), color=BLUE, lw=2, label=tr("chart.sl_mean", lang))
        target_line(ax, target, lang)
        below = sl < target
        ax.scatter(
            data.x[below],
            sl[below],
            color=RED,
            s=16,
            zorder=3,
            label=tr("chart.below_target", lang),
        )
        ax.set_ylim(0, 1.03)
        percent_axis(ax)
        ax.set_ylabel(kpi_label("service_level", lang))
        interval_axis(ax, data.starts, data.interval, lang)
        title = tr("chart.sl_title", lang, scenario=result.scenario.name, sl=sl_name(result))
        title_and_legend(fig, f"{title} ({_replications_note(result, lang)})", [ax])
        return finish(fig)


def volumes_chart(result: RunResult, lang: str = "en") -> Figure:
    """Calls per interval: answered and abandoned stacked (they add up to the
    offered calls), the offered calls as a line over them."""
    data = IntervalSeries(result)
    with chart_context(lang):
        fig = new_figure(WIDTH, 4.2)
        ax = fig.subplots()
        answered = np.nan_to_num(data.mean("answered"))
        abandoned = np.nan_to_num(data.mean("abandoned"))
        ax.bar(data.x, answered, width=0.8, color=GREEN, label=tr("chart.answered", lang))
        ax.bar(
            data.x,
            abandoned,
            width=0.8,
            bottom=answered,
            color=RED,
            label=tr("chart.abandoned", lang),
        )
        ax.plot(*steps(data.mean("offered")), color=GREY, lw=1.3, label=tr("chart.offered", lang))
        top = np.nanmax(np.concatenate([answered + abandoned, data.mean("offered"), [1.0]]))
        ax.set_ylim(0, top * 1.08)
        ax.set_ylabel(tr("chart.calls_per_interval", lang))
        interval_axis(ax, data.starts, data.interval, lang)
        title = tr("chart.volumes_title", lang, scenario=result.scenario.name)
        title_and_legend(fig, f"{title} ({_replications_note(result, lang)})", [ax])
        return finish(fig)


def offered_load(result: RunResult) -> np.ndarray:
    """Offered load per interval in Erlangs: offered calls × AHT / interval length
    (0 where nothing was offered or answered)."""
    data = IntervalSeries(result)
    return np.nan_to_num(data.mean("offered") * data.mean("aht_s") / data.interval)


def staffing_chart(
    result: RunResult, lang: str = "en", required: Sequence[float] | None = None
) -> Figure:
    """Agents per interval, all groups (means over the interval): busy, idle on the
    floor and away (breaks, absences) stacked up to the scheduled agents, against
    the offered load in Erlangs; ``required`` (agents per interval, e.g. from an
    Erlang C staffing calculation; default: the run's own ``required`` row entries
    when `ccsim.planning.staffing` added them) as a dashed line."""
    data = IntervalSeries(result)
    with chart_context(lang):
        fig = new_figure(WIDTH, 4.6)
        ax = fig.subplots()
        busy = np.nan_to_num(data.mean("busy_agents"))
        available = np.nan_to_num(data.mean("available_agents"))
        away = np.nan_to_num(data.mean("on_break_agents")) + np.nan_to_num(
            data.mean("absent_agents")
        )
        scheduled = np.nan_to_num(data.mean("scheduled_agents"))
        load = offered_load(result)
        ax.bar(data.x, busy, width=0.8, color=BLUE, alpha=0.85, label=tr("chart.busy", lang))
        ax.bar(
            data.x,
            np.maximum(available - busy, 0),
            width=0.8,
            bottom=busy,
            color=BLUE,
            alpha=0.25,
            label=tr("chart.idle", lang),
        )
        ax.bar(
            data.x,
            away,
            width=0.8,
            bottom=available,
            color=GREY,
            alpha=0.3,
            label=tr("chart.away", lang) if away.any() else None,
        )
        ax.plot(*steps(scheduled), color="black", lw=1.2, label=tr("chart.scheduled", lang))
        series: list[Any] = [scheduled, available + away, load, [1.0]]
        if required is None and any("required" in r for r in data.rows):
            required = list(data.mean("required"))  # added by `ccsim run --required`
        if required is not None:
            req = np.asarray(required, dtype=float)
            if req.shape != data.x.shape:
                raise ValueError(f"required: {len(req)} values for {len(data.x)} intervals")
            ax.plot(*steps(req), color=ORANGE, lw=2, ls="--", label=tr("chart.required", lang))
            # over/under is available (on the floor) − required, as in every table
            over, under = np.maximum(available, req), np.minimum(available, req)
            band(ax, req, over, GREEN, 0.3, label=tr("chart.over", lang))
            band(ax, under, req, RED, 0.35, label=tr("chart.under", lang))
            series.append(req)
        ax.plot(data.x, load, color=RED, lw=1.8, marker="o", ms=3, label=tr("chart.load", lang))
        ax.set_ylim(0, np.nanmax(np.concatenate(series)) * 1.08)
        ax.set_ylabel(tr("chart.agents", lang))
        interval_axis(ax, data.starts, data.interval, lang)
        title = tr("chart.staffing_title", lang, scenario=result.scenario.name)
        title_and_legend(fig, f"{title} ({_replications_note(result, lang)})", [ax])
        return finish(fig)


def asa_abandon_chart(result: RunResult, lang: str = "en") -> Figure:
    """ASA (seconds) above, abandon rate below, per interval, each with its 95 % CI
    band; intervals without calls greyed."""
    data = IntervalSeries(result)
    with chart_context(lang):
        fig = new_figure(WIDTH, 5.6)
        ax_asa, ax_ab = fig.subplots(2, 1, sharex=True)
        empty = data.empty()
        panels = (
            (ax_asa, "asa_s", BLUE, tr("chart.asa_axis", lang)),
            (ax_ab, "abandon_rate", RED, tr("chart.abandon_axis", lang)),
        )
        for ax, kpi, color, ylabel in panels:
            shade_empty(ax, empty, lang)
            mean = data.mean(kpi)
            if result.replications > 1:
                band(ax, *data.ci(kpi), color, 0.2, label=tr("chart.ci95", lang))
            ax.plot(*steps(mean), color=color, lw=2, label=kpi_label(kpi, lang))
            top = np.nanmax(np.concatenate([data.ci(kpi)[1], mean, [0.0]]))
            ax.set_ylim(0, top * 1.1 if top > 0 else 1.0)
            ax.set_ylabel(ylabel)
        percent_axis(ax_ab)
        if not np.nanmax(np.concatenate([data.mean("abandon_rate"), [0.0]])) > 0:
            ax_ab.set_ylim(0, 0.1)
        interval_axis(ax_ab, data.starts, data.interval, lang)
        ax_asa.tick_params(labelbottom=False)
        ax_asa.set_xlabel("")
        title = tr("chart.asa_title", lang, scenario=result.scenario.name)
        title_and_legend(fig, f"{title} ({_replications_note(result, lang)})", [ax_asa, ax_ab])
        return finish(fig)
