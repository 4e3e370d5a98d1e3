"""A week's service level as a heatmap: day × interval of the day.

Drawn from the week's ``--json`` document (``week.json`` of ``ccsim run --out``, or
`ccsim.outputs.week.week_json`), so ``ccsim plot`` and ``ccsim report`` draw it
from a results folder without simulating again. Each cell is the interval's mean
service level over the replications, as that day's ``by_interval`` gives it; the
colour turns from red to green at the scenario's target. Cells of a closed day, of
hours the day is closed, and of intervals without calls are grey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import TwoSlopeNorm
from matplotlib.patches import Patch

from ccsim.charts.intervals import WIDTH
from ccsim.charts.style import (
    chart_context,
    finish,
    interval_axis,
    new_figure,
    title_and_legend,
)
from ccsim.i18n import kpi_label, tr
from ccsim.scenario.week import day_name
from ccsim.units import format_clock, parse_clock

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["week_sl_chart", "week_sl_matrix"]

#: Cells without a service level: the day or hour is closed, or no call came.
NO_VALUE = "#dddddd"
#: Write each cell's percentage when the day has at most this many intervals.
MAX_ANNOTATED = 32


def _clock_of_day(start: str) -> float:
    """Seconds after the day's midnight of a week time (``"08:00+1"``: 08:00)."""
    return parse_clock(str(start).split("+", 1)[0])


def week_sl_matrix(
    document: dict[str, Any], kpi: str = "service_level"
) -> tuple[list[dict], list[str], np.ndarray]:
    """The days (``by_day`` entries), the interval starts of the day ("HH:MM", every
    start any day has, in order) and the mean ``kpi`` per day × interval (NaN where
    the day has no such interval or no value)."""
    days = list(document["by_day"])
    rows: dict[str, dict[float, Any]] = {}
    for row in document["by_interval"]:
        figure = row.get(kpi)
        mean = figure.get("mean") if isinstance(figure, dict) else None
        rows.setdefault(row["day"], {})[_clock_of_day(row["start"])] = mean
    clocks = sorted({t for by_start in rows.values() for t in by_start})
    matrix = np.full((len(days), len(clocks)), np.nan)
    for d, entry in enumerate(days):
        by_start = rows.get(entry["day"], {})
        for i, t in enumerate(clocks):
            value = by_start.get(t)
            if value is not None:
                matrix[d, i] = float(value)
    return days, [format_clock(t) for t in clocks], matrix


def _interval_s(starts: list[str]) -> float:
    if len(starts) < 2:
        return 1800.0
    clocks = [parse_clock(s) for s in starts]
    return min(b - a for a, b in zip(clocks, clocks[1:], strict=False))


def week_sl_chart(document: dict[str, Any], lang: str = "en") -> Figure:
    """The week's service level per day × interval (rows: days, top to bottom),
    red below the target, green above; each cell's percentage written when a day
    has at most 32 intervals."""
    days, starts, sl = week_sl_matrix(document)
    target = float(document["service_level"]["target"])
    with chart_context(lang):
        fig = new_figure(WIDTH, 1.9 + 0.42 * max(len(days), 1))
        ax = fig.subplots()
        cmap = colormaps["RdYlGn"].with_extremes(bad=NO_VALUE)
        norm = TwoSlopeNorm(vcenter=min(max(target, 0.01), 0.99), vmin=0.0, vmax=1.0)
        image = ax.imshow(
            np.ma.masked_invalid(sl),
            aspect="auto",
            cmap=cmap,
            norm=norm,
            interpolation="nearest",
            extent=(-0.5, len(starts) - 0.5, len(days) - 0.5, -0.5),
        )
        ax.set_yticks(np.arange(len(days)), [day_name(d, lang) for d in days])
        ax.tick_params(axis="y", length=0)
        ax.grid(False)
        for side in ("left", "bottom"):
            ax.spines[side].set_visible(False)
        if len(starts) <= MAX_ANNOTATED:
            for (d, i), v in np.ndenumerate(sl):
                if np.isfinite(v):
                    dark = not 0.15 <= norm(v) <= 0.82  # white on the deep red and green
                    ax.text(i, d, f"{100 * v:.0f}", ha="center", va="center", fontsize=7,
                            color="white" if dark else "#222222")  # fmt: skip
        interval_axis(ax, starts, _interval_s(starts), lang)
        bar = fig.colorbar(image, ax=ax, pad=0.01, fraction=0.03, aspect=12)
        bar.set_label(kpi_label("service_level", lang))
        bar.set_ticks([0.0, target, 1.0])
        bar.ax.yaxis.set_major_formatter(lambda v, _pos: f"{v:.0%}")
        bar.outline.set_visible(False)
        ax.set_ylabel(tr("week.day", lang))
        title = tr(
            "week.heatmap_title", lang, scenario=document["scenario"], target=f"{target:.0%}"
        )
        extra = [(Patch(color=NO_VALUE), tr("week.no_value", lang))] if np.isnan(sl).any() else []
        title_and_legend(fig, title, [ax], extra=extra)
        return finish(fig)
