"""Occupancy heatmap: agent group × interval."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib import colormaps
from matplotlib.patches import Patch

from ccsim.charts.intervals import WIDTH, IntervalSeries
from ccsim.charts.style import (
    chart_context,
    finish,
    interval_axis,
    nan_array,
    new_figure,
    title_and_legend,
)
from ccsim.i18n import kpi_label, tr

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ccsim.batch.result import RunResult

__all__ = ["occupancy_chart", "occupancy_matrix"]

#: Cells of groups without agents on the floor (occupancy undefined).
NO_AGENTS = "#dddddd"
#: Write each cell's value when there are at most this many intervals.
MAX_ANNOTATED = 24


def occupancy_matrix(result: RunResult) -> tuple[list[str], np.ndarray]:
    """Group names and their mean occupancy per interval (groups × intervals; NaN
    where the group had no agent available)."""
    per_group = result.summary["by_agent_group_interval"]
    names = list(per_group)
    rows = [
        nan_array([(r.get("occupancy") or {}).get("mean") for r in per_group[g]]) for g in names
    ]
    n = len(result.summary["by_interval"])
    return names, np.array(rows, dtype=float).reshape(len(names), n)


def occupancy_chart(result: RunResult, lang: str = "en") -> Figure:
    """Each agent group's occupancy (busy / available time) per interval as a
    colour, 0 % pale to 100 % dark red; grey where the group had nobody available.
    With at most 24 intervals each cell also shows its percentage."""
    data = IntervalSeries(result)
    names, occ = occupancy_matrix(result)
    with chart_context(lang):
        fig = new_figure(WIDTH, 1.9 + 0.42 * max(len(names), 1))
        ax = fig.subplots()
        cmap = colormaps["YlOrRd"].with_extremes(bad=NO_AGENTS)
        image = ax.imshow(
            np.ma.masked_invalid(occ),
            aspect="auto",
            cmap=cmap,
            vmin=0.0,
            vmax=1.0,
            interpolation="nearest",
            extent=(-0.5, len(data.x) - 0.5, len(names) - 0.5, -0.5),
        )
        ax.set_yticks(np.arange(len(names)), names)
        ax.tick_params(axis="y", length=0)
        ax.grid(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if len(data.x) <= MAX_ANNOTATED:
            for (g, i), v in np.ndenumerate(occ):
                if np.isfinite(v):
                    ax.text(
                        i,
                        g,
                        f"{100 * v:.0f}",
                        ha="center",
                        va="center",
                        fontsize=7.5,
                        color="white" if v > 0.7 else "#222222",
                    )
        interval_axis(ax, data.starts, data.interval, lang)
        bar = fig.colorbar(image, ax=ax, pad=0.01, fraction=0.03, aspect=12)
        bar.set_label(kpi_label("occupancy", lang))
        bar.ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        bar.outline.set_visible(False)
        ax.set_ylabel(tr("chart.agent_group", lang))
        title = tr("chart.occupancy_title", lang, scenario=result.scenario.name)
        extra = (
            [(Patch(color=NO_AGENTS), tr("chart.no_agents", lang))] if np.isnan(occ).any() else []
        )
        title_and_legend(fig, title, [ax], extra=extra)
        return finish(fig)
