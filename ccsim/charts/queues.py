"""Service level per queue: one chart per call type, its SL per interval with the
95 % CI band and the target (the planner reads each queue on its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ccsim.charts.style import (
    BLUE,
    RED,
    band,
    chart_context,
    finish,
    interval_axis,
    nan_array,
    new_figure,
    percent_axis,
    steps,
    target_line,
    title_and_legend,
)
from ccsim.i18n import kpi_label, tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.batch.result import RunResult

__all__ = ["queue_service_level_chart"]


def queue_service_level_chart(result: RunResult, queue: str, lang: str = "en") -> Figure:
    """``queue``'s service level per interval (mean over replications), its 95 % CI
    band, the target, and the intervals below it marked."""
    rows = result.summary["by_call_type_interval"][queue]
    starts = [r["start"] for r in rows]
    sl = nan_array([(r.get("service_level") or {}).get("mean") for r in rows])
    cis = [(r.get("service_level") or {}).get("ci95") or (None, None) for r in rows]
    target = result.scenario.service_level.target
    with chart_context(lang):
        fig = new_figure(11.0, 3.4)
        ax = fig.subplots()
        if result.replications > 1:
            low, high = nan_array([c[0] for c in cis]), nan_array([c[1] for c in cis])
            band(ax, low, high, BLUE, 0.2, label=tr("chart.ci95", lang))
        ax.plot(*steps(sl), color=BLUE, lw=2, label=tr("chart.sl_mean", lang))
        target_line(ax, target, lang)
        below = sl < target
        x = np.arange(len(rows))
        ax.scatter(x[below], sl[below], color=RED, s=16, zorder=3,
                   label=tr("chart.below_target", lang))  # fmt: skip
        ax.set_ylim(0, 1.03)
        percent_axis(ax)
        ax.set_ylabel(kpi_label("service_level", lang))
        interval_axis(ax, starts, result.scenario.horizon.interval, lang)
        title_and_legend(fig, tr("chart.sl_by_queue", lang, name=queue), [ax])
        return finish(fig)
